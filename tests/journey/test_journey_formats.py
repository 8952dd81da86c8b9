"""Human formats in the journey sentences (issue 20): whole counts with correct plurals,
attributed conversions rounded for display, currency on every amount, one interval style.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from cxlib import journey
from cxlib.viz.formats import format_money

T0 = pd.Timestamp("2024-03-01 09:00", tz="UTC")
BARE_AMOUNT = re.compile(r"\d[\d,]*\.\d+\b(?!%| EUR)")
NO_ZERO_P = re.compile(r"0\.000\b|p = 0(?![.\d])")


def _events(rows: list[tuple[str, int, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": [r[0] for r in rows],
            "session_id": [f"{r[0]}-s" for r in rows],
            "ts": [T0 + pd.Timedelta(minutes=r[1]) for r in rows],
            "event": [r[2] for r in rows],
            "device": "mobile",
        }
    ).astype({"ts": "datetime64[us, UTC]"})


@pytest.fixture(scope="module")
def one_customer() -> pd.DataFrame:
    return _events([("c1", 0, "product_view"), ("c1", 3, "add_to_cart"), ("c1", 9, "purchase")])


def test_one_unit_is_singular(one_customer: pd.DataFrame) -> None:
    flow = journey.funnel(one_customer, ["product_view", "add_to_cart", "purchase"])
    assert "Of 1 customer who did product view, 1 (100.0%) reached purchase." in flow.summary()
    # sessions are not people: "sessions that did", not "sessions who did" (issue 20 review)
    by_session = journey.funnel(one_customer, ["product_view", "add_to_cart", "purchase"], count="sessions")
    assert "Of 1 session that did product view, 1 (100.0%) reached purchase." in by_session.summary()
    moves = " ".join(journey.transitions(one_customer).summary())
    assert "(1 time)" in moves and "1 times" not in moves, moves
    paths = " ".join(journey.paths(one_customer, end="purchase", steps=3).summary())
    assert (
        "taken by 1 customer (100.0%)" in paths and "It covers 100.0% of 1 customer; 1 distinct path" in paths
    )
    carts = " ".join(journey.cart_abandonment(one_customer, by=None, count="customers").summary())
    assert carts.startswith("0.0% of 1 cart (customers) were abandoned (95% CI 0.0% to "), carts
    assert not re.search(r"\b1 (customers|carts|paths|times)\b", moves + paths + carts)


def test_funnel_table_shows_minutes_and_the_interval_level() -> None:
    rows = [(f"c{i}", 0, "view") for i in range(4)] + [(f"c{i}", 2 * (i + 1), "buy") for i in range(2)]
    flow = journey.funnel(_events(rows), ["view", "buy"], alpha=0.1)
    shown = flow.display_table()
    assert shown["time_median_min"].tolist()[1] == pytest.approx(3.0)  # median of 2 and 4 minutes
    settings = flow.display_settings()
    assert settings.labels["conversion_ci_low"] == "90% CI from"
    assert settings.columns[-1] == "time_median_min" and "suppressed" not in settings.columns
    page = flow._repr_html_()
    assert "Median minutes from step 1" in page and "time_median_s" not in page


PATHS = pd.DataFrame(
    {
        "path": ["email > web", "web", "email > social > web", "social", ""],
        "conversions": [3, 1, 2, 0, 1],
        "value": [300.25, 50.5, 180.0, 0.0, 40.0],
        "nulls": [2, 5, 1, 4, 0],
    }
)


def test_attribution_amounts_carry_the_currency_and_conversions_are_whole() -> None:
    credit = journey.attribution(PATHS, "all", currency="EUR")
    text = " ".join(credit.summary())
    assert f"6 conversions worth {format_money(530.75, 'EUR')} were attributed over 3 channels" in text, text
    assert "1 conversion has no touchpoint in the lookback window." in text
    gain = credit.table["markov_conversions"] - credit.table["last_conversions"]
    assert (gain.abs() % 1).max() > 0  # the credit itself is fractional ...
    changed = re.search(r"(?:gains|loses) the most credit \(([^)]*) conversions\)", text)
    assert changed and re.fullmatch(r"[+−]?\d[\d,]*", changed.group(1)), text  # ... the sentence is not
    assert not BARE_AMOUNT.search(text), text
    plain = " ".join(journey.attribution(PATHS, "all").summary())
    assert "worth 530.75 were attributed" in plain  # no currency given: the amount alone


def test_attribution_table_shows_whole_conversions() -> None:
    credit = journey.attribution(PATHS, "all", currency="EUR")
    page = credit._repr_html_()
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", page)
    assert cells and not any(re.fullmatch(r"\d+\.\d+", c) for c in cells), cells
    assert not NO_ZERO_P.search(page)


def test_time_segment_and_last_event_sentences() -> None:
    rows = [(f"c{i}", 0, "view") for i in range(4)] + [(f"c{i}", 2 * (i + 1), "buy") for i in range(2)]
    events = _events(rows).assign(device=["mobile", "desktop", "mobile", "desktop", "mobile", "desktop"])
    flow = journey.funnel(events, ["view", "buy"])
    assert flow.time_summary() == [  # linear quartiles of 2 and 4 minutes: 3.0 and 3.5
        "Half of those who reached buy did so within 3.0 minutes of the first step; "
        "a quarter took longer than 3.5 minutes."
    ]
    assert flow.segment_summary() == []  # no segments
    split = journey.funnel(events, ["view", "buy"], by="device")
    (sentence,) = split.segment_summary()
    assert sentence.startswith("End-to-end conversion is highest for ")
    assert sentence.count("95% CI ") == 2 and not NO_ZERO_P.search(sentence), sentence
    assert "(50.0%, 95% CI " in sentence  # each device: 1 of 2 bought
    nobody = journey.funnel(_events([("c1", 0, "view")]), ["view", "buy"])
    assert nobody.time_summary() == ["Nobody got past the first step, so there is no time to convert."]
    carts = journey.cart_abandonment(
        _events([("c1", 0, "add_to_cart"), ("c1", 1, "checkout_start"), ("c2", 0, "add_to_cart")]),
        by=None,
        count="customers",
    )
    assert carts.last_event_summary()[0].startswith("The last thing most abandoned carts did was ")


def test_dropouts_show_the_next_events_with_their_sentences() -> None:
    rows = [("c1", 0, "view"), ("c1", 1, "search"), ("c2", 0, "view"), ("c3", 0, "view"), ("c3", 2, "buy")]
    flow = journey.funnel(_events(rows), ["view", "buy"])
    left = flow.dropouts()
    assert left.table.equals(flow.next_events) and left.summary() == flow.next_summary()
    assert left.table.set_index("next_event")["units"].to_dict() == {"(no further events)": 1, "search": 1}
    assert (
        "Most customers that left the funnel stopped after view; 50.0% of them did nothing afterwards."
        in (left.summary())
    )
    page = left._repr_html_()
    assert "Left after step" in page and "Next event" in page and "50.0%" in page
    assert len(left.figure().data[0].y) == 2


RAW_NAME = re.compile(r"\b[a-z]+_[a-z_]+\b")


def test_events_and_channels_read_as_words_while_tables_keep_the_data_names() -> None:
    """Issue 20: "Of 165,911 sessions who did product_view", "Last touch credits organic_search"."""
    rows = [
        ("c1", 0, "product_view"), ("c1", 2, "add_to_cart"),
        ("c1", 4, "checkout_start"), ("c1", 6, "purchase"),
        ("c2", 0, "product_view"), ("c2", 2, "add_to_cart"), ("c2", 3, "product_view"),
        ("c3", 0, "product_view"), ("c3", 1, "product_view"),
    ]  # fmt: skip
    events = _events(rows)
    steps = ["product_view", "add_to_cart", "checkout_start", "purchase"]
    flow = journey.funnel(events, steps)
    said = " ".join(flow.summary() + flow.time_summary() + flow.next_summary())
    said += " ".join(journey.paths(events, end="purchase", steps=4).summary())
    said += " ".join(journey.transitions(events).summary())
    said += " ".join(journey.step_matrix(events, steps=3).summary())
    said += " ".join(journey.cart_abandonment(events, by=None, count="customers").summary())
    assert "product view" in said and "add to cart" in said
    assert not RAW_NAME.findall(said), said
    shown = flow.display_table()["step_name"].tolist()
    assert shown == ["product view", "add to cart", "checkout start", "purchase"]
    assert flow.table["step_name"].tolist() == steps  # the data's names stay in .table
    dropouts = flow.dropouts().display_table()
    assert not RAW_NAME.findall(" ".join(dropouts["step_name"] + " " + dropouts["next_event"]))
    paths = journey.paths(events, end="purchase", steps=4)
    assert paths.display_table()["path"].iloc[0] == "product view > add to cart > checkout start > purchase"
    assert paths.table["path"].iloc[0] == "product_view > add_to_cart > checkout_start > purchase"
    sankey = journey.paths(events, steps=3).figure().data[0]
    assert not RAW_NAME.findall(" ".join(sankey.node.label))
    raw = PATHS.assign(
        path=PATHS["path"].str.replace("email", "paid_search").str.replace("social", "organic_search")
    )
    credit = journey.attribution(raw, "all", currency="EUR")
    assert not RAW_NAME.findall(" ".join(credit.summary())), credit.summary()
    assert "organic search" in credit.display_table()["channel"].tolist()
    assert "organic_search" in credit.table["channel"].tolist()
    assert not RAW_NAME.findall(" ".join(map(str, credit.figure().data[0].x)))
    # a shop's own labels stay as written
    from cxlib.viz.formats import event_label

    assert [event_label(n) for n in ["Newsletter_2024", "(no further events)", "email", "add_to_cart"]] == [
        "Newsletter_2024", "(no further events)", "email", "add to cart",
    ]  # fmt: skip


def test_the_median_time_reads_the_same_in_the_key_finding_and_the_time_section() -> None:
    """Issue 20: 02 said "5 min" in its key findings and "5.2 minutes" below for one median."""
    events = pd.DataFrame(
        {
            "customer_id": ["a", "a", "b", "b"],
            "ts": pd.to_datetime(
                ["2025-01-01 10:00:00", "2025-01-01 10:05:12", "2025-01-02 09:00:00", "2025-01-02 09:05:12"],
                utc=True,
            ),
            "event": ["view", "buy", "view", "buy"],
        }
    )
    result = journey.funnel(events, ["view", "buy"], count="customers")
    said = " ".join(result.summary()) + " " + " ".join(result.time_summary())
    durations = set(re.findall(r"\d+(?:\.\d+)? (?:min|minutes|hours|h|s)\b", said))
    assert durations == {"5.2 minutes"}, said
