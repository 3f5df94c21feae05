"""The converted default model run by ONNX Runtime, tokenised by sentencepiece: no torch.

Loads in under a second where sentence-transformers needs several (most of it
importing torch), and encodes the same vectors (cosine 1.0000 in fp32).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .onnx_graph import INPUTS, OUTPUT
from .pieces import PieceTokenizer

RUNTIME = "onnx-fp32"  # part of the model identity: the vectors depend on it
ONNX_FILE = "onnx/sentence-embedding-fp32.onnx"


class OnnxModel:
    """``encode(texts)`` -> L2-normalised float32 rows, for texts already carrying their prefix."""

    def __init__(self, folder: Path, *, threads: int | None = None) -> None:
        import onnxruntime as ort

        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        self.dim = int(config["hidden_size"])
        self.threads = threads
        self.tokenizer = PieceTokenizer(folder)
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.inter_op_num_threads = 1
        if threads:
            options.intra_op_num_threads = threads
        options.log_severity_level = 3  # errors only
        self.session = ort.InferenceSession(str(folder / ONNX_FILE), options, providers=["CPUExecutionProvider"])

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        ids, mask = self.tokenizer.batch(texts)
        (vectors,) = self.session.run([OUTPUT], {INPUTS[0]: ids, INPUTS[1]: mask})
        return np.asarray(vectors, dtype=np.float32)
