"""Nothing lost silently: coverage per table, cxlab check --max-drop and its likely causes."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from cxlib import DataWarning, open_shop
from cxlib.data.check_report import check_source, format_check
from cxlib.viz import report_header
from tests.data.conftest import orders_frame


def _lossy_orders() -> pd.DataFrame:
    orders = orders_frame()
    orders["ts"] = orders["ts"].astype(object)
    orders.loc[1, "ts"] = "not a time"  # unparseable
    orders.loc[1, "revenue"] = -5.0  # and negative: counted once, under its first rule
    orders.loc[2, "revenue"] = float("inf")
    return orders.assign(ts=orders["ts"].astype(str))


def test_coverage_counts_each_row_once():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        shop = open_shop({"orders": _lossy_orders()}, on_error="drop")
    table = shop.coverage_table().set_index("table")
    assert table.loc["orders", ["rows_read", "rows_kept", "rows_left_out"]].tolist() == [6, 4, 2]
    assert table.loc["orders", "reasons"] == "ts unparseable_timestamp (1); revenue infinite_value (1)"
    assert table.loc["orders", "share_left_out"] == pytest.approx(2 / 6)
    header = report_header(shop=shop)
    assert (
        "orders: 6 rows read, 4 kept, 2 left out (ts unparseable_timestamp 1, revenue infinite_value 1)"
        in (header.html)
    )
    assert 'href="00_data_health.html"' in header.html
    assert header.meta["coverage"] == [
        {
            "table": "orders",
            "rows_read": 6,
            "rows_kept": 4,
            "left_out": {"ts unparseable_timestamp": 1, "revenue infinite_value": 1},
        }
    ]


def test_duplicates_are_counted_once_beside_other_rules():
    orders = orders_frame()
    orders.loc[1, "order_id"] = "O1"
    orders.loc[1, "revenue"] = -1.0
    orders.loc[3, "order_id"] = "O3"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        shop = open_shop({"orders": orders}, on_error="drop")
    (coverage,) = shop.coverage
    # O2 row negative (1); O1 is then unique; O3 twice -> both copies out (2)
    assert [(i.reason, i.n_rows) for i in coverage.left_out] == [
        ("revenue negative_value", 1),
        ("order_id duplicate_id", 2),
    ]
    assert coverage.rows_kept == 3 and coverage.rows_left_out == 3


def test_check_fails_above_max_drop_and_names_the_share(tmp_path):
    _lossy_orders().to_csv(tmp_path / "orders.csv", index=False)
    result = check_source(tmp_path)
    assert result.exit_code == 1 and [t.table for t in result.too_lossy] == ["orders"]
    assert check_source(tmp_path, max_drop=0.5).exit_code == 0


def test_line_items_are_recognised(tmp_path):
    lines = pd.DataFrame(
        {
            "order_id": ["536365", "536365", "536365", "536366", "536367"],
            "customer_id": ["17850", "17850", "17850", "17850", "13047"],
            "ts": ["2010-12-01T08:26:00Z"] * 3 + ["2010-12-01T08:28:00Z", "2010-12-01T08:34:00Z"],
            "revenue": [15.3, 20.34, 22.0, 11.1, 54.08],
        }
    )
    lines.to_csv(tmp_path / "orders.csv", index=False)
    text, code = format_check(tmp_path)
    assert code == 1
    assert "look like line items of an order. Use line-item grain" in " ".join(text.split())
    repeated = pd.concat([lines.iloc[[3]], lines.iloc[[3]], lines.iloc[[4]]])
    repeated.to_csv(tmp_path / "orders.csv", index=False)
    text, _ = format_check(tmp_path)
    assert "line items" not in text  # identical copies are not line items


def test_most_timestamps_rejected_says_the_time_zone(tmp_path):
    orders = orders_frame().assign(ts=lambda f: f["ts"].dt.strftime("%Y-%m-%d %H:%M:%S"))
    orders.to_csv(tmp_path / "orders.csv", index=False)
    text, code = format_check(tmp_path)
    assert code == 1
    assert "most timestamps in 'ts' were rejected (6 of 6): say the time zone" in " ".join(text.split())
    assert format_check(tmp_path, timezone="Europe/Warsaw")[1] == 0


def test_a_table_that_loses_every_row_fails_the_check(tmp_path):
    orders = orders_frame().assign(revenue=-1.0)
    orders.to_csv(tmp_path / "orders.csv", index=False)
    result = check_source(tmp_path, max_drop=1.0)
    assert result.exit_code == 1 and result.too_lossy[0].coverage.rows_kept == 0
