"""``--format text``: a header with the summary and a two-column table of the articles.

Rows follow the left article; each pair shows its counterpart beside it, and
right-only segments stand after the row that holds the right segment just
before them. Every segment appears in exactly one row. Each row has a textual
marker (``=`` both, ``<`` left only, ``>`` right only) so the view works
without colour. Text stays in logical order: the terminal does the bidi.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.table import Table
from rich.text import Text

from ..pipeline import LANG_NAMES
from ..report import Report

STYLES = {"pair": "green", "left_only": "yellow", "right_only": "cyan"}
MARKERS = {"pair": "=", "left_only": "<", "right_only": ">"}


@dataclass(frozen=True)
class Row:
    kind: str
    left: tuple[int, ...]
    right: tuple[int, ...]
    score: float | None


def ordered_rows(report: Report) -> list[Row]:
    """Rows in the left article's order, right-only rows placed after their right-side predecessor."""
    rows = [Row("pair", p.left, p.right, p.score) for p in report.pairs]
    rows += [Row("left_only", (i,), (), None) for i in report.left_only]
    rows.sort(key=lambda r: r.left[0])
    right_only = sorted(report.right_only)
    placed: dict[int, list[Row]] = {}
    leading: list[Row] = []
    for j in right_only:
        anchor = _row_holding_right(rows, j)
        (placed.setdefault(anchor, []) if anchor is not None else leading).append(Row("right_only", (), (j,), None))
    out = list(leading)
    for idx, row in enumerate(rows):
        out.append(row)
        out.extend(placed.get(idx, []))
    return out


def _row_holding_right(rows: list[Row], j: int) -> int | None:
    """Index of the row that holds the nearest right segment before ``j``."""
    best, best_id = None, -1
    for idx, row in enumerate(rows):
        for r in row.right:
            if best_id < r < j:
                best, best_id = idx, r
    return best


def _lang_label(lang: str) -> str:
    return LANG_NAMES.get(lang, lang)


class ReportView:
    """A rich renderable of a report (compose it, or print it with a Console)."""

    def __init__(self, report: Report, *, show_scores: bool = True) -> None:
        self.report = report
        self.show_scores = show_scores

    def header(self) -> Text:
        r, s = self.report, self.report.summary
        head = Text()
        head.append("aligner compare", style="bold")
        head.append(f"  model {r.model.identity}\n", style="dim")
        head.append(f"left  ({_lang_label(r.left.lang)}): {r.left.path or '<text>'}\n")
        head.append(f"right ({_lang_label(r.right.lang)}): {r.right.path or '<text>'}\n")
        head.append(f"{s.pairs} pairs", style=STYLES["pair"])
        head.append(f"  ·  {s.left_only} only left", style=STYLES["left_only"])
        head.append(f"  ·  {s.right_only} only right", style=STYLES["right_only"])
        head.append(
            f"  ·  covered: left {s.left_coverage:.0%} of {s.left_segments} segments,"
            f" right {s.right_coverage:.0%} of {s.right_segments}"
        )
        for note in r.warnings:
            head.append(f"\nnote: {note}", style="magenta")
        return head

    def table(self) -> Table:
        r = self.report
        table = Table(show_lines=True, expand=True, pad_edge=False)
        table.add_column("", width=1, no_wrap=True)
        table.add_column(f"{_lang_label(r.left.lang)} (left)", justify="right", ratio=1)
        table.add_column(f"{_lang_label(r.right.lang)} (right)", justify="right", ratio=1)
        if self.show_scores:
            table.add_column("score", justify="right", width=5, no_wrap=True)
        for row in ordered_rows(r):
            style = STYLES[row.kind]
            left = self._cell(r.left.segments, row.left, style)
            right = self._cell(r.right.segments, row.right, style)
            cells = [Text(MARKERS[row.kind], style=style), left, right]
            if self.show_scores:
                cells.append(Text(f"{row.score:.2f}" if row.score is not None else ""))
            table.add_row(*cells)
        return table

    @staticmethod
    def _cell(segments, ids: tuple[int, ...], style: str) -> Text:
        text = Text()
        for n, i in enumerate(ids):
            if n:
                text.append(" ")
            text.append(f"[{i}] ", style="dim")
            text.append(segments[i].text, style=style)
        return text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield Group(self.header(), self.table(), Text(self.report.signature, style="dim"))


def render_text(report: Report, *, width: int | None = None, color: bool | None = None, show_scores: bool = True) -> str:
    """The text view as a string (colour codes only when ``color`` is true)."""
    console = Console(width=width or 120, record=False, force_terminal=bool(color), no_color=not color, highlight=False, soft_wrap=False)
    with console.capture() as cap:
        console.print(ReportView(report, show_scores=show_scores))
    return cap.get()
