"""Is a segment covered by the other article? A calibrated answer for every segment.

The aligner's matches are one-to-one (with merges of neighbours). On news that
is not enough to say "only here": a headline sums up three sentences of the
other article, one outlet says in one sentence what the other spreads over two,
and an article restates its own point. Each of these leaves a segment unmatched
although its content is in the other article.

So every segment gets a ``coverage`` score: the probability that the other
article says what it says, from a logistic model over signals that do not
depend on one-to-one linking (:data:`FEATURES`):

* ``cosine``: its best centred cosine with any segment of the other article;
* ``margin``: its best margin (cosine against both ends' neighbourhoods; see
  :mod:`aligner.align`);
* ``standing``: how far that best counterpart's cosine with it stands above the
  counterpart's cosines with the rest of this article, in standard deviations.
  A sentence about the same event as everything else resembles a generic
  counterpart no more than its neighbours do; one whose content is there
  stands out from the counterpart's point of view as well;
* ``lead``: how far its cosine with that best counterpart leads the best
  cosine any other segment of its own article has with it. When the
  counterpart is the translation or the retelling of another sentence, that
  sentence leads and this one trails;
* ``lexical``: the lexical similarity (shared names, numbers and words across
  the two scripts; see :mod:`aligner.lexical`) with that best counterpart;
* ``headline``: whether it is its article's first segment. Headlines sum up
  what the body of the other article says over several sentences, so a
  middling best match means more there.

The weights (:data:`WEIGHTS`) and the threshold :data:`ONLY_BELOW` were fit on
the dev split of the comparable-news benchmark by ``python -m
benchmarks.calibrate``, which prints them; the test split's scores are in
``benchmarks/NEWS_RESULTS.md``. An unmatched segment whose coverage is below
:data:`ONLY_BELOW` is reported as only on its side; one at or above it is
linked to its best counterpart (a ``covers`` pair), so that every segment is
either in one or more pairs or one-sided, never both. One piece of evidence
overrides a low score: a segment that states a specific figure a segment of
the other article states too is linked to that segment, not reported as
one-sided (see :func:`aligner.align.align` and :mod:`aligner.facts.shared`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

FEATURES = ("cosine", "margin", "standing", "lead", "lexical", "headline")
# Fit by `python -m benchmarks.calibrate` on the news dev split; see that module.
WEIGHTS = {"bias": -0.89, "cosine": 2.57, "margin": 4.84, "standing": 0.02, "lead": 8.33,
           "lexical": 3.52, "headline": 4.12}
ONLY_BELOW = 0.93


def weights_id(weights: dict[str, float]) -> str:
    """A short fingerprint of the weights, for the report's signature (a refit changes the results)."""
    text = ",".join(f"{k}={weights[k]:g}" for k in sorted(weights))
    return hashlib.sha1(text.encode()).hexdigest()[:6]


@dataclass(frozen=True)
class SegmentCoverage:
    """How likely the other article covers a segment, and where."""

    score: float  # probability in [0, 1]
    best: tuple[int, ...]  # the other side's segment ids that cover it best, best first

    def to_dict(self) -> dict:
        return {"coverage": round(self.score, 4), "best": list(self.best)}


def coverage_features(cos: np.ndarray, margin: np.ndarray, lexical: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """(n, len(FEATURES)) signal values of the rows of ``cos`` (n, m) against its columns, and each row's best column.

    ``cos`` holds centred cosines, ``margin`` the raw margins and ``lexical``
    the lexical similarities (zero when not given), all (n, m) with m > 0.
    """
    n, m = cos.shape
    rows = np.arange(n)
    best = cos.argmax(axis=1)
    column_mean, column_sd = cos.mean(axis=0), cos.std(axis=0)
    standing = (cos[rows, best] - column_mean[best]) / np.maximum(column_sd[best], 1e-6)
    lex = lexical[rows, best] if lexical is not None else np.zeros(n)
    best_cos = cos[rows, best]
    lead = best_cos - _best_other_row(cos[:, best])
    headline = np.where(rows == 0, np.maximum(best_cos, 0.0), 0.0)
    features = np.stack([best_cos, margin.max(axis=1), standing, lead, lex, headline], axis=1)
    return features.astype(np.float64), best


def _best_other_row(columns: np.ndarray) -> np.ndarray:
    """For each i, the largest value of column i of ``columns`` (n, n) outside row i (-1 when n is 1)."""
    n = len(columns)
    if n < 2:
        return np.full(n, -1.0)
    top2 = np.sort(columns, axis=0)[-2:]  # second best and best of each column
    own = columns[np.arange(n), np.arange(n)]
    return np.where(own >= top2[1], top2[0], top2[1])


def probability(features: np.ndarray, weights: dict[str, float] | None = None) -> np.ndarray:
    """The logistic model's probability that each row (a segment's :data:`FEATURES`) is covered."""
    weights = weights or WEIGHTS
    w = np.array([weights[name] for name in FEATURES])
    return 1.0 / (1.0 + np.exp(-(features @ w + weights["bias"])))


def segment_coverage(
    cos: np.ndarray, margin: np.ndarray, lexical: np.ndarray | None, weights: dict[str, float] | None = None
) -> list[SegmentCoverage]:
    """The coverage of each row of ``cos`` by the columns (see :func:`coverage_features`)."""
    n, m = cos.shape
    if m == 0:
        return [SegmentCoverage(0.0, ()) for _ in range(n)]
    features, best = coverage_features(cos, margin, lexical)
    return [SegmentCoverage(float(p), (int(b),)) for p, b in zip(probability(features, weights), best, strict=True)]
