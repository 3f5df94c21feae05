"""Pair segments of two documents from their vectors, without assuming the same order.

News coverage is not translation: facts are reordered and dropped. The method:

0. Centring: each document's mean vector is subtracted (see :class:`Centring`),
   so scores measure what a sentence says beyond the article's shared topic.
1. Margin (after Artetxe & Schwenk 2019): ``cos(x, y)`` minus the mean of the
   cosines of ``x`` and ``y`` with their ``k`` nearest neighbours on the other
   side (found with the FAISS index, both directions). A true counterpart
   stands out from its neighbourhood; a generic sentence that is close to
   everything does not. (The ratio form is ill-defined on centred cosines,
   which can be near zero or negative.)
2. Order as a prior: each cell's score gains ``support`` times the mean of
   the best margins just before and just after it on the diagonal (see
   :func:`neighbour_support`). Runs of pairs in the same order reinforce each
   other; a moved block still pairs, losing support only at its ends.
3. Competitive linking: take candidate pairs from the highest score down, each
   segment at most once, while the score reaches ``threshold`` and the cosine
   reaches ``min_cosine``. The first links taken are the mutual nearest
   neighbours.
   Parallel documents: when the confident links cover most of the shorter
   document and nearly all of them lie on the best in-order matching of the
   whole document, the text is a translation, not coverage; that in-order
   matching (with the lower gap bar) replaces the links, keeping any confident
   link it leaves untouched.
4. Gap filling: between two links that are neighbours in both documents'
   order, the unpaired segments are matched in order with a lower bar
   (``fill_threshold`` on the margin): in parallel stretches, weakly similar
   sentences between two confident pairs are each other's counterparts.
5. Merging: a pair grows by an adjacent unpaired segment (up to ``max_merge``
   segments on a side) when the joined text matches the other side better than
   the pair did by at least ``merge_gain``, so one sentence can pair with the two
   or three sentences that together say the same.

Everything not linked is reported as only on its side; every segment appears
exactly once in the result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from embeddings.index import mean_neighbour_similarity

# Defaults, documented in the README; changing one changes every report's signature.
DEFAULT_K = 4
DEFAULT_THRESHOLD = 0.14
DEFAULT_MIN_COSINE = 0.25
DEFAULT_MAX_MERGE = 3
DEFAULT_MERGE_GAIN = 0.1
DEFAULT_SUPPORT = 1.0
DEFAULT_FILL_THRESHOLD = -0.03
# Inside a gap, a pair still needs this share of --min-cosine.
FILL_COSINE_SHARE = 0.5
# Diagonal steps to the previous/next alignment that count as "in order": drops
# of one segment on either side between two neighbouring pairs are common.
SUPPORT_STEPS = ((1, 1), (1, 2), (2, 1))
# How much lower the gap-filling bar is in a gap with as many segments on each side.
SQUARE_GAP_BONUS = 0.1
# A document is treated as parallel when its confident links cover this share of
# the shorter side and this share of them lie on the best in-order matching.
MONOTONE_AGREEMENT = 0.9
MONOTONE_COVERAGE = 0.6

# side ("left"/"right"), list of (start, end) spans -> their vectors (n, d), L2-normalised
SpanEncoder = Callable[[str, list[tuple[int, int]]], np.ndarray]


class AlignError(Exception):
    """The aligner was given inconsistent input."""


@dataclass(frozen=True)
class Pair:
    left: tuple[int, ...]  # consecutive segment ids
    right: tuple[int, ...]
    score: float  # cosine of the two sides' (joined) texts
    margin: float  # score (margin plus order support) of the link that started the pair

    def to_dict(self) -> dict:
        return {"left": list(self.left), "right": list(self.right), "score": round(self.score, 4), "margin": round(self.margin, 4)}


@dataclass(frozen=True)
class AlignParams:
    k: int = DEFAULT_K
    threshold: float = DEFAULT_THRESHOLD
    min_cosine: float = DEFAULT_MIN_COSINE
    max_merge: int = DEFAULT_MAX_MERGE
    merge_gain: float = DEFAULT_MERGE_GAIN
    support: float = DEFAULT_SUPPORT
    fill_threshold: float = DEFAULT_FILL_THRESHOLD
    index: str = "exact"

    def signature(self) -> str:
        return (
            f"k:{self.k}|margin:{self.threshold:g}|min-cos:{self.min_cosine:g}|support:{self.support:g}"
            f"|fill:{self.fill_threshold:g}|merge:{self.max_merge}+{self.merge_gain:g}|index:{self.index}"
        )


@dataclass(frozen=True)
class Alignment:
    pairs: list[Pair]
    left_only: list[int]
    right_only: list[int]
    params: AlignParams = field(default_factory=AlignParams)


class Centring:
    """Subtract a document's mean vector and renormalise.

    What every sentence of an article shares (its language, its topic) dominates
    raw cosines; removing it leaves what tells one sentence from another, and
    makes scores comparable across documents and models. Documents with fewer
    than ``min_size`` segments have no useful mean and are left as they are.
    """

    def __init__(self, vectors: np.ndarray, *, min_size: int = 3) -> None:
        self.mean = vectors.mean(axis=0) if len(vectors) >= min_size else None

    def __call__(self, vectors: np.ndarray) -> np.ndarray:
        if self.mean is None:
            return vectors
        shifted = vectors - self.mean
        return shifted / np.maximum(np.linalg.norm(shifted, axis=1, keepdims=True), 1e-12)


def margin_matrix(left: np.ndarray, right: np.ndarray, *, k: int, index: str = "exact") -> tuple[np.ndarray, np.ndarray]:
    """Cosine matrix and margin matrix (cosine minus the mean neighbourhood cosine of both ends)."""
    cos = left @ right.T
    if cos.size == 0:
        return cos, cos.copy()
    left_hood = mean_neighbour_similarity(left, right, k, method=index)
    right_hood = mean_neighbour_similarity(right, left, k, method=index)
    margin = cos - (left_hood[:, None] + right_hood[None, :]) / 2.0
    return cos, margin


def neighbour_support(margin: np.ndarray, *, edge: float) -> np.ndarray:
    """How well each cell's diagonal neighbourhood matches: order as a prior, not a law.

    For a cell (i, j), the best margin among the cells one step before it
    (i-1, j-1), (i-1, j-2), (i-2, j-1) and among those one step after it, each
    floored at zero, averaged. A pair inside a run of pairs in the same order
    is supported from both sides; a moved block loses support only at its two
    ends. The start and end of both documents count as matched (``edge``).
    """
    n, m = margin.shape
    pad = 2
    padded = np.full((n + 2 * pad, m + 2 * pad), -np.inf, dtype=np.float32)
    padded[pad : pad + n, pad : pad + m] = margin
    padded[:pad, :pad] = edge  # before both documents start
    padded[pad + n :, pad + m :] = edge  # after both end
    before = np.full((n, m), -np.inf, dtype=np.float32)
    after = np.full((n, m), -np.inf, dtype=np.float32)
    for a, b in SUPPORT_STEPS:
        before = np.maximum(before, padded[pad - a : pad - a + n, pad - b : pad - b + m])
        after = np.maximum(after, padded[pad + a : pad + a + n, pad + b : pad + b + m])
    return (np.maximum(before, 0.0) + np.maximum(after, 0.0)) / 2.0


def fill_gaps(
    links: list[tuple[int, int]], cos: np.ndarray, margin: np.ndarray, *, threshold: float, min_cosine: float, max_gap: int = 3
) -> list[tuple[int, int]]:
    """Extra links inside the gaps between links that stand in order.

    A gap is the rectangle between two links that are neighbours in both
    documents' order (no other link falls between them on either side), or
    between a document edge and the first or last such link. Its unlinked
    segments are paired by a monotone best-weight matching that accepts weaker
    evidence than a free link needs: the neighbours' order vouches for them.
    Between a document's edge and its first or last link, only short gaps (at
    most ``max_gap`` segments on either side) are filled: one link and a long
    stretch to the edge are no evidence of parallel text.
    """
    n, m = cos.shape
    chain = [(-1, -1), *sorted(links), (n, m)]
    linked_right = sorted(j for _, j in links)
    extra: list[tuple[int, int]] = []
    for (i0, j0), (i1, j1) in zip(chain, chain[1:]):
        if j1 <= j0 or _any_between(linked_right, j0, j1) or (i0 < 0 and i1 == n):
            continue  # out of order, another link inside, or no link at all: no order to lean on
        rows, cols = list(range(i0 + 1, i1)), list(range(j0 + 1, j1))
        at_edge = i0 < 0 or i1 == n
        if rows and cols and (not at_edge or max(len(rows), len(cols)) <= max_gap):
            # equal counts between two pairs: the stretch is most likely parallel
            bar = threshold - SQUARE_GAP_BONUS if len(rows) == len(cols) and not at_edge else threshold
            floor = -1.0 if bar < threshold else min_cosine
            extra += _monotone_matching(rows, cols, cos, margin, threshold=bar, min_cosine=floor)
    return extra


def _any_between(sorted_values: list[int], low: int, high: int) -> bool:
    import bisect

    return bisect.bisect_right(sorted_values, low) < bisect.bisect_left(sorted_values, high)


def _monotone_matching(rows: list[int], cols: list[int], cos: np.ndarray, margin: np.ndarray, *, threshold: float, min_cosine: float) -> list[tuple[int, int]]:
    """The order-keeping set of (row, col) links with the largest total of (margin - threshold)."""
    gain = margin[np.ix_(rows, cols)] - threshold
    gain[cos[np.ix_(rows, cols)] < min_cosine] = -np.inf
    a, b = len(rows), len(cols)
    best = np.zeros((a + 1, b + 1), dtype=np.float64)
    for x in range(1, a + 1):
        for y in range(1, b + 1):
            best[x, y] = max(best[x - 1, y], best[x, y - 1], best[x - 1, y - 1] + gain[x - 1, y - 1])
    out = []
    x, y = a, b
    while x > 0 and y > 0:
        if best[x, y] == best[x - 1, y]:
            x -= 1
        elif best[x, y] == best[x, y - 1]:
            y -= 1
        else:
            out.append((rows[x - 1], cols[y - 1]))
            x, y = x - 1, y - 1
    return out[::-1]


def link_competitively(cos: np.ndarray, margin: np.ndarray, *, threshold: float, min_cosine: float) -> list[tuple[int, int]]:
    """One-to-one links, best margin first; each segment used at most once."""
    eligible = (margin >= threshold) & (cos >= min_cosine)
    rows, cols = np.nonzero(eligible)
    order = np.argsort(-margin[rows, cols], kind="stable")
    used_left: set[int] = set()
    used_right: set[int] = set()
    links = []
    for idx in order:
        i, j = int(rows[idx]), int(cols[idx])
        if i in used_left or j in used_right:
            continue
        used_left.add(i)
        used_right.add(j)
        links.append((i, j))
    return links


def average_spans(vectors: np.ndarray) -> Callable[[list[tuple[int, int]]], np.ndarray]:
    """A stand-in for encoding joined text: the renormalised mean of the parts."""

    def spans(ranges: list[tuple[int, int]]) -> np.ndarray:
        out = np.stack([vectors[a:b].sum(axis=0) for a, b in ranges]) if ranges else np.zeros((0, vectors.shape[1]), np.float32)
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)

    return spans


def align(
    left: np.ndarray,
    right: np.ndarray,
    *,
    params: AlignParams | None = None,
    span_encoder: SpanEncoder | None = None,
) -> Alignment:
    """Pair the rows of ``left`` (n, d) with the rows of ``right`` (m, d).

    ``span_encoder`` returns vectors for runs of consecutive segments (the joined
    text encoded by the model); without it, runs are approximated by the mean of
    their segments' vectors.
    """
    params = params or AlignParams()
    _check_inputs(left, right, params)
    n, m = len(left), len(right)
    if n == 0 or m == 0:
        return Alignment([], list(range(n)), list(range(m)), params)
    centring = {"left": Centring(left), "right": Centring(right)}
    cos, margin = margin_matrix(centring["left"](left), centring["right"](right), k=params.k, index=params.index)
    score = margin + params.support * neighbour_support(margin, edge=params.threshold) if params.support else margin
    links = link_competitively(cos, score, threshold=params.threshold, min_cosine=params.min_cosine)
    if params.fill_threshold is not None:
        links = _prefer_in_order(links, cos, margin, bar=params.fill_threshold - SQUARE_GAP_BONUS)
    if params.fill_threshold is not None:
        links += fill_gaps(links, cos, margin, threshold=params.fill_threshold, min_cosine=params.min_cosine * FILL_COSINE_SHARE)
    spans = _SpanVectors(left, right, span_encoder, centring)
    pairs = [Pair((i,), (j,), float(cos[i, j]), float(score[i, j])) for i, j in links]
    if params.max_merge > 1:
        pairs = _merge_neighbours(pairs, n, m, spans, params)
    pairs.sort(key=lambda p: (p.left[0], p.right[0]))
    left_used = {i for p in pairs for i in p.left}
    right_used = {j for p in pairs for j in p.right}
    result = Alignment(
        pairs,
        [i for i in range(n) if i not in left_used],
        [j for j in range(m) if j not in right_used],
        params,
    )
    _check_complete(result, n, m)
    return result


def _prefer_in_order(links: list[tuple[int, int]], cos: np.ndarray, margin: np.ndarray, *, bar: float) -> list[tuple[int, int]]:
    """The whole document's in-order matching, when the confident links say the text is parallel."""
    n, m = cos.shape
    if len(links) < max(3, MONOTONE_COVERAGE * min(n, m)):
        return links
    whole = _monotone_matching(list(range(n)), list(range(m)), cos, margin, threshold=bar, min_cosine=-1.0)
    if len(set(links) & set(whole)) < MONOTONE_AGREEMENT * len(links):
        return links
    rows, cols = {i for i, _ in whole}, {j for _, j in whole}
    return whole + [(i, j) for i, j in links if i not in rows and j not in cols]


class _SpanVectors:
    """Vectors of runs of segments, from the model when available, memoised."""

    def __init__(self, left: np.ndarray, right: np.ndarray, encoder: SpanEncoder | None, centring: dict) -> None:
        self._single = {"left": left, "right": right}
        self._encoder = encoder
        self._fallback = {"left": average_spans(left), "right": average_spans(right)}
        self._centring = centring
        self._memo: dict[tuple[str, int, int], np.ndarray] = {}

    def get(self, side: str, runs: list[tuple[int, int]]) -> np.ndarray:
        todo = [r for r in dict.fromkeys(runs) if (side, *r) not in self._memo]
        singles = [r for r in todo if r[1] - r[0] == 1]
        for a, b in singles:
            self._memo[(side, a, b)] = self._centring[side](self._single[side][a : a + 1])[0]
        joined = [r for r in todo if r[1] - r[0] > 1]
        if joined:
            vecs = self._encoder(side, joined) if self._encoder else self._fallback[side](joined)
            for r, v in zip(joined, self._centring[side](np.asarray(vecs, np.float32))):
                self._memo[(side, *r)] = v
        return np.stack([self._memo[(side, *r)] for r in runs])


def _run(ids: tuple[int, ...]) -> tuple[int, int]:
    return ids[0], ids[-1] + 1


def _growth_options(ids: tuple[int, ...], size: int, used: set[int], max_merge: int) -> list[tuple[int, ...]]:
    if len(ids) >= max_merge:
        return []
    options = []
    before, after = ids[0] - 1, ids[-1] + 1
    if before >= 0 and before not in used:
        options.append((before, *ids))
    if after < size and after not in used:
        options.append((*ids, after))
    return options


def _merge_neighbours(pairs: list[Pair], n: int, m: int, spans: _SpanVectors, params: AlignParams) -> list[Pair]:
    """Grow pairs by adjacent unpaired segments while the joined text matches better."""
    used = {"left": {i for p in pairs for i in p.left}, "right": {j for p in pairs for j in p.right}}
    sizes = {"left": n, "right": m}
    changed = True
    while changed:
        changed = False
        for idx, pair in enumerate(pairs):
            best = pair
            for side in ("left", "right"):
                ids = pair.left if side == "left" else pair.right
                other_side = "right" if side == "left" else "left"
                other_ids = pair.right if side == "left" else pair.left
                options = _growth_options(ids, sizes[side], used[side], params.max_merge)
                if not options:
                    continue
                grown = spans.get(side, [_run(o) for o in options])
                other = spans.get(other_side, [_run(other_ids)])[0]
                for option, vec in zip(options, grown):
                    score = float(vec @ other)
                    if score >= best.score + params.merge_gain:
                        if side == "left":
                            best = Pair(option, pair.right, score, pair.margin)
                        else:
                            best = Pair(pair.left, option, score, pair.margin)
            if best is not pair:
                for side, ids in (("left", best.left), ("right", best.right)):
                    used[side].update(ids)
                pairs[idx] = best
                changed = True
    return pairs


def _check_inputs(left: np.ndarray, right: np.ndarray, params: AlignParams) -> None:
    for name, arr in (("left", left), ("right", right)):
        if arr.ndim != 2:
            raise AlignError(f"{name} vectors must be a 2-d array, got shape {arr.shape}")
        if len(arr) and not np.all(np.isfinite(arr)):
            raise AlignError(f"{name} vectors contain NaN or infinite values")
    if len(left) and len(right) and left.shape[1] != right.shape[1]:
        raise AlignError(f"vector sizes differ: left {left.shape[1]}, right {right.shape[1]}")
    if params.k < 1:
        raise AlignError(f"k must be at least 1, got {params.k}")
    if params.max_merge < 1:
        raise AlignError(f"max_merge must be at least 1, got {params.max_merge}")


def _check_complete(result: Alignment, n: int, m: int) -> None:
    """Every segment exactly once: in one pair or in its side's one-sided list."""
    for side, size, only, key in (("left", n, result.left_only, "left"), ("right", m, result.right_only, "right")):
        seen = [i for p in result.pairs for i in getattr(p, key)] + list(only)
        if sorted(seen) != list(range(size)):
            raise AlignError(f"internal error: {side} segments not accounted for exactly once")
