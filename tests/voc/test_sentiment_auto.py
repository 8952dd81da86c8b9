"""Which backend ``auto`` uses per language, with and without the embedding runtime (issue 21).

* without the runtime (``cxlib.voc.embedding.available()`` False) ``auto`` is what it was: the
  shipped pretrained model for en, zh, pl, sk, cs, the lexicon for the other supported
  languages, and it never embeds;
* with the runtime, the embedding backend in every language whose stored test accuracy
  (``cxlib/voc/models/accuracy.json``, mean over its corpora) is higher than that of the backend
  it replaces (a tie keeps the faster one), recomputed here from the JSON file with pandas, and
  in the supported languages without a measurement; then the blend of the pretrained model and
  the embedding where it measured higher than the backend chosen so far (languages with a
  pretrained model only); the rule itself on planted measurements;
* a text in an unsupported language stays ``unsupported`` (never embedded), and the shop's own
  trained model still wins over both.

No runtime is needed: the embeddings are planted.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cxlib import voc
from cxlib.voc import embedding
from cxlib.voc.embedding import load_head
from cxlib.voc.lexicon import available_languages

#: The module (``cxlib.voc.sentiment`` as an attribute is the function of the same name).
SENTIMENT_MODULE = importlib.import_module("cxlib.voc.sentiment")
ACCURACY_FILE = Path(__file__).resolve().parents[2] / "cxlib" / "voc" / "models" / "accuracy.json"

#: One clearly negative text per supported language (``auto`` labels each ``neg`` either way).
TEXTS = {
    "en": "Broke after two days, waste of money",
    "zh": "质量很差，不会再买了",
    "pl": "Paczka nie dotarła, nie polecam",
    "pt": "Produto não funciona, péssima qualidade",
    "it": "Prodotto arrivato rotto, pessimo",
    "de": "Schlechte Qualität, nach zwei Tagen kaputt",
    "es": "Producto roto, muy mala calidad",
    "fr": "Très déçu, produit cassé",
    "nl": "Slechte kwaliteit, na twee dagen kapot",
    "sk": "Zlá kvalita, po dvoch dňoch pokazené",
    "cs": "Špatná kvalita, po dvou dnech rozbité",
    "ar": "منتج سيء جدا ولا أنصح به",
}
BEFORE = {
    "en": "pretrained",
    "zh": "pretrained",
    "pl": "pretrained",
    "sk": "pretrained",
    "cs": "pretrained",
    "pt": "lexicon",
    "it": "lexicon",
    "de": "lexicon",
    "es": "lexicon",
    "fr": "lexicon",
    "nl": "lexicon",
    "ar": "lexicon",
}


@pytest.fixture
def negative_embeddings(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Plant embeddings pointing against the head's direction; count the texts embedded."""
    head = load_head()
    direction = (head.coef / np.linalg.norm(head.coef)).astype(np.float32)
    calls: list[int] = []

    def fake_embed(batch: list[str]) -> np.ndarray:
        calls.append(len(batch))
        return np.tile(-0.5 * direction, (len(batch), 1))

    monkeypatch.setattr(SENTIMENT_MODULE, "embed", fake_embed)
    return calls


def expected_with_runtime() -> dict[str, str]:
    """The rule recomputed from the JSON file: embedding where it is more accurate, blend where more still."""
    stored = pd.DataFrame(json.loads(ACCURACY_FILE.read_text("utf-8")))
    out = {}
    for lang, base in BEFORE.items():
        rows = stored[stored["lang"] == lang]
        emb = rows[rows["backend"] == "embedding"].set_index("corpus")["accuracy"]
        other = rows[rows["backend"] == base].set_index("corpus")["accuracy"]
        common = sorted(set(emb.index) & set(other.index))
        if not common or emb[common].mean() > other[common].mean():
            out[lang] = "embedding"
        else:
            out[lang] = base
        blend = rows[rows["backend"] == "blend"].set_index("corpus")["accuracy"]
        held = rows[rows["backend"] == out[lang]].set_index("corpus")["accuracy"]
        shared = sorted(set(blend.index) & set(held.index))
        if base == "pretrained" and shared and blend[shared].mean() > held[shared].mean():
            out[lang] = "blend"
    return out


def test_the_languages_are_the_supported_ones() -> None:
    assert set(TEXTS) == set(BEFORE) == set(available_languages())


def test_without_runtime_auto_is_unchanged_and_never_embeds(
    monkeypatch: pytest.MonkeyPatch, negative_embeddings: list[int]
) -> None:
    monkeypatch.setattr(embedding, "available", lambda: False)
    assert SENTIMENT_MODULE.auto_backends() == BEFORE
    table = voc.sentiment(list(TEXTS.values()), langs=list(TEXTS)).table
    assert dict(zip(table["lang"], table["backend"], strict=True)) == BEFORE
    assert negative_embeddings == []
    assert set(table["label"]) == {"neg"}


def test_with_runtime_auto_embeds_where_it_measured_at_least_as_well(
    monkeypatch: pytest.MonkeyPatch, negative_embeddings: list[int]
) -> None:
    monkeypatch.setattr(embedding, "available", lambda: True)
    expected = expected_with_runtime()
    # languages without any real-review measurement use the embedding (zero-shot measured elsewhere)
    measured_langs = set(pd.DataFrame(json.loads(ACCURACY_FILE.read_text("utf-8")))["lang"])
    for lang in set(BEFORE) - measured_langs:
        assert expected[lang] == "embedding"
    assert SENTIMENT_MODULE.auto_backends() == expected
    table = voc.sentiment(list(TEXTS.values()), langs=list(TEXTS)).table
    assert dict(zip(table["lang"], table["backend"], strict=True)) == expected
    n_embedded = sum(b in ("embedding", "blend") for b in expected.values())
    assert sum(negative_embeddings) == n_embedded  # one text per embedded language, nothing else
    assert set(table["label"]) == {"neg"}
    # the report quotes each language's stored accuracy for the backend that scored it
    measured = voc.sentiment(list(TEXTS.values()), langs=list(TEXTS)).measured_accuracy()
    en = measured[measured["lang"] == "en"]
    stored = pd.DataFrame(json.loads(ACCURACY_FILE.read_text("utf-8")))
    truth = stored[(stored["lang"] == "en") & (stored["backend"] == expected["en"])]
    assert en["accuracy"].tolist() == pytest.approx(truth["accuracy"].tolist())


def test_rule_on_planted_measurements() -> None:
    planted = pd.DataFrame(
        [
            # en: embedding better on the shared corpus (pretrained is en's base)
            ("en", "embedding", "a", 0.90),
            ("en", "pretrained", "a", 0.85),
            # zh: embedding better on one corpus, worse on average
            ("zh", "embedding", "b", 0.84),
            ("zh", "pretrained", "b", 0.83),
            ("zh", "embedding", "c", 0.88),
            ("zh", "pretrained", "c", 0.92),
            # pl: a tie keeps the faster pretrained model; the lexicon row does not count (pl's base)
            ("pl", "embedding", "d", 0.80),
            ("pl", "pretrained", "d", 0.80),
            ("pl", "lexicon", "d", 0.95),
            # pt: worse than the lexicon
            ("pt", "embedding", "e", 0.70),
            ("pt", "lexicon", "e", 0.75),
            # fr: measured on a corpus the lexicon was not: no comparison, the embedding
            ("fr", "embedding", "f", 0.60),
            ("fr", "lexicon", "g", 0.90),
            # en: a blend row on a corpus the chosen embedding was not measured on: no comparison
            ("en", "blend", "z", 0.99),
            # zh: the blend beats the chosen pretrained model on the corpus both share (b)
            ("zh", "blend", "b", 0.85),
            # cs: embedding beats pretrained, the blend beats the embedding: the blend
            ("cs", "embedding", "h", 0.80),
            ("cs", "pretrained", "h", 0.78),
            ("cs", "blend", "h", 0.83),
            # sk: a tie with the chosen embedding keeps the embedding (one model instead of two)
            ("sk", "embedding", "i", 0.82),
            ("sk", "pretrained", "i", 0.78),
            ("sk", "blend", "i", 0.82),
            # pl: the blend below the chosen pretrained model keeps it
            ("pl", "blend", "d", 0.79),
            # pt: no pretrained model, so never the blend, whatever it measured
            ("pt", "blend", "e", 0.99),
        ],
        columns=["lang", "backend", "corpus", "accuracy"],
    )
    got = SENTIMENT_MODULE.auto_backends(planted, runtime=True)
    assert {k: got[k] for k in ("en", "zh", "pl", "pt", "fr", "cs", "sk")} == {
        "en": "embedding",
        "zh": "blend",
        "pl": "pretrained",
        "pt": "lexicon",
        "fr": "embedding",
        "cs": "blend",
        "sk": "embedding",
    }
    assert {got[k] for k in ("de", "es", "nl", "it", "ar")} == {"embedding"}
    assert SENTIMENT_MODULE.auto_backends(planted, runtime=False) == BEFORE


@pytest.mark.parametrize("runtime", [False, True])
def test_unsupported_language_stays_unsupported(
    monkeypatch: pytest.MonkeyPatch, negative_embeddings: list[int], runtime: bool
) -> None:
    monkeypatch.setattr(embedding, "available", lambda: runtime)
    table = voc.sentiment(["A termék hibás volt", "Prodotto arrivato rotto"], langs=["hu", "it"]).table
    assert table["backend"].tolist() == ["none", "embedding" if runtime else "lexicon"]
    assert table["label"].tolist() == ["unsupported", "neg"]
    assert table["score"].iat[0] == 0.0
    assert sum(negative_embeddings) == (1 if runtime else 0)  # the Hungarian text is never embedded


def test_the_shops_trained_model_wins_over_the_embedding(
    monkeypatch: pytest.MonkeyPatch, negative_embeddings: list[int]
) -> None:
    monkeypatch.setattr(embedding, "available", lambda: True)
    nouns = ("product", "delivery", "service", "quality", "packaging", "price")
    good = [
        f"{adj} {noun}" for adj in ("great", "excellent", "lovely", "perfect", "superb") for noun in nouns
    ]
    bad = [f"{adj} {noun}" for adj in ("terrible", "awful", "useless", "horrible", "poor") for noun in nouns]
    model = voc.train_sentiment(
        good + bad, [5] * len(good) + [1] * len(bad), langs="en", min_texts=50, embeddings=False
    )
    assert model.n_texts("en") == 60
    result = voc.sentiment(["love it, works perfectly"], langs="en", model=model, min_rated=50)
    got = result.table
    assert got["backend"].tolist() == ["trained"]
    # the report points to the shop model's cross-validation, never "not measured"
    assert result.accuracy_sentence() == (
        "Accuracy measured on held-out real reviews: English (the shop's own model) "
        "cross-validated on this shop's own ratings (see the shop's models)."
    )
    assert negative_embeddings == []
    # below min_rated the shop's model is not trusted and auto falls back to its choice
    fallback = voc.sentiment(["love it, works perfectly"], langs="en", model=model, min_rated=500).table
    assert fallback["backend"].tolist() == [SENTIMENT_MODULE.auto_backends()["en"]]


def test_summary_cautions_about_languages_measured_below_85_percent() -> None:
    texts, langs = ["Great product", "Producto genial", "Geweldig product"], ["en", "es", "nl"]
    result = voc.sentiment(texts, langs=langs, backend="lexicon")
    measured = SENTIMENT_MODULE.measured_accuracies()
    lexicon = measured[(measured["backend"] == "lexicon") & measured["lang"].isin(langs)]
    low = lexicon.groupby("lang")["accuracy"].agg(["mean", "min", "max"])
    low = low[low["mean"] < 0.85]
    assert not low.empty  # the lexicon alone is below 85 % in some of these languages
    caution = result.caution()
    names = {"en": "English", "es": "Spanish", "nl": "Dutch"}
    for lang, name in names.items():
        assert (name in caution) == (lang in low.index), (lang, caution)
    assert f"{low['min'].min() * 100:.0f}–{low['max'].max():.0%}" in caution
    assert caution in result.summary()
    # no caution where the measured backend reaches the target, nor for the shop's own models
    assert result.caution(target=0.0) == ""
