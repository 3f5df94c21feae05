"""Facts in the terminal view: short markers for each pair's row and a details section.

Row markers are :func:`aligner.facts.pair_markers` with the kind shortened so they fit a
narrow column (``≠num``, ``<date``, ``>name``, ``<attr``, ``=3``); the header's legend
explains them. The details section (after the table) lists the conflicts first — each with
the pair's segment ids, the kind and both facts as written with their canonical values —
then the conflicts across unpaired sentences (``FactReport.conflicts``: two sentences that
are not a pair but speak of the same matter), the same way, marked ``(unpaired sentences)``
and with each fact's own segment id; then, per article, the facts the other article has
nowhere (facts already shown in a conflict are not repeated; a fact repeated in one article
is listed once with all its segment ids).

With ``bidi="app"`` every wrapped line of the section is put in visual order as a
left-to-right line, each fact's text isolated as right-to-left (U+2067 … U+2069, then an
LRM so that a following number is not drawn into it); with ``"terminal"`` the lines stay in
logical order with no control characters.
"""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text

from ..facts.markers import conflicts, one_sided, pair_markers
from .bidi import visual_lines
from .rows import lang_label
from .safe import closed_line, safe
from .width import terminal_text, wrap

SHORT = {"number": "num", "date": "date", "name": "name", "attribution": "attr"}
MARKER_STYLES = {"≠": "bold magenta", "<": "red", ">": "cyan", "=": "green"}
CONFLICT_STYLE = "bold magenta"
RLI, PDI, LRM = "\u2067", "\u2069", "\u200e"
INDENT = 4  # continuation lines of a wrapped entry


def has_facts(report) -> bool:
    """Whether the report carries facts worth showing (checked, and at least one found)."""
    facts = getattr(report, "facts", None)
    return facts is not None and bool(facts.left or facts.right)


def pair_index(facts) -> dict[tuple[tuple[int, ...], tuple[int, ...]], int]:
    """(left ids, right ids) of each pair -> its index in ``facts.pairs``."""
    return {(tuple(p.left_segments), tuple(p.right_segments)): i for i, p in enumerate(facts.pairs)}


def short_markers(facts, index: int) -> list[str]:
    """``pair_markers`` with short kind names: ``≠num``, ``<date``, ``>attr``, ``=3``."""
    out = []
    for m in pair_markers(facts, index):
        sign, kind = m[0], m[1:]
        out.append(sign + SHORT.get(kind, kind))
    return out


def marker_text(marker: str) -> Text:
    return Text(marker, style=MARKER_STYLES.get(marker[:1], ""))


def legend() -> Text:
    t = Text("facts: ")
    for sign, label in (("≠", "differ"), ("<", "only left"), (">", "only right"), ("=N", "N agree")):
        t.append(sign, style=MARKER_STYLES[sign[0]])
        t.append(f" {label}  ")
    t.append("(num date name attr)", style="dim")
    return t


class DetailsSection:
    """A section after the table: :meth:`entries` are its logical lines, wrapped to the width with their
    continuation lines indented; article text in them is isolated right-to-left under ``bidi="app"``."""

    def __init__(self, report, *, bidi: str = "terminal") -> None:
        self.report = report
        self.bidi = bidi

    def entries(self) -> list[Text]:
        raise NotImplementedError

    def _surface(self, text: str) -> str:
        text = terminal_text(safe(text))
        return f"{RLI}{text}{PDI}{LRM}" if self.bidi == "app" else text

    def lines(self, width: int, console: Console | None = None) -> list[Text]:
        out = []
        for entry in self.entries():
            wrapped = wrap(entry, max(width - INDENT, 1), console)
            shown = (visual_lines(entry, wrapped, rtl=False) if self.bidi == "app"
                     else [closed_line(line) for line in wrapped])
            out += [Text(" " * INDENT) + line if n else line for n, line in enumerate(shown)]
        return out

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield Text("\n").join(self.lines(options.max_width, console))


class FactsSection(DetailsSection):
    """The details after the table: conflicts, then facts one article has and the other has nowhere."""

    def __init__(self, report, *, bidi: str = "terminal") -> None:
        super().__init__(report, bidi=bidi)
        self.facts = report.facts

    # -- the logical lines (one per entry, before wrapping) --------------------------------

    def describe(self, f) -> Text:
        """``«text» (value unit; note)``: the fact as written, its canonical value beside it."""
        t = Text("«")
        t.append(self._surface(f.text), style="bold")
        t.append("»")
        if f.kind == "name":
            return t
        if f.kind == "attribution":
            gloss = f"speaker: {self._surface(f.speaker)}" + (f"; {f.note}" if f.note else "")
        else:
            gloss = f.value + (f" {f.unit}" if f.kind == "number" and f.unit else "") + (" ~" if f.approx else "")
            if f.kind == "date" and f.note:
                gloss += f"; {f.note}"
        t.append(f" ({gloss})", style="dim")
        return t

    def conflict_lines(self) -> list[Text]:
        """One line per conflict: a pair's, then those across unpaired sentences."""
        lines = []
        for c in conflicts(self.facts):
            t = Text(f"≠ {c.kind}", style=CONFLICT_STYLE)
            if c.unpaired:
                t.append(" (unpaired sentences)", style=CONFLICT_STYLE)
            t.append(f"  left {_ids(c.left_segments)} ")
            t.append_text(self.describe(c.left))
            t.append(" ≠ ", style=CONFLICT_STYLE)
            t.append(f"right {_ids(c.right_segments)} ")
            t.append_text(self.describe(c.right))
            lines.append(t)
        return lines

    def one_sided_lines(self, facts, indexes, sign: str) -> list[Text]:
        groups: dict[tuple[str, str, str], list] = {}
        for i in indexes:
            f = facts[i]
            groups.setdefault((f.kind, f.text, f.value), []).append(f)
        by_kind: dict[str, list[Text]] = {}
        for (kind, _, _), fs in groups.items():
            item = self.describe(fs[0])
            item.append(" " + _ids(sorted({f.segment for f in fs})), style="dim")
            by_kind.setdefault(kind, []).append(item)
        lines = []
        for kind in ("number", "date", "name", "attribution"):
            if kind not in by_kind:
                continue
            t = Text(f"  {sign} ", style=MARKER_STYLES[sign])
            t.append(f"{kind}: ")
            t.append_text(Text(" · ").join(by_kind[kind]))
            lines.append(t)
        return lines

    def entries(self) -> list[Text]:
        F, r = self.facts, self.report
        found = self.conflict_lines()
        only_l, only_r = one_sided(F)
        left = self.one_sided_lines(F.left, only_l, "<")
        right = self.one_sided_lines(F.right, only_r, ">")
        head = Text("Facts", style="bold")
        head.append(f"  {len(F.left)} found left, {len(F.right)} right  ·  ")
        head.append(f"{len(found)} conflict{'s' if len(found) != 1 else ''}", style=CONFLICT_STYLE if found else "")
        if F.conflicts:
            head.append(f" ({len(F.conflicts)} across unpaired sentences)", style=CONFLICT_STYLE)
        head.append(f"  ·  {len(only_l)} only left  ·  {len(only_r)} only right")
        out = [head, *found]
        if left:
            out.append(Text(f"only left ({lang_label(r.left.lang)}), nowhere in the right article:"))
            out += left
        if right:
            out.append(Text(f"only right ({lang_label(r.right.lang)}), nowhere in the left article:"))
            out += right
        return out


def _ids(ids) -> str:
    return " ".join(f"[{i}]" for i in ids)


__all__ = ["DetailsSection", "FactsSection", "has_facts", "legend", "marker_text", "pair_index", "short_markers"]
