"""cxlib.defaults: parameters from the data (auto segment, top N, holdout, funnel, control, currency)."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from cxlib import DataError
from cxlib.defaults import (
    absent,
    auto_holdout_weeks,
    choose_control,
    funnel_steps_present,
    lump_segment,
    repeat_customers,
    resolve_segment,
    segment_sizes,
    shop_currency,
)
from cxlib.engine import to_pandas


def _orders() -> pd.DataFrame:
    # 100 customers: channel web (60) / app (40); device only "mobile"; country 12 values
    ids = [f"c{i}" for i in range(100)]
    return pd.DataFrame(
        {
            "customer_id": ids + ids[:10],  # ten repeaters: counts are distinct customers
            "channel": ["web"] * 60 + ["app"] * 40 + ["web"] * 10,
            "device": "mobile",
            "country": [f"K{i % 12:02d}" if i < 100 else "K00" for i in range(110)],
        }
    )


def test_segment_sizes_counts_distinct_customers() -> None:
    sizes = segment_sizes(_orders(), "channel")
    assert sizes.to_dict("list") == {"value": ["web", "app"], "n": [60, 40]}
    rows = segment_sizes(_orders(), "channel", key=None)
    assert rows["n"].tolist() == [70, 40]


def test_auto_segment_picks_first_usable_column() -> None:
    frame = _orders()
    assert resolve_segment(frame, "auto", table_name="orders", min_n=30).value == "channel"
    # app has 40 customers: with min_n 50 channel fails, device has one value, country 12 small ones
    none = resolve_segment(frame, "auto", table_name="orders", min_n=50)
    assert none.value is None and "No split" in none.note
    assert resolve_segment(frame, "auto", table_name="orders", min_n=8).value == "channel"
    assert (
        resolve_segment(frame.drop(columns="channel"), "auto", table_name="orders", min_n=8).value
        == "country"
    )
    assert resolve_segment(frame, "", table_name="orders").value is None
    assert resolve_segment(frame, "device", table_name="orders").value == "device"
    assert resolve_segment(frame, "x", table_name="orders", allowed=["x"]).value == "x"


def test_named_segment_that_does_not_exist_lists_columns() -> None:
    with pytest.raises(DataError, match=r"no column 'chanel'.*columns found: customer_id, channel, device"):
        resolve_segment(_orders(), "chanel", table_name="orders")


@pytest.mark.parametrize("backend", ["pandas", "duckdb"])
def test_lump_segment_keeps_top_n(backend: str) -> None:
    frame = _orders()
    table = duckdb.from_df(frame) if backend == "duckdb" else frame
    lumped = lump_segment(table, "country", top=5)
    out = to_pandas(lumped.value)
    # K00 has 9 customers (8 + none extra: repeaters c0..c9 map to K00), K01..K03 9 each, others 8
    expected = segment_sizes(frame, "country")["value"].head(5).tolist()
    kept = set(out["country"]) - {"other"}
    assert kept == set(expected) and len(out) == len(frame)
    assert (out["country"] == "other").sum() == (~frame["country"].isin(expected)).sum()
    assert "12 values" in lumped.note and "other 7" in lumped.note
    assert lump_segment(table, "channel", top=5).value is table  # few values: unchanged


def test_auto_holdout_weeks() -> None:
    two_years = auto_holdout_weeks("2024-11-01", "2026-10-31")  # 104 weeks: a quarter is 26
    assert two_years.value == 26
    five_months = auto_holdout_weeks("2023-06-01", "2023-11-01")  # 21.9 weeks -> 5, leaves 17
    assert five_months.value == 5
    short = auto_holdout_weeks("2023-09-01", "2023-11-01")  # 8.7 weeks
    assert short.value == 0 and "too short" in short.note
    assert auto_holdout_weeks("2023-06-01", "2023-11-01", 26).value == 0  # leaves no calibration
    assert auto_holdout_weeks("2024-11-01", "2026-10-31", 13).value == 13
    assert auto_holdout_weeks("2024-11-01", "2026-10-31", 0).value == 0
    assert auto_holdout_weeks("2020-01-01", "2026-01-01").value == 52  # capped
    assert auto_holdout_weeks("2024-11-01", "2026-10-31", "13").value == 13
    with pytest.raises(ValueError, match="auto or a whole number"):
        auto_holdout_weeks("2024-11-01", "2026-10-31", "soon")


def test_funnel_steps_present() -> None:
    ga4 = pd.DataFrame({"event": ["page_view", "view_item", "add_to_cart", "begin_checkout", "purchase"] * 3})
    assert funnel_steps_present(ga4).value == "view_item, add_to_cart, begin_checkout, purchase"
    contract = pd.DataFrame(
        {"event": ["product_view", "add_to_cart", "checkout_start", "payment", "purchase"]}
    )
    assert (
        funnel_steps_present(contract).value == "product_view, add_to_cart, checkout_start, payment, purchase"
    )
    shop = pd.DataFrame({"event": ["view", "cart", "view", "order"]})
    assert funnel_steps_present(shop).value == "view, cart, order"
    none = funnel_steps_present(pd.DataFrame({"event": ["login", "logout"]}))
    assert none.value == "" and "login" in none.note
    named = funnel_steps_present(shop, "view, checkout | cart")
    assert named.value == "view, checkout | cart" and "checkout never occur" in named.note


def test_choose_control() -> None:
    assert choose_control(["control", "treatment"], "control").value == "control"
    fallback = choose_control(["treatment", "Baseline"], "control")
    assert fallback.value == "Baseline" and "no variant 'control'" in fallback.note
    assert choose_control(["B", "A"], "control").value == "A"
    assert choose_control(["v2", "v1"], "").value == "v1"


def test_shop_currency() -> None:
    assert shop_currency(None, "EUR").value == "EUR"
    assert shop_currency(pd.DataFrame({"currency": ["PLN"] * 3}), "EUR").value == "PLN"
    mixed = shop_currency(pd.DataFrame({"currency": ["PLN", "PLN", "EUR"]}), "USD")
    assert mixed.value == "PLN" and "2 currencies" in mixed.note


def test_absent_says_what_is_missing() -> None:
    frame = pd.DataFrame({"response_id": ["r1"], "score": [9]})
    assert absent(frame, ["score"], table_name="surveys", purpose="x") is None
    assert (
        absent(frame, ["customer_id", "ts", "score"], table_name="surveys", purpose="the value of CX")
        == "The value of CX is left out: the surveys table has no customer_id, ts columns."
    )
    assert absent(None, ["a"], table_name="orders", purpose="revenue") == (
        "Revenue is left out: the data have no orders table."
    )


@pytest.mark.parametrize("backend", ["pandas", "duckdb"])
def test_repeat_customers(backend: str) -> None:
    frame = _orders()  # c0..c9 have two rows each
    assert repeat_customers(duckdb.from_df(frame) if backend == "duckdb" else frame) == 10
    assert repeat_customers(frame.drop_duplicates("customer_id")) == 0
