"""The DuckDB fast path for order metrics gives the portable plan's cells (and falls back when it must)."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

import cxlib
from cxlib._duckdb.scorecard import MAX_PERIODS, commerce_cells_duckdb, period_query
from cxlib.engine import duckdb_connection, to_pandas
from cxlib.scorecard.commerce import commerce_cells
from tests.scorecard.shops import random_shop

KEY = ["metric", "period_index"]


def _sorted(cells: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    return cells.sort_values([*KEY, *by]).reset_index(drop=True)


def assert_same_cells(relation, by: list[str], period: str | None, totals: bool = True) -> None:
    fast = commerce_cells_duckdb(relation, by=by, period=period, totals=totals)
    assert fast is not None, "the fast path should apply"
    portable = commerce_cells(relation, by=by, period=period, totals=totals, fast_path=False)
    pd.testing.assert_frame_equal(_sorted(fast, by)[portable.columns], _sorted(portable, by), rtol=1e-12)


@pytest.fixture(scope="module")
def sample_orders():
    return cxlib.open_shop("data/sample").orders


@pytest.mark.parametrize("by", [[], ["channel"], ["channel", "device"]])
@pytest.mark.parametrize("period", ["week", "month", "quarter", None])
def test_sample_shop_cells_equal_the_portable_plan(sample_orders, by: list[str], period: str | None) -> None:
    assert_same_cells(sample_orders, by, period)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_shops_with_nulls_and_customers_in_several_segments(seed: int) -> None:
    # Few customers and many orders: most customers buy in two channels within one month,
    # so the totals need the regrouped rows; missing channels, NaN delivery days, null flags.
    orders = random_shop(seed, customers=15, orders=500)["orders"]
    orders["returned"] = orders["returned"].astype("boolean")
    orders.loc[orders.index[::7], "returned"] = pd.NA
    relation = duckdb_connection().from_df(orders)
    for period in ("week", "month", None):
        assert_same_cells(relation, ["channel"], period)
        assert_same_cells(relation, ["channel", "device"], period, totals=False)


def test_optional_columns_may_be_absent() -> None:
    orders = random_shop(4)["orders"].drop(columns=["returned", "delivery_days"])
    relation = duckdb_connection().from_df(orders)
    assert_same_cells(relation, ["device"], "month")
    assert set(commerce_cells(relation, by=["device"])["metric"]) == {
        "aov",
        "purchase_frequency",
        "revenue_per_customer",
        "repeat_rate",
        "retention_rate",
    }


def test_falls_back_to_the_portable_plan_when_it_does_not_apply() -> None:
    orders = random_shop(6, days=1_000)["orders"]  # 143 weeks > 127
    con = duckdb_connection()
    relation = con.from_df(orders)
    assert commerce_cells_duckdb(relation, by=["channel"], period="week", totals=True) is None
    assert commerce_cells_duckdb(relation, by=["channel"], period="month", totals=True) is not None
    assert commerce_cells_duckdb(orders, by=["channel"], period="month", totals=True) is None  # pandas
    weekly = commerce_cells(relation, by=["channel"], period="week")
    portable = commerce_cells(orders, by=["channel"], period="week")
    pd.testing.assert_frame_equal(_sorted(weekly, ["channel"]), _sorted(portable, ["channel"]), rtol=1e-12)
    assert MAX_PERIODS == 127
    other = duckdb.connect()  # not cxlib's shared connection
    other.execute("SET TimeZone = 'Europe/Warsaw'")
    assert commerce_cells_duckdb(other.from_df(orders), by=[], period="month", totals=True) is None


def test_period_query_follows_the_calendar() -> None:
    """Periods of the SQL against pandas' calendar, including before 1970 and leap days."""
    rng = np.random.default_rng(0)
    seconds = np.concatenate(
        [
            rng.integers(-2_208_988_800, 4_102_444_800, 5_000),  # 1900 to 2100
            [
                -1,
                0,
                951_782_400,
                951_868_799,
                4_107_542_400,
                -2_203_891_200,
            ],  # around 1970, 2000-02-29, 2100-03-01
        ]
    )
    ts = pd.Series(pd.to_datetime(seconds, unit="s", utc=True))
    relation = duckdb_connection().from_df(pd.DataFrame({"ts": ts}))
    naive = ts.dt.tz_localize(None)
    expected = {
        "month": naive.dt.year * 12 + naive.dt.month - 1,
        "quarter": naive.dt.year * 4 + (naive.dt.month - 1) // 3,
        "week": (naive.dt.normalize() - pd.Timestamp("1970-01-05")).dt.days // 7
        + 1,  # Monday weeks, index 1 from 1970-01-05
        None: pd.Series(0, index=ts.index),
    }
    for period, truth in expected.items():
        got = to_pandas(relation.query("cx_orders", period_query("ts AS t", period)))
        got = got.sort_values("t").reset_index(drop=True)["p"]
        order = ts.sort_values(kind="stable").index
        assert got.tolist() == truth.loc[order].astype("int64").tolist(), period
