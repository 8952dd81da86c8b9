"""Period numbering: the Narwhals expression, its Python twin and the SQL twin agree, on every
backend, with labels and observation ends as documented.
"""

from __future__ import annotations

import datetime as dt

import narwhals.stable.v2 as nw
import numpy as np
import pandas as pd
import polars as pl
import pytest
from cohort_reference import calendar_start

from cxlib._duckdb.cohorts import period_sql
from cxlib.cohorts.periods import (
    age_label,
    observation_end,
    period_index,
    period_index_of,
    period_labels,
    period_starts,
)
from cxlib.engine import duckdb_connection, to_pandas

rng = np.random.default_rng(3)
TS = pd.Series(
    pd.Timestamp("1999-12-25", tz="UTC")
    + pd.to_timedelta(rng.integers(0, 40 * 365 * 86_400_000_000, 300), unit="us")
)
EDGES = pd.Series(
    pd.to_datetime(
        [
            "2024-01-01 00:00:00",
            "2023-12-31 23:59:59.999999",
            "2024-02-29 12:00",
            "2024-12-30 00:00",
            "2026-01-04 23:59:59",
        ],
        utc=True,
        format="ISO8601",
    )
).astype("datetime64[us, UTC]")
STAMPS = pd.concat([TS, EDGES], ignore_index=True).astype("datetime64[us, UTC]")


@pytest.mark.parametrize("period", ["day", "week", "month", "quarter"])
def test_expression_python_and_sql_agree_on_every_backend(period):
    frame = pd.DataFrame({"ts": STAMPS})
    python = np.array([period_index_of(t, period) for t in STAMPS])
    arrow = pl.from_pandas(frame).to_arrow()
    for native in (frame, pl.from_arrow(arrow), duckdb_connection().from_arrow(arrow)):
        lazy = nw.from_native(native).lazy()
        got = to_pandas(lazy.with_columns(p=period_index(nw.col("ts"), period)).sort("ts"))
        order = np.argsort(STAMPS.to_numpy(), kind="stable")
        np.testing.assert_array_equal(got["p"].to_numpy(), python[order])
    sql = (
        duckdb_connection()
        .from_arrow(arrow)
        .query("t", f"SELECT {period_sql('ts', period)} AS p FROM t ORDER BY ts")
    )
    np.testing.assert_array_equal(sql.fetchnumpy()["p"], python[np.argsort(STAMPS.to_numpy(), kind="stable")])
    # Starts: the first instant of the period holding each timestamp (independent calendar code).
    starts = period_starts(python, period)
    assert [s.date() for s in starts] == [calendar_start(t.to_pydatetime(), period) for t in STAMPS]
    assert (starts <= STAMPS.to_numpy()).all()


def test_labels_and_ages():
    assert period_labels([period_index_of("2024-12-30", "week")], "week") == ["2025-W01"]  # ISO week-year
    assert period_labels([period_index_of("2024-05-17", "quarter")], "quarter") == ["2024-Q2"]
    assert period_labels([period_index_of("2024-05-17", "month")], "month") == ["2024-05"]
    assert period_labels([period_index_of("2024-05-17 23:00", "day")], "day") == ["2024-05-17"]
    assert age_label(3, "month") == "month 3"
    assert age_label(3, "month", rolling=True) == "days 90–119"
    assert age_label(2, "day", rolling=True) == "day 2"


def test_observation_end():
    last = pd.Timestamp("2024-05-17 23:10", tz="UTC")
    assert observation_end(None, last) == pd.Timestamp("2024-05-18", tz="UTC")
    assert observation_end("2024-05-31", None) == pd.Timestamp("2024-06-01", tz="UTC")
    assert observation_end(dt.date(2024, 5, 31), None) == pd.Timestamp("2024-06-01", tz="UTC")
    assert observation_end("2024-05-31 12:00", None) == pd.Timestamp("2024-05-31 12:00", tz="UTC")
    assert observation_end("2024-05-31T12:00:00+02:00", None) == pd.Timestamp("2024-05-31 10:00", tz="UTC")
