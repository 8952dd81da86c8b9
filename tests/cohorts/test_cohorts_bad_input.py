"""Bad input gives a DataError naming table, column and rule (or a ValueError for options),
never a traceback from deep inside pandas or DuckDB; the user's frame is never modified.
"""

from __future__ import annotations

import pandas as pd
import pytest
from cohort_data import random_orders

from cxlib import DataError
from cxlib.cohorts import retention_matrix, revenue_retention, time_to_repeat

FUNCTIONS = [retention_matrix, revenue_retention, time_to_repeat]


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda f: f.__name__)
def test_missing_columns_are_named(function):
    orders = random_orders(seed=1)
    with pytest.raises(DataError) as error:
        function(orders.drop(columns="customer_id"))
    assert (error.value.table, error.value.column, error.value.rule) == (
        "orders",
        "customer_id",
        "missing_column",
    )
    with pytest.raises(DataError) as error:
        function(orders, by="country")
    assert error.value.column == "country"


def test_revenue_is_required_and_numeric():
    orders = random_orders(seed=1)
    with pytest.raises(DataError, match="revenue"):
        revenue_retention(orders.drop(columns="revenue"))
    with pytest.raises(DataError) as error:
        revenue_retention(orders.assign(revenue=orders["revenue"].astype(str)))
    assert (error.value.column, error.value.rule) == ("revenue", "wrong_type")


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda f: f.__name__)
def test_timestamps_must_be_zoned_timestamps(function):
    orders = random_orders(seed=1)
    with pytest.raises(DataError) as error:
        function(orders.assign(ts=orders["ts"].dt.tz_localize(None)))
    assert (error.value.column, error.value.rule) == ("ts", "naive_timestamp")
    with pytest.raises(DataError) as error:
        function(orders.assign(ts=orders["ts"].astype(str)))
    assert (error.value.column, error.value.rule) == ("ts", "wrong_type")


def test_events_table_is_named_and_anonymous_rows_ignored():
    events = random_orders(seed=2).drop(columns=["order_id", "revenue"]).assign(event="purchase")
    with_anonymous = pd.concat([events, events.head(5).assign(customer_id=None)], ignore_index=True)
    pd.testing.assert_frame_equal(retention_matrix(with_anonymous).long, retention_matrix(events).long)
    with pytest.raises(DataError) as error:
        retention_matrix(events.drop(columns="ts"))
    assert error.value.table == "events"


def test_nothing_observable_or_no_rows():
    orders = random_orders(seed=3)
    with pytest.raises(DataError) as error:
        retention_matrix(orders, period="quarter", observed_until="2024-02-01")
    assert error.value.rule == "not_observable"
    with pytest.raises(DataError) as error:
        retention_matrix(orders, observed_until="2023-01-01")
    assert error.value.rule == "no_rows"
    with pytest.raises(DataError) as error:
        time_to_repeat(orders.iloc[:0])
    assert error.value.rule == "no_rows"


def test_bad_options_are_value_errors():
    orders = random_orders(seed=4)
    with pytest.raises(ValueError, match="kind"):
        retention_matrix(orders, kind="weekly")
    with pytest.raises(ValueError, match="period"):
        retention_matrix(orders, period="year")
    with pytest.raises(ValueError, match="cohort_period"):
        retention_matrix(orders, cohort_period="fortnight")
    with pytest.raises(ValueError, match="fast_path"):
        retention_matrix(orders, fast_path="native")
    with pytest.raises(TypeError, match="engine"):  # engine= means open_shop(engine=...) only
        retention_matrix(orders, engine="duckdb")
    with pytest.raises(ValueError, match="alpha"):
        time_to_repeat(orders, alpha=1.5)
    result = retention_matrix(orders)
    with pytest.raises(ValueError, match="view"):
        result.figure("pie")
    with pytest.raises(ValueError, match="segment"):
        retention_matrix(orders, by="channel").matrix(segment="nope")


@pytest.mark.parametrize("fast_path", [True, False])
def test_the_users_frame_is_not_modified(fast_path):
    orders = random_orders(seed=5)
    orders["ts"] = orders["ts"].dt.tz_convert("Europe/Warsaw")
    before = orders.copy(deep=True)
    retention_matrix(orders, by="channel", kind="rolling", fast_path=fast_path)
    revenue_retention(orders, by="channel", fast_path=fast_path)
    time_to_repeat(orders, by="channel", fast_path=fast_path)
    pd.testing.assert_frame_equal(orders, before)
