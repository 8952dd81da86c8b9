"""Tests and intervals from summary statistics, against scipy/statsmodels on the raw data."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats import proportion as sm_proportion
from statsmodels.stats.meta_analysis import combine_effects
from statsmodels.stats.oneway import anova_oneway

from cxlib.scorecard.stats import cell_estimates, compare, heterogeneity


def summary(x: np.ndarray, kind: str) -> tuple[float, float, float]:
    """(n, value, se) of a sample the way the scorecard table holds it."""
    est = cell_estimates(kind, np.array([len(x)]), np.array([x.sum()]), np.array([(x * x).sum()]))
    return float(len(x)), float(est["value"][0]), float(est["se"][0])


def test_mean_cells_match_scipy() -> None:
    rng = np.random.default_rng(0)
    x = rng.gamma(2.0, 30.0, 250)
    est = cell_estimates("mean", np.array([250]), np.array([x.sum()]), np.array([(x * x).sum()]), alpha=0.1)
    low, high = stats.t.interval(0.9, 249, loc=x.mean(), scale=stats.sem(x))
    assert est["value"][0] == pytest.approx(x.mean())
    assert est["se"][0] == pytest.approx(stats.sem(x))
    assert (est["ci_low"][0], est["ci_high"][0]) == pytest.approx((low, high))


def test_welch_difference_matches_scipy() -> None:
    rng = np.random.default_rng(1)
    a, b = rng.normal(3.4, 1.2, 80), rng.normal(3.0, 2.0, 130)
    got = compare("mean", *summary(a, "mean"), *summary(b, "mean"))
    ref = stats.ttest_ind(b, a, equal_var=False)
    ci = ref.confidence_interval(0.95)
    assert got["difference"][0] == pytest.approx(b.mean() - a.mean())
    assert got["statistic"][0] == pytest.approx(ref.statistic)
    assert got["p_value"][0] == pytest.approx(ref.pvalue)
    assert (got["ci_low"][0], got["ci_high"][0]) == pytest.approx((ci.low, ci.high))
    assert got["test"][0] == "Welch t"


def test_two_proportion_z_matches_statsmodels() -> None:
    """Unpooled (Wald) z: the test and the interval use one standard error (as the experiments)."""
    a = np.r_[np.ones(120), np.zeros(280)]  # 30 %
    b = np.r_[np.ones(171), np.zeros(329)]  # 34.2 %
    got = compare("proportion", *summary(a, "proportion"), *summary(b, "proportion"))
    ref = sm_proportion.test_proportions_2indep(171, 500, 120, 400, method="wald")
    low, high = sm_proportion.confint_proportions_2indep(171, 500, 120, 400, method="wald")
    assert got["statistic"][0] == pytest.approx(ref.statistic, rel=1e-9)
    assert got["p_value"][0] == pytest.approx(ref.pvalue, rel=1e-9)
    assert (got["ci_low"][0], got["ci_high"][0]) == pytest.approx((low, high), rel=1e-9)
    se = np.sqrt(0.3 * 0.7 / 400 + 0.342 * 0.658 / 500)  # closed form
    assert got["statistic"][0] == pytest.approx(0.042 / se, rel=1e-12)


def test_nps_difference_adds_the_multinomial_variances() -> None:
    rng = np.random.default_rng(2)
    a = rng.choice([-1.0, 0.0, 1.0], 300, p=[0.3, 0.3, 0.4])
    b = rng.choice([-1.0, 0.0, 1.0], 450, p=[0.2, 0.3, 0.5])
    got = compare("nps", *summary(a, "nps"), *summary(b, "nps"))

    def var(x: np.ndarray) -> float:  # (p_P + p_D − (p_P − p_D)²)/n written with counts
        pp, pd_ = np.mean(x == 1), np.mean(x == -1)
        return (pp + pd_ - (pp - pd_) ** 2) / len(x)

    diff = 100 * (b.mean() - a.mean())
    z = diff / (100 * np.sqrt(var(a) + var(b)))
    assert got["difference"][0] == pytest.approx(diff)
    assert got["statistic"][0] == pytest.approx(z)
    assert got["p_value"][0] == pytest.approx(2 * stats.norm.sf(abs(z)))


def test_vectorised_compare_equals_one_by_one() -> None:
    kinds = np.array(["nps", "proportion", "mean"], dtype=object)
    args = [
        np.array([100.0, 200, 30]),
        np.array([20.0, 0.4, 3.1]),
        np.array([5.0, 0.03, 0.2]),
        np.array([150.0, 180, 40]),
        np.array([28.0, 0.5, 2.7]),
        np.array([4.0, 0.04, 0.25]),
    ]
    together = compare(kinds, *args)
    for i, kind in enumerate(kinds):
        alone = compare(kind, *[a[i] for a in args])
        for key in ("difference", "ci_low", "ci_high", "p_value"):
            assert together[key][i] == pytest.approx(alone[key][0])


def test_no_variation_gives_no_evidence() -> None:
    same = compare("proportion", 50, 1.0, 0.0, 60, 1.0, 0.0)
    assert same["p_value"][0] == 1.0 and np.isnan(same["statistic"][0])
    assert same["ci_low"][0] == same["ci_high"][0] == 0.0
    apart = compare("nps", 50, 100.0, 0.0, 60, -100.0, 0.0)
    assert apart["p_value"][0] == 0.0


def test_welch_anova_matches_statsmodels() -> None:
    rng = np.random.default_rng(4)
    groups = [
        rng.normal(m, s, n) for m, s, n in [(3.0, 1.0, 40), (3.4, 1.5, 90), (2.8, 0.7, 25), (3.1, 2.0, 60)]
    ]
    cells = [summary(g, "mean") for g in groups]
    n, value, se = (np.array(c) for c in zip(*cells, strict=True))
    got = heterogeneity("mean", n, value, se)
    ref = anova_oneway(groups, use_var="unequal", welch_correction=True)
    assert got.statistic == pytest.approx(ref.statistic)
    assert got.df2 == pytest.approx(ref.df[1])
    assert got.p_value == pytest.approx(ref.pvalue)


def test_cochran_q_matches_statsmodels_meta_analysis() -> None:
    rng = np.random.default_rng(5)
    samples = [
        rng.choice([-1.0, 0.0, 1.0], n, p=p)
        for n, p in [(200, [0.3, 0.3, 0.4]), (150, [0.2, 0.3, 0.5]), (320, [0.35, 0.35, 0.3])]
    ]
    n, value, se = (np.array(c) for c in zip(*[summary(s, "nps") for s in samples], strict=True))
    got = heterogeneity("nps", n, value, se)
    ref = combine_effects(value, se**2)
    assert got.statistic == pytest.approx(ref.q)
    assert got.p_value == pytest.approx(stats.chi2.sf(ref.q, 2))


def test_chi_square_homogeneity_matches_scipy() -> None:
    successes, n = np.array([30, 52, 18]), np.array([100, 120, 90])
    got = heterogeneity("proportion", n, successes / n, np.sqrt((successes / n) * (1 - successes / n) / n))
    ref = stats.chi2_contingency(np.c_[successes, n - successes], correction=False)
    assert got.statistic == pytest.approx(ref.statistic)
    assert got.p_value == pytest.approx(ref.pvalue)
    flat = heterogeneity("proportion", n, np.zeros(3), np.zeros(3))
    assert np.isnan(flat.p_value)


@settings(max_examples=100, deadline=None)
@given(
    st.integers(2, 400),
    st.integers(2, 400),
    st.floats(0.0, 1.0),
    st.floats(0.0, 1.0),
)
def test_compare_interval_contains_the_difference(n_a: int, n_b: int, p_a: float, p_b: float) -> None:
    k_a, k_b = round(p_a * n_a), round(p_b * n_b)
    a, b = np.r_[np.ones(k_a), np.zeros(n_a - k_a)], np.r_[np.ones(k_b), np.zeros(n_b - k_b)]
    got = compare("proportion", *summary(a, "proportion"), *summary(b, "proportion"))
    assert got["ci_low"][0] <= got["difference"][0] <= got["ci_high"][0]
    p = got["p_value"][0]
    assert np.isnan(p) or 0.0 <= p <= 1.0


def test_ratio_se_is_the_cluster_robust_se_of_the_mean() -> None:
    """Delta-method ratio variance = statsmodels' cluster-robust (CR1) SE of an intercept-only OLS."""
    import statsmodels.api as sm

    rng = np.random.default_rng(6)
    customers = rng.integers(0, 120, 700)
    level = rng.gamma(4.0, 15.0, 120)  # each customer has their own spend level
    y = rng.gamma(3.0, level[customers] / 3.0)
    fit = sm.OLS(y, np.ones_like(y)).fit(cov_type="cluster", cov_kwds={"groups": customers})
    per_y = np.bincount(customers, weights=y)
    per_x = np.bincount(customers).astype(float)
    keep = per_x > 0
    est = cell_estimates(
        "ratio",
        np.array([per_x.sum()]),
        np.array([per_y.sum()]),
        np.array([(per_y**2).sum()]),
        clusters=np.array([keep.sum()]),
        den_sum_sq=np.array([(per_x**2).sum()]),
        cross_sum=np.array([(per_x * per_y).sum()]),
    )
    assert est["value"][0] == pytest.approx(y.mean())
    assert est["se"][0] == pytest.approx(fit.bse[0], rel=1e-10)
    iid = stats.sem(y)
    assert est["se"][0] > iid  # clustering widens the interval
    one_each = cell_estimates(
        "ratio",
        np.array([50.0]),
        np.array([y[:50].sum()]),
        np.array([(y[:50] ** 2).sum()]),
        clusters=np.array([50.0]),
        den_sum_sq=np.array([50.0]),
        cross_sum=np.array([y[:50].sum()]),
    )
    assert one_each["se"][0] == pytest.approx(stats.sem(y[:50]))  # one order per customer: the plain SE


def test_scorecard_aov_interval_is_clustered_by_customer() -> None:
    import statsmodels.api as sm

    from cxlib.scorecard import scorecard
    from tests.scorecard.shops import random_shop

    orders = random_shop(14, customers=30, orders=500)["orders"]
    row = scorecard({"orders": orders}, period=None, min_n=1).table.set_index("metric").loc["aov"]
    fit = sm.OLS(orders["revenue"].to_numpy(), np.ones(len(orders))).fit(
        cov_type="cluster", cov_kwds={"groups": orders["customer_id"].astype("category").cat.codes}
    )
    assert row["se"] == pytest.approx(fit.bse[0], rel=1e-10)
    assert row["ci_high"] - row["value"] == pytest.approx(stats.norm.ppf(0.975) * fit.bse[0], rel=1e-10)
