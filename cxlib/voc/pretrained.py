"""The pretrained sentiment backend: compact classifiers shipped inside the package.

For a language with a file ``cxlib/voc/models/<lang>.npz``, texts are scored by a logistic
regression on hashed character n-grams (TF-IDF weighted, sublinear term frequency, rows
L2-normalised), trained on public labelled reviews whose licence allows it (see
``cxlib/voc/models/README.md`` and ``benchmarks/train_voc_models.py``). Hashing needs no
vocabulary, so a model is two float16 vectors (IDF weights and coefficients) and a few
settings: no pickle, nothing downloaded, the same numbers on every machine.

Character n-grams work without a tokeniser for Chinese and cope with inflection and typos;
measured on held-out real reviews (``benchmarks/eval_voc.py``) they beat the lexicon by far
where enough licensed training data exists.

A file may carry a ``scale`` (default 1) that multiplies its scores: a model of a close
language used where no licensed training data exists (the Polish model for Slovak and Czech)
is scaled down, so that the lexicon decides where it finds terms and the model mostly
decides the texts the lexicon finds nothing in.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from cxlib.voc.normalize import normalize

__all__ = ["PretrainedModel", "available_pretrained", "fit_pretrained", "load_pretrained"]


def _model_dir() -> Any:
    return resources.files("cxlib.voc").joinpath("models")


@functools.cache
def available_pretrained() -> tuple[str, ...]:
    """ISO 639-1 codes of the languages with a shipped model."""
    return tuple(sorted(p.name[:-4] for p in _model_dir().iterdir() if p.name.endswith(".npz")))


@dataclass(frozen=True)
class PretrainedModel:
    """A hashed character n-gram logistic regression of one language.

    Attributes
    ----------
    lang : str
    analyzer : str
        ``char`` or ``char_wb`` (scikit-learn's HashingVectorizer analyzers).
    ngram_range : tuple of int
    idf : numpy.ndarray
        IDF weight of each hashed feature (float32).
    coef : numpy.ndarray
        Logistic-regression coefficient of each feature, towards positive (float32).
    intercept : float
    scale : float, default 1.0
        Multiplier of the scores (below 1 for a model borrowed from a close language).
    """

    lang: str
    analyzer: str
    ngram_range: tuple[int, int]
    idf: np.ndarray
    coef: np.ndarray
    intercept: float
    scale: float = 1.0

    @property
    def n_features(self) -> int:
        """Number of hashed features."""
        return len(self.coef)

    @functools.cached_property
    def _vectorizer(self) -> Any:
        return _hashing(self.lang, self.analyzer, self.ngram_range, self.n_features)

    def features(self, texts: Sequence[str]) -> Any:
        """TF-IDF rows (scipy CSR, L2-normalised) of ``texts``."""
        return _tfidf(self._vectorizer.transform(list(texts)), self.idf)

    def predict(self, texts: Sequence[str], *, n_terms: int = 3) -> tuple[np.ndarray, list[list[str]]]:
        """Scores ``scale · (2·P(positive) − 1)`` and, per text, the n-grams that pushed it most.

        Returns
        -------
        scores : numpy.ndarray
        terms : list of list of str
        """
        texts = list(texts)
        X = self.features(texts)
        z = X @ self.coef.astype(np.float64) + self.intercept
        scores = self.scale * (2.0 / (1.0 + np.exp(-z)) - 1.0)
        if n_terms <= 0:
            return scores, [[] for _ in texts]
        return scores, self._explain(texts, X, scores, n_terms)

    def _explain(self, texts: list[str], X: Any, scores: np.ndarray, n_terms: int) -> list[list[str]]:
        from sklearn.utils import murmurhash3_32

        analyze = self._vectorizer.build_analyzer()
        out: list[list[str]] = []
        for i, text in enumerate(texts):
            lo, hi = X.indptr[i], X.indptr[i + 1]
            idx = X.indices[lo:hi]
            sign = 1.0 if scores[i] >= 0 else -1.0
            contrib = X.data[lo:hi] * self.coef[idx] * sign
            top = [int(idx[t]) for t in np.argsort(-contrib)[:n_terms] if contrib[t] > 0]
            if not top:
                out.append([])
                continue
            wanted = set(top)
            names: dict[int, str] = {}
            for gram in analyze(text):
                j = abs(murmurhash3_32(gram, seed=0)) % self.n_features
                if j in wanted and j not in names and gram.strip():
                    names[j] = gram.strip()
            out.append(list(dict.fromkeys(names[j] for j in top if j in names)))
        return out


def _hashing(lang: str, analyzer: str, ngram_range: tuple[int, int], n_features: int) -> Any:
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(
        analyzer=analyzer,
        ngram_range=ngram_range,
        n_features=n_features,
        alternate_sign=False,
        norm=None,
        preprocessor=functools.partial(normalize, lang=lang),
        dtype=np.float64,
    )


def _tfidf(counts: Any, idf: np.ndarray) -> Any:
    """Sublinear TF (1 + log tf) times IDF, rows L2-normalised (scikit-learn's TfidfTransformer)."""
    from sklearn.preprocessing import normalize as l2_rows

    X = counts.tocsr().astype(np.float64)
    X.data = 1.0 + np.log(X.data)
    X.data *= idf.astype(np.float64)[X.indices]
    return l2_rows(X, norm="l2", copy=False)


@functools.cache
def load_pretrained(lang: str) -> PretrainedModel:
    """Load the shipped model of ``lang`` (cached); see :func:`available_pretrained`."""
    if lang not in available_pretrained():
        raise KeyError(f"no pretrained sentiment model for {lang!r}; available: {available_pretrained()}")
    with _model_dir().joinpath(f"{lang}.npz").open("rb") as fh, np.load(fh) as data:
        return PretrainedModel(
            lang=lang,
            analyzer=str(data["analyzer"]),
            ngram_range=(int(data["ngram_range"][0]), int(data["ngram_range"][1])),
            idf=data["idf"].astype(np.float32),
            coef=data["coef"].astype(np.float32),
            intercept=float(data["intercept"]),
            scale=float(data["scale"]) if "scale" in data else 1.0,
        )


def fit_pretrained(
    texts: Sequence[str],
    labels: Sequence[str],
    lang: str,
    *,
    analyzer: str = "char_wb",
    ngram_range: tuple[int, int] = (2, 5),
    n_features: int = 2**18,
    C: float = 4.0,
    path: str | Path | None = None,
) -> PretrainedModel:
    """Fit a model on labelled texts (``pos``/``neg``) and optionally save it as ``.npz``.

    The weights are rounded to float16 before the model is returned, so the returned model
    predicts exactly what the saved file will.

    Parameters
    ----------
    texts, labels : sequence
        Texts and their labels, ``"pos"`` or ``"neg"``.
    lang : str
        ISO 639-1 code (selects the text normalisation).
    analyzer, ngram_range, n_features : see :class:`PretrainedModel`
    C : float, default 4.0
        Inverse L2 regularisation strength of the logistic regression.
    path : path, optional
        Where to write the model.

    Returns
    -------
    PretrainedModel
    """
    from sklearn.feature_extraction.text import TfidfTransformer
    from sklearn.linear_model import LogisticRegression

    y = np.asarray(labels, dtype=str)
    if set(np.unique(y)) != {"neg", "pos"}:
        raise ValueError("labels must contain both 'pos' and 'neg' and nothing else")
    counts = _hashing(lang, analyzer, ngram_range, n_features).transform(list(texts))
    tfidf = TfidfTransformer(sublinear_tf=True).fit(counts)
    X = tfidf.transform(counts)
    clf = LogisticRegression(C=C, max_iter=5000).fit(X, y)
    sign = 1.0 if clf.classes_[1] == "pos" else -1.0
    idf = tfidf.idf_.astype(np.float16)
    coef = (sign * clf.coef_[0]).astype(np.float16)
    intercept = float(sign * clf.intercept_[0])
    if path is not None:
        np.savez_compressed(
            path,
            analyzer=np.array(analyzer),
            ngram_range=np.array(ngram_range),
            idf=idf,
            coef=coef,
            intercept=np.array(intercept),
        )
    return PretrainedModel(
        lang=lang,
        analyzer=analyzer,
        ngram_range=ngram_range,
        idf=idf.astype(np.float32),
        coef=coef.astype(np.float32),
        intercept=intercept,
    )
