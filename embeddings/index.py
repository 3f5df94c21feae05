"""Nearest-neighbour search over normalised vectors with FAISS (inner product = cosine).

Exact ``IndexFlatIP`` by default (articles are small). ``method="hnsw"`` is an
opt-in approximate index for large collections; the method is part of every
report's signature.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

METHODS = ("exact", "hnsw")


@dataclass(frozen=True)
class Neighbours:
    """``scores[i, r]`` is the cosine of query ``i`` with its ``r``-th nearest item ``ids[i, r]``."""

    scores: np.ndarray  # float32 (n_queries, k)
    ids: np.ndarray  # int64 (n_queries, k)


class VectorIndex:
    def __init__(self, vectors: np.ndarray, *, method: str = "exact", hnsw_m: int = 32) -> None:
        import faiss

        if method not in METHODS:
            raise ValueError(f"unknown index method {method!r}; choose from {', '.join(METHODS)}")
        vectors = _as_float32(vectors)
        self.method = method
        self.size, self.dim = vectors.shape
        if method == "exact":
            self._index = faiss.IndexFlatIP(self.dim)
        else:
            self._index = faiss.IndexHNSWFlat(self.dim, hnsw_m, faiss.METRIC_INNER_PRODUCT)
            self._index.hnsw.efSearch = 128
        if self.size:
            self._index.add(vectors)

    def search(self, queries: np.ndarray, k: int) -> Neighbours:
        """The ``k`` nearest items for each query (``k`` is capped at the index size)."""
        queries = _as_float32(queries)
        k = min(k, self.size)
        if k == 0 or len(queries) == 0:
            return Neighbours(np.zeros((len(queries), 0), np.float32), np.zeros((len(queries), 0), np.int64))
        scores, ids = self._index.search(queries, k)
        return Neighbours(scores, ids)


def _as_float32(x: np.ndarray) -> np.ndarray:
    x = np.ascontiguousarray(x, dtype=np.float32)
    if x.ndim != 2:
        raise ValueError(f"expected a 2-d array of vectors, got shape {x.shape}")
    return x


def mean_neighbour_similarity(queries: np.ndarray, items: np.ndarray, k: int, *, method: str = "exact") -> np.ndarray:
    """For each query, the mean cosine of its ``k`` nearest items: the denominator of margin scores."""
    found = VectorIndex(items, method=method).search(queries, k)
    if found.scores.shape[1] == 0:
        return np.zeros(len(queries), np.float32)
    return found.scores.mean(axis=1)
