"""Display width: how many terminal columns a string takes, and wrapping by columns.

Uses rich's cell widths (a wcwidth-like table): Arabic and Persian letters take
one column; harakat and other combining marks, ZWNJ/ZWJ and bidi marks take
none; wide (East Asian) characters take two. Arabic tatweel (U+0640) is a letter
and takes one.

One exception: rich measures a ZERO WIDTH JOINER sequence as one grapheme
(right for emoji), but terminals give each joined letter its column, so a ZWJ
between letters would make rich's widths disagree with the terminal's.
:func:`terminal_text` drops such a ZWJ from the *displayed* text of the
terminal view (it only forces a joining form, which terminals without shaping
do not draw anyway); the stored and exported text keeps it.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

__all__ = ["TooNarrow", "cell_len", "display_width", "terminal_text", "wrap"]

ZWJ = "\u200d"


class TooNarrow(ValueError):
    """A view cannot lay its text out in the width it has without cutting text."""

    def __init__(self, width: int, needed: int, what: str) -> None:
        super().__init__(f"{width} columns are too narrow for {what}; it needs at least {needed}")
        self.width, self.needed, self.what = width, needed, what


def _pictographic(ch: str) -> bool:
    return ord(ch) >= 0x1F000 or 0x2600 <= ord(ch) <= 0x27BF or ch == "\ufe0f"


def terminal_text(text: str) -> str:
    """``text`` for a terminal cell: ZWJ kept only inside emoji sequences (see the module docstring)."""
    if ZWJ not in text:
        return text
    out = []
    for i, ch in enumerate(text):
        if ch == ZWJ and not (0 < i < len(text) - 1 and _pictographic(text[i - 1]) and _pictographic(text[i + 1])):
            continue
        out.append(ch)
    return "".join(out)


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal (one line)."""
    return cell_len(text)


def wrap(text: Text, width: int, console: Console | None = None) -> list[Text]:
    """``text`` word-wrapped to lines of at most ``width`` columns, in logical order.

    Words longer than the width are folded. Trailing spaces are removed.
    """
    console = console or Console(width=max(width, 1))
    lines = text.wrap(console, max(width, 1), overflow="fold", no_wrap=False)
    out = []
    for line in lines:
        line = line.copy()
        line.rstrip()
        line.end = ""
        out.append(line)
    return out or [Text("")]
