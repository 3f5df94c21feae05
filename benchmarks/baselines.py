"""Published sentence-alignment methods, re-implemented as baselines for the aligner.

Each baseline takes the two documents' segment vectors (``(n, d)`` and ``(m, d)``,
L2-normalised) and returns an :class:`aligner.align.Alignment`, so the gold
scoring treats them exactly like :func:`aligner.align.align`. Every segment
appears exactly once, in a pair or in its side's one-sided list (checked before
returning). The harness tunes the thresholds; the defaults below are the
published ones where the papers give one.

- ``greedy-nn``: nearest neighbour by cosine, one-to-one by greedy descent.
- ``margin-mnn``: ratio margin and mutual best match (Artetxe & Schwenk 2019).
- ``vecalign``: monotone DP with normalised cosine costs (Thompson & Koehn 2019).
- ``bertalign``: top-k anchors, then many-to-many DP in a window (Liu & Zhu 2022).

The two DP methods assume monotone (non-crossing) alignments, as the papers do;
news coverage reorders facts, which is part of what this comparison measures.

Written from the papers' descriptions; no code of the authors' tools is used.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from aligner.align import Alignment, AlignError, AlignParams, Pair, SpanEncoder, average_spans
from embeddings.index import VectorIndex

# Defaults, each in one place.
GREEDY_THRESHOLD = 0.80
MARGIN_K = 4
MARGIN_THRESHOLD = 1.06
VECALIGN_MAX_SIZE = 4
VECALIGN_DEL_PERCENTILE = 0.2
VECALIGN_SAMPLES = 20
VECALIGN_SEED = 42
BERTALIGN_TOP_K = 3
BERTALIGN_MAX_ALIGN = 5
BERTALIGN_WINDOW = 5
BERTALIGN_SKIP = -0.1

Step = tuple[int, int]  # (left segments, right segments) consumed by one DP step


# -- greedy nearest neighbour ---------------------------------------------------------


def greedy_nn(
    left: np.ndarray,
    right: np.ndarray,
    *,
    threshold: float = GREEDY_THRESHOLD,
    span_encoder: SpanEncoder | None = None,
) -> Alignment:
    """Each left segment's nearest right segment, kept if the cosine reaches ``threshold``.

    Candidates are taken from the highest cosine down; a right segment already
    taken leaves the later left segment unpaired (it does not fall back to its
    second-nearest). ``Pair.score`` and ``Pair.margin`` are both the cosine.
    ``span_encoder`` is accepted for the common signature and not used.
    """
    del span_encoder
    params = AlignParams(k=1, threshold=threshold, min_cosine=threshold, max_merge=1)
    _check_inputs(left, right)
    n, m = len(left), len(right)
    if n == 0 or m == 0:
        return _finish([], n, m, params)
    found = VectorIndex(right).search(left, 1)
    cands = [(float(found.scores[i, 0]), i, int(found.ids[i, 0])) for i in range(n)]
    cands.sort(key=lambda c: (-c[0], c[1]))
    taken: set[int] = set()
    pairs = []
    for cos, i, j in cands:
        if cos < threshold:
            break
        if j in taken:
            continue
        taken.add(j)
        pairs.append(Pair((i,), (j,), cos, cos))
    return _finish(pairs, n, m, params)


# -- ratio margin, mutual best ----------------------------------------------------------


def margin_mnn(
    left: np.ndarray,
    right: np.ndarray,
    *,
    k: int = MARGIN_K,
    threshold: float = MARGIN_THRESHOLD,
    span_encoder: SpanEncoder | None = None,
) -> Alignment:
    """Mutual best pairs by the ratio margin of Artetxe & Schwenk (2019), on raw vectors.

    ``margin(x, y) = cos(x, y) / (sum_{z in NN_k(x)} cos(x, z) / 2k + sum_{z in NN_k(y)} cos(y, z) / 2k)``,
    the neighbourhoods found on the other side with the exact FAISS index (``k``
    is capped at the other side's size; the sums are then over fewer
    neighbours, divided by twice their number). A pair is kept when ``y`` is
    ``x``'s best right segment by margin, ``x`` is ``y``'s best left segment, and
    the margin reaches ``threshold``. The ratio needs a positive denominator: a
    pair whose neighbourhoods average to zero or less gets no margin (``-inf``),
    which does not happen with real sentence embeddings (raw cosines are
    positive) but can with synthetic vectors. ``Pair.score`` is the cosine,
    ``Pair.margin`` the ratio margin. ``span_encoder`` is not used.
    """
    del span_encoder
    if k < 1:
        raise AlignError(f"k must be at least 1, got {k}")
    params = AlignParams(k=k, threshold=threshold, min_cosine=-1.0, max_merge=1)
    _check_inputs(left, right)
    n, m = len(left), len(right)
    if n == 0 or m == 0:
        return _finish([], n, m, params)
    cos = left @ right.T
    left_hood = VectorIndex(right).search(left, k).scores.mean(axis=1) / 2.0
    right_hood = VectorIndex(left).search(right, k).scores.mean(axis=1) / 2.0
    denom = left_hood[:, None] + right_hood[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        margin = np.where(denom > 1e-9, cos / np.where(denom > 1e-9, denom, 1.0), -np.inf)
    best_right = margin.argmax(axis=1)
    best_left = margin.argmax(axis=0)
    pairs = [
        Pair((i,), (int(j),), float(cos[i, j]), float(margin[i, j]))
        for i, j in enumerate(best_right)
        if best_left[j] == i and margin[i, j] >= threshold
    ]
    return _finish(pairs, n, m, params)


# -- Vecalign ---------------------------------------------------------------------------


def vecalign_dp(
    left: np.ndarray,
    right: np.ndarray,
    *,
    span_encoder: SpanEncoder | None = None,
    max_size: int = VECALIGN_MAX_SIZE,
    del_penalty: float | None = None,
    del_percentile: float = VECALIGN_DEL_PERCENTILE,
    samples: int = VECALIGN_SAMPLES,
    seed: int = VECALIGN_SEED,
) -> Alignment:
    """Vecalign (Thompson & Koehn 2019): least-cost monotone path of alignment steps.

    Steps are ``a:b`` with ``a, b >= 1`` and ``a + b <= max_size``, plus the
    ``1:0`` and ``0:1`` deletions, which leave their segment one-sided. Joined
    runs ("overlaps") are embedded with ``span_encoder`` (the model on the joined
    text); without it, by :func:`aligner.align.average_spans` of the parts.

    The cost of aligning runs ``x`` and ``y`` is::

        cost(x, y) = (1 - cos(x, y)) * nSents(x) * nSents(y) / normaliser(x, y)

    where the normaliser is the mean of ``1 - cos(x, y')`` and ``1 - cos(x', y)``
    over ``samples`` segments ``y'`` of the right document and ``x'`` of the
    left (drawn without replacement with a fixed ``seed``; all of them when a
    document is shorter). It discounts runs that are close to everything, and
    ``nSents`` makes many-sentence steps earn their place.

    A deletion costs ``del_penalty``. Vecalign sets it from the distribution of
    costs rather than as a constant; by default it is the ``del_percentile``
    quantile (0.2, the documented default of the authors' released tool) of all
    ``1:1`` costs of this document pair, nearly all of which are unrelated
    pairs. Normalised costs put an unrelated pair near 1, so that default makes
    a deletion about as dear as pairing two unrelated segments, and an
    unmatched segment is usually cheaper to join to a neighbour's step (2:1)
    than to leave one-sided. Give ``del_penalty`` (in the same units; 0.5 is
    half an unrelated pair) or a lower ``del_percentile`` to tune it.

    Simplification: the paper's recursive coarse-to-fine search (DP on averaged
    "super-sentences", then a band around the projected path), which makes it
    linear in time and space, is replaced by the full ``O(n * m * steps)`` DP.
    For articles (up to about 60 segments) that is exact and fast; the coarse
    search only approximates it.

    ``Pair.score`` is the cosine of the joined runs; ``Pair.margin`` is how much
    cheaper the step is than deleting its segments, ``(a + b) * del_penalty -
    cost``, so a harness may threshold pairs on it.
    """
    if max_size < 2:
        raise AlignError(f"max_size must be at least 2 (1:1 steps), got {max_size}")
    if not 0.0 <= del_percentile <= 1.0:
        raise AlignError(f"del_percentile must be between 0 and 1, got {del_percentile}")
    if samples < 1:
        raise AlignError(f"samples must be at least 1, got {samples}")
    params = AlignParams(k=samples, threshold=-1.0 if del_penalty is None else del_penalty, min_cosine=-1.0,
                         max_merge=max_size - 1)
    _check_inputs(left, right)
    n, m = len(left), len(right)
    if n == 0 or m == 0:
        return _finish([], n, m, params)
    steps = _steps(max_size)
    runs = {"left": _RunVectors("left", left, span_encoder, max_size - 1),
            "right": _RunVectors("right", right, span_encoder, max_size - 1)}
    rng = np.random.default_rng(seed)
    left_sample = left[rng.choice(n, size=min(samples, n), replace=False)]
    right_sample = right[rng.choice(m, size=min(samples, m), replace=False)]
    # sum of (1 - cos) of each run with the other side's sample
    left_spread = {a: (1.0 - runs["left"][a] @ right_sample.T).sum(axis=1) for a in runs["left"].lengths}
    right_spread = {b: (1.0 - runs["right"][b] @ left_sample.T).sum(axis=1) for b in runs["right"].lengths}
    n_samples = len(left_sample) + len(right_sample)
    cos: dict[Step, np.ndarray] = {}
    cost: dict[Step, np.ndarray] = {}
    for a, b in steps:
        if a == 0 or b == 0 or a > n or b > m:
            continue
        c = runs["left"][a] @ runs["right"][b].T
        normaliser = (left_spread[a][:, None] + right_spread[b][None, :]) / n_samples
        cos[a, b] = c
        cost[a, b] = (1.0 - c) * a * b / np.maximum(normaliser, 1e-6)
    if del_penalty is None:
        del_penalty = float(np.quantile(cost[1, 1], del_percentile))
        params = AlignParams(k=samples, threshold=del_penalty, min_cosine=-1.0, max_merge=max_size - 1)

    def step_cost(a: int, b: int, i: int, j: int) -> float:
        return del_penalty * (a + b) if a == 0 or b == 0 else float(cost[a, b][i, j])

    path = _dp(n, m, steps, step_cost, maximise=False)
    pairs = [
        Pair(tuple(range(i, i + a)), tuple(range(j, j + b)), float(cos[a, b][i, j]),
             del_penalty * (a + b) - float(cost[a, b][i, j]))
        for i, j, a, b in path
        if a and b
    ]
    return _finish(pairs, n, m, params)


# -- Bertalign --------------------------------------------------------------------------


def bertalign_two_pass(
    left: np.ndarray,
    right: np.ndarray,
    *,
    span_encoder: SpanEncoder | None = None,
    top_k: int = BERTALIGN_TOP_K,
    max_align: int = BERTALIGN_MAX_ALIGN,
    window: int = BERTALIGN_WINDOW,
    skip: float = BERTALIGN_SKIP,
    margin: bool = True,
    left_lengths: np.ndarray | None = None,
    right_lengths: np.ndarray | None = None,
) -> Alignment:
    """Bertalign (Liu & Zhu 2022): 1-1 anchors from top-k candidates, then m:n DP near them.

    Pass 1: the exact FAISS index gives each left segment its ``top_k`` nearest
    right segments by cosine. A monotone DP chooses, for each left segment, one
    of its candidates or none (scored ``skip``), with strictly increasing right
    ids, maximising the summed cosine. The chosen links are the anchors.

    Pass 2: the anchors, with the left boundaries between them interpolated
    linearly, give an expected right boundary ``c(i)`` for each left boundary
    ``i``; the DP may visit ``(i, j)`` only when ``c(i) - window <= j <=
    c(i + 1) + window`` (a band that always contains a connected path). Steps
    are ``a:b`` with ``a, b >= 1`` and ``a + b <= max_align``, scored by the
    similarity of the joined runs (``span_encoder``, else
    :func:`aligner.align.average_spans`), and ``1:0`` / ``0:1`` deletions scored
    ``skip`` each; the path with the highest total wins. Deleted segments are
    one-sided.

    Similarity: the cosine; with ``margin`` (the paper's "modified cosine",
    the setting of its reported runs) minus the mean of the two runs'
    neighbourhood similarities, each the mean cosine with the ``top_k`` nearest
    single segments on the other side. With character counts ``left_lengths`` /
    ``right_lengths``, it is multiplied by the length penalty
    ``log2(1 + min(lx, ly) / max(lx, ly))`` (1 for equal lengths), the right
    lengths first rescaled so the two documents' totals agree. Vectors carry no
    lengths, so without them no penalty is applied.

    Simplifications and guesses (to be stated with any result):

    - The exact formulas of the modified cosine and of the length penalty were
      not available to us; the authors describe them only as "modified cosine
      similarity" and "considers the length difference between source and
      target sentences". The forms above (a difference margin in the manner of
      Artetxe & Schwenk, a log-ratio of lengths) are ours.
    - ``max_align`` allows every ``a:b`` with ``a + b <= max_align``; the
      authors' own list for 5 names only 1:1, 1:2, 2:1, 2:2, 2:3 and 3:2 besides
      the deletions, so theirs may exclude 1:3, 3:1, 1:4 and 4:1.
    - Pass 1 scores a left segment without a candidate with ``skip`` too.
    - Documents are small: full ``O(n * m)`` score tables, banded DP.

    The DP maximises a sum of similarities, so when every raw cosine is high
    (as with multilingual-e5), joining an unmatched segment to a neighbour's
    step can score better than ``skip``: one-sided segments get absorbed.

    ``Pair.score`` is the cosine of the joined runs; ``Pair.margin`` is how much
    better the step scores than deleting its segments, ``score - (a + b) * skip``.
    """
    if top_k < 1:
        raise AlignError(f"top_k must be at least 1, got {top_k}")
    if max_align < 2:
        raise AlignError(f"max_align must be at least 2 (1:1 steps), got {max_align}")
    if window < 0:
        raise AlignError(f"window must be at least 0, got {window}")
    params = AlignParams(k=top_k, threshold=skip, min_cosine=-1.0, max_merge=max_align - 1)
    _check_inputs(left, right)
    n, m = len(left), len(right)
    lengths = _check_lengths(left_lengths, right_lengths, n, m)
    if n == 0 or m == 0:
        return _finish([], n, m, params)

    anchors = _anchor_links(left, right, top_k=top_k, skip=skip)
    lo, hi = _band(anchors, n, m, window)

    steps = _steps(max_align)
    runs = {"left": _RunVectors("left", left, span_encoder, max_align - 1),
            "right": _RunVectors("right", right, span_encoder, max_align - 1)}
    hood: dict[str, dict[int, np.ndarray]] = {"left": {}, "right": {}}
    if margin:
        for side, other in (("left", right), ("right", left)):
            index = VectorIndex(other)
            for size in runs[side].lengths:
                hood[side][size] = index.search(runs[side][size], top_k).scores.mean(axis=1)
    cos: dict[Step, np.ndarray] = {}
    score: dict[Step, np.ndarray] = {}
    for a, b in steps:
        if a == 0 or b == 0 or a > n or b > m:
            continue
        c = runs["left"][a] @ runs["right"][b].T
        s = c - (hood["left"][a][:, None] + hood["right"][b][None, :]) / 2.0 if margin else c.copy()
        if lengths is not None:
            s = s * _length_penalty(*lengths, a, b)
        cos[a, b], score[a, b] = c, s

    def step_score(a: int, b: int, i: int, j: int) -> float:
        return skip * (a + b) if a == 0 or b == 0 else float(score[a, b][i, j])

    path = _dp(n, m, steps, step_score, maximise=True, allowed=(lo, hi))
    pairs = [
        Pair(tuple(range(i, i + a)), tuple(range(j, j + b)), float(cos[a, b][i, j]),
             float(score[a, b][i, j]) - skip * (a + b))
        for i, j, a, b in path
        if a and b
    ]
    return _finish(pairs, n, m, params)


def _anchor_links(left: np.ndarray, right: np.ndarray, *, top_k: int, skip: float) -> list[tuple[int, int]]:
    """Pass 1: best monotone choice of at most one top-k candidate per left segment."""
    found = VectorIndex(right).search(left, top_k)
    n, m = len(left), len(right)
    sim = np.full((n, m), -np.inf)
    for i in range(n):
        sim[i, found.ids[i]] = found.scores[i]
    # best[i][j]: best total over left[:i] using right ids < j
    best = np.full((n + 1, m + 1), -np.inf)
    best[0, :] = 0.0
    move = np.zeros((n + 1, m + 1), np.int8)  # 0: skip left i-1, 1: link (i-1, j-1), 2: right j-1 unused
    for i in range(1, n + 1):
        best[i, 0] = best[i - 1, 0] + skip
        for j in range(1, m + 1):
            options = (best[i - 1, j] + skip, best[i - 1, j - 1] + sim[i - 1, j - 1], best[i, j - 1])
            move[i, j] = int(np.argmax(options))
            best[i, j] = options[move[i, j]]
    links = []
    i, j = n, m
    while i > 0:
        if j == 0 or move[i, j] == 0:
            i -= 1
        elif move[i, j] == 1:
            links.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        else:
            j -= 1
    return links[::-1]


def _band(anchors: list[tuple[int, int]], n: int, m: int, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Allowed right boundaries ``[lo[i], hi[i]]`` for each left boundary ``i`` (0..n)."""
    known = {0: 0.0, n: float(m)}
    for i, j in anchors:
        known.setdefault(i, float(j))
        known[i + 1] = float(j + 1)
    xs = np.array(sorted(known))
    centre = np.interp(np.arange(n + 1), xs, [known[x] for x in xs])
    centre = np.maximum.accumulate(np.rint(centre)).astype(int)
    after = np.append(centre[1:], m)
    lo = np.clip(centre - window, 0, m)
    hi = np.clip(after + window, 0, m)
    return lo, hi


def _length_penalty(left_len: np.ndarray, right_len: np.ndarray, a: int, b: int) -> np.ndarray:
    lx = np.convolve(left_len, np.ones(a), mode="valid")
    ly = np.convolve(right_len, np.ones(b), mode="valid")
    small, large = np.minimum.outer(lx, ly), np.maximum.outer(lx, ly)
    return np.log2(1.0 + small / np.maximum(large, 1e-9))


def _check_lengths(left_lengths, right_lengths, n: int, m: int) -> tuple[np.ndarray, np.ndarray] | None:
    if left_lengths is None and right_lengths is None:
        return None
    if left_lengths is None or right_lengths is None:
        raise AlignError("give both left_lengths and right_lengths, or neither")
    lx, ly = np.asarray(left_lengths, float), np.asarray(right_lengths, float)
    if lx.shape != (n,) or ly.shape != (m,):
        raise AlignError(f"lengths must match the segments: left {lx.shape} for {n}, right {ly.shape} for {m}")
    if np.any(lx < 0) or np.any(ly < 0):
        raise AlignError("segment lengths must not be negative")
    ratio = lx.sum() / ly.sum() if ly.sum() > 0 else 1.0
    return lx, ly * ratio


# -- shared machinery -------------------------------------------------------------------


def _steps(max_total: int) -> list[Step]:
    """Deletions, then every ``a:b`` with ``a, b >= 1`` and ``a + b <= max_total``."""
    return [(1, 0), (0, 1)] + [(a, b) for a in range(1, max_total) for b in range(1, max_total) if a + b <= max_total]


class _RunVectors:
    """Vectors of every run of 1..``longest`` consecutive segments of one side, by run length.

    ``self[size][start]`` is the vector of segments ``start .. start + size - 1``.
    """

    def __init__(self, side: str, vectors: np.ndarray, encoder: SpanEncoder | None, longest: int) -> None:
        n = len(vectors)
        self.lengths = [s for s in range(1, longest + 1) if s <= n]
        self._by_size = {1: vectors}
        fallback = average_spans(vectors)
        for size in self.lengths[1:]:
            spans = [(a, a + size) for a in range(n - size + 1)]
            vecs = np.asarray(encoder(side, spans) if encoder else fallback(spans), np.float32)
            if vecs.shape != (len(spans), vectors.shape[1]) or not np.all(np.isfinite(vecs)):
                raise AlignError(
                    f"span encoder gave {side} vectors of shape {vecs.shape} for {len(spans)} runs of {size} "
                    f"(expected ({len(spans)}, {vectors.shape[1]}), finite)"
                )
            self._by_size[size] = vecs

    def __getitem__(self, size: int) -> np.ndarray:
        return self._by_size[size]


def _dp(
    n: int,
    m: int,
    steps: list[Step],
    step_value: Callable[[int, int, int, int], float],
    *,
    maximise: bool,
    allowed: tuple[np.ndarray, np.ndarray] | None = None,
) -> list[tuple[int, int, int, int]]:
    """Best monotone path from (0, 0) to (n, m); returns its steps as (i, j, a, b).

    A step ``a:b`` from boundary ``(i, j)`` covers left ``i .. i+a-1`` and right
    ``j .. j+b-1`` and is valued ``step_value(a, b, i, j)``. With ``allowed``
    (``lo``, ``hi`` per left boundary), only boundaries inside the band are used.
    """
    sign = -1.0 if maximise else 1.0  # minimise sign * value
    total = np.full((n + 1, m + 1), np.inf)
    back = np.full((n + 1, m + 1), -1, np.int16)
    total[0, 0] = 0.0
    for i in range(n + 1):
        j_lo, j_hi = (0, m) if allowed is None else (int(allowed[0][i]), int(allowed[1][i]))
        for j in range(j_lo, j_hi + 1):
            if i == 0 and j == 0:
                continue
            best, arg = np.inf, -1
            for s, (a, b) in enumerate(steps):
                pi, pj = i - a, j - b
                if pi < 0 or pj < 0 or total[pi, pj] == np.inf:
                    continue
                value = total[pi, pj] + sign * step_value(a, b, pi, pj)
                if value < best:
                    best, arg = value, s
            total[i, j], back[i, j] = best, arg
    if back[n, m] < 0 and (n, m) != (0, 0):
        raise AlignError(f"internal error: no path through the band for {n} x {m} segments")
    path = []
    i, j = n, m
    while (i, j) != (0, 0):
        a, b = steps[back[i, j]]
        i, j = i - a, j - b
        path.append((i, j, a, b))
    return path[::-1]


def _check_inputs(left: np.ndarray, right: np.ndarray) -> None:
    for name, arr in (("left", left), ("right", right)):
        if not isinstance(arr, np.ndarray) or arr.ndim != 2:
            raise AlignError(f"{name} vectors must be a 2-d array, got shape {getattr(arr, 'shape', None)}")
        if len(arr) and not np.all(np.isfinite(arr)):
            raise AlignError(f"{name} vectors contain NaN or infinite values")
    if len(left) and len(right) and left.shape[1] != right.shape[1]:
        raise AlignError(f"vector sizes differ: left {left.shape[1]}, right {right.shape[1]}")


def _finish(pairs: list[Pair], n: int, m: int, params: AlignParams) -> Alignment:
    """Sort the pairs, list the rest as one-sided, and check every segment appears exactly once."""
    pairs = sorted(pairs, key=lambda p: (p.left[0], p.right[0]))
    used_left = [i for p in pairs for i in p.left]
    used_right = [j for p in pairs for j in p.right]
    left_set, right_set = set(used_left), set(used_right)
    left_only = [i for i in range(n) if i not in left_set]
    right_only = [j for j in range(m) if j not in right_set]
    result = Alignment(pairs, left_only, right_only, params)
    for side, size, used, only in (("left", n, used_left, left_only), ("right", m, used_right, right_only)):
        if sorted(used + only) != list(range(size)):
            raise AlignError(f"internal error: {side} segments not accounted for exactly once ({size} segments)")
    return result


BASELINES: dict[str, Callable[..., Alignment]] = {
    "greedy-nn": greedy_nn,
    "margin-mnn": margin_mnn,
    "vecalign": vecalign_dp,
    "bertalign": bertalign_two_pass,
}
