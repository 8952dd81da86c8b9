"""``cxlib.pairs.split_pairs``: one splitter for "name: value, name: value" parameters.

Both readers built on it (scorecard targets, event and channel labels) keep the behaviour they
had with their own splitting code: the second implementation below is that code, and the
readers must agree with it on odd input, error messages included.
"""

from __future__ import annotations

import re

import pytest

from cxlib.errors import DataError
from cxlib.pairs import split_pairs
from cxlib.scorecard import parse_targets
from cxlib.viz.formats import parse_labels

ODD = [
    "",
    " , ;",
    "a: 1",
    "a:1;b :2 , c= 3",
    "a: b: c",
    "a = b: c",
    ": 40",
    "nps:",
    "nps :   ",
    "nps",
    "=5",
    "  x  :  y  ;;  z:w  ",
    "name: Café, Bäckerei: 東京",
    "nps: 40, nps: 50",
    "NPS: 40",
    "csat=80%",
]


def _labels_as_before(text: str | None) -> list[tuple[str, str, str]]:
    """The splitting ``parse_labels`` did itself (``partition`` at the first colon)."""
    out = []
    for raw in re.split(r"[,;]", text or ""):
        item = raw.strip()
        if item:
            name, _, label = (part.strip() for part in item.partition(":"))
            out.append((item, name, label))
    return out


def _targets_as_before(text: str | None) -> list[tuple[str, str, str]]:
    """The splitting ``parse_targets`` did itself (a regex on ``:`` or ``=``)."""
    out = []
    for raw in re.split(r"[,;]", text or ""):
        item = raw.strip()
        if item:
            parts = re.split(r"\s*[:=]\s*", item, maxsplit=1)
            out.append((item, parts[0].strip(), parts[1].strip() if len(parts) == 2 else ""))
    return out


def test_split_pairs_items_names_and_values() -> None:
    assert split_pairs(None) == [] and split_pairs("") == [] and split_pairs(" ,; ,") == []
    assert split_pairs(" nps: 40 ;csat=80%,, aov :59.9 ", separators=":=") == [
        ("nps: 40", "nps", "40"),
        ("csat=80%", "csat", "80%"),
        ("aov :59.9", "aov", "59.9"),
    ]
    # only the given separators split; the first one splits, the rest stays in the value
    assert split_pairs("csat=80%") == [("csat=80%", "csat=80%", "")]
    assert split_pairs("a: b: c") == [("a: b: c", "a", "b: c")]
    assert split_pairs("a = b: c", separators=":=") == [("a = b: c", "a", "b: c")]
    assert split_pairs(": 40") == [(": 40", "", "40")]
    assert split_pairs("nps:") == [("nps:", "nps", "")]


@pytest.mark.parametrize("text", ODD)
def test_split_pairs_splits_as_both_readers_did(text: str) -> None:
    assert split_pairs(text) == _labels_as_before(text)
    assert split_pairs(text, separators=":=") == _targets_as_before(text)


def test_readers_split_where_they_did_and_keep_their_messages() -> None:
    # labels split at the first colon only: "=" belongs to the name, further colons to the label
    assert parse_labels("a = b: c: d, ü: 東京") == {"a = b": "c: d", "ü": "東京"}
    # targets split at the first ":" or "=", names case-insensitive
    assert parse_targets("NPS = 40; csat: 80%") == {"nps": 40.0, "csat": 0.8}
    for text, message in [
        (": 40", "targets: ': 40' is not a pair like nps: 40 (metric, colon, target)"),
        ("nps = 40: 3", "targets: 'nps = 40: 3' has no number as its target"),
    ]:
        with pytest.raises(DataError, match="bad_targets") as caught:
            parse_targets(text)
        assert message in str(caught.value)
    for text, message in [
        ("seo=Google", "labels: 'seo=Google' is not a pair like product_view: Product page"),
        (": Google", "labels: ': Google' is not a pair like product_view: Product page"),
    ]:
        with pytest.raises(DataError, match="bad_labels") as caught:
            parse_labels(text)
        assert message in str(caught.value)
