"""Extract the facts of a document and compare them per pair and per document."""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from ..align import Pair
from ..text import Segment
from ._lex import Token, tokenize
from .attribution import SpeakerContext, extract_attributions, speaker_relation, speakers_conflict
from .dates import WEEKDAY_INDEX, DateContext, article_date, extract_dates, extract_numeric_dates, span_of
from .model import KINDS, Fact
from .names import STOP_K, NameIndex, cross_matches, extract_names, name_key, same_name
from .counted import close_values, one_quantity
from .numbers import BoundIndex, bound_at_rounding, bound_holds, bounds_meet, extract_numbers, rounded_to

SCHEMA = "aligner.facts/2"
# Two absolute dates are the same period when their overlap covers at least this share of
# the shorter one (one containing the other is the limit case: share 1.0).
MIN_DATE_OVERLAP = 0.5


# ----------------------------------------------------------------------------------------
# Extraction
# ----------------------------------------------------------------------------------------


@dataclass
class DocumentFacts:
    """All facts of one document, in reading order, and each segment's tokens."""

    lang: str
    facts: list[Fact]
    tokens: dict[int, list[Token]]  # segment id -> tokens (document offsets)
    texts: dict[int, str]
    seg_starts: dict[int, int] = field(default_factory=dict)  # segment id -> its offset in the document
    longest: int = 0  # characters of the longest name, date or number fact


    @cached_property
    def _starts(self) -> list[tuple[int, int]]:
        return sorted((start, seg) for seg, start in self.seg_starts.items())

    def segment_at(self, offset: int) -> int:
        """The segment holding the character at ``offset`` (the last one starting at or before it)."""
        return self._starts[bisect_right(self._starts, (offset, float("inf"))) - 1][1]


def extract_document(segments: list[Segment], lang: str) -> DocumentFacts:
    """Facts of every segment; dates, names and speakers use the document's context."""
    known: set = set()
    facts: list[Fact] = []
    tokens_by: dict[int, list[Token]] = {}
    texts = {}
    # first pass: names, so that a surname given once is known everywhere after
    for seg in segments:
        toks = _doc_tokens(seg)
        tokens_by[seg.id] = toks
        texts[seg.id] = seg.text
    # relative dates, weekdays and years left out resolve against the date the article gives itself
    dctx = DateContext(article_date([(tokens_by[s.id], _Shifted(s.text, s.start), s.start) for s in segments], lang))
    for seg in segments:
        facts.extend(_segment_facts(seg, tokens_by[seg.id], lang, dctx, known))
    longest = max((len(f.text) for f in facts), default=0)
    return DocumentFacts(lang, facts, tokens_by, texts, {s.id: s.start for s in segments}, longest)


def add_attributions(doc: DocumentFacts) -> None:
    """Speakers, once every name (also those found across the sides) is known."""
    ctx = SpeakerContext()
    found = []
    names_in: dict[int, list[Fact]] = defaultdict(list)
    for f in doc.facts:
        if f.kind == "name":
            names_in[f.segment].append(f)
    for seg, toks in doc.tokens.items():
        names = names_in[seg]
        text = _Shifted(doc.texts[seg], doc.seg_starts[seg])
        found += extract_attributions(toks, text, names, lang=doc.lang, ctx=ctx, segment=seg, base=doc.seg_starts[seg])
    doc.facts.extend(found)
    doc.facts.sort(key=lambda f: (f.doc_start, KINDS.index(f.kind)))


def _doc_tokens(seg: Segment) -> list[Token]:
    at = seg.start
    return [Token(t.start + at, t.end + at, t.text, t.norm, t.kind) for t in tokenize(seg.text)]


def _segment_facts(seg: Segment, toks: list[Token], lang: str, dctx, known) -> list[Fact]:
    # tokens hold document offsets; extractors get the document text through a view
    doc_text = _Shifted(seg.text, seg.start)
    base = seg.start
    numeric = extract_numeric_dates(toks, doc_text, segment=seg.id, base=base)
    dates = extract_dates(toks, doc_text, lang=lang, ctx=dctx, segment=seg.id, base=base)
    dates = numeric + [d for d in dates if not _overlaps(d, numeric)]
    taken = [(d.doc_start, d.doc_end) for d in dates]
    numbers = extract_numbers(toks, doc_text, lang=lang, taken=taken, segment=seg.id, base=base)
    taken += [(x.doc_start, x.doc_end) for x in numbers]
    names = extract_names(toks, doc_text, lang=lang, known=known, segment=seg.id, base=base, taken=taken)
    out = dates + numbers + names
    out.sort(key=lambda f: (f.doc_start, KINDS.index(f.kind)))
    return out


class _Shifted(str):
    """A segment's text indexed by document offsets (``text[a:b]`` with a, b in the document)."""

    base: int

    def __new__(cls, text: str, base: int):
        obj = super().__new__(cls, text)
        obj.base = base
        return obj

    def __getitem__(self, key):
        if isinstance(key, slice):
            return str.__getitem__(self, slice(key.start - self.base, key.stop - self.base))
        return str.__getitem__(self, key - self.base)


def _overlaps(f: Fact, others: list[Fact]) -> bool:
    return any(f.doc_start < o.doc_end and o.doc_start < f.doc_end for o in others)


# ----------------------------------------------------------------------------------------
# Comparison of two facts
# ----------------------------------------------------------------------------------------


def relation(a: Fact, b: Fact) -> str | None:
    """How ``a`` and ``b`` agree (``equal``, ``converted``, ``contains``, ``overlap``, ``weekday``, ``same-name``,
    ``same-speaker``, ``bound``: a bounded number admits the other, see :func:`.numbers.interval`; ``rounded``:
    one is the other written round, see :func:`.numbers.rounded_to`), or None."""
    if a.kind != b.kind:
        return None
    if a.kind == "number":
        if a.value != b.value or (a.unit and b.unit and a.unit != b.unit):
            return "bound" if bounds_meet(a, b) else "rounded" if rounded_to(a, b) else None
        return "equal" if a.text == b.text else "converted"
    if a.kind == "date":
        return _date_relation(a, b)
    if a.kind == "name":
        return "same-name" if same_name(a.value, b.value) else None
    if a.kind == "attribution":
        return "same-speaker" if _same_speaker(a.value, b.value) else None
    return None


def _quantity(f: Fact) -> str:
    """A number's value with what it counts: ``31 person (killed)``."""
    counted = f" ({f.counted})" if f.counted and f.counted != f.unit else ""
    return f"{f.value} {f.unit}".rstrip() + counted


def _same_speaker(a: str, b: str) -> bool:
    """Two speaker values name one speaker: a name, a title or a body (see attribution.speaker_relation)."""
    return speaker_relation(a, b) == "same"


def _weekday_of(f: Fact) -> str | None:
    if f.extra.get("weekday"):
        return f.extra["weekday"]
    s = span_of(f)
    if s and s[0] == s[1]:
        return next(k for k, v in WEEKDAY_INDEX.items() if v == s[0].weekday())
    return None


def _month_day(f: Fact) -> tuple[int | None, int | None] | None:
    v = f.value
    if f.unit == "range" or "/" in v:
        return None
    if v.startswith("--"):
        parts = v[2:].split("-")
        return int(parts[0]), (int(parts[1]) if len(parts) > 1 else None)
    s = span_of(f)
    if s and s[0] == s[1]:
        return s[0].month, s[0].day
    if f.unit == "month" and f.calendar == "gregorian" and len(v) == 7:
        return int(v[5:7]), None
    return None


def _date_relation(a: Fact, b: Fact) -> str | None:
    if a.unit == "relative" or b.unit == "relative":
        return "equal" if a.value == b.value else None
    if a.unit == "weekday" or b.unit == "weekday":
        wa, wb = _weekday_of(a), _weekday_of(b)
        return "weekday" if wa and wa == wb else None
    sa, sb = span_of(a), span_of(b)
    if sa and sb:
        if sa == sb:
            return "equal" if a.value == b.value and a.calendar == b.calendar else "converted"
        inter = (min(sa[1], sb[1]) - max(sa[0], sb[0])).days + 1
        shorter = min((sa[1] - sa[0]).days, (sb[1] - sb[0]).days) + 1
        if inter <= 0:
            return None
        if inter == shorter:
            return "contains"
        return "overlap" if inter >= MIN_DATE_OVERLAP * shorter else None
    # a date without a year: month and day must agree
    ma, mb = _month_day(a), _month_day(b)
    if ma and mb and a.calendar == b.calendar:
        if ma[0] != mb[0]:
            return None
        if ma[1] and mb[1] and ma[1] != mb[1]:
            return None
        return "equal" if ma == mb else "contains"
    return None


def _told_apart(a: Fact, b: Fact) -> bool:
    """Dates that are not one date given two values: both written relative to their articles in different
    words («العام الماضي», «امسال»: each article places its fact in time on purpose), or a day named only by
    a weekday or «أمس» against a date that names neither (as a weekday conflicts only with a weekday)."""
    ra, rb = a.extra.get("relative"), b.extra.get("relative")
    if ra and rb and ra != rb:
        return True
    named = [bool(f.extra.get("weekday") or f.extra.get("relative")) for f in (a, b)]
    return any(f.extra.get("day_word") for f in (a, b)) and not all(named)


def conflict(a: Fact, b: Fact) -> str | None:
    """Why ``a`` and ``b`` fill the same slot with different values, or None."""
    if a.kind != b.kind:
        return None
    if a.kind == "number":
        if (a.value != b.value and one_quantity(a, b) and not bounds_meet(a, b) and not bound_holds(a, b)
                and not rounded_to(a, b)):
            return f"{_quantity(a)} ≠ {_quantity(b)}"
        return None
    if a.kind == "date":
        if "relative" in (a.unit, b.unit) or _told_apart(a, b):
            return None
        if a.unit == "weekday" or b.unit == "weekday":
            wa, wb = _weekday_of(a), _weekday_of(b)
            return f"{wa} ≠ {wb}" if wa and wb and wa != wb and (a.unit == b.unit) else None
        if (_date_relation(a, b) is None and (span_of(a) or _month_day(a)) and (span_of(b) or _month_day(b))
                and (a.unit == b.unit or {a.unit, b.unit} <= {"day", "range"})):
            return f"{a.value} ≠ {b.value}"
        return None
    if a.kind == "attribution":
        # only two speakers told apart with confidence conflict (a title against a name is unknown)
        return f"{a.speaker} ≠ {b.speaker}" if speakers_conflict(a, b) else None
    return None


# ----------------------------------------------------------------------------------------
# Per pair and per document
# ----------------------------------------------------------------------------------------


@dataclass
class Match:
    kind: str
    left: int  # index into FactReport.left
    right: int  # index into FactReport.right
    relation: str  # shared: equal, converted, contains, overlap, weekday, same-name, same-speaker; conflict: the reason

    def to_dict(self) -> dict:
        return {"kind": self.kind, "left": self.left, "right": self.right, "relation": self.relation}


@dataclass
class PairFacts:
    left_segments: tuple[int, ...]
    right_segments: tuple[int, ...]
    shared: list[Match] = field(default_factory=list)
    conflicts: list[Match] = field(default_factory=list)
    left_only: list[int] = field(default_factory=list)
    right_only: list[int] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "left": list(self.left_segments),
            "right": list(self.right_segments),
            "shared": [m.to_dict() for m in self.shared],
            "conflicts": [m.to_dict() for m in self.conflicts],
            "left_only": list(self.left_only),
            "right_only": list(self.right_only),
        }


@dataclass
class FactReport:
    """All facts of both documents (``left``, ``right``) and how they compare."""

    left: list[Fact]
    right: list[Fact]
    pairs: list[PairFacts]
    left_only: list[int]  # facts with no counterpart anywhere in the other document, and in no conflict
    right_only: list[int]
    # conflicts between facts of segments that are not paired but are about the same matter
    conflicts: list[Match] = field(default_factory=list)

    def summary(self) -> dict:
        out = {}
        for kind in KINDS:
            out[kind] = {
                "left": sum(f.kind == kind for f in self.left),
                "right": sum(f.kind == kind for f in self.right),
                "shared": sum(m.kind == kind for p in self.pairs for m in p.shared),
                "conflicts": sum(m.kind == kind for p in self.pairs for m in p.conflicts),
                "document_conflicts": sum(m.kind == kind for m in self.conflicts),
                "left_only": sum(self.left[i].kind == kind for i in self.left_only),
                "right_only": sum(self.right[i].kind == kind for i in self.right_only),
            }
        return out

    def conflict_dict(self, m: Match) -> dict:
        """A document-level conflict with both facts' segment ids."""
        return {**m.to_dict(), "left_segment": self.left[m.left].segment, "right_segment": self.right[m.right].segment}

    def to_dict(self) -> dict:
        return {
            "schema": SCHEMA,
            "left": [f.to_dict() for f in self.left],
            "right": [f.to_dict() for f in self.right],
            "pairs": [p.to_dict() for p in self.pairs],
            "left_only": list(self.left_only),
            "right_only": list(self.right_only),
            "conflicts": [self.conflict_dict(m) for m in self.conflicts],
            "summary": self.summary(),
        }


def compare_pair(left: list[Fact], right: list[Fact], li: list[int],
                 ri: list[int]) -> tuple[list[Match], list[Match], list[int], list[int]]:
    """Shared, conflicting and one-sided facts among ``left[li]`` and ``right[ri]``.

    Greedy one-to-one matching, best relation first; then a fact left over that agrees with an
    already matched fact on the other side (the same date given in two calendars) is shared
    with that fact. Conflicts are taken among what is still left, in reading order.
    """
    rank = {"equal": 0, "converted": 1, "same-name": 1, "same-speaker": 1, "weekday": 2, "contains": 3, "overlap": 4}
    cands = []
    agreeing = _Candidates(right, ri)
    known: dict[tuple, str | None] = {}  # a long segment repeats its names and figures: relate each kind once
    for a in li:
        for b in agreeing.agreeing(left[a]):
            key = (_relation_key(left[a]), _relation_key(right[b]))
            if key not in known:
                known[key] = relation(left[a], right[b])
            r = known[key]
            if r:
                cands.append((rank.get(r, 5), a, b, r))
    cands.sort()
    used_l, used_r, shared = set(), set(), []
    for _, a, b, r in cands:
        if a not in used_l and b not in used_r:
            used_l.add(a)
            used_r.add(b)
            shared.append(Match(left[a].kind, a, b, r))
    for _, a, b, r in cands:
        if a not in used_l and b in used_r:
            used_l.add(a)
            shared.append(Match(left[a].kind, a, b, r))
        elif b not in used_r and a in used_l:
            used_r.add(b)
            shared.append(Match(left[a].kind, a, b, r))
    conflicts = []
    rest_l = [a for a in li if a not in used_l]
    rest_r = [b for b in ri if b not in used_r]
    # one number left on each side, neither with a unit: the same slot with another value
    nl = [a for a in rest_l if left[a].kind == "number"]
    nr = [b for b in rest_r if right[b].kind == "number"]
    if len(nl) == 1 and len(nr) == 1 and _bare_slot(left[nl[0]], right[nr[0]]):
        conflicts.append(Match("number", nl[0], nr[0], f"{left[nl[0]].value} ≠ {right[nr[0]].value}"))
        used_l.add(nl[0])
        used_r.add(nr[0])
    slots = _Candidates(right, [b for b in rest_r if b not in used_r])
    for a in rest_l:
        for b in slots.same_slot(left[a]):
            why = conflict(left[a], right[b])
            if why:
                conflicts.append(Match(left[a].kind, a, b, why))
                used_l.add(a)
                used_r.add(b)
                slots.remove(right[b], b)
                break
    shared.sort(key=lambda m: (left[m.left].doc_start, right[m.right].doc_start))
    return shared, conflicts, [a for a in li if a not in used_l], [b for b in ri if b not in used_r]


def _bare_slot(a: Fact, b: Fact) -> bool:
    """Two numbers without a unit, the only ones left in a pair: one slot when nothing tells them apart."""
    if a.unit or b.unit or a.value == b.value or bounds_meet(a, b):
        return False
    return (not a.counted or not b.counted or a.counted == b.counted) and close_values(a, b)


def _relation_key(f: Fact) -> tuple:
    """Every field :func:`relation` reads: two facts with the same key relate to others alike."""
    return f.kind, f.text, f.value, f.unit, f.span, f.calendar, f.approx, f.bound, f.speaker, f.extra.get("weekday")


class _Candidates:
    """Facts of one side (indices into ``facts``), grouped so that only those that can agree with a
    fact (:func:`relation`) or fill its slot (:func:`conflict`) are tried: a long segment pair
    holds hundreds of facts, and trying every pair is quadratic."""

    def __init__(self, facts: list[Fact], indices: list[int]) -> None:
        self.by_value: dict[str, list[int]] = defaultdict(list)  # numbers
        self.by_unit: dict[str, list[int]] = defaultdict(list)  # numbers with a unit
        self.by_counted: dict[str, list[int]] = defaultdict(list)  # numbers that say what happened to whom
        self.by_kind: dict[str, list[int]] = defaultdict(list)  # dates and attributions
        self.names: NameIndex[int] = NameIndex()
        self.bounds = BoundIndex([(i, facts[i]) for i in indices if facts[i].kind == "number"])  # bounds_meet
        for i in indices:
            f = facts[i]
            if f.kind == "number":
                self.by_value[f.value].append(i)
                if f.unit:
                    self.by_unit[f.unit].append(i)
                if f.counted:
                    self.by_counted[f.counted].append(i)
            elif f.kind == "name":
                self.names.add(i, f.value)
            else:
                self.by_kind[f.kind].append(i)

    def agreeing(self, f: Fact) -> list[int]:
        """A superset of the facts :func:`relation` may relate to ``f``, in order."""
        if f.kind == "number":
            same, bounded = self.by_value.get(f.value, []), self.bounds.candidates(f)
            return sorted({*same, *bounded}) if bounded else same
        if f.kind == "name":
            return self.names.candidates(f.value)
        return self.by_kind.get(f.kind, [])

    def same_slot(self, f: Fact) -> list[int]:
        """A superset of the facts :func:`conflict` may find in conflict with ``f``, in order (names never are)."""
        if f.kind == "number":
            by_unit = self.by_unit.get(f.unit, []) if f.unit else []
            by_counted = self.by_counted.get(f.counted, []) if f.counted else []
            return sorted({*by_unit, *by_counted}) if by_counted else list(by_unit)
        return list(self.by_kind.get(f.kind, []))

    def remove(self, f: Fact, i: int) -> None:
        """Take fact ``i`` out of :meth:`same_slot`'s answers (it has found its conflict)."""
        if f.kind == "number":
            if f.unit:
                self.by_unit[f.unit].remove(i)
            if f.counted:
                self.by_counted[f.counted].remove(i)
        elif f.kind in self.by_kind:
            self.by_kind[f.kind].remove(i)


def _add_cross_names(ldoc: DocumentFacts, rdoc: DocumentFacts, lsegs: set[int], rsegs: set[int]) -> None:
    """Names found on one side only, or by spelling differences across the sides (see :mod:`.names`)."""
    ltoks = [t for s in sorted(lsegs) for t in ldoc.tokens[s]]
    rtoks = [t for s in sorted(rsegs) for t in rdoc.tokens[s]]
    for doc, segs, other_doc, other_toks, other_segs in ((ldoc, lsegs, rdoc, rtoks, rsegs),
                                                         (rdoc, rsegs, ldoc, ltoks, lsegs)):
        other_names = NameIndex((g, g.value) for g in other_doc.facts if g.kind == "name" and g.segment in other_segs)
        words = _word_index(other_toks)
        for f in [f for f in doc.facts if f.kind == "name" and f.segment in segs]:
            if any(same_name(f.value, g.value) for g in other_names.candidates(f.value)):
                continue
            for t in words.candidates(f.value):
                if same_name(f.value, name_key(t.text)) and (added := _add_name(other_doc, t, "matched across")):
                    other_names.add(added, added.value)
    for a, b in cross_matches(ltoks, rtoks):
        _add_name(ldoc, a, "cross-side")
        _add_name(rdoc, b, "cross-side")


def _word_index(tokens: list[Token]) -> NameIndex[Token]:
    """The tokens that may stand for a name, by their name keys."""
    return NameIndex((t, name_key(t.text)) for t in tokens if t.kind == "word"
                     and t.norm not in STOP_K and len(t.norm) >= 3)


def _covered(doc: DocumentFacts, t: Token) -> bool:
    """Whether a name, date or number fact overlaps token ``t``."""
    # facts are in reading order: only those starting before the token ends, and close enough to it
    # to reach it, can overlap it
    first = bisect_left(doc.facts, t.start - doc.longest, key=_start)
    last = bisect_left(doc.facts, t.end, key=_start)
    return any(f.kind in ("name", "date", "number") and t.start < f.doc_end for f in doc.facts[first:last])


def _add_name(doc: DocumentFacts, t: Token, how: str) -> Fact | None:
    """A name fact for token ``t`` (None when a fact already covers it)."""
    if _covered(doc, t):
        return None
    seg = doc.segment_at(t.start)
    seg_start = doc.seg_starts[seg]
    fact = Fact("name", t.text, t.start - seg_start, t.end - seg_start, name_key(t.text), seg, t.start, note=how)
    insort(doc.facts, fact, key=_reading_order)
    doc.longest = max(doc.longest, len(fact.text))
    return fact


def _start(f: Fact) -> int:
    return f.doc_start


def _reading_order(f: Fact) -> tuple[int, int]:
    return f.doc_start, KINDS.index(f.kind)


def check_facts(left_segments: list[Segment], right_segments: list[Segment],
                pairs: list[Pair], *, left_lang: str = "ar",
                right_lang: str = "fa", related: Iterable[tuple[int, int]] = (),
                documents: tuple[DocumentFacts, DocumentFacts] | None = None) -> FactReport:
    """Extract both documents' facts and compare them per pair and per document.

    ``related`` holds (left segment, right segment) ids that are about the same matter without being paired
    (the aligner's best counterpart of an unpaired segment, see :func:`related_segments`): a conflict between
    their facts is reported at document level even when what they count does not say it is one quantity.
    ``documents``: what :func:`extract_document` gave for the two sides, when the caller has it already (the
    pipeline extracts once, for the aligner's shared figures too); they are completed here, not copied.
    """
    ldoc, rdoc = documents or (extract_document(left_segments, left_lang), extract_document(right_segments, right_lang))
    for p in pairs:
        _add_cross_names(ldoc, rdoc, set(p.left), set(p.right))
    add_attributions(ldoc)
    add_attributions(rdoc)
    left, right = ldoc.facts, rdoc.facts
    left_in, right_in = _by_segment(left), _by_segment(right)
    out_pairs = []
    for p in pairs:
        li = sorted(i for s in p.left for i in left_in.get(s, ()))
        ri = sorted(j for s in p.right for j in right_in.get(s, ()))
        shared, conflicts, lo, ro = compare_pair(left, right, li, ri)
        out_pairs.append(PairFacts(tuple(p.left), tuple(p.right), shared, conflicts, lo, ro))
    places = _Places(left_segments, right_segments, pairs, related)
    in_left, in_right = _Counterparts(ldoc), _Counterparts(rdoc)
    unmatched_left = [i for i, f in enumerate(left) if not in_right.agree(f, places.near_left(f))]
    unmatched_right = [j for j, f in enumerate(right) if not in_left.agree(f, places.near_right(f))]
    across = document_conflicts(left, right, unmatched_left, unmatched_right,
                                [m for p in out_pairs for m in p.conflicts], places)
    in_conflict_left = {m.left for p in out_pairs for m in p.conflicts} | {m.left for m in across}
    in_conflict_right = {m.right for p in out_pairs for m in p.conflicts} | {m.right for m in across}
    left_only = [i for i in unmatched_left if i not in in_conflict_left]
    right_only = [j for j in unmatched_right if j not in in_conflict_right]
    return FactReport(left, right, out_pairs, left_only, right_only, across)


def _by_segment(facts: list[Fact]) -> dict[int, list[int]]:
    """Segment id -> the indexes of its facts (a pair looks up its segments, not every fact)."""
    out: dict[int, list[int]] = defaultdict(list)
    for i, f in enumerate(facts):
        out[f.segment].append(i)
    return out


def related_segments(pairs: list[Pair], left_best: Iterable[tuple[int, ...]],
                     right_best: Iterable[tuple[int, ...]]) -> set[tuple[int, int]]:
    """(left, right) segment ids about the same matter: paired, or one the other's best counterpart
    (``left_best[i]``: the right segments that cover left segment ``i`` best, best first; and the other way)."""
    out = {(a, b) for p in pairs for a in p.left for b in p.right}
    out |= {(i, best[0]) for i, best in enumerate(left_best) if best}
    out |= {(best[0], j) for j, best in enumerate(right_best) if best}
    return out


class _Places:
    """Where two segments stand to each other: related (see :func:`check_facts`) and how far apart in their
    articles (the share of each article before them: a headline is near a headline)."""

    def __init__(self, left: list[Segment], right: list[Segment], pairs: list[Pair],
                 related: Iterable[tuple[int, int]]) -> None:
        self.related = set(related) | {(a, b) for p in pairs for a in p.left for b in p.right}
        self.left_at = {s.id: k / max(len(left) - 1, 1) for k, s in enumerate(left)}
        self.right_at = {s.id: k / max(len(right) - 1, 1) for k, s in enumerate(right)}

    def near(self, a: Fact, b: Fact) -> bool:
        """Whether left fact ``a`` and right fact ``b`` stand in related segments."""
        return (a.segment, b.segment) in self.related

    def near_left(self, a: Fact) -> Callable[[Fact], bool]:
        """Whether a right fact stands in a segment related to left fact ``a``'s."""
        return lambda b: self.near(a, b)

    def near_right(self, b: Fact) -> Callable[[Fact], bool]:
        """Whether a left fact stands in a segment related to right fact ``b``'s."""
        return lambda a: self.near(a, b)

    def distance(self, a: Fact, b: Fact) -> tuple[bool, float]:
        return (a.segment, b.segment) not in self.related, abs(self.left_at[a.segment] - self.right_at[b.segment])


def document_conflicts(left: list[Fact], right: list[Fact], li: list[int], ri: list[int], in_pairs: list[Match],
                       places: _Places) -> list[Match]:
    """Number conflicts between facts of segments that are not paired (``left[li]``, ``right[ri]``: facts with
    no agreeing fact anywhere in the other article).

    Two numbers conflict across the articles when they are one quantity (:func:`.counted.one_quantity`) and
    either say what happened to the people they count (27 killed, 31 killed) or stand in related segments.
    Nearest first (related segments, then the nearest place in the articles: a headline with a headline, then
    the nearest value), numbers not yet in a conflict are paired one to one; then a number restated on one
    side and still alone joins its nearest counterpart.
    """
    seen = {(m.left, m.right) for m in in_pairs}
    linked_l, linked_r = {m.left for m in in_pairs}, {m.right for m in in_pairs}
    slots = _Candidates(right, [b for b in ri if right[b].kind == "number"])
    options = []  # (left fact, right fact)
    for a in (a for a in li if left[a].kind == "number"):
        for b in slots.same_slot(left[a]):
            far, _ = places.distance(left[a], right[b])
            counted = bool(left[a].counted and right[b].counted)
            if (a, b) not in seen and (counted or not far) and conflict(left[a], right[b]):
                options.append((a, b))
    # two segments with several numbers in conflict («14 قتيلاً وأكثر من 320 مصاباً», «۱۱ نفر ... ۳۱۸ نفر
    # مصدوم») tell the same matter: their conflicts come before single ones
    support = Counter((left[a].segment, right[b].segment) for a, b in options)
    options.sort(key=lambda ab: (-support[left[ab[0]].segment, right[ab[1]].segment],
                                 places.distance(left[ab[0]], right[ab[1]]), _value_gap(left[ab[0]], right[ab[1]])))
    found: list[Match] = []

    def take(a: int, b: int) -> None:
        seen.add((a, b))
        found.append(Match("number", a, b, conflict(left[a], right[b]) or ""))

    for a, b in options:  # one to one
        if a not in linked_l and b not in linked_r:
            take(a, b)
            linked_l.add(a)
            linked_r.add(b)
    # a figure restated on one side joins the nearest statement of the figure its first statement conflicts with
    figures = {(_figure(left[m.left]), _figure(right[m.right])) for m in in_pairs + found}
    by_figure = (_by_figure(left, li), _by_figure(right, ri))
    for side, own, indices, linked in ((0, left, li, linked_l), (1, right, ri, linked_r)):
        for a in (a for a in indices if own[a].kind == "number" and a not in linked):
            near = []  # (distance, left index, right index) of the other side's statements of the linked figure
            for figure in figures:
                if figure[side] == _figure(own[a]):
                    for b in by_figure[1 - side].get(figure[1 - side], ()):
                        pair = (a, b) if side == 0 else (b, a)
                        near.append((places.distance(left[pair[0]], right[pair[1]]), *pair))
            for _, i, j in sorted(near):
                if (i, j) not in seen and conflict(left[i], right[j]):
                    take(i, j)
                    break
    found.sort(key=lambda m: (left[m.left].doc_start, right[m.right].doc_start))
    return found


def _figure(f: Fact) -> tuple[str, str]:
    return f.value, f.counted or f.unit


def _by_figure(facts: list[Fact], indices: list[int]) -> dict[tuple[str, str], list[int]]:
    """The numbers among ``facts[indices]`` by figure (value and what it counts)."""
    out: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i in indices:
        if facts[i].kind == "number":
            out[_figure(facts[i])].append(i)
    return out


def _value_gap(a: Fact, b: Fact) -> Decimal:
    x, y = sorted((abs(Decimal(a.value)), abs(Decimal(b.value))))
    return y / x if x else Decimal("Infinity")


def _agreement_key(f: Fact) -> tuple:
    """What :func:`relation` reads of a date or an attribution (a speaker's key only)."""
    if f.kind == "attribution":
        return f.kind, f.value
    return f.kind, f.value, f.unit, f.span, f.calendar, f.extra.get("weekday")


class _Counterparts:
    """One document's facts and name-like words, indexed to answer "does anything here agree with this fact?"."""

    def __init__(self, doc: DocumentFacts) -> None:
        self.facts = doc.facts
        self.candidates = _Candidates(doc.facts, list(range(len(doc.facts))))
        self.words = _word_index([t for ts in doc.tokens.values() for t in ts])
        # dates and speakers are tried against every one of their kind: each distinct one once
        self.distinct: dict[str, dict[tuple, int]] = defaultdict(dict)
        for i, f in enumerate(doc.facts):
            if f.kind in ("date", "attribution"):
                self.distinct[f.kind].setdefault(_agreement_key(f), i)
        self.known: dict[tuple, bool] = {}

    def agree(self, f: Fact, near: Callable[[Fact], bool]) -> bool:
        """Whether a fact here agrees with ``f``; a bounded number admitting another («نحو 60» and 64.5) only
        where the two segments are ``near`` (about the same matter), or when the bound is the other figure
        rounded at its scale word (:func:`~aligner.facts.numbers.bound_at_rounding`): anywhere else it is a
        coincidence."""
        if f.kind in ("date", "attribution"):
            key = _agreement_key(f)
            if key not in self.known:
                self.known[key] = any(relation(f, self.facts[i]) for i in self.distinct[f.kind].values())
            return self.known[key]
        for i in self.candidates.agreeing(f):
            r = relation(f, self.facts[i])
            if r and (r != "bound" or near(self.facts[i]) or bound_at_rounding(f, self.facts[i])):
                return True
        return f.kind == "name" and any(same_name(f.value, name_key(t.text)) for t in self.words.candidates(f.value))


def check_texts(left: str, right: str, *, left_lang: str = "ar", right_lang: str = "fa") -> FactReport:
    """Compare two snippets as one pair (each snippet one segment): for tests and the benchmark."""
    ls = [Segment(0, 0, len(left), left, "")]
    rs = [Segment(0, 0, len(right), right, "")]
    return check_facts(ls, rs, [Pair((0,), (0,), 1.0, 1.0)], left_lang=left_lang, right_lang=right_lang)
