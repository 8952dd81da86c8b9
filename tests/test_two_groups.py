"""One two-group core: the scorecard and the experiments give the same answer on the same data.

Independent truths: scipy's Welch t test, statsmodels' Wald two-proportion test and interval,
and the cluster (delta-method) variance of a ratio written out per unit in the test.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats import proportion as sm_proportion

from cxlib import experiments as ab
from cxlib.scorecard.stats import cell_estimates
from cxlib.scorecard.stats import compare as scorecard_compare
from cxlib.two_groups import difference, group_moments


def _units(seed: int, n: int, conversion: float, spend: float) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    converted = rng.random(n) < conversion
    orders = np.where(converted, rng.poisson(0.6, n) + 1, 0)
    revenue = np.where(converted, rng.gamma(2.0, spend / 2.0, n) * orders, 0.0)
    return pd.DataFrame({"converted": converted.astype("int64"), "orders": orders, "revenue": revenue})


@pytest.fixture(scope="module")
def arms() -> dict[str, pd.DataFrame]:
    return {"control": _units(1, 3000, 0.10, 60.0), "treatment": _units(2, 2800, 0.12, 66.0)}


def _sums(x: np.ndarray) -> tuple[float, float, float]:
    return float(len(x)), float(x.sum()), float((x * x).sum())


def test_mean_is_welch_t(arms: dict[str, pd.DataFrame]) -> None:
    a, b = arms["control"]["revenue"].to_numpy(), arms["treatment"]["revenue"].to_numpy()
    m_a, v_a = group_moments("mean", *_sums(a))
    m_b, v_b = group_moments("mean", *_sums(b))
    got = difference("mean", len(a), m_a, v_a, len(b), m_b, v_b, alpha=0.1)
    ref = stats.ttest_ind(b, a, equal_var=False)
    ci = ref.confidence_interval(0.9)
    assert got["estimate"][0] == pytest.approx(b.mean() - a.mean(), rel=1e-12)
    assert got["statistic"][0] == pytest.approx(ref.statistic, rel=1e-9)
    assert got["df"][0] == pytest.approx(ref.df, rel=1e-9)
    assert got["p_value"][0] == pytest.approx(ref.pvalue, rel=1e-9)
    assert (got["ci_low"][0], got["ci_high"][0]) == pytest.approx((ci.low, ci.high), rel=1e-9)


def test_proportion_is_wald_z(arms: dict[str, pd.DataFrame]) -> None:
    a, b = arms["control"]["converted"].to_numpy(), arms["treatment"]["converted"].to_numpy()
    m_a, v_a = group_moments("proportion", *_sums(a))
    m_b, v_b = group_moments("proportion", *_sums(b))
    got = difference("proportion", len(a), m_a, v_a, len(b), m_b, v_b)
    ref = sm_proportion.test_proportions_2indep(b.sum(), len(b), a.sum(), len(a), method="wald")
    low, high = sm_proportion.confint_proportions_2indep(b.sum(), len(b), a.sum(), len(a), method="wald")
    assert got["statistic"][0] == pytest.approx(ref.statistic, rel=1e-9)
    assert got["p_value"][0] == pytest.approx(ref.pvalue, rel=1e-9)
    assert (got["ci_low"][0], got["ci_high"][0]) == pytest.approx((low, high), rel=1e-9)
    assert np.isinf(got["df"][0])


def test_ratio_is_the_cluster_delta_method(arms: dict[str, pd.DataFrame]) -> None:
    unit = arms["control"]
    y, x = unit["revenue"].to_numpy(), unit["orders"].to_numpy(dtype=float)
    mean, var = group_moments(
        "ratio", *_sums(y), den_sum=x.sum(), den_sum_sq=(x * x).sum(), cross_sum=(x * y).sum()
    )
    r = y.sum() / x.sum()
    m = len(y)
    expected = m / (m - 1.0) * np.sum((y - r * x) ** 2) / x.sum() ** 2  # Cochran (1977) §6.4
    assert mean == pytest.approx(r, rel=1e-12)
    assert var == pytest.approx(expected, rel=1e-9)


def test_relative_difference_uses_the_delta_method() -> None:
    got = difference("mean", 100, 2.0, 0.01, 120, 2.5, 0.04, relative=True)
    var = 0.04 / 2.0**2 + 2.5**2 * 0.01 / 2.0**4
    assert got["estimate"][0] == pytest.approx(0.25)
    assert got["se"][0] == pytest.approx(np.sqrt(var))
    assert np.isinf(got["df"][0])
    assert got["p_value"][0] == pytest.approx(2 * stats.norm.sf(0.25 / np.sqrt(var)))


def _scorecard_cells(unit: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Build the scorecard cells (kind, n, value, se) from unit-level sums, as its table holds them."""
    y, x = unit["revenue"].to_numpy(), unit["orders"].to_numpy(dtype=float)
    c = unit["converted"].to_numpy(dtype=float)
    cells = {
        "conversion": ("proportion", *_sums(c), {}),
        "revenue per visitor": ("mean", *_sums(y), {}),
        # AOV in the scorecard: n = orders (Σx), clusters = units.
        "average order value": (
            "ratio",
            float(x.sum()),
            float(y.sum()),
            float((y * y).sum()),
            {
                "clusters": np.array([len(y)]),
                "den_sum_sq": np.array([(x * x).sum()]),
                "cross_sum": np.array([(x * y).sum()]),
            },
        ),
    }
    out = {}
    for metric, (kind, n, total, total_sq, extra) in cells.items():
        est = cell_estimates(kind, np.array([n]), np.array([total]), np.array([total_sq]), **extra)
        out[metric] = {
            "kind": kind,
            "n": n if kind != "ratio" else len(y),
            "value": est["value"][0],
            "se": est["se"][0],
        }
    return out


@pytest.mark.parametrize("alpha", [0.05, 0.1])
def test_scorecard_and_experiments_give_the_same_answer(arms: dict[str, pd.DataFrame], alpha: float) -> None:
    units = pd.concat(
        [
            frame.assign(variant=name, unit_id=[f"{name}-{i}" for i in range(len(frame))])
            for name, frame in arms.items()
        ],
        ignore_index=True,
    )
    metrics = ab.commerce_metrics(conversion="converted", revenue="revenue", orders="orders")
    experiment = ab.compare(
        ab.summarize(units, metrics), control="control", relative=False, alpha=alpha, adjust=None
    ).table.set_index("metric")
    before, after = _scorecard_cells(arms["control"]), _scorecard_cells(arms["treatment"])
    for metric in ("conversion", "revenue per visitor", "average order value"):
        a, b = before[metric], after[metric]
        card = scorecard_compare(
            a["kind"], a["n"], a["value"], a["se"], b["n"], b["value"], b["se"], alpha=alpha
        )
        row = experiment.loc[metric]
        assert card["difference"][0] == pytest.approx(row["estimate"], rel=1e-12), metric
        assert card["ci_low"][0] == pytest.approx(row["ci_low"], rel=1e-9), metric
        assert card["ci_high"][0] == pytest.approx(row["ci_high"], rel=1e-9), metric
        assert card["p_value"][0] == pytest.approx(row["p_value"], rel=1e-9), metric
        # Decision and interval agree: significant exactly when the interval excludes 0.
        assert (card["p_value"][0] < alpha) == (card["ci_low"][0] > 0 or card["ci_high"][0] < 0)
