"""detect_language and sentiment: inputs, backends, bad input, cross-backend identity."""

from __future__ import annotations

import sys
import types

import duckdb
import numpy as np
import pandas as pd
import polars as pl
import pytest

from cxlib import DataError, voc
from cxlib.engine import duckdb_connection
from cxlib.voc.lexicon import label_of, load_lexicon, score_text
from cxlib.voc.transformer import label_polarity

TEXTS = {
    "en": "The delivery was quick and the customer service very helpful.",
    "pl": "Zamówienie dotarło szybko, jestem bardzo zadowolona z zakupów.",
    "nl": "De bestelling werd snel geleverd en de kwaliteit is uitstekend.",
    "sk": "Objednávka prišla rýchlo a tovar je v poriadku, ďakujem.",
    "cs": "Objednávka přišla rychle a zboží je v pořádku, děkuji.",
    "zh": "快递很快，包装也很好，非常满意。",
    "ar": "وصل الطلب بسرعة والمنتج ممتاز، شكرا لكم.",
    "de": "Die Lieferung kam schnell und der Kundenservice war sehr freundlich.",
    "fr": "La livraison était rapide et le service client très aimable.",
    "es": "El envío llegó rápido y la atención al cliente fue muy amable.",
}


def test_detect_language_on_whole_sentences():
    result = voc.detect_language(list(TEXTS.values()))
    assert result.table["lang"].tolist() == list(TEXTS)
    assert (result.table["confidence"] > 0.5).all()


def test_detect_language_handles_texts_without_letters_and_low_confidence():
    result = voc.detect_language(["12345 !!!", "", TEXTS["pl"]], min_confidence=0.99)
    assert result.table["lang"].isna().tolist() == [True, True, False]
    assert result.table["confidence"].iloc[:2].tolist() == [0.0, 0.0]


def test_detect_language_respects_the_candidate_list():
    # Without Czech among the candidates a Czech text can only be called something else.
    result = voc.detect_language([TEXTS["cs"]], ["en", "sk", "pl"])
    assert result.table["lang"].iloc[0] in {"sk", "pl", "en"}
    with pytest.raises(ValueError, match="ISO 639-1"):
        voc.detect_language(["text"], ["en", "xx"])


def test_agreement_against_stated_languages():
    frame = pd.DataFrame({"text": [TEXTS["pl"], TEXTS["sk"], TEXTS["cs"]], "lang": ["pl", "sk", "sk"]})
    table = voc.detect_language(frame).agreement()
    naive = {
        g: float(
            np.mean([d == g for d, gg in zip(["pl", "sk", "cs"], frame["lang"], strict=True) if gg == g])
        )
        for g in ("pl", "sk")
    }
    assert dict(zip(table["lang_given"], table["agree"], strict=True)) == naive
    assert table.set_index("lang_given").loc["sk", "most_common_other"] == "cs"


def test_a_stated_language_is_respected():
    # A Polish text declared English is scored with the English lexicon: no term found.
    result = voc.sentiment(
        pd.DataFrame({"text": ["Bardzo szybka dostawa, polecam!"], "lang": ["en"]}), backend="lexicon"
    )
    assert result.table.loc[0, "lang"] == "en" and result.table.loc[0, "n_terms"] == 0
    detected = voc.sentiment(["Bardzo szybka dostawa, polecam!"])
    assert detected.table.loc[0, "lang"] == "pl" and detected.table.loc[0, "label"] == "pos"
    tags = voc.sentiment(["快递很快"], langs=["zh-Hant"])
    assert tags.table.loc[0, "lang"] == "zh"


def test_sentiment_table_matches_the_lexicon_text_by_text():
    langs = list(TEXTS)
    result = voc.sentiment(list(TEXTS.values()), langs=langs, backend="lexicon")
    for row, (lang, text) in zip(result.table.itertuples(), TEXTS.items(), strict=True):
        expected = score_text(text, load_lexicon(lang))
        assert row.score == pytest.approx(expected.score)
        assert row.label == label_of(expected.score) == "pos"
        assert row.terms == list(expected.terms) and row.backend == "lexicon"
    assert list(result.table.columns) == ["text", "lang", "label", "score", "backend", "terms", "n_terms"]


def test_coverage_is_the_share_of_lexicon_texts_without_terms():
    texts = ["great", "the parcel", "terrible", "order 123", "ok"]
    result = voc.sentiment(texts, langs="en", backend="lexicon")
    naive = sum(1 for t in texts if not score_text(t, load_lexicon("en")).terms) / len(texts)
    assert result.coverage() == pytest.approx(naive) == pytest.approx(0.4)
    shares = result.by_language().set_index("lang")
    assert shares.loc["en", "no_term_share"] == pytest.approx(0.4)


def _frames():
    frame = pd.DataFrame(
        {
            "feedback_id": [f"F{i}" for i in range(6)],
            "text": [
                "Fast delivery!",
                "Paczka nie dotarła",
                None,
                "快递太慢了",
                "Great",
                "Zboží přišlo rozbité",
            ],
            "lang": ["en", "pl", "en", "zh", None, "cs"],
        }
    )
    return {
        "pandas": frame,
        "polars": pl.from_pandas(frame),
        "duckdb": duckdb_connection().from_df(frame),
    }


def test_sentiment_is_identical_on_pandas_polars_and_duckdb():
    results = {name: voc.sentiment(f, keep=["feedback_id"]).table for name, f in _frames().items()}
    base = results["pandas"]
    for name, table in results.items():
        pd.testing.assert_frame_equal(table.drop(columns="terms"), base.drop(columns="terms"), obj=name)
        assert table["terms"].tolist() == base["terms"].tolist()
    # the row without text (F2) is not a text: left out on every engine, never labelled neutral
    assert base["feedback_id"].tolist() == ["F0", "F1", "F3", "F4", "F5"]
    assert (base["text"].str.strip() != "").all()


def test_bad_input_names_table_and_column():
    with pytest.raises(DataError) as err:
        voc.sentiment(pd.DataFrame({"body": ["x"]}))
    assert err.value.column == "text" and err.value.rule == "missing_column"
    with pytest.raises(DataError, match="length"):
        voc.sentiment(["a", "b"], langs=["en"])
    with pytest.raises(DataError) as err:
        voc.sentiment(pd.DataFrame({"text": ["x"], "score": [1]}), keep=["score"])
    assert err.value.rule == "reserved_column"
    with pytest.raises(ValueError, match="backend"):
        voc.sentiment(["x"], backend="vader")
    with pytest.raises(ValueError, match="model"):
        voc.sentiment(["x"], backend="trained")


def test_input_is_not_modified():
    frame = _frames()["pandas"]
    before = frame.copy()
    voc.sentiment(frame, keep=["feedback_id"])
    pd.testing.assert_frame_equal(frame, before)


def test_unsupported_language_gets_backend_none():
    # Labelled "unsupported", never scored with another language's lexicon (issue 21).
    result = voc.sentiment(["A csomag gyorsan megérkezett"], langs="hu")
    assert result.table.loc[0, ["backend", "label", "score"]].tolist() == ["none", "unsupported", 0.0]


# ----------------------------------------------------------------------------- transformers backend


class _FakeTransformers(types.ModuleType):
    """Stands in for the transformers package: records how models are loaded."""

    def __init__(self, outputs):
        super().__init__("transformers")
        self.calls = []
        self.outputs = outputs
        fake = self

        class _Auto:
            @staticmethod
            def from_pretrained(path, **kwargs):
                fake.calls.append((path, kwargs))
                return object()

        self.AutoTokenizer = _Auto
        self.AutoModelForSequenceClassification = _Auto

    def pipeline(self, task, model, tokenizer, top_k):
        assert task == "text-classification" and top_k is None
        return lambda texts, batch_size, truncation: self.outputs[: len(texts)]


def test_transformers_backend_loads_only_local_files(tmp_path, monkeypatch):
    (tmp_path / "config.json").write_text("{}")
    outputs = [
        [
            {"label": "positive", "score": 0.7},
            {"label": "neutral", "score": 0.2},
            {"label": "negative", "score": 0.1},
        ],
        [
            {"label": "1 star", "score": 0.6},
            {"label": "2 stars", "score": 0.3},
            {"label": "5 stars", "score": 0.1},
        ],
    ]
    fake = _FakeTransformers(outputs)
    monkeypatch.setitem(sys.modules, "transformers", fake)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    result = voc.sentiment(["good", "bad"], langs="en", backend="transformers", model_dir=tmp_path)
    assert all(kwargs == {"local_files_only": True} for _, kwargs in fake.calls) and len(fake.calls) == 2
    import os

    assert os.environ["HF_HUB_OFFLINE"] == "1"
    stars = 1 * 0.6 + 2 * 0.3 + 5 * 0.1
    assert result.table["score"].tolist() == pytest.approx([0.7 - 0.1, (stars - 3) / 2])
    assert result.table["label"].tolist() == ["pos", "neg"]
    assert result.table["terms"].tolist() == [["model:positive"], ["model:1 star"]]


def test_transformers_backend_never_downloads(tmp_path):
    with pytest.raises(FileNotFoundError, match="never downloads"):
        voc.sentiment(["x"], langs="en", backend="transformers", model_dir=tmp_path / "missing")


def test_label_polarity_conventions():
    assert label_polarity("LABEL_0", 3) == ("neg", -1.0)
    assert label_polarity("LABEL_2", 3) == ("pos", 1.0)
    assert label_polarity("LABEL_1", 2) == ("pos", 1.0)
    assert label_polarity("4 stars", 5) == ("stars", 4.0)
    with pytest.raises(ValueError):
        label_polarity("LABEL_7", 3)


def test_duckdb_relation_input_is_sorted_before_collecting():
    rel = duckdb_connection().from_df(pd.DataFrame({"id": ["b", "a", "c"], "text": ["bad", "great", "ok"]}))
    table = voc.sentiment(rel, langs="en", keep=["id"]).table
    assert table["id"].tolist() == ["a", "b", "c"]
    assert isinstance(rel, duckdb.DuckDBPyRelation)
