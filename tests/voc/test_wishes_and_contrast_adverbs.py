"""Wishes and counterfactuals, and contrast adverbs (issue 21, round 10).

Hand-written sentences (not taken from any evaluation sample), scored against closed forms of
the lexicon's rules: a wish ("should be fast", "hätte freundlicher sein können") turns the
praise in its comma-separated part into a complaint (× −0.75, like a negator); a contrast
adverb ("jedoch", "však") contrasts the clause it stands in from that clause's start, so a
sentence with one in its middle outweighs the sentences before it as one that opens with "But"
does.
"""

from __future__ import annotations

import math

import pytest

from cxlib.voc.lexicon import AFTER_CONTRAST, BEFORE_CONTRAST, NEGATION_FACTOR, load_lexicon, score_text


def s(raw: float) -> float:
    """VADER's normalisation, written out independently of the module."""
    return raw / math.sqrt(raw * raw + 15.0)


def score(text: str, lang: str) -> float:
    return score_text(text, load_lexicon(lang)).score


@pytest.mark.parametrize(
    ("lang", "text", "raw", "terms"),
    [
        # "great" +2 in its own part; "better" +1 in the part of "could have been".
        (
            "en",
            "Great hotel, the breakfast could have been better.",
            2 + 1 * NEGATION_FACTOR,
            ("great", "wish:better"),
        ),
        ("en", "Shipping should be fast.", 1.8 * NEGATION_FACTOR, ("wish:fast",)),
        # "freundlich*" +2 flipped by "hätte"; "sein können" −2.5 is a term of its own.
        ("de", "Das Personal hätte freundlicher sein können.", 2 * NEGATION_FACTOR - 2.5, None),
        ("de", "Die Lieferung sollte schneller sein.", 2 * NEGATION_FACTOR, ("wish:schnell*",)),
        ("fr", "La livraison devrait être rapide.", 2 * NEGATION_FACTOR, ("wish:rapide*",)),
        ("pl", "Dostawa powinna być szybka.", 2 * NEGATION_FACTOR, ("wish:szybk*",)),
        ("cs", "Dodání by mohlo být rychlé.", 2 * NEGATION_FACTOR, ("wish:rychle",)),
    ],
)
def test_a_wish_turns_the_praise_of_its_part_into_a_complaint(
    lang: str, text: str, raw: float, terms: tuple[str, ...] | None
) -> None:
    result = score_text(text, load_lexicon(lang))
    assert result.score == pytest.approx(s(raw))
    if terms is not None:
        assert result.terms == terms


def test_a_comma_ends_the_wish_and_complaints_stay_complaints() -> None:
    # "fast" is in the part before the comma: still praise.
    assert score("Shipping was fast, the box should be bigger.", "en") == pytest.approx(s(1.8))
    # A negative term in a wish is not turned into praise.
    assert score("It should be slow", "en") == pytest.approx(s(-2.0))
    # A negated term is negated once, not also by the wish.
    assert score("It should not be slow", "en") == pytest.approx(s(-2.0 * NEGATION_FACTOR))
    # Without a wish nothing changes.
    assert score("Shipping was fast.", "en") == pytest.approx(s(1.8))


@pytest.mark.parametrize(
    ("lang", "text", "term"),
    [
        # Advice with "should" + another verb is praise, not a wish.
        ("en", "Everyone should try this great product", "great"),
        ("de", "Jeder sollte dieses tolle Hotel besuchen", "toll*"),
        ("fr", "Tout le monde devrait essayer ce super produit", "super"),
        ("pl", "Każdy powinien mieć ten świetny produkt", "swietn*"),
        ("es", "Todos deberían probar este producto excelente", "excelente*"),
    ],
)
def test_advice_with_should_stays_praise(lang: str, text: str, term: str) -> None:
    result = score_text(text, load_lexicon(lang))
    assert term in result.terms
    assert result.score > 0


def test_a_german_modal_is_a_wish_only_with_its_closing_verb() -> None:
    # "sollte … sein" / "sollte … werden": the infinitive closes the wish ("schnell*" +2).
    assert score("Die Lieferung sollte schneller sein", "de") == pytest.approx(s(2 * NEGATION_FACTOR))
    assert score("Die Lieferung müsste schneller werden", "de") == pytest.approx(s(2 * NEGATION_FACTOR))
    # Without it, or with the verb in another part, the modal marks nothing.
    assert score("Man sollte die schnelle Lieferung loben", "de") == pytest.approx(s(2.0))
    assert score("Die Lieferung sollte schnell kommen, das wird sein", "de") == pytest.approx(s(2.0))


def test_listed_phrases_beat_the_wish_marker() -> None:
    # "könnte nicht besser sein" (+3) is a term: longest match wins over the marker "könnte".
    assert score("Der Service könnte nicht besser sein", "de") == pytest.approx(s(3.0))


def test_a_contrast_adverb_contrasts_its_whole_clause() -> None:
    b, a = BEFORE_CONTRAST, AFTER_CONTRAST
    # "Gemütlich war es jedoch": the adverb stands after the praise it brings in; the sentence
    # outweighs the one before ("schmutzig" −2, "gemütlich*" +2).
    assert score("Das Bad war schmutzig. Gemütlich war es jedoch.", "de") == pytest.approx(s(-2 * b + 2 * a))
    # After a comma it contrasts the part after the comma with the part before.
    assert score("Das Zimmer war schön, das Bad jedoch schmutzig.", "de") == pytest.approx(s(2 * b - 2 * a))
    # Opening the sentence, as before.
    opening = score("Das Zimmer war schön. Jedoch war das Bad schmutzig.", "de")
    assert opening == pytest.approx(s(2 * b - 2 * a))
    # Czech "však" in second position ("krásn*" +2.5, "pomal*" −2).
    assert score("Hotel byl krásný. Obsluha však byla pomalá.", "cs") == pytest.approx(s(2.5 * b - 2 * a))
    # A conjunction ("aber") still splits where it stands.
    assert score("Schön aber schmutzig", "de") == pytest.approx(s(2 * b - 2 * a))
    assert score("Das Bad war schmutzig. Gemütlich aber teuer.", "de") == pytest.approx(
        s(-2 + 2 * b + _weight("de", "teuer") * a)
    )


def _weight(lang: str, word: str) -> float:
    units = load_lexicon(lang).matcher.token_units([word])
    assert len(units) == 1
    return units[0][0].value
