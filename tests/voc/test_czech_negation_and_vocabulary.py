"""Czech and Slovak negation rules and Czech everyday vocabulary (issue 21, round 8).

Hand-written sentences (not taken from any evaluation sample): negative concord ("nikdo
neodpověděl" is one negation, not two), emoji and emoticons that no negator flips, "nepříliš"
as a negator, the colloquial intensifier "pěkně", and the everyday words of Czech posts on
shop and brand pages added to cs.yaml, each written with and without diacritics.
"""

from __future__ import annotations

import math

import pytest

from cxlib.voc.lexicon import NEGATION_FACTOR, load_lexicon, score_text
from cxlib.voc.normalize import normalize
from tests.voc.helpers import scored


def s(raw: float) -> float:
    """VADER's normalisation, written out independently of the module."""
    return raw / math.sqrt(raw * raw + 15.0)


@pytest.mark.parametrize(
    ("lang", "text", "term"),
    [
        # A listed word with the prefix ("neodpověd*" −2.5) after a concord negator stays as it is.
        ("cs", "Nikdo mi neodpověděl", "neodpoved*"),
        ("cs", "Nikdy nefungovalo", "nefungoval*"),
        ("cs", "Ani nefunguje", "nefunguj*"),
        ("sk", "Nikto mi neodpovedal", "neodpoved*"),
    ],
)
def test_a_concord_negator_agrees_with_a_listed_negated_word(lang: str, text: str, term: str) -> None:
    result = score_text(text, load_lexicon(lang))
    assert result.terms == (term,)
    assert result.score < 0


def test_a_concord_negator_agrees_with_the_negation_prefix() -> None:
    # "nepokazili" is ne + pokazil* (−2.5): negated once by its prefix, not again by "nič".
    lexicon = load_lexicon("sk")
    assert score_text("Nič nepokazili", lexicon).score == pytest.approx(s(-2.5 * NEGATION_FACTOR))
    assert score_text("Nepokazili", lexicon).score == pytest.approx(s(-2.5 * NEGATION_FACTOR))
    # "nesklamú" (listed, +2) stays positive after "nikdy": never disappoint.
    assert scored("Tatry nikdy nesklamú", "sk") == ("pos", ("nesklamu",))


def test_other_negators_still_flip_words_with_the_prefix() -> None:
    # "není" is a negated verb, not a concord word: "není nefunkční" is a double negation.
    assert score_text("Není nefunkční", load_lexicon("cs")).score == pytest.approx(s(-2.5 * NEGATION_FACTOR))
    # A concord negator flips a word without the prefix as before.
    assert score_text("Nikdy spokojený", load_lexicon("cs")).score == pytest.approx(s(2.0 * NEGATION_FACTOR))


@pytest.mark.parametrize(
    ("lang", "text", "raw"),
    [
        ("cs", "Není to :(", -1.5),
        ("cs", "Ne :-D", 2.0),
        ("pl", "Nie polecam :(", -3.0 - 1.5),
        ("en", "not :)", 1.5),
    ],
)
def test_no_negator_flips_an_emoticon(lang: str, text: str, raw: float) -> None:
    result = score_text(text, load_lexicon(lang))
    assert not any(t.startswith("not:") for t in result.terms)
    assert result.score == pytest.approx(s(raw))


def test_nepriliš_negates_like_ne_moc() -> None:
    lexicon = load_lexicon("cs")
    for text in ("Nepříliš dobré", "neprilis dobre"):
        assert score_text(text, lexicon).score == pytest.approx(s(1.5 * NEGATION_FACTOR)), text


def test_pekne_intensifies_the_next_term_and_alone_is_praise() -> None:
    lexicon = load_lexicon("cs")
    assert score_text("pěkně hnusný", lexicon).score == pytest.approx(s(-3.0 * 1.3))
    assert score_text("pěkně drahé", lexicon).score < 0
    assert scored("Bylo to pěkně", "cs")[0] == "pos"
    assert scored("Pěkně zabalené zboží", "cs") == ("pos", ("pekne zabalen*",))


@pytest.mark.parametrize(
    ("text", "label"),
    [
        # praise
        ("Ten pejsek je roztomilý", "pos"),
        ("Ten telefon je pecka", "pos"),
        ("Klobouk dolů, rychlé vyřízení", "pos"),
        ("Smekám před vaší ochotou", "pos"),
        ("Ta káva nemá konkurenci", "pos"),
        ("Nejhezčí obchod ve městě", "pos"),
        ("Je to božské", "pos"),
        ("Bezva obsluha", "pos"),
        ("Všechno fajn", "pos"),
        ("Miluju vaši zmrzlinu", "pos"),
        ("Zbožňuju tuhle čokoládu", "pos"),
        ("Geniální nápad", "pos"),
        ("Špičkový servis", "pos"),
        ("Lahodná chuť", "pos"),
        ("Senzační nabídka", "pos"),
        # complaints
        ("Funguje to", "pos"),
        ("Večně nefungující aplikace", "neg"),
        ("Ta prodejna je škaredá", "neg"),
        ("To je blbost", "neg"),
        ("Přiblblá reklama", "neg"),
        ("To je nehoráznost", "neg"),
        ("Ostuda celé firmy", "neg"),
        ("Skandální přístup", "neg"),
        ("Mizerný signál", "neg"),
        ("Odporná chuť", "neg"),
        ("Ubohá nabídka", "neg"),
        ("Děsný zákaznický servis", "neg"),
        ("Zoufalá podpora", "neg"),
        ("To je nesmysl", "neg"),
        ("Fuj", "neg"),
        ("Naštvalo mě to", "neg"),
        ("Neschopní operátoři", "neg"),
        ("Jak je možné, že mi účtujete dvakrát?", "neg"),
        ("Ta služba nestojí za nic", "neg"),
        ("Je to průšvih", "neg"),
        ("Okradli mě", "neg"),
        ("Lžete zákazníkům", "neg"),
    ],
)
def test_czech_everyday_words(text: str, label: str) -> None:
    assert scored(text, "cs")[0] == label, text
    assert scored(normalize(text), "cs")[0] == label, f"{text} (without diacritics)"


def test_a_greeting_or_a_plain_question_stays_neutral() -> None:
    assert scored("Dobrý den, kdy otevíráte?", "cs") == ("neu", ())
    assert scored("Je to možné objednat online?", "cs") == ("neu", ())
