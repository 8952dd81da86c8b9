"""The same validation gives identical results on pandas, polars and DuckDB inputs (Spark:
tests/spark/test_spark_data.py).

Fixtures cover the engine's known traps (DESIGN.md §2): time zones (month truncation must not
depend on the session time zone), NaN versus null in measures, and null keys.
"""

from __future__ import annotations

import math

import pandas as pd
import polars as pl
import pytest

import cxlib
from cxlib.engine import backend, duckdb_connection, to_pandas

BACKENDS = ["pandas", "polars", "duckdb"]


def _as(kind: str, frame: pd.DataFrame):
    if kind == "pandas":
        return frame.copy()
    arrow = pl.from_pandas(frame).to_arrow()
    return pl.from_arrow(arrow) if kind == "polars" else duckdb_connection().from_arrow(arrow)


def trap_orders() -> pd.DataFrame:
    """Orders on month boundaries in several zones, with NaN delivery days."""
    ts = pd.Series(
        [
            "2024-01-31T23:30:00-02:00",  # = Feb 1st 01:30 UTC
            "2024-02-01T00:30:00+02:00",  # = Jan 31st 22:30 UTC
            "2024-03-31T23:59:59Z",
            "2024-04-01T00:00:00Z",
            "2024-12-31T23:00:00-01:00",
        ]
    )
    return pd.DataFrame(
        {
            "order_id": ["1", "2", "3", "4", "5"],
            "customer_id": [10, 10, 11, 12, 12],
            "ts": ts,
            "revenue": [10.0, 20.0, 30.0, 40.0, 50.0],
            "delivery_days": [2.0, math.nan, 3.0, None, 1.0],
            "returned": [0, 1, 0, 0, 1],
        }
    )


def normalised(kind: str) -> pd.DataFrame:
    shop = cxlib.open_shop({"orders": _as(kind, trap_orders())})
    assert backend(shop.orders) == kind
    table = to_pandas(shop.orders).sort_values("order_id").reset_index(drop=True)
    return table.astype({"order_id": object, "customer_id": object, "returned": bool})


@pytest.mark.parametrize("kind", BACKENDS[1:])
def test_validation_is_identical_across_backends(kind):
    pd.testing.assert_frame_equal(normalised(kind), normalised("pandas"), check_dtype=False)


@pytest.mark.parametrize("kind", BACKENDS)
def test_time_zones_nan_and_null(kind):
    table = normalised(kind)
    assert list(table["ts"].dt.strftime("%Y-%m-%d %H:%M")) == [
        "2024-02-01 01:30",
        "2024-01-31 22:30",
        "2024-03-31 23:59",
        "2024-04-01 00:00",
        "2025-01-01 00:00",
    ]
    assert table["delivery_days"].isna().tolist() == [False, True, False, True, False]
    assert table["returned"].tolist() == [False, True, False, False, True]
    assert table["customer_id"].tolist() == ["10", "10", "11", "12", "12"]


@pytest.mark.parametrize("kind", BACKENDS)
def test_the_same_findings_on_every_backend(kind):
    bad = trap_orders().assign(
        revenue=[10.0, -1.0, math.nan, 4.0, 5.0], customer_id=["10", None, "11", "12", "12"]
    )
    findings = cxlib.check_shop({"orders": _as(kind, bad)})
    assert [(f.column, f.rule, f.n_rows, f.rows) for f in findings] == [
        ("customer_id", "null_value", 1, ({"order_id": "2", "customer_id": None},)),
        ("revenue", "null_value", 1, ({"order_id": "3", "customer_id": "11", "revenue": None},)),
        ("revenue", "negative_value", 1, ({"order_id": "2", "customer_id": None, "revenue": -1.0},)),
    ]
