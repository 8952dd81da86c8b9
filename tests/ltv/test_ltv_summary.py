"""rfm_summary and daily_repeat_purchases against the published CDNOW summary, a naive loop,
and across backends.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ltv_data import CDNOW_CALIBRATION_END, CDNOW_OBSERVATION_END, random_orders

from cxlib import DataError
from cxlib.engine import duckdb_connection
from cxlib.ltv import rfm_summary
from cxlib.ltv.summary import daily_repeat_purchases


def _as(kind: str, frame: pd.DataFrame):
    if kind == "pandas":
        return frame.copy()
    arrow = pl.from_pandas(frame).to_arrow()
    return pl.from_arrow(arrow) if kind == "polars" else duckdb_connection().from_arrow(arrow)


def naive_summary(orders: pd.DataFrame, cal_end: str, obs_end: str, unit_days: float) -> pd.DataFrame:
    """Row-by-row reference: purchase days per customer, split at the calibration end."""
    cal = pd.Timestamp(cal_end).date()
    obs = pd.Timestamp(obs_end).date()
    by_day: dict[str, dict] = defaultdict(lambda: defaultdict(float))
    for row in orders.itertuples(index=False):
        day = row.ts.tz_convert("UTC").date()
        if day <= obs:
            by_day[row.customer_id][day] += row.revenue
    rows = []
    for customer, days in by_day.items():
        cal_days = sorted(d for d in days if d <= cal)
        if not cal_days:
            continue
        first, last = cal_days[0], cal_days[-1]
        x = len(cal_days) - 1
        repeat_value = sum(days[d] for d in cal_days[1:])
        hold = [d for d in days if d > cal]
        rows.append(
            {
                "customer_id": customer,
                "frequency": x,
                "recency": (last - first).days / unit_days,
                "T": (cal - first).days / unit_days,
                "monetary_value": repeat_value / x if x else 0.0,
                "frequency_holdout": len(hold),
                "monetary_value_holdout": sum(days[d] for d in hold) / len(hold) if hold else 0.0,
            }
        )
    return pd.DataFrame(rows).sort_values("customer_id").reset_index(drop=True)


def test_cdnow_summary_matches_the_published_one(cdnow_transactions, cdnow_summary):
    """From raw CDNOW transactions to the published (x, t_x, T, z̄): same-day records merged."""
    rfm = rfm_summary(cdnow_transactions, "W", CDNOW_CALIBRATION_END, CDNOW_OBSERVATION_END)
    assert len(rfm.table) == 2357
    merged = rfm.table.merge(cdnow_summary, on="customer_id", suffixes=("", "_pub"), validate="one_to_one")
    assert len(merged) == 2357
    assert (merged["frequency"] == merged["frequency_pub"]).all()
    # The published file rounds to two decimals.
    np.testing.assert_allclose(merged["recency"], merged["recency_pub"], atol=0.005)
    np.testing.assert_allclose(merged["T"], merged["T_pub"], atol=0.005)
    np.testing.assert_allclose(merged["monetary_value"], merged["monetary_value_pub"], atol=0.005 + 1e-9)
    assert rfm.holdout and rfm.table["duration_holdout"].iloc[0] == pytest.approx(273 / 7)
    assert rfm.calibration_end == pd.Timestamp("1997-09-30", tz="UTC")


@pytest.mark.parametrize("fast_path", [True, False])
@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("unit,unit_days", [("W", 7.0), ("D", 1.0)])
def test_summary_equals_naive_loop(seed, unit, unit_days, fast_path):
    orders = random_orders(seed)
    rfm = rfm_summary(orders, unit, "2024-02-05", "2024-02-29", by="channel", fast_path=fast_path)
    expected = naive_summary(orders, "2024-02-05", "2024-02-29", unit_days)
    got = rfm.table.reset_index(drop=True)
    assert list(got["customer_id"]) == list(expected["customer_id"])
    for column in ["frequency", "frequency_holdout"]:
        np.testing.assert_array_equal(got[column], expected[column])
    for column in ["recency", "T", "monetary_value", "monetary_value_holdout"]:
        np.testing.assert_allclose(got[column], expected[column], rtol=1e-12, atol=1e-9)
    # The segment is the channel of each customer's earliest order.
    first = (
        orders.sort_values(["customer_id", "ts", "channel"])
        .groupby("customer_id")
        .head(1)
        .set_index("customer_id")
    )
    assert (got.set_index("customer_id")["channel"] == first.loc[got["customer_id"], "channel"]).all()


def test_summary_dtypes_and_columns(cdnow_transactions):
    rfm = rfm_summary(cdnow_transactions, "W", CDNOW_CALIBRATION_END, CDNOW_OBSERVATION_END)
    t = rfm.table
    assert list(t.columns[:5]) == ["customer_id", "frequency", "recency", "T", "monetary_value"]
    assert t["frequency"].dtype == "int64" and t["frequency_holdout"].dtype == "int64"
    assert t["recency"].dtype == "float64" and t["T"].dtype == "float64"
    assert str(t["first_purchase"].dtype).startswith("datetime64") and str(t["first_purchase"].dt.tz) == "UTC"
    assert set(t["cohort"]) == {"1997-01", "1997-02", "1997-03"}
    assert t["customer_id"].is_monotonic_increasing


@pytest.mark.parametrize("kind", ["pandas", "polars", "duckdb"])
def test_summary_is_identical_across_backends(kind, cdnow_transactions):
    """The reference runs on pandas itself (fast_path=False); by default a pandas frame is
    summarised with DuckDB over its Arrow buffers.
    """
    orders = random_orders(7).assign(ts=lambda d: d["ts"].dt.tz_convert("Europe/Warsaw"))
    orders["channel"] = orders["channel"].astype("category")
    reference = rfm_summary(orders, "D", "2024-02-01", by="channel", fast_path=False).table
    other = rfm_summary(_as(kind, orders), "D", "2024-02-01", by="channel").table
    pd.testing.assert_frame_equal(other, reference, check_dtype=False, check_categorical=False)
    ref_big = rfm_summary(
        cdnow_transactions, "W", CDNOW_CALIBRATION_END, CDNOW_OBSERVATION_END, fast_path=False
    ).table
    big = rfm_summary(_as(kind, cdnow_transactions), "W", CDNOW_CALIBRATION_END, CDNOW_OBSERVATION_END).table
    pd.testing.assert_frame_equal(big, ref_big, check_dtype=False)


def test_days_are_utc_days():
    """An order at 23:30 in UTC−2 belongs to the next UTC day."""
    orders = pd.DataFrame(
        {
            "order_id": ["1", "2"],
            "customer_id": ["a", "a"],
            "ts": pd.to_datetime(["2024-01-01T10:00:00+00:00", "2024-01-01T23:30:00-02:00"], utc=True),
            "revenue": [10.0, 5.0],
        }
    )
    t = rfm_summary(orders, "D").table
    assert t["frequency"].iloc[0] == 1 and t["recency"].iloc[0] == 1.0


def test_no_calibration_end_means_whole_period():
    orders = random_orders(4)
    rfm = rfm_summary(orders)
    assert not rfm.holdout and "frequency_holdout" not in rfm.table.columns
    last_day = orders["ts"].max().normalize()
    assert rfm.observation_end == rfm.calibration_end == last_day
    assert rfm.table["T"].max() == pytest.approx((last_day - orders["ts"].min().normalize()).days / 7)


def test_input_is_not_modified():
    orders = random_orders(5)
    copy = orders.copy(deep=True)
    rfm_summary(orders, "W", "2024-02-01", by="channel")
    pd.testing.assert_frame_equal(orders, copy)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), n_orders=st.integers(1, 80), cal_day=st.integers(0, 40))
def test_summary_invariants(seed, n_orders, cal_day):
    orders = random_orders(seed, n_customers=12, n_orders=n_orders, days=50)
    cal_end = pd.Timestamp("2024-01-01") + pd.Timedelta(days=cal_day)
    if orders["ts"].min().normalize().tz_localize(None) > cal_end:
        with pytest.raises(DataError):
            rfm_summary(orders, "D", cal_end, "2024-02-25")
        return
    t = rfm_summary(orders, "D", cal_end, "2024-02-25").table
    assert (t["frequency"] >= 0).all() and (t["frequency_holdout"] >= 0).all()
    assert (t["recency"] >= 0).all() and (t["recency"] <= t["T"]).all()
    assert ((t["frequency"] == 0) == (t["recency"] == 0)).all()
    assert ((t["frequency"] == 0) == (t["monetary_value"] == 0)).all()
    # Purchase days add up: calibration days of all customers = Σ (frequency + 1).
    days = orders.assign(day=orders["ts"].dt.normalize().dt.tz_localize(None))
    cal_days = days[days["day"] <= cal_end].drop_duplicates(["customer_id", "day"])
    assert int((t["frequency"] + 1).sum()) == len(cal_days)


def test_daily_repeat_purchases_equal_naive_counts(cdnow_transactions):
    repeats, firsts, obs_end = daily_repeat_purchases(
        cdnow_transactions, CDNOW_CALIBRATION_END, CDNOW_OBSERVATION_END
    )
    days = cdnow_transactions.assign(day=cdnow_transactions["ts"].dt.normalize()).drop_duplicates(
        ["customer_id", "day"]
    )
    first = days.groupby("customer_id")["day"].transform("min")
    naive = days[days["day"] > first].groupby("day").size()
    assert obs_end == pd.Timestamp(CDNOW_OBSERVATION_END, tz="UTC")
    assert repeats.set_index("day")["repeat_purchases"].to_dict() == naive.to_dict()
    assert int(firsts["customers"].sum()) == 2357
    duck = daily_repeat_purchases(
        _as("duckdb", cdnow_transactions), CDNOW_CALIBRATION_END, CDNOW_OBSERVATION_END
    )
    pd.testing.assert_frame_equal(duck[0], repeats)
    pd.testing.assert_frame_equal(duck[1], firsts)


def test_summary_result_object(cdnow_transactions):
    rfm = rfm_summary(cdnow_transactions, "W", CDNOW_CALIBRATION_END, CDNOW_OBSERVATION_END)
    fig = rfm.figure()
    counts = fig.data[0].y
    assert counts[0] == (rfm.table["frequency"] == 0).sum() and sum(counts) == 2357
    text = " ".join(rfm.summary())
    assert "2,357 customers" in text and "946 (40.1%)" in text


@pytest.mark.parametrize(
    "frame,rule,column",
    [
        (lambda o: o.drop(columns="revenue"), "missing_column", "revenue"),
        (lambda o: o.assign(ts=o["ts"].dt.tz_localize(None)), "naive_timestamp", "ts"),
        (lambda o: o.assign(ts=o["ts"].astype("str")), "type", "ts"),
        (lambda o: o.iloc[0:0], "empty", None),
    ],
)
def test_bad_orders_raise_data_error(frame, rule, column):
    with pytest.raises(DataError) as info:
        rfm_summary(frame(random_orders(1)), "W")
    assert info.value.rule == rule and info.value.table == "orders" and info.value.column == column


def test_bad_parameters():
    orders = random_orders(1)
    with pytest.raises(ValueError, match="unit"):
        rfm_summary(orders, "M")
    with pytest.raises(ValueError, match="before"):
        rfm_summary(orders, "W", "2024-03-01", "2024-02-01")
    with pytest.raises(DataError, match="no orders up to"):
        rfm_summary(orders, "W", "2023-01-01", "2024-03-01")
    with pytest.raises(ValueError, match="fast_path"):
        rfm_summary(orders, "W", fast_path="native")
