"""``--format html``: one self-contained page with the side-by-side view.

No external resources: the CSS is inline and there is no script, so the file
can be mailed or archived and opened offline in any browser. Rows as in the
text view (:mod:`.rows`); every cell with text has ``dir`` and ``lang`` (text
stays in logical order; the browser does the bidi and the shaping); each kind
has a colour and a textual marker; a pair's score and margin are in the
``title`` of its row (shown on hover), and the signature is in the footer.
"""

from __future__ import annotations

from html import escape as _html_escape

from .rows import LABELS, MARKERS, PARTIAL_BELOW, lang_label, ordered_rows
from .safe import safe


def escape(text: str) -> str:
    """HTML-escaped, with controls visible and bidi closed (:mod:`.safe`)."""
    return _html_escape(safe(text))

CSS = """
:root { color-scheme: light; }
body { font-family: "DejaVu Sans", "Noto Sans", "Noto Naskh Arabic", Tahoma, Arial, sans-serif; margin: 1.5em; color: #1d1d1f; background: #fff; }
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


def render_html(report, *, show_scores: bool = False, partial_below: float = PARTIAL_BELOW) -> str:
    r, s = report, report.summary
    rows = ordered_rows(r, partial_below=partial_below)
    counts = {k: sum(row.kind == k for row in rows) for k in LABELS}
    left_name, right_name = lang_label(r.left.lang), lang_label(r.right.lang)
    title = f"aligner: {r.left.path or 'left'} ↔ {r.right.path or 'right'}"
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="aligner">',
        f"<title>{escape(title)}</title>",
        f"<style>{CSS}</style>",
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
    out += [f'<p class="note">note: {escape(w)}</p>' for w in r.warnings]
    out += [
        "</header>",
        '<table class="report">',
        '<colgroup><col class="mark"><col class="left"><col class="right">' + ('<col class="score">' if show_scores else "") + "</colgroup>",
        "<thead><tr><th>kind</th>"
        f"<th>{escape(left_name)} (left)</th><th>{escape(right_name)} (right)</th>"
        + ("<th>score</th>" if show_scores else "")
        + "</tr></thead>",
        "<tbody>",
    ]
    for row in rows:
        tip = LABELS[row.kind] + (f" · score {row.score:.4f} · margin {row.margin:.4f}" if row.score is not None else "")
        if row.moved:
            tip += " · counterpart elsewhere in the right article"
        mark = MARKERS[row.kind] + ("*" if row.moved else "")
        cells = [f'<td class="mark" title="{escape(tip)}">{escape(mark)}</td>']
        cells.append(_cell(r.left, row.left, "left", tip) if row.left or not row.covered_by else _see(row.covered_by, "left"))
        cells.append(_cell(r.right, row.right, "right", tip) if row.right or not row.covered_by else _see(row.covered_by, "right"))
        if show_scores:
            cells.append(f'<td class="score">{row.score:.2f}</td>' if row.score is not None else '<td class="score"></td>')
        out.append(f'<tr class="{row.kind}" title="{escape(tip)}">' + "".join(cells) + "</tr>")
    out += [
        "</tbody>",
        "</table>",
        f'<footer><p>signature <code class="signature">{escape(r.signature)}</code></p></footer>',
        "</body>",
        "</html>",
    ]
    return "\n".join(out) + "\n"


def _see(ids: tuple[int, ...], role: str) -> str:
    """The empty ``role`` cell of a covered row: links to that side's segments that say what the row's segment says."""
    links = " ".join(f'<a href="#{role}-{i}">[{i}]</a>' for i in ids)
    return f'<td class="{role} empty see">{escape(MARKERS["covered"])} {links}</td>'


def _cell(side, ids: tuple[int, ...], role: str, tip: str) -> str:
    if not ids:
        return f'<td class="{role} empty"></td>'
    direction = "rtl" if side.lang in ("ar", "fa") else "auto"
    lang = f' lang="{escape(side.lang)}"' if side.lang != "und" else ""
    segs = "".join(
        f'<p class="seg" id="{role}-{i}"><span class="id">[{i}]</span> <span class="text">{escape(side.segments[i].text)}</span></p>'
        for i in ids
    )
    return f'<td class="{role} text" dir="{direction}"{lang} title="{escape(tip)}">{segs}</td>'
