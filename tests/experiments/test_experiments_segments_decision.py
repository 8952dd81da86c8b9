"""Segment effects, the interaction test, the decision summary and result-object charts.

Truths: Cochran's Q computed by a naive loop, and the Wald test of the treatment × segment
interaction in a saturated OLS with HC0 (heteroskedasticity-robust) errors (statsmodels);
Holm over segments by a loop; decision rules on constructed summaries.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from scipy import stats

from cxlib import experiments as ab


def segmented(
    n: int = 6000, seed: int = 12, effect_by_segment: dict[str, float] | None = None
) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    effect_by_segment = effect_by_segment or {"desktop": 2.0, "mobile": 2.0, "tablet": 2.0}
    device = rng.choice(list(effect_by_segment), n, p=[0.5, 0.4, 0.1])
    treated = rng.random(n) < 0.5
    lift = np.array([effect_by_segment[d] for d in device])
    revenue = rng.normal(20.0, 8.0, n) + treated * lift
    return pd.DataFrame(
        {"variant": np.where(treated, "treatment", "control"), "device": device, "revenue": revenue}
    )


def test_heterogeneity_equals_a_loop_and_the_ols_interaction_wald_test():
    df = segmented(effect_by_segment={"desktop": 0.5, "mobile": 2.5, "tablet": 1.0})
    res = ab.segment_effects(df, "device", metrics="revenue", relative=False, min_n=10)
    # Naive Cochran's Q from per-segment Welch estimates.
    est, var = [], []
    for _device, g in df.groupby("device"):
        c = g.loc[g["variant"] == "control", "revenue"]
        tr = g.loc[g["variant"] == "treatment", "revenue"]
        est.append(tr.mean() - c.mean())
        var.append(tr.var() / len(tr) + c.var() / len(c))
    w = 1 / np.array(var)
    pooled = (w * est).sum() / w.sum()
    q = float((w * (np.array(est) - pooled) ** 2).sum())
    row = res.interaction.iloc[0]
    assert row["q"] == pytest.approx(q, rel=1e-9)
    assert row["p_value"] == pytest.approx(stats.chi2.sf(q, 2), rel=1e-9)
    # The same hypothesis as a regression: Wald test of the interaction terms (HC0 errors).
    fit = smf.ols("revenue ~ C(device) * C(variant)", data=df).fit(cov_type="HC0")
    names = [p for p in fit.params.index if ":" in p]
    wald = fit.wald_test(" = 0, ".join(names) + " = 0", scalar=True)
    assert float(wald.statistic) == pytest.approx(q, rel=2e-3)  # HC0 uses n, Welch n − 1 in the variances
    assert row["p_value"] < 0.05


def test_no_interaction_when_effects_are_equal_and_holm_over_segments():
    df = segmented()
    res = ab.segment_effects(df, "device", metrics="revenue", relative=True, min_n=10)
    assert res.interaction["p_value"].iloc[0] > 0.05
    p = res.table["p_value"].to_numpy()
    order = np.argsort(p)
    holm = np.maximum.accumulate(np.minimum(1, (len(p) - np.arange(len(p))) * p[order]))
    np.testing.assert_allclose(res.table["p_value_holm"].to_numpy()[order], holm, rtol=1e-12)
    text = " ".join(res.summary())
    assert "no evidence" in text and "looks" in text
    res.figure().to_dict()


def test_small_segments_are_suppressed():
    df = segmented()
    res = ab.segment_effects(df, "device", metrics="revenue", min_n=400)
    small = res.table[res.table["device"] == "tablet"].iloc[0]
    assert small["suppressed"] and np.isnan(small["estimate"]) and np.isnan(small["control_mean"])
    assert res.interaction["segments"].iloc[0] == 2
    assert any("not shown" in s for s in res.summary())


def test_pre_period_segment_label():
    df = pd.DataFrame({"variant": ["control", "treatment", "control"], "pre_revenue": [0.0, 12.5, np.nan]})
    out = ab.with_pre_period_segment(df)
    assert out["pre_period_buyer"].tolist() == ["no", "yes", "unknown"]
    assert "pre_period_buyer" not in df.columns


def _summary(
    control: tuple[int, int], treatment: tuple[int, int], metric: str = "conversion"
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "variant": ["control", "treatment"],
            "metric": metric,
            "n": [control[0], treatment[0]],
            "sum": [control[1], treatment[1]],
            "sum_sq": [control[1], treatment[1]],
        }
    )


def test_decision_ship_do_not_ship_inconclusive_invalid():
    win = ab.compare(_summary((20_000, 2000), (20_000, 2300)))
    assert win.decision().verdict == "ship" and win.decision().variant == "treatment"
    assert win.summary()[0].startswith("Ship treatment")
    loss = ab.compare(_summary((20_000, 2300), (20_000, 2000)))
    assert loss.decision().verdict == "do not ship"
    flat = ab.compare(_summary((20_000, 2000), (20_000, 2010)))
    decision = flat.decision()
    assert decision.verdict == "inconclusive"
    assert "80% power" in decision.reasons[0]
    broken = ab.compare(_summary((20_000, 2000), (18_000, 2300)))
    assert broken.decision().verdict == "invalid" and "sample-ratio" in broken.summary()[0]


def test_decision_respects_a_failing_guardrail():
    summary = pd.concat(
        [
            _summary((20_000, 2000), (20_000, 2300)),
            pd.DataFrame(
                {
                    "variant": ["control", "treatment"],
                    "metric": "aov",
                    "n": 20_000,
                    "sum": [2000 * 60.0, 2300 * 50.0],
                    "sum_sq": [2000 * 4000.0, 2300 * 2800.0],
                    "den_sum": [2000.0, 2300.0],
                    "den_sum_sq": [2000.0, 2300.0],
                    "cross_sum": [2000 * 60.0, 2300 * 50.0],
                }
            ),
        ],
        ignore_index=True,
    )
    res = ab.compare(summary, guardrails={"aov": 0.02})
    assert res.guardrails.set_index("metric").loc["aov", "status"] == "fail"
    assert res.decision().verdict == "do not ship"


def test_comparison_figure_and_summary_figure_draw_data():
    df = segmented()
    res = ab.compare(df, metrics="revenue")
    fig = res.figure()
    assert fig.data[0].x[0] == pytest.approx(res.table["estimate"].iloc[0])
    assert fig.layout.template.layout.font.family.startswith("system-ui")
    means = res.data.figure()
    assert len(means.data) == 1 and list(means.data[0].x) == ["control", "treatment"]
