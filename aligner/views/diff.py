"""``--format diff``: a unified-diff-like listing, for pagers and diff viewers (less, delta, diff-so-fancy).

One hunk in the rows' order (see :mod:`.rows`): segments only in the left
article are ``-`` lines, segments only in the right article ``+`` lines, and
both sides of a pair are context lines (left first, then right). Each line
names its side and segment id, ``[ar 3]``; a partial pair's lines carry ``~``
(``[ar 0 ~]``); a segment said elsewhere (no one-to-one counterpart, but the
other article has its content) is a context line naming where (``[ar 5 ≈fa 2]``), and with ``--scores`` the
pair's score follows (``[ar 3 0.57]``).
The first line carries the signature (viewers ignore lines before ``---``);
the hunk header counts lines like a real diff, so viewers parse it. Text is in
logical order; colour (``-`` red, ``+`` green) only when asked.

When the report carries facts, each fact conflict is a comment line: a context
line whose text starts with ``#``, so that ``patch``, ``git apply`` and the viewers
read it as one more line of the hunk (the hunk header counts it). A pair's
conflicts follow the pair's lines (a ``covers`` pair's go to the end)::

     # ≠ number: [ar 7] «120 مليون دولار» (120000000 usd) ≠ [fa 4] «۱۵۰ میلیون دلار» (150000000 usd)

naming each fact's segment, both facts as written and their canonical values; the
conflicts across unpaired sentences (``# ≠ number, unpaired sentences: [ar 0] … ≠
[fa 5] …``) end the hunk, whose header then ends with the number of fact conflicts
(``; 2 fact conflicts``). In colour they are magenta. A report without facts, or
without conflicts, is listed as before.
"""

from __future__ import annotations

from ..facts.markers import conflicts, describe
from .fact_text import has_facts
from .rows import PARTIAL_BELOW, lang_label, ordered_rows
from .safe import safe

_COLORS = {"-": "\x1b[31m", "+": "\x1b[32m", "@": "\x1b[36m", "h": "\x1b[1m", "#": "\x1b[35m"}
_RESET = "\x1b[0m"


def _tag(lang: str, default: str) -> str:
    return lang if lang and lang != "und" else default


def render_diff(report, *, show_scores: bool = False, color: bool = False, partial_below: float = PARTIAL_BELOW) -> str:
    left, right = report.left, report.right
    ltag, rtag = _tag(left.lang, "left"), _tag(right.lang, "right")
    body: list[tuple[str, str]] = []
    old = new = 0
    rows = ordered_rows(report, partial_below=partial_below)
    by_pair, unpaired = _conflict_notes(report, ltag, rtag)
    for row in rows:
        note = (" ~" if row.kind == "partial" else "") + (f" {row.score:.2f}" if show_scores
                                                          and row.score is not None else "")
        if row.kind in ("shared", "partial"):
            for i in row.left:
                body.append((" ", _line(ltag, i, note, left.segments[i].text)))
            for j in row.right:
                body.append((" ", _line(rtag, j, note, right.segments[j].text)))
            notes = by_pair.pop((row.left, row.right), [])
            body += [("#", note) for note in notes]
            n = len(row.left) + len(row.right) + len(notes)
            old, new = old + n, new + n
        elif row.kind == "covered":
            tag, ids, other = (ltag, row.left, rtag) if row.left else (rtag, row.right, ltag)
            segs = left.segments if row.left else right.segments
            note = " ≈" + ",".join(f"{other} {i}" for i in row.covered_by)
            body.append((" ", _line(tag, ids[0], note, segs[ids[0]].text)))
            old, new = old + 1, new + 1
        elif row.kind == "left_only":
            body.append(("-", _line(ltag, row.left[0], "", left.segments[row.left[0]].text)))
            old += 1
        else:
            body.append(("+", _line(rtag, row.right[0], "", right.segments[row.right[0]].text)))
            new += 1
    rest = [note for notes in by_pair.values() for note in notes] + unpaired  # a covers pair has no row of its own
    body += [("#", note) for note in rest]
    old, new = old + len(rest), new + len(rest)
    n_conflicts = sum(kind == "#" for kind, _ in body)
    s = report.summary
    partial = sum(r.kind == "partial" for r in rows)
    shared = sum(r.kind == "shared" for r in rows)
    lines = [
        ("h", f"aligner compare {report.signature}"),
        ("h", f"--- {left.path or 'left'}\t({lang_label(left.lang)}, left)"),
        ("h", f"+++ {right.path or 'right'}\t({lang_label(right.lang)}, right)"),
        ("@", f"@@ -1,{old} +1,{new} @@ {s.pairs} pairs ({shared} shared, {partial} partial),"
              f"{_said_elsewhere(rows)} {s.left_only} only left, {s.right_only} only right"
              + (f"; {n_conflicts} fact conflict{'s' if n_conflicts != 1 else ''}" if n_conflicts else "")),
    ]
    lines += body
    out = []
    for kind, text in lines:
        prefix = kind if kind in "-+ " else " " if kind == "#" else ""
        line = safe(prefix + text)  # article text and file names: controls visible, bidi closed
        out.append(f"{_COLORS[kind]}{line}{_RESET}" if color and kind in _COLORS else line)
    return "\n".join(out) + "\n"


def _said_elsewhere(rows) -> str:
    n = sum(r.kind == "covered" for r in rows)
    return f" {n} said elsewhere," if n else ""


def _line(tag: str, i: int, note: str, text: str) -> str:
    return f"[{tag} {i}{note}] " + " ".join(text.splitlines())


def _conflict_notes(report, ltag: str, rtag: str) -> tuple[dict[tuple[tuple[int, ...], tuple[int, ...]], list[str]],
                                                           list[str]]:
    """The comment lines of the fact conflicts: per pair (keyed by its left and right ids), and across unpaired
    sentences."""
    if not has_facts(report):
        return {}, []
    by_pair: dict[tuple[tuple[int, ...], tuple[int, ...]], list[str]] = {}
    unpaired = []
    for c in conflicts(report.facts):
        what = f"# ≠ {c.kind}{', unpaired sentences' if c.unpaired else ''}: "
        note = what + f"{_fact(ltag, c.left)} ≠ {_fact(rtag, c.right)}"
        if c.unpaired:
            unpaired.append(note)
        else:
            by_pair.setdefault((c.left_segments, c.right_segments), []).append(note)
    return by_pair, unpaired


def _fact(tag: str, f) -> str:
    return f"[{tag} {f.segment}] " + " ".join(describe(f).splitlines())
