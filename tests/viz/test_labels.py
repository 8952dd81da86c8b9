"""Event and channel labels the analyst gives (issue 20: "event and channel labels … (configurable)")."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from cxlib import journey
from cxlib.errors import DataError
from cxlib.viz.formats import event_label, parse_labels, set_labels


@pytest.fixture(autouse=True)
def _no_labels() -> Iterator[None]:
    set_labels(None)
    yield
    set_labels(None)


def test_labels_are_read_in_order_and_bad_items_are_named() -> None:
    assert parse_labels("product_view: Product page; seo: Google, add_to_cart:Basket") == {
        "product_view": "Product page",
        "seo": "Google",
        "add_to_cart": "Basket",
    }
    assert parse_labels("") == {} and parse_labels(None) == {}
    with pytest.raises(DataError, match=r"'product_view' is not a pair"):
        parse_labels("product_view")
    with pytest.raises(DataError, match=r"'seo:' is not a pair"):
        parse_labels("seo: ")
    with pytest.raises(DataError, match="second label for seo"):
        parse_labels("seo: Google, seo: Bing")


def test_a_given_label_wins_and_the_default_words_come_back_when_cleared() -> None:
    assert event_label("product_view") == "product view"
    set_labels({"product_view": "Product page", "Newsletter_2024": "Newsletter"})
    assert [event_label(n) for n in ("product_view", "Newsletter_2024", "add_to_cart")] == [
        "Product page",
        "Newsletter",
        "add to cart",
    ]
    set_labels({})
    assert event_label("product_view") == "product view"


def test_the_labels_reach_sentences_tables_and_charts_while_the_data_keep_their_names() -> None:
    paths = pd.DataFrame(
        {
            "path": ["paid_search > email", "paid_search", "email", "organic_search > email"],
            "conversions": [30, 20, 10, 5],
            "null_conversions": [10, 30, 20, 40],
            "value": [300.0, 200.0, 100.0, 50.0],
        }
    )
    set_labels({"paid_search": "Google Ads", "email": "Newsletter"})
    credit = journey.attribution(paths, "all", currency="EUR")
    shown = credit.display_table()["channel"].tolist()
    assert "Google Ads" in shown and "Newsletter" in shown and "organic search" in shown
    assert "paid_search" in credit.table["channel"].tolist()  # the data keep their names
    assert "Google Ads" in " ".join(map(str, credit.figure().data[0].x))


def test_cxlab_run_refuses_bad_labels_before_any_kernel(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cxlib.cli import main

    out = tmp_path / "out"
    assert main(["run", "02_journey_mapping", "-p", "labels", "product_view", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "parameter 'labels' of 02_journey_mapping (-p): labels: 'product_view' is not a pair" in err
    assert not out.exists()


def test_the_transition_and_position_matrices_show_events_as_words() -> None:
    events = pd.DataFrame(
        {
            "customer_id": ["a", "a", "a", "b", "b"],
            "session_id": ["s1", "s1", "s1", "s2", "s2"],
            "ts": pd.to_datetime(
                [
                    "2025-01-01 10:00",
                    "2025-01-01 10:01",
                    "2025-01-01 10:02",
                    "2025-01-02 09:00",
                    "2025-01-02 09:05",
                ],
                utc=True,
            ),
            "event": ["product_view", "add_to_cart", "purchase", "product_view", "purchase"],
        }
    )
    set_labels({"add_to_cart": "Basket"})
    moves = journey.transitions(events)
    figure = moves.figure()
    assert "product view" in list(figure.data[0].y) and "Basket" in list(figure.data[0].x)
    assert "product_view" in moves.table["from"].tolist()  # the data keep their names
    assert "Basket" in moves.display_table()["to"].tolist()
    positions = journey.step_matrix(events)
    assert "product view" in positions.display_table().index
    assert "product view" in list(positions.figure().data[0].y)
    assert "product_view" in positions.table.index
