"""The rows every side-by-side view shows (text, diff, html), and the kind of each row.

Rows follow the reading order of the left article. A pair stands at its first
left segment, with its counterpart beside it wherever that stands in the right
article (the right ids show the position). A left-only segment has its own row.
A right-only segment stands after the row holding the right segment just before
it, counting only pairs in order (pairs off the longest run of pairs whose right
ids increase with the left ones are *moved*), so right-only segments appear
where they fall in the right article's order.
A segment that no one-to-one match holds but whose content the other article
has (a ``covers`` pair, see :mod:`aligner.coverage`) has a ``covered`` row of its
own, placed as a one-sided segment of its side would be, naming the other
side's segments that cover it (``covered_by``).
Every segment of both sides is in exactly one row.
"""

from __future__ import annotations

from dataclasses import dataclass

PARTIAL_BELOW = 0.45
"""A pair whose score (centred cosine) is below this is shown as ``partial``:
both articles speak of it, but one says noticeably more or otherwise."""

KINDS = ("shared", "partial", "covered", "left_only", "right_only")
MARKERS = {"shared": "=", "partial": "~", "covered": "≈", "left_only": "<", "right_only": ">"}
LABELS = {"shared": "shared", "partial": "partial", "covered": "said elsewhere",
          "left_only": "only left", "right_only": "only right"}


@dataclass(frozen=True)
class Row:
    kind: str  # one of KINDS
    left: tuple[int, ...]
    right: tuple[int, ...]
    score: float | None = None
    margin: float | None = None
    moved: bool = False  # a pair whose right side stands out of the left article's order
    covered_by: tuple[int, ...] = ()  # a covered row: the other side's segments that cover it

    @property
    def marker(self) -> str:
        return MARKERS[self.kind]


def pair_kind(score: float, partial_below: float = PARTIAL_BELOW) -> str:
    return "partial" if score < partial_below else "shared"


def ordered_rows(report, *, partial_below: float = PARTIAL_BELOW) -> list[Row]:
    """The rows of ``report`` in display order (see the module docstring)."""
    matches = [p for p in report.pairs if getattr(p, "kind", "match") == "match"]
    rows = [Row(pair_kind(p.score, partial_below), tuple(p.left), tuple(p.right), p.score, p.margin) for p in matches]
    covered = covered_segments(report)
    rows += [Row("left_only", (i,), ()) for i in report.left_only]
    rows += [Row("covered", (i,), (), covered_by=ids) for i, ids in covered["left"].items()]
    rows.sort(key=lambda r: r.left[0])
    rows = _mark_moved(rows)
    placed: dict[int, list[Row]] = {}
    leading: list[Row] = []
    right_rows = [Row("right_only", (), (j,)) for j in report.right_only]
    right_rows += [Row("covered", (), (j,), covered_by=ids) for j, ids in covered["right"].items()]
    for row in sorted(right_rows, key=lambda r: r.right[0]):
        anchor = _row_holding_right(rows, row.right[0])
        (placed.setdefault(anchor, []) if anchor is not None else leading).append(row)
    out = list(leading)
    for idx, row in enumerate(rows):
        out.append(row)
        out.extend(placed.get(idx, []))
    return out


def covered_segments(report) -> dict[str, dict[int, tuple[int, ...]]]:
    """Segments no match holds that ``covers`` pairs hold: side -> {id: the other side's ids covering it}."""
    matched = {side: {i for p in report.pairs if getattr(p, "kind", "match") == "match" for i in getattr(p, side)}
               for side in ("left", "right")}
    out: dict[str, dict[int, tuple[int, ...]]] = {"left": {}, "right": {}}
    for p in report.pairs:
        if getattr(p, "kind", "match") != "covers":
            continue
        for side, other in (("left", "right"), ("right", "left")):
            for i in getattr(p, side):
                if i not in matched[side]:
                    out[side][i] = tuple(sorted({*out[side].get(i, ()), *getattr(p, other)}))
    return out


def _mark_moved(rows: list[Row]) -> list[Row]:
    """Mark pairs off the longest run of pairs whose right ids increase with the left ones."""
    pairs = [(n, r) for n, r in enumerate(rows) if r.left and r.right]
    # longest increasing subsequence of the right ids, O(n^2) is fine for articles
    best: list[int] = [1] * len(pairs)
    prev: list[int] = [-1] * len(pairs)
    for b in range(len(pairs)):
        for a in range(b):
            if pairs[a][1].right[0] < pairs[b][1].right[0] and best[a] + 1 > best[b]:
                best[b], prev[b] = best[a] + 1, a
    keep: set[int] = set()
    if pairs:
        b = max(range(len(pairs)), key=lambda n: (best[n], -n))
        while b >= 0:
            keep.add(pairs[b][0])
            b = prev[b]
    return [r if not r.right or n in keep else Row(r.kind, r.left, r.right, r.score, r.margin, True, r.covered_by)
            for n, r in enumerate(rows)]


def _row_holding_right(rows: list[Row], j: int) -> int | None:
    """Index of the row (not moved) that holds the nearest right segment before ``j``."""
    best, best_id = None, -1
    for idx, row in enumerate(rows):
        if row.moved:  # anchor on pairs that keep the left article's order only
            continue
        for r in row.right:
            if best_id < r < j:
                best, best_id = idx, r
    return best


def lang_label(lang: str) -> str:
    from ..pipeline import LANG_NAMES

    return LANG_NAMES.get(lang, lang)
