"""Line-level quality on the comparable Arabic–Persian news pairs (benchmarks/data/news).

    python -m benchmarks.news                       # dev and test; writes benchmarks/NEWS_RESULTS.md
    python -m benchmarks.news --split dev --set threshold=0.12 --errors --no-write
    python -m benchmarks.news --check               # validate the pair files only (no model)

Each side of a pair is its lines joined by newlines, segmented by
``aligner.pipeline.prepare``; every segment belongs to the line its offsets
fall in. A predicted pair ``(L-ids, R-ids)`` counts as every line pair
``(line(i), line(j))`` of ``L-ids x R-ids`` (a segment may be in several pairs),
and a line is predicted one-sided when all its segments are in its side's
one-sided list. Scores are micro-averaged over the lines of every pair of a split:

* pair P: predicted line pairs that are gold (strong or partial) / predicted line pairs;
* strong R: gold strong pairs predicted / gold strong pairs;
* pair R (all): gold pairs (strong or partial) predicted / gold pairs (for information);
* ar-only and fa-only P and R: predicted one-sided lines against the gold ``ar_only`` / ``fa_only``.

As in :mod:`benchmarks.metrics`, a precision or recall whose prediction and
gold are both empty is 1, and 0 when only one of them is empty. The
baselines get the same segments, the same vectors and the same span encoder as
in :mod:`benchmarks.quality`, with the values tuned on its dev sets where
``benchmarks/RESULTS.md`` states them.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import re
import sys
import time
import typing
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from functools import cache
from pathlib import Path

import numpy as np

from aligner.align import AlignError, AlignParams
from aligner.pipeline import Document, compare_documents, prepare
from aligner.text import model_text
from benchmarks import baselines
from embeddings.encoder import Encoder
from embeddings.models import EmbeddingError

__all__ = [
    "DEFAULT_FOLDER",
    "LineCounts",
    "LineError",
    "LinePrediction",
    "MethodScores",
    "NewsPair",
    "NewsScores",
    "line_errors",
    "line_prediction",
    "load_news",
    "read_pair",
    "run_news",
    "score_lines",
]

HERE = Path(__file__).resolve().parent
DEFAULT_FOLDER = HERE / "data" / "news" / "pairs"
RESULTS = HERE / "NEWS_RESULTS.md"
QUALITY_RESULTS = HERE / "RESULTS.md"

SPLITS = ("dev", "test")
CASE_KINDS = ("headline-summary", "spread", "reorder", "one-sided-same-entities", "repetition")
FACT_KINDS = ("number", "date", "name", "speaker")
LINES_PER_SIDE = (8, 15)
SIDES = ("ar", "fa")
ROLES = {"ar": "left", "fa": "right"}
ISO_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
EXCERPT = 80

LinePair = tuple[int, int]  # (ar line, fa line)
SegmentPairs = Sequence[tuple[Sequence[int], Sequence[int]]]  # (left segment ids, right segment ids)


# -- the data -------------------------------------------------------------------------


@dataclass(frozen=True)
class NewsPair:
    """One annotated article pair (see benchmarks/data/news/README.md)."""

    id: str
    split: str
    topic: str
    cases: tuple[str, ...]
    ar: tuple[str, ...]  # lines; line 0 is the headline
    fa: tuple[str, ...]
    strong: frozenset[LinePair]
    partial: frozenset[LinePair]
    ar_only: frozenset[int]
    fa_only: frozenset[int]
    facts: dict = field(default_factory=dict, hash=False)

    @property
    def gold_pairs(self) -> frozenset[LinePair]:
        return self.strong | self.partial

    def lines(self, side: str) -> tuple[str, ...]:
        return self.ar if side == "ar" else self.fa

    def only(self, side: str) -> frozenset[int]:
        return self.ar_only if side == "ar" else self.fa_only


def load_news(folder: str | Path = DEFAULT_FOLDER) -> list[NewsPair]:
    """Every ``news-*.json`` of ``folder``, validated, in file-name order; a bad file raises ``ValueError``.

    A pair's id is its file name, so ids are unique.
    """
    return [read_pair(path) for path in sorted(Path(folder).glob("news-*.json"))]


def read_pair(path: str | Path) -> NewsPair:
    """One pair file, validated; ``ValueError`` names the file and every problem found."""
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ValueError(f"{path}: not a readable JSON file: {err}") from err
    problems = pair_problems(raw, stem=path.stem)
    if problems:
        raise ValueError(f"{path}: " + "; ".join(problems))
    return NewsPair(
        id=raw["id"],
        split=raw["split"],
        topic=raw["topic"],
        cases=tuple(raw["cases"]),
        ar=tuple(raw["ar"]),
        fa=tuple(raw["fa"]),
        strong=frozenset(tuple(p) for p in raw["strong"]),
        partial=frozenset(tuple(p) for p in raw["partial"]),
        ar_only=frozenset(raw["ar_only"]),
        fa_only=frozenset(raw["fa_only"]),
        facts=raw["facts"],
    )


def pair_problems(raw: object, *, stem: str | None = None) -> list[str]:
    """What is wrong with one pair file's content (empty when nothing is)."""
    if not isinstance(raw, dict):
        return ["the file is not a JSON object"]
    missing = [k for k in ("id", "split", "topic", "cases", "ar", "fa", "strong", "partial",
                           "ar_only", "fa_only", "facts")
               if k not in raw]
    if missing:
        return [f"missing keys {missing}"]
    problems = _header_problems(raw, stem) + _line_problems(raw)
    if not all(isinstance(raw[side], list) and all(isinstance(t, str) for t in raw[side]) for side in SIDES):
        return problems  # the rest needs the lines
    sizes = {side: len(raw[side]) for side in SIDES}
    return (problems + _pair_list_problems(raw, sizes) + _coverage_problems(raw, sizes)
            + _fact_problems(raw["facts"], raw))


def _header_problems(raw: dict, stem: str | None) -> list[str]:
    problems = []
    if not isinstance(raw["id"], str) or not re.fullmatch(r"news-\d+", raw["id"]):
        problems.append(f"id {raw['id']!r} is not news-NN")
    elif stem is not None and raw["id"] != stem:
        problems.append(f"id {raw['id']!r} does not match the file name {stem!r}")
    if raw["split"] not in SPLITS:
        problems.append(f"split {raw['split']!r} is not dev or test")
    elif isinstance(raw["id"], str) and re.fullmatch(r"news-\d+", raw["id"]):
        expected = "dev" if int(raw["id"].split("-")[1]) % 2 else "test"
        if raw["split"] != expected:
            problems.append(f"split {raw['split']!r}, but odd numbers are dev and even numbers test ({expected})")
    if not isinstance(raw["topic"], str) or not raw["topic"].strip():
        problems.append("topic is not a non-empty string")
    cases = raw["cases"]
    if not isinstance(cases, list) or not all(isinstance(c, str) for c in cases):
        problems.append("cases is not a list of strings")
    else:
        unknown = sorted(set(cases) - set(CASE_KINDS))
        if unknown:
            problems.append(f"unknown case kinds {unknown} (known: {', '.join(CASE_KINDS)})")
        if len(cases) != len(set(cases)):
            problems.append("a case kind is listed twice")
    return problems


def _line_problems(raw: dict) -> list[str]:
    problems = []
    low, high = LINES_PER_SIDE
    for side in SIDES:
        lines = raw[side]
        if not isinstance(lines, list) or not all(isinstance(t, str) for t in lines):
            problems.append(f"{side} is not a list of strings")
            continue
        if not low <= len(lines) <= high:
            problems.append(f"{side} has {len(lines)} lines, not {low}-{high}")
        blank = [i for i, t in enumerate(lines) if not t.strip()]
        if blank:
            problems.append(f"{side} lines {blank} are empty")
        broken = [i for i, t in enumerate(lines) if "\n" in t or "\r" in t]
        if broken:
            problems.append(f"{side} lines {broken} hold a line break")
    return problems


def _is_index(x: object) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _pair_list_problems(raw: dict, sizes: dict[str, int]) -> list[str]:
    problems = []
    seen: dict[LinePair, str] = {}
    for name in ("strong", "partial"):
        entries = raw[name]
        if not isinstance(entries, list):
            problems.append(f"{name} is not a list")
            continue
        for entry in entries:
            if not (isinstance(entry, list) and len(entry) == 2 and all(_is_index(x) for x in entry)):
                problems.append(f"{name} entry {entry!r} is not [ar_line, fa_line]")
                continue
            a, f = entry
            if not (0 <= a < sizes["ar"] and 0 <= f < sizes["fa"]):
                problems.append(f"{name} pair {entry} is out of range (ar 0-{sizes['ar'] - 1}, fa 0-{sizes['fa'] - 1})")
            if (a, f) in seen:
                where = "twice in " + name if seen[a, f] == name else "in both strong and partial"
                problems.append(f"duplicate pair {entry}: {where}")
            seen[a, f] = name
    for side in SIDES:
        key = f"{side}_only"
        only = raw[key]
        if not isinstance(only, list) or not all(_is_index(x) for x in only):
            problems.append(f"{key} is not a list of line numbers")
            continue
        bad = sorted({i for i in only if not 0 <= i < sizes[side]})
        if bad:
            problems.append(f"{key} lines {bad} are out of range 0-{sizes[side] - 1}")
        twice = sorted(i for i, n in Counter(only).items() if n > 1)
        if twice:
            problems.append(f"{key} lists lines {twice} twice")
    return problems


def _coverage_problems(raw: dict, sizes: dict[str, int]) -> list[str]:
    """Every line in a pair or one-sided, never both (on well-formed lists)."""
    if not all(isinstance(raw[k], list) for k in ("strong", "partial", "ar_only", "fa_only")):
        return []
    entries = [e for name in ("strong", "partial") for e in raw[name]
               if isinstance(e, list) and len(e) == 2 and all(_is_index(x) for x in e)]
    problems = []
    for n, side in enumerate(SIDES):
        paired = {e[n] for e in entries}
        only = {i for i in raw[f"{side}_only"] if _is_index(i)}
        both = sorted(paired & only)
        if both:
            problems.append(f"{side} lines {both} are both paired and in {side}_only")
        neither = sorted(set(range(sizes[side])) - paired - only)
        if neither:
            problems.append(f"{side} lines {neither} are in no pair and not in {side}_only")
    return problems


def _fact_problems(facts: object, raw: dict) -> list[str]:
    if not isinstance(facts, dict):
        return ["facts is not an object"]
    problems = []
    unknown = sorted(set(facts) - {"shared", "conflicts", "dates", "one_sided_numbers"})
    if unknown:
        problems.append(f"unknown facts keys {unknown}")
    for group in ("shared", "conflicts", "dates", "one_sided_numbers"):
        entries = facts.get(group, [])
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            problems.append(f"facts.{group} is not a list of objects")
            continue
        for n, entry in enumerate(entries):
            where = f"facts.{group}[{n}]"
            if group in ("shared", "conflicts"):
                if entry.get("kind") not in FACT_KINDS:
                    problems.append(f"{where}: kind {entry.get('kind')!r} is not one of {', '.join(FACT_KINDS)}")
                quotes = [(side, entry.get(side), entry.get(f"{side}_line")) for side in SIDES]
            else:
                quotes = [(entry.get("side"), entry.get("text"), entry.get("line"))]
                if group == "dates" and not (isinstance(entry.get("iso"), str) and ISO_DATE.fullmatch(entry["iso"])):
                    problems.append(f"{where}: iso {entry.get('iso')!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
            problems += [f"{where}: {p}" for p in _quote_problems(raw, quotes)]
    return problems


def _quote_problems(raw: dict, quotes: list[tuple[object, object, object]]) -> list[str]:
    problems = []
    for side, text, line in quotes:
        if side not in SIDES:
            problems.append(f"side {side!r} is not ar or fa")
        elif not isinstance(text, str) or not text:
            problems.append(f"{side} quote is missing")
        elif not _is_index(line) or not 0 <= line < len(raw[side]):
            problems.append(f"{side} line {line!r} is out of range 0-{len(raw[side]) - 1}")
        elif text not in raw[side][line]:
            problems.append(f"{side} quote {text!r} is not in {side} line {line}")
    return problems


# -- predictions in line terms and their scores (pure) ----------------------------------


@dataclass(frozen=True)
class LinePrediction:
    """A method's output for one pair, in line numbers."""

    pairs: frozenset[LinePair]
    ar_only: frozenset[int]
    fa_only: frozenset[int]

    def paired(self, side: str) -> set[int]:
        n = SIDES.index(side)
        return {p[n] for p in self.pairs}

    def only(self, side: str) -> frozenset[int]:
        return self.ar_only if side == "ar" else self.fa_only


def line_prediction(
    pairs: SegmentPairs,
    left_only: Iterable[int],
    right_only: Iterable[int],
    *,
    left_lines: Sequence[int],
    right_lines: Sequence[int],
) -> LinePrediction:
    """Segment-level output to line terms; ``left_lines[i]`` is the line of left segment ``i``.

    Every link ``(i, j)`` of a pair gives the line pair ``(left_lines[i],
    right_lines[j])``; a line is one-sided when all its segments are one-sided.
    """
    def only_lines(only: Iterable[int], line_of: Sequence[int]) -> frozenset[int]:
        only = set(only)
        segments_of: dict[int, list[int]] = {}
        for seg, line in enumerate(line_of):
            segments_of.setdefault(line, []).append(seg)
        return frozenset(line for line, segs in segments_of.items() if all(s in only for s in segs))

    return LinePrediction(
        pairs=frozenset((left_lines[i], right_lines[j]) for left, right in pairs for i in left for j in right),
        ar_only=only_lines(left_only, left_lines),
        fa_only=only_lines(right_only, right_lines),
    )


@dataclass(frozen=True)
class LineCounts:
    """Counts behind the scores; they add up over pairs (micro-averaging)."""

    predicted: int = 0  # predicted line pairs
    correct: int = 0  # of them strong or partial in the gold
    strong: int = 0  # gold strong pairs
    strong_found: int = 0  # of them predicted
    gold: int = 0  # gold pairs, strong or partial
    ar_only_predicted: int = 0
    ar_only_correct: int = 0
    ar_only_gold: int = 0
    fa_only_predicted: int = 0
    fa_only_correct: int = 0
    fa_only_gold: int = 0
    lines: int = 0  # lines of both sides
    accounted: int = 0  # lines predicted in a pair or one-sided

    def __add__(self, other: LineCounts) -> LineCounts:
        return LineCounts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(LineCounts)))

    @property
    def pair_p(self) -> float:
        return _ratio(self.correct, self.predicted, self.gold)

    @property
    def strong_r(self) -> float:
        return _ratio(self.strong_found, self.strong, self.predicted)

    @property
    def pair_r(self) -> float:
        return _ratio(self.correct, self.gold, self.predicted)

    def only_p(self, side: str) -> float:
        c = self.to_dict()
        return _ratio(c[f"{side}_only_correct"], c[f"{side}_only_predicted"], c[f"{side}_only_gold"])

    def only_r(self, side: str) -> float:
        c = self.to_dict()
        return _ratio(c[f"{side}_only_correct"], c[f"{side}_only_gold"], c[f"{side}_only_predicted"])

    def to_dict(self) -> dict[str, int]:
        return dataclasses.asdict(self)


def _ratio(hits: int, total: int, other: int) -> float:
    """``hits / total``; with nothing in ``total``: 1 when ``other`` (the opposite set) is empty too, else 0."""
    if total:
        return hits / total
    return 0.0 if other else 1.0


def score_lines(pred: LinePrediction, gold: NewsPair) -> LineCounts:
    """The counts of ``pred`` against ``gold``; line numbers out of range raise ``ValueError``."""
    sizes = {side: len(gold.lines(side)) for side in SIDES}
    for n, side in enumerate(SIDES):
        lines = {p[n] for p in pred.pairs} | pred.only(side)
        bad = sorted(i for i in lines if not 0 <= i < sizes[side])
        if bad:
            raise ValueError(f"{gold.id}: predicted {side} lines {bad[:5]} outside 0-{sizes[side] - 1}")
    only = {side: (pred.only(side), gold.only(side)) for side in SIDES}
    return LineCounts(
        predicted=len(pred.pairs),
        correct=len(pred.pairs & gold.gold_pairs),
        strong=len(gold.strong),
        strong_found=len(pred.pairs & gold.strong),
        gold=len(gold.gold_pairs),
        ar_only_predicted=len(only["ar"][0]),
        ar_only_correct=len(only["ar"][0] & only["ar"][1]),
        ar_only_gold=len(only["ar"][1]),
        fa_only_predicted=len(only["fa"][0]),
        fa_only_correct=len(only["fa"][0] & only["fa"][1]),
        fa_only_gold=len(only["fa"][1]),
        lines=sizes["ar"] + sizes["fa"],
        accounted=sum(len(pred.paired(side) | pred.only(side)) for side in SIDES),
    )


def total(counts: Iterable[LineCounts]) -> LineCounts:
    return sum(counts, LineCounts())


@dataclass(frozen=True)
class LineError:
    """A one-sided line wrongly predicted (``false``) or missed (``missed``)."""

    pair_id: str
    side: str
    line: int
    kind: str  # "false one-sided" or "missed one-sided"
    text: str
    partners: tuple[tuple[int, str], ...]  # other side's lines: gold (false) or predicted (missed), with a label


def line_errors(pred: LinePrediction, gold: NewsPair) -> list[LineError]:
    """False and missed one-sided lines of one pair, by side and line."""
    errors = []
    for n, side in enumerate(SIDES):
        other = 1 - n
        for line in sorted(pred.only(side) - gold.only(side)):
            partners = sorted((p[other], kind) for kind, pairs in (("strong", gold.strong), ("partial", gold.partial))
                              for p in pairs if p[n] == line)
            errors.append(LineError(gold.id, side, line, "false one-sided", gold.lines(side)[line], tuple(partners)))
        for line in sorted(gold.only(side) - pred.only(side)):
            partners = sorted((p[other], "predicted") for p in pred.pairs if p[n] == line)
            errors.append(LineError(gold.id, side, line, "missed one-sided", gold.lines(side)[line], tuple(partners)))
    return errors


# -- running the methods ------------------------------------------------------------------


@dataclass(frozen=True)
class PreparedPair:
    """A pair's two documents and the line of each segment."""

    pair: NewsPair
    left: Document
    right: Document
    left_lines: tuple[int, ...]
    right_lines: tuple[int, ...]


@cache
def prepared_document(text: str, lang: str) -> Document:
    return prepare(text, lang=lang, role=ROLES[lang])


def segment_lines(doc: Document, lines: Sequence[str], *, where: str) -> tuple[int, ...]:
    """The line of each segment of ``doc`` (whose text is ``"\\n".join(lines)``) by its offsets."""
    starts, pos = [], 0
    for line in lines:
        starts.append(pos)
        pos += len(line) + 1
    out = []
    for s in doc.segments:
        line = bisect_right(starts, s.start) - 1
        if s.end > starts[line] + len(lines[line]):
            raise ValueError(f"{where}: segment {s.id} ({s.start}-{s.end}) runs past the end of line {line}")
        out.append(line)
    empty = sorted(set(range(len(lines))) - set(out))
    if empty:
        raise ValueError(f"{where}: lines {empty} have no segment")
    return tuple(out)


def prepare_pair(pair: NewsPair) -> PreparedPair:
    docs = {side: prepared_document("\n".join(pair.lines(side)), side) for side in SIDES}
    return PreparedPair(
        pair, docs["ar"], docs["fa"],
        segment_lines(docs["ar"], pair.ar, where=f"{pair.id} ar"),
        segment_lines(docs["fa"], pair.fa, where=f"{pair.id} fa"),
    )


_VECTORS: dict[tuple[str, str], np.ndarray] = {}  # (model identity, document text) -> segment vectors


def segment_vectors(encoder: Encoder, doc: Document) -> np.ndarray:
    key = (encoder.identity, doc.text)
    if key not in _VECTORS:
        _VECTORS[key] = encoder.encode([model_text(s.text) for s in doc.segments])
    return _VECTORS[key]


def encode_all(encoder: Encoder, prepared: Sequence[PreparedPair]) -> None:
    """Every segment of every pair in one call (batched), into the caches."""
    docs = [d for p in prepared for d in (p.left, p.right) if (encoder.identity, d.text) not in _VECTORS]
    if not docs:
        return
    texts = [[model_text(s.text) for s in d.segments] for d in docs]
    unique = sorted({t for doc in texts for t in doc})
    vectors = dict(zip(unique, encoder.encode(unique), strict=True))
    for d, doc_texts in zip(docs, texts, strict=True):
        _VECTORS[encoder.identity, d.text] = np.stack([vectors[t] for t in doc_texts])


def span_encoder(encoder: Encoder, p: PreparedPair) -> Callable[[str, list[tuple[int, int]]], np.ndarray]:
    """Joined runs of segments, as :func:`benchmarks.quality.embed_docs` gives the baselines."""
    def spans(side: str, runs: list[tuple[int, int]]) -> np.ndarray:
        units = p.left.segments if side == "left" else p.right.segments
        return encoder.encode([model_text(" ".join(s.text for s in units[a:b])) for a, b in runs])

    return spans


@dataclass(frozen=True)
class Method:
    name: str
    setting: str  # shown beside the scores
    run: Callable[[PreparedPair, Encoder], tuple[SegmentPairs, list[int], list[int]]]


def aligner_method(params: AlignParams) -> Method:
    defaults = AlignParams()
    changed = {f.name: getattr(params, f.name) for f in fields(AlignParams)
               if getattr(params, f.name) != getattr(defaults, f.name)}
    setting = ", ".join(f"{k}={v}" for k, v in changed.items()) or "defaults"

    def run(p: PreparedPair, encoder: Encoder) -> tuple[SegmentPairs, list[int], list[int]]:
        report = compare_documents(p.left, p.right, encoder=encoder, params=params, facts=False)
        return [(x.left, x.right) for x in report.pairs], list(report.left_only), list(report.right_only)

    return Method("aligner", setting, run)


def baseline_method(name: str, function: Callable, options: dict, tuned: bool) -> Method:
    def run(p: PreparedPair, encoder: Encoder) -> tuple[SegmentPairs, list[int], list[int]]:
        result = function(segment_vectors(encoder, p.left), segment_vectors(encoder, p.right),
                          span_encoder=span_encoder(encoder, p), **options)
        return [(x.left, x.right) for x in result.pairs], list(result.left_only), list(result.right_only)

    values = ", ".join(f"{k}={v:g}" for k, v in options.items())
    setting = (f"tuned on quality dev (RESULTS.md): {values}" if tuned
               else "published defaults (no tuned value in RESULTS.md)")
    return Method(f"{name} ({'tuned' if tuned else 'defaults'})", setting, run)


def tuned_options(method: str, results: Path = QUALITY_RESULTS) -> dict[str, float]:
    """The one dev-tuned setting of ``method`` in the quality results' "(tuned)" rows; empty when none or several."""
    if not results.is_file():
        return {}
    rows = re.findall(rf"^\| {re.escape(method)} \(tuned\) \|.*\| ([^|]*) \|\s*$",
                      results.read_text(encoding="utf-8"), re.M)
    settings = {r.strip() for r in rows}
    if len(settings) != 1 or settings == {"defaults"}:
        return {}
    try:
        return {k.strip(): float(v) for k, v in (item.split("=", 1) for item in settings.pop().split(","))}
    except ValueError:
        return {}


def methods_for(params: AlignParams, results: Path = QUALITY_RESULTS) -> list[Method]:
    out = [aligner_method(params)]
    for name, function in (("margin-mnn", baselines.margin_mnn), ("vecalign", baselines.vecalign_dp)):
        options = tuned_options(name, results)
        out.append(baseline_method(name, function, options, bool(options)))
    return out


@dataclass(frozen=True)
class PairResult:
    pair: NewsPair
    prediction: LinePrediction
    counts: LineCounts
    seconds: float  # the method's wall time on this pair


@dataclass(frozen=True)
class MethodScores:
    method: str
    setting: str
    results: tuple[PairResult, ...]

    @property
    def counts(self) -> LineCounts:
        return total(r.counts for r in self.results)

    @property
    def mean_seconds(self) -> float:
        return sum(r.seconds for r in self.results) / len(self.results) if self.results else 0.0


@dataclass(frozen=True)
class NewsScores:
    split: str
    model: str  # encoder identity
    signature: str  # the aligner's parameters
    methods: tuple[MethodScores, ...]

    @property
    def pairs(self) -> int:
        return len(self.methods[0].results) if self.methods else 0

    def method(self, name: str) -> MethodScores:
        return next(m for m in self.methods if m.method == name)


def run_news(
    split: str,
    *,
    params: AlignParams | None = None,
    encoder: Encoder | None = None,
    cache_dir: str | Path | None = None,
    folder: str | Path = DEFAULT_FOLDER,
    baselines_too: bool = True,
    warm_up: bool = True,
) -> NewsScores:
    """Score the aligner (and the baselines) on one split's pairs.

    Documents and vectors are cached in the process, so looping over settings
    only re-runs the alignment. With ``warm_up`` each method runs once on a pair
    before the timed run, so the times are of warm runs (no encoding).
    """
    if split not in SPLITS:
        raise ValueError(f"split {split!r} is not one of {', '.join(SPLITS)}")
    params = params or AlignParams()
    encoder = encoder or Encoder(cache_dir=cache_dir)
    prepared = [prepare_pair(p) for p in load_news(folder) if p.split == split]
    encode_all(encoder, prepared)
    methods = methods_for(params) if baselines_too else [aligner_method(params)]
    scored = tuple(MethodScores(m.name, m.setting, tuple(_run_pair(m, p, encoder, warm_up) for p in prepared))
                   for m in methods)
    return NewsScores(split, encoder.identity, params.signature(), scored)


def _run_pair(method: Method, p: PreparedPair, encoder: Encoder, warm_up: bool) -> PairResult:
    if warm_up:
        method.run(p, encoder)
    start = time.perf_counter()
    pairs, left_only, right_only = method.run(p, encoder)
    seconds = time.perf_counter() - start
    pred = line_prediction(pairs, left_only, right_only, left_lines=p.left_lines, right_lines=p.right_lines)
    return PairResult(p.pair, pred, score_lines(pred, p.pair), seconds)


def coverage_ranking(split: str, *, params: AlignParams | None = None, encoder: Encoder,
                     folder: str | Path = DEFAULT_FOLDER) -> float:
    """How well the aligner's ``coverage`` score ranks the gold one-sided lines first: a ROC AUC over lines.

    A line's score is the highest coverage of its segments; the AUC is the
    chance that a gold one-sided line scores lower than a line with a
    counterpart (ties count half), over both sides' lines. This is what a user
    sorting "most likely missing first" gets, whatever the threshold.
    """
    params = params or AlignParams()
    missing, present = [], []
    for p in (prepare_pair(x) for x in load_news(folder) if x.split == split):
        report = compare_documents(p.left, p.right, encoder=encoder, params=params, facts=False)
        for side, lines, scores in (("ar", p.left_lines, report.alignment.left_coverage),
                                    ("fa", p.right_lines, report.alignment.right_coverage)):
            best: dict[int, float] = {}
            for line, c in zip(lines, scores, strict=True):
                best[line] = max(best.get(line, 0.0), c.score)
            for line, score in best.items():
                (missing if line in p.pair.only(side) else present).append(score)
    if not missing or not present:
        return float("nan")
    low, high = np.array(missing)[:, None], np.array(present)[None, :]
    return float((low < high).mean() + 0.5 * (low == high).mean())


# -- settings from --set -------------------------------------------------------------------


def parse_settings(items: Sequence[str]) -> AlignParams:
    """``["threshold=0.12", ...]`` to :class:`AlignParams`; ``ValueError`` (one line) for a bad item."""
    hints = typing.get_type_hints(AlignParams)
    valid = ", ".join(hints)
    values: dict[str, object] = {}
    for item in items:
        key, sep, text = item.partition("=")
        key = key.strip()
        if not sep:
            raise ValueError(f"--set {item!r} is not key=value (keys: {valid})")
        if key not in hints:
            raise ValueError(f"--set: unknown key {key!r} (valid keys: {valid})")
        try:
            values[key] = hints[key](text.strip())
        except ValueError:
            raise ValueError(f"--set {key}: {text!r} is not of type {hints[key].__name__}") from None
    return dataclasses.replace(AlignParams(), **values)


# -- output ----------------------------------------------------------------------------------

COLUMNS = ("method", "pair P", "strong R", "pair R (all)", "ar-only P", "ar-only R",
           "fa-only P", "fa-only R", "line pairs")


def score_cells(m: MethodScores) -> list[str]:
    c = m.counts
    values = (c.pair_p, c.strong_r, c.pair_r, c.only_p("ar"), c.only_r("ar"), c.only_p("fa"), c.only_r("fa"))
    return [m.method, *(f"{v:.3f}" for v in values), f"{c.predicted}"]


def split_title(s: NewsScores) -> str:
    c = s.methods[0].counts if s.methods else LineCounts()
    return (f"{s.split}: {s.pairs} pairs, {c.lines} lines · gold {c.strong} strong + "
            f"{c.gold - c.strong} partial line pairs, "
            f"{c.ar_only_gold} ar-only + {c.fa_only_gold} fa-only lines")


def timing_line(s: NewsScores) -> str:
    if not s.pairs:
        return ""
    ours = s.method("aligner")
    return (f"aligner: compare_documents {ours.mean_seconds * 1000:.0f} ms per pair (mean of "
            f"{s.pairs}, warm: vectors cached); "
            f"{ours.counts.accounted} of {ours.counts.lines} lines in a predicted pair or one-sided")


def rich_table(s: NewsScores):
    from rich import box
    from rich.table import Table

    table = Table(title=split_title(s), box=box.SIMPLE_HEAD, pad_edge=False, padding=0)
    for n, label in enumerate(COLUMNS):  # headers on two lines, so that the table fits 80 columns
        table.add_column(label.replace(" ", "\n", 1), justify="left" if n == 0 else "right", no_wrap=True)
    for m in s.methods:
        table.add_row(*score_cells(m))
    return table


def error_lines(s: NewsScores, method: str = "aligner") -> list[str]:
    out = []
    for r in s.method(method).results:
        for e in line_errors(r.prediction, r.pair):
            other = "fa" if e.side == "ar" else "ar"
            partners = ", ".join(f"{other} {line} ({label})" for line, label in e.partners) or "none"
            what = "gold partners" if e.kind == "false one-sided" else "predicted partners"
            out.append(f"{e.pair_id} {e.side} {e.line:>2} {e.kind}: {e.text[:EXCERPT]}  [{what}: {partners}]")
    return out


def markdown(scores: Sequence[NewsScores], *, command: str, ranking: dict[str, float] | None = None) -> str:
    model = scores[0].model if scores else "?"
    lines = [
        "# Comparable news: line-level quality",
        "",
        f"Command: `{command}`  ",
        f"Model: `{model}` · date: {dt.date.today().isoformat()}  ",
        f"Aligner: `{scores[0].signature if scores else AlignParams().signature()}`",
        "",
        "Data: `benchmarks/data/news/pairs/` (see its README). Scores are micro-averaged over the lines of every "
        "pair of a split; see `benchmarks/news.py` for the definitions. Baselines get the same segments, vectors and "
        "span encoder.",
    ]
    for s in scores:
        lines += ["", f"## {split_title(s)}", "", "| " + " | ".join(COLUMNS) + " | setting |",
                  "|---|" + "---:|" * (len(COLUMNS) - 1) + "---|"]
        lines += [f"| {' | '.join(score_cells(m))} | {m.setting} |" for m in s.methods]
        if s.pairs:
            lines += ["", timing_line(s) + "."]
        if ranking and s.split in ranking:
            lines += ["", ranking_line(ranking[s.split]) + "."]
    return "\n".join(lines) + "\n"


def ranking_line(auc: float) -> str:
    return (f"aligner: coverage ranks the gold one-sided lines first with ROC AUC {auc:.3f} "
            "(a line scores its segments' highest coverage; 0.5 is chance)")


# -- --check -----------------------------------------------------------------------------------


def check_counts(pairs: Sequence[NewsPair]) -> dict[str, dict[str, object]]:
    """Per split: pairs, lines per side, strong and partial pairs, one-sided lines per side, case kinds."""
    out: dict[str, dict[str, object]] = {}
    for split in SPLITS:
        chosen = [p for p in pairs if p.split == split]
        cases = Counter(c for p in chosen for c in p.cases)
        out[split] = {
            "pairs": len(chosen),
            "ar lines": sum(len(p.ar) for p in chosen),
            "fa lines": sum(len(p.fa) for p in chosen),
            "strong": sum(len(p.strong) for p in chosen),
            "partial": sum(len(p.partial) for p in chosen),
            "ar-only": sum(len(p.ar_only) for p in chosen),
            "fa-only": sum(len(p.fa_only) for p in chosen),
            "cases": {kind: cases.get(kind, 0) for kind in CASE_KINDS},
        }
    return out


def check_table(counts: dict[str, dict[str, object]]):
    """One row per count, one column per split."""
    from rich.table import Table

    table = Table(title="news pairs")
    table.add_column("")
    for split in counts:
        table.add_column(split, justify="right")
    for key in (k for k in next(iter(counts.values())) if k != "cases"):
        table.add_row(key, *(str(c[key]) for c in counts.values()))
    for kind in CASE_KINDS:
        table.add_row(f"case {kind}", *(str(c["cases"][kind]) for c in counts.values()))
    return table


# -- the command ---------------------------------------------------------------------------------

PROG = "python -m benchmarks.news"


def main(argv: list[str] | None = None) -> None:
    from rich.console import Console

    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "test", "both"), default="both")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="an aligner parameter (a field of aligner.align.AlignParams), "
                             "e.g. threshold=0.12; repeatable")
    parser.add_argument("--errors", action="store_true", help="list the aligner's false and missed one-sided lines")
    parser.add_argument("--out", type=Path, default=RESULTS,
                        help=f"where to write the tables (default: benchmarks/{RESULTS.name})")
    parser.add_argument("--no-write", action="store_true", help="do not write the tables to a file")
    parser.add_argument("--cache-dir", default=None, help="model and vector cache (default: $ALIGNER_CACHE_DIR or XDG)")
    parser.add_argument("--check", action="store_true",
                        help="validate the pair files and print their counts (no model)")
    args = parser.parse_args(argv)
    console = Console()
    try:
        params = parse_settings(args.set)
        pairs = load_news()
    except ValueError as err:
        parser.exit(2, f"{PROG}: {err}\n")
    if args.check:
        console.print(check_table(check_counts(pairs)))
        console.print(f"{len(pairs)} pair files valid")
        return
    splits = SPLITS if args.split == "both" else (args.split,)
    try:
        encoder = Encoder(cache_dir=args.cache_dir)
        scores = [run_news(split, params=params, encoder=encoder) for split in splits]
        ranking = {split: coverage_ranking(split, params=params, encoder=encoder) for split in splits}
    except (EmbeddingError, AlignError, ValueError) as err:
        parser.exit(2, f"{PROG}: {err}\n")
    for s in scores:
        console.print(rich_table(s))
        for m in s.methods:
            console.print(f"  {m.method}: {m.setting}", markup=False)
        if s.pairs:
            console.print(timing_line(s), markup=False, soft_wrap=True)
            console.print(ranking_line(ranking[s.split]), markup=False, soft_wrap=True)
        if args.errors:
            for line in error_lines(s):
                console.print(line, markup=False, soft_wrap=True)
    if not args.no_write:
        command = f"{PROG} " + " ".join(argv if argv is not None else sys.argv[1:])
        args.out.write_text(markdown(scores, command=command.strip(), ranking=ranking), encoding="utf-8")
        console.print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
