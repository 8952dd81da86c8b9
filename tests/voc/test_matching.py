"""Normalisation and the longest-match matcher, against hand-worked expectations."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cxlib.voc.matcher import ASPECT, NEG, TERM, Entry, Matcher, parse_pattern
from cxlib.voc.normalize import normalize, sentences, tokens


def entry(pattern: str, kind: int = TERM, value: float = 1.0) -> Entry:
    words, prefix = parse_pattern(pattern)
    return Entry(words=words, prefix=prefix, kind=kind, value=value, label=pattern)


def test_normalize_folds_case_diacritics_and_scripts():
    assert normalize("ŹLE, Łódź, Straße, naïve") == "zle, lodz, strasse, naive"
    assert normalize("Doručenie bolo včas") == "dorucenie bolo vcas"
    assert normalize("أَنْصَحُ بِهِ") == "انصح به"  # vowels dropped, hamza-alef → alef
    assert normalize("مكتبة") == "مكتبه"  # teh marbuta → heh
    assert normalize("質量與服務") == "质量与服务"  # traditional → simplified
    assert normalize("I didn’t like it, they dont care", "en") == "i did not like it, they do not care"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_normalize_is_idempotent(text):
    once = normalize(text)
    assert normalize(once) == once


def test_sentences_and_tokens():
    assert sentences("Fast. Broken!! Why? 快递很快。质量差") == [
        "Fast",
        " Broken",
        " Why",
        " 快递很快",
        "质量差",
    ]
    assert tokens("great, not bad :) 👍", "👍") == ["great", ",", "not", "bad", ":)", "👍"]


def test_longest_match_and_stems():
    m = Matcher(
        [
            entry("not", NEG),
            entry("not as described", TERM, -2.5),
            entry("deliver*", TERM, 1.0),
            entry("delivery", TERM, 2.0),
        ]
    )
    units = m.token_units(["it", "was", "not", "as", "described"])
    assert [(u[0].label, u[1], u[2]) for u in units] == [("not as described", 2, 5)]
    # An exact word beats a stem; a stem matches other forms.
    assert m.token_units(["delivery"])[0][0].label == "delivery"
    assert m.token_units(["delivered"])[0][0].label == "deliver*"


def test_proclitics_and_negation_prefixes():
    ar = Matcher([entry("سريع*", TERM, 2.0)], proclitics=("وال", "ال", "و"))
    assert ar.token_units(["والسريعه"])[0][0].label == "سريع*"
    sk = Matcher([entry("funguje", TERM, 1.0)], negation_prefixes=("ne",))
    (unit,) = sk.token_units(["nefunguje"])
    assert unit[0].label == "funguje" and unit[3] is True
    # The prefix rule only applies to sentiment terms, never to aspect keywords.
    kw = Matcher(
        [Entry(("balik",), (False,), ASPECT, label="balik", aspects=("delivery",))], negation_prefixes=("ne",)
    )
    assert kw.token_units(["nebalik"]) == []


def test_cjk_longest_match_without_segmentation():
    m = Matcher([entry("快"), entry("快递", TERM, 0.0), entry("很快", TERM, 2.0)], cjk=True)
    units = m.char_units("快递很快")
    assert [(u[0].label, u[1], u[2]) for u in units] == [("快递", 0, 2), ("很快", 2, 4)]
