"""Nearest-neighbour search over normalised vectors with FAISS (inner product = cosine).

Exact ``IndexFlatIP`` by default (articles are small). ``method="ivf"`` (an inverted file
over spherical k-means cells) and ``method="hnsw"`` (a graph) are opt-in approximate
indexes for large collections; the method is part of every report's signature.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

METHODS = ("exact", "hnsw", "ivf")
HNSW_M = 32
HNSW_EF_SEARCH = 128
HNSW_EF_CONSTRUCTION = 40  # FAISS's default
IVF_LISTS_PER_SQRT = 4  # nlist = this × sqrt(n): lists of about sqrt(n) / 4 items
# lists scanned per query: recall >= 0.99 of exact pairs from 5,000 a side (benchmarks/PAIRING_RESULTS.md)
IVF_NPROBE = 16
IVF_TRAIN_PER_LIST = 32  # k-means sample: this many vectors per list (keeps training linear in n)
IVF_TRAIN_ITER = 10
IVF_SEED = 1234


@dataclass(frozen=True)
class Neighbours:
    """``scores[i, r]`` is the cosine of query ``i`` with its ``r``-th nearest item ``ids[i, r]``.

    An approximate index may find fewer than ``k`` items for a query: the missing ranks have
    id ``-1`` (and a score below any cosine).
    """

    scores: np.ndarray  # float32 (n_queries, k)
    ids: np.ndarray  # int64 (n_queries, k)


class VectorIndex:
    """``vectors`` searchable by cosine.

    ``method``: ``exact``, ``hnsw`` (``hnsw_m``, ``ef_search``) or ``ivf`` (``nlist`` lists,
    default :func:`ivf_lists`; ``nprobe`` scanned per query; ``centroids``: coarse centroids
    trained elsewhere, e.g. by :func:`ivf_centroids` on both sides of a pairing, else trained
    on ``vectors``).
    """

    def __init__(self, vectors: np.ndarray, *, method: str = "exact", hnsw_m: int | None = None,
                 ef_search: int | None = None, nlist: int | None = None, nprobe: int | None = None,
                 centroids: np.ndarray | None = None) -> None:
        import faiss

        if method not in METHODS:
            raise ValueError(f"unknown index method {method!r}; choose from {', '.join(METHODS)}")
        vectors = _as_float32(vectors)
        self.method = method
        self.size, self.dim = vectors.shape
        self._quantizer = None
        self._index: faiss.Index
        if method == "exact" or (method == "ivf" and self.size == 0 and centroids is None):
            self._index = faiss.IndexFlatIP(self.dim)  # nothing to train an IVF on: nothing to find either
        elif method == "hnsw":
            hnsw = faiss.IndexHNSWFlat(self.dim, hnsw_m or HNSW_M, faiss.METRIC_INNER_PRODUCT)
            hnsw.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
            hnsw.hnsw.efSearch = ef_search or HNSW_EF_SEARCH
            self._index = hnsw
        else:
            if centroids is None:
                centroids = ivf_centroids(vectors, nlist or ivf_lists(self.size))
            centroids = _as_float32(centroids)
            self._quantizer = faiss.IndexFlatIP(self.dim)  # kept here: FAISS does not own it
            self._quantizer.add(centroids)
            ivf = faiss.IndexIVFFlat(self._quantizer, self.dim, len(centroids), faiss.METRIC_INNER_PRODUCT)
            ivf.is_trained = True  # the quantizer holds its centroids; IVFFlat trains nothing else
            ivf.nprobe = min(nprobe or IVF_NPROBE, len(centroids))
            self._index = ivf
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


def ivf_lists(n: int) -> int:
    """The default number of IVF lists for ``n`` items: :data:`IVF_LISTS_PER_SQRT` × √n, at least 1, at most n."""
    return max(1, min(n, int(round(IVF_LISTS_PER_SQRT * np.sqrt(n)))))


def ivf_centroids(vectors: np.ndarray, nlist: int, *, seed: int = IVF_SEED) -> np.ndarray:
    """``nlist`` unit centroids by spherical k-means on a sample of ``vectors`` (fewer if there are fewer vectors)."""
    import faiss

    vectors = _as_float32(vectors)
    nlist = max(1, min(nlist, len(vectors)))
    if len(vectors) == 0:
        raise ValueError("cannot train IVF centroids on 0 vectors")
    if nlist == len(vectors):
        return _unit_rows(vectors)
    kmeans = faiss.Kmeans(vectors.shape[1], nlist, niter=IVF_TRAIN_ITER, spherical=True, seed=seed,
                          max_points_per_centroid=IVF_TRAIN_PER_LIST, min_points_per_centroid=1)
    kmeans.train(vectors)
    assert kmeans.centroids is not None  # set by train
    return _unit_rows(kmeans.centroids)


def _unit_rows(x: np.ndarray) -> np.ndarray:
    return (x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)).astype(np.float32)


def _as_float32(x: np.ndarray) -> np.ndarray:
    x = np.ascontiguousarray(x, dtype=np.float32)
    if x.ndim != 2:
        raise ValueError(f"expected a 2-d array of vectors, got shape {x.shape}")
    return x


def mean_neighbour_similarity(queries: np.ndarray, items: np.ndarray, k: int, *,
                              method: str = "exact", **options) -> np.ndarray:
    """For each query, the mean cosine of its ``k`` nearest items: the denominator of margin scores.

    ``options`` go to :class:`VectorIndex`; ranks an approximate index did not fill are left out of the mean.
    """
    found = VectorIndex(items, method=method, **options).search(queries, k)
    if found.scores.shape[1] == 0:
        return np.zeros(len(queries), np.float32)
    valid = found.ids >= 0
    total = np.where(valid, found.scores, 0.0).sum(axis=1)
    return (total / np.maximum(valid.sum(axis=1), 1)).astype(np.float32)
