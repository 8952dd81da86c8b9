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
    unsplit = health.data_health({"orders": orders}, by="no_such_column").figure("orders", min_n=1)
    assert unsplit.layout.title.text == "Daily orders" and [t.name for t in unsplit.data] == ["all"]
    assert (
        health.data_health({"orders": orders}).figure("orders").layout.title.text == "Daily orders by channel"
    )
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


def test_text_examples_name_languages_not_iso_codes() -> None:
    """Issue 20: the data-health "Customer texts" table read "pl", "sk", "en"."""
    df = pd.DataFrame(
        {
            "ts": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"]).tz_localize("UTC"),
            "text": ["Super", "Dobré", "Fine", "?"],
            "lang": ["pl", "sk", "en-GB", None],
        }
    )
    for make in BACKENDS.values():
        out = health.text_examples(make(df), n=4)
        assert out["lang"].tolist() == ["unknown language", "English", "Slovak", "Polish"]  # newest first


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
    # experiment units are units, never customers
    assert table.loc["experiments", "units"] == 20 and pd.isna(table.loc["experiments", "customers"])
    assert pd.isna(table.loc["events", "units"])
    assert (table["days"] == 20).all() and (table["duplicates"] == 0).all()
    assert result.first_ts == pd.Timestamp("2024-03-01", tz="UTC")
    assert result.findings[["table", "column", "rule", "n_rows"]].values.tolist() == [
        ["orders", "revenue", "negative_value", 1]
    ]
    missing = result.missing.set_index(["table", "column"])
    assert missing.loc[("orders", "channel"), "n_missing"] == 18  # 3 in 10 of the 59 kept orders
    events = result.daily[result.daily.table == "events"]
    assert events.groupby("segment")["n"].sum().to_dict() == {"app": 160, "email": 80, "web": 240}
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


@pytest.mark.parametrize("backend", list(BACKENDS))
def test_data_health_when_some_tables_have_no_rows_in_the_period(backend: str) -> None:
    """SQL engines give NULL, not 0, for counts over no rows: a table empty in the period is 0 rows."""
    make = BACKENDS[backend]
    events = pd.DataFrame(
        {
            "customer_id": ["c1", "c2"],
            "ts": pd.to_datetime(["2024-03-01", "2024-03-02"]).tz_localize("UTC"),
            "event": ["view", "view"],
            "channel": ["web", "app"],
        }
    )
    result = health.data_health(
        {"orders": make(_orders()), "events": make(events)}, start="2024-01-01", end="2024-01-31"
    )
    table = result.table.set_index("table")
    assert table.loc["orders", "rows"] == 5 and table.loc["orders", "customers"] == 3
    assert table.loc["events", "rows"] == 0 and table.loc["events", "customers"] == 0
    assert table.loc["events", "duplicates"] == 0 and pd.isna(table.loc["events", "first_ts"])
    events_missing = result.missing[result.missing["table"] == "events"]
    assert events_missing["n_missing"].tolist() == [0, 0, 0, 0]
    assert set(result.daily["table"]) == {"orders"}
    summary = result.summary()
    assert summary[0].startswith(
        "2 tables: events no rows in the period; orders 5 rows (2024-01-01 to 2024-01-04)"
    )
    quiet = health.data_health(
        {"experiments": make(_two_experiments())}, start="2024-06-07", end="2024-06-14"
    )  # between the two experiments
    assert (
        quiet.table.loc[0, "units"] == 0
        and "No experiment exposed any unit in the period." in quiet.summary()
    )
    assert quiet.gaps("experiments") == 0
    empty = make(events.head(0))
    assert health.missing_values(empty)["n_missing"].tolist() == [0, 0, 0, 0]


def _events_with_purchases() -> pd.DataFrame:
    """8 views, 1 cart without order fields; 3 purchases (one lacks its order id); 1 refund with one."""
    kinds = ["view"] * 8 + ["cart"] + ["purchase"] * 3 + ["refund"]
    n = len(kinds)
    return pd.DataFrame(
        {
            "customer_id": [f"c{i % 4}" for i in range(n)],
            "ts": pd.Timestamp("2024-05-01", tz="UTC") + pd.to_timedelta(np.arange(n), unit="h"),
            "event": kinds,
            "order_id": [None] * 9 + ["o1", None, "o3", "o1"],
            "revenue": [np.nan] * 9 + [10.0, 5.0, 7.0, np.nan],
            "channel": "web",
        }
    )


@pytest.mark.parametrize("backend", list(BACKENDS))
def test_order_fields_missing_on_other_events_are_not_missing_data(backend: str) -> None:
    events = BACKENDS[backend](_events_with_purchases())
    design = health.missing_by_design(events, "events").set_index("column")
    # order_id: purchases and the refund (it carries one) must have it: 4 rows, 1 without
    assert design.loc["order_id", ["rows", "n_missing", "by_design"]].tolist() == [4, 1, 9]
    assert design.loc["order_id", "applies_to"] == "purchase events and refund events"
    # revenue: only the 3 purchases (the refund has none, and refunds are not purchases)
    assert design.loc["revenue", ["rows", "n_missing", "by_design"]].tolist() == [3, 0, 10]
    result = health.data_health({"events": events})
    missing = result.missing.set_index("column")
    assert missing.loc["order_id", "share"] == pytest.approx(1 / 4)
    assert missing.loc["revenue", "share"] == 0.0 and missing.loc["revenue", "n_missing"] == 0
    assert missing.loc["channel", ["rows", "by_design", "applies_to"]].tolist() == [13, 0, "all rows"]
    summary = result.summary()
    assert "Most incomplete columns: events.order_id 25.0%." in summary
    assert (
        "events.order_id belongs to purchase events and refund events only: their absence on the other "
        "9 events is by design, not missing data."
    ) in summary
    assert "events.revenue belongs to purchase events only: their absence on the other 10 events" in " ".join(
        summary
    )
    assert health.missing_by_design(events, "orders").empty  # only events have such columns


def _daily_orders(last: int, days: int = 15) -> pd.DataFrame:
    """100 orders a day for ``days - 1`` days (one quiet day of 60), then ``last`` orders."""
    counts = [100] * (days - 1) + [last]
    counts[3] = 60
    day = np.repeat(np.arange(days), counts)
    within = np.concatenate([np.arange(c) * (200 if i == days - 1 else 60) for i, c in enumerate(counts)])
    return pd.DataFrame(
        {
            "order_id": [f"o{i}" for i in range(len(day))],
            "customer_id": "c1",
            "ts": pd.Timestamp("2024-05-01", tz="UTC")
            + pd.to_timedelta(day, unit="D")
            + pd.to_timedelta(within, unit="s"),
            "revenue": 1.0,
        }
    )


@pytest.mark.parametrize(
    ("last", "verdict"), [(20, "partial"), (100, "normal"), (95, "normal"), (300, "spike")]
)
def test_the_last_day_is_checked_for_a_partial_day_or_a_spike(last: int, verdict: str) -> None:
    result = health.data_health({"orders": _daily_orders(last)})
    day = result.last_day("orders")
    assert day is not None and day.verdict == verdict
    typical = float(np.median([100] * 13 + [60]))  # the 14 days before the last
    assert day.typical == typical and day.n == last and day.ratio == pytest.approx(last / typical)
    assert day.date == pd.Timestamp("2024-05-15")
    said = [s for s in result.summary() if s.startswith("The last day of orders")]
    if verdict == "partial":
        stop = pd.Timestamp("2024-05-15", tz="UTC") + pd.Timedelta(seconds=200 * (last - 1))
        assert said == [
            "The last day of orders, 2024-05-15, has 20 orders against 100 on a typical day of the "
            f"weeks before (the data stop at {stop:%H:%M} UTC): probably a partial day, still being loaded; "
            "leave it out of trends (set end to the day before)."
        ]
    elif verdict == "spike":
        assert said and "3.0 times as many: check for a double load or a campaign." in said[0]
    else:
        assert said == []
    # one name, one number: the whole period's median day is not "a typical day" (issue 20:
    # the page said "a typical day has 1,344" and "against 1,971 on a typical day of the weeks before")
    busiest = [s for s in result.summary() if "busiest day" in s]
    median = int(np.median([100] * 13 + [60] + [last]))
    assert len(busiest) == 1 and busiest[0].endswith(f"the median day of the period {median:,}.")
    assert "typical" not in busiest[0]
    # too few days before the last to know a typical day
    assert health.data_health({"orders": _daily_orders(20, days=5)}).last_day("orders") is None


def _two_experiments(skip_day: bool = False) -> pd.DataFrame:
    """Two experiments of 5 days, 30 units a day, 10 days apart (none running in between)."""
    days = list(range(5)) + list(range(15, 20))
    if skip_day:
        days.remove(2)
    day = np.repeat(days, 30)
    return pd.DataFrame(
        {
            "experiment": np.where(day < 10, "first", "second"),
            "variant": np.tile(["control", "b"], len(day) // 2),
            "unit_id": [f"u{i}" for i in range(len(day))],
            "exposed_ts": pd.Timestamp("2024-06-01", tz="UTC") + pd.to_timedelta(day, unit="D"),
            "converted": 0,
        }
    )


def test_a_table_that_stops_and_restarts_by_design_is_not_a_drop_to_zero() -> None:
    result = health.data_health({"experiments": _two_experiments()})
    assert result.gaps("experiments") == 0  # the 10 days between the experiments are no gap
    panel = result.tables_figure(["experiments"], min_n=1).data[0]
    drawn = pd.Series(panel.y, index=pd.to_datetime(panel.x), dtype="float64")
    assert len(drawn) == 20 and drawn.iloc[:5].eq(30).all() and drawn.iloc[15:].eq(30).all()
    assert drawn.iloc[5:15].isna().all()  # not drawn, never 0
    stacked = result.figure("experiments", min_n=1)
    assert {t.name for t in stacked.data} == {"first", "second"}
    first = pd.Series(next(t for t in stacked.data if t.name == "first").y, dtype="float64")
    assert first.iloc[:5].eq(30).all() and first.iloc[5:].isna().all()
    assert result.last_day("experiments") is None
    summary = result.summary()
    assert "The experiments randomised 300 units across 2 experiments." in summary
    assert not any("customer" in s for s in summary)  # units are not customers
    # a day without exposures while an experiment runs is a gap, drawn as 0
    broken = health.data_health({"experiments": _two_experiments(skip_day=True)})
    assert broken.gaps("experiments") == 1
    assert (
        "1 day without any experiment units while an experiment ran: check the data loads."
        in broken.summary()
    )
    drawn = broken.tables_figure(["experiments"], min_n=1).data[0].y
    assert drawn[2] == 0


def test_a_row_that_breaks_two_rules_is_left_out_once() -> None:
    """A cancelled invoice of Online Retail (real sample) has negative revenue and items."""
    import yaml

    from cxlib import open_shop
    from cxlib.reports.report_headlines import health_headlines

    folder = Path(__file__).resolve().parents[1] / "data" / "real" / "online_retail"
    mapping = yaml.safe_load((folder / "mapping.yaml").read_text(encoding="utf-8"))
    mapping["orders"]["where"] = "CustomerID IS NOT NULL"  # the cancellations come in
    with pytest.warns(UserWarning, match="dropped"):
        shop = open_shop(folder, mapping=mapping, on_error="drop")
    lines = pd.read_csv(folder / "online_retail.csv", dtype={"InvoiceNo": str})
    cancelled = lines.loc[lines["InvoiceNo"].str.startswith("C"), "InvoiceNo"].nunique()
    result = health.data_health(shop)
    assert sorted(result.findings["rule"]) == ["negative_value", "out_of_range"]
    assert result.findings["n_rows"].tolist() == [cancelled, cancelled]  # each rule counts the row
    assert result.rows_affected == cancelled == 1  # the report counts it once
    assert f"affecting {cancelled} row;" in " ".join(result.summary())
    left_out = {h.label: h.value for h in health_headlines(result).items}["Rows left out"]
    assert left_out == f"{cancelled}"


def test_duplicates_are_said_in_words() -> None:
    """Issue 20: the key finding read "Duplicates: events 4 (by customer_id, ts, event)."."""
    result = health.data_health({"orders": _orders()})
    said = [s for s in result.summary() if s.startswith("Duplicates")]
    assert said == ["Duplicates: orders: 1 row repeats the order_id of another row."]
    from cxlib.health.result import _duplicates_phrase

    row = pd.DataFrame({"table": ["events"], "duplicates": [4], "duplicate_key": ["customer_id, ts, event"]})
    (phrase,) = [_duplicates_phrase(r) for r in row.itertuples()]
    assert phrase == "events: 4 rows repeat the customer_id, ts and event of another row"
