"""Approximate indexes (IVF, HNSW) against the exact one, and ``index="auto"``'s switch."""

from __future__ import annotations

import csv

import numpy as np
import pytest
from click.testing import CliRunner

from aligner import pairing
from aligner.cli import main
from aligner.pairing import choose_index, match_vectors
from embeddings.index import Neighbours, VectorIndex, ivf_centroids, ivf_lists, mean_neighbour_similarity



def _unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def _clustered(n: int, *, d: int = 48, topics: int = 40, pair_noise: float = 1.2, seed: int = 0):
    """Topic centres plus each article's own direction; right[i] is left[i] plus noise (cosine about 0.6)."""
    rng = np.random.default_rng(seed)
    centres = _unit(rng.standard_normal((topics, d)))
    left = _unit(0.6 * centres[rng.integers(0, topics, n)] + 0.8 * _unit(rng.standard_normal((n, d))))
    right = _unit(left + pair_noise * _unit(rng.standard_normal((n, d))))
    return left, right


def _pairs(matches) -> set[tuple[int, int]]:
    return {(m.left, m.right) for m in matches}


# -- the index ---------------------------------------------------------------------------------


def test_ivf_finds_nearly_all_exact_nearest_neighbours_on_clustered_vectors():
    items, queries = _clustered(3000)
    exact = VectorIndex(items).search(queries, 4).ids[:, 0]
    ivf = VectorIndex(items, method="ivf")
    assert ivf._index.nprobe < ivf_lists(3000)  # it does not scan every list
    recall = (ivf.search(queries, 4).ids[:, 0] == exact).mean()
    one_probe = (VectorIndex(items, method="ivf", nprobe=1).search(queries, 4).ids[:, 0] == exact).mean()
    assert recall >= 0.95 and one_probe < recall - 0.05


def test_ivf_scores_are_the_exact_cosines_of_what_it_finds():
    items, queries = _clustered(500, seed=1)
    found = VectorIndex(items, method="ivf").search(queries, 3)
    valid = found.ids >= 0
    expected = np.einsum("qd,qkd->qk", queries, items[np.maximum(found.ids, 0)])
    np.testing.assert_allclose(found.scores[valid], expected[valid], atol=1e-5)


@pytest.mark.parametrize("n", [1, 2, 7])
def test_ivf_with_fewer_items_than_lists_is_exact(n):
    rng = np.random.default_rng(n)
    items, queries = _unit(rng.standard_normal((n, 16))), _unit(rng.standard_normal((5, 16)))
    exact = VectorIndex(items).search(queries, 3)
    found = VectorIndex(items, method="ivf", nlist=50).search(queries, 3)
    assert found.ids.shape == (5, min(3, n))
    np.testing.assert_array_equal(found.ids, exact.ids)
    np.testing.assert_allclose(found.scores, exact.scores, atol=1e-6)


@pytest.mark.parametrize("method", ["exact", "ivf", "hnsw"])
def test_an_empty_index_finds_nothing(method):
    found = VectorIndex(np.zeros((0, 8), np.float32), method=method).search(_unit(np.ones((3, 8))), 4)
    assert found.ids.shape == (3, 0) and found.scores.shape == (3, 0)
    assert mean_neighbour_similarity(_unit(np.ones((3, 8))), np.zeros((0, 8), np.float32), 4,
                                     method=method).tolist() == [0, 0, 0]


@pytest.mark.parametrize("method", ["ivf", "hnsw"])
def test_k_larger_than_the_index_is_capped(method):
    items, queries = _clustered(30, seed=2)
    found = VectorIndex(items, method=method).search(queries, 100)
    assert found.ids.shape == (30, 30)


def test_unfilled_ranks_are_left_out_of_the_mean_neighbour_similarity():
    """One probed list of a many-list IVF holds fewer than k items: the mean is over what was found."""
    items, queries = _clustered(400, seed=3)
    found = VectorIndex(items, method="ivf", nlist=100, nprobe=1).search(queries, 20)
    assert (found.ids < 0).any()
    means = mean_neighbour_similarity(queries, items, 20, method="ivf", nlist=100, nprobe=1)
    valid = found.ids >= 0
    np.testing.assert_allclose(means, np.where(valid, found.scores, 0).sum(1) / valid.sum(1), atol=1e-6)
    assert np.all(np.isfinite(means)) and np.all(means <= 1.0)


def test_ivf_centroids_are_unit_and_at_most_one_per_vector():
    items, _ = _clustered(50, seed=4)
    assert ivf_centroids(items, 200).shape == (50, items.shape[1])
    centroids = ivf_centroids(items, 8)
    assert centroids.shape == (8, items.shape[1])
    np.testing.assert_allclose(np.linalg.norm(centroids, axis=1), 1.0, atol=1e-5)
    with pytest.raises(ValueError, match="0 vectors"):
        ivf_centroids(items[:0], 4)


def test_unknown_method_names_the_choices():
    with pytest.raises(ValueError, match="exact, hnsw, ivf"):
        VectorIndex(np.zeros((1, 4), np.float32), method="annoy")


# -- pairing with an approximate index ---------------------------------------------------------


@pytest.mark.parametrize("method", ["ivf", "hnsw"])
def test_approximate_pairs_recall_the_exact_pairs(method):
    left, right = _clustered(3000, seed=5)
    perm = np.random.default_rng(6).permutation(3000)
    exact = _pairs(match_vectors(left, right[perm], index="exact"))
    approx = _pairs(match_vectors(left, right[perm], index=method))
    assert len(exact) > 2500
    assert len(exact & approx) / len(exact) >= 0.97  # 0.98-1.0 here; >= 0.99 on the benchmark's 768-d vectors
    assert len(approx - exact) <= 0.01 * len(exact)


def test_a_pair_missed_one_way_is_found_the_other_way(monkeypatch):
    """The right-to-left search finds nothing at all: the left-to-right hits still pair both sides."""
    left, right = _clustered(200, seed=7)
    real = pairing.VectorIndex
    calls = []

    class OneWayBlind(real):
        def search(self, queries, k):
            calls.append(len(queries))
            found = super().search(queries, k)
            if len(calls) == 2:  # the second search: right articles as queries
                return Neighbours(np.full_like(found.scores, -np.finfo(np.float32).max), np.full_like(found.ids, -1))
            return found

    monkeypatch.setattr(pairing, "VectorIndex", OneWayBlind)
    found = _pairs(match_vectors(left, right, index="ivf"))
    assert len(calls) == 2
    assert len(found & {(i, i) for i in range(200)}) >= 190
    calls.clear()
    assert match_vectors(left, right, index="exact") == []  # exact hits are complete: not merged


@pytest.mark.parametrize(
    "n_left, n_right, index, expected",
    [
        (pairing.EXACT_MAX_SIZE, pairing.EXACT_MAX_SIZE, "auto", "exact"),
        (pairing.EXACT_MAX_SIZE + 1, 3, "auto", "ivf"),
        (3, pairing.EXACT_MAX_SIZE + 1, "auto", "ivf"),
        (0, 0, "auto", "exact"),
        (5, 5, "ivf", "ivf"),
        (10**6, 10**6, "exact", "exact"),
        (5, 5, "hnsw", "hnsw"),
    ],
)
def test_choose_index(n_left, n_right, index, expected):
    assert choose_index(n_left, n_right, index) == expected


def test_choose_index_refuses_an_unknown_name():
    with pytest.raises(ValueError, match="auto, exact, hnsw, ivf"):
        choose_index(1, 1, "faiss")


@pytest.mark.parametrize("method", ["ivf", "hnsw"])
def test_date_window_with_an_approximate_index(method):
    import datetime as dt

    left, right = _clustered(300, seed=8)
    day = dt.date(2025, 3, 1)
    left_dates = [day + dt.timedelta(days=i // 10) for i in range(300)]
    right_dates = list(left_dates)
    right_dates[5] = day + dt.timedelta(days=400)  # left 5's counterpart is far off
    found = _pairs(match_vectors(left, right, index=method, left_dates=left_dates,
                                 right_dates=right_dates, date_window_days=2))
    assert (5, 5) not in found
    assert len(found & {(i, i) for i in range(300)}) >= 290


# -- the CLI -----------------------------------------------------------------------------------


@pytest.mark.slow
def test_cli_pair_with_ivf_proposes_what_exact_proposes(tmp_path, article_dirs, cache_dir):
    left, right = article_dirs
    rows = {}
    for index in ("exact", "ivf"):
        out = tmp_path / f"{index}.csv"
        result = CliRunner().invoke(main, ["pair", str(left), str(right), "--index", index, "--out", str(out),
                                           "--cache-dir", str(cache_dir)])
        assert result.exit_code == 0, result.output
        assert f"({index} index)" in result.stderr
        rows[index] = list(csv.reader(out.read_text(encoding="utf-8").splitlines()))
    assert len(rows["ivf"]) == 5 and rows["ivf"] == rows["exact"]
