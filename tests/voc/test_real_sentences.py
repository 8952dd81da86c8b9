"""Lexicon bugs found on real reviews (issue 21): each case is the sentence quoted there.

Each test states the expected label and the terms that decided it, so a regression names
the rule that broke (negation, folding, stems, Arabic scope, contrast).
"""

from __future__ import annotations

import pytest

from cxlib.voc.lexicon import load_lexicon, score_text
from cxlib.voc.normalize import normalize
from tests.voc.helpers import scored


@pytest.mark.parametrize(
    ("lang", "text", "term"),
    [
        ("fr", "Je n'ai jamais reçu cet article", "jamais recu"),
        ("pl", "Towar nie dotarł, nie mam nie polecam", "nie polecam"),
        ("zh", "并不便宜 不会再买", "不会再买"),
    ],
)
def test_a_negator_does_not_flip_a_phrase_that_is_already_negative(lang: str, text: str, term: str) -> None:
    label, terms = scored(text, lang)
    assert label == "neg"
    assert term in terms and f"not:{term}" not in terms


def test_double_negation_does_not_remove_ordinary_negation() -> None:
    # "nie" before a positive term still negates it.
    label, terms = scored("Nie jestem zadowolony", "pl")
    assert label == "neg" and any(t.startswith("not:") for t in terms)


def test_german_umlauts_are_spelled_out_not_dropped() -> None:
    assert normalize("schön", "de") == "schoen" and normalize("schon", "de") == "schon"
    assert normalize("schön", "pl") == "schon"  # other languages fold diacritics as before
    # "schon" (already) no longer matches the positive "schön*".
    assert scored("schon zurückgeschickt", "de") == ("neg", ("zurueckgeschickt",))
    assert scored("ganz schön nervig", "de") == ("neg", ("nervig*",))
    assert scored("Das Kleid ist schön", "de")[0] == "pos"


@pytest.mark.parametrize(
    ("lang", "text", "label", "not_term"),
    [
        ("de", "Ich habe es bestellt", "neu", "beste*"),
        ("es", "se rompe con mucha facilidad", "neg", "facil*"),
        ("nl", "Zwak… Wat een tegenvaller", "neg", "sterk*"),
    ],
)
def test_stems_no_longer_match_unrelated_words(lang: str, text: str, label: str, not_term: str) -> None:
    got, terms = scored(text, lang)
    assert got == label and not_term not in terms


def test_stems_still_match_their_own_forms() -> None:
    assert scored("Der beste Kauf", "de")[1] == ("beste",)
    assert scored("Muy fácil de usar", "es")[0] == "pos"


def test_chinese_so_fake_is_negative() -> None:
    assert scored("好假", "zh") == ("neg", ("好假",))


def test_arabic_negation_stops_at_attached_and() -> None:
    # "not practical, and the material is bad": سيئه is not negated across و.
    assert scored("غير عمليه والخامه سيئه", "ar") == ("neg", ("سيئه",))


def test_arabic_attached_negation() -> None:
    label, terms = scored("لاتناسب", "ar")
    assert label == "neg" and terms == ("not:تناسب*",)


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "looks good but tasted old"),
        ("sk", "pekný hotel, ale nulový záujem"),
        ("en", "Looks good. But it tasted old."),
    ],
)
def test_the_clause_after_a_contrast_word_weighs_more(lang: str, text: str) -> None:
    s = score_text(text, load_lexicon(lang))
    assert len(s.terms) == 2  # one positive term before the contrast, one negative after
    assert s.score <= -0.05


def test_portuguese_is_detected_and_scored_as_portuguese() -> None:
    # A Portuguese marketplace review was detected as Spanish and quoted as positive.
    from cxlib import voc

    table = voc.sentiment(["Produto não funciona", "Chegou antes do prazo, recomendo!"]).table
    assert table["lang"].tolist() == ["pt", "pt"]
    assert table["label"].tolist() == ["neg", "pos"]
    assert table["terms"].iat[0] == ["nao funciona"]


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Non è mai arrivato, pessimo venditore", "neg"),
        ("Spedizione veloce, prodotto ottimo", "pos"),
        ("Bello ma si è rotto dopo una settimana", "neg"),
    ],
)
def test_italian_sentences(text: str, label: str) -> None:
    assert scored(text, "it")[0] == label
