"""Plain strings for a view: per-pair markers and the lines of a details section (no rich here).

``pair_markers(report, i)`` → e.g. ``["≠number", "<date"]``: ``≠kind`` for each kind with a
conflict, ``<kind`` / ``>kind`` for a fact only in the left / right side of the pair, ``=N``
for N shared facts (when nothing differs). ``pair_details(report, i)`` → one line per shared,
conflicting or one-sided fact, always with the user's text and the canonical value beside it.

For a whole report: :func:`conflicts` lists every conflict, those of a pair and those across
unpaired sentences (``FactReport.conflicts``), each with its segment ids;
:func:`one_sided` the facts the other article has nowhere and that are in no conflict (a fact
in a conflict is shown there, not again as one-sided); :func:`document_details` one line per
conflict across unpaired sentences.
"""

from __future__ import annotations

from dataclasses import dataclass

from .compare import FactReport, Match
from .model import KINDS, Fact


def pair_markers(facts: FactReport, pair_index: int) -> list[str]:
    p = facts.pairs[pair_index]
    out = []
    for kind in KINDS:
        if any(m.kind == kind for m in p.conflicts):
            out.append(f"≠{kind}")
    for kind in KINDS:
        if any(facts.left[i].kind == kind for i in p.left_only):
            out.append(f"<{kind}")
        if any(facts.right[j].kind == kind for j in p.right_only):
            out.append(f">{kind}")
    if not out and p.shared:
        out.append(f"={len(p.shared)}")
    return out


def gloss(f: Fact) -> str:
    """The canonical value as shown beside the user's words (``120000000 usd``, ``2025-10-14; Jalali …``,
    ``speaker: …``); empty for a name, whose key is only for matching."""
    if f.kind == "name":
        return ""
    if f.kind == "attribution":
        return f"speaker: {f.speaker}{'; ' + f.note if f.note else ''}"
    value = f.value + (f" {f.unit}" if f.kind == "number" and f.unit else "") + (" ~" if f.approx else "")
    extra = f.note if f.kind == "date" and f.note else ""
    return value + (f"; {extra}" if extra else "")


def describe(f: Fact) -> str:
    """``«text» (value unit; note)`` — the surface first, the canonical value as a gloss."""
    g = gloss(f)
    return f"«{f.text}»" + (f" ({g})" if g else "")


def pair_details(facts: FactReport, pair_index: int) -> list[str]:
    p = facts.pairs[pair_index]
    lines = []
    for m in p.conflicts:
        lines.append(f"≠ {m.kind}: {describe(facts.left[m.left])} ≠ {describe(facts.right[m.right])}")
    for i in p.left_only:
        lines.append(f"< {facts.left[i].kind}: {describe(facts.left[i])}")
    for j in p.right_only:
        lines.append(f"> {facts.right[j].kind}: {describe(facts.right[j])}")
    for m in p.shared:
        lines.append(f"= {m.kind}: {describe(facts.left[m.left])} = {describe(facts.right[m.right])} [{m.relation}]")
    return lines


@dataclass(frozen=True)
class Conflict:
    """One conflict as the views show it: the match, where its facts stand, and whether the
    two sentences are a pair (``unpaired``: a document-level conflict)."""

    match: Match
    left: Fact
    right: Fact
    left_segments: tuple[int, ...]  # the pair's segments, or the left fact's segment when unpaired
    right_segments: tuple[int, ...]
    unpaired: bool = False

    @property
    def kind(self) -> str:
        return self.match.kind


def conflicts(facts: FactReport) -> list[Conflict]:
    """Every conflict: those of the pairs in the left article's order, then those across unpaired
    sentences by their left and right segments."""
    out = []
    order = sorted(range(len(facts.pairs)), key=lambda i: (min(facts.pairs[i].left_segments, default=-1), i))
    for i in order:
        p = facts.pairs[i]
        out += [Conflict(m, facts.left[m.left], facts.right[m.right], tuple(p.left_segments), tuple(p.right_segments))
                for m in p.conflicts]
    across = sorted(facts.conflicts, key=lambda m: (facts.left[m.left].segment,
                                                    facts.right[m.right].segment, m.left, m.right))
    out += [Conflict(m, facts.left[m.left], facts.right[m.right], (facts.left[m.left].segment,),
                     (facts.right[m.right].segment,), unpaired=True) for m in across]
    return out


def in_conflict(facts: FactReport) -> tuple[set[int], set[int]]:
    """Indexes of the left and the right facts that are in a conflict (of a pair or across unpaired sentences)."""
    matches = [m for p in facts.pairs for m in p.conflicts] + list(facts.conflicts)
    return {m.left for m in matches}, {m.right for m in matches}


def one_sided(facts: FactReport) -> tuple[list[int], list[int]]:
    """``facts.left_only`` and ``facts.right_only`` without the facts that are in a conflict."""
    used_l, used_r = in_conflict(facts)
    return [i for i in facts.left_only if i not in used_l], [j for j in facts.right_only if j not in used_r]


def document_details(facts: FactReport) -> list[str]:
    """One line per conflict across unpaired sentences, with both segment ids."""
    return [f"≠ {c.kind}: left [{c.left.segment}] {describe(c.left)} ≠ right [{c.right.segment}] {describe(c.right)}"
            for c in conflicts(facts) if c.unpaired]
