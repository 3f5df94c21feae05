from __future__ import annotations

import numpy as np
import pytest

from embeddings.index import VectorIndex


def _unit(rng, n, d=16):
    x = rng.standard_normal((n, d)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_exact_search_finds_the_true_nearest_neighbours():
    rng = np.random.default_rng(0)
    items, queries = _unit(rng, 50), _unit(rng, 7)
    found = VectorIndex(items).search(queries, 3)
    expected = np.argsort(-(queries @ items.T), axis=1)[:, :3]
    np.testing.assert_array_equal(found.ids, expected)
    np.testing.assert_allclose(found.scores, np.take_along_axis(queries @ items.T, expected, 1), atol=1e-5)


def test_k_is_capped_at_the_index_size():
    rng = np.random.default_rng(1)
    assert VectorIndex(_unit(rng, 2)).search(_unit(rng, 3), 10).ids.shape == (3, 2)


def test_hnsw_agrees_with_exact_on_a_small_set():
    rng = np.random.default_rng(2)
    items, queries = _unit(rng, 200), _unit(rng, 20)
    exact = VectorIndex(items).search(queries, 1).ids
    approx = VectorIndex(items, method="hnsw").search(queries, 1).ids
    assert (exact == approx).mean() >= 0.9


def test_unknown_method_is_refused():
    with pytest.raises(ValueError, match="unknown index method"):
        VectorIndex(np.zeros((1, 4), np.float32), method="magic")
