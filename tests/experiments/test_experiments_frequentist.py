"""Fixed-horizon inference against independent truths.

* Welch: ``scipy.stats.ttest_ind(equal_var=False)`` (statistic, df, p, interval) to 1e-9.
* Proportions: statsmodels ``test_proportions_2indep`` / ``confint_proportions_2indep``
  (``method="wald"``) to 1e-9.
* Relative lift: the delta-method variance of Deng, Knoblich & Lu (KDD 2018) computed
  from raw arrays; ratio metrics: the linearisation Var(x − R·y)/(n·ȳ²) per unit.
* CUPED: Deng, Xu, Kohavi & Walker (WSDM 2013) worked by hand on unit-level arrays —
  Y_cv = Y − θ(X − X̄), θ = Cov(Y, X)/Var(X) pooled — then Welch on Y_cv.
* Holm / Benjamini–Hochberg against a naive loop; non-inferiority against a closed form.
* A/A simulations (seeded): false-positive rate at α = 0.05 within [0.04, 0.06].
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats import proportion as sm_proportion
from statsmodels.stats.multitest import multipletests

from cxlib import experiments as ab


def two_arms(n_c: int = 900, n_t: int = 1100, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = n_c + n_t
    variant = np.array(["control"] * n_c + ["treatment"] * n_t)
    pre = rng.gamma(1.5, 20.0, n)
    revenue = np.maximum(0.0, 0.6 * pre + rng.normal(0, 25, n) + np.where(variant == "treatment", 3.0, 0.0))
    converted = rng.random(n) < np.where(variant == "treatment", 0.13, 0.10)
    orders = rng.poisson(1.2, n) + 1
    return pd.DataFrame(
        {"variant": variant, "revenue": revenue, "converted": converted, "orders": orders, "pre_revenue": pre}
    )


def arms(df: pd.DataFrame, column: str) -> tuple[np.ndarray, np.ndarray]:
    return (
        df.loc[df["variant"] == "control", column].to_numpy(float),
        df.loc[df["variant"] == "treatment", column].to_numpy(float),
    )


def row(result: ab.Comparison, metric: str) -> pd.Series:
    return result.table.set_index("metric").loc[metric]


def test_welch_matches_scipy():
    df = two_arms()
    c, t = arms(df, "revenue")
    res = row(ab.compare(df, metrics="revenue", relative=False), "revenue")
    ref = stats.ttest_ind(t, c, equal_var=False)
    ci = ref.confidence_interval(0.95)
    assert res["estimate"] == pytest.approx(t.mean() - c.mean(), rel=1e-12)
    assert res["p_value"] == pytest.approx(ref.pvalue, rel=1e-9, abs=1e-12)
    assert res["ci_low"] == pytest.approx(ci.low, rel=1e-9)
    assert res["ci_high"] == pytest.approx(ci.high, rel=1e-9)
    assert res["estimate"] / res["se"] == pytest.approx(ref.statistic, rel=1e-9)


def test_welch_interval_at_another_alpha():
    df = two_arms(seed=4)
    c, t = arms(df, "revenue")
    res = row(ab.compare(df, metrics="revenue", relative=False, alpha=0.1), "revenue")
    ci = stats.ttest_ind(t, c, equal_var=False).confidence_interval(0.9)
    assert (res["ci_low"], res["ci_high"]) == pytest.approx((ci.low, ci.high), rel=1e-9)


def test_proportion_test_matches_statsmodels():
    df = two_arms()
    c, t = arms(df, "converted")
    res = row(ab.compare(df, metrics="converted", relative=False), "converted")
    ref = sm_proportion.test_proportions_2indep(
        t.sum(), len(t), c.sum(), len(c), method="wald", compare="diff"
    )
    low, high = sm_proportion.confint_proportions_2indep(
        t.sum(), len(t), c.sum(), len(c), method="wald", compare="diff"
    )
    assert res["estimate"] == pytest.approx(t.mean() - c.mean(), rel=1e-12)
    assert res["p_value"] == pytest.approx(ref.pvalue, rel=1e-9, abs=1e-12)
    assert res["estimate"] / res["se"] == pytest.approx(ref.statistic, rel=1e-9)
    assert (res["ci_low"], res["ci_high"]) == pytest.approx((low, high), rel=1e-9)


def test_relative_lift_variance_is_deng_knoblich_lu():
    df = two_arms()
    c, t = arms(df, "revenue")
    res = row(ab.compare(df, metrics="revenue", relative=True), "revenue")
    mc, mt = c.mean(), t.mean()
    var = t.var(ddof=1) / (len(t) * mc**2) + mt**2 * c.var(ddof=1) / (len(c) * mc**4)
    assert res["estimate"] == pytest.approx(mt / mc - 1, rel=1e-12)
    assert res["se"] ** 2 == pytest.approx(var, rel=1e-10)
    z = stats.norm.ppf(0.975)
    assert res["ci_low"] == pytest.approx(mt / mc - 1 - z * np.sqrt(var), rel=1e-10)
    assert res["p_value"] == pytest.approx(2 * stats.norm.sf(abs(mt / mc - 1) / np.sqrt(var)), rel=1e-9)


def test_relative_lift_interval_covers_in_simulation():
    """Coverage of the delta-method relative interval on skewed revenue (2,000 seeded A/Bs)."""
    rng = np.random.default_rng(20)
    sims, n = 2000, 1500
    true_lift = 0.10
    c = rng.gamma(0.5, 20.0, (sims, n))
    t = rng.gamma(0.5, 20.0 * (1 + true_lift), (sims, n))
    summary = pd.concat(
        [
            pd.DataFrame(
                {
                    "variant": v,
                    "metric": [f"s{i}" for i in range(sims)],
                    "n": n,
                    "sum": x.sum(1),
                    "sum_sq": (x * x).sum(1),
                    "kind": "mean",
                }
            )
            for v, x in (("control", c), ("treatment", t))
        ]
    )
    tab = ab.compare(summary, relative=True).table
    covered = ((tab["ci_low"] <= true_lift) & (tab["ci_high"] >= true_lift)).mean()
    assert 0.935 <= covered <= 0.965


def test_ratio_metric_delta_method_equals_linearisation():
    df = two_arms()
    res = row(ab.compare(df, metrics={"aov": ("revenue", "orders")}, relative=False), "aov")
    var = {}
    ratio = {}
    for arm in ("control", "treatment"):
        g = df[df["variant"] == arm]
        x, y = g["revenue"].to_numpy(float), g["orders"].to_numpy(float)
        r = x.sum() / y.sum()
        ratio[arm] = r
        var[arm] = np.var(x - r * y, ddof=1) / (len(x) * y.mean() ** 2)  # per-unit linearisation
    assert res["estimate"] == pytest.approx(ratio["treatment"] - ratio["control"], rel=1e-12)
    assert res["se"] ** 2 == pytest.approx(var["treatment"] + var["control"], rel=1e-9)
    rel = row(ab.compare(df, metrics={"aov": ("revenue", "orders")}, relative=True), "aov")
    rt, rc = ratio["treatment"], ratio["control"]
    assert rel["estimate"] == pytest.approx(rt / rc - 1, rel=1e-12)
    assert rel["se"] ** 2 == pytest.approx(
        var["treatment"] / rc**2 + rt**2 * var["control"] / rc**4, rel=1e-9
    )


def test_cuped_worked_example_deng_2013():
    """CUPED by hand on unit arrays (Deng et al. 2013, §3.2), then Welch on the adjusted outcome."""
    df = two_arms(seed=9)
    y, x = df["revenue"].to_numpy(float), df["pre_revenue"].to_numpy(float)
    theta = np.cov(y, x, ddof=1)[0, 1] / np.var(x, ddof=1)  # pooled over both arms
    y_cv = y - theta * (x - x.mean())
    treated = (df["variant"] == "treatment").to_numpy()
    ref = stats.ttest_ind(y_cv[treated], y_cv[~treated], equal_var=False)
    ci = ref.confidence_interval(0.95)
    res = row(
        ab.compare(df, metrics="revenue", covariate="pre_revenue", cuped=True, relative=False), "revenue"
    )
    assert res["theta"] == pytest.approx(theta, rel=1e-10)
    assert res["estimate"] == pytest.approx(y_cv[treated].mean() - y_cv[~treated].mean(), rel=1e-10)
    assert res["p_value"] == pytest.approx(ref.pvalue, rel=1e-9)
    assert (res["ci_low"], res["ci_high"]) == pytest.approx((ci.low, ci.high), rel=1e-9)
    # Variance shrinks by about rho^2 (Deng et al. 2013, eq. 4).
    rho = np.corrcoef(y, x)[0, 1]
    plain = stats.ttest_ind(y[treated], y[~treated], equal_var=False)
    se_plain = (y[treated].mean() - y[~treated].mean()) / plain.statistic
    assert res["variance_reduction"] == pytest.approx(1 - (res["se"] / se_plain) ** 2, rel=1e-9)
    assert res["variance_reduction"] == pytest.approx(rho**2, abs=0.02)
    # Relative CUPED lift: the delta method on the adjusted arm means.
    rel = row(ab.compare(df, metrics="revenue", covariate="pre_revenue", cuped=True), "revenue")
    mt, mc = y_cv[treated].mean(), y_cv[~treated].mean()
    var = y_cv[treated].var(ddof=1) / (treated.sum() * mc**2) + mt**2 * y_cv[~treated].var(ddof=1) / (
        (~treated).sum() * mc**4
    )
    assert rel["estimate"] == pytest.approx(mt / mc - 1, rel=1e-10)
    assert rel["se"] ** 2 == pytest.approx(var, rel=1e-9)


def test_cuped_with_useless_covariate_changes_nothing_much():
    df = two_arms(seed=2)
    df["noise"] = np.random.default_rng(0).normal(size=len(df))
    plain = row(ab.compare(df, metrics="revenue", relative=False), "revenue")
    adj = row(ab.compare(df, metrics="revenue", covariate="noise", cuped=True, relative=False), "revenue")
    assert abs(adj["variance_reduction"]) < 0.01
    assert adj["estimate"] == pytest.approx(plain["estimate"], rel=0.05)


def naive_holm(p: list[float]) -> list[float]:
    m = len(p)
    order = sorted(range(m), key=lambda i: p[i])
    out, running = [0.0] * m, 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        out[i] = running
    return out


def naive_bh(p: list[float]) -> list[float]:
    m = len(p)
    order = sorted(range(m), key=lambda i: p[i], reverse=True)
    out, running = [0.0] * m, 1.0
    for k, i in enumerate(order):
        rank = m - k
        running = min(running, p[i] * m / rank)
        out[i] = running
    return out


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(0, 1, allow_nan=False), min_size=1, max_size=25))
def test_adjustments_match_naive_loops(p):
    holm = ab.adjust_pvalues(p, "holm")
    bh = ab.adjust_pvalues(p, "bh")
    np.testing.assert_allclose(holm, naive_holm(p), atol=1e-12)
    np.testing.assert_allclose(bh, naive_bh(p), atol=1e-12)
    assert (holm >= np.asarray(p) - 1e-15).all() and (bh <= holm + 1e-15).all()


def test_adjustments_match_statsmodels():
    p = np.random.default_rng(4).uniform(0, 0.2, 40)
    p[[3, 7]] = p[5]  # ties
    np.testing.assert_allclose(ab.adjust_pvalues(p, "holm"), multipletests(p, method="holm")[1], atol=1e-12)
    np.testing.assert_allclose(ab.adjust_pvalues(p, "bh"), multipletests(p, method="fdr_bh")[1], atol=1e-12)
    with_nan = ab.adjust_pvalues([0.01, np.nan, 0.02], "holm")
    assert np.isnan(with_nan[1]) and with_nan[0] == pytest.approx(0.02) and with_nan[2] == pytest.approx(0.02)


def test_comparison_adjusts_over_metrics_and_variants():
    df = two_arms()
    df.loc[df.index[::3], "variant"] = "treatment_b"
    res = ab.compare(df, metrics=["revenue", "converted"], relative=False).table
    assert len(res) == 4
    np.testing.assert_allclose(res["p_value_holm"], naive_holm(res["p_value"].tolist()), atol=1e-12)
    np.testing.assert_allclose(res["p_value_bh"], naive_bh(res["p_value"].tolist()), atol=1e-12)
    assert ((res["outcome"] != "inconclusive") == (res["p_value_holm"] < 0.05)).all()


def test_guardrail_noninferiority_closed_form():
    df = two_arms()
    c, t = arms(df, "revenue")
    margin = 0.5
    res = ab.compare(df, metrics="revenue", relative=False, guardrails={"revenue": margin})
    g = res.guardrails.iloc[0]
    ref = stats.ttest_ind(t, c, equal_var=False)
    se = (t.mean() - c.mean()) / ref.statistic
    assert g["p_value"] == pytest.approx(stats.t.sf((t.mean() - c.mean() + margin) / se, ref.df), rel=1e-9)
    assert g["bound"] == pytest.approx(t.mean() - c.mean() - stats.t.ppf(0.95, ref.df) * se, rel=1e-9)
    expected = "pass" if g["bound"] > -margin else "inconclusive"
    assert g["status"] == expected
    # Lower-is-better metrics flip the direction: a big rise fails the guardrail.
    bad = ab.compare(
        df,
        metrics=ab.Metric("cost", "revenue", higher_is_better=False),
        relative=True,
        guardrails={"cost": 0.001},
    ).guardrails.iloc[0]
    assert bad["status"] == "fail"


def test_aa_false_positive_rate_fixed_horizon():
    """4,000 seeded A/A tests per metric kind: rejection rate at alpha = 0.05 within [0.04, 0.06]."""
    rng = np.random.default_rng(2024)
    sims, n = 4000, 2000
    conv = rng.binomial(n, 0.1, (2, sims)).astype(float)
    rev = rng.exponential(30.0, (2, sims, 400))  # skewed unit outcomes, 400 per arm
    frames = []
    for k, variant in enumerate(("control", "treatment")):
        frames.append(
            pd.DataFrame(
                {
                    "variant": variant,
                    "metric": [f"p{i}" for i in range(sims)],
                    "n": n,
                    "sum": conv[k],
                    "sum_sq": conv[k],
                    "kind": "proportion",
                }
            )
        )
        frames.append(
            pd.DataFrame(
                {
                    "variant": variant,
                    "metric": [f"m{i}" for i in range(sims)],
                    "n": 400,
                    "sum": rev[k].sum(1),
                    "sum_sq": (rev[k] ** 2).sum(1),
                    "kind": "mean",
                }
            )
        )
    summary = pd.concat(frames, ignore_index=True)
    for relative in (False, True):
        tab = ab.compare(summary, relative=relative, adjust=None).table
        for prefix in ("p", "m"):
            rate = (tab.loc[tab["metric"].str.startswith(prefix), "p_value"] < 0.05).mean()
            assert 0.04 <= rate <= 0.06, (relative, prefix, rate)


@settings(max_examples=20, deadline=None)
@given(
    n_c=st.integers(5, 5000),
    n_t=st.integers(5, 5000),
    p_c=st.floats(0.01, 0.99),
    p_t=st.floats(0.01, 0.99),
    alpha=st.sampled_from([0.01, 0.05, 0.1]),
)
def test_property_interval_and_p_value_agree(n_c, n_t, p_c, p_t, alpha):
    x_c, x_t = round(n_c * p_c), round(n_t * p_t)
    summary = pd.DataFrame(
        {
            "variant": ["control", "treatment"],
            "metric": "c",
            "n": [n_c, n_t],
            "sum": [x_c, x_t],
            "sum_sq": [x_c, x_t],
            "kind": "proportion",
        }
    )
    for relative in (False, True):
        r = ab.compare(summary, relative=relative, alpha=alpha).table.iloc[0]
        if not np.isfinite(r["p_value"]) or r["se"] == 0:
            continue
        assert 0 <= r["p_value"] <= 1
        assert r["ci_low"] <= r["estimate"] <= r["ci_high"]
        excludes_zero = r["ci_low"] > 0 or r["ci_high"] < 0
        if abs(r["p_value"] - alpha) > 1e-9:
            assert excludes_zero == (r["p_value"] < alpha)
    # Swapping the arms flips the sign of the absolute difference.
    swapped = summary.assign(variant=["treatment", "control"])
    a = ab.compare(summary, relative=False).table.iloc[0]
    b = ab.compare(swapped, relative=False).table.iloc[0]
    assert a["estimate"] == pytest.approx(-b["estimate"], abs=1e-12)
    assert a["p_value"] == pytest.approx(b["p_value"], abs=1e-12) or not np.isfinite(a["p_value"])
