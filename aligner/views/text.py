"""``--format text``: the two articles side by side in the terminal.

A header (model, both paths, counts and coverage, a legend), a table with the
left and the right article in two right-aligned columns (see :mod:`.rows` for
the order of rows), and the run's signature. Each row has a textual marker so
the view works without colour: ``=`` shared, ``~`` partial, ``<`` only left,
``>`` only right, ``≈`` said elsewhere (no one-to-one counterpart, but the other
article has its content: the other cell names the segments that have it); ``*`` marks a pair whose counterpart
stands elsewhere in the right article (its ids give its position).

Cells are wrapped by display width (:mod:`.width`) to the column width before
the table sees them, so the table never rewraps or crops them: a narrow view
wraps into more lines. Below the narrowest width that leaves each article's
column :data:`MIN_CELL` columns (:meth:`SideBySide.min_width`, 20 for a report
without facts, 28 with ``--scores``) the view raises
:class:`~.width.TooNarrow` rather than cut text. With ``bidi="app"`` each
wrapped line is then put in visual order (:mod:`.bidi`: levels resolved on the
whole segment, each line reordered on its own); with ``"terminal"`` text stays in
logical order and the terminal does the bidi.

When the report carries facts (:mod:`aligner.facts`), the marker column also holds
each pair's fact markers, one a line under the row's marker (``≠num``, ``<date``,
``>name``, ``=3``; see :mod:`.fact_text`), the header a legend for them, and a
"Facts" section after the table lists the conflicts and the facts only one article
has. A report without facts renders exactly as before.
"""

from __future__ import annotations

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from .bidi import visual_lines
from .fact_text import FactsSection, has_facts, legend, marker_text, pair_index, short_markers
from .framing_text import FramingSection, framing_legend, framing_markers, has_framing
from .rows import LABELS, MARKERS, PARTIAL_BELOW, Row, lang_label, ordered_rows
from .safe import closed_line, safe
from .width import TooNarrow, terminal_text, wrap

STYLES = {"shared": "green", "partial": "yellow", "covered": "blue", "left_only": "red", "right_only": "cyan"}
MOVED = "*"
SCORE_WIDTH = 5
MIN_CELL = 4
"""The narrowest article column: an id such as ``[1] `` or a wide (two-column) character fits;
longer words fold."""


class Header:
    """Model, both paths, the summary and a legend."""

    def __init__(self, report, *, partial_below: float = PARTIAL_BELOW) -> None:
        self.report = report
        self.partial_below = partial_below

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        r, s = self.report, self.report.summary
        kinds = [row.kind for row in ordered_rows(r, partial_below=self.partial_below)]
        head = Text()
        head.append("aligner compare", style="bold")
        head.append(f"  model {safe(r.model.identity)}\n", style="dim")
        head.append(f"left  ({lang_label(r.left.lang)}): {safe(r.left.path or '<text>', keep='')}\n")
        head.append(f"right ({lang_label(r.right.lang)}): {safe(r.right.path or '<text>', keep='')}\n")
        head.append(f"{s.pairs} pairs", style="bold")
        head.append(" (")
        head.append(f"{kinds.count('shared')} shared", style=STYLES["shared"])
        head.append(", ")
        head.append(f"{kinds.count('partial')} partial", style=STYLES["partial"])
        head.append(")  ·  ")
        if kinds.count("covered"):
            head.append(f"{kinds.count('covered')} said elsewhere", style=STYLES["covered"])
            head.append("  ·  ")
        head.append(f"{s.left_only} only left", style=STYLES["left_only"])
        head.append("  ·  ")
        head.append(f"{s.right_only} only right", style=STYLES["right_only"])
        head.append(
            f"\ncovered: left {s.left_coverage:.0%} of its text ({s.left_paired}/{s.left_segments} segments)"
            f"  ·  right {s.right_coverage:.0%} ({s.right_paired}/{s.right_segments})\n"
        )
        for kind in (k for k in LABELS if k != "covered" or "covered" in kinds):
            head.append(MARKERS[kind], style=f"bold {STYLES[kind]}")
            head.append(f" {LABELS[kind]}  ")
        head.append(f"{MOVED} counterpart elsewhere", style="dim")
        if has_facts(r):
            head.append("\n")
            head.append_text(legend())
        if framing_markers(r):
            head.append("\n")
            head.append_text(framing_legend())
        for note in r.warnings:
            head.append(f"\nnote: {safe(note, keep='')}", style="magenta")
        yield head


class SideBySide:
    """The table: marker, left cell, right cell, and the score when asked."""

    def __init__(self, report, *, show_scores: bool = False, bidi: str = "terminal",
                 partial_below: float = PARTIAL_BELOW) -> None:
        self.report = report
        self.show_scores = show_scores
        self.bidi = bidi
        self.partial_below = partial_below
        self.fact_markers = _fact_markers(report)
        for key, markers in framing_markers(report).items():
            self.fact_markers[key] = self.fact_markers.get(key, []) + markers
        self.marker_width = max([2, *(len(m) for ms in self.fact_markers.values() for m in ms)])

    def _fixed(self) -> int:
        return _fixed_columns(show_scores=self.show_scores, marker_width=self.marker_width)

    def min_width(self) -> int:
        """The narrowest table that cuts no text (see :func:`min_width`)."""
        return min_width(show_scores=self.show_scores, marker_width=self.marker_width)

    def cell_widths(self, total: int) -> tuple[int, int]:
        """Widths of the left and right cells in a table ``total`` columns wide.

        Raises :class:`~.width.TooNarrow` below :meth:`min_width`.
        """
        if total < self.min_width():
            what = "the text view of this report" + (" with --scores" if self.show_scores else "")
            raise TooNarrow(total, self.min_width(), what)
        room = total - self._fixed()
        return room - room // 2, room // 2

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        r = self.report
        left_w, right_w = self.cell_widths(options.max_width)
        table = Table(box=box.SQUARE, show_lines=True, pad_edge=True, expand=False)
        table.add_column("", width=self.marker_width, no_wrap=True)
        table.add_column(_title(r.left.lang, "left", left_w), justify="right", width=left_w,
                         no_wrap=True, overflow="crop")
        table.add_column(_title(r.right.lang, "right", right_w), justify="right", width=right_w,
                         no_wrap=True, overflow="crop")
        if self.show_scores:
            table.add_column("score", justify="right", width=SCORE_WIDTH, no_wrap=True)
        for row in ordered_rows(r, partial_below=self.partial_below):
            style = STYLES[row.kind]
            marker = Text(row.marker, style=f"bold {style}")
            if row.moved:
                marker.append(MOVED, style="dim")
            for m in self.fact_markers.get((row.left, row.right), []):
                marker.append("\n")
                marker.append_text(marker_text(m))
            cells = [
                marker,
                self._cell(console, r.left, row.left, style, left_w) if row.left
                else _covered_note(row, left_w, console),
                self._cell(console, r.right, row.right, style, right_w) if row.right
                else _covered_note(row, right_w, console),
            ]
            if self.show_scores:
                cells.append(Text(f"{row.score:.2f}" if row.score is not None else "", style="dim"))
            table.add_row(*cells)
        yield table

    def _cell(self, console: Console, side, ids: tuple[int, ...], style: str, width: int) -> Text:
        rtl = True if side.lang in ("ar", "fa") else None
        lines: list[Text] = []
        for i in ids:
            seg = Text()
            seg.append(f"[{i}] ", style="dim")
            seg.append(terminal_text(safe(side.segments[i].text)), style=style)
            wrapped = wrap(seg, width, console)
            lines += (visual_lines(seg, wrapped, rtl=rtl) if self.bidi == "app"
                      else [closed_line(line) for line in wrapped])
        return Text("\n", justify="right").join(lines) if lines else Text("")


def _fixed_columns(*, show_scores: bool, marker_width: int) -> int:
    """Columns the table takes besides the two article cells."""
    ncols = 4 if show_scores else 3
    # marker column and score column; borders: ncols + 1; padding: one column each side of each cell
    return marker_width + (SCORE_WIDTH if show_scores else 0) + (ncols + 1) + 2 * ncols


def min_width(*, show_scores: bool = False, marker_width: int = 2) -> int:
    """The narrowest text view that cuts no text: each article's column :data:`MIN_CELL` wide.

    ``marker_width``: the marker column, 2 without facts, wider when a row has fact markers.
    """
    return _fixed_columns(show_scores=show_scores, marker_width=marker_width) + 2 * MIN_CELL


def _covered_note(row: Row, width: int, console: Console) -> Text:
    """The empty cell of a covered row: where the other article says it (empty for other rows)."""
    if not row.covered_by:
        return Text("")
    note = Text(MARKERS["covered"] + " " + " ".join(f"[{i}]" for i in row.covered_by), style=f"dim {STYLES['covered']}")
    return Text("\n", justify="right").join(wrap(note, width, console))


def _fact_markers(report) -> dict[tuple[tuple[int, ...], tuple[int, ...]], list[str]]:
    """(left ids, right ids) of each pair -> its short fact markers (empty without facts)."""
    if not has_facts(report):
        return {}
    return {key: short_markers(report.facts, i) for key, i in pair_index(report.facts).items()}


def _title(lang: str, role: str, width: int) -> str:
    """Column title that fits: "Arabic (left)", else "Arabic", else "ar"."""
    for title in (f"{lang_label(lang)} ({role})", lang_label(lang), lang):
        if len(title) <= width:
            return title
    return lang


class ReportView:
    """The whole text view of a report; a rich renderable (compose it or print it)."""

    def __init__(self, report, *, show_scores: bool = False, bidi: str = "terminal",
                 partial_below: float = PARTIAL_BELOW) -> None:
        self.report = report
        self.header = Header(report, partial_below=partial_below)
        self.table = SideBySide(report, show_scores=show_scores, bidi=bidi, partial_below=partial_below)
        self.facts = FactsSection(report, bidi=bidi) if has_facts(report) else None
        self.framing = FramingSection(report, bidi=bidi) if has_framing(report) else None

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        parts: list[RenderableType] = [self.header, self.table]
        if self.facts is not None:
            parts.append(self.facts)
        if self.framing is not None:
            parts.append(self.framing)
        yield Group(*parts, Text(safe(self.report.signature, keep=""), style="dim", overflow="fold"))


def render_text(
    report, *, width: int | None = None, color: bool = False, show_scores: bool = False, bidi: str = "terminal",
    partial_below: float = PARTIAL_BELOW,
) -> str:
    """The text view as a string, ``width`` columns wide (ANSI colour codes only when ``color``).

    Raises :class:`~.width.TooNarrow` when ``width`` is below the report's :meth:`SideBySide.min_width`.
    """
    console = Console(
        width=width or 120, force_terminal=color, no_color=not color, color_system="standard" if color else None,
        highlight=False, soft_wrap=False, emoji=False, markup=False, legacy_windows=False,
        force_jupyter=False,  # a string is wanted, even inside a notebook
    )
    with console.capture() as cap:
        console.print(ReportView(report, show_scores=show_scores, bidi=bidi, partial_below=partial_below))
    return cap.get()


__all__ = ["FactsSection", "Header", "MIN_CELL", "ReportView", "Row", "SideBySide", "STYLES",
           "TooNarrow", "min_width", "render_text"]
