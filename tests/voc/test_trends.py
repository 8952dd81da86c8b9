"""Trends and alerts: the p-chart against hand-computed limits, a planted abnormal week,
identical results on pandas, polars and DuckDB.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import polars as pl
import pytest

from cxlib import DataError, voc
from cxlib.engine import duckdb_connection
from cxlib.voc.trends import p_chart


def test_p_chart_limits_by_hand():
    count, n = np.array([10, 30, 5, 3]), np.array([100, 100, 50, 10])
    chart = p_chart(count, n, sigma=3.0, min_n=20)
    center = (10 + 30 + 5) / 250  # the n=10 period is not judged and not in the centre line
    assert chart["center"].iloc[0] == pytest.approx(center)
    half = 3 * math.sqrt(center * (1 - center) / 100)
    assert chart.loc[0, "ucl"] == pytest.approx(center + half)
    assert chart.loc[0, "lcl"] == pytest.approx(max(0.0, center - half))
    assert chart["alert"].tolist() == ["", "above", "", ""]
    base = p_chart(count, n, min_n=20, baseline=np.array([True, False, True, True]))
    assert base["center"].iloc[0] == pytest.approx(15 / 150)


def scored_weeks(seed: int = 0) -> pd.DataFrame:
    """12 weeks of labelled texts from Monday 2024-01-01; week 8 has 45 % negatives, others 15 %."""
    rng = np.random.default_rng(seed)
    rows = []
    for week in range(12):
        p = 0.45 if week == 8 else 0.15
        for _ in range(200):
            ts = pd.Timestamp("2024-01-01", tz="UTC") + pd.Timedelta(
                days=7 * week + rng.integers(0, 7), hours=int(rng.integers(0, 24))
            )
            label = "neg" if rng.random() < p else "pos"
            rows.append({"ts": ts, "label": label, "score": -0.5 if label == "neg" else 0.5})
    return pd.DataFrame(rows)


def test_planted_bad_week_is_flagged_and_weeks_start_on_monday():
    frame = scored_weeks()
    trend = voc.sentiment_trend(frame)
    neg = trend.table[trend.table["series"] == "neg"].reset_index(drop=True)
    assert len(neg) == 12
    assert (neg["period"].dt.day_of_week == 0).all()
    assert neg["period"].iloc[0] == pd.Timestamp("2024-01-01", tz="UTC")
    expected = frame.assign(week=(frame["ts"] - pd.Timestamp("2024-01-01", tz="UTC")).dt.days // 7)
    counts = expected.groupby("week")["label"].apply(lambda s: (s == "neg").sum()).to_numpy()
    assert neg["count"].to_numpy() == pytest.approx(counts)
    assert neg["n"].tolist() == [200] * 12
    alerts = trend.alerts()  # week 8: negatives above their limits, positives below theirs
    assert alerts[["series", "alert"]].values.tolist() == [["neg", "above"], ["pos", "below"]]
    assert set(alerts["period"]) == {pd.Timestamp("2024-02-26", tz="UTC")}
    assert neg["mean_score"].to_numpy() == pytest.approx(expected.groupby("week")["score"].mean().to_numpy())
    summary = trend.summary()
    assert summary[0].startswith(
        "Share of negative and of positive texts: 2 alerts outside the control limits (±3σ) among "
        "24 week-and-series values in 12 weeks judged"
    )
    assert "2024-02-26" in summary[1]
    assert len(trend.figure(["neg"]).data) == 4


def test_trend_identical_on_pandas_polars_and_duckdb():
    frame = scored_weeks(1)
    frame.loc[::50, "score"] = np.nan
    results = [
        voc.sentiment_trend(f, period=p).table
        for p in ("week", "month", "day")
        for f in (frame, pl.from_pandas(frame), duckdb_connection().from_df(frame))
    ]
    for k in range(0, 9, 3):
        for other in results[k + 1 : k + 3]:
            pd.testing.assert_frame_equal(other, results[k])


def test_small_periods_are_suppressed_and_not_judged():
    frame = scored_weeks().iloc[::20]  # 10 texts per week
    trend = voc.sentiment_trend(frame, min_n=20)
    assert trend.table["suppressed"].all() and trend.table["share"].isna().all()
    assert trend.alerts().empty


def test_aspect_trend_counts_mentions_per_week():
    texts = ["The delivery was late"] * 30 + ["Great price"] * 30
    ts = [pd.Timestamp("2024-03-04", tz="UTC")] * 30 + [pd.Timestamp("2024-03-11", tz="UTC")] * 30
    frame = pd.DataFrame({"text": texts, "ts": ts, "lang": "en"})
    trend = voc.aspect_trend(voc.aspects(frame, keep=["ts"]), aspects=["delivery", "price"], min_n=10)
    share = trend.table.pivot_table(index="period", columns="series", values="share")
    assert share.to_numpy().tolist() == [[1.0, 0.0], [0.0, 1.0]]
    negative = voc.aspect_trend(
        voc.aspects(frame, keep=["ts"]), aspects=["delivery"], value="negative", min_n=10
    )
    assert negative.table["count"].tolist() == [30.0, 0.0]


def test_trend_bad_input():
    with pytest.raises(DataError) as err:
        voc.sentiment_trend(pd.DataFrame({"label": ["neg"], "score": [0.1]}))
    assert err.value.column == "ts"
    with pytest.raises(DataError, match="keep"):
        voc.aspect_trend(voc.aspects(["late delivery"], langs="en"))
    with pytest.raises(ValueError, match="period"):
        voc.sentiment_trend(scored_weeks(), period="year")
