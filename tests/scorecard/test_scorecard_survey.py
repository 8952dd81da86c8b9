"""NPS, CSAT and CES on a series of scores, against independent computations and published values."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from cxlib import DataError, Estimate
from cxlib.scorecard import CESEstimate, ces, csat, nps
from cxlib.scorecard.stats import cell_estimates, wilson_interval


def naive_nps(scores: list[int], alpha: float = 0.05) -> tuple[float, float, float]:
    """NPS and its interval from counts (REFERENCES.md), written out with a loop."""
    promoters = detractors = 0
    for s in scores:
        promoters += s >= 9
        detractors += s <= 6
    n = len(scores)
    p_p, p_d = promoters / n, detractors / n
    value = 100 * (p_p - p_d)
    se = 100 * math.sqrt((p_p + p_d - (p_p - p_d) ** 2) / n)
    z = stats.norm.ppf(1 - alpha / 2)
    return value, max(-100.0, value - z * se), min(100.0, value + z * se)


def test_nps_matches_the_count_formula() -> None:
    rng = np.random.default_rng(1)
    for n in (5, 40, 333):
        scores = rng.integers(0, 11, n).tolist()
        for alpha in (0.05, 0.1):
            est = nps(scores, alpha=alpha)
            value, low, high = naive_nps(scores, alpha)
            assert est.n == n and est.alpha == alpha
            assert est.value == pytest.approx(value, abs=1e-9)
            assert est.ci_low == pytest.approx(low, abs=1e-9)
            assert est.ci_high == pytest.approx(high, abs=1e-9)


def test_nps_hand_example() -> None:
    # 4 promoters, 3 passives, 3 detractors out of 10: NPS = 100·(0.4 − 0.3) = 10
    est = nps([10, 9, 9, 10, 8, 7, 7, 6, 0, 3])
    assert est.value == pytest.approx(10.0)
    # Var(NPS/100) = (0.4 + 0.3 − 0.1²)/10 = 0.069 → se = 26.27 points; 95 % half-width 51.48
    assert est.ci_high - est.value == pytest.approx(1.959964 * 100 * math.sqrt(0.69 / 10), rel=1e-6)


def test_nps_interval_covers_at_the_nominal_rate() -> None:
    """Monte Carlo: 4,000 samples of n = 400 from a known multinomial; coverage ≈ 95 %."""
    rng = np.random.default_rng(7)
    p = np.array([0.2, 0.3, 0.5])  # detractor, passive, promoter → NPS 30
    counts = rng.multinomial(400, p, size=4_000)
    n = counts.sum(axis=1)
    total = counts[:, 2] - counts[:, 0]
    est = cell_estimates("nps", n, total, counts[:, 2] + counts[:, 0])
    covered = (est["ci_low"] <= 30) & (est["ci_high"] >= 30)
    assert 0.94 <= covered.mean() <= 0.96
    # and nps() on one of the samples equals the vectorised path
    scores = [0] * counts[0, 0] + [7] * counts[0, 1] + [10] * counts[0, 2]
    assert nps(scores).ci_low == pytest.approx(est["ci_low"][0])


# Newcombe (1998), Statistics in Medicine 17, 857–872, Table I, method 3 (Wilson score).
NEWCOMBE = [
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0, 0.1611),
    (1, 29, 0.0061, 0.1718),
    (29, 29, 0.8830, 1.0),
]


@pytest.mark.parametrize("k,n,low,high", NEWCOMBE)
def test_wilson_interval_reproduces_newcombe(k: int, n: int, low: float, high: float) -> None:
    lo, hi = wilson_interval(np.array([k]), np.array([n]))
    assert lo[0] == pytest.approx(low, abs=5e-5)
    assert hi[0] == pytest.approx(high, abs=5e-5)
    est = csat([5] * k + [1] * (n - k))
    assert (est.ci_low, est.ci_high) == pytest.approx((lo[0], hi[0]))


def test_csat_is_the_top_two_box_share_not_the_mean() -> None:
    from statsmodels.stats.proportion import proportion_confint

    scores = [5, 4, 4, 3, 1, 5, 2, 4, 3, 3, 5]
    est = csat(scores)
    assert est.value == pytest.approx(6 / 11)
    assert (est.ci_low, est.ci_high) == pytest.approx(proportion_confint(6, 11, alpha=0.05, method="wilson"))
    seven = csat([7, 6, 5, 1, 2, 7], scale=7)  # top two boxes of 1–7 are 6 and 7
    assert seven.value == pytest.approx(3 / 6)


def test_ces_mean_and_t_interval_both_directions() -> None:
    rng = np.random.default_rng(3)
    scores = rng.integers(1, 8, 57)
    est = ces(pd.Series(scores))
    low, high = stats.t.interval(0.95, len(scores) - 1, loc=scores.mean(), scale=stats.sem(scores))
    assert isinstance(est, CESEstimate) and isinstance(est, Estimate)
    assert est.value == pytest.approx(scores.mean())
    assert (est.ci_low, est.ci_high) == pytest.approx((low, high))
    assert not est.higher_is_better and "lower is better" in str(est) and "scale 1–7" in str(est)
    agreement = ces(scores, higher_is_better=True)
    assert agreement.value == est.value and "higher is better" in str(agreement)


def test_inputs_polars_numpy_and_missing_values() -> None:
    scores = [10, 9, None, 3, 8, float("nan")]
    expected = nps([10, 9, 3, 8])
    assert nps(pd.Series(scores, dtype="float64")) == expected
    assert nps(pl.Series([10, 9, None, 3, 8])) == expected
    assert nps(np.array([10, 9, 3, 8])) == expected
    assert csat(pd.Series([5, 4, None], dtype="Int64")).n == 2


@pytest.mark.parametrize(
    "call, rule",
    [
        (lambda: nps([10, 11]), "out_of_scale"),
        (lambda: nps([-1, 5]), "out_of_scale"),
        (lambda: csat([0, 5]), "out_of_scale"),
        (lambda: ces([8]), "out_of_scale"),
        (lambda: ces([1, 2], scale=2), "bad_option"),
        (lambda: nps(["ten", 9]), "not_numeric"),
        (lambda: nps([]), "no_scores"),
        (lambda: nps([None, float("nan")]), "no_scores"),
        (lambda: nps({"a": 1}), "not_a_series"),
        (lambda: nps([9], alpha=1.5), "bad_option"),
    ],
)
def test_bad_scores_raise_data_error(call, rule: str) -> None:
    with pytest.raises(DataError) as info:
        call()
    assert info.value.rule == rule
    if rule not in ("bad_option",):
        assert info.value.table == "surveys" and info.value.column == "score"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 10), min_size=1, max_size=300), st.sampled_from([0.01, 0.05, 0.2]))
def test_nps_invariants(scores: list[int], alpha: float) -> None:
    est = nps(scores, alpha=alpha)
    assert -100 <= est.ci_low <= est.value <= est.ci_high <= 100
    assert est.n == len(scores)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(1, 5), min_size=1, max_size=300))
def test_csat_invariants(scores: list[int]) -> None:
    est = csat(scores)
    assert 0.0 <= est.ci_low <= est.value <= est.ci_high <= 1.0


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(1, 7), min_size=2, max_size=300))
def test_ces_invariants(scores: list[int]) -> None:
    est = ces(scores)
    assert 1.0 <= est.value <= 7.0
    assert est.ci_low <= est.value + 1e-12 and est.value <= est.ci_high + 1e-12
