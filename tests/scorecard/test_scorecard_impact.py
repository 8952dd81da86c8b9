"""Key findings on channel gaps: ranked by customers affected, written answer → impact → action."""

from __future__ import annotations

import pandas as pd

from cxlib import viz
from cxlib.scorecard import Consistency, impact_findings, metric_catalogue


def _planted() -> tuple[Consistency, pd.DataFrame]:
    # the smallest p-value is a tiny cart-abandonment gap on many sessions; the largest impact
    # is CSAT 33.3% against 70% in the marketplace, then NPS -1 against 62
    table = pd.DataFrame(
        {
            "metric": ["cart_abandonment", "nps", "csat", "aov"],
            "period": "2026-Q3",
            "best_segment": ["app", "store", "app", "store"],
            "best_value": [0.60, 62.0, 0.70, 70.0],
            "worst_segment": ["web", "marketplace", "marketplace", "web"],
            "worst_value": [0.63, -1.0, 1 / 3, 65.0],
            "gap": [0.03, 63.0, 0.70 - 1 / 3, 5.0],
            "test": ["chi-square test", "Cochran's Q", "chi-square test", "Cochran's Q"],
            "p_value": [1e-30, 1e-5, 0.002, 0.4],
            "q_value": [4e-30, 2e-5, 0.0027, 0.4],
            "significant": [True, True, True, False],
            "segments": [4, 4, 3, 1],
        }
    )
    latest = pd.DataFrame(
        {
            "metric": ["nps", "csat", "cart_abandonment", "aov"] + ["repeat_rate"] * 3,
            "channel": ["All", "All", "All", "All", "web", "marketplace", "app"],
            "n": [900, 300, 20_000, 5_000, 2_000, 1_200, 800],
            "kind": ["nps", "proportion", "proportion", "ratio", "proportion", "proportion", "proportion"],
        }
    )
    across = Consistency(table, pd.DataFrame(), ("channel",), metric_catalogue(), 0.05)
    return across, latest


def test_findings_rank_by_impact_not_by_p_value() -> None:
    across, latest = _planted()
    # by hand: csat 0.367 x 1,200 = 440; nps 63/200 x 1,200 = 378; cart 0.03 x 2,000 = 60
    impacts = {"csat": (0.70 - 1 / 3) * 1200, "nps": 63 / 200 * 1200, "cart_abandonment": 0.03 * 2000}
    assert sorted(impacts, key=impacts.__getitem__, reverse=True) == ["csat", "nps", "cart_abandonment"]
    by_p = across.table.sort_values("p_value")["metric"].tolist()
    assert by_p[0] == "cart_abandonment"  # the p-value ranking would put the tiny gap first
    first, second = impact_findings(across, latest)
    assert first == (
        # shares differ in pp, as the scorecard's changes do ("-8.4 pp"); "points" are NPS's
        "CSAT lags in marketplace: best app 70.0%, worst marketplace 33.3%, a gap of 36.7 pp; it "
        "concerns the 1,200 marketplace customers of 2026-Q3. Look at what marketplace customers "
        "meet first (chi-square test, p = 0.002, adjusted p = 0.003)."
    )
    assert second.startswith(
        "NPS lags in marketplace: best store 62, worst marketplace −1, a gap of 63 points"
    )
    assert "(Cochran's Q, p < 0.001, adjusted p < 0.001)." in second
    assert len(impact_findings(across, latest, top=5)) == 3  # the gap that is not significant is left out


def test_statistics_come_after_the_answer_in_small_print() -> None:
    across, latest = _planted()
    html = viz.key_findings(impact_findings(across, latest)).data
    item = html.split("<li>")[1]
    answer, small = item.split('<small class="cxlab-stat">', 1)
    assert answer.startswith("CSAT lags in marketplace") and "p =" not in answer and "CI" not in answer
    assert small.startswith("(chi-square test, p = 0.002, adjusted p = 0.003)</small>.")


def test_comparison_table_is_narrow_and_in_human_formats() -> None:
    across, _ = _planted()
    view = across.formatted()
    assert view.columns.tolist() == ["Metric", "Period", "Best", "Worst", "Gap", "Test"]
    assert view["Test"].tolist() == [
        "chi-square test, 4 segments, p < 0.001",
        "Cochran's Q, 4 segments, p < 0.001",
        "chi-square test, 3 segments, p = 0.002",
        "Cochran's Q, 1 segment, p = 0.40",
    ]
    assert view.loc[2, "Worst"] == "marketplace 33.3%" and view.loc[2, "Gap"] == "36.7 pp"
