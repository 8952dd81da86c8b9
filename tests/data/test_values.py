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


OFFSET_SPELLINGS = [
    "2025-01-01 10:00:00 +0100",  # a space before the offset (Python's %z, many exports)
    "2025-01-01 10:00:00  -0530",
    "2025-01-01 10:00 +01:00",
    "2025-01-01 10:00:00.5 +01",
    "2025-01-01T10:00:00 Z",
    "2025-01-01 10:00:00+0100",  # without the space, as before
]


@pytest.mark.parametrize("engine", ["csv", "pandas_text"])
def test_an_offset_after_a_space_is_that_offset(engine, tmp_path):
    frame = pd.DataFrame(
        {
            "order_id": [f"O{i}" for i in range(len(OFFSET_SPELLINGS))],
            "customer_id": "C1",
            "ts": OFFSET_SPELLINGS,
            "revenue": 1.0,
        }
    )
    if engine == "csv":
        frame.to_csv(tmp_path / "orders.csv", index=False)
        source = tmp_path
    else:
        source = {"orders": frame}
    # the offset wins over the zone of zone-less times
    got = to_pandas(open_shop(source, timezone="Europe/Warsaw").orders).sort_values("order_id")["ts"]
    truth = [pd.Timestamp(text.replace(" Z", "Z")).tz_convert("UTC") for text in OFFSET_SPELLINGS]
    assert got.dt.tz_convert("UTC").tolist() == truth
    assert truth[0] == pd.Timestamp("2025-01-01 09:00:00", tz="UTC")
    assert truth[1] == pd.Timestamp("2025-01-01 15:30:00", tz="UTC")


@pytest.mark.parametrize("text", ["NaN", "nan", "-nan"])
def test_nan_revenue_in_a_csv_is_a_missing_value(text, tmp_path):
    (tmp_path / "orders.csv").write_text(
        "order_id,customer_id,ts,revenue,items\n"
        f"O1,C1,2024-01-05T10:00:00Z,{text},1\n"
        "O2,C1,2024-01-06T10:00:00Z,5,2\n"
    )
    with pytest.raises(DataError) as info:
        open_shop(tmp_path)
    error = info.value
    assert (error.column, error.rule, error.n_rows) == ("revenue", "null_value", 1)
    assert error.rows == [{"order_id": "O1", "customer_id": "C1", "revenue": text}]  # as written
    assert "NaN" in str(error) and "infinite" not in str(error)


def test_nan_in_an_optional_csv_column_is_missing_like_in_a_frame(tmp_path):
    (tmp_path / "orders.csv").write_text(
        "order_id,customer_id,ts,revenue,items\n"
        "O1,C1,2024-01-05T10:00:00Z,3,NaN\n"
        "O2,C1,2024-01-06T10:00:00Z,5,2\n"
    )
    from_csv = to_pandas(open_shop(tmp_path).orders).sort_values("order_id")
    frame = pd.DataFrame(
        {
            "order_id": ["O1", "O2"],
            "customer_id": "C1",
            "ts": pd.to_datetime(["2024-01-05 10:00", "2024-01-06 10:00"]).tz_localize("UTC"),
            "revenue": [3.0, 5.0],
            "items": [np.nan, 2.0],
        }
    )
    from_frame = to_pandas(open_shop({"orders": frame}).orders).sort_values("order_id")
    assert from_csv["items"].isna().tolist() == from_frame["items"].isna().tolist() == [True, False]
    assert from_csv["items"].iloc[1] == from_frame["items"].iloc[1] == 2


@pytest.mark.parametrize(
    "written", ["2025-01-01 10:00:00 CET", "2025-01-01 10:00:00 +1", "2025-01-01 10:00 x"]
)
def test_words_after_a_local_time_are_not_ignored(written, tmp_path):
    """DuckDB's cast reads ``10:00:00 CET`` as 10:00 and drops the rest; cxlib refuses it."""
    (tmp_path / "orders.csv").write_text(
        f"order_id,customer_id,ts,revenue\nO1,C1,{written},1\nO2,C1,2025-01-01 11:00,2\nO3,C1,2025-01-02,3\n"
    )
    with pytest.raises(DataError) as info:
        open_shop(tmp_path, timezone="UTC")
    assert (info.value.rule, info.value.n_rows) == ("unparseable_timestamp", 1)
    assert info.value.rows == [{"order_id": "O1", "customer_id": "C1", "ts": written}]
