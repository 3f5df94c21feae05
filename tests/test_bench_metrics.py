"""Tests for benchmarks.metrics on hand-made gold."""

from __future__ import annotations

import pytest

from benchmarks.metrics import DocScores, Prediction, macro_average, score_document
from benchmarks.sets import BenchDoc

ONE = (1.0, 1.0, 1.0)
ZERO = (0.0, 0.0, 0.0)


def doc(n_left: int, n_right: int, pairs=(), left_only=(), right_only=()) -> BenchDoc:
    return BenchDoc(
        id="hand-made",
        left=[f"l{i}" for i in range(n_left)],
        right=[f"r{j}" for j in range(n_right)],
        gold_pairs=frozenset(pairs),
        left_only=frozenset(left_only),
        right_only=frozenset(right_only),
    )


def pred(pairs=(), left_only=(), right_only=()) -> Prediction:
    return Prediction(pairs=[(tuple(a), tuple(b)) for a, b in pairs],
                      left_only=list(left_only), right_only=list(right_only))


def triples(s: DocScores) -> tuple[tuple[float, ...], ...]:
    return (
        (s.pair_p, s.pair_r, s.pair_f1),
        (s.left_only_p, s.left_only_r, s.left_only_f1),
        (s.right_only_p, s.right_only_r, s.right_only_f1),
    )


PARALLEL_3 = doc(3, 3, pairs={(0, 0), (1, 1), (2, 2)})
COMPARABLE = doc(5, 4, pairs={(0, 0), (1, 2), (2, 1)}, left_only={3, 4}, right_only={3})

CASES = [
    ("perfect parallel", PARALLEL_3, pred([((0,), (0,)), ((1,), (1,)), ((2,), (2,))]), (ONE, ONE, ONE)),
    ("empty against empty", doc(0, 0), pred(), (ONE, ONE, ONE)),
    ("empty prediction", PARALLEL_3, pred(), (ZERO, ONE, ONE)),
    (
        "half the pairs crossed",
        doc(4, 4, pairs={(0, 0), (1, 1), (2, 2), (3, 3)}),
        pred([((0,), (0,)), ((1,), (2,)), ((2,), (1,)), ((3,), (3,))]),
        ((0.5, 0.5, 0.5), ONE, ONE),
    ),
    (
        "invented one-sided on parallel text",
        PARALLEL_3,
        pred([((0,), (0,)), ((1,), (1,))], left_only=[2]),
        ((1.0, 2 / 3, 0.8), ZERO, ONE),
    ),
    (
        "perfect comparable",
        COMPARABLE,
        pred([((0,), (0,)), ((1,), (2,)), ((2,), (1,))], left_only=[3, 4], right_only=[3]),
        (ONE, ONE, ONE),
    ),
    (
        "partial one-sided",
        COMPARABLE,
        pred([((0,), (0,)), ((1,), (2,)), ((2,), (1,))], left_only=[4, 2], right_only=[]),
        (ONE, (0.5, 0.5, 0.5), ZERO),
    ),
    ("gold 1:2 pair found", doc(2, 3, pairs={(0, 0), (0, 1), (1, 2)}),
     pred([((0,), (0, 1)), ((1,), (2,))]), (ONE, ONE, ONE)),
    (
        "1:2 pair over a one-sided unit",
        doc(1, 2, pairs={(0, 0)}, right_only={1}),
        pred([((0,), (0, 1))]),
        ((0.5, 1.0, 2 / 3), ONE, ZERO),
    ),
    (
        "2:2 pair counts four links",
        doc(2, 2, pairs={(0, 0), (1, 1)}),
        pred([((0, 1), (0, 1))]),
        ((0.5, 1.0, 2 / 3), ONE, ONE),
    ),
]


@pytest.mark.parametrize(("name", "gold", "prediction", "expected"), CASES, ids=[c[0] for c in CASES])
def test_score_document(name, gold, prediction, expected):
    got = triples(score_document(prediction, gold))
    assert got == tuple(tuple(pytest.approx(x) for x in t) for t in expected)


def test_out_of_range_indices_raise():
    with pytest.raises(ValueError, match="outside 0..2"):
        score_document(pred([((0,), (3,))]), PARALLEL_3)
    with pytest.raises(ValueError, match="left_only"):
        score_document(pred(left_only=[-1]), PARALLEL_3)


def test_macro_average_is_the_mean_per_field():
    perfect = score_document(pred([((0,), (0,)), ((1,), (1,)), ((2,), (2,))]), PARALLEL_3)
    empty = score_document(pred(), PARALLEL_3)
    mean = macro_average([perfect, empty])
    assert triples(mean) == ((0.5, 0.5, 0.5), ONE, ONE)
    assert mean.to_dict()["pair_f1"] == 0.5
    assert macro_average([perfect]) == perfect


def test_macro_average_of_nothing_raises():
    with pytest.raises(ValueError):
        macro_average([])
