"""Bayesian summaries and always-valid sequential inference against independent truths.

* Beta–binomial chance to win: Evan Miller's closed form (sum of Beta functions), to 1e-9;
  posterior mean, risk and credible bounds: seeded Monte Carlo draws.
* Normal approximation: chance = Φ(m/s); risks against numerical integration.
* Mixture SPRT: the closed-form always-valid p-value equals 1/∫ exp(λS − λ²t/2) dN(0, ρ²)(λ)
  by quadrature; the sequence excludes zero exactly when p ≤ α.
* A/A simulation with continuous peeking (seeded): the sequential test's false-positive rate
  stays ≤ 0.05 while naive fixed-horizon peeking is far above it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, special, stats

from cxlib import experiments as ab
from cxlib.experiments.bayesian import beta_binomial, normal_posterior
from cxlib.experiments.sequential import mixture_rho2


def miller_chance(a_c: float, b_c: float, a_t: float, b_t: float) -> float:
    """P(p_T > p_C) for Beta posteriors (Evan Miller, "Formulas for Bayesian A/B testing")."""
    i = np.arange(int(a_t))
    terms = (
        special.betaln(a_c + i, b_c + b_t)
        - np.log(b_t + i)
        - special.betaln(1 + i, b_t)
        - special.betaln(a_c, b_c)
    )
    return float(np.exp(np.logaddexp.reduce(terms)))


@pytest.mark.parametrize(
    "counts", [(100, 1000, 130, 1000), (5, 40, 9, 35), (2000, 20000, 2190, 19800), (30, 500, 22, 480)]
)
def test_beta_binomial_chance_is_exact(counts):
    x_c, n_c, x_t, n_t = counts
    res = beta_binomial(x_c, n_c, x_t, n_t, relative=True, higher_is_better=True, alpha=0.05)
    assert res["chance_to_win"] == pytest.approx(
        miller_chance(1 + x_c, 1 + n_c - x_c, 1 + x_t, 1 + n_t - x_t), abs=1e-9
    )
    worse = beta_binomial(x_c, n_c, x_t, n_t, relative=True, higher_is_better=False, alpha=0.05)
    assert worse["chance_to_win"] == pytest.approx(1 - res["chance_to_win"], abs=1e-12)


@pytest.mark.parametrize("relative", [True, False])
def test_beta_binomial_against_monte_carlo(relative):
    x_c, n_c, x_t, n_t = 180, 2000, 215, 2000
    rng = np.random.default_rng(7)
    p_c = rng.beta(1 + x_c, 1 + n_c - x_c, 2_000_000)
    p_t = rng.beta(1 + x_t, 1 + n_t - x_t, 2_000_000)
    effect = p_t / p_c - 1 if relative else p_t - p_c
    res = beta_binomial(x_c, n_c, x_t, n_t, relative=relative, higher_is_better=True, alpha=0.05)
    scale = effect.std()
    assert res["mean"] == pytest.approx(effect.mean(), abs=0.005 * scale)
    assert res["risk"] == pytest.approx(np.maximum(0, -effect).mean(), abs=0.005 * scale)
    assert res["risk_control"] == pytest.approx(np.maximum(0, effect).mean(), abs=0.005 * scale)
    assert res["ci_low"] == pytest.approx(np.quantile(effect, 0.025), abs=0.01 * scale)
    assert res["ci_high"] == pytest.approx(np.quantile(effect, 0.975), abs=0.01 * scale)


def test_normal_posterior_closed_forms():
    est, se = np.array([0.03, -0.01, 0.0]), np.array([0.012, 0.02, 0.05])
    out = normal_posterior(est, se, higher_is_better=np.array([True, True, False]), alpha=0.05)
    np.testing.assert_allclose(
        out["chance_to_win"], [stats.norm.cdf(0.03 / 0.012), stats.norm.cdf(-0.5), 0.5], rtol=1e-12
    )
    for i in range(3):
        sign = 1.0 if i < 2 else -1.0
        density = lambda d, i=i: stats.norm.pdf(d, est[i], se[i])  # noqa: E731
        lo, hi = est[i] - 12 * se[i], est[i] + 12 * se[i]
        loss_ship = integrate.quad(
            lambda d, sign=sign, density=density: max(0.0, -sign * d) * density(d), lo, hi, points=[0.0]
        )[0]
        loss_keep = integrate.quad(
            lambda d, sign=sign, density=density: max(0.0, sign * d) * density(d), lo, hi, points=[0.0]
        )[0]
        assert out["risk"][i] == pytest.approx(loss_ship, rel=1e-7, abs=1e-12)
        assert out["risk_control"][i] == pytest.approx(loss_keep, rel=1e-7, abs=1e-12)
    shrunk = normal_posterior(est, se, higher_is_better=np.ones(3, bool), alpha=0.05, prior_sd=0.02)
    np.testing.assert_allclose(shrunk["mean"], est * 0.02**2 / (0.02**2 + se**2), rtol=1e-12)


def test_compare_bayesian_uses_beta_for_conversions_and_normal_otherwise():
    rng = np.random.default_rng(3)
    n = 4000
    df = pd.DataFrame(
        {
            "variant": np.repeat(["control", "treatment"], n // 2),
            "converted": rng.random(n) < 0.1,
            "revenue": rng.gamma(1.0, 10.0, n),
        }
    )
    res = ab.compare(df, metrics=["converted", "revenue"], method="bayesian").table.set_index("metric")
    c = df[df["variant"] == "control"]["converted"].sum()
    t = df[df["variant"] == "treatment"]["converted"].sum()
    assert res.loc["converted", "chance_to_win"] == pytest.approx(
        miller_chance(1 + c, 1 + n / 2 - c, 1 + t, 1 + n / 2 - t), abs=1e-9
    )
    freq = ab.compare(df, metrics=["revenue"]).table.iloc[0]
    assert res.loc["revenue", "chance_to_win"] == pytest.approx(
        stats.norm.cdf(freq["estimate"] / freq["se"]), rel=1e-12
    )
    assert np.isnan(res["p_value"]).all()


def test_mixture_p_value_is_the_mixture_likelihood_ratio():
    alpha, n_star = 0.05, 5000
    rho2 = mixture_rho2(alpha, n_star)
    for t, z in ((100, 1.5), (5000, 2.8), (20000, 3.3), (50, 0.0)):
        s = z * np.sqrt(t)  # sum of t unit-variance increments
        mix = integrate.quad(
            lambda lam, s=s, t=t: np.exp(lam * s - lam**2 * t / 2) * stats.norm.pdf(lam, 0, np.sqrt(rho2)),
            -np.inf,
            np.inf,
        )[0]
        p = ab.always_valid_p(z, 1.0, t, alpha, n_star)
        assert float(p) == pytest.approx(min(1.0, 1.0 / mix), rel=1e-7)


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(2, 10_000_000), n_star=st.integers(100, 1_000_000), alpha=st.sampled_from([0.01, 0.05, 0.1])
)
def test_property_sequence_is_wider_than_the_fixed_interval_and_matches_its_p_value(n, n_star, alpha):
    half = float(ab.mixture_halfwidth(1.0, n, alpha, n_star))
    assert half > stats.norm.ppf(1 - alpha / 2)
    # At the boundary z = half-width the always-valid p-value is exactly alpha.
    assert float(ab.always_valid_p(half, 1.0, n, alpha, n_star)) == pytest.approx(alpha, rel=1e-9)


def test_sequence_is_tightest_near_the_tuning_size():
    n = np.unique(np.logspace(2, 6, 2000).astype(int))
    width = ab.mixture_halfwidth(1.0 / np.sqrt(n), n, 0.05, 20_000) * np.sqrt(
        n
    )  # width for unit variance × √n
    best = n[np.argmin(width)]
    assert 0.7 * 20_000 <= best <= 1.3 * 20_000


def _aa_looks(sims: int, looks: int, batch: int, seed: int) -> pd.DataFrame:
    """Summary of `sims` A/A tests, each a 'metric', with one 'period' per look (new units per look)."""
    rng = np.random.default_rng(seed)
    frames = []
    for variant in ("control", "treatment"):
        conv = rng.binomial(batch, 0.1, (sims, looks)).astype(float)
        frames.append(
            pd.DataFrame(
                {
                    "period": np.tile(np.arange(looks), sims),
                    "variant": variant,
                    "metric": np.repeat([f"s{i}" for i in range(sims)], looks),
                    "n": batch,
                    "sum": conv.ravel(),
                    "sum_sq": conv.ravel(),
                    "kind": "proportion",
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def test_aa_sequential_stays_valid_under_continuous_peeking():
    """1,000 seeded A/A tests, each looked at after every 50 units per arm (100 looks)."""
    summary = _aa_looks(sims=1000, looks=100, batch=50, seed=99)
    seq = ab.effect_over_time(summary, relative=False, n_star=5000, adjust=None)
    ever = seq.table.groupby("metric")["conclusive"].any()
    assert ever.mean() <= 0.05
    naive = (
        seq.table.assign(hit=(seq.table["fixed_low"] > 0) | (seq.table["fixed_high"] < 0))
        .groupby("metric")["hit"]
        .any()
    )
    assert naive.mean() > 0.2  # what daily peeking at fixed-horizon intervals would have done
    assert seq.conclusive_at["first_conclusive"].notna().mean() == pytest.approx(ever.mean())


def test_sequential_detects_a_real_effect_and_reports_when():
    rng = np.random.default_rng(5)
    looks, batch = 40, 500
    frames = []
    for variant, p in (("control", 0.10), ("treatment", 0.115)):
        conv = rng.binomial(batch, p, looks).astype(float)
        frames.append(
            pd.DataFrame(
                {
                    "period": pd.date_range("2026-01-01", periods=looks, tz="UTC"),
                    "variant": variant,
                    "metric": "conversion",
                    "n": batch,
                    "sum": conv,
                    "sum_sq": conv,
                }
            )
        )
    seq = ab.effect_over_time(pd.concat(frames, ignore_index=True), n_star=20_000)
    first = seq.conclusive_at.iloc[0]
    assert first["direction"] == "up" and pd.notna(first["first_conclusive"])
    t = seq.table
    assert (t["ci_low"].diff().dropna() >= 0).all() and (
        t["ci_high"].diff().dropna() <= 0
    ).all()  # running intersection
    assert (t["p_value"].diff().dropna() <= 0).all()
    assert t.loc[t["period"] >= first["first_conclusive"], "conclusive"].all()
    assert "2026-" in seq.summary()[0]
    seq.figure().to_dict()


def test_compare_sequential_uses_every_exposure_day():
    rng = np.random.default_rng(8)
    n = 6000
    df = pd.DataFrame(
        {
            "variant": np.where(rng.random(n) < 0.5, "treatment", "control"),
            "exposed_ts": pd.Timestamp("2026-02-01", tz="UTC")
            + pd.to_timedelta(rng.integers(0, 20 * 86_400, n), unit="s"),
            "converted": rng.random(n) < 0.12,
            "revenue": rng.gamma(0.4, 25.0, n),
        }
    )
    metrics = ["converted", "revenue"]
    res = ab.compare(df, metrics=metrics, method="sequential", n_star=6000).table.set_index("metric")
    seq = ab.effect_over_time(df, metrics=metrics, n_star=6000)
    last = seq.table[seq.table["period"] == seq.table["period"].max()].set_index("metric")
    for column in ("estimate", "ci_low", "ci_high", "p_value", "p_value_holm"):
        np.testing.assert_allclose(res.loc[metrics, column], last.loc[metrics, column], rtol=1e-12)
    # Without timestamps it is a single look: the interval can only be wider than the running one.
    single = ab.compare(df.drop(columns="exposed_ts"), metrics=metrics, method="sequential", n_star=6000)
    single = single.table.set_index("metric")
    assert (single["ci_high"] - single["ci_low"] >= res["ci_high"] - res["ci_low"] - 1e-12).all()
    # Daily summaries collapse to the whole-period summary for the other methods.
    daily = ab.summarize(df, metrics, period="day")
    pd.testing.assert_frame_equal(
        daily.collapse("period").table, ab.summarize(df, metrics).table, check_exact=False, rtol=1e-12
    )
    pd.testing.assert_frame_equal(
        ab.compare(daily).table, ab.compare(df, metrics=metrics).table, check_exact=False, rtol=1e-12
    )
