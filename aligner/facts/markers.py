"""Plain strings for a view: per-pair markers and the lines of a details section (no rich here).

``pair_markers(report, i)`` → e.g. ``["≠number", "<date"]``: ``≠kind`` for each kind with a
conflict, ``<kind`` / ``>kind`` for a fact only in the left / right side of the pair, ``=N``
for N shared facts (when nothing differs). ``pair_details(report, i)`` → one line per shared,
conflicting or one-sided fact, always with the user's text and the canonical value beside it.
"""

from __future__ import annotations

from .compare import FactReport
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


def describe(f: Fact) -> str:
    """``«text» (value unit; note)`` — the surface first, the canonical value as a gloss."""
    if f.kind == "name":
        return f"«{f.text}»"
    if f.kind == "attribution":
        return f"«{f.text}» (speaker: {f.speaker}{'; ' + f.note if f.note else ''})"
    value = f.value + (f" {f.unit}" if f.kind == "number" and f.unit else "") + (" ~" if f.approx else "")
    extra = f.note if f.kind == "date" and f.note else ""
    return f"«{f.text}» ({value}{'; ' + extra if extra else ''})"


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
