"""The DuckDB query of the cohort counts gives the portable Narwhals plan's counts on the same data."""

from __future__ import annotations

from typing import Any

import pandas as pd
import polars as pl
import pytest

from cxlib.cohorts import retention_matrix
from cxlib.engine import duckdb_connection
from tests.cohorts.cohort_data import random_orders

ORDERS = random_orders(seed=61, customers=90, rows=600, days=420)


def _relation(frame: pd.DataFrame) -> Any:
    return duckdb_connection().from_arrow(pl.from_pandas(frame).to_arrow())


@pytest.fixture
def fast_calls(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Record whether the fast path answered (True) or declined (False) on each call."""
    from cxlib._duckdb import cohorts as cohorts_sql

    calls: list[bool] = []
    real = cohorts_sql.on_cells_duckdb

    def spy(activity: Any) -> pd.DataFrame | None:
        out = real(activity)
        calls.append(out is not None)
        return out

    monkeypatch.setattr(cohorts_sql, "on_cells_duckdb", spy)
    return calls


@pytest.mark.parametrize("period", ["day", "week", "month", "quarter"])
@pytest.mark.parametrize("by", [None, "channel"])
def test_fast_path_counts_equal_the_portable_plan(
    period: str, by: str | None, fast_calls: list[bool]
) -> None:
    frame = ORDERS if period != "day" else ORDERS[ORDERS["ts"] < ORDERS["ts"].min() + pd.Timedelta(days=100)]
    relation = _relation(frame)
    fast = retention_matrix(relation, period=period, kind="on", by=by)
    assert fast_calls == [True], "the fast path should apply"
    portable = retention_matrix(relation, period=period, kind="on", by=by, fast_path=False)
    pd.testing.assert_frame_equal(fast._counts, portable._counts)
    pd.testing.assert_frame_equal(fast.table, portable.table)


def test_fast_path_declines_what_it_cannot_do(fast_calls: list[bool]) -> None:
    relation = _relation(ORDERS)
    too_many_days = retention_matrix(relation, period="day", kind="on")
    assert fast_calls == [False]
    portable = retention_matrix(relation, period="day", kind="on", fast_path=False)
    pd.testing.assert_frame_equal(too_many_days._counts, portable._counts)
