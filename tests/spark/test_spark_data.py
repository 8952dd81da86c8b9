"""Reading and validating on Spark: the engine traps, ``open_shop(..., engine="spark")`` on
files, URLs and Spark's catalog, and the session settings cxlib relies on.
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

import cxlib
from cxlib.engine import backend, spark_session, to_pandas
from cxlib.reports import resolve_data
from tests.data.test_backends import normalised, trap_orders


def test_validation_matches_pandas(spark):
    shop = cxlib.open_shop({"orders": spark.createDataFrame(trap_orders())})
    assert backend(shop.orders) == "pyspark"
    table = to_pandas(shop.orders).sort_values("order_id").reset_index(drop=True)
    expected = normalised("pandas")
    pd.testing.assert_frame_equal(
        table.astype({"order_id": object, "customer_id": object}), expected, check_dtype=False
    )
    bad = trap_orders().assign(
        revenue=[10.0, -1.0, None, 4.0, 5.0], customer_id=["10", None, "11", "12", "12"]
    )
    assert [
        (f.column, f.rule, f.n_rows) for f in cxlib.check_shop({"orders": spark.createDataFrame(bad)})
    ] == [("customer_id", "null_value", 1), ("revenue", "null_value", 1), ("revenue", "negative_value", 1)]


@pytest.mark.parametrize("blank", ["\u00a0", "\u2009", "\u3000"], ids=repr)
def test_ids_of_unicode_spaces_are_blank_on_spark(spark, blank):
    orders = trap_orders().assign(customer_id=["10", blank, "11", "12", "12"])
    found = cxlib.check_shop({"orders": spark.createDataFrame(orders)})
    assert [(f.column, f.rule, f.n_rows) for f in found] == [("customer_id", "null_value", 1)]


def test_an_offset_after_a_space_is_that_offset_on_spark(spark):
    written = ["2025-01-01 10:00:00 +0100", "2025-01-01 10:00:00 -05:30", "2025-01-01T10:00:00Z"]
    orders = pd.DataFrame(
        {"order_id": ["O1", "O2", "O3"], "customer_id": "C1", "ts": written, "revenue": 1.0}
    )
    shop = cxlib.open_shop({"orders": spark.createDataFrame(orders)}, timezone="Europe/Warsaw")
    got = to_pandas(shop.orders).sort_values("order_id")["ts"].dt.tz_convert("UTC").tolist()
    assert got == [pd.Timestamp(t).tz_convert("UTC") for t in written]


def test_a_session_in_another_time_zone_is_refused(spark):
    # Spark reports timestamps as UTC but truncates months in the session zone.
    orders = spark.createDataFrame(trap_orders())
    spark.conf.set("spark.sql.session.timeZone", "Europe/Warsaw")
    try:
        with pytest.raises(cxlib.DataError, match="Europe/Warsaw") as error:
            cxlib.open_shop({"orders": orders})
        assert error.value.rule == "session_time_zone"
        assert spark_session() is spark  # the active session, set back to UTC
        assert spark.conf.get("spark.sql.session.timeZone") == "UTC"
    finally:
        spark.conf.set("spark.sql.session.timeZone", "UTC")
    assert spark.conf.get("spark.sql.execution.arrow.pyspark.enabled") == "true"
    assert "cxlib-spark-warehouse-" in spark.conf.get("spark.sql.warehouse.dir")


def test_open_a_file_and_a_url(spark, tiny_shop, tmp_path):
    # A local folder: the sample shop in test_spark_parity.py.
    single = cxlib.open_shop(tiny_shop / "surveys.parquet", engine="spark")
    assert list(single.tables()) == ["surveys"] and backend(single.surveys) == "pyspark"
    folder = tmp_path / "shop"
    (folder / "experiments").mkdir(parents=True)  # a table as a folder of Parquet files
    shutil.copy(tiny_shop / "experiments.parquet", folder / "experiments" / "part-0.parquet")
    shutil.copy(tiny_shop / "surveys.parquet", folder / "surveys.parquet")
    url = cxlib.open_shop(folder.as_uri(), engine="spark")
    assert url.source == folder.as_uri() and list(url.tables()) == ["surveys", "experiments"]
    assert {name: to_pandas(t).shape[0] for name, t in url} == {"surveys": 20, "experiments": 20}


@pytest.mark.filterwarnings("ignore::cxlib.DataWarning")
def test_open_a_spark_database_or_table(spark, tiny_shop):
    spark.sql("CREATE DATABASE IF NOT EXISTS cx_tiny")
    try:
        orders = spark.read.parquet(str(tiny_shop / "orders.parquet")).withColumnRenamed(
            "order_id", "Order ID"
        )
        orders.write.mode("overwrite").saveAsTable("cx_tiny.orders")
        spark.read.parquet(str(tiny_shop / "surveys.parquet")).write.mode("overwrite").saveAsTable(
            "cx_tiny.surveys"
        )
        mapping = {"orders": {"Order ID": "order_id"}}
        database = cxlib.open_shop("cx_tiny", engine="spark", mapping=mapping, on_error="drop")
        assert (
            list(database.tables()) == ["orders", "surveys"] and database.source == "Spark catalog: cx_tiny"
        )
        table = cxlib.open_shop("cx_tiny.orders", engine="spark", mapping=mapping, on_error="drop")
        assert to_pandas(table.orders)["order_id"].nunique() == 59
        assert resolve_data("cx_tiny", "spark") == "cx_tiny"
    finally:
        spark.sql("DROP DATABASE IF EXISTS cx_tiny CASCADE")


def test_clear_errors_for_what_spark_cannot_read(spark, tiny_shop, tmp_path):
    with pytest.raises(cxlib.DataError, match="no file, folder, Spark table or Spark database") as error:
        cxlib.open_shop("no_such_db.orders", engine="spark")
    assert error.value.rule == "missing_file"
    with pytest.raises(FileNotFoundError):
        resolve_data("no_such_shop")  # without Spark a name must exist
    csv = tmp_path / "orders.csv"
    pd.read_parquet(tiny_shop / "orders.parquet").to_csv(csv, index=False)
    with pytest.raises(cxlib.DataError, match="Parquet") as error:
        cxlib.open_shop(csv, engine="spark")
    assert error.value.rule == "unsupported_backend"
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(cxlib.DataError, match="found no table") as error:
        cxlib.open_shop(empty.as_uri(), engine="spark")
    assert error.value.rule == "no_tables"
    with pytest.raises(ValueError, match="engine"):
        cxlib.open_shop(tiny_shop, engine="polars")
