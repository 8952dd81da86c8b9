"""A DuckDB relation from the user's own connection: every UTC alias is UTC, real offsets are refused."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from cxlib import DataError, open_table
from cxlib.cohorts import retention_matrix
from cxlib.engine import duckdb_connection, is_utc_zone, to_pandas
from cxlib.ltv import rfm_summary
from tests.data.conftest import orders_frame

ALIASES = ["UTC", "Etc/UTC", "GMT", "Etc/GMT", "Zulu", "UCT", "Etc/UCT", "Universal", "Greenwich", "GMT0"]


def _orders_on(con: duckdb.DuckDBPyConnection):
    con.register("user_orders", orders_frame())
    return con.sql("SELECT * FROM user_orders")


@pytest.mark.parametrize("zone", ALIASES)
def test_every_utc_alias_is_accepted(zone):
    con = duckdb.connect()
    con.execute(f"SET TimeZone = '{zone}'")
    table = open_table(_orders_on(con), "orders")
    got = to_pandas(table).sort_values("order_id")
    expected = orders_frame().sort_values("order_id")
    assert got["ts"].dt.tz_convert("UTC").tolist() == expected["ts"].tolist()
    reference = open_table(_orders_on(duckdb_connection().cursor()), "orders")
    pd.testing.assert_frame_equal(retention_matrix(table).table, retention_matrix(reference).table)
    pd.testing.assert_frame_equal(rfm_summary(table).table, rfm_summary(reference).table)


@pytest.mark.parametrize("zone", ["Europe/Warsaw", "America/New_York", "Europe/London", "Etc/GMT+1"])
def test_real_offsets_are_refused(zone):
    con = duckdb.connect()
    con.execute(f"SET TimeZone = '{zone}'")
    with pytest.raises(DataError) as info:
        open_table(_orders_on(con), "orders")
    assert info.value.rule == "session_time_zone" and zone in str(info.value)


def test_is_utc_zone():
    assert all(is_utc_zone(z) for z in [*ALIASES, "Z", "z", "+00:00", "etc/utc"])
    assert not any(is_utc_zone(z) for z in ["Europe/London", "Africa/Abidjan", "+01:00", "", None, "CET"])
