"""The trained sentiment backend: learns from the shop's own star-rated reviews.

Reviews rated 1–2★ are negative examples and 4–5★ positive ones (3★ are left out). For each
language with enough of them, a character n-gram TF-IDF + logistic-regression classifier is
fitted (scikit-learn). Character n-grams need no tokeniser or stemmer, so the same recipe works
for Polish inflection, Arabic clitics and Chinese without spaces. Accuracy is estimated by
stratified k-fold cross-validation of the classifier (the TF-IDF vocabulary is fitted once on
all texts of the language; it never sees a label), with a Wilson interval, and compared with
the lexicon on the very same texts, so a shop can see per language which backend to trust.

Where cxlib ships a pretrained model for the language (:mod:`cxlib.voc.pretrained`), its score
(times ``PRIOR_SCALE``) is one more feature: the shop's ratings then correct a model that
already knows the language instead of starting from nothing (measured on Chinese shopping
reviews, 400 held out: 500 rated texts alone 84 %, with the pretrained feature 91–92 %).

When the optional embedding runtime is installed (:func:`cxlib.voc.embedding.available`), the
same logistic regression also gets the lexicon's score (times ``LEXICON_SCALE``) and the
text's multilingual sentence embedding (multilingual-e5-small, 384 columns times
``EMBEDDING_SCALE``): one model, the n-grams learning the shop's own words and the embedding
carrying what the model knows of the language (measured on real reviews outside the
evaluation samples, 500 rated texts, 400 held out: Portuguese 87–88 % → 90.5–91 %, Czech 84 % →
89.4–89.7 %, Arabic 69–70 % → 78–82 %; ``benchmarks/voc_eval/RESULTS.md``, round 5).
Where no pretrained model is shipped, the shipped embedding head's score (times
``HEAD_SCALE``; a logistic regression on the embedding learnt from labelled reviews in other
languages) is one more feature, the prior those languages lack (Arabic, 500–2,000 rated
texts: +0.8 to +2.0 points held out, Portuguese −0.8 to +0.5; where a pretrained model is
shipped it added nothing measurable, so it is left out there; round 6). Training then embeds
every rated text once: the cost of this path. Without the runtime the model is the n-gram one
above, unchanged.

Near-identical texts ("Great, thanks!" written a hundred times, templated reviews) would sit
in training and test folds at once and inflate the estimate: texts with the same letters
(after normalisation, ignoring digits, punctuation and spacing) always share a fold. An
estimate above ``PLAUSIBLE_MAX`` is flagged: people agree on the polarity of real reviews
about 90–95 % of the time, so a higher score usually means templated or leaked texts.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cxlib import viz
from cxlib.errors import DataError
from cxlib.intervals import wilson_interval
from cxlib.voc import embedding as embedding_runtime
from cxlib.voc.language import DEFAULT_LANGUAGES, resolve_languages
from cxlib.voc.lexicon import available_languages, label_of, load_lexicon, score_text
from cxlib.voc.normalize import WORD_PATTERN, normalize
from cxlib.voc.pretrained import available_pretrained, load_pretrained
from cxlib.voc.textinput import TEXT, text_frame

__all__ = ["SentimentModel", "rating_polarity", "train_sentiment", "wilson_interval"]

#: Star ratings at or below this are negative examples, at or above ``POSITIVE_MIN`` positive.
NEGATIVE_MAX, POSITIVE_MIN = 2, 4
#: Cross-validated accuracies above this are flagged as implausibly high for real reviews.
PLAUSIBLE_MAX = 0.97
#: Scale of the pretrained model's score when it is a feature of the shop's classifier.
PRIOR_SCALE = 3.0
#: Scales of the sentence-embedding columns (384, L2-normalised) and of the lexicon's score
#: among the classifier's features when the embedding runtime is installed (chosen by
#: cross-validation on draws of real shop reviews, ``benchmarks/eval_shop_ratings.py``).
EMBEDDING_SCALE, LEXICON_SCALE = 4.0, 1.0
#: Scale of the shipped embedding head's score (:func:`cxlib.voc.embedding.load_head`, learnt
#: from labelled reviews in other languages) among the classifier's features, with the runtime.
HEAD_SCALE = 3.0
#: Names of the embedding's and the embedding head's contributions among the terms that
#: explain a prediction.
EMBEDDING_TERM, HEAD_TERM = "~embedding", "~embedding-head"


def _with_prior(X: Any, texts: Sequence[str], lang: str) -> Any:
    """``X`` with one more column: ``PRIOR_SCALE`` × the shipped pretrained model's score."""
    import scipy.sparse as sp

    prior = PRIOR_SCALE * load_pretrained(lang).predict(list(texts), n_terms=0)[0]
    return sp.hstack([X, prior[:, None]], format="csr")


def _lexicon_scores(texts: Sequence[str], lang: str) -> np.ndarray:
    """Return the lexicon's score of each text (0 for a language without a lexicon)."""
    if lang not in available_languages():
        return np.zeros(len(texts))
    lex = load_lexicon(lang)
    return np.array([score_text(t, lex).score for t in texts], dtype=float)


def _with_embedding(
    X: Any, texts: Sequence[str], lang: str, lexicon_scores: np.ndarray | None = None, *, head: bool
) -> tuple[Any, np.ndarray]:
    """Return ``X`` with the lexicon's score, the head's score and the embedding appended, and the latter.

    The columns are ``LEXICON_SCALE`` × the lexicon's score, ``HEAD_SCALE`` × the shipped
    embedding head's score (only with ``head``) and ``EMBEDDING_SCALE`` × the embedding (each
    distinct text embedded once).
    """
    import scipy.sparse as sp

    if lexicon_scores is None:
        lexicon_scores = _lexicon_scores(texts, lang)
    codes, distinct = pd.factorize(pd.Series(list(texts), dtype="object"))
    embedded = embedding_runtime.embed([str(t) for t in distinct])
    columns = [LEXICON_SCALE * np.asarray(lexicon_scores, dtype=float)]
    if head:
        columns.append(HEAD_SCALE * embedding_runtime.load_head().predict(embedded)[codes])
    vectors = EMBEDDING_SCALE * embedded[codes]
    dense = np.column_stack([*columns, vectors])
    return sp.hstack([X, sp.csr_matrix(dense)], format="csr"), vectors


_WORDS = re.compile(WORD_PATTERN)


def near_duplicate_keys(texts: Sequence[str], lang: str | None = None) -> list[str]:
    """Return the grouping key of each text: its normalised words joined by single spaces.

    Texts that differ only in case, accents, digits, punctuation or spacing share a key.
    """
    return [" ".join(_WORDS.findall(normalize(t, lang))) for t in texts]


def rating_polarity(ratings: Sequence[Any]) -> np.ndarray:
    """``"neg"`` for 1–2★, ``"pos"`` for 4–5★, None for 3★ or missing ratings."""
    values = pd.to_numeric(pd.Series(list(ratings), dtype="object"), errors="coerce").to_numpy(dtype=float)
    out = np.full(len(values), None, dtype=object)
    out[values <= NEGATIVE_MAX] = "neg"
    out[values >= POSITIVE_MIN] = "pos"
    return out


def _vectorizer(lang: str) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(2, 5),
        min_df=2,
        sublinear_tf=True,
        preprocessor=functools.partial(normalize, lang=lang),
        dtype=np.float32,
    )


def _classifier(C: float, seed: int) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=C, solver="liblinear", class_weight="balanced", random_state=seed)


@dataclass(frozen=True)
class SentimentModel:
    """Per-language sentiment classifiers trained on a shop's rated texts.

    Attributes
    ----------
    pipelines : mapping
        ``{lang: sklearn Pipeline}`` (TF-IDF on character 2–5-grams + logistic regression).
    table : pandas.DataFrame
        One row per language seen: ``lang``, ``n_texts`` (rated 1–2★ or 4–5★), ``n_pos``,
        ``n_neg``, ``n_distinct`` (texts left after folding near-identical ones),
        ``trained`` (bool), ``cv_accuracy`` with ``cv_ci_low``/``cv_ci_high`` (Wilson, level
        1 − alpha; near-identical texts kept in one fold), ``warning`` (str, empty when the
        estimate looks plausible), ``lexicon_accuracy`` and ``lexicon_coverage`` (share of
        those texts with at least one lexicon term) on the same texts.
    folds : int
        Cross-validation folds.
    alpha : float
    feature_names : mapping
        ``{lang: n-gram of each TF-IDF column}``, to explain predictions.
    priors : frozenset of str
        Languages whose classifier has the pretrained model's score as a feature (after the
        n-grams).
    embedded : frozenset of str
        Languages whose classifier has the lexicon's score (times ``LEXICON_SCALE``) and the
        texts' sentence embeddings (times ``EMBEDDING_SCALE``) as its last features;
        predicting them needs the embedding runtime.
    heads : frozenset of str
        Embedded languages whose classifier also has the shipped embedding head's score (times
        ``HEAD_SCALE``, between the lexicon's score and the embedding): those without a
        pretrained model, where the head is the only prior.
    """

    pipelines: Mapping[str, Any]
    table: pd.DataFrame
    folds: int
    alpha: float = 0.05
    feature_names: Mapping[str, np.ndarray] = field(default_factory=dict, repr=False)
    priors: frozenset[str] = frozenset()
    embedded: frozenset[str] = frozenset()
    heads: frozenset[str] = frozenset()

    def n_texts(self, lang: str) -> int:
        """Return the number of rated texts the model of ``lang`` was trained on (0 if none)."""
        row = self.table[self.table["lang"] == lang]
        return int(row["n_texts"].iat[0]) if len(row) and bool(row["trained"].iat[0]) else 0

    def predict(
        self, texts: Sequence[str], lang: str, *, n_terms: int = 3
    ) -> tuple[np.ndarray, list[list[str]]]:
        """Scores ``2·P(positive) − 1`` of texts in ``lang`` and the n-grams that decided.

        Returns
        -------
        scores : numpy.ndarray
        terms : list of list of str
            Up to ``n_terms`` character n-grams pushing the decision its way, strongest first;
            ``~pretrained``, ``~lexicon``, ``~embedding-head`` and ``~embedding`` stand for the
            shipped model's score, the lexicon's score, the shipped embedding head's score and the
            sentence embedding as a whole.
        """
        pipe = self.pipelines[lang]
        tfidf, logreg = pipe.named_steps["tfidf"], pipe.named_steps["logreg"]
        X = tfidf.transform(list(texts)).tocsr()
        if lang in self.priors:
            X = _with_prior(X, texts, lang)
        extra = ["~pretrained"] if lang in self.priors else []
        coef = logreg.coef_[0] * (1.0 if logreg.classes_[1] == "pos" else -1.0)
        from_embedding = np.zeros(X.shape[0])
        if lang in self.embedded:
            extra += ["~lexicon", HEAD_TERM] if lang in self.heads else ["~lexicon"]
            X, vectors = _with_embedding(X, texts, lang, head=lang in self.heads)
            from_embedding = vectors @ coef[-vectors.shape[1] :]
        names = np.concatenate([self.feature_names[lang], extra])
        sparse_width = len(names)  # n-grams and single-column features; the embedding follows
        proba = logreg.predict_proba(X)[:, list(logreg.classes_).index("pos")]
        scores = 2.0 * proba - 1.0
        terms: list[list[str]] = []
        for i in range(X.shape[0]):
            lo, hi = X.indptr[i], X.indptr[i + 1]
            idx = X.indices[lo:hi]
            keep = idx < sparse_width
            idx = np.append(idx[keep], sparse_width)  # the embedding's total, as one more term
            contrib = np.append(X.data[lo:hi][keep] * coef[idx[:-1]], from_embedding[i])
            contrib *= 1.0 if scores[i] >= 0 else -1.0
            top = np.argsort(-contrib)[:n_terms]
            terms.append(
                [
                    str(names[idx[t]]).strip() if idx[t] < sparse_width else EMBEDDING_TERM
                    for t in top
                    if contrib[t] > 0
                ]
            )
        return scores, terms

    def figure(self) -> go.Figure:
        """Cross-validated accuracy of the trained models vs the lexicon, per language."""
        rows = self.table[self.table["trained"]]
        long = pd.concat(
            [
                pd.DataFrame({"lang": rows["lang"], "backend": "trained", "accuracy": rows["cv_accuracy"]}),
                pd.DataFrame(
                    {"lang": rows["lang"], "backend": "lexicon", "accuracy": rows["lexicon_accuracy"]}
                ),
            ],
            ignore_index=True,
        )
        fig = viz.bar(
            long,
            "lang",
            "accuracy",
            color="backend",
            percent=True,
            title="Sentiment accuracy on rated texts (cross-validated)",
            labels={"lang": "Language", "accuracy": "Accuracy"},
        )
        err = {"trained": (rows["cv_accuracy"] - rows["cv_ci_low"], rows["cv_ci_high"] - rows["cv_accuracy"])}
        for trace in fig.data:
            if trace.name in err:
                minus, plus = err[trace.name]
                trace.error_y = dict(
                    type="data", array=plus.tolist(), arrayminus=minus.tolist(), visible=True
                )
        return fig

    def summary(self) -> list[str]:
        """Sentences comparing the trained models with the lexicon."""
        rows = self.table[self.table["trained"]]
        if rows.empty:
            return ["No language had enough rated texts to train a model."]
        out = []
        for r in rows.itertuples():
            better = "beats" if r.cv_accuracy > r.lexicon_accuracy else "does not beat"
            extras = [
                name
                for name, used in (
                    ("the shipped pretrained model", r.lang in self.priors),
                    (
                        "sentence embeddings, the lexicon's and the embedding head's scores"
                        if r.lang in self.heads
                        else "sentence embeddings and the lexicon's score",
                        r.lang in self.embedded,
                    ),
                )
                if used
            ]
            out.append(
                f"{r.lang}: trained on {r.n_texts:,} rated texts"
                + (f" (with {' and '.join(extras)} as features)" if extras else "")
                + ", cross-validated accuracy "
                f"{r.cv_accuracy:.1%} ({r.cv_ci_low:.1%}–{r.cv_ci_high:.1%}), {better} the lexicon "
                f"({r.lexicon_accuracy:.1%})." + (f" Warning: {r.warning}" if r.warning else "")
            )
        return out


def _plausibility(accuracy: float, n_distinct: int, n: int) -> str:
    """Return a warning when a cross-validated accuracy is too good to be true, else ``""``."""
    if accuracy <= PLAUSIBLE_MAX:
        return ""
    share = n_distinct / n
    return (
        f"{accuracy:.1%} is implausibly high for real reviews (people agree on about 90–95%); "
        f"{share:.0%} of the texts are distinct. Templated or copied texts, or ratings that follow "
        "from the text, make the estimate optimistic: check it on a hand-labelled sample."
    )


def train_sentiment(
    texts: Any,
    ratings: Sequence[Any] | None = None,
    langs: Any = None,
    *,
    text_col: str = "text",
    rating_col: str = "rating",
    lang_col: str | None = "lang",
    folds: int = 5,
    min_texts: int = 50,
    C: float = 4.0,
    seed: int = 0,
    alpha: float = 0.05,
    languages: Sequence[str] = DEFAULT_LANGUAGES,
    embeddings: bool | None = None,
) -> SentimentModel:
    """Train per-language sentiment classifiers on star-rated texts; report CV accuracy.

    Parameters
    ----------
    texts : sequence of str or table
        With a table (e.g. ``shop.feedback``), required columns: ``text_col`` and
        ``rating_col`` (1–5 stars); ``lang_col`` is used when present.
    ratings : sequence, optional
        Star ratings when ``texts`` is a sequence.
    langs : str or sequence, optional
        Languages; missing ones are detected among ``languages``.
    folds : int, default 5
        Stratified cross-validation folds (shuffled with ``seed``); near-identical texts
        always share a fold.
    min_texts : int, default 50
        Languages with fewer rated 1–2★/4–5★ texts (or fewer than ``folds`` distinct texts of
        either class) get no model.
    C : float, default 4.0
        Inverse L2 regularisation strength of the logistic regression.
    seed : int
    alpha : float, default 0.05
        Confidence intervals of the accuracies are at level 1 − alpha.
    languages : sequence of str
    embeddings : bool, optional
        Add the texts' multilingual sentence embeddings to the features (see the module
        docstring). None (default): when the optional runtime is installed
        (:func:`cxlib.voc.embedding.available`); True requires it.

    Returns
    -------
    SentimentModel

    Examples
    --------
    >>> model = train_sentiment(shop.feedback)  # doctest: +SKIP
    >>> model.table[["lang", "n_texts", "cv_accuracy", "lexicon_accuracy"]]  # doctest: +SKIP
    """
    from sklearn.model_selection import StratifiedGroupKFold, cross_val_predict
    from sklearn.pipeline import Pipeline

    if folds < 2:
        raise ValueError("folds must be at least 2")
    if embeddings is None:
        embeddings = embedding_runtime.available()
    if ratings is None:
        frame = text_frame(
            texts,
            langs,
            text_col=text_col,
            lang_col=lang_col,
            keep=[rating_col],
            purpose="training on rated texts",
        )
        rating_values = frame[rating_col].tolist()
    else:
        frame = text_frame(texts, langs, purpose="training on rated texts")
        rating_values = list(ratings)
        if len(rating_values) != len(frame):
            raise DataError(
                f"ratings has {len(rating_values):,} values but there are {len(frame):,} texts",
                table="feedback",
                column=rating_col,
                rule="length_mismatch",
            )
    polarity = rating_polarity(rating_values)
    usable = pd.notna(polarity) & (frame[TEXT].str.strip() != "").to_numpy()
    if not usable.any():
        raise DataError(
            "no text has a 1–2★ or 4–5★ rating to learn from",
            table="feedback",
            column=rating_col,
            rule="no_rated_texts",
        )
    frame = frame[usable].reset_index(drop=True)
    frame["lang"] = resolve_languages(frame, languages)
    frame["polarity"] = polarity[usable]
    pipelines: dict[str, Any] = {}
    priors: set[str] = set()
    embedded: set[str] = set()
    heads: set[str] = set()
    rows = []
    for lang, part in frame.dropna(subset=["lang"]).groupby("lang", sort=True):
        y = part["polarity"].to_numpy(dtype=str)
        n_pos, n_neg = int((y == "pos").sum()), int((y == "neg").sum())
        row: dict[str, Any] = {
            "lang": lang,
            "n_texts": len(part),
            "n_pos": n_pos,
            "n_neg": n_neg,
            "n_distinct": 0,
            "trained": False,
            "cv_accuracy": np.nan,
            "cv_ci_low": np.nan,
            "cv_ci_high": np.nan,
            "warning": "",
            "lexicon_accuracy": np.nan,
            "lexicon_coverage": np.nan,
        }
        texts_l = part[TEXT].tolist()
        keys = np.asarray(near_duplicate_keys(texts_l, str(lang)), dtype=object)
        row["n_distinct"] = len(set(keys))
        distinct_per_class = min(len(set(keys[y == "pos"])), len(set(keys[y == "neg"])))
        lexicon_scores = None
        if lang in available_languages():
            lex = load_lexicon(lang)
            scored = [score_text(t, lex) for t in texts_l]
            lexicon_scores = np.array([s.score for s in scored], dtype=float)
            row["lexicon_accuracy"] = float(
                np.mean([label_of(s.score) == truth for s, truth in zip(scored, y, strict=True)])
            )
            row["lexicon_coverage"] = float(np.mean([bool(s.terms) for s in scored]))
        if len(part) >= min_texts and distinct_per_class >= folds:
            # The vocabulary and IDF weights are fitted once on all texts of the language (they
            # never see a label); the classifier is cross-validated on that matrix.
            tfidf = _vectorizer(lang)
            X = tfidf.fit_transform(texts_l)
            if lang in available_pretrained():
                X = _with_prior(X, texts_l, str(lang))
                priors.add(str(lang))
            if embeddings:
                head = str(lang) not in priors
                X = _with_embedding(X, texts_l, str(lang), lexicon_scores, head=head)[0]
                embedded.add(str(lang))
                heads.update([str(lang)] if head else [])
            cv = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
            predicted = cross_val_predict(_classifier(C, seed), X, y, cv=cv, groups=keys)
            correct = int((predicted == y).sum())
            low, high = wilson_interval(correct, len(y), alpha)
            row.update(trained=True, cv_accuracy=correct / len(y), cv_ci_low=low, cv_ci_high=high)
            row["warning"] = _plausibility(correct / len(y), row["n_distinct"], len(y))
            pipelines[lang] = Pipeline([("tfidf", tfidf), ("logreg", _classifier(C, seed).fit(X, y))])
        rows.append(row)
    table = pd.DataFrame(
        rows,
        columns=[
            "lang",
            "n_texts",
            "n_pos",
            "n_neg",
            "n_distinct",
            "trained",
            "cv_accuracy",
            "cv_ci_low",
            "cv_ci_high",
            "warning",
            "lexicon_accuracy",
            "lexicon_coverage",
        ],
    )
    table["lang"] = table["lang"].astype("str")
    table["warning"] = table["warning"].astype("str")
    names = {lang: pipe.named_steps["tfidf"].get_feature_names_out() for lang, pipe in pipelines.items()}
    return SentimentModel(
        pipelines=pipelines,
        table=table,
        folds=folds,
        alpha=alpha,
        feature_names=names,
        priors=frozenset(priors),
        embedded=frozenset(embedded),
        heads=frozenset(heads),
    )
