"""Same numbers on every backend, with and without fast paths: pandas (native and through DuckDB), polars
(eager and lazy), DuckDB (the hand-written SQL fast path and the portable Narwhals code),
including the engine traps of DESIGN.md §2: time zones (a DuckDB session in another zone,
a pandas column in another zone), missing segments and ties at the first timestamp.
Spark: tests/spark/test_spark_parity.py.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import polars as pl
import pytest
from cohort_data import random_orders

from cxlib import DataError
from cxlib.cohorts import retention_matrix, revenue_retention, time_to_repeat
from cxlib.engine import configure_duckdb, duckdb_connection

ORDERS = random_orders(seed=51, customers=80, rows=500, days=400)
#: 150 days: more than the 128 periods of the DuckDB fast path, so day ages use the portable code.
SHORT = random_orders(seed=52, customers=40, rows=200, days=150)


def variants(frame: pd.DataFrame):
    """(name, table, fast_path) for every backend, with and without the DuckDB fast paths."""
    arrow = pl.from_pandas(frame).to_arrow()
    yield "pandas-fast", frame, True
    yield "polars", pl.from_arrow(arrow), True
    yield "polars-lazy", pl.from_arrow(arrow).lazy(), True
    yield "duckdb-fast", duckdb_connection().from_arrow(arrow), True
    yield "duckdb-portable", duckdb_connection().from_arrow(arrow), False


CASES = [
    dict(kind="on", period="month"),
    dict(kind="on", period="week", by="channel"),
    dict(kind="on", period="month", by="channel"),
    dict(kind="on", period="day", by="channel", frame="short"),  # too many days for the fast path
    dict(kind="on_or_after", period="month", by="channel"),
    dict(kind="rolling", period="week", by="channel"),
    dict(kind="rolling", period="day", cohort_period="month"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: "-".join(str(v) for v in c.values()))
def test_retention_is_identical_everywhere(case):
    case = dict(case)
    frame = SHORT if case.pop("frame", None) == "short" else ORDERS
    expected = retention_matrix(frame, fast_path=False, **case)
    for name, table, fast_path in variants(frame):
        got = retention_matrix(table, fast_path=fast_path, **case)
        pd.testing.assert_frame_equal(got._counts, expected._counts, obj=name)
        pd.testing.assert_frame_equal(got.long, expected.long, obj=name)
        pd.testing.assert_frame_equal(got.table, expected.table, obj=name)


def test_revenue_and_time_to_repeat_are_identical_everywhere():
    revenue = revenue_retention(ORDERS, by="channel", fast_path=False)
    repeat = time_to_repeat(ORDERS, by="channel", fast_path=False)
    for name, table, fast_path in variants(ORDERS):
        pd.testing.assert_frame_equal(
            revenue_retention(table, by="channel", fast_path=fast_path).long, revenue.long, obj=name
        )
        got = time_to_repeat(table, by="channel", fast_path=fast_path)
        pd.testing.assert_frame_equal(got.table, repeat.table, obj=name)
        assert got.logrank == repeat.logrank


def test_time_zone_traps():
    # A pandas column in New York time must still give UTC calendar months (orders near
    # midnight on month boundaries would move between months); a DuckDB session in Warsaw
    # time is refused in words rather than silently giving Warsaw months.
    edges = pd.to_datetime(
        [
            "2024-01-31 23:30",
            "2024-02-01 00:30",
            "2024-02-29 23:59",
            "2024-03-01 00:00",
            "2024-03-31 23:45",
            "2024-04-30 22:30",
        ],
        utc=True,
    ).as_unit("us")
    frame = pd.concat(
        [ORDERS, ORDERS.iloc[:6].assign(ts=edges, customer_id=["Z1", "Z1", "Z2", "Z2", "Z3", "Z3"])],
        ignore_index=True,
    )
    expected = retention_matrix(frame, by="channel", fast_path=False)
    new_york = frame.assign(ts=frame["ts"].dt.tz_convert("America/New_York"))
    pd.testing.assert_frame_equal(
        retention_matrix(new_york, by="channel", fast_path=False)._counts, expected._counts
    )
    pd.testing.assert_frame_equal(retention_matrix(new_york, by="channel")._counts, expected._counts)
    con = duckdb.connect()
    configure_duckdb(con)
    con.execute("SET TimeZone = 'Europe/Warsaw'")
    relation = con.from_arrow(pl.from_pandas(frame).to_arrow())
    with pytest.raises(DataError, match="Europe/Warsaw") as error:
        retention_matrix(relation, by="channel")
    assert error.value.rule == "session_time_zone" and error.value.column == "ts"
    con.execute("SET TimeZone = 'UTC'")
    pd.testing.assert_frame_equal(retention_matrix(relation, by="channel")._counts, expected._counts)


@pytest.mark.parametrize("kind", ["on", "on_or_after"])
def test_boolean_integer_and_categorical_segments_get_the_same_labels(kind):
    frame = SHORT.assign(
        flag=np.arange(len(SHORT)) % 3 == 0,
        tier=np.arange(len(SHORT)) % 4,
        group=SHORT["channel"].astype("category"),
    )
    for by in ("flag", "tier", "group"):
        expected = retention_matrix(frame, kind=kind, by=by, period="month", fast_path=False)
        assert set(expected.segments) <= {
            "True",
            "False",
            "0",
            "1",
            "2",
            "3",
            "web",
            "app",
            "marketplace",
            "(missing)",
        }
        for name, table, fast_path in variants(frame):
            got = retention_matrix(table, kind=kind, by=by, period="month", fast_path=fast_path)
            pd.testing.assert_frame_equal(got._counts, expected._counts, obj=f"{name} by {by}")
