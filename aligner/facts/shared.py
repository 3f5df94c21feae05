"""Which segments of two articles state the same specific figure: evidence that one covers part of the other.

Comparable news seldom says a sentence twice; it shares facts. «وأعلنت السلطات مقتل سبعة أشخاص وإصابة 45
آخرين» and «از ۴۵ مصدوم زلزله، بیشتر پس از درمان سرپایی مرخص شدند» are not one sentence, and the model scores
them no closer than two sentences about the same quake that say different things; but the same 45 injured in
both says that the first article has at least part of what the second says. The aligner
(:func:`aligner.align.align`) links such a segment there rather than claim it is only in its article.

A figure is shared when both sides give the same value (:func:`aligner.facts.relation` ``equal`` or
``converted``; an open bound such as «أكثر من 65 ألف» is not a value) for the same thing:

* what they count agrees when both say it (killed, injured, …; see :mod:`aligner.facts.counted`);
* both have a unit (``usd``, ``ton``, ``%``, ``kg``, ``silver``, …) and it is the same; or
* one or neither has a unit and the value itself is specific: at least :data:`SPECIFIC_FROM` or not a whole
  number (``65400``, ``97``, ``4.7``), not a one-digit count such as «ستة» or «چهار» that any two
  sentences may hold for different things.

A different value on the same matter shares nothing. Dates and names do not count: on the news dev split every
date that unpaired segments shared was the article's own date in two datelines, and a name found in a single
segment of each side marked gold one-sided lines too (the same person in two different statements); see
README, Coverage, for the measurements.

Dates count the other way (:func:`years_apart`): two segments that both date what they say, in years that have
none in common, tell of different times («دورتين سابقتين عُقدتا في مسقط عام 2021 وفي بغداد عام 2023» and «دوره
چهارم همایش در سال ۲۰۲۷ در اسلام‌آباد»), however alike their words. The aligner does not claim that one covers
the other. Years, not days: two outlets may date one event a day apart (the event and its announcement, or
"yesterday" from different publishing days).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal

import numpy as np

from ..text import Segment, matching_key
from .compare import extract_document, relation
from .model import Fact

SPECIFIC_FROM = 10  # a bare number (no unit) this large is a specific figure; smaller ones are everyday counts


def shared_figures(
    left: Sequence[str], right: Sequence[str], *, left_lang: str = "ar", right_lang: str = "fa"
) -> set[tuple[int, int]]:
    """(i, j) for every left segment text ``left[i]`` and right one ``right[j]`` that state the same specific
    figure (see the module)."""
    return figures_shared(_figures(left, left_lang), _figures(right, right_lang))


def figures_shared(left: Iterable[Fact], right: Iterable[Fact]) -> set[tuple[int, int]]:
    """(left segment, right segment) of every two number facts that are one specific figure. Facts of
    other kinds are passed over; one figure has one value, so only numbers of equal value are compared."""
    by_value: dict[str, list[Fact]] = defaultdict(list)
    for b in right:
        if b.kind == "number":
            by_value[b.value].append(b)
    return {(a.segment, b.segment) for a in left if a.kind == "number"
            for b in by_value.get(a.value, ()) if same_figure(a, b)}


def same_figure(a: Fact, b: Fact) -> bool:
    """Whether numbers ``a`` and ``b`` are one specific figure (same value, same thing counted)."""
    if relation(a, b) not in ("equal", "converted"):
        return False
    if a.counted and b.counted and a.counted != b.counted:
        return False
    if a.unit and b.unit:
        return a.unit == b.unit
    return _specific(Decimal(a.value))


def years_apart(left: Iterable[Fact], right: Iterable[Fact], n: int, m: int) -> np.ndarray:
    """(n, m) booleans over the segments of two documents of n and m segments: true where both state dates with
    a year and no year of one is a year of the other. Computed as one product of year incidences, so that long
    documents with many dated segments stay fast."""
    years = [_years_by_segment(facts) for facts in (left, right)]
    columns = {y: k for k, y in enumerate(sorted(set().union(*years[0].values(), *years[1].values())))}
    incidence = []
    for by_segment, size in zip(years, (n, m), strict=True):
        rows = np.zeros((size, len(columns)), dtype=np.float32)
        for segment, ys in by_segment.items():
            rows[segment, [columns[y] for y in ys]] = 1.0
        incidence.append(rows)
    dated = [np.asarray(rows.sum(axis=1) > 0) for rows in incidence]
    return dated[0][:, None] & dated[1][None, :] & ~((incidence[0] @ incidence[1].T) > 0)


def _years_by_segment(facts: Iterable[Fact]) -> dict[int, set[int]]:
    """Each segment's years: those its dates' spans run through (dates without a year are passed over)."""
    out: dict[int, set[int]] = defaultdict(set)
    for f in facts:
        if f.kind == "date" and f.span and f.span[0][:4].isdigit() and f.span[1][:4].isdigit():
            out[f.segment].update(range(int(f.span[0][:4]), int(f.span[1][:4]) + 1))
    return out


def _specific(value: Decimal) -> bool:
    return abs(value) >= SPECIFIC_FROM or value != value.to_integral_value()


def _figures(texts: Sequence[str], lang: str) -> list[Fact]:
    """The numbers of each text, ``segment`` its index."""
    return [f for f in extract_document(line_segments(texts), lang).facts if f.kind == "number"]


def line_segments(texts: Sequence[str]) -> list[Segment]:
    """The texts as the segments of one document, a line each (``id`` its index)."""
    segments, start = [], 0
    for i, text in enumerate(texts):
        segments.append(Segment(i, start, start + len(text), text, matching_key(text)))
        start += len(text) + 1
    return segments
