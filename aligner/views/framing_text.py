"""Framing in the terminal view: a marker on the rows of pairs that name one concept in different
registers, and a Framing section after the table.

The section lists every concept both articles name in different registers (over the whole
articles), each with the terms each side uses, their registers and segment ids: what a researcher
comparing two outlets' words reads first. Concepts only one side names are counted in the heading.
"""

from __future__ import annotations

from rich.text import Text

from .fact_text import DetailsSection, _ids
from .safe import safe

MARKER = "≈term"
STYLE = "bold yellow"
REGISTER_STYLES = {"neutral": "", "loaded": "yellow", "honorific": "green", "derogatory": "red", "euphemism": "blue"}


def has_framing(report) -> bool:
    """Whether the report carries framing worth showing (checked, and some concept named)."""
    framing = getattr(report, "framing", None)
    return framing is not None and bool(framing.left or framing.right)


def framing_markers(report) -> dict[tuple[tuple[int, ...], tuple[int, ...]], list[str]]:
    """(left ids, right ids) of each pair whose sides name a concept in different registers -> [MARKER]."""
    if not has_framing(report):
        return {}
    return {(p.left, p.right): [MARKER] for p, diffs in zip(report.pairs, report.framing.pairs, strict=True) if diffs}


def framing_legend() -> Text:
    t = Text("framing: ")
    t.append(MARKER, style=STYLE)
    t.append(" one concept, different words (see Framing)")
    return t


class FramingSection(DetailsSection):
    """Concepts both articles name in different registers, with each side's terms."""

    def __init__(self, report, *, bidi: str = "terminal") -> None:
        super().__init__(report, bidi=bidi)
        self.framing = report.framing

    def side_line(self, role: str, indexes) -> Text:
        t = Text(f"  {role}: ")
        items = []
        for text, register, segments in self.framing.terms(role, indexes):
            item = Text("«")
            item.append(self._surface(text), style="bold")
            item.append("» ")
            item.append(register, style=REGISTER_STYLES[register])
            item.append(" " + _ids(segments), style="dim")
            items.append(item)
        t.append_text(Text(" · ").join(items))
        return t

    def entries(self) -> list[Text]:
        F = self.framing
        named_left, named_right = F.named("left"), F.named("right")
        head = Text("Framing", style="bold")
        head.append(f"  {len(named_left)} concepts named left, {len(named_right)} right, "
                    f"{len(named_left & named_right)} by both"
                    "  ·  ")
        head.append(f"{len(F.document)} named in different words", style=STYLE if F.document else "")
        head.append(f"  ·  lexicon {safe(F.lexicon, keep='')}", style="dim")
        out = [head]
        for d in F.document:
            t = Text("≈ ", style=STYLE)
            t.append(d.concept, style=STYLE)
            t.append(f" ({safe(d.gloss, keep='')})", style="dim")  # a user's lexicon is text too
            out += [t, self.side_line("left", d.left), self.side_line("right", d.right)]
        return out


__all__ = ["FramingSection", "framing_legend", "framing_markers", "has_framing", "MARKER"]
