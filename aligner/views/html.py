"""``--format html``: one self-contained page with the side-by-side view.

No external resources: the CSS is inline and there is no script, so the file
can be mailed or archived and opened offline in any browser. Rows as in the
text view (:mod:`.rows`); every cell with text has ``dir`` and ``lang`` (text
stays in logical order; the browser does the bidi and the shaping); each kind
has a colour and a textual marker; a pair's score and margin are in the
``title`` of its row (shown on hover), and the signature is in the footer.

When the report carries facts (:mod:`aligner.facts`), the page also shows them:

- under each pair's kind marker, its fact markers as in the text view (``≠num``,
  ``<date``, ``>name``, ``=3``; :func:`.fact_text.short_markers`), each with the
  pair's facts of that marker in its ``title``;
- each fact inside the sentence text, by its offsets (``Fact.start``/``end``), as a
  ``<mark class="fact f-<kind> <status>">`` whose ``title`` gives the kind, the
  canonical value and what it is matched with; the status is ``conflict`` (in a
  conflict of its pair or across unpaired sentences), ``shared``, ``only`` (the other
  article has it nowhere) or none. Marks nest or stand apart: a fact whose span
  crosses one already marked (earlier, or longer at the same start) is not marked,
  and is still listed in the Facts section;
- a Facts section after the table: the conflicts (a pair's, then those across
  unpaired sentences), each with both segment ids (links to the sentences), the kind
  and both facts as written with their canonical values, then per article the facts
  the other article has nowhere (a conflict's facts are not repeated there).

Every piece of article text is escaped by :func:`escape` (marks split a sentence into
pieces: each piece's controls are made visible, and the bidi left open by the whole
sentence is closed once at its end, as without marks). A report without facts renders
exactly as before.
"""

from __future__ import annotations

from collections import defaultdict
from html import escape as _html_escape

from ..facts.markers import conflicts, describe, gloss, one_sided, pair_details, pair_markers
from .fact_text import has_facts, pair_index, short_markers
from .framing_text import MARKER as FRAMING_MARKER
from .framing_text import has_framing
from .rows import LABELS, MARKERS, PARTIAL_BELOW, lang_label, ordered_rows
from .safe import closers, safe, visible


def escape(text: str) -> str:
    """HTML-escaped, with controls visible and bidi closed (:mod:`.safe`)."""
    return _html_escape(safe(text))

CSS = """
:root { color-scheme: light; }
body { font-family: "DejaVu Sans", "Noto Sans", "Noto Naskh Arabic", Tahoma, Arial, sans-serif; margin: 1.5em; \
color: #1d1d1f; background: #fff; }
header h1 { font-size: 1.3em; margin: 0 0 .3em; }
header p, header dl { margin: .2em 0; }
dl.paths { display: grid; grid-template-columns: max-content auto; gap: 0 .8em; }
dl.paths dt { font-weight: bold; } dl.paths dd { margin: 0; font-family: monospace; }
.legend span, .summary span { padding: .1em .4em; border-radius: .3em; }
.legend span { margin-right: .3em; }
table.report { border-collapse: collapse; width: 100%; table-layout: fixed; margin-top: 1em; }
table.report th, table.report td { border: 1px solid #c8c8cc; padding: .45em .6em; vertical-align: top; }
table.report th { background: #f0f0f3; }
table.report col.mark { width: 2.6em; } table.report col.score { width: 4.2em; }
td.mark { text-align: center; font-family: monospace; font-weight: bold; }
td.score { text-align: right; font-family: monospace; color: #555; }
td[dir="rtl"] { text-align: right; font-size: 1.12em; line-height: 1.75; }
td.empty { background: repeating-linear-gradient(135deg, #fafafa, #fafafa 6px, #f0f0f0 6px, #f0f0f0 12px); }
p.seg { margin: 0 0 .35em; } p.seg:last-child { margin-bottom: 0; }
span.id { color: #777; font-family: monospace; font-size: .85em; unicode-bidi: isolate; direction: ltr; }
tr.shared td.text, .shared-key { background: #e3f6e5; } tr.shared td.mark { color: #1a7f37; }
tr.partial td.text, .partial-key { background: #fff4cc; } tr.partial td.mark { color: #9a6700; }
tr.covered td.text, .covered-key { background: #e6ecfa; } tr.covered td.mark { color: #3451b2; }
td.see { color: #3451b2; font-size: .9em; }
tr.left_only td.text, .left_only-key { background: #ffe4e1; } tr.left_only td.mark { color: #c62828; }
tr.right_only td.text, .right_only-key { background: #dff3fb; } tr.right_only td.mark { color: #0b7285; }
footer { margin-top: 1em; color: #555; font-size: .85em; } footer code { word-break: break-all; }
@media print { td.empty { background: none; } }
"""

FACT_CSS = """
table.report.with-facts col.mark { width: 4.6em; }
td.mark .fm { display: block; font-size: .8em; }
.fm.differ { color: #a21caf; } .fm.left { color: #c62828; font-weight: normal; } \
.fm.right { color: #0b7285; font-weight: normal; }
.fm.agree { color: #1a7f37; font-weight: normal; }
mark.fact { background: none; color: inherit; border-bottom: 2px solid #888; padding: 0 .05em; }
mark.f-number { border-bottom-color: #3451b2; } mark.f-date { border-bottom-color: #1a7f37; }
mark.f-name { border-bottom-color: #9a6700; } \
mark.f-attribution { border-bottom-color: #7c3aed; border-bottom-style: dotted; }
mark.fact.only { border-bottom-style: dashed; }
mark.fact.conflict { background: #f5c6f1; border-bottom: 3px solid #a21caf; }
section.facts { margin-top: 1.5em; } section.facts h2 { font-size: 1.15em; margin: 0 0 .3em; }
section.facts h3 { font-size: 1em; margin: 1em 0 .3em; }
ol.conflicts { padding-left: 1.6em; } ol.conflicts li { margin: .35em 0; }
.fkind { font-family: monospace; font-weight: bold; color: #a21caf; } .where { color: #a21caf; font-style: italic; }
bdi.fact { font-weight: bold; } .value { color: #555; font-size: .9em; }
dl.one-sided { display: grid; grid-template-columns: max-content auto; gap: .25em .8em; margin: 0; }
dl.one-sided dt { font-family: monospace; } dl.one-sided dd { margin: 0; }
"""
MARKER_CLASSES = {"≠": "differ", "<": "left", ">": "right", "=": "agree"}
STATUS_TEXT = {"conflict": "in conflict", "shared": "shared", "only": "nowhere in the other article"}


FRAMING_CSS = """
td.mark .fr { display: block; font-size: .8em; color: #9a6700; }
section.framing { margin-top: 1.5em; } section.framing h2 { font-size: 1.15em; margin: 0 0 .3em; }
table.framing { border-collapse: collapse; margin-top: .5em; } \
table.framing td, table.framing th { border: 1px solid #ccc; padding: .3em .5em; vertical-align: top; \
text-align: start; }
.gloss { color: #666; font-size: .9em; } .register { font-size: .85em; padding: 0 .3em; border-radius: .3em; }
.register.loaded { background: #fff3bf; } .register.honorific { background: #d3f9d8; } \
.register.derogatory { background: #ffe3e3; } .register.euphemism { background: #d0ebff; }
"""


def render_html(report, *, show_scores: bool = False, partial_below: float = PARTIAL_BELOW) -> str:
    r, s = report, report.summary
    rows = ordered_rows(r, partial_below=partial_below)
    counts = {k: sum(row.kind == k for row in rows) for k in LABELS}
    left_name, right_name = lang_label(r.left.lang), lang_label(r.right.lang)
    facts = PageFacts(r) if has_facts(r) else None
    framing = PageFraming(r) if has_framing(r) else None
    title = f"aligner: {r.left.path or 'left'} ↔ {r.right.path or 'right'}"
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="aligner">',
        f"<title>{escape(title)}</title>",
        f"<style>{CSS}{FACT_CSS if facts else ''}{FRAMING_CSS if framing else ''}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{escape(left_name)} ↔ {escape(right_name)}: what both say, what only one says</h1>",
        f'<p class="model">model <code>{escape(r.model.identity)}</code></p>',
        '<dl class="paths">',
        f"<dt>left ({escape(left_name)})</dt><dd>{escape(r.left.path or '<text>')}</dd>",
        f"<dt>right ({escape(right_name)})</dt><dd>{escape(r.right.path or '<text>')}</dd>",
        "</dl>",
        f'<p class="summary">{s.pairs} pairs (<span class="shared-key">{counts["shared"]} shared</span>, '
        f'<span class="partial-key">{counts["partial"]} partial</span>), '
        + (f'<span class="covered-key">{counts["covered"]} said elsewhere</span>, ' if counts["covered"] else "")
        + f'<span class="left_only-key">{s.left_only} only left</span>, '
        f'<span class="right_only-key">{s.right_only} only right</span>; '
        f"covered: left {s.left_coverage:.0%} of its text ({s.left_paired}/{s.left_segments} segments), "
        f"right {s.right_coverage:.0%} ({s.right_paired}/{s.right_segments}).</p>",
        '<p class="legend">'
        + "".join(f'<span class="{k}-key">{escape(MARKERS[k])} {escape(LABELS[k])}</span>' for k in LABELS
                  if k != "covered" or counts["covered"])
        + " * counterpart elsewhere in the right article; hover a row for its score.</p>",
    ]
    if facts:
        out.append(facts.legend())
    out += [f'<p class="note">note: {escape(w)}</p>' for w in r.warnings]
    out += [
        "</header>",
        f'<table class="report{" with-facts" if facts else ""}">',
        '<colgroup><col class="mark"><col class="left"><col class="right">'
        + ('<col class="score">' if show_scores else "") + "</colgroup>",
        "<thead><tr><th>kind</th>"
        f"<th>{escape(left_name)} (left)</th><th>{escape(right_name)} (right)</th>"
        + ("<th>score</th>" if show_scores else "")
        + "</tr></thead>",
        "<tbody>",
    ]
    left_marks = facts.marks("left") if facts else None
    right_marks = facts.marks("right") if facts else None
    for row in rows:
        tip = LABELS[row.kind] + (f" · score {row.score:.4f} · margin {row.margin:.4f}"
                                  if row.score is not None else "")
        if row.moved:
            tip += " · counterpart elsewhere in the right article"
        mark = MARKERS[row.kind] + ("*" if row.moved else "")
        fact_markers = facts.row_markers(row.left, row.right) if facts else ""
        fact_markers += framing.row_marker(row.left, row.right) if framing else ""
        cells = [f'<td class="mark" title="{escape(tip)}">{escape(mark)}{fact_markers}</td>']
        cells.append(_cell(r.left, row.left, "left", tip, left_marks) if row.left or not row.covered_by
                     else _see(row.covered_by, "left"))
        cells.append(_cell(r.right, row.right, "right", tip, right_marks) if row.right or not row.covered_by
                     else _see(row.covered_by, "right"))
        if show_scores:
            cells.append(f'<td class="score">{row.score:.2f}</td>' if row.score is not None
                         else '<td class="score"></td>')
        out.append(f'<tr class="{row.kind}" title="{escape(tip)}">' + "".join(cells) + "</tr>")
    out += [
        "</tbody>",
        "</table>",
    ]
    if facts:
        out += facts.section()
    if framing:
        out += framing.section()
    out += [
        f'<footer><p>signature <code class="signature">{escape(r.signature)}</code></p></footer>',
        "</body>",
        "</html>",
    ]
    return "\n".join(out) + "\n"


def _see(ids: tuple[int, ...], role: str) -> str:
    """The empty ``role`` cell of a covered row: links to that side's segments that say what the row's segment says."""
    links = " ".join(f'<a href="#{role}-{i}">[{i}]</a>' for i in ids)
    return f'<td class="{role} empty see">{escape(MARKERS["covered"])} {links}</td>'


def _direction(side) -> tuple[str, str]:
    """The ``dir`` value and the `` lang`` attribute (or nothing) of text from ``side``."""
    direction = "rtl" if side.lang in ("ar", "fa") else "auto"
    lang = f' lang="{escape(side.lang)}"' if side.lang != "und" else ""
    return direction, lang


def _cell(side, ids: tuple[int, ...], role: str, tip: str, marks: dict[int, list[Span]] | None = None) -> str:
    if not ids:
        return f'<td class="{role} empty"></td>'
    direction, lang = _direction(side)
    segs = "".join(
        f'<p class="seg" id="{role}-{i}"><span class="id">[{i}]</span> '
        '<span class="text">'
        f'{highlighted(side.segments[i].text, marks.get(i, [])) if marks else escape(side.segments[i].text)}'
        '</span></p>'
        for i in ids
    )
    return f'<td class="{role} text" dir="{direction}"{lang} title="{escape(tip)}">{segs}</td>'


# ------------------------------------------------------------------------------------------ facts

Span = tuple[int, int, str]  # start, end (offsets in the segment text), the opening tag


def nested(spans: list[Span], length: int) -> list[Span]:
    """The spans that can be marked in a text ``length`` long, in document order: empty or
    out-of-range spans are dropped, and so is a span that crosses one kept before it (spans
    are taken by start, the longer first), so the kept ones nest or stand apart."""
    kept: list[Span] = []
    open_ends: list[int] = []
    for start, end, tag in sorted(spans, key=lambda sp: (sp[0], -sp[1])):
        if not 0 <= start < end <= length:
            continue
        while open_ends and open_ends[-1] <= start:
            open_ends.pop()
        if open_ends and end > open_ends[-1]:
            continue  # crosses the innermost open span
        kept.append((start, end, tag))
        open_ends.append(end)
    return kept


def highlighted(text: str, spans: list[Span]) -> str:
    """``text`` escaped as :func:`escape` escapes it, with each span's text wrapped in its tag and ``</mark>``."""
    def pieces(a: int, b: int) -> str:  # offsets are in the text: make controls visible piece by piece
        return _html_escape(visible(text[a:b]))

    out: list[str] = []
    pos = 0
    open_ends: list[int] = []
    for start, end, tag in nested(spans, len(text)):
        while open_ends and open_ends[-1] <= start:
            out += [pieces(pos, open_ends[-1]), "</mark>"]
            pos = open_ends.pop()
        out += [pieces(pos, start), tag]
        pos = start
        open_ends.append(end)
    while open_ends:
        out += [pieces(pos, open_ends[-1]), "</mark>"]
        pos = open_ends.pop()
    out += [pieces(pos, len(text)), _html_escape(closers(visible(text)))]
    return "".join(out)


class PageFacts:
    """The report's facts as the page shows them: row markers, marks in the text, the Facts section."""

    def __init__(self, report) -> None:
        self.report = report
        self.facts = F = report.facts
        self.index = pair_index(F)
        self.conflicts = conflicts(F)
        self.only = one_sided(F)
        # what each fact is matched with, for the title of its mark
        self.notes: dict[str, dict[int, list[str]]] = {"left": defaultdict(list), "right": defaultdict(list)}
        self.status: dict[str, dict[int, str]] = {"left": {}, "right": {}}
        for p in F.pairs:
            for m in p.shared:
                self._relate(m.left, m.right, "shared", "=", f" ({m.relation})")
        for c in self.conflicts:
            self._relate(c.match.left, c.match.right, "conflict", "≠", " (unpaired sentences)" if c.unpaired else "")
        for role, only in zip(("left", "right"), self.only, strict=True):
            for i in only:
                self.status[role].setdefault(i, "only")

    def _relate(self, i: int, j: int, status: str, sign: str, extra: str) -> None:
        F = self.facts
        for role, k, other_role, other in (("left", i, "right", F.right[j]), ("right", j, "left", F.left[i])):
            if self.status[role].get(k) != "conflict":
                self.status[role][k] = status
            self.notes[role][k].append(f"{sign} {other_role} [{other.segment}] {describe(other)}{extra}")

    # -- the table -----------------------------------------------------------------------------

    def legend(self) -> str:
        signs = "".join(f'<span class="fm-key"><b class="fm {MARKER_CLASSES[sign[0]]}">{escape(sign)}</b> '
                        f'{label}</span> '
                        for sign, label in (("≠", "differ"), ("<", "only left"),
                                            (">", "only right"), ("=N", "N agree")))
        return (f'<p class="legend facts-legend">facts: {signs}(num date name attr); in the text '
                '<mark class="fact key conflict">in conflict</mark> <mark class="fact key shared">shared</mark> '
                '<mark class="fact key only">nowhere in the other article</mark>; hover a fact for its value; '
                '<a href="#facts">Facts</a> below.</p>')

    def row_markers(self, left: tuple[int, ...], right: tuple[int, ...]) -> str:
        """The fact markers under a pair's kind marker, each with its facts in the title."""
        i = self.index.get((left, right))
        if i is None:
            return ""
        details = pair_details(self.facts, i)
        out = []
        for full, marker in zip(pair_markers(self.facts, i), short_markers(self.facts, i), strict=True):
            sign = full[0]
            # the detail lines behind the marker: "≠ number: …" for ≠number, every "= …" for =N
            lines = ([d for d in details if d[0] == "="] if sign == "="
                     else [d for d in details if d.startswith(f"{sign} {full[1:]}:")])
            title = "&#10;".join(escape(line) for line in lines)
            out.append(f'<span class="fm {MARKER_CLASSES[sign]}" title="{title}">{escape(marker)}</span>')
        return "".join(out)

    def marks(self, role: str) -> dict[int, list[Span]]:
        """Segment id -> the spans of its facts, each with its ``<mark>`` tag."""
        facts = self.facts.left if role == "left" else self.facts.right
        out: dict[int, list[Span]] = defaultdict(list)
        for k, f in enumerate(facts):
            status = self.status[role].get(k, "")
            title = _fact_title(f) + "".join(f" · {note}" for note in self.notes[role].get(k, []))
            if status == "only":
                title += f" · {STATUS_TEXT['only']}"
            cls = f"fact f-{escape(f.kind)}" + (f" {status}" if status else "")
            out[f.segment].append((f.start, f.end, f'<mark class="{cls}" title="{escape(title)}">'))
        return out

    # -- the Facts section ---------------------------------------------------------------------

    def section(self) -> list[str]:
        F, r = self.facts, self.report
        only_l, only_r = self.only
        unpaired = sum(c.unpaired for c in self.conflicts)
        n = len(self.conflicts)
        out = [
            '<section class="facts" id="facts">',
            "<h2>Facts</h2>",
            f'<p class="facts-summary">{len(F.left)} found left, {len(F.right)} right · '
            f'{n} conflict{"s" if n != 1 else ""}' + (f" ({unpaired} across unpaired sentences)" if unpaired else "")
            + f" · {len(only_l)} only left · {len(only_r)} only right</p>",
        ]
        if self.conflicts:
            out += ["<h3>Conflicts</h3>", '<ol class="conflicts">']
            out += [self._conflict_item(c) for c in self.conflicts]
            out.append("</ol>")
        for role, side, _other, only in (("left", r.left, r.right, only_l), ("right", r.right, r.left, only_r)):
            if only:
                out.append(f"<h3>Only {role} ({escape(lang_label(side.lang))}), nowhere in the "
                           f"{'right' if role == 'left' else 'left'} article</h3>")
                out.append(self._one_sided(role, side, only))
        out.append("</section>")
        return out

    def _fact(self, role: str, f) -> str:
        """``«fact» (value)``: the fact as written, isolated in its own direction, and its canonical value."""
        direction, lang = _direction(self.report.left if role == "left" else self.report.right)
        g = gloss(f)
        return (f'«<bdi class="fact" dir="{direction}"{lang}>{escape(f.text)}</bdi>»'
                + (f' <span class="value">({escape(g)})</span>' if g else ""))

    def _conflict_item(self, c) -> str:
        where = ' <span class="where">across unpaired sentences</span>' if c.unpaired else ""
        return (f'<li class="conflict{" unpaired" if c.unpaired else ""}">'
                f'<span class="fkind">≠ {escape(c.kind)}</span>{where} '
                f'left {_links("left", c.left_segments)} {self._fact("left", c.left)} ≠ '
                f'right {_links("right", c.right_segments)} {self._fact("right", c.right)}</li>')

    def _one_sided(self, role: str, side, indexes: list[int]) -> str:
        facts = self.facts.left if role == "left" else self.facts.right
        groups: dict[tuple[str, str, str], list] = {}
        for i in indexes:
            f = facts[i]
            groups.setdefault((f.kind, f.text, f.value), []).append(f)
        by_kind: dict[str, list[str]] = defaultdict(list)
        for (kind, _, _), fs in groups.items():
            by_kind[kind].append(f'{self._fact(role, fs[0])} {_links(role, sorted({f.segment for f in fs}))}')
        items = [f"<dt>{escape(kind)}</dt><dd>{' · '.join(by_kind[kind])}</dd>"
                 for kind in ("number", "date", "name", "attribution") if kind in by_kind]
        return f'<dl class="one-sided {role}">' + "".join(items) + "</dl>"


class PageFraming:
    """The report's framing as the page shows it: a marker on pairs that name one concept in different
    registers (the concepts in its title), and the Framing section."""

    def __init__(self, report) -> None:
        self.report = report
        self.framing = report.framing
        self.by_pair = {(p.left, p.right): diffs for p, diffs in zip(report.pairs, self.framing.pairs, strict=True)
                        if diffs}

    def row_marker(self, left: tuple[int, ...], right: tuple[int, ...]) -> str:
        diffs = self.by_pair.get((left, right))
        if not diffs:
            return ""
        tip = "; ".join(f"{d.concept}: left {', '.join(d.left_registers)} / right {', '.join(d.right_registers)}"
                        for d in diffs)
        return f'<span class="fr" title="{escape(tip)}">{escape(FRAMING_MARKER)}</span>'

    def section(self) -> list[str]:
        F, r = self.framing, self.report
        named_left, named_right = F.named("left"), F.named("right")
        out = [
            '<section class="framing" id="framing">',
            "<h2>Framing</h2>",
            f'<p class="framing-summary">{len(named_left)} concepts named left, {len(named_right)} right, '
            f"{len(named_left & named_right)} by both · {len(F.document)} named in different words · "
            f"lexicon <code>{escape(F.lexicon)}</code></p>",
        ]
        if F.document:
            out += [
                '<table class="framing"><thead><tr><th>concept</th>'
                f"<th>left ({escape(lang_label(r.left.lang))})</th><th>right ({escape(lang_label(r.right.lang))})</th>"
                "</tr></thead><tbody>",
                *(f'<tr><td><b>{escape(d.concept)}</b><br><span class="gloss">{escape(d.gloss)}</span></td>'
                  f'<td>{self._terms("left", d.left)}</td><td>{self._terms("right", d.right)}</td></tr>'
                  for d in F.document),
                "</tbody></table>",
            ]
        out.append("</section>")
        return out

    def _terms(self, role: str, indexes) -> str:
        direction, lang = _direction(self.report.left if role == "left" else self.report.right)
        return " · ".join(
            f'«<bdi dir="{direction}"{lang}>{escape(text)}</bdi>» <span class="register {escape(register)}">'
            f"{escape(register)}</span> {_links(role, segs)}"
            for text, register, segs in self.framing.terms(role, indexes)
        )


def _fact_title(f) -> str:
    """The kind and the canonical value of a fact (a name's is its cross-script key)."""
    g = gloss(f)
    return f"{f.kind}: {g}" if g else f"{f.kind} (key {f.value})"


def _links(role: str, ids) -> str:
    return " ".join(f'<a href="#{role}-{i}">[{i}]</a>' for i in ids)
