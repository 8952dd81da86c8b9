"""cxlib.health: numbers checked by hand, identical on pandas, polars and DuckDB."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from cxlib import health

polars = pytest.importorskip("polars")


def _orders() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "order_id": ["o1", "o2", "o3", "o3", "o5"],
            "customer_id": ["c1", "c1", "c2", None, "c3"],
            "ts": pd.to_datetime(
                [
                    "2024-01-01 23:30",
                    "2024-01-02 00:10",
                    "2024-01-02 10:00",
                    "2024-01-04 10:00",
                    "2024-01-04 11:00",
                ]
            ).tz_localize("UTC"),
            "revenue": [10.0, np.nan, 5.0, 7.0, None],
            "channel": ["web", "app", None, "web", "web"],
        }
    )


def _to_polars(df: pd.DataFrame) -> Any:
    return polars.from_pandas(df)


def _to_duckdb(df: pd.DataFrame) -> Any:
    from cxlib.engine import duckdb_connection

    return duckdb_connection().from_arrow(polars.from_pandas(df).to_arrow())


BACKENDS: dict[str, Callable[[pd.DataFrame], Any]] = {
    "pandas": lambda df: df,
    "polars": _to_polars,
    "duckdb": _to_duckdb,
}


@pytest.fixture(params=list(BACKENDS))
def orders(request: pytest.FixtureRequest) -> Any:
    return BACKENDS[request.param](_orders())


def test_table_overview_by_hand(orders: Any) -> None:
    out = health.table_overview(orders, "orders")
    assert out["rows"] == 5
    assert out["first_ts"] == pd.Timestamp("2024-01-01 23:30", tz="UTC")
    assert out["last_ts"] == pd.Timestamp("2024-01-04 11:00", tz="UTC")
    assert out["days"] == 4
    assert out["customers"] == 3  # c1, c2, c3; the missing id is not a customer
    assert out["duplicates"] == 1 and out["duplicate_key"] == "order_id"


def test_missing_values_by_hand(orders: Any) -> None:
    out = health.missing_values(orders)
    assert out["column"].tolist() == ["order_id", "customer_id", "ts", "revenue", "channel"]
    assert out["n_missing"].tolist() == [0, 1, 0, 2, 1]  # NaN and None both count in revenue
    assert out["share"].tolist() == pytest.approx([0.0, 0.2, 0.0, 0.4, 0.2])
    assert str(out["n_missing"].dtype) == "int64" and str(out["share"].dtype) == "float64"


def test_daily_volume_by_hand(orders: Any) -> None:
    out = health.daily_volume(orders, by="channel")
    expected = pd.DataFrame(
        {
            "date": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-02", "2024-01-04"]),
            "channel": ["web", "app", "unknown", "web"],
            "n": [1, 1, 1, 2],
        }
    )
    pd.testing.assert_frame_equal(out, expected, check_dtype=False)
    assert str(out["date"].dtype) == "datetime64[ns]" and str(out["n"].dtype) == "int64"
    everything = health.daily_volume(orders, by=None)
    assert everything["segment"].unique().tolist() == ["all"] and everything["n"].sum() == 5


def test_duplicates(orders: Any) -> None:
    assert health.duplicate_ids(orders, "order_id") == 1
    assert health.duplicate_rows(orders) == 0
    assert health.duplicate_rows(orders, ["channel"]) == 2  # web x3, app, null


@pytest.mark.parametrize(
    ("start", "end", "rows"),
    [
        ("2024-01-02", "2024-01-02", 2),  # a date-only end includes that whole day
        ("2024-01-02", None, 4),
        (None, "2024-01-01", 1),
        ("2024-01-02 05:00", "2024-01-04 10:00", 2),  # exact times are inclusive bounds
        ("", "", 5),
    ],
)
def test_filter_period(orders: Any, start: Any, end: Any, rows: int) -> None:
    kept = health.filter_period(orders, start, end)
    assert health.table_overview(kept)["rows"] == rows
    assert type(kept) is type(orders)  # stays on its backend


def test_text_examples_and_unreadable(orders: Any) -> None:
    df = pd.DataFrame(
        {
            "feedback_id": ["f1", "f2", "f3", "f4"],
            "ts": pd.to_datetime(["2024-01-01", "2024-01-03", "2024-01-02", "2024-01-04"]).tz_localize("UTC"),
            "text": ["ok", "bad \ufffd encoding", "<b>hi</b>", ""],
            "rating": [5, 1, 3, 2],
        }
    )
    for make in BACKENDS.values():
        table = make(df)
        out = health.text_examples(table, n=2)
        assert out["text"].tolist() == ["bad \ufffd encoding", "<b>hi</b>"]  # newest non-empty first
        assert out.columns.tolist() == ["ts", "text", "rating"]
        assert health.unreadable_texts(table) == 1


def test_time_zones_are_converted_to_utc_days() -> None:
    df = pd.DataFrame(
        {
            "ts": pd.to_datetime(["2024-01-02 00:30", "2024-01-02 01:30"]).tz_localize("Europe/Warsaw"),
            "channel": "web",
        }
    )
    for make in (BACKENDS["pandas"], BACKENDS["polars"]):
        out = health.daily_volume(make(df))
        # 00:30 in Warsaw is 23:30 UTC the day before
        assert out["date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-01-01", "2024-01-02"]


def test_overview_and_missing_on_empty_table() -> None:
    empty = _orders().head(0)
    assert health.table_overview(empty, "orders")["rows"] == 0
    assert health.missing_values(empty)["share"].tolist() == [0.0] * 5


def test_data_health_on_tiny_shop(tiny_shop: Path) -> None:
    import warnings

    import cxlib

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cxlib.DataWarning)
        shop = cxlib.open_shop(tiny_shop, on_error="drop")
    result = health.data_health(shop)
    table = result.table.set_index("table")
    assert table.loc["events", "rows"] == 480 and table.loc["events", "customers"] == 10
    assert table.loc["orders", "rows"] == 59  # one negative revenue dropped by validation
    assert table.loc["orders", "customers"] == 3
    assert table.loc["experiments", "customers"] == 20
    assert (table["days"] == 20).all() and (table["duplicates"] == 0).all()
    assert result.first_ts == pd.Timestamp("2024-03-01", tz="UTC")
    assert result.findings[["table", "column", "rule", "n_rows"]].values.tolist() == [
        ["orders", "revenue", "negative_value", 1]
    ]
    missing = result.missing.set_index(["table", "column"])
    assert missing.loc[("orders", "channel"), "n_missing"] == 18  # 3 in 10 of the 59 kept orders
    events = result.daily[result.daily.table == "events"]
    assert events.groupby("channel")["n"].sum().to_dict() == {"app": 160, "email": 80, "web": 240}
    assert result.gaps("events") == 0
    summary = result.summary()
    assert summary[0].startswith("5 tables: events 480 rows (2024-03-01 to 2024-03-20)")
    assert "3 customers placed orders, 19.67 orders per customer on average." in summary
    assert any("the largest: orders.revenue (negative_value, 1 row)" in s for s in summary)
    assert any(s.startswith("Events come mostly from web (50%)") for s in summary)
    assert "Most incomplete columns: orders.channel 30.5%." in summary
    figure = result.figure("events", min_n=1)
    assert {t.name for t in figure.data} == {"app", "email", "web"}
    assert {t.stackgroup for t in figure.data} == {"one"}
    assert sum(sum(t.y) for t in figure.data) == 480
    panels = result.tables_figure(["surveys", "feedback"], min_n=1)
    assert [a.text for a in panels.layout.annotations] == ["feedback", "surveys"]
    assert [sum(t.y) for t in panels.data] == [20, 20]
    # by default a day with 1 to 9 rows is not drawn: app has 8 a day, email 4, web 12
    shown = {t.name: pd.Series(t.y, dtype="float64") for t in result.figure("events").data}
    assert shown["web"].sum() == 240 and shown["app"].isna().all() and shown["email"].isna().all()
    assert all(pd.Series(t.y, dtype="float64").isna().all() for t in result.tables_figure(["surveys"]).data)


def test_data_health_period_and_gaps() -> None:
    df = _orders()
    result = health.data_health({"orders": df}, start="2024-01-02", end="2024-01-04")
    assert result.table.loc[0, "rows"] == 4
    assert result.gaps("orders") == 1  # 2024-01-03 has no orders
    assert any("1 day without any orders" in s for s in result.summary())
    assert result.start == "2024-01-02" and result.end == "2024-01-04"
