"""The clause after a contrast word weighs more in the model backends (:mod:`cxlib.voc.clauses`).

* :func:`~cxlib.voc.clauses.after_contrast` finds the raw text after the last adversative
  contrast word of the language's lexicon, as the customer wrote it (case, diacritics), and
  nothing where the word opens the text, ends it, is concessive ("although"), or is not a
  contrast word here (Chinese 不但 "not only", 但愿 "hopefully", 就是 "is");
* :func:`~cxlib.voc.clauses.contrast_scores` equals ``(1 − w)·full + w·clause`` computed by
  hand, only where the clause's score has the lexicon's sign;
* without the embedding runtime the shipped pretrained models (en, pl, sk) turn "nice, but
  broke" negative; with it (``backend="auto"``), hand-written contrast cases in every
  embedding language are labelled by the clause after the contrast word, both ways.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from cxlib import voc
from cxlib.voc import embedding
from cxlib.voc.clauses import CONTRAST_WEIGHT, after_contrast, contrast_scores

#: The real function: tests/voc/conftest.py replaces ``embedding.available`` in every test.
AVAILABLE = embedding.available
RUNTIME = all(importlib.util.find_spec(m) is not None for m in embedding.RUNTIME_PACKAGES)
needs_runtime = pytest.mark.skipif(not RUNTIME, reason="the embedding runtime is not installed")


@pytest.mark.parametrize(
    ("lang", "text", "clause"),
    [
        ("en", "Looks good but tasted old", "tasted old"),
        ("en", "Nice box. But the charger DIED after a week!", "the charger DIED after a week!"),
        ("en", "good, however: slow delivery", "slow delivery"),
        ("sk", "Pekný hotel, ale nulový záujem", "nulový záujem"),
        ("sk", "Rýchlo doručené, vsak zle zabalené", "zle zabalené"),  # "však" typed without its accent
        ("cs", "Hezké, ale po týdnu rozbité", "po týdnu rozbité"),
        ("pl", "Ładny, ale po tygodniu się zepsuł", "po tygodniu się zepsuł"),
        ("pl", "Dostawa szybka. Ale super!", "super!"),
        ("de", "Schönes Design, aber nach zwei Tagen kaputt", "nach zwei Tagen kaputt"),
        ("fr", "Joli design mais il ne marche plus", "il ne marche plus"),
        ("es", "Bonito, sin embargo se rompió", "se rompió"),
        ("it", "Bello, ma si è rotto dopo una settimana", "si è rotto dopo una settimana"),
        ("pt", "Bonito, porém quebrou", "quebrou"),
        ("nl", "Mooi, maar na een week kapot", "na een week kapot"),
        ("zh", "质量很好，但是物流太慢了", "物流太慢了"),
        ("zh", "質量很好，可是物流太慢", "物流太慢"),  # traditional characters, raw text kept
        ("ar", "المنتج جميل ولكن الشحن سيء", "الشحن سيء"),
        ("en", "Fine but, but slow", "slow"),  # the last contrast word counts
    ],
)
def test_clause_after_the_last_contrast_word(lang: str, text: str, clause: str) -> None:
    assert after_contrast([text], lang) == [clause]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "But it works"),  # opens the text: the clause is the whole text
        ("en", "It has not arrived yet."),  # nothing follows
        ("en", "Great product!"),
        ("en", "The button broke"),  # "but" inside a word
        ("en", "Works well although it is loud"),  # concessive: the main clause comes first
        ("sk", "Funguje dobre, hoci je hlučný"),
        ("de", "Funktioniert gut, obwohl es laut ist"),
        ("pl", "Ale super! Polecam"),  # Polish interjection "ale" ("what a ...!") opening the text
        ("zh", "不但便宜而且质量好"),  # 不但 "not only" is no 但
        ("zh", "但愿能用久一点"),
        ("zh", "国产就是垃圾"),  # 就是 "is"
        ("es", "Bonito, aunque caro"),
    ],
)
def test_no_clause(lang: str, text: str) -> None:
    assert after_contrast([text], lang) == [None]


def test_extra_lexicon_adds_contrast_words(tmp_path: Path) -> None:
    extra = tmp_path / "extra.yaml"
    extra.write_text('contrast: ["nevertheless"]\n', encoding="utf-8")
    text = "Cheap, nevertheless broken"
    assert after_contrast([text], "en") == [None]
    assert after_contrast([text], "en", str(extra)) == ["broken"]


def test_contrast_scores_equal_the_mix_by_hand() -> None:
    texts = ["good but bad", "good but fine", "plain text", "good but awful"]
    model = {"bad": -0.8, "fine": 0.6, "awful": -0.9}
    calls: list[list[str]] = []

    def score(batch: list[str]) -> np.ndarray:
        calls.append(batch)
        return np.array([model[t] for t in batch])

    full = np.array([0.7, 0.2, 0.4, 0.5])
    lexicon = np.array([-0.3, 0.1, 0.0, 0.2])  # the last: the lexicon disagrees with the clause
    w = 0.4
    got = contrast_scores(full, texts, "en", score, lexicon_scores=lexicon, weight=w)
    expected = np.array([(1 - w) * 0.7 + w * -0.8, (1 - w) * 0.2 + w * 0.6, 0.4, 0.5])
    np.testing.assert_allclose(got, expected, atol=1e-12)
    assert calls == [["bad", "fine", "awful"]]  # only the clauses are scored again
    np.testing.assert_array_equal(full, [0.7, 0.2, 0.4, 0.5])  # the input is not changed
    calls.clear()
    np.testing.assert_array_equal(
        contrast_scores(full, texts, "en", score, lexicon_scores=lexicon, weight=0), full
    )
    assert calls == []
    with pytest.raises(ValueError, match="weight"):
        contrast_scores(full, texts, "en", score, lexicon_scores=lexicon, weight=1.5)
    assert CONTRAST_WEIGHT == 0.3


@pytest.mark.parametrize(
    ("lang", "text", "label"),
    [
        ("en", "looks good but tasted old", "neg"),
        ("en", "Expensive but worth every penny", "pos"),
        ("pl", "Ładny, ale po tygodniu się zepsuł", "neg"),
        ("pl", "Drogi, ale warto", "pos"),
        ("pl", "Ale super! Polecam", "pos"),
        ("sk", "pekný hotel, ale nulový záujem", "neg"),
    ],
)
def test_pretrained_models_weigh_the_clause(lang: str, text: str, label: str) -> None:
    table = voc.sentiment([text], langs=lang, backend="pretrained").table
    assert table["backend"].tolist() == ["pretrained"]
    assert table["label"].tolist() == [label]


def test_pretrained_contrast_moves_the_score_by_the_weight() -> None:
    """The shipped Polish model's score moves exactly as the mix says (a second computation)."""
    from cxlib.voc.pretrained import load_pretrained

    text = "Ładny, ale po tygodniu się zepsuł"
    model = load_pretrained("pl")
    full = model.predict([text], n_terms=0)[0][0]
    after = model.predict(["po tygodniu się zepsuł"], n_terms=0)[0][0]
    lex = voc.sentiment([text], langs="pl", backend="lexicon").table["score"].iat[0]
    got = voc.sentiment([text], langs="pl", backend="pretrained").table["score"].iat[0]
    assert np.sign(after) == np.sign(lex)
    mixed = (1 - CONTRAST_WEIGHT) * full + CONTRAST_WEIGHT * after
    assert got == pytest.approx(float(np.clip(mixed + model.lexicon_weight * lex, -1, 1)), abs=1e-9)
    plain = float(np.clip(full + model.lexicon_weight * lex, -1, 1))  # without the rule
    assert plain > 0 > got  # the model alone read the text as positive


#: Hand-written contrast cases: the clause after the contrast word decides, both ways.
AUTO_CASES = [
    ("en", "looks good but tasted old", "neg"),
    ("en", "A bit pricey but it works perfectly", "pos"),
    ("sk", "pekný hotel, ale nulový záujem", "neg"),
    ("sk", "Drahšie, ale kvalita výborná", "pos"),
    ("cs", "Pěkný design, ale po týdnu se rozbil", "neg"),
    ("pl", "Ładny, ale po tygodniu się zepsuł", "neg"),
    ("pl", "Ale super! Polecam", "pos"),
    ("fr", "Joli design mais il ne marche plus après deux jours", "neg"),
    ("fr", "Un peu cher mais la qualité est excellente", "pos"),
    ("it", "Bello, ma si è rotto dopo una settimana", "neg"),
    ("de", "Schönes Design, aber nach zwei Tagen kaputt", "neg"),
    ("de", "Etwas teuer, aber die Qualität ist super", "pos"),
    ("es", "Bonito, pero se rompió a la semana", "neg"),
    ("nl", "Mooi ontwerp, maar na een week kapot", "neg"),
    ("pt", "Bonito, mas quebrou depois de uma semana", "neg"),
    ("ar", "المنتج جميل لكن تعطل بعد اسبوع", "neg"),
    ("zh", "价格有点贵，但是质量很好", "pos"),
]


@needs_runtime
def test_auto_labels_contrast_cases_by_the_clause(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedding, "available", AVAILABLE)  # the real runtime, not the conftest's
    langs = [lang for lang, _, _ in AUTO_CASES]
    table = voc.sentiment([t for _, t, _ in AUTO_CASES], langs=langs, backend="auto").table
    got = dict(zip(table["text"], table["label"], strict=True))
    assert {t: got[t] for _, t, _ in AUTO_CASES} == {t: label for _, t, label in AUTO_CASES}
    backends = dict(zip(table["lang"], table["backend"], strict=True))
    # the blend runs both the pretrained and the embedding scorer, so the rule is checked in both
    assert backends["en"] == "embedding" and backends["pl"] == "blend"
