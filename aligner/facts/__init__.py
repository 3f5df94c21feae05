"""Fact-level coverage: numbers, dates, names and who said what, across scripts and calendars.

>>> from aligner.facts import check_texts
>>> r = check_texts("بلغ 120 مليون دولار", "۱۵۰ میلیون دلار")
>>> [m.relation for p in r.pairs for m in p.conflicts]
['120000000 usd ≠ 150000000 usd']

Facts are extracted from each segment's original text (offsets into the segment and the
document), normalised to canonical values (:class:`Fact`), then compared per aligned pair
(shared / conflict / only one side) and per document (:class:`FactReport`).
"""

from __future__ import annotations

from .compare import (
    MIN_DATE_OVERLAP,
    SCHEMA,
    FactReport,
    Match,
    PairFacts,
    check_facts,
    check_texts,
    compare_pair,
    conflict,
    extract_document,
    related_segments,
    relation,
)
from .markers import pair_details, pair_markers
from .model import KINDS, Fact
from .names import name_key, same_name

__all__ = [
    "KINDS", "MIN_DATE_OVERLAP", "SCHEMA", "Fact", "FactReport", "Match", "PairFacts", "check_facts", "check_texts",
    "compare_pair", "conflict", "extract_document", "name_key", "pair_details", "pair_markers", "related_segments",
    "relation", "same_name",
]
