"""Scoring an alignment against a :class:`~benchmarks.sets.BenchDoc`'s gold (pure functions).

* Pairs are scored at unit level: a predicted pair ``(L-ids, R-ids)`` counts as
  every link ``(i, j)`` of ``L-ids x R-ids``, compared with the gold links.
* One-sided units are scored per side: the predicted ``left_only`` set against
  the gold one, and likewise on the right.

Precision is correct/predicted, recall correct/gold, F1 their harmonic mean.
When both the prediction and the gold are empty all three are 1.0; when only
one of them is empty all three are 0.0. So on a side without gold one-sided
units, predicting none scores 1 and inventing any scores 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields

from benchmarks.sets import BenchDoc

__all__ = ["DocScores", "Prediction", "macro_average", "score_document"]


@dataclass(frozen=True)
class Prediction:
    """An aligner's output for one document, in segment indices of ``left`` and ``right``."""

    pairs: list[tuple[tuple[int, ...], tuple[int, ...]]]
    left_only: list[int]
    right_only: list[int]


@dataclass(frozen=True)
class DocScores:
    pair_p: float
    pair_r: float
    pair_f1: float
    left_only_p: float
    left_only_r: float
    left_only_f1: float
    right_only_p: float
    right_only_r: float
    right_only_f1: float

    def to_dict(self) -> dict[str, float]:
        return asdict(self)


def score_document(pred: Prediction, gold: BenchDoc) -> DocScores:
    """Pair and one-sided P/R/F1 of ``pred`` against ``gold``; indices out of range raise ``ValueError``."""
    links = prediction_links(pred)
    _check_indices(gold, "left", (i for i, _ in links), len(gold.left))
    _check_indices(gold, "right", (j for _, j in links), len(gold.right))
    _check_indices(gold, "left_only", pred.left_only, len(gold.left))
    _check_indices(gold, "right_only", pred.right_only, len(gold.right))
    return DocScores(
        *prf(links, set(gold.gold_pairs)),
        *prf(set(pred.left_only), set(gold.left_only)),
        *prf(set(pred.right_only), set(gold.right_only)),
    )


def macro_average(scores: list[DocScores]) -> DocScores:
    """The mean of each score over documents."""
    if not scores:
        raise ValueError("macro_average needs at least one document's scores")
    return DocScores(*(sum(getattr(s, f.name) for s in scores) / len(scores) for f in fields(DocScores)))


def prediction_links(pred: Prediction) -> set[tuple[int, int]]:
    """Every unit-level link ``(i, j)`` of the predicted pairs."""
    return {(i, j) for left_ids, right_ids in pred.pairs for i in left_ids for j in right_ids}


def prf(predicted: set, gold: set) -> tuple[float, float, float]:
    """Precision, recall and F1; (1, 1, 1) when both sets are empty."""
    if not predicted and not gold:
        return 1.0, 1.0, 1.0
    correct = len(predicted & gold)
    precision = correct / len(predicted) if predicted else 0.0
    recall = correct / len(gold) if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _check_indices(gold: BenchDoc, what: str, indices: Iterable[int], size: int) -> None:
    bad = sorted({i for i in indices if not 0 <= i < size})
    if bad:
        raise ValueError(f"{gold.id}: predicted {what} indices {bad[:5]} outside 0..{size - 1}")
