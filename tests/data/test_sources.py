"""Every kind of source opens into the same validated tables, on its own backend."""

from __future__ import annotations

import duckdb
import narwhals.stable.v2 as nw
import pandas as pd
import polars as pl
import pytest

import cxlib
from cxlib.engine import backend, duckdb_connection, to_pandas
from tests.data.conftest import orders_frame, surveys_frame


def _canonical(frame) -> pd.DataFrame:
    table = to_pandas(frame).sort_values(list(to_pandas(frame).columns[:1])).reset_index(drop=True)
    return table.astype(
        {c: "object" for c in table.columns if table[c].dtype.kind in "OTU" or str(table[c].dtype) == "str"}
    )


@pytest.fixture
def expected() -> pd.DataFrame:
    return _canonical(orders_frame())


def test_folder_of_parquet(tmp_path, expected):
    orders_frame().to_parquet(tmp_path / "orders.parquet")
    surveys_frame().to_parquet(tmp_path / "surveys.parquet")
    shop = cxlib.open_shop(tmp_path)
    assert set(shop.tables()) == {"orders", "surveys"} and shop.events is None
    assert backend(shop.orders) == "duckdb"  # files stay out of memory
    pd.testing.assert_frame_equal(_canonical(shop.orders), expected)
    assert len(shop.fingerprint) == 16


def test_folder_of_csv_and_single_file(tmp_path, expected):
    orders_frame().assign(ts=orders_frame()["ts"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")).to_csv(
        tmp_path / "orders.csv", index=False
    )
    pd.testing.assert_frame_equal(_canonical(cxlib.open_shop(tmp_path).orders), expected)
    pd.testing.assert_frame_equal(_canonical(cxlib.open_shop(tmp_path / "orders.csv").orders), expected)


def test_partitioned_parquet_folder(tmp_path, expected):
    folder = tmp_path / "orders"
    folder.mkdir()
    orders_frame().iloc[:3].to_parquet(folder / "part-0.parquet")
    orders_frame().iloc[3:].to_parquet(folder / "part-1.parquet")
    pd.testing.assert_frame_equal(_canonical(cxlib.open_shop(tmp_path).orders), expected)


def test_duckdb_database_file(tmp_path, expected):
    path = tmp_path / "shop.duckdb"
    con = duckdb.connect(str(path))
    con.register("o", orders_frame())
    con.execute("CREATE TABLE orders AS SELECT * FROM o")
    con.close()
    shop = cxlib.open_shop(path)
    assert list(shop.tables()) == ["orders"]
    pd.testing.assert_frame_equal(_canonical(shop.orders), expected)


@pytest.mark.parametrize("kind", ["pandas", "polars", "polars_lazy", "duckdb"])
def test_in_memory_frames_stay_on_their_backend(kind, expected):
    frame = {
        "pandas": lambda: orders_frame(),
        "polars": lambda: pl.from_pandas(orders_frame()),
        "polars_lazy": lambda: pl.from_pandas(orders_frame()).lazy(),
        "duckdb": lambda: duckdb_connection().from_arrow(pl.from_pandas(orders_frame()).to_arrow()),
    }[kind]()
    shop = cxlib.open_shop({"orders": frame})
    assert backend(shop.orders) == {"polars_lazy": "polars"}.get(kind, kind)
    assert type(shop.orders) is type(frame)
    pd.testing.assert_frame_equal(_canonical(shop.orders), expected)


def test_mapping_from_yaml_renames_onto_the_contract(tmp_path, expected):
    raw = orders_frame().rename(
        columns={"order_id": "Order ID", "customer_id": "Customer", "revenue": "Total"}
    )
    raw.to_csv(tmp_path / "orders.csv", index=False)
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("orders:\n  Order ID: order_id\n  Customer: customer_id\n  Total: revenue\n")
    pd.testing.assert_frame_equal(
        _canonical(cxlib.open_shop(tmp_path / "orders.csv", mapping=mapping).orders), expected
    )
    pd.testing.assert_frame_equal(
        _canonical(
            cxlib.open_shop(
                {"orders": raw},
                mapping={"orders": {"Order ID": "order_id", "Customer": "customer_id", "Total": "revenue"}},
            ).orders
        ),
        expected,
    )


def test_unknown_preset_lists_presets():
    with pytest.raises(cxlib.DataError, match="neither a YAML file nor a preset"):
        cxlib.open_shop({"orders": orders_frame()}, mapping="no_such_preset")


def test_timestamps_with_offsets_become_utc():
    raw = orders_frame().assign(
        ts=[
            "2024-01-05T10:00:00+02:00",
            "2024-01-05T10:00:00Z",
            "2024-01-05 10:00:00 UTC",
            "2024-01-05T10:00:00.5-05:00",
            "2024-01-05T10:00:00+0100",
            "2024-01-05T23:30:00+01:00",
        ]
    )
    ts = to_pandas(cxlib.open_shop({"orders": raw}).orders)["ts"]
    assert list(ts.dt.strftime("%m-%d %H:%M:%S")) == [
        "01-05 08:00:00",
        "01-05 10:00:00",
        "01-05 10:00:00",
        "01-05 15:00:00",
        "01-05 09:00:00",
        "01-05 22:30:00",
    ]


def test_extra_columns_are_kept(tmp_path):
    shop = cxlib.open_shop({"orders": orders_frame().assign(loyalty_tier=["gold"] * 6)})
    assert "loyalty_tier" in to_pandas(shop.orders).columns


def test_integer_ids_become_text():
    shop = cxlib.open_shop({"orders": orders_frame().assign(customer_id=[1, 1, 2, 3, 3, 3])})
    schema = nw.from_native(shop.orders).collect_schema()
    assert schema["customer_id"] == nw.String and schema["ts"] == nw.Datetime("us", "UTC")
