"""The published baselines on hand-made vectors: no model needed."""

from __future__ import annotations

import numpy as np
import pytest

from aligner.align import AlignError
from benchmarks.baselines import BASELINES, bertalign_two_pass, greedy_nn, margin_mnn, vecalign_dp

DIM = 384
ALL = sorted(BASELINES)
DP = ["vecalign", "bertalign"]


def _unit(x):
    x = np.asarray(x, np.float32)
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


@pytest.fixture(scope="module")
def topics():
    """Unit 'topic' vectors, and a shared 'article' direction that makes every raw cosine high."""
    rng = np.random.default_rng(7)
    return _unit(rng.standard_normal((40, DIM))), _unit(rng.standard_normal(DIM))


def _doc(rng, topics, ids, *, shared=0.8, noise=0.3):
    """One sentence per topic id: topic + shared component + noise, normalised."""
    vecs, article = topics
    noise_part = noise * rng.standard_normal((len(ids), DIM)).astype(np.float32) / np.sqrt(DIM)
    return _unit(vecs[ids] + shared * article + noise_part)


def _summing_encoder(left, right):
    """Joined runs as the normalised sum of their parts (what a model roughly does)."""

    def encode(side, runs):
        vecs = left if side == "left" else right
        return _unit(np.stack([vecs[a:b].sum(axis=0) for a, b in runs]))

    return encode


def _ids_once(result, n, m):
    left = sorted([i for p in result.pairs for i in p.left] + result.left_only)
    right = sorted([j for p in result.pairs for j in p.right] + result.right_only)
    return left == list(range(n)) and right == list(range(m))


@pytest.mark.parametrize("name", ALL)
def test_a_parallel_document_pairs_each_segment_with_its_own(name, topics):
    rng = np.random.default_rng(1)
    ids = list(range(20))
    left, right = _doc(rng, topics, ids), _doc(rng, topics, ids)
    result = BASELINES[name](left, right, span_encoder=_summing_encoder(left, right))
    diagonal = {(p.left, p.right) for p in result.pairs} & {((i,), (i,)) for i in ids}
    assert len(diagonal) >= 19, result.pairs
    assert _ids_once(result, 20, 20)


def _with_inserted_sentence(topics, side):
    """Twelve shared sentences; one more (topic 30) in the middle of ``side`` only, at id 6."""
    rng = np.random.default_rng(2)
    shared = list(range(12))
    with_extra = shared[:6] + [30] + shared[6:]
    left_ids, right_ids = (with_extra, shared) if side == "left" else (shared, with_extra)
    return _doc(rng, topics, left_ids), _doc(rng, topics, right_ids)


# Vecalign's deletion penalty is what the harness tunes; 0.5 is half the cost of pairing two
# unrelated sentences (costs are normalised so that a random pair costs about 1).
@pytest.mark.parametrize(("name", "options"), [("vecalign", {"del_penalty": 0.5}), ("bertalign", {})])
@pytest.mark.parametrize("side", ["left", "right"])
def test_the_dp_baselines_leave_an_inserted_sentence_one_sided(name, options, side, topics):
    left, right = _with_inserted_sentence(topics, side)
    result = BASELINES[name](left, right, span_encoder=_summing_encoder(left, right), **options)
    assert (result.left_only, result.right_only) == (([6], []) if side == "left" else ([], [6]))
    assert all(len(p.left) == len(p.right) == 1 for p in result.pairs), result.pairs


@pytest.mark.parametrize("side", ["left", "right"])
def test_vecalign_at_the_tools_default_penalty_absorbs_an_inserted_sentence(side, topics):
    """Characterisation: the 0.2 quantile of 1:1 costs is about a random pair's cost, which is
    dearer than joining the sentence to a neighbour's step (a 2:1 or 1:2 step)."""
    left, right = _with_inserted_sentence(topics, side)
    result = vecalign_dp(left, right, span_encoder=_summing_encoder(left, right))
    assert result.left_only == [] and result.right_only == []
    joined = [p for p in result.pairs if 6 in (p.left if side == "left" else p.right)]
    assert len(joined) == 1 and len(joined[0].left) + len(joined[0].right) == 3


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("shape", [(0, 5), (5, 0), (1, 1), (9, 11)])
def test_every_segment_appears_exactly_once(name, shape, topics):
    """Reordered, one-sided on both sides, sizes from empty up."""
    rng = np.random.default_rng(3)
    n, m = shape
    left_ids = [0, 1, 2, 3, 4, 5, 6, 20, 21][:n]
    right_ids = [5, 6, 0, 1, 2, 3, 4, 22, 23, 24, 25][:m]
    left = _doc(rng, topics, left_ids) if n else np.zeros((0, DIM), np.float32)
    right = _doc(rng, topics, right_ids) if m else np.zeros((0, DIM), np.float32)
    result = BASELINES[name](left, right)
    assert _ids_once(result, n, m)
    assert all(p.left == tuple(range(p.left[0], p.left[-1] + 1)) for p in result.pairs)
    assert all(p.right == tuple(range(p.right[0], p.right[-1] + 1)) for p in result.pairs)


@pytest.mark.parametrize("name", DP)
@pytest.mark.parametrize("with_encoder", [True, False])
def test_the_dp_baselines_find_a_sentence_split_in_two(name, with_encoder, topics):
    rng = np.random.default_rng(4)
    right = _doc(rng, topics, list(range(10)))
    # left 3 says what right 3 and 4 say together
    left_rows = [right[i] for i in range(3)] + [right[3] + right[4]] + [right[i] for i in range(5, 10)]
    left = _unit(np.stack(left_rows) + 0.3 * rng.standard_normal((9, DIM)).astype(np.float32) / np.sqrt(DIM))
    encoder = _summing_encoder(left, right) if with_encoder else None
    result = BASELINES[name](left, right, span_encoder=encoder)
    assert any(p.left == (3,) and p.right == (3, 4) for p in result.pairs), result.pairs
    assert result.left_only == [] and result.right_only == []
    assert _ids_once(result, 9, 10)


def test_greedy_nn_gives_a_right_segment_to_one_left_segment_only():
    right = _unit(np.eye(4)[:2])
    left = _unit([[1.0, 0.0, 0.3, 0.0], [1.0, 0.0, 0.0, 0.1], [0.0, 1.0, 0.0, 0.0]])
    result = greedy_nn(left, right, threshold=0.5)
    assert [(p.left, p.right) for p in result.pairs] == [((1,), (0,)), ((2,), (1,))]
    assert result.left_only == [0]


def test_greedy_nn_threshold_leaves_weak_matches_one_sided():
    left, right = _unit(np.eye(4)[:2]), _unit([[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 1.0, 1.0]])
    result = greedy_nn(left, right, threshold=0.8)
    assert [(p.left, p.right) for p in result.pairs] == [((0,), (0,))]
    assert result.left_only == [1] and result.right_only == [1]


def test_margin_mnn_uses_the_ratio_margin(topics):
    rng = np.random.default_rng(5)
    left, right = _doc(rng, topics, [0, 1, 2, 3, 4]), _doc(rng, topics, [0, 1, 2, 3, 4])
    k = 2
    result = margin_mnn(left, right, k=k, threshold=0.0)
    cos = left @ right.T
    hood_left = np.sort(cos, axis=1)[:, -k:].sum(axis=1) / (2 * k)
    hood_right = np.sort(cos, axis=0)[-k:, :].sum(axis=0) / (2 * k)
    for p in result.pairs:
        (i,), (j,) = p.left, p.right
        assert p.margin == pytest.approx(cos[i, j] / (hood_left[i] + hood_right[j]), rel=1e-4)
    assert {(p.left, p.right) for p in result.pairs} == {((i,), (i,)) for i in range(5)}


def test_margin_mnn_keeps_only_mutual_best_pairs_above_threshold(topics):
    rng = np.random.default_rng(6)
    left, right = _doc(rng, topics, [0, 1, 2, 10]), _doc(rng, topics, [0, 1, 2, 11])
    result = margin_mnn(left, right)
    assert {(p.left, p.right) for p in result.pairs} == {((0,), (0,)), ((1,), (1,)), ((2,), (2,))}
    assert result.left_only == [3] and result.right_only == [3]


def test_vecalign_deletion_penalty_controls_one_sided_segments(topics):
    rng = np.random.default_rng(8)
    left, right = _doc(rng, topics, [0, 1, 2, 3]), _doc(rng, topics, [0, 1, 2, 3])
    assert vecalign_dp(left, right, del_penalty=0.0).pairs == []
    everything = vecalign_dp(left, right, del_penalty=100.0)
    assert {(p.left, p.right) for p in everything.pairs} == {((i,), (i,)) for i in range(4)}


def test_bertalign_length_penalty_is_neutral_for_proportional_lengths(topics):
    rng = np.random.default_rng(9)
    left, right = _doc(rng, topics, list(range(8))), _doc(rng, topics, list(range(8)))
    lengths = np.full(8, 40.0)
    plain = bertalign_two_pass(left, right)
    penalised = bertalign_two_pass(left, right, left_lengths=lengths, right_lengths=2 * lengths)
    assert [(p.left, p.right) for p in plain.pairs] == [(p.left, p.right) for p in penalised.pairs]
    with pytest.raises(AlignError, match="lengths"):
        bertalign_two_pass(left, right, left_lengths=lengths[:3], right_lengths=lengths)


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize(
    "bad", [np.full((2, 8), np.nan, np.float32), np.zeros((2, 4), np.float32), np.zeros(8, np.float32)]
)
def test_inconsistent_vectors_are_refused(name, bad):
    with pytest.raises(AlignError):
        BASELINES[name](_unit(np.eye(8)[:2]), bad)


@pytest.mark.parametrize("name", DP)
def test_a_span_encoder_of_the_wrong_shape_is_refused(name):
    vecs = _unit(np.eye(8)[:4])
    with pytest.raises(AlignError, match="span encoder"):
        BASELINES[name](vecs, vecs, span_encoder=lambda side, runs: np.zeros((1, 8), np.float32))


def test_the_registry_names_the_four_baselines():
    assert {"greedy-nn": greedy_nn, "margin-mnn": margin_mnn, "vecalign": vecalign_dp,
            "bertalign": bertalign_two_pass} == BASELINES
