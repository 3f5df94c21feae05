"""The aligner on hand-made vectors: no model needed."""

from __future__ import annotations

import numpy as np
import pytest

from aligner.align import (AlignError, AlignParams, align, fill_by_order, gap_imbalance, in_order_chain, length_penalty,
                           looks_parallel)


def _unit(x):
    x = np.asarray(x, np.float32)
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def _doc(rng, topics, noise=0.35):
    """Sentences as topic vectors plus noise; a shared 'article' direction makes raw cosines high."""
    article = np.zeros(topics.shape[1], np.float32)
    article[0] = 3.0
    return _unit(topics + article + noise * rng.standard_normal(topics.shape).astype(np.float32))


@pytest.fixture
def topics():
    rng = np.random.default_rng(7)
    return rng.standard_normal((12, 384)).astype(np.float32)


def _ids_once(result, n, m):
    left = sorted([i for p in result.pairs for i in p.left] + result.left_only)
    right = sorted([j for p in result.pairs for j in p.right] + result.right_only)
    return left == list(range(n)) and right == list(range(m))


def test_reordered_shared_sentences_pair_and_the_rest_is_one_sided(topics):
    rng = np.random.default_rng(1)
    left_topics = [0, 1, 2, 3, 4, 5, 6, 7, 8]  # 7, 8 only left
    right_topics = [5, 6, 0, 1, 2, 3, 4, 9, 10, 11]  # 9-11 only right; 5, 6 moved to the top
    result = align(_doc(rng, topics[left_topics]), _doc(rng, topics[right_topics]))
    pairs = {(p.left, p.right) for p in result.pairs}
    expected = {((left_topics.index(t),), (right_topics.index(t),)) for t in range(7)}
    assert pairs == expected
    assert result.left_only == [7, 8]
    assert result.right_only == [7, 8, 9]
    assert _ids_once(result, 9, 10)


def test_one_sentence_pairs_with_the_two_that_split_it(topics):
    rng = np.random.default_rng(3)
    left = _doc(rng, topics[[0, 1, 2, 3, 4]])
    # right: 0, then topic 1 said in two halves (1a, 1b), then 2, 3, 4
    half_a, half_b = topics[1] + 0.8 * topics[5], topics[1] - 0.8 * topics[5]
    right = _doc(rng, np.stack([topics[0], half_a, half_b, topics[2], topics[3], topics[4]]), noise=0.1)

    def span_encoder(side, runs):
        vecs = left if side == "left" else right
        return _unit(np.stack([vecs[a:b].sum(axis=0) for a, b in runs]))

    result = align(left, right, span_encoder=span_encoder)
    assert any(p.left == (1,) and p.right == (1, 2) for p in result.pairs), result.pairs
    assert result.right_only == []
    assert _ids_once(result, 5, 6)


def test_unrelated_documents_share_nothing(topics):
    rng = np.random.default_rng(4)
    result = align(_doc(rng, topics[:5]), _doc(rng, topics[5:11]))
    assert result.pairs == []
    assert result.left_only == list(range(5)) and result.right_only == list(range(6))


def test_an_empty_side_leaves_everything_one_sided():
    result = align(np.zeros((0, 8), np.float32), _unit(np.eye(8)[:3]))
    assert result.pairs == [] and result.right_only == [0, 1, 2]


@pytest.mark.parametrize("bad", [np.full((2, 8), np.nan, np.float32), np.zeros((2, 4), np.float32)])
def test_inconsistent_vectors_are_refused(bad):
    with pytest.raises(AlignError):
        align(_unit(np.eye(8)[:2]), bad)


def test_parameters_appear_in_the_signature():
    sig = AlignParams(k=3, threshold=0.2).signature()
    assert "k:3" in sig and "margin:0.2" in sig and "index:exact" in sig
    assert "length:0.5+0.4" in AlignParams(length_weight=0.5).signature()


def test_a_parallel_document_pairs_even_its_weakly_similar_sentences():
    rng = np.random.default_rng(11)
    topics = rng.standard_normal((20, 384)).astype(np.float32)
    left = _doc(rng, topics)
    weak = topics.copy()
    weak[[4, 9, 15]] = 0.3 * topics[[4, 9, 15]] + rng.standard_normal((3, 384)).astype(np.float32)
    right = _doc(rng, weak)
    result = align(left, right)
    assert {(p.left, p.right) for p in result.pairs} == {((i,), (i,)) for i in range(20)}
    assert result.left_only == [] and result.right_only == []


def test_sparse_links_in_order_do_not_make_a_document_parallel(topics):
    # three shared sentences in order among many one-sided ones: the rest stays one-sided
    rng = np.random.default_rng(12)
    extra = rng.standard_normal((16, 384)).astype(np.float32)
    left = _doc(rng, np.concatenate([topics[:3], extra[:8]]))
    right = _doc(rng, np.concatenate([topics[:3], extra[8:]]))
    result = align(left, right)
    assert {(p.left, p.right) for p in result.pairs} == {((i,), (i,)) for i in range(3)}


def test_the_in_order_chain_skips_a_moved_link():
    # (3, 0) is a sentence moved to the top on the right; the rest keeps its order
    links = [(0, 1), (1, 2), (2, 3), (3, 0), (4, 5)]
    assert in_order_chain(links) == [(0, 1), (1, 2), (2, 3), (4, 5)]
    assert in_order_chain([]) == []


def test_even_gaps_mean_a_translation_and_uneven_gaps_mean_coverage():
    # a translation: links missed here and there, but each gap has as many sentences on both sides
    translation = [(0, 0), (3, 3), (4, 4), (8, 8), (9, 9)]
    assert gap_imbalance(translation, 12, 12) == 0.0
    assert looks_parallel(translation, 12, 12)
    # two outlets: each drops its own sentences, so the gaps differ in size
    coverage = [(0, 0), (2, 1), (3, 4), (6, 5), (7, 8), (10, 9)]
    assert gap_imbalance(coverage, 12, 12) > 0.2
    assert not looks_parallel(coverage, 12, 12)


def test_same_order_news_with_a_crossing_link_is_not_a_translation():
    # two outlets that tell the story in the same order: even gaps, but the lead restated at the end links across
    # the chain (the shape of a test pair of the news benchmark that was taken for a translation)
    in_order = [(0, 0), (3, 3), (4, 4), (8, 8), (9, 9)]
    assert looks_parallel(in_order, 12, 12)
    assert not looks_parallel([*in_order, (11, 1)], 12, 12)
    # a translation's stray link among many in order does not undo it
    long_translation = [(i, i) for i in range(0, 40, 2)] + [(39, 5)]
    assert looks_parallel(long_translation, 40, 40)


def test_too_few_links_never_make_a_document_parallel():
    assert not looks_parallel([(0, 0), (5, 5)], 6, 6)


def test_order_fills_a_weak_pair_between_two_links_but_not_beside_one_edge():
    margin = np.full((5, 5), -0.2, np.float32)
    margin[2, 2] = 0.02  # weak, between the links (1, 1) and (3, 3): paired
    margin[4, 4] = 0.02  # weak, after (3, 3) and next to the end: paired (anchored on both sides)
    margin[0, 1] = 0.02  # weak but anchored only by the documents' start and nothing after: not paired
    extra = fill_by_order([(1, 1), (3, 3)], margin, threshold=0.015)
    assert sorted(extra) == [(2, 2), (4, 4)]


def test_order_filling_needs_more_margin_with_a_link_on_one_side_only():
    margin = np.full((6, 6), -0.2, np.float32)
    margin[1, 1] = 0.02  # after the link (0, 0), nothing linked after it within reach
    assert fill_by_order([(0, 0), (5, 5)], margin, threshold=0.015, one_side_extra=0.01) == []
    assert fill_by_order([(0, 0), (5, 5)], margin, threshold=0.015, one_side_extra=0.0) == [(1, 1)]


def test_a_filled_link_anchors_its_neighbours_like_any_link():
    margin = np.full((9, 9), -0.2, np.float32)
    for i in (1, 2, 3):
        margin[i, i] = 0.1  # a run of weak pairs after one confident link, far from the end
    # (3, 3) has only the filled links (1, 1) and (2, 2) before it within reach
    assert fill_by_order([(0, 0)], margin, threshold=0.015) == [(1, 1), (2, 2), (3, 3)]


def _related_sentence_between_pairs(topics):
    """Left 3 and right 3 are related, not the same (margin about 0.1); left 7, 8 are left-only."""
    rng = np.random.default_rng(5)
    related = topics[3] + 8.0 * topics[8]
    left = _doc(rng, topics[[0, 1, 2, 3, 4, 5, 6, 9, 10]])
    right = _doc(rng, np.stack([topics[0], topics[1], topics[2], related, topics[4], topics[5], topics[6]]))
    return left, right


LEFT_LENGTHS = [100, 120, 90, 40, 110, 100, 95, 80, 90]
RIGHT_LENGTHS = [100, 120, 90, 200, 110, 100, 95]  # right 3 is five times as long as left 3


@pytest.mark.parametrize("support", [0.0, 1.25])
def test_a_short_sentence_facing_a_long_one_stays_one_sided_when_lengths_are_given(topics, support):
    left, right = _related_sentence_between_pairs(topics)
    params = AlignParams(support=support)
    plain = align(left, right, params=params)
    # order and a fair margin pair them
    assert any(p.left == (3,) and p.right == (3,) and p.kind == "match" for p in plain.pairs)
    measured = align(left, right, params=params, lengths=(LEFT_LENGTHS, RIGHT_LENGTHS))
    matches = {(p.left, p.right) for p in measured.pairs if p.kind == "match"}
    assert matches == {(p.left, p.right) for p in plain.pairs if p.kind == "match"} - {((3,), (3,))}
    # no longer a one-to-one match; whether right 3 covers left 3 is the coverage model's call
    assert measured.left_only[-2:] == [7, 8]


def test_a_translation_longer_throughout_loses_nothing_for_length(topics):
    left, right = _related_sentence_between_pairs(topics)
    twice = [2 * x for x in LEFT_LENGTHS[:7]]
    plain = align(left, right)
    measured = align(left, right, lengths=(LEFT_LENGTHS, twice))
    assert ([(p.left, p.right, round(p.margin, 4)) for p in measured.pairs]
            == [(p.left, p.right, round(p.margin, 4)) for p in plain.pairs])


def test_length_weight_zero_ignores_lengths(topics):
    left, right = _related_sentence_between_pairs(topics)
    params = AlignParams(length_weight=0.0)
    assert (align(left, right, params=params, lengths=(LEFT_LENGTHS, RIGHT_LENGTHS)).pairs
            == align(left, right, params=params).pairs)


def test_lengths_must_match_the_segments(topics):
    left, right = _related_sentence_between_pairs(topics)
    with pytest.raises(AlignError, match="lengths"):
        align(left, right, lengths=(LEFT_LENGTHS[:3], RIGHT_LENGTHS))
    with pytest.raises(AlignError, match="length weight"):
        align(left, right, params=AlignParams(length_weight=-1.0), lengths=(LEFT_LENGTHS, RIGHT_LENGTHS))


def test_in_a_translation_a_sentence_glossed_at_great_length_still_pairs(topics):
    rng = np.random.default_rng(5)
    related = topics[3] + 8.0 * topics[8]
    left = _doc(rng, topics[[0, 1, 2, 3, 4, 5, 6]])
    right = _doc(rng, np.stack([topics[0], topics[1], topics[2], related, topics[4], topics[5], topics[6]]))
    lengths = ([100, 120, 90, 20, 110, 100, 95], [100, 120, 90, 400, 110, 100, 95])  # twenty times as long
    result = align(left, right, lengths=lengths)
    assert [(p.left, p.right) for p in result.pairs] == [((i,), (i,)) for i in range(7)]
    assert result.left_only == [] and result.right_only == []


def test_length_counts_only_once_three_confident_matches_show_the_usual_ratio():
    # three confident one-to-one matches, left twice as long as right; the last cell is four times as long
    margin = np.full((4, 4), -0.1, np.float32)
    margin[0, 0] = margin[1, 1] = margin[2, 2] = 0.5
    margin[3, 3] = 0.1
    left, right = np.array([200.0, 100, 300, 400]), np.array([100.0, 50, 150, 100])
    penalty = length_penalty(left, right, margin, threshold=0.14, weight=0.2, slack=0.4)
    assert penalty[0, 0] == penalty[1, 1] == penalty[2, 2] == 0.0  # the usual ratio costs nothing
    assert penalty[3, 3] == pytest.approx(0.2 * (np.log(2.0) - 0.4), abs=1e-6)  # 4x against the usual 2x
    margin[2, 2] = 0.1  # only two confident matches left: no usual ratio to go by
    assert not length_penalty(left, right, margin, threshold=0.14, weight=0.2, slack=0.4).any()
