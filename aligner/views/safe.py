"""Article text and file names are data, never terminal control: what the views print of them.

Every view passes text that comes from an article or a file name through :func:`safe` at
its output boundary (the text view per piece before rich lays it out, the diff view per
line, TSV per cell, HTML before its own escaping), and ``cli`` passes its stderr lines
through :func:`visible`. Two things happen:

- **Control characters become visible escapes**: every C0 control (U+0000–U+001F), DEL
  (U+007F) and C1 control (U+0080–U+009F) is written as ``\\xNN``, its code point in two
  lowercase hex digits (ESC → ``\\x1b``, BEL → ``\\x07``, CSI → ``\\x9b``), except those in
  ``keep`` (tab in the text and diff views; tab and newline in TSV cells, which csv quotes).
  The escape is for display and is not reversible: a literal ``\\x1b`` in the text looks
  the same.
- **Bidi embeddings, overrides and isolates are closed**: LRE, RLE, LRO, RLO (U+202A,
  U+202B, U+202D, U+202E) still open at the end get their PDF (U+202C), LRI, RLI, FSI
  (U+2066–U+2068) their PDI (U+2069), innermost first, so an override from the input ends
  with its cell, line or row and cannot reorder what follows.

JSON escapes C0 itself; :func:`json_controls` adds DEL and C1 as ``\\u00NN`` (still the same
string to any JSON reader).
"""

from __future__ import annotations

import re

EMBEDDINGS = frozenset("\u202a\u202b\u202d\u202e")  # LRE RLE LRO RLO: closed by PDF
ISOLATES = frozenset("\u2066\u2067\u2068")  # LRI RLI FSI: closed by PDI
PDF, PDI = "\u202c", "\u2069"
CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")
_JSON_CONTROLS = re.compile("[\x7f-\x9f]")


def is_control(ch: str) -> bool:
    """C0, DEL or C1."""
    return CONTROLS.fullmatch(ch) is not None


def visible(text: str, keep: str = "\t") -> str:
    """``text`` with each control character not in ``keep`` shown as ``\\xNN``."""
    return CONTROLS.sub(lambda m: m.group() if m.group() in keep else f"\\x{ord(m.group()):02x}", text)


def closers(text: str) -> str:
    """The PDFs and PDIs that close what ``text`` leaves open (UAX #9, X1-X8 matching), innermost first."""
    stack: list[str] = []
    for ch in text:
        if ch in EMBEDDINGS:
            stack.append(PDF)
        elif ch in ISOLATES:
            stack.append(PDI)
        elif ch == PDF and stack and stack[-1] == PDF:  # a PDF never closes past an isolate
            stack.pop()
        elif ch == PDI and PDI in stack:  # a PDI closes its isolate and the embeddings inside it
            del stack[len(stack) - 1 - stack[::-1].index(PDI) :]
        elif ch in "\n\u2029":  # a paragraph break ends them all
            stack.clear()
    return "".join(reversed(stack))


def close_bidi(text: str) -> str:
    """``text`` with its open embeddings, overrides and isolates closed at the end."""
    return text + closers(text)


def safe(text: str, keep: str = "\t") -> str:
    """``text`` for display: controls visible (:func:`visible`), bidi closed (:func:`close_bidi`)."""
    return close_bidi(visible(text, keep))


def closed_line(line):
    """A rich ``Text`` display line with its open bidi closed (appended, so its spans stay)."""
    end = closers(line.plain)
    if end:
        line.append(end)
    return line


def json_controls(dumped: str) -> str:
    """JSON text with DEL and C1 characters written as ``\\u00NN`` escapes (the same string when parsed)."""
    return _JSON_CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)


__all__ = ["close_bidi", "closed_line", "closers", "is_control", "json_controls", "safe", "visible"]
