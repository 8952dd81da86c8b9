"""Mapping reshape steps: where, derive, constants, lookups, line-item grain; errors name the key."""

from __future__ import annotations

import pandas as pd
import polars as pl
import pytest

from cxlib import DataError, open_shop, open_table
from cxlib.engine import to_pandas

LINES = pd.DataFrame(
    {
        "Invoice": ["A1", "A1", "A2", "C3", "A4", "A4"],
        "Customer": ["7", "7", "8", "7", "9", "9"],
        "When": [
            "2024-01-05 10:00:00Z",
            "2024-01-05 10:00:00Z",
            "2024-01-06 11:00:00Z",
            "2024-01-07 09:00:00Z",
            "2024-01-08 08:00:00Z",
            "2024-01-08 08:05:00Z",
        ],
        "Qty": [2, 1, 5, -1, 1, 3],
        "Price": [2.5, 10.0, 1.0, 10.0, 4.0, 1.5],
    }
)
MAPPING = {
    "orders": {
        "where": "NOT starts_with(Invoice, 'C')",
        "derive": {"revenue": "Qty * Price", "items": "Qty"},
        "constants": {"channel": "store"},
        "columns": {"Invoice": "order_id", "Customer": "customer_id", "When": "ts"},
        "grain": "order_id",
    }
}


def _truth() -> pd.DataFrame:
    kept = LINES[~LINES["Invoice"].str.startswith("C")].assign(revenue=lambda f: f["Qty"] * f["Price"])
    return kept.groupby("Invoice").agg(
        revenue=("revenue", "sum"), items=("Qty", "sum"), first=("When", "min")
    )


@pytest.mark.parametrize("engine", ["csv", "pandas", "polars"])
def test_invoice_lines_become_orders(engine, tmp_path):
    if engine == "csv":
        LINES.to_csv(tmp_path / "orders.csv", index=False)
        source = tmp_path / "orders.csv"
    else:
        source = LINES if engine == "pandas" else pl.from_pandas(LINES)
    shop = open_shop({"orders": source}, mapping=MAPPING)
    got = to_pandas(shop.orders).set_index("order_id").sort_index()
    truth = _truth()
    assert got.index.tolist() == truth.index.tolist() == ["A1", "A2", "A4"]
    assert got["revenue"].tolist() == pytest.approx(truth["revenue"].tolist())
    assert got["items"].tolist() == truth["items"].tolist()
    assert got["ts"].tolist() == pd.to_datetime(truth["first"], utc=True).tolist()
    assert set(got["channel"]) == {"store"}
    (coverage,) = shop.coverage
    assert (coverage.rows_read, coverage.filtered, coverage.rolled_up, coverage.rows_kept) == (6, 1, 3, 3)


def test_lines_naming_two_customers_are_an_error():
    lines = LINES.assign(Customer=["7", "8", "8", "7", "9", "9"])
    with pytest.raises(DataError) as info:
        open_table(lines, "orders", mapping=MAPPING)
    assert (info.value.rule, info.value.n_rows, info.value.rows) == (
        "several_customers",
        1,
        [{"order_id": "A1", "customers": 2}],
    )


def test_lookups_join_other_files_of_the_export(tmp_path):
    pd.DataFrame(
        {"order_id": ["o1", "o2", "o3"], "buyer": ["b1", "b2", "b3"], "placed": ["2024-01-05T10:00:00Z"] * 3}
    ).to_csv(tmp_path / "orders_export.csv", index=False)
    pd.DataFrame({"buyer": ["b1", "b2", "b3"], "person": ["P1", "P2", "P1"]}).to_csv(
        tmp_path / "customers.csv", index=False
    )
    pd.DataFrame({"order_id": ["o1", "o1", "o2", "o3"], "value": [10.0, 5.5, 7.0, 1.0]}).to_csv(
        tmp_path / "payments.csv", index=False
    )
    mapping = {
        "orders": {
            "files": ["orders_export.csv"],
            "lookups": [
                {"file": "customers.csv", "key": "buyer", "columns": {"person": "customer_id"}},
                {"file": "payments.csv", "key": "order_id", "sum": {"value": "revenue"}},
            ],
            "columns": {"placed": "ts"},
        }
    }
    got = to_pandas(open_shop(tmp_path, mapping=mapping).orders).set_index("order_id").sort_index()
    assert got["customer_id"].tolist() == ["P1", "P2", "P1"]
    assert got["revenue"].tolist() == [15.5, 7.0, 1.0]


def test_lookup_with_repeated_keys_is_refused(tmp_path):
    pd.DataFrame({"order_id": ["o1"], "c": ["x"], "ts": ["2024-01-05T10:00:00Z"]}).to_csv(
        tmp_path / "o.csv", index=False
    )
    pd.DataFrame({"c": ["x", "x"], "person": ["P1", "P2"]}).to_csv(tmp_path / "people.csv", index=False)
    mapping = {
        "orders": {
            "files": ["o.csv"],
            "lookups": [{"file": "people.csv", "key": "c", "columns": {"person": "customer_id"}}],
            "derive": {"revenue": "1.0"},
        }
    }
    with pytest.raises(DataError) as info:
        open_shop(tmp_path, mapping=mapping)
    assert (info.value.column, info.value.rule) == ("orders.lookups[0]", "lookup_not_unique")


@pytest.mark.parametrize(
    ("entry", "column", "rule"),
    [
        ({"derive": {"revenue": "Qty * Prise"}}, "orders.derive", "bad_expression"),
        ({"where": "Qty >"}, "orders.where", "bad_expression"),
        (
            {"derive": {"revenue": "read_text('/etc/passwd')"}},
            "orders.derive.revenue",
            "forbidden_expression",
        ),
        ({"where": "1=1; DROP TABLE x"}, "orders.where", "forbidden_expression"),
        ({"derive": ["Qty"]}, "orders.derive", "bad_mapping"),
        ({"constants": {"channel": ["a"]}}, "orders.constants", "bad_mapping"),
        ({"lookups": [{"file": "x.csv"}]}, "orders.lookups[0]", "bad_mapping"),
        ({"grain": "Invoice"}, "orders.grain", "mapping_column_missing"),
    ],
)
def test_bad_steps_name_the_mapping_key(entry, column, rule):
    mapping = {"orders": {**MAPPING["orders"], **entry}}
    with pytest.raises(DataError) as info:
        open_table(LINES, "orders", mapping=mapping)
    assert (info.value.table, info.value.column, info.value.rule) == ("mapping", column, rule)


def test_experiment_name_from_a_constant():
    frame = pd.DataFrame(
        {"userid": [1, 2], "version": ["gate_30", "gate_40"], "retention_7": ["True", "False"]}
    )
    mapping = {
        "experiments": {
            "columns": {"userid": "unit_id", "version": "variant"},
            "derive": {"converted": "retention_7 = 'True'"},
            "constants": {"experiment": "cookie_cats"},
        }
    }
    got = to_pandas(open_table(frame, "experiments", mapping=mapping))
    assert got["experiment"].tolist() == ["cookie_cats"] * 2 and got["converted"].tolist() == [True, False]
