"""Degenerate values: infinities, blank ids, float ids, raw values in examples, one rule per row."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import polars as pl
import pytest

from cxlib import DataError, DataWarning, open_shop, open_table
from cxlib.engine import duckdb_connection, to_pandas
from tests.data.conftest import orders_frame


def _on(engine: str, frame: pd.DataFrame):
    if engine == "pandas":
        return frame
    if engine == "polars":
        return pl.from_pandas(frame)
    return duckdb_connection().from_arrow(pl.from_pandas(frame).to_arrow())


ENGINES = ["pandas", "polars", "duckdb"]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("value", [np.inf, -np.inf])
def test_infinite_revenue_is_an_error(engine, value):
    orders = orders_frame().assign(revenue=[1.0, value, 2.0, 3.0, 4.0, 5.0])
    with pytest.raises(DataError) as info:
        open_table(_on(engine, orders), "orders")
    assert (info.value.column, info.value.rule, info.value.n_rows) == ("revenue", "infinite_value", 1)
    assert "negative_value" not in str(info.value)  # -inf is not also counted as negative


def test_1e400_and_inf_in_a_csv_show_the_text_written(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text(
        "order_id,customer_id,ts,revenue,items\n"
        "O1,C1,2024-01-05T10:00:00Z,1e400,1\n"
        "O2,C1,2024-01-06T10:00:00Z,5,-inf\n"
        'O3,C2,2024-01-07T10:00:00Z,"1 234,50",2\n'
        "O4,C2,2024-01-08T10:00:00Z,7.5,3\n"
    )
    findings = []
    with pytest.warns(DataWarning):
        table = to_pandas(open_table(path, "orders", on_error="drop", findings=findings))
    got = {(f.column, f.rule): f.rows for f in findings}
    assert got == {
        ("revenue", "infinite_value"): ({"order_id": "O1", "customer_id": "C1", "revenue": "1e400"},),
        ("items", "infinite_value"): ({"order_id": "O2", "customer_id": "C1", "items": "-inf"},),
        ("revenue", "not_numeric"): ({"order_id": "O3", "customer_id": "C2", "revenue": "1 234,50"},),
    }  # unparseable is not also "missing"; -inf is not also "negative"
    assert table["order_id"].tolist() == ["O4"] and table["revenue"].tolist() == [7.5]


def test_a_table_that_loses_every_row_is_an_error(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("order_id,customer_id,ts,revenue\nO1,C1,2024-01-05T10:00:00Z,inf\n")
    with pytest.raises(DataError) as info, warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        open_table(path, "orders", on_error="drop")
    assert info.value.rule == "empty_table"


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("blank", ["", "   ", "\t"])
def test_blank_required_ids_are_errors(engine, blank):
    orders = orders_frame().assign(customer_id=["C1", blank, "C2", "C3", "C3", "C3"])
    with pytest.raises(DataError) as info:
        open_table(_on(engine, orders), "orders")
    assert (info.value.column, info.value.rule, info.value.n_rows) == ("customer_id", "null_value", 1)
    assert info.value.rows == [{"order_id": "O2", "customer_id": blank}]


@pytest.mark.parametrize("engine", ENGINES)
def test_blank_optional_ids_are_errors(engine):
    surveys = pd.DataFrame(
        {
            "response_id": ["R1", "R2"],
            "ts": pd.to_datetime(["2024-01-05", "2024-01-06"]).tz_localize("UTC"),
            "metric": ["nps", "nps"],
            "score": [9, 3],
            "customer_id": ["C1", "  "],
        }
    )
    with pytest.raises(DataError) as info:
        open_table(_on(engine, surveys), "surveys")
    assert (info.value.column, info.value.rule) == ("customer_id", "blank_id")


@pytest.mark.parametrize("engine", ENGINES)
def test_whole_float_ids_become_the_ids_on_every_engine(engine):
    orders = orders_frame().assign(customer_id=[17850.0, np.nan, 2.0, 3.0, 3.0, 3.0])
    findings = []
    with pytest.warns(DataWarning):
        table = to_pandas(open_table(_on(engine, orders), "orders", on_error="drop", findings=findings))
    assert sorted(table["customer_id"]) == ["17850", "2", "3", "3", "3"]
    assert [(f.column, f.rule, f.n_rows) for f in findings] == [("customer_id", "null_value", 1)]


def test_float_ids_written_as_text_in_a_csv(tmp_path):
    path = tmp_path / "orders.csv"
    orders_frame().assign(customer_id=[17850.0, 13047.0, 2.5, 3.0, 3.0, 3.0]).to_csv(path, index=False)
    assert "17850.0" in path.read_text()
    table = to_pandas(open_table(path, "orders"))
    # text ids: whole numbers written as floats lose the ".0"; other text stays as written
    assert table["customer_id"].tolist() == ["17850", "13047", "2.5", "3", "3", "3"]


@pytest.mark.parametrize("engine", ENGINES)
def test_extra_numeric_columns_keep_their_type(engine, tmp_path):
    orders = orders_frame().assign(basket=[1, 2, 3, 4, 5, 6], margin=[0.1, 0.2, 0.3, 0.4, 0.5, 0.6])
    table = to_pandas(open_table(_on(engine, orders), "orders"))
    assert pd.api.types.is_integer_dtype(table["basket"]) and pd.api.types.is_float_dtype(table["margin"])
    orders.to_csv(tmp_path / "orders.csv", index=False)
    table = to_pandas(open_table(tmp_path / "orders.csv", "orders"))
    assert pd.api.types.is_integer_dtype(table["basket"]) and pd.api.types.is_float_dtype(table["margin"])


def test_unparseable_timestamp_shows_what_the_user_wrote(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text(
        "order_id,customer_id,ts,revenue\nO1,C1,2025-01-01 10:00:00 +0100,1\nO2,C1,yesterday,2\n"
        "O3,C1,2025-01-02T10:00:00Z,3\n"
    )
    with pytest.raises(DataError) as info:
        open_shop(path)
    assert info.value.rule == "unparseable_timestamp"
    assert {"order_id": "O2", "customer_id": "C1", "ts": "yesterday"} in info.value.rows
    assert "ts='yesterday'" in str(info.value)
