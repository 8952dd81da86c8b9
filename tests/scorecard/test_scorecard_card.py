"""scorecard() against a naive loop implementation, across backends, periods and bad input."""

from __future__ import annotations

import copy
import re

import pandas as pd
import polars as pl
import pytest

from cxlib import DataError
from cxlib.engine import duckdb_connection, to_pandas
from cxlib.scorecard import METRIC_NAMES, scorecard
from cxlib.scorecard.cells import P, as_lazy, period_bounds, period_index
from tests.scorecard.shops import naive_scorecard, period_of, random_shop


def card_cells(table: pd.DataFrame, period: str | None, by: str = "channel") -> dict:
    out = {}
    for row in table.itertuples(index=False):
        start = row.period_start.date()
        index = period_of(pd.Timestamp(start, tz="UTC"), period)[0]
        out[(row.metric, index, getattr(row, by))] = (int(row.n), float(row.value))
    return out


@pytest.mark.parametrize("period", ["month", "week", "quarter", None])
def test_every_metric_matches_the_naive_loops(period: str | None) -> None:
    shop = random_shop(11)
    card = scorecard(shop, by="channel", period=period, min_n=1, complete_periods=False)
    got = card_cells(card.table, period)
    expected = naive_scorecard(shop, period)
    assert set(got) == set(expected)
    for key, (n, value) in expected.items():
        assert got[key][0] == n, key
        assert got[key][1] == pytest.approx(value, rel=1e-9, abs=1e-9), key
    assert set(card.table["metric"]) == set(METRIC_NAMES) - ({"retention_rate"} if period is None else set())


def test_table_dtypes_and_order() -> None:
    card = scorecard(random_shop(2), by="channel", period="month", min_n=5)
    t = card.table
    assert list(t.columns[:6]) == ["metric", "label", "period", "period_start", "period_end", "channel"]
    assert (t["period_end"] == t["period_start"] + pd.DateOffset(months=1)).all()
    assert card.span == (t["period_start"].min(), t["period_end"].max() - pd.Timedelta(days=1))
    assert t["n"].dtype == "Int64" and t["value"].dtype == "float64" and t["suppressed"].dtype == bool
    assert t["period_start"].dtype == "datetime64[ns]" and t["higher_is_better"].dtype == bool
    order = [METRIC_NAMES.index(m) for m in t["metric"]]
    assert order == sorted(order)
    first = t[t["metric"] == "nps"].groupby("period", sort=False)["channel"].first()
    assert (first == "All").all()  # totals first within each period
    assert set(t.loc[t["metric"] == "ces", "label"]) == {"CES (1–7 effort, lower = less effort)"}
    assert not t.loc[t["metric"] == "ces", "higher_is_better"].any()


def test_same_cells_on_pandas_polars_and_duckdb() -> None:
    shop = random_shop(5, customers=60, orders=600)
    con = duckdb_connection()
    tables = {}
    for name, convert in {"pandas": lambda f: f, "polars": pl.from_pandas, "duckdb": con.from_df}.items():
        tables[name] = scorecard(
            {k: convert(v) for k, v in shop.items()}, by=["channel", "device"], period="week", min_n=3
        ).table
    pd.testing.assert_frame_equal(tables["pandas"], tables["polars"], check_exact=False, rtol=1e-12)
    pd.testing.assert_frame_equal(tables["pandas"], tables["duckdb"], check_exact=False, rtol=1e-12)


def test_duckdb_fast_path_equals_the_portable_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    """The hand-written SQL for order metrics gives the same scorecard as the portable plan."""
    from cxlib._duckdb import scorecard as scorecard_sql

    shop = random_shop(8)
    relations = {k: duckdb_connection().from_df(v) for k, v in shop.items()}
    fast = scorecard(relations, by="channel", period="month", min_n=1).table
    monkeypatch.setattr(scorecard_sql, "commerce_cells_duckdb", lambda *args, **kwargs: None)
    portable = scorecard(relations, by="channel", period="month", min_n=1).table
    pd.testing.assert_frame_equal(fast, portable, check_exact=False, rtol=1e-12)


EDGE_TIMES = [
    "2024-01-01 00:00",
    "2024-01-07 23:59:59",
    "2024-01-08",
    "2024-02-29 12:00",
    "2024-12-31 23:00",
    "2025-01-01",
    "2000-02-29",
    "2100-03-01",
    "1999-12-31 23:59:59",
    "2023-06-30 10:00",
]


@pytest.mark.parametrize("backend", ["pandas", "polars", "duckdb"])
def test_period_index_and_labels_follow_the_calendar(backend: str) -> None:
    ts = pd.Series(pd.to_datetime(EDGE_TIMES, utc=True, format="mixed"))
    frame = pd.DataFrame({"ts": ts})
    native = {"pandas": frame, "polars": pl.from_pandas(frame), "duckdb": duckdb_connection().from_df(frame)}[
        backend
    ]
    for period, freq in [("week", "W-SUN"), ("month", "M"), ("quarter", "Q")]:
        lazy = as_lazy(native).with_columns(period_index("ts", period).alias(P)).sort("ts")
        got = to_pandas(lazy)
        bounds = period_bounds(got[P], period)
        naive = ts.sort_values().dt.tz_localize(None).dt.to_period(freq)
        assert list(bounds["period_start"]) == list(naive.dt.start_time.dt.normalize())
        assert list(bounds["period_end"]) == list(naive.dt.end_time.dt.normalize() + pd.Timedelta(days=1))
        if period == "quarter":
            assert list(bounds["period"]) == [f"{p.year}-Q{p.quarter}" for p in naive]
        if period == "month":
            assert list(bounds["period"]) == [p.strftime("%Y-%m") for p in naive]
        if period == "week":
            assert all(d.weekday() == 0 for d in bounds["period_start"])


def test_partial_periods_are_left_out_with_a_note() -> None:
    shop = random_shop(3, start="2024-01-15", days=86)  # 2024-01-15 .. 2024-04-09
    card = scorecard({"orders": shop["orders"]}, period="month", min_n=1)
    months = card.table.groupby("metric")["period"].unique()
    assert list(months["aov"]) == ["2024-02", "2024-03"]
    assert list(months["retention_rate"]) == ["2024-03"]  # 2024-02's previous month is partial
    assert any("Partial months of the orders table left out: 2024-01, 2024-04" in n for n in card.notes)
    full = scorecard({"orders": shop["orders"]}, period="month", min_n=1, complete_periods=False)
    assert list(full.table.groupby("metric")["period"].unique()["aov"]) == [
        "2024-01",
        "2024-02",
        "2024-03",
        "2024-04",
    ]


def test_segments_from_orders_via_order_id_and_missing_tables() -> None:
    shop = random_shop(4)
    card = scorecard(shop, by="device", period=None, min_n=1)
    nps = card.table[card.table["metric"] == "nps"].set_index("device")
    merged = shop["surveys"].merge(shop["orders"][["order_id", "device"]], on="order_id")
    mobile = merged[(merged["metric"] == "nps") & (merged["device"] == "mobile")]["score"]
    assert nps.loc["mobile", "value"] == pytest.approx(100 * ((mobile >= 9).mean() - (mobile <= 6).mean()))
    only_surveys = scorecard({"surveys": shop["surveys"].drop(columns="order_id")}, by="device", period=None)
    assert only_surveys.table.empty
    assert any("cannot be split by 'device'" in n for n in only_surveys.notes)
    assert any("No orders, events table" in n for n in only_surveys.notes)


def test_user_frames_are_not_modified() -> None:
    shop = random_shop(6)
    before = copy.deepcopy(shop)
    scorecard(shop, by="channel", period="week")
    for name in shop:
        pd.testing.assert_frame_equal(shop[name], before[name])


@pytest.mark.parametrize(
    "kwargs, rule",
    [
        ({"period": "year"}, "bad_option"),
        ({"min_n": 0}, "bad_option"),
        ({"min_n": 2.5}, "bad_option"),
        ({"alpha": 1.0}, "bad_option"),
        ({"by": ["channel", "channel"]}, "bad_option"),
        ({"csat_scale": 2}, "bad_option"),
    ],
)
def test_bad_options(kwargs: dict, rule: str) -> None:
    with pytest.raises(DataError) as info:
        scorecard(random_shop(1), **kwargs)
    assert info.value.rule == rule


def test_bad_tables() -> None:
    shop = random_shop(1)
    with pytest.raises(DataError) as info:
        scorecard({"orders": shop["orders"].drop(columns="revenue")})
    assert (info.value.table, info.value.column, info.value.rule) == ("orders", "revenue", "missing_column")
    bad = shop["surveys"].copy()
    bad.loc[bad["metric"] == "nps", "score"] = 11
    with pytest.raises(DataError) as info:
        scorecard({"surveys": bad})
    assert (info.value.table, info.value.column, info.value.rule) == ("surveys", "score", "out_of_scale")
    with pytest.raises(DataError) as info:
        scorecard({"feedback": shop["orders"]})
    assert info.value.rule == "no_tables"
    with pytest.raises(DataError) as info:
        scorecard(42)
    assert info.value.rule == "bad_input"
    with pytest.raises(DataError) as info:
        scorecard(shop).figure("happiness")
    assert info.value.rule == "unknown_metric"


def test_ces_direction_flips_labels_and_verdicts() -> None:
    shop = random_shop(9)
    effort = scorecard(shop, period="month", min_n=1)
    agreement = scorecard(shop, period="month", min_n=1, ces_higher_is_better=True)
    assert "higher is better" in agreement.figure("ces").layout.title.text
    assert "lower is better" in effort.figure("ces").layout.title.text
    a = effort.changes().query("metric == 'ces' and significant")
    b = agreement.changes().query("metric == 'ces' and significant")
    assert list(a["change"].map({"better": "worse", "worse": "better"})) == list(b["change"])


def test_cart_unit_falls_back_to_customer_days() -> None:
    shop = random_shop(7)
    events = shop["events"].drop(columns="session_id")
    card = scorecard({"events": events}, period=None, min_n=1)
    row = card.table.iloc[0]
    assert row["unit"] == "customer-days" and "customer-days" in row["label"]
    days = events.assign(day=events["ts"].dt.floor("D")).groupby(["customer_id", "day"])["event"].agg(set)
    carts = days[days.map(lambda s: "add_to_cart" in s)]
    assert row["n"] == len(carts)
    assert row["value"] == pytest.approx(carts.map(lambda s: "purchase" not in s).mean())


def test_lazy_polars_input() -> None:
    shop = random_shop(12)
    eager = scorecard(shop, by="channel", period="quarter", min_n=1).table
    lazy = scorecard(
        {k: pl.from_pandas(v).lazy() for k, v in shop.items()}, by="channel", period="quarter", min_n=1
    ).table
    pd.testing.assert_frame_equal(eager, lazy, check_exact=False, rtol=1e-12)


def test_every_amount_in_the_sentences_carries_the_currency() -> None:
    """Issue 20: "Average order value 66.26 (95% CI 64.58 to 67.93)" read without its currency."""
    from cxlib.scorecard import consistency

    card = scorecard(random_shop(11), by="channel", period="month", min_n=1, currency="EUR")
    across = consistency(card)
    sentences = card.summary(["aov", "revenue_per_customer"], notes=False)
    sentences += across.summary(["aov", "revenue_per_customer"])
    assert len(sentences) == 4
    for sentence in sentences:
        amounts = re.sub(r"(adjusted |p [=<] )[\d.]+", "", sentence)  # p-values are not amounts
        numbers = re.findall(r"(?<![\d.])[+−-]?\d[\d,]*\.\d\d(?: EUR)?", amounts)
        assert numbers and all(n.endswith(" EUR") for n in numbers), sentence
    # the scorecard cells keep the bare value under a heading that names the currency
    assert card.metrics["aov"].label == "Average order value (EUR)"


def test_negative_numbers_carry_the_minus_sign_in_sentences_as_in_the_cells() -> None:
    """Issue 20, one style: the cells read "−1" while the findings read "worst marketplace -1"."""
    from cxlib.scorecard import consistency, value_of_cx

    shop = random_shop(11)
    card = scorecard(shop, by="channel", period="month", min_n=1, currency="EUR")
    sentences = card.summary(notes=False) + consistency(card).summary()
    sentences += value_of_cx(shop["surveys"], shop["orders"], currency="EUR", min_n=1).summary()
    negative = [s for s in sentences if "−" in s]
    assert negative, "the planted shop should have some negative change"
    hyphen = [s for s in sentences if re.search(r"(?<![\w])-\d", s)]
    assert not hyphen, hyphen
