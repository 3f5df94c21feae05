"""A batch's reports as one page a media researcher can read, print and cite.

``summarise_batch(path, by=COLUMN)`` streams a batch's ``reports.jsonl`` (see :mod:`aligner.batch`)
once, keeping per group only counts, histograms and the few examples the page shows, so its memory
does not grow with the number of pairs. ``render_corpus_html(summary)`` writes a self-contained
page (inline CSS and SVG charts drawn by matplotlib; no scripts, no fetched fonts) with, per group
of a metadata column (``outlet``, ``topic``, …):

- how much of each side's text the other covers, as a distribution;
- what each side leaves out most: the one-sided segments least likely covered, with their pair;
- fact conflicts by kind, with examples;
- loaded terms: mentions per concept and register on each side, and framing differences;
- the run's signatures and settings.
"""

from __future__ import annotations

import heapq
import html
import json
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .framing import REGISTERS

BINS = 20  # coverage histogram: 5 % wide
EXAMPLES = 10  # one-sided segments kept per group and side
CONFLICT_EXAMPLES = 3  # per group and fact kind
ALL = "all pairs"
Progress = Callable[[int, int], None]  # (bytes read, bytes in the file)


class CorpusReportError(Exception):
    """A batch output that cannot be summarised: missing, unreadable, or ``--by`` names no column."""


@dataclass(order=True)
class OneSided:
    """A one-sided segment of some pair; ordered so that the least covered is the largest."""

    missing: float  # 1 - coverage: how sure the aligner is that the other article does not say it
    pair: str = field(compare=False)
    side: str = field(compare=False)
    segment: int = field(compare=False)
    text: str = field(compare=False)
    path: str = field(compare=False)


@dataclass
class Group:
    """What the page shows of one group of pairs."""

    name: str
    pairs: int = 0
    errors: int = 0
    coverage: dict[str, list[int]] = field(default_factory=lambda: {"left": [0] * BINS, "right": [0] * BINS})
    coverage_sum: dict[str, float] = field(default_factory=lambda: {"left": 0.0, "right": 0.0})
    one_sided: dict[str, list[OneSided]] = field(default_factory=lambda: {"left": [], "right": []})
    one_sided_count: dict[str, int] = field(default_factory=lambda: {"left": 0, "right": 0})
    conflicts: Counter = field(default_factory=Counter)
    conflict_examples: dict[str, list[tuple[str, str, str, str]]] = field(default_factory=lambda: defaultdict(list))
    # (concept, register)
    terms: dict[str, Counter] = field(default_factory=lambda: {"left": Counter(), "right": Counter()})
    differences: Counter = field(default_factory=Counter)  # concept -> pairs whose documents differ on it

    def mean_coverage(self, side: str) -> float:
        return self.coverage_sum[side] / self.pairs if self.pairs else 0.0


@dataclass
class CorpusSummary:
    source: Path
    by: str | None
    groups: dict[str, Group]
    signatures: Counter
    settings: dict
    langs: tuple[str, str]
    bad_lines: int = 0


def _reports_file(path: Path) -> Path:
    path = Path(path)
    found = path / "reports.jsonl" if path.is_dir() else path
    if not found.is_file():
        where = f"{path} has no reports.jsonl" if path.is_dir() else f"{path}: no such batch output"
        raise CorpusReportError(f"{where} (give the OUT folder of 'aligner batch', or its reports.jsonl)")
    return found


def summarise_batch(path: str | Path, *, by: str | None = None, progress: Progress | None = None) -> CorpusSummary:
    """Stream the batch output at ``path`` (its folder or its ``reports.jsonl``) into a :class:`CorpusSummary`,
    grouped by the metadata column ``by`` (pairs without it form the group ``(none)``)."""
    source = _reports_file(Path(path))
    total = source.stat().st_size
    groups: dict[str, Group] = {}
    signatures: Counter = Counter()
    settings: dict = {}
    langs = ("", "")
    bad, done = 0, 0
    seen_columns: set[str] = set()
    try:
        with source.open("rb") as f:
            for n, raw in enumerate(f):
                done += len(raw)
                if progress and n % 200 == 0:
                    progress(done, total)
                if not raw.strip():
                    continue
                try:
                    record = json.loads(raw)
                except (json.JSONDecodeError, UnicodeDecodeError):
                    bad += 1
                    continue
                if not isinstance(record, dict):
                    bad += 1
                    continue
                meta = record.get("metadata") or {}
                seen_columns.update(meta)
                name = str(meta.get(by, "(none)")) if by else ALL
                group = groups.setdefault(name, Group(name))
                if record.get("status") != "ok" or not isinstance(record.get("report"), dict):
                    group.errors += 1
                    continue
                report = record["report"]
                signatures[report.get("signature", "")] += 1
                settings = settings or report.get("settings", {})
                langs = langs if langs[0] else (report["left"].get("lang", ""), report["right"].get("lang", ""))
                _add_report(group, str(record.get("id", n)), report)
    except OSError as err:
        raise CorpusReportError(f"{source}: cannot read ({err.strerror or err})") from None
    if progress:
        progress(total, total)
    if by and by not in seen_columns:
        columns = ", ".join(sorted(seen_columns)) or "none"
        raise CorpusReportError(f"--by {by}: no pair has this metadata column (columns: {columns})")
    return CorpusSummary(source, by, dict(sorted(groups.items())), signatures, settings, langs, bad)


def _add_report(group: Group, pair: str, report: dict) -> None:
    group.pairs += 1
    summary = report.get("summary", {})
    for side in ("left", "right"):
        share = float(summary.get(f"{side}_coverage", 0.0))
        group.coverage[side][min(int(share * BINS), BINS - 1)] += 1
        group.coverage_sum[side] += share
        segments = report[side]["segments"]
        only = report.get(f"{side}_only", [])
        group.one_sided_count[side] += len(only)
        for i in only:
            seg = segments[i]
            item = OneSided(1.0 - float(seg.get("coverage", 0.0)), pair, side, i, seg["text"][:400],
                            report[side].get("path") or "")
            heap = group.one_sided[side]
            (heapq.heappush if len(heap) < EXAMPLES else heapq.heappushpop)(heap, item)
    _add_facts(group, pair, report.get("facts"))
    _add_framing(group, report.get("framing"))


def _add_facts(group: Group, pair: str, facts: dict | None) -> None:
    if not facts:
        return
    found = [c for p in facts.get("pairs", []) for c in p.get("conflicts", [])] + list(facts.get("conflicts", []))
    for c in found:
        kind = c["kind"]
        group.conflicts[kind] += 1
        examples = group.conflict_examples[kind]
        if len(examples) < CONFLICT_EXAMPLES:
            examples.append((pair, facts["left"][c["left"]]["text"], facts["right"][c["right"]]["text"], c["relation"]))


def _add_framing(group: Group, framing: dict | None) -> None:
    if not framing:
        return
    for side in ("left", "right"):
        group.terms[side].update((m["concept"], m["register"]) for m in framing.get(side, []))
    group.differences.update(d["concept"] for d in framing.get("document", []))


# ------------------------------------------------------------------------------------------ page

CSS = """
body { font-family: "DejaVu Sans", "Noto Sans", "Noto Naskh Arabic", Tahoma, Arial, sans-serif; margin: 1.5em; \
color: #1d1d1f; }
h1 { font-size: 1.4em; } h2 { font-size: 1.2em; margin-top: 1.6em; border-bottom: 1px solid #ccc; } \
h3 { font-size: 1.05em; }
table { border-collapse: collapse; margin: .5em 0; } \
td, th { border: 1px solid #ccc; padding: .25em .5em; text-align: start; vertical-align: top; }
td.n, th.n { text-align: end; font-variant-numeric: tabular-nums; }
.seg { max-width: 40em; } .dim { color: #666; } code { font-size: .85em; word-break: break-all; }
figure { margin: .5em 0; } figure svg { max-width: 100%; height: auto; }
.note { color: #9a3412; }
@media print { body { margin: 0; font-size: 10pt; } h2 { break-before: auto; } \
table, figure { break-inside: avoid; } a { color: inherit; text-decoration: none; } }
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _dir(lang: str) -> str:
    return ' dir="rtl"' if lang in ("ar", "fa") else ' dir="auto"'


def render_corpus_html(summary: CorpusSummary) -> str:
    """The page (a string): self-contained HTML with inline SVG charts."""
    from ._charts import ChartsUnavailable, available, bar_svg, histogram_svg  # matplotlib, lazily

    try:
        available()
    except ChartsUnavailable as err:
        raise CorpusReportError(str(err)) from None

    S, (left_lang, right_lang) = summary, summary.langs
    total = sum(g.pairs for g in S.groups.values())
    errors = sum(g.errors for g in S.groups.values())
    grouping = f"grouped by <code>{_e(S.by)}</code>" if S.by else "all pairs as one group"
    out = [
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="generator" content="aligner report">', f"<title>aligner report: {_e(S.source)}</title>",
        f"<style>{CSS}</style>", "</head>", "<body>",
        "<h1>What both outlets say, and what only one says</h1>",
        f"<p>{total} compared pairs{f' and {errors} that could not be compared' if errors else ''} from "
        f"<code>{_e(S.source)}</code>, {grouping}; left: {_e(left_lang)}, right: {_e(right_lang)}.</p>",
    ]
    if S.bad_lines:
        out.append(f'<p class="note">{S.bad_lines} line(s) of the file are not JSON records and are not counted.</p>')
    out += ["<h2>Coverage</h2>",
            "<p>Share of each side's text that is in a pair with the other side, per pair.</p>",
            _coverage_table(S),
            f"<figure>{histogram_svg(S.groups, 'left', BINS)}"
            "<figcaption>left: share of its text the right covers</figcaption></figure>",
            f"<figure>{histogram_svg(S.groups, 'right', BINS)}"
            "<figcaption>right: share of its text the left covers</figcaption></figure>"]
    out += ["<h2>What each side leaves out</h2>",
            "<p>The one-sided segments the aligner is surest the other article does not say (lowest coverage), "
            f"at most {EXAMPLES} per group and side.</p>"]
    for g in S.groups.values():
        out.append(f"<h3>{_e(g.name)}</h3>")
        for side, lang in (("left", left_lang), ("right", right_lang)):
            items = sorted(g.one_sided[side], reverse=True)
            out.append(f"<p>only {side}: {g.one_sided_count[side]} segment(s) in {g.pairs} pair(s)</p>")
            if items:
                out.append("<table><tr><th>pair</th><th>segment</th><th class=\"n\">not covered</th><th>text</th></tr>")
                out += [f'<tr><td><a href="{_e(Path(x.path).as_uri() if Path(x.path).is_absolute() else x.path)}">'
                        f'{_e(x.pair)}</a></td>'
                        f'<td class="n">[{x.segment}]</td><td class="n">{x.missing:.2f}</td>'
                        f'<td class="seg" lang="{_e(lang)}"{_dir(lang)}>{_e(x.text)}</td></tr>' for x in items]
                out.append("</table>")
    out += ["<h2>Fact conflicts</h2>", _conflicts(S, left_lang, right_lang)]
    out += ["<h2>Loaded terms</h2>",
            "<p>Mentions of the framing lexicon's concepts per register (see the README's Framing section), "
            "and the pairs whose articles name a concept in different registers.</p>",
            _terms_table(S)]
    if any(g.terms["left"] or g.terms["right"] for g in S.groups.values()):
        out.append(f"<figure>{bar_svg(S.groups, REGISTERS)}"
                   "<figcaption>mentions per register, left and right, per group</figcaption></figure>")
    out += ["<h2>Run</h2>", "<table><tr><th>signature</th><th class=\"n\">pairs</th></tr>"]
    out += [f'<tr><td><code>{_e(sig)}</code></td><td class="n">{n}</td></tr>' for sig, n in S.signatures.most_common()]
    out.append("</table>")
    if S.settings:
        out.append("<table>" + "".join(f"<tr><th>{_e(k)}</th><td><code>{_e(v)}</code></td></tr>"
                                       for k, v in S.settings.items()) + "</table>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def _coverage_table(S: CorpusSummary) -> str:
    rows = ["<table><tr><th>group</th><th class=\"n\">pairs</th><th class=\"n\">not compared</th>"
            "<th class=\"n\">left covered (mean)</th><th class=\"n\">right covered (mean)</th>"
            "<th class=\"n\">one-sided left</th><th class=\"n\">one-sided right</th></tr>"]
    for g in S.groups.values():
        rows.append(f"<tr><td>{_e(g.name)}</td><td class=\"n\">{g.pairs}</td><td class=\"n\">{g.errors}</td>"
                    f"<td class=\"n\">{g.mean_coverage('left'):.0%}</td>"
                    f"<td class=\"n\">{g.mean_coverage('right'):.0%}</td>"
                    f"<td class=\"n\">{g.one_sided_count['left']}</td>"
                    f"<td class=\"n\">{g.one_sided_count['right']}</td></tr>")
    return "\n".join(rows) + "</table>"


def _conflicts(S: CorpusSummary, left_lang: str, right_lang: str) -> str:
    kinds = sorted({k for g in S.groups.values() for k in g.conflicts})
    if not kinds:
        return "<p>No fact conflicts.</p>"
    rows = ["<table><tr><th>group</th>" + "".join(f'<th class="n">{_e(k)}</th>' for k in kinds) + "</tr>"]
    rows += [f"<tr><td>{_e(g.name)}</td>" + "".join(f'<td class="n">{g.conflicts[k]}</td>' for k in kinds) + "</tr>"
             for g in S.groups.values()]
    rows.append("</table><table><tr><th>group</th><th>kind</th><th>pair</th><th>left</th><th>right</th><th>why</th></tr>")
    for g in S.groups.values():
        for kind in kinds:
            for pair, left, right, why in g.conflict_examples.get(kind, []):
                rows.append(f"<tr><td>{_e(g.name)}</td><td>{_e(kind)}</td><td>{_e(pair)}</td>"
                            f'<td lang="{_e(left_lang)}"{_dir(left_lang)}>{_e(left)}</td>'
                            f'<td lang="{_e(right_lang)}"{_dir(right_lang)}>{_e(right)}</td><td>{_e(why)}</td></tr>')
    return "\n".join(rows) + "</table>"


def _terms_table(S: CorpusSummary) -> str:
    concepts = sorted({c for g in S.groups.values() for side in ("left", "right") for c, _ in g.terms[side]})
    if not concepts:
        return "<p>No term of the lexicon was found.</p>"
    head = ("".join(f'<th class="n">left {r}</th>' for r in REGISTERS)
            + "".join(f'<th class="n">right {r}</th>' for r in REGISTERS))
    rows = [f"<table><tr><th>group</th><th>concept</th>{head}<th class=\"n\">pairs differing</th></tr>"]
    for g in S.groups.values():
        for c in concepts:
            counts = [g.terms[side][(c, r)] for side in ("left", "right") for r in REGISTERS]
            if any(counts):
                rows.append(f"<tr><td>{_e(g.name)}</td><td>{_e(c)}</td>"
                            + "".join(f'<td class="n">{n or ""}</td>' for n in counts)
                            + f'<td class="n">{g.differences[c] or ""}</td></tr>')
    return "\n".join(rows) + "</table>"
