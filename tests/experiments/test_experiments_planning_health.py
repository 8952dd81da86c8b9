"""Planning (power, sample size, MDE) and health checks (SRM, exposure, balance).

Truths: statsmodels ``NormalIndPower`` and ``normal_power_het`` (to 1e-9), the textbook
sample-size formula, a seeded Monte Carlo of the power; ``scipy.stats.chisquare`` for SRM;
a naive pandas count of units per day; scipy's Welch test for pre-period balance.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.power import NormalIndPower, normal_power_het

from cxlib import experiments as ab
from cxlib.errors import DataError


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(50, 200_000),
    d=st.floats(0.001, 0.5),
    ratio=st.sampled_from([0.5, 1.0, 2.0]),
    alpha=st.sampled_from([0.01, 0.05, 0.1]),
)
def test_mean_power_matches_statsmodels(n, d, ratio, alpha):
    plan = ab.power(
        baseline=20.0, effect=d * 8.0, n=n, kind="mean", sd=8.0, relative=False, ratio=ratio, alpha=alpha
    )
    ref = NormalIndPower().power(effect_size=d, nobs1=n, alpha=alpha, ratio=ratio)
    assert plan.power == pytest.approx(ref, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize(
    ("p", "lift", "n", "ratio"), [(0.1, 0.1, 12_000, 1.0), (0.03, 0.2, 40_000, 1.5), (0.5, -0.05, 3_000, 0.5)]
)
def test_proportion_power_matches_statsmodels(p, lift, n, ratio):
    plan = ab.power(baseline=p, effect=lift, n=n, ratio=ratio)
    p_t = p * (1 + lift)
    std = np.sqrt(p * (1 - p) + p_t * (1 - p_t) / ratio)  # unpooled (Wald) under null and alternative
    ref = normal_power_het(p_t - p, n, 0.05, std_null=std, std_alternative=std)
    assert plan.power == pytest.approx(ref, rel=1e-9)


def test_sample_size_is_the_smallest_reaching_the_target():
    plan = ab.sample_size(baseline=0.10, effect=0.10, power=0.8)
    n = plan.n_control
    assert (
        ab.power(baseline=0.10, effect=0.10, n=n).power
        >= 0.8
        > ab.power(baseline=0.10, effect=0.10, n=n - 1).power
    )
    # Textbook one-tail formula (the second tail adds a hair of power, so it can only need fewer units).
    z = stats.norm.ppf(0.975) + stats.norm.ppf(0.8)
    textbook = z**2 * (0.1 * 0.9 + 0.11 * 0.89) / 0.01**2
    assert textbook - 2 <= n <= np.ceil(textbook)


def test_cuped_shrinks_sample_size_by_the_variance_reduction():
    plan = ab.sample_size(baseline=40.0, effect=0.03, kind="mean", sd=90.0, variance_reduction=0.3)
    plain, cuped = plan.table["n_control"].tolist()
    assert cuped / plain == pytest.approx(0.7, abs=2 / plain)
    assert plan.table["scenario"].tolist() == ["without CUPED", "with CUPED"]
    assert "fewer units" in plan.summary()[-1]


def test_mde_inverts_power():
    plan = ab.mde(baseline=0.05, n=20_000, variance_reduction=0.2)
    for row in plan.table.itertuples():
        again = ab.power(
            baseline=0.05,
            effect=row.effect,
            n=20_000,
            relative=False,
            variance_reduction=row.variance_reduction or None,
        )
        assert again.table["power"].iloc[-1] == pytest.approx(0.8, abs=1e-9)
    assert plan.table["effect"].iloc[1] < plan.table["effect"].iloc[0]


def test_power_by_monte_carlo():
    """4,000 seeded experiments at the planned size: the rejection rate is the planned power."""
    plan = ab.sample_size(baseline=0.10, effect=0.10, power=0.8)
    n, sims = plan.n_control, 4000
    rng = np.random.default_rng(11)
    counts = {"control": rng.binomial(n, 0.10, sims), "treatment": rng.binomial(n, 0.11, sims)}
    summary = pd.concat(
        [
            pd.DataFrame(
                {
                    "variant": v,
                    "metric": [f"s{i}" for i in range(sims)],
                    "n": n,
                    "sum": c,
                    "sum_sq": c,
                    "kind": "proportion",
                }
            )
            for v, c in counts.items()
        ]
    )
    rate = (ab.compare(summary, relative=False, adjust=None).table["p_value"] < 0.05).mean()
    assert rate == pytest.approx(plan.power, abs=0.02)


def test_planning_rejects_impossible_input():
    with pytest.raises(ValueError):
        ab.power(baseline=1.5, effect=0.1, n=100)
    with pytest.raises(ValueError):
        ab.sample_size(baseline=10.0, effect=0.1, kind="mean")
    with pytest.raises(ValueError):
        ab.mde(baseline=0.1, n=100, variance_reduction=1.2)


# --------------------------------------------------------------------------- SRM


def test_srm_matches_scipy_chisquare():
    counts = {"control": 15_653, "treatment": 14_347}
    res = ab.srm(counts)
    ref = stats.chisquare([15_653, 14_347])
    assert res.chi2 == pytest.approx(ref.statistic, rel=1e-12)
    assert res.p_value == pytest.approx(ref.pvalue, rel=1e-9)
    assert res.mismatch
    assert "mismatch" in res.summary()[0].lower()


def test_srm_with_a_planned_uneven_split_and_three_arms():
    counts = pd.Series({"b": 3050, "control": 6000, "a": 2950})
    for shares in ({"control": 0.5, "a": 0.25, "b": 0.25}, [50, 25, 25], "50/25/25"):
        res = ab.srm(counts, shares)
        assert res.table["variant"].tolist() == ["control", "a", "b"]
        ref = stats.chisquare([6000, 2950, 3050], [6000, 3000, 3000])
        assert res.p_value == pytest.approx(ref.pvalue, rel=1e-9)
        assert not res.mismatch
    assert ab.srm(counts).mismatch  # against an equal split it is a mismatch
    with pytest.raises(ValueError):
        ab.srm(counts, [0.5, 0.5])


def test_srm_from_a_unit_table_and_a_summary():
    rng = np.random.default_rng(1)
    df = pd.DataFrame(
        {
            "experiment": "e",
            "variant": np.where(rng.random(5000) < 0.47, "treatment", "control"),
            "revenue": rng.random(5000),
        }
    )
    counts = df["variant"].value_counts()
    a = ab.srm(df)
    b = ab.srm(ab.summarize(df, "revenue"))
    c = ab.srm(counts.to_dict())
    assert a.p_value == pytest.approx(c.p_value, rel=1e-12) and b.p_value == pytest.approx(
        c.p_value, rel=1e-12
    )


# --------------------------------------------------------------------------- exposure, balance


def _units(n: int = 3000, seed: int = 8) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "experiment": "e",
            "variant": np.where(rng.random(n) < 0.5, "treatment", "control"),
            "exposed_ts": pd.Timestamp("2026-05-01", tz="UTC")
            + pd.to_timedelta(rng.integers(0, 14 * 86_400, n), unit="s"),
            "pre_revenue": rng.gamma(0.7, 40.0, n),
            "revenue": rng.gamma(0.5, 30.0, n),
        }
    )


def test_exposure_counts_units_per_day():
    df = _units()
    res = ab.exposure(df)
    naive = df.assign(period=df["exposed_ts"].dt.floor("D")).groupby(["period", "variant"]).size()
    got = res.table.set_index(["period", "variant"])["units"]
    assert got.sum() == len(df)
    np.testing.assert_array_equal(got.loc[naive.index].to_numpy(), naive.to_numpy())
    last = res.table[res.table["period"] == res.table["period"].max()]
    assert last["srm_p_value"].iloc[0] == pytest.approx(ab.srm(df).p_value, rel=1e-9)
    assert last["share"].sum() == pytest.approx(1.0)
    assert "14 days" in res.summary()[0]
    res.figure().to_dict()
    res.share_figure().to_dict()


def test_balance_is_welch_on_the_covariate():
    df = _units()
    res = ab.balance(df, "pre_revenue")
    c = df.loc[df["variant"] == "control", "pre_revenue"]
    t = df.loc[df["variant"] == "treatment", "pre_revenue"]
    row = res.table.iloc[0]
    assert row["p_value"] == pytest.approx(stats.ttest_ind(t, c, equal_var=False).pvalue, rel=1e-9)
    assert row["smd"] == pytest.approx((t.mean() - c.mean()) / np.sqrt((t.var() + c.var()) / 2), rel=1e-9)
    from_summary = ab.balance(ab.summarize(df, "revenue", covariate="pre_revenue"))
    pd.testing.assert_frame_equal(from_summary.table, res.table, check_exact=False, rtol=1e-10)
    assert not res.imbalanced
    shifted = df.assign(pre_revenue=df["pre_revenue"] + np.where(df["variant"] == "treatment", 15.0, 0.0))
    assert ab.balance(shifted, "pre_revenue").imbalanced
    with pytest.raises(DataError):
        ab.balance(ab.summarize(df, "revenue"))
