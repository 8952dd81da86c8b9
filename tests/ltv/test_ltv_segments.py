"""RFM segments and CLV by NPS group against row-by-row computations written here."""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ltv_data import CDNOW_CALIBRATION_END, CDNOW_OBSERVATION_END

from cxlib import DataError
from cxlib.engine import duckdb_connection
from cxlib.ltv import clv, clv_by_nps, fit_bgnbd, fit_gamma_gamma, rfm_segments, rfm_summary
from cxlib.ltv.nps import latest_nps
from cxlib.ltv.segments import rfm_scores


def naive_segment(r: int, f: int) -> str:
    """The R × F grid, written out as rules."""
    if r == 5 and f >= 4:
        return "champions"
    if r in (3, 4) and f >= 4:
        return "loyal customers"
    if r >= 4 and f in (2, 3):
        return "potential loyalists"
    if r == 5 and f == 1:
        return "new customers"
    if r == 4 and f == 1:
        return "promising"
    if r == 3 and f == 3:
        return "need attention"
    if r == 3 and f <= 2:
        return "about to sleep"
    if r <= 2 and f in (3, 4):
        return "at risk"
    if r <= 2 and f == 5:
        return "can't lose them"
    return "hibernating"


def naive_quintile(values: np.ndarray) -> np.ndarray:
    """Score = 1 + floor(5 · (number of strictly smaller values) / n)."""
    n = len(values)
    return np.array([1 + (5 * int((values < v).sum())) // n for v in values])


@pytest.fixture(scope="module")
def cdnow_value(cdnow_transactions):
    rfm = rfm_summary(cdnow_transactions, "W", CDNOW_CALIBRATION_END, CDNOW_OBSERVATION_END)
    return rfm, clv(fit_bgnbd(rfm), fit_gamma_gamma(rfm), rfm, horizon_months=12, intervals=False)


def test_scores_and_segments_equal_naive(cdnow_value):
    rfm, _ = cdnow_value
    scores = rfm_scores(rfm)
    t = rfm.table
    days_since = (t["T"] - t["recency"]).to_numpy() * 7
    np.testing.assert_allclose(scores["days_since_last"], days_since)
    np.testing.assert_array_equal(scores["r_score"], naive_quintile(-days_since))
    np.testing.assert_array_equal(
        scores["m_score"], naive_quintile((t["revenue"] / (t["frequency"] + 1)).to_numpy())
    )
    np.testing.assert_array_equal(scores["f_score"], np.minimum(t["frequency"] + 1, 5))
    expected = [naive_segment(r, f) for r, f in zip(scores["r_score"], scores["f_score"], strict=True)]
    assert list(scores["segment"]) == expected
    assert (
        scores["rfm"].iloc[0]
        == f"{scores['r_score'].iloc[0]}{scores['f_score'].iloc[0]}{scores['m_score'].iloc[0]}"
    )


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, 20), min_size=1, max_size=60))
def test_quintile_scores_property(values):
    from cxlib.ltv.segments import _score

    arr = np.array(values, dtype=float)
    scores = _score(arr)
    assert scores.min() >= 1 and scores.max() <= 5
    # Monotone: a larger value never gets a lower score; ties share a score.
    order = np.argsort(arr, kind="stable")
    assert np.all(np.diff(scores[order]) >= 0)
    np.testing.assert_array_equal(scores, naive_quintile(arr))


def test_segment_table_adds_up(cdnow_value):
    rfm, value = cdnow_value
    seg = rfm_segments(rfm, clv=value, min_n=1)
    t = seg.table
    assert t["customers"].sum() == 2357 and t["share_of_customers"].sum() == pytest.approx(1.0)
    assert t["clv_total"].sum() == pytest.approx(value.table["clv"].sum())
    assert t["revenue"].sum() == pytest.approx(rfm.table["revenue"].sum())
    naive = seg.customers.groupby("segment")["clv"].mean()
    for row in t.itertuples(index=False):
        assert row.clv_mean == pytest.approx(naive[row.segment])
    suppressed = rfm_segments(rfm, clv=value, min_n=200).table
    assert suppressed.loc[suppressed["customers"].isna(), "suppressed"].all()
    assert len(seg.figure().data) == 2 and seg.summary()


def _surveys(customers: list[str]) -> pd.DataFrame:
    """NPS answers: customer 0 answers twice (latest counts), 1 answers two scores at once."""
    ts = pd.Timestamp("1997-10-05", tz="UTC")
    rows = [
        (customers[0], ts, "nps", 3),
        (customers[0], ts + pd.Timedelta(days=3), "nps", 10),
        (customers[1], ts, "nps", 9),
        (customers[1], ts, "nps", 6),
        (customers[2], ts, "nps", 7),
        (customers[3], ts, "csat", 1),
        (None, ts, "nps", 0),
    ]
    rng = np.random.default_rng(3)
    for i, c in enumerate(customers[4:400]):
        rows.append((c, ts + pd.Timedelta(hours=i), "nps", int(rng.integers(0, 11))))
    df = pd.DataFrame(rows, columns=["customer_id", "ts", "metric", "score"])
    df.insert(0, "response_id", [f"R{i}" for i in range(len(df))])
    return df


def test_latest_nps_and_groups(cdnow_value):
    _, value = cdnow_value
    ids = list(value.table["customer_id"])
    surveys = _surveys(ids)
    latest = latest_nps(surveys).set_index("customer_id")
    assert latest.loc[ids[0], "score"] == 10 and latest.loc[ids[0], "group"] == "promoter"
    assert latest.loc[ids[1], "score"] == 7.5 and latest.loc[ids[1], "group"] == "passive"
    assert latest.loc[ids[2], "group"] == "passive" and ids[3] not in latest.index
    for kind in ("polars", "duckdb"):
        arrow = pl.from_pandas(surveys).to_arrow()
        frame = pl.from_arrow(arrow) if kind == "polars" else duckdb_connection().from_arrow(arrow)
        pd.testing.assert_frame_equal(latest_nps(frame), latest_nps(surveys))


def test_clv_by_nps_equals_naive(cdnow_value):
    _, value = cdnow_value
    ids = list(value.table["customer_id"])
    surveys = _surveys(ids)
    result = clv_by_nps(value, surveys, min_n=5)
    t = result.table.set_index("group")
    groups = latest_nps(surveys).set_index("customer_id")["group"]
    table = value.table.set_index("customer_id")
    for group in ("promoter", "passive", "detractor"):
        clv_values = table.loc[groups[groups == group].index, "clv"]
        assert t.loc[group, "customers"] == len(clv_values)
        assert t.loc[group, "clv_mean"] == pytest.approx(clv_values.mean())
        half = 1.96 * clv_values.std() / np.sqrt(len(clv_values))
        assert t.loc[group, "ci_high"] - t.loc[group, "clv_mean"] == pytest.approx(half, rel=0.03)
    assert t.loc["no answer", "customers"] == 2357 - len(groups)
    assert t.loc[["promoter", "passive", "detractor"], "share_of_customers"].sum() == pytest.approx(1.0)
    assert len(result.figure().data) == 1 and "promoters" in result.summary()[0].lower()
    assert clv_by_nps(value, surveys, min_n=400).table["suppressed"].sum() == 3


def test_nps_needs_survey_columns(cdnow_value):
    _, value = cdnow_value
    with pytest.raises(DataError) as info:
        clv_by_nps(value, _surveys(list(value.table["customer_id"])).drop(columns="score"))
    assert info.value.table == "surveys" and info.value.column == "score"
