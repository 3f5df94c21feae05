"""Bidi for terminals: which order to print right-to-left text in, and the reordering itself.

Stored and exported text is always in logical order. Only the terminal view may
print *display lines* in visual order (``--bidi app``), for terminals that do not
implement the Unicode bidi algorithm: each cell is wrapped first, in logical
order, and then every wrapped line is reordered on its own (UAX #9, rules L1-L4),
keeping the styles of its characters. Letters are never replaced by presentation
forms (no shaping); mirrored characters such as brackets get their mirror glyph,
combining marks stay after their base letter, ZWNJ/ZWJ stay beside the letters
they join or separate, and bidi control characters are dropped from the display
line once they have done their work.

``--bidi auto`` decides from the environment (see :func:`resolve_bidi`).
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Mapping

from rich.text import Span, Text

MODES = ("auto", "app", "terminal")

# Characters that keep their place in a display line although the algorithm sets them aside (X9).
_KEEP_REMOVED = {"\u200c", "\u200d"}
# Directional formatting characters: dropped from display lines in visual order.
_CONTROLS = set("\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


_ISOLATES = {"LRI": "LRE", "RLI": "RLE", "FSI": "LRE", "PDI": "PDF"}


def _first_strong(text: str, start: int) -> str:
    for ch in text[start + 1 :]:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return "RLE"
        if kind == "L":
            return "LRE"
    return "LRE"


# Default Bidi_Class of code points this Python's Unicode tables do not know (DerivedBidiClass.txt's
# @missing lines, UAX #9 section 3.2), with one exception: pictographic blocks get ON, the class of
# every emoji assigned there so far, since an unknown character there is a new emoji.
_DEFAULT_CLASSES = (
    ((0x0600, 0x07BF), "AL"), ((0x0860, 0x08FF), "AL"), ((0xFB50, 0xFDCF), "AL"), ((0xFDF0, 0xFDFF), "AL"),
    ((0xFE70, 0xFEFF), "AL"), ((0x10D00, 0x10D3F), "AL"), ((0x10EC0, 0x10EFF), "AL"), ((0x10F30, 0x10F6F), "AL"),
    ((0x1EC70, 0x1ECBF), "AL"), ((0x1ED00, 0x1ED4F), "AL"), ((0x1EE00, 0x1EEFF), "AL"),
    ((0x0590, 0x05FF), "R"), ((0x07C0, 0x085F), "R"), ((0xFB1D, 0xFB4F), "R"), ((0x10800, 0x10FFF), "R"),
    ((0x1E800, 0x1EFFF), "R"),
    ((0x20A0, 0x20CF), "ET"),
    ((0x2600, 0x27BF), "ON"), ((0x1F000, 0x1FAFF), "ON"),
)


def default_class(ch: str) -> str:
    """Bidi class for a code point missing from :mod:`unicodedata` (its default; ``L`` elsewhere)."""
    cp = ord(ch[-1])
    return next((cls for (lo, hi), cls in _DEFAULT_CLASSES if lo <= cp <= hi), "L")


def resolve_bidi(mode: str, *, isatty: bool, env: Mapping[str, str] | None = None) -> str:
    """``app`` or ``terminal`` for ``--bidi MODE``.

    ``auto`` picks ``terminal`` (logical order) when the output is not a
    terminal (a pipe or a file keeps logical order, like every export) or when
    the terminal is known to implement bidi: mlterm (``TERM=mlterm*``), Konsole
    (``KONSOLE_VERSION`` set) or a VTE terminal from 0.58 on, such as GNOME
    Terminal (``VTE_VERSION`` >= 5800), unless inside tmux or screen, which do
    not pass bidi through. Everything else (xterm, tmux, kitty, Alacritty, the
    Linux console, Windows Terminal, ...) gets ``app``.
    """
    if mode in ("app", "terminal"):
        return mode
    if mode != "auto":
        raise ValueError(f"unknown bidi mode {mode!r}; expected one of {', '.join(MODES)}")
    env = os.environ if env is None else env
    if not isatty:
        return "terminal"
    term = env.get("TERM", "")
    if env.get("TMUX") or term.startswith(("screen", "tmux")):
        return "app"
    if term.startswith("mlterm") or env.get("KONSOLE_VERSION"):
        return "terminal"
    try:
        if int(env.get("VTE_VERSION", "0")) >= 5800:
            return "terminal"
    except ValueError:
        pass
    return "app"


def visual_order(text: str, *, rtl: bool | None = True) -> list[int]:
    """Logical indices of ``text``'s characters in display order (left to right), one line.

    Dropped characters (bidi controls) are absent. ``rtl``: paragraph direction,
    ``None`` to take it from the first strong character.
    """
    return _reorder(text, rtl)[0]


def _reorder(text: str, rtl: bool | None) -> tuple[list[int], dict[int, int]]:
    """Display order and resolved embedding level of each kept character."""
    from bidi import algorithm as uba

    storage = uba.get_empty_storage()
    base = uba.get_base_level(text) if rtl is None else (1 if rtl else 0)
    storage["base_level"], storage["base_dir"] = base, ("L", "R")[base]
    uba.get_embedding_levels(text, storage)
    for i, ch in enumerate(storage["chars"]):
        ch["i"] = i
        if not ch["type"]:  # newer than this Python's Unicode tables (e.g. U+1FA77 🩷): its default class
            ch["type"] = ch["orig"] = default_class(ch["ch"])
        if ch["type"] in _ISOLATES:  # this implementation predates isolates: treat them as embeddings
            ch["type"] = ch["orig"] = _ISOLATES[ch["type"]] if ch["type"] != "FSI" else _first_strong(text, i)
    uba.explicit_embed_and_overrides(storage, False)
    uba.resolve_weak_types(storage, False)
    uba.resolve_neutral_types(storage, False)
    uba.resolve_implicit_levels(storage, False)
    level = {c["i"]: c["level"] for c in storage["chars"]}  # before L1: mirroring uses these
    uba.reorder_resolved_levels(storage, False)
    order = [c["i"] for c in storage["chars"]]
    # Put back ZWNJ/ZWJ (set aside by X9) beside their logical predecessor, on its reading side.
    for i, ch in enumerate(text):
        if ch in _KEEP_REMOVED and i not in level:
            prev = next((k for k in range(i - 1, -1, -1) if k in level), None)
            if prev is None:
                order.insert(len(order) if base else 0, i)
                level[i] = base
                continue
            at = order.index(prev)
            order.insert(at if level[prev] % 2 else at + 1, i)
            level[i] = level[prev]
    order = [i for i in order if text[i] not in _CONTROLS]
    return _marks_after_base(text, order, level), level


def _reorder_or_logical(text: str, rtl: bool | None) -> tuple[list[int], dict[int, int]]:
    """:func:`_reorder`; should python-bidi's step functions still reject a line (they assert on
    classes they do not expect), that one line is shown in logical order rather than crash the view."""
    try:
        return _reorder(text, rtl)
    except (AssertionError, KeyError, IndexError):
        return [i for i, ch in enumerate(text) if ch not in _CONTROLS], {}


def _marks_after_base(text: str, order: list[int], level: dict[int, int]) -> list[int]:
    """L3: in right-to-left runs the combining marks now precede their base; put them after it."""
    out: list[int] = []
    pending: list[int] = []
    for i in order:
        if level.get(i, 0) % 2 and unicodedata.combining(text[i]):
            pending.append(i)
            continue
        out.append(i)
        out.extend(reversed(pending))
        pending = []
    out.extend(reversed(pending))
    return out


def _mirror(ch: str) -> str:
    from bidi.mirror import MIRRORED

    return MIRRORED.get(ch, ch)


def visual_line(line: Text, *, rtl: bool | None = True) -> Text:
    """``line`` (one display line, logical order) in visual order, each character keeping its style."""
    plain = line.plain
    if not plain:
        return line.copy()
    order, levels = _reorder_or_logical(plain, rtl)
    chars = []
    for i in order:
        ch = plain[i]
        chars.append(_mirror(ch) if levels.get(i, 0) % 2 and unicodedata.mirrored(ch) else ch)
    styles: list[list] = [[] for _ in plain]
    for span in line.spans:
        for i in range(max(span.start, 0), min(span.end, len(plain))):
            styles[i].append(span.style)
    out = Text("".join(chars), style=line.style, justify=line.justify, no_wrap=line.no_wrap, overflow=line.overflow, end=line.end)
    start = 0
    for pos in range(1, len(order) + 1):
        if pos == len(order) or styles[order[pos]] != styles[order[start]]:
            out.spans.extend(Span(start, pos, style) for style in styles[order[start]])
            start = pos
    return out


def visual_text(text: str, *, rtl: bool | None = True) -> str:
    """Plain-string form of :func:`visual_line`."""
    return visual_line(Text(text), rtl=rtl).plain
