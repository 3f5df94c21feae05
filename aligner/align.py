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
   Length (when the caller gives segment lengths): a translation's length
   follows its original's, so a cell whose length ratio strays from the
   document's usual ratio by more than ``length_slack`` (in log units; 0.4 is
   1.5 times) loses ``length_weight`` of margin per log unit beyond it (see
   :func:`length_penalty`). It tells apart two neighbouring sentences on
   related topics, a short one facing a long one, that are each only on
   their own side.
2. Order as a prior: each cell's score gains ``support`` times the mean of
   the best margins just before and just after it on the diagonal (see
   :func:`neighbour_support`). Runs of pairs in the same order reinforce each
   other; a moved block still pairs, losing support only at its ends.
3. Competitive linking: take candidate pairs from the highest score down, each
   segment at most once, while the score reaches ``threshold`` and the cosine
   reaches ``min_cosine``. The first links taken are the mutual nearest
   neighbours.
   Parallel documents: the longest in-order chain of those links cuts both
   documents into gaps. In a translation every gap holds as many segments on
   each side (one-to-one), whatever the links missed; in two outlets' coverage,
   each side drops its own sentences and the gaps are uneven. When the chain
   covers a fair share of the shorter document, the gaps are even (at most
   :data:`PARALLEL_IMBALANCE` of all segments unaccounted for) and the chain
   holds nearly all the confident links (at most :data:`PARALLEL_CROSSING` of
   them off it: two outlets that tell a story in the same order still link a
   lead restated later or a quote moved elsewhere), the text is a
   translation: the best in-order matching of the whole document, with a low
   bar (:data:`PARALLEL_BAR`) and without the length penalty, replaces the
   links, keeping any confident link it leaves untouched.
4. Filling by order (other documents): an unpaired cell whose diagonal
   neighbourhood holds accepted links (within :data:`FILL_STEPS` segments
   before it and after it) is paired when its margin reaches
   ``fill_threshold``, or that plus :data:`ONE_SIDE_EXTRA` when only one side
   of it is anchored. A document's start or end anchors a cell only together
   with a link on the cell's other side: the last sentences of two articles are
   not each other's counterparts just because both come last. Cells are taken
   best margin first and each new link anchors its neighbours in turn, so a run
   of weak pairs between two confident ones fills in, and a moved block fills
   around its own links.
5. Merging: a pair grows by an adjacent unpaired segment (up to ``max_merge``
   segments on a side) when the joined text matches the other side better than
   the pair did by at least ``merge_gain``, so one sentence can pair with the two
   or three sentences that together say the same.

6. Coverage (other documents): every segment gets the calibrated probability
   that the other document says what it says (:mod:`aligner.coverage`). A
   segment the matches leave out is linked to its best counterpart by a
   ``covers`` pair when that probability reaches ``only_below``; below it, it
   is reported as only on its side, unless it states a specific figure that a
   segment of the other document states too (``shared``, see
   :mod:`aligner.facts.shared`): then it is linked to the likeliest of those
   segments by a ``covers`` pair, since that one says at least part of what it
   says. A translation stays one-to-one: what its in-order matching leaves out
   is one-sided.

Every segment is in one or more pairs or once in its side's one-sided list,
never both; ``match`` pairs are one-to-one.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields

import numpy as np

from embeddings.index import METHODS as INDEX_METHODS
from embeddings.index import mean_neighbour_similarity

from . import coverage as coverage_model
from .coverage import ONLY_BELOW, SegmentCoverage, segment_coverage, weights_id

# Defaults, documented in the README; changing one changes every report's signature.
DEFAULT_K = 4
DEFAULT_THRESHOLD = 0.14
DEFAULT_MIN_COSINE = 0.25
DEFAULT_MAX_MERGE = 3
DEFAULT_MERGE_GAIN = 0.1
DEFAULT_SUPPORT = 1.25
DEFAULT_FILL_THRESHOLD = 0.015
DEFAULT_LENGTH_WEIGHT = 0.2
DEFAULT_LENGTH_SLACK = 0.4
# confident matches needed before the length of a candidate pair counts at all
MIN_SURE_FOR_LENGTH = 3
# Diagonal steps to the previous/next alignment that count as "in order": drops
# of one segment on either side between two neighbouring pairs are common.
SUPPORT_STEPS = ((1, 1), (1, 2), (2, 1))
# Filling by order: a link up to this many segments before (and after) a cell on
# both sides anchors it; a cell anchored on one side only needs this much more margin.
FILL_STEPS = 2
ONE_SIDE_EXTRA = 0.015
# A document is a translation when the in-order chain of its confident links
# covers this share of the shorter side, the gaps between them leave at most
# this share of all segments without a same-size counterpart gap, and at most
# this share of the confident links lies off the chain (translations on the
# quality benchmark's dev sets: at most 0.08); its in-order matching then pairs
# cells down to this margin.
PARALLEL_MIN_CHAIN = 0.3
PARALLEL_IMBALANCE = 0.06
PARALLEL_CROSSING = 0.1
PARALLEL_BAR = -0.3
# The facts that decide beside coverage, for the signature: a specific figure a segment shares with one of the
# other document links it even below only_below; dates in different years refuse a link (see aligner.facts.shared)
LINK_EVIDENCE = "figures+years"

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
    # "match": a one-to-one link (with merged neighbours); no segment is in two matches.
    # "covers": a segment left out of the matches whose content the other article has (see aligner.coverage)
    kind: str = "match"

    def to_dict(self) -> dict:
        return {
            "left": list(self.left), "right": list(self.right), "kind": self.kind,
            "score": round(self.score, 4), "margin": round(self.margin, 4),
        }


def _setting(default, signature: str, meaning: str, *, low: float | None = None, high: float | None = None,
             choices: tuple[str, ...] = ()):
    """An :class:`AlignParams` field declared as a setting: its flag (``--`` and the name with hyphens), its
    environment variable (``ALIGNER_`` and the name in capitals), the README's options table and its part of the
    signature (``signature``: the key it is written under, settings under one key joined by ``+`` in field order;
    ``meaning``: the help text) come from here."""
    return field(default=default, metadata={"meaning": meaning, "low": low, "high": high, "choices": choices,
                                            "signature": signature})


# The order of the signature's keys (those of settings added later follow, in field order): kept so that every
# signature written so far stays the same.
SIGNATURE_ORDER = ("k", "margin", "min-cos", "support", "fill", "length", "merge", "only-below", "index")


@dataclass(frozen=True)
class AlignParams:
    """Every alignment setting, declared once: the CLI's options on each command that aligns, the keywords of
    :func:`aligner.compare` and :func:`aligner.batch.batch`, the report's settings and signature and the README's
    options table all come from these fields (see :func:`align_params` and :mod:`aligner.cli`)."""

    k: int = _setting(DEFAULT_K, "k", "Neighbours in the margin's neighbourhood.", low=1, high=64)
    threshold: float = _setting(DEFAULT_THRESHOLD, "margin", "Least score (margin plus order support) for a pair.")
    min_cosine: float = _setting(DEFAULT_MIN_COSINE, "min-cos", "Least (centred) cosine for a pair.")
    max_merge: int = _setting(DEFAULT_MAX_MERGE, "merge", "Most consecutive segments one side of a pair may join.",
                              low=1, high=8)
    merge_gain: float = _setting(DEFAULT_MERGE_GAIN, "merge", "Least cosine gain for joining a neighbouring segment.")
    support: float = _setting(DEFAULT_SUPPORT, "support", "Weight of the order prior (0: order-free).", low=0)
    fill_threshold: float = _setting(DEFAULT_FILL_THRESHOLD, "fill",
                                     "Least margin for a pair anchored in order by the pairs around it.")
    length_weight: float = _setting(
        DEFAULT_LENGTH_WEIGHT, "length",
        "Margin a pair loses per log unit its length ratio strays beyond --length-slack (0: length plays no part).",
        low=0,
    )
    length_slack: float = _setting(
        DEFAULT_LENGTH_SLACK, "length",
        "How far (in log units) a pair's length ratio may stray from the document's usual ratio before it costs "
        "margin (0.4: about 1.5 times).",
        low=0,
    )
    only_below: float = _setting(
        ONLY_BELOW, "only-below",
        "In articles that are not a translation, an unmatched segment is reported as only on its side when its "
        "coverage (the calibrated probability that the other article says it) is below this and it states no "
        "specific figure the other article states too; at or above, it is linked to its best counterpart (unless "
        "the two date what they say in different years), and a shared figure links it to the segment that states it.",
        low=0, high=1,
    )
    index: str = _setting(
        "exact", "index", "Nearest-neighbour search for the margins: exact, or FAISS's approximate hnsw or ivf for "
        "very long documents.", choices=INDEX_METHODS,
    )

    def signature(self) -> str:
        """Every setting under its key (``k:4|margin:0.14|...``); ``only-below`` also names the coverage model's
        weights and the facts that link or refuse a link (:data:`LINK_EVIDENCE`), which its results depend on."""
        parts: dict[str, list[str]] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            text = f"{value:g}" if isinstance(value, float) else str(value)
            parts.setdefault(f.metadata["signature"], []).append(text)
        parts["only-below"] += [weights_id(coverage_model.WEIGHTS), LINK_EVIDENCE]
        order = [key for key in SIGNATURE_ORDER if key in parts] + [key for key in parts if key not in SIGNATURE_ORDER]
        return "|".join(f"{key}:{'+'.join(parts[key])}" for key in order)


ALIGN_SETTINGS = tuple(f.name for f in fields(AlignParams))


def align_params(**settings) -> AlignParams:
    """:class:`AlignParams` from keyword settings (the rest at their defaults); a key that is not a setting
    raises :class:`ValueError` naming the valid ones."""
    unknown = sorted(set(settings) - set(ALIGN_SETTINGS))
    if unknown:
        raise ValueError(f"unknown setting(s) {', '.join(unknown)}; valid: {', '.join(ALIGN_SETTINGS)}")
    return AlignParams(**settings)


@dataclass(frozen=True)
class Alignment:
    pairs: list[Pair]
    left_only: list[int]
    right_only: list[int]
    params: AlignParams = field(default_factory=AlignParams)
    # one per segment, in order (empty when the method does not score coverage)
    left_coverage: list[SegmentCoverage] = field(default_factory=list)
    right_coverage: list[SegmentCoverage] = field(default_factory=list)


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


def margin_matrix(left: np.ndarray, right: np.ndarray, *, k: int,
                  index: str = "exact") -> tuple[np.ndarray, np.ndarray]:
    """Cosine matrix and margin matrix (cosine minus the mean neighbourhood cosine of both ends)."""
    cos = left @ right.T
    if cos.size == 0:
        return cos, cos.copy()
    left_hood = mean_neighbour_similarity(left, right, k, method=index)
    right_hood = mean_neighbour_similarity(right, left, k, method=index)
    margin = cos - (left_hood[:, None] + right_hood[None, :]) / 2.0
    return cos, margin


def length_penalty(
    left_lengths: np.ndarray, right_lengths: np.ndarray, margin: np.ndarray, *,
    threshold: float, weight: float, slack: float
) -> np.ndarray:
    """Margin each cell loses for a length ratio that strays from the document's usual one.

    The usual log length ratio is the median over the mutual best matches whose
    margin reaches ``threshold``. A cell loses ``weight`` for each log unit its
    ratio differs from that beyond ``slack``. With fewer than
    :data:`MIN_SURE_FOR_LENGTH` such matches there is no usual ratio to go by
    (two articles' total lengths say little about their sentences'), and no
    cell loses anything.
    """
    ratio = np.log(np.maximum(left_lengths, 1.0))[:, None] - np.log(np.maximum(right_lengths, 1.0))[None, :]
    best_right, best_left = margin.argmax(axis=1), margin.argmax(axis=0)
    rows = np.arange(len(margin))
    sure = (best_left[best_right] == rows) & (margin[rows, best_right] >= threshold)
    if sure.sum() < MIN_SURE_FOR_LENGTH:
        return np.zeros_like(margin)
    usual = float(np.median(ratio[rows[sure], best_right[sure]]))
    return (weight * np.maximum(np.abs(ratio - usual) - slack, 0.0)).astype(margin.dtype)


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


def fill_by_order(
    links: list[tuple[int, int]], margin: np.ndarray, *, threshold: float,
    one_side_extra: float = ONE_SIDE_EXTRA, steps: int = FILL_STEPS
) -> list[tuple[int, int]]:
    """Extra links for unpaired cells that accepted links anchor in order.

    A cell is anchored before when a link lies 1..``steps`` segments before it on
    both sides (the documents' start counts), and after likewise (their end
    counts). Anchored on both sides, it needs a margin of ``threshold``; on one
    side, by a link rather than an edge, ``threshold + one_side_extra``. The best such cell is linked first, and
    the new link anchors its own neighbours.
    """
    n, m = margin.shape
    pad = steps
    anchors = np.zeros((n + 2 * pad, m + 2 * pad), dtype=np.int8)  # 2: a link, 1: a document edge
    anchors[:pad, :pad] = 1  # before both documents start
    anchors[pad + n :, pad + m :] = 1  # after both end
    free_rows, free_cols = np.ones(n, bool), np.ones(m, bool)
    for i, j in links:
        anchors[pad + i, pad + j] = 2
        free_rows[i] = free_cols[j] = False
    extra: list[tuple[int, int]] = []
    while free_rows.any() and free_cols.any():
        before = np.zeros((n, m), dtype=np.int8)
        after = np.zeros((n, m), dtype=np.int8)
        for a in range(1, steps + 1):
            for b in range(1, steps + 1):
                before = np.maximum(before, anchors[pad - a : pad - a + n, pad - b : pad - b + m])
                after = np.maximum(after, anchors[pad + a : pad + a + n, pad + b : pad + b + m])
        both = (before > 0) & (after > 0)
        # an edge anchors a cell only together with a link on its other side
        one = (before == 2) | (after == 2)
        bar = np.where(both, threshold, threshold + one_side_extra)
        ok = (both | one) & (margin >= bar) & free_rows[:, None] & free_cols[None, :]
        if not ok.any():
            break
        cell = np.unravel_index(np.argmax(np.where(ok, margin, -np.inf)), margin.shape)
        i, j = int(cell[0]), int(cell[1])
        extra.append((i, j))
        anchors[pad + i, pad + j] = 2
        free_rows[i] = free_cols[j] = False
    return extra


def in_order_chain(links: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest subset of ``links`` in the same order in both documents (sorted by left index)."""
    ordered = sorted(links)
    tails: list[int] = []  # tails[p]: smallest right index ending an in-order chain of length p + 1
    tail_at: list[int] = []  # index in ``ordered`` of that link
    previous = [-1] * len(ordered)
    for k, (_, j) in enumerate(ordered):
        p = bisect.bisect_left(tails, j)
        if p == len(tails):
            tails.append(j)
            tail_at.append(k)
        else:
            tails[p] = j
            tail_at[p] = k
        previous[k] = tail_at[p - 1] if p else -1
    chain = []
    k = tail_at[-1] if tail_at else -1
    while k >= 0:
        chain.append(ordered[k])
        k = previous[k]
    return chain[::-1]


def gap_imbalance(chain: list[tuple[int, int]], n: int, m: int) -> float:
    """Share of all segments left over when each gap between chain links pairs one to one."""
    points = [(-1, -1), *chain, (n, m)]
    uneven = sum(abs((i1 - i0) - (j1 - j0)) for (i0, j0), (i1, j1) in zip(points, points[1:], strict=False))
    return uneven / (n + m)


def looks_parallel(links: list[tuple[int, int]], n: int, m: int) -> bool:
    """Whether the confident links say the two documents are a translation (see the module doc)."""
    chain = in_order_chain(links)
    return (
        len(chain) >= max(3, PARALLEL_MIN_CHAIN * min(n, m))
        and gap_imbalance(chain, n, m) <= PARALLEL_IMBALANCE
        and len(links) - len(chain) <= PARALLEL_CROSSING * len(links)
    )


def _monotone_matching(rows: list[int], cols: list[int], cos: np.ndarray, margin: np.ndarray, *, threshold: float,
                       min_cosine: float) -> list[tuple[int, int]]:
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


def link_competitively(cos: np.ndarray, margin: np.ndarray, *, threshold: float,
                       min_cosine: float) -> list[tuple[int, int]]:
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
        out = (np.stack([vectors[a:b].sum(axis=0) for a, b in ranges]) if ranges
               else np.zeros((0, vectors.shape[1]), np.float32))
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)

    return spans


def align(
    left: np.ndarray,
    right: np.ndarray,
    *,
    params: AlignParams | None = None,
    span_encoder: SpanEncoder | None = None,
    lengths: tuple[Sequence[int], Sequence[int]] | None = None,
    lexical: np.ndarray | None = None,
    shared: np.ndarray | None = None,
    apart: np.ndarray | None = None,
) -> Alignment:
    """Pair the rows of ``left`` (n, d) with the rows of ``right`` (m, d).

    ``span_encoder`` returns vectors for runs of consecutive segments (the joined
    text encoded by the model); without it, runs are approximated by the mean of
    their segments' vectors. ``lengths`` are the segments' lengths in characters
    of the text the model saw (left, right); without them, length plays no part.
    ``lexical`` (n, m) is the segments' lexical similarity
    (:func:`aligner.lexical.lexical_similarity`), one of the signals of coverage;
    without it, coverage goes by the vectors alone. ``shared`` (n, m) is true
    where two segments state the same specific figure
    (:func:`aligner.facts.shared.shared_figures`); a segment below
    ``only_below`` that shares one is linked there rather than one-sided.
    ``apart`` (n, m) is true where two segments date what they say in different years
    (:func:`aligner.facts.shared.years_apart`); neither is then said to cover the other.
    """
    params = params or AlignParams()
    _check_inputs(left, right, params, lengths, lexical, shared, apart)
    n, m = len(left), len(right)
    if n == 0 or m == 0:
        return Alignment([], list(range(n)), list(range(m)), params, _nothing_covers(n), _nothing_covers(m))
    centring = {"left": Centring(left), "right": Centring(right)}
    cos, raw_margin = margin_matrix(centring["left"](left), centring["right"](right), k=params.k, index=params.index)
    margin = raw_margin
    if lengths is not None and params.length_weight:
        left_lengths, right_lengths = (np.asarray(x, dtype=np.float64) for x in lengths)
        margin = margin - length_penalty(
            left_lengths, right_lengths, margin, threshold=params.threshold,
            weight=params.length_weight, slack=params.length_slack
        )
    score = margin + params.support * neighbour_support(margin, edge=params.threshold) if params.support else margin
    links = link_competitively(cos, score, threshold=params.threshold, min_cosine=params.min_cosine)
    translation = False
    if params.fill_threshold is not None:
        translation = looks_parallel(links, n, m)
        if translation:
            # in a translation the order decides: a verse glossed at length is still the translation
            links = _translation_links(links, cos, raw_margin)
        else:
            links += fill_by_order(links, margin, threshold=params.fill_threshold)
    spans = _SpanVectors(left, right, span_encoder, centring)
    pairs = [Pair((i,), (j,), float(cos[i, j]), float(score[i, j])) for i, j in links]
    if params.max_merge > 1:
        pairs = _merge_neighbours(pairs, n, m, spans, params)
    coverage = {
        "left": segment_coverage(cos, raw_margin, lexical),
        "right": segment_coverage(cos.T, raw_margin.T, None if lexical is None else lexical.T),
    }
    if not translation:
        # a translation is one-to-one: what its in-order matching leaves out is out
        pairs += _covers_pairs(pairs, coverage, cos, raw_margin, params.only_below, shared, apart)
    pairs.sort(key=lambda p: (p.left[0], p.right[0], p.kind != "match"))
    left_used = {i for p in pairs for i in p.left}
    right_used = {j for p in pairs for j in p.right}
    result = Alignment(
        pairs,
        [i for i in range(n) if i not in left_used],
        [j for j in range(m) if j not in right_used],
        params,
        coverage["left"],
        coverage["right"],
    )
    _check_complete(result, n, m)
    return result


def _covers_pairs(
    pairs: list[Pair], coverage: dict[str, list[SegmentCoverage]], cos: np.ndarray, margin: np.ndarray,
    only_below: float, shared: np.ndarray | None = None, apart: np.ndarray | None = None,
) -> list[Pair]:
    """A ``covers`` pair for each segment no match holds whose coverage reaches ``only_below`` (unless its best
    counterpart tells of other years, ``apart``), or that shares a specific figure with a segment of the other
    side (``shared``; linked to the likeliest of those)."""
    used = {"left": {i for p in pairs for i in p.left}, "right": {j for p in pairs for j in p.right}}
    views = {"left": (cos, shared, apart),
             "right": (cos.T, None if shared is None else shared.T, None if apart is None else apart.T)}
    extra: list[Pair] = []
    seen: set[tuple[int, int]] = set()
    for side in ("left", "right"):
        side_cos, side_shared, side_apart = views[side]
        for i, c in enumerate(coverage[side]):
            if i in used[side]:
                continue
            covered = c.score >= only_below and not (side_apart is not None and side_apart[i, c.best[0]])
            j = c.best[0] if covered else _sharing_counterpart(side_cos[i], side_shared, i)
            if j is None:
                continue
            a, b = (i, j) if side == "left" else (j, i)
            if (a, b) not in seen:
                seen.add((a, b))
                extra.append(Pair((a,), (b,), float(cos[a, b]), float(margin[a, b]), kind="covers"))
    return extra


def _sharing_counterpart(row_cos: np.ndarray, shared: np.ndarray | None, i: int) -> int | None:
    """Of the other side's segments that share a figure with segment ``i``, the one closest to it, or None."""
    if shared is None or not shared[i].any():
        return None
    return int(np.where(shared[i], row_cos, -np.inf).argmax())


def _nothing_covers(size: int) -> list[SegmentCoverage]:
    return [SegmentCoverage(0.0, ()) for _ in range(size)]


def _translation_links(links: list[tuple[int, int]], cos: np.ndarray, margin: np.ndarray) -> list[tuple[int, int]]:
    """The whole document's in-order matching, plus the confident links it leaves untouched."""
    n, m = cos.shape
    whole = _monotone_matching(list(range(n)), list(range(m)), cos, margin, threshold=PARALLEL_BAR, min_cosine=-1.0)
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
            for r, v in zip(joined, self._centring[side](np.asarray(vecs, np.float32)), strict=True):
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
                for option, vec in zip(options, grown, strict=True):
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


def _check_inputs(
    left: np.ndarray, right: np.ndarray, params: AlignParams, lengths: tuple[Sequence[int], Sequence[int]] | None,
    lexical: np.ndarray | None = None, shared: np.ndarray | None = None, apart: np.ndarray | None = None,
) -> None:
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
    if lengths is not None and (len(lengths[0]), len(lengths[1])) != (len(left), len(right)):
        raise AlignError(f"lengths ({len(lengths[0])}, {len(lengths[1])}) do not match the vectors "
                         f"({len(left)}, {len(right)})")
    if lexical is not None and lexical.shape != (len(left), len(right)):
        raise AlignError(f"lexical similarity has shape {lexical.shape}, the vectors ({len(left)}, {len(right)})")
    if shared is not None and shared.shape != (len(left), len(right)):
        raise AlignError(f"shared figures have shape {shared.shape}, the vectors ({len(left)}, {len(right)})")
    if apart is not None and apart.shape != (len(left), len(right)):
        raise AlignError(f"years apart has shape {apart.shape}, the vectors ({len(left)}, {len(right)})")
    if not 0.0 <= params.only_below <= 1.0:
        raise AlignError(f"only_below is a probability between 0 and 1, got {params.only_below}")
    if params.length_weight < 0 or params.length_slack < 0:
        raise AlignError("length weight and slack must not be negative, got "
                         f"{params.length_weight} and {params.length_slack}")


def _check_complete(result: Alignment, n: int, m: int) -> None:
    """Every segment in one or more pairs or once in its side's one-sided list, never both; matches one-to-one."""
    for side, size, only in (("left", n, result.left_only), ("right", m, result.right_only)):
        matched = [i for p in result.pairs if p.kind == "match" for i in getattr(p, side)]
        paired = {i for p in result.pairs for i in getattr(p, side)}
        if len(matched) != len(set(matched)) or len(only) != len(set(only)) or paired & set(only):
            raise AlignError(f"internal error: a {side} segment is in two matches, or both paired and one-sided")
        if paired | set(only) != set(range(size)):
            raise AlignError(f"internal error: {side} segments not all accounted for")
