"""Stretched writing and verbs of breaking (issue 21): hand-written linguistic cases, not accuracy evidence.

Reviews stretch words ("sooooo bad", "ممتاااز", "سئ جدااااا") and add tatweel and diacritics;
the models read them folded (:func:`cxlib.voc.normalize.squeeze`), the lexicon reads a stretched
word as the lexicon word it stands for (:func:`cxlib.voc.normalize.unstretch`). "Se rompe con
mucha facilidad" (breaks very easily) came out positive: an adverb of ease now intensifies the
term next to it, verbs of breaking are negative terms in every lexicon, and a strongly negative
lexicon score caps the embedding's score (``LEXICON_VETO``).
"""

from __future__ import annotations

import importlib
import importlib.util

import numpy as np
import pytest

from cxlib import voc
from cxlib.voc import embedding
from cxlib.voc.embedding import DIM, EmbeddingHead
from cxlib.voc.lexicon import load_lexicon, normalized_score, score_text
from cxlib.voc.normalize import squeeze, stretched, unstretch

RUNTIME = all(importlib.util.find_spec(m) is not None for m in embedding.RUNTIME_PACKAGES)
#: The module (``cxlib.voc.sentiment`` as an attribute is the function of the same name).
SENTIMENT_MODULE = importlib.import_module("cxlib.voc.sentiment")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sooooo goooood!!!", "Soo good!!!"),  # letters to two; punctuation kept
        ("SUPERRRR", "SUPERR"),  # case kept
        ("ممتاااااز جداً", "ممتاز جدا"),  # Arabic runs to one letter, tanween dropped
        ("هـــذا رائـــع", "هذا رائع"),  # tatweel dropped
        ("مُمْتَاز", "ممتاز"),  # short vowels and sukun dropped
        ("好好好好", "好好"),
        ("Kaffee, Boot, zaangażowany, good", "Kaffee, Boot, zaangażowany, good"),  # doubles are spelling
        ("http://shop.example//a 10000 zł", "http://shop.example//a 10000 zł"),  # digits, URLs untouched
    ],
)
def test_squeeze(text: str, expected: str) -> None:
    assert squeeze(text) == expected


def test_stretched_means_a_letter_three_times_in_a_row() -> None:
    assert stretched("sooo good") and stretched("ممتاااز") and stretched("好好好")
    assert not stretched("good, Kaffee, 1000 zł, ___, !!!")


def test_unstretch_prefers_two_letters_then_one_then_two() -> None:
    known = {"good", "so", "super", "جدا"}.__contains__
    assert unstretch("goooood", known) == "good"  # the two-letter form is known
    assert unstretch("sooooo", known) == "so"  # only the one-letter form is known
    assert unstretch("superrrr", known) == "super"
    assert unstretch("kraaaasne", known) == "kraasne"  # neither: two letters, like squeeze
    assert unstretch("جدااااا", known) == "جدا"  # Arabic: one letter
    assert unstretch("good", lambda w: False) == "good"  # nothing stretched: as written
    assert unstretch("carro", {"caro"}.__contains__) == "carro"  # a double is never undone


@pytest.mark.parametrize(
    ("lang", "stretched", "plain"),
    [
        ("en", "sooooo bad", "so bad"),
        ("en", "goooood product", "good product"),
        ("en", "nooooo, not goooood", "no, not good"),
        ("es", "muuuuy malo", "muy malo"),
        ("pl", "suuuuper", "super"),
        ("cs", "kraaaaasne", "krasne"),
        ("ar", "سئ جدااااا", "سئ جدا"),
        ("ar", "ممتاااز", "ممتاز"),
        ("ar", "ممتـــاز", "ممتاز"),
    ],
)
def test_the_lexicon_reads_a_stretched_word_as_the_word(lang: str, stretched: str, plain: str) -> None:
    lex = load_lexicon(lang)
    got, want = score_text(stretched, lex), score_text(plain, lex)
    assert want.terms and got.terms == want.terms
    assert got.score == pytest.approx(want.score, abs=1e-12)


def test_the_models_read_the_squeezed_text_and_the_table_shows_it_as_written(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[str] = []

    def fake_embed(texts: list[str]) -> np.ndarray:
        seen.extend(texts)
        return np.zeros((len(texts), DIM), dtype=np.float32)

    monkeypatch.setattr(SENTIMENT_MODULE, "embed", fake_embed)
    texts = ["Sooooo goooood!!!", "ممتـــاااااز جداً"]
    table = voc.sentiment(texts, langs=["en", "ar"], backend="embedding").table
    assert sorted(seen) == sorted(["Soo good!!!", "ممتاز جدا"])
    assert table["text"].tolist() == texts


#: Verbs of breaking in every language: "breaks very easily", "broke after two days", "the
#: handle broke". Hand-written for this test.
BREAKING = {
    "en": ["It breaks very easily", "Broke after two days", "The handle broke off"],
    "es": ["se rompe con mucha facilidad", "Se rompió a los dos días", "El asa se ha roto"],
    "pt": ["quebra com muita facilidade", "Quebrou depois de dois dias", "A alça quebrou"],
    "fr": ["il se casse très facilement", "Cassé au bout de deux jours", "La poignée s'est cassée"],
    "it": ["si rompe molto facilmente", "Si è rotto dopo due giorni", "Il manico si è rotto"],
    "de": ["geht sehr leicht kaputt", "Nach zwei Tagen kaputt", "Der Griff ist abgebrochen"],
    "nl": ["gaat heel snel kapot", "Na twee dagen kapot", "Het handvat is afgebroken"],
    "pl": ["bardzo łatwo się psuje", "Zepsuł się po dwóch dniach", "Rączka się złamała"],
    "cs": ["velmi snadno se rozbije", "Po dvou dnech rozbité", "Rukojeť se zlomila"],
    "sk": ["veľmi ľahko sa rozbije", "Po dvoch dňoch rozbité", "Rukoväť sa zlomila"],
    "zh": ["很容易坏", "用了两天就坏了", "把手断了"],
    "zh-Hant": ["很容易壞", "用了兩天就壞了", "把手斷了"],
    "ar": ["ينكسر بسهولة جدا", "تعطل بعد يومين", "انكسر المقبض"],
}


@pytest.mark.parametrize("lang", sorted(BREAKING))
def test_breaking_is_negative_in_the_lexicon(lang: str) -> None:
    table = voc.sentiment(BREAKING[lang], langs=lang, backend="lexicon").table
    assert table["label"].tolist() == ["neg"] * 3
    # strong enough to cap the embedding's score
    assert (table["score"] <= SENTIMENT_MODULE.LEXICON_VETO).all()
    assert all(terms and not terms[0].startswith("not:") for terms in table["terms"])


def test_a_jigsaw_puzzle_does_not_break() -> None:
    assert score_text("quebra-cabeça de 1000 peças", load_lexicon("pt")).terms == ()


@pytest.mark.parametrize(
    ("lang", "term", "adverb"),
    [
        ("en", "it breaks", "it breaks easily"),
        ("es", "se rompe", "se rompe con facilidad"),
        ("pt", "quebra", "quebra facilmente"),
        ("fr", "il se casse", "il se casse facilement"),
        ("it", "si rompe", "si rompe facilmente"),
        ("pl", "się psuje", "łatwo się psuje"),
        ("cs", "se rozbije", "snadno se rozbije"),
        ("sk", "sa rozbije", "ľahko sa rozbije"),
        ("ar", "ينكسر", "ينكسر بسهوله"),
    ],
)
def test_an_adverb_of_ease_intensifies_the_term_it_modifies(lang: str, term: str, adverb: str) -> None:
    lex = load_lexicon(lang)
    plain, eased = score_text(term, lex), score_text(adverb, lex)
    assert plain.raw < 0
    assert eased.raw == pytest.approx(1.5 * plain.raw)  # factor 1.5, the adverb is no term itself
    assert eased.terms == plain.terms


@pytest.mark.parametrize(
    ("lang", "text"),
    [("en", "Installs easily"), ("es", "Se instala fácilmente"), ("pl", "Łatwo"), ("it", "Facilmente")],
)
def test_an_adverb_of_ease_alone_is_still_positive(lang: str, text: str) -> None:
    assert score_text(text, load_lexicon(lang)).score > 0.05


def test_a_strongly_negative_lexicon_score_caps_the_embedding(monkeypatch: pytest.MonkeyPatch) -> None:
    """A planted head that calls everything positive: the cap is recomputed independently."""
    head = EmbeddingHead(coef=np.zeros(DIM, dtype=np.float32), intercept=3.0, lexicon_weight=0.5)
    monkeypatch.setattr(SENTIMENT_MODULE, "load_head", lambda: head)
    monkeypatch.setattr(SENTIMENT_MODULE, "embed", lambda t: np.zeros((len(t), DIM), dtype=np.float32))
    texts = ["terrible, broke after a day", "a bit slow", "great"]
    lexicon = voc.sentiment(texts, langs="en", backend="lexicon").table["score"].to_numpy()
    assert lexicon[0] <= SENTIMENT_MODULE.LEXICON_VETO < lexicon[1] < 0 < lexicon[2]
    table = voc.sentiment(texts, langs="en", backend="embedding").table
    model = 2 / (1 + np.exp(-3.0)) - 1
    expected = np.clip(model + 0.5 * lexicon, -1, 1)
    expected[0] = min(expected[0], lexicon[0])
    np.testing.assert_allclose(table["score"].to_numpy(), expected, atol=1e-12)
    assert table["label"].tolist() == ["neg", "pos", "pos"]
    # one term of weight −1.25 reaches the cap, one of −1 does not
    assert normalized_score(-1.25) <= SENTIMENT_MODULE.LEXICON_VETO < normalized_score(-1.0)


@pytest.mark.skipif(not RUNTIME, reason="needs the embedding runtime (pip install 'cxlib[embeddings]')")
@pytest.mark.parametrize("lang", sorted(BREAKING))
def test_breaking_is_negative_under_auto(monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    monkeypatch.setattr(embedding, "available", lambda: True)  # conftest switches it off
    table = voc.sentiment(BREAKING[lang], langs=lang).table
    assert table["label"].tolist() == ["neg"] * 3
