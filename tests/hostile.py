"""Helpers for the hostile-input tests: a small deterministic encoder and a CLI runner that uses it.

``FakeEncoder`` stands in for :class:`embeddings.encoder.Encoder` so that ``aligner compare``
runs end to end without a model: a sentence's vector counts the hashed trigrams of its
ASCII characters and digits (so sentences sharing ASCII payloads pair up) plus a little of
its own hash (so no vector is zero).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
from click.testing import CliRunner

DIM = 64


@dataclass(frozen=True)
class FakeSpec:
    name: str = "fake"
    kind: str = "local"
    note: str = ""


class FakeEncoder:
    spec = FakeSpec()
    identity = "fake@1"
    prefix = ""

    def __init__(self, *args, **kwargs) -> None:
        pass

    def encode(self, texts, *, progress=None) -> np.ndarray:
        out = np.stack([_vector(t) for t in texts]) if texts else np.zeros((0, DIM), dtype=np.float32)
        if progress:
            progress(len(texts), len(texts))
        return out

    def close(self) -> None:
        pass


def _bucket(s: str) -> int:
    return int.from_bytes(hashlib.blake2b(s.encode("utf-8", "surrogatepass"), digest_size=4).digest(), "big") % DIM


def _vector(text: str) -> np.ndarray:
    v = np.zeros(DIM, dtype=np.float32)
    ascii_part = "".join(ch for ch in text if ch.isascii() or ch.isdigit())
    for i in range(max(len(ascii_part) - 2, 0)):
        v[_bucket(ascii_part[i : i + 3])] += 1.0
    v[_bucket(text)] += 0.3
    return v / np.linalg.norm(v)


def run_compare(monkeypatch, *args: str, env: dict | None = None):
    """``aligner compare ARGS`` with :class:`FakeEncoder`; the CliRunner result (stdout and stderr apart)."""
    import embeddings.encoder

    from aligner.cli import main

    monkeypatch.setattr(embeddings.encoder, "Encoder", FakeEncoder)
    return CliRunner().invoke(main, ["compare", *args, "--quiet", "--no-pager"], env=env)
