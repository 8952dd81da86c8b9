"""Tests of difference between segments' retention, against closed forms and statsmodels.

Truths: the unpooled two-proportion z-test of statsmodels (``test_proportions_2indep``), Pearson's chi-square
and the Cochran–Mantel–Haenszel statistic written out from their textbook formulas
(Agresti 2013, §3.1, §6.4), the Wald interval of a difference and Katz's log interval of a
ratio.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
import pytest
from cohort_data import random_orders
from scipy import stats
from statsmodels.stats import proportion as sm_proportion

from cxlib.cohorts import RetentionComparison, retention_matrix


@pytest.fixture(scope="module")
def result():
    return retention_matrix(
        random_orders(seed=21, customers=400, rows=2500, days=330), by="channel", fast_path=False
    )


def test_pairwise_tests_match_closed_forms(result):
    age = 2
    comparison = result.compare(age=age)
    assert isinstance(comparison, RetentionComparison)
    counts = result._counts[(result._counts["age"] == age) & (result._counts["eligible"] > 0)]
    pooled = counts.groupby("segment")[["eligible", "retained"]].sum()
    assert comparison.reference == pooled["eligible"].idxmax()  # default: the largest segment
    table = comparison.table.set_index("segment")
    ref = pooled.loc[comparison.reference]
    z = stats.norm.ppf(0.975)
    for segment, row in table.drop(index=comparison.reference).iterrows():
        n, k = pooled.loc[segment, "eligible"], pooled.loc[segment, "retained"]
        p, p_r = k / n, ref["retained"] / ref["eligible"]
        wald = sm_proportion.test_proportions_2indep(k, n, ref["retained"], ref["eligible"], method="wald")
        assert row["p_value"] == pytest.approx(wald.pvalue, rel=1e-9)
        se = math.sqrt(p * (1 - p) / n + p_r * (1 - p_r) / ref["eligible"])
        assert row["diff"] == pytest.approx(p - p_r, abs=1e-12)
        assert row["diff_ci_low"] == pytest.approx(p - p_r - z * se, abs=1e-12)
        assert row["diff_ci_high"] == pytest.approx(p - p_r + z * se, abs=1e-12)
        se_log = math.sqrt(1 / k - 1 / n + 1 / ref["retained"] - 1 / ref["eligible"])
        assert row["relative"] == pytest.approx(p / p_r - 1, rel=1e-12)
        assert row["relative_ci_low"] == pytest.approx(p / p_r * math.exp(-z * se_log) - 1, rel=1e-9)
        assert row["relative_ci_high"] == pytest.approx(p / p_r * math.exp(z * se_log) - 1, rel=1e-9)

        # Cochran–Mantel–Haenszel over cohorts observed in both segments.
        num, var = 0.0, 0.0
        for _cohort, part in counts.groupby("cohort_index"):
            s = part.set_index("segment")
            if segment not in s.index or comparison.reference not in s.index:
                continue
            n1, a = s.loc[segment, "eligible"], s.loc[segment, "retained"]
            n2, c = s.loc[comparison.reference, "eligible"], s.loc[comparison.reference, "retained"]
            total, m1 = n1 + n2, a + c
            if n1 == 0 or n2 == 0:
                continue
            num += a - n1 * m1 / total
            var += n1 * n2 * m1 * (total - m1) / (total**2 * (total - 1)) if total > 1 else 0.0
        assert row["p_value_cmh"] == pytest.approx(stats.chi2.sf(num**2 / var, 1), rel=1e-6)

    observed = np.stack([pooled["retained"], pooled["eligible"] - pooled["retained"]], axis=1).astype(float)
    expected = observed.sum(1, keepdims=True) * observed.sum(0, keepdims=True) / observed.sum()
    chi2 = ((observed - expected) ** 2 / expected).sum()
    assert comparison.statistic == pytest.approx(chi2, rel=1e-9)
    assert comparison.dof == len(pooled) - 1
    assert comparison.p_value == pytest.approx(stats.chi2.sf(chi2, len(pooled) - 1), rel=1e-9)


def test_reference_choice_figure_and_sentences(result):
    comparison = result.compare(age=1, reference="app")
    assert comparison.table["segment"].iloc[0] == "app"
    assert comparison.table.loc[0, ["diff", "p_value"]].isna().all()
    assert isinstance(comparison.figure(), go.Figure)
    text = comparison.summary()
    assert any("than app" in line for line in text)
    assert "segments" in text[-1] and "chi-square" in text[-1]
    with pytest.raises(ValueError, match="reference"):
        result.compare(age=1, reference="nope")


def test_comparison_needs_segments():
    plain = retention_matrix(random_orders(seed=2), fast_path=False)
    with pytest.raises(ValueError, match="by="):
        plain.compare()
