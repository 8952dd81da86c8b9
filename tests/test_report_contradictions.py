"""Report sentences that must not contradict each other (issue 20).

A/B: a test can be significant at its planned end (fixed horizon) while the always-valid
bands, built to allow looking every day, never exclude zero. The sequential summary must
then not read as if the page's "ship" were unfounded: it names the fixed-horizon test.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from scipy import stats

from cxlib import experiments as ab


def _daily(rates: dict[str, float], days: int = 10, per_day: int = 500) -> pd.DataFrame:
    frames = []
    for variant, rate in rates.items():
        conversions = round(rate * per_day)
        frames.append(
            pd.DataFrame(
                {
                    "period": pd.date_range("2026-01-01", periods=days, tz="UTC"),
                    "variant": variant,
                    "metric": "conversion",
                    "n": per_day,
                    "sum": conversions,
                    "sum_sq": conversions,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def test_no_early_stop_is_not_worded_against_a_fixed_horizon_decision() -> None:
    table = _daily({"control": 0.100, "treatment": 0.115})
    # independent truth: the pooled two-proportion z test at the planned end is significant
    n = 5000
    p1, p2 = 0.100, 0.115
    pooled = (p1 + p2) / 2
    z = (p2 - p1) / math.sqrt(pooled * (1 - pooled) * 2 / n)
    assert 2 * stats.norm.sf(z) < 0.05
    seq = ab.effect_over_time(table, relative=False, n_star=10_000, adjust=None)
    assert seq.conclusive_at["first_conclusive"].isna().all()  # never conclusive at a look
    early, decides = seq.summary()
    assert "not conclusive" not in early + decides
    assert early.startswith("No early stop for conversion (treatment)")
    assert "planned sample (10,000 units) was reached" in decides and "fixed-horizon test" in decides
    decision = ab.compare(table, relative=False).decision()
    assert decision.verdict == "ship"  # the page decides "ship": the bands' sentence must not deny it
    late = ab.effect_over_time(table, relative=False, n_star=20_000, adjust=None).summary()
    assert "not reached yet (10,000 so far)" in late[-1] and "decides" not in " ".join(late)


def _metrics_daily(days: int = 10, per_day: int = 2000) -> pd.DataFrame:
    """Daily sums of three metrics, treatment better on each, none conclusive at a look."""
    frames = []
    for variant, lift in (("control", 1.0), ("treatment", 1.06)):
        for metric, mean, sd in (("conversion", 0.10, None), ("revenue", 10.0, 30.0), ("items", 1.0, 2.0)):
            m = mean * lift
            second = m if sd is None else sd**2 + m**2  # E[x^2] per unit (x^2 = x for 0/1)
            frames.append(
                pd.DataFrame(
                    {
                        "period": pd.date_range("2026-01-01", periods=days, tz="UTC"),
                        "variant": variant,
                        "metric": metric,
                        "n": per_day,
                        "sum": m * per_day,
                        "sum_sq": second * per_day,
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)


def test_sequential_wording_is_said_once_per_page_not_per_metric() -> None:
    table = _metrics_daily()
    seq = ab.effect_over_time(table, n_star=40_000)
    assert seq.conclusive_at["first_conclusive"].isna().all()
    text = seq.summary()
    joined = " ".join(text)
    # one sentence for every result that never stopped early, one for which test decides
    assert sum("No early stop" in s for s in text) == 1
    assert sum("decides" in s for s in text) == 1
    assert all(f"{m} (treatment)" in joined for m in ("conversion", "revenue", "items"))
    assert "not conclusive" not in joined and "never excluded zero" in joined
    assert joined.count("never excluded zero") == 1


def test_scorecard_gaps_rank_by_customers_affected_not_by_p_value() -> None:
    from cxlib.scorecard.impact import rank_by_impact

    differences = pd.DataFrame(
        {
            "metric": ["cart_abandonment", "nps", "csat", "return_rate", "aov"],
            "best_value": [0.616, 62.5, 0.70, 0.054, 67.6],
            "worst_value": [0.731, -1.5, 0.333, 0.131, 65.6],
            "worst_segment": ["web", "marketplace", "marketplace", "marketplace", "web"],
            "gap": [0.115, 64.0, 0.367, 0.077, 2.0],
            "p_value": [6e-41, 5e-12, 4e-4, 9e-8, 0.87],
            "significant": [True, True, True, True, False],
        }
    )
    latest = pd.DataFrame(
        {
            "metric": ["nps", "csat", "cart_abandonment", "return_rate", "aov"]
            + ["repeat_rate"] * 2
            + ["purchase_frequency"],
            "channel": ["All", "All", "All", "All", "All", "marketplace", "web", "web"],
            "n": [1186, 190, 18735, 6115, 6115, 1227, 2273, 9999],
            "kind": ["nps", "proportion", "proportion", "ratio", "ratio", "proportion", "proportion", "mean"],
        }
    )
    ranked = rank_by_impact(differences, latest, "channel")
    # by hand: csat 0.367 x 1227 = 450; nps 64/200 x 1227 = 393; cart 0.115 x 2273 = 261;
    # return rate (a share) 0.077 x 1227 = 94; aov is not significant
    assert ranked["metric"].tolist() == ["csat", "nps", "cart_abandonment", "return_rate"]
    expected = [0.367 * 1227, 64 / 200 * 1227, 0.115 * 2273, 0.077 * 1227]
    assert ranked["impact"].tolist() == pytest.approx(expected)
    # the smallest p-value (cart abandonment) is not what comes first
    assert ranked["metric"].iloc[0] != differences.sort_values("p_value")["metric"].iloc[0]


def test_all_above_every_channel_is_explained_under_the_table() -> None:
    from cxlib.scorecard.footnotes import all_outside_segments

    # two customers: A orders once on web and once in the app (repeat overall, one-time in each
    # channel), B orders twice on the web; computed by hand, as the scorecard defines the rate
    orders = pd.DataFrame(
        {"customer": ["A", "A", "B", "B", "C"], "channel": ["web", "app", "web", "web", "app"]}
    )
    per_channel = orders.groupby(["channel", "customer"]).size().ge(2).groupby("channel").mean()
    overall = orders.groupby("customer").size().ge(2).mean()
    assert overall > per_channel.max()  # 2/3 against web 1/2, app 0/2
    label = "Repeat purchase rate (2+ orders in the period)"
    latest = pd.DataFrame(
        {
            "metric": ["repeat_rate"] * 3 + ["retention_rate"] * 2,
            "label": [label] * 3 + ["Customer retention rate"] * 2,
            "channel": ["All", "app", "web", "All", "web"],
            "value": [overall, per_channel["app"], per_channel["web"], 0.2, 0.3],
            "suppressed": [False] * 5,
        }
    )
    (note,) = all_outside_segments(latest, "channel")
    assert note.startswith("Repeat purchase rate of “All” (66.7%) is above every channel (at most 50.0%)")
    assert "one-time customer in each channel" in note
    assert all_outside_segments(latest[latest["metric"] == "retention_rate"], "channel") == []
