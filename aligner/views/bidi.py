"""Bidi for terminals: which order to print right-to-left text in, and the reordering itself.

Stored and exported text is always in logical order. Only the terminal view may
print *display lines* in visual order (``--bidi app``), for terminals that do not
implement the Unicode bidi algorithm. The embedding levels of a whole cell text
(one paragraph, UAX #9 rules P1-I2, with isolates and bracket pairs) come from
python-bidi's maintained engine (the Rust crate ``unicode-bidi``; see
:func:`resolve`); the cell is wrapped in logical order, and each wrapped line is
then reordered on its own with those levels (rules L1-L2, :func:`line_levels`,
:func:`reorder`), keeping the styles of its characters (:func:`visual_lines`).
Letters are never replaced by presentation forms (no shaping); mirrored
characters such as brackets get their mirror glyph, combining marks stay after
their base letter (L3), ZWNJ/ZWJ and other boundary-neutral characters stay
beside the letters they join or separate, and the directional formatting
characters (embeddings, overrides, isolates, LRM/RLM/ALM) are dropped from the
display line once they have done their work.

Conformance: ``tests/test_bidi_conformance.py`` runs Unicode's BidiTest.txt and
BidiCharacterTest.txt through :func:`resolve`, :func:`line_levels` and
:func:`reorder` (see the README for the figures and the stated exclusions).

``--bidi auto`` decides from the environment (see :func:`resolve_bidi`).
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from rich.text import Span, Text

MODES = ("auto", "app", "terminal")

# Directional formatting characters: dropped from display lines in visual order.
_CONTROLS = set("\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Classes rule X9 removes: they get no level (``None``).
_REMOVED = frozenset({"LRE", "RLE", "LRO", "RLO", "PDF", "BN"})
# Classes rule L1 resets to the paragraph level when they end a line or precede a separator.
_TRAILING = frozenset({"WS", "LRI", "RLI", "FSI", "PDI"}) | _REMOVED
# Paragraph separators (class B; rule P1 splits after each).
_PARAGRAPH_ENDS = frozenset("\n\r\x1c\x1d\x1e\x85\u2029")

# Default Bidi_Class of code points neither this Python's Unicode tables nor the engine's know
# (DerivedBidiClass.txt's @missing lines, UAX #9 section 3.2), with one exception: pictographic blocks
# get ON, the class of every emoji assigned there so far, since an unknown character there is a new emoji.
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


# A character of each default class (below), given to the engine instead of a code point whose default
# class its tables do not apply (and instead of lone surrogates, which UTF-8 cannot carry).
_STAND_IN = {"L": "a", "R": "\u05d0", "AL": "\u0627", "ET": "#", "ON": "!"}


@dataclass(frozen=True)
class Resolved:
    """A text's resolved embedding levels (UAX #9, P1-I2, before the line rules)."""

    text: str
    levels: tuple[int | None, ...]  # per character; ``None``: removed by X9 (embedding controls, BN)
    classes: tuple[str, ...]  # the Bidi_Class the engine gave each character
    bases: tuple[int, ...]  # the paragraph embedding level of each character's paragraph


def resolve(text: str, *, rtl: bool | None = True) -> Resolved:
    """Embedding levels of ``text`` from python-bidi's engine, one paragraph at a time (P1).

    ``rtl``: paragraph direction; ``None`` to take it from the first strong character of
    each paragraph (P2-P3, outside isolates). Raises ``ValueError`` should the engine's
    answer not be understood.
    """
    levels: list[int | None] = []
    classes: list[str] = []
    bases: list[int] = []
    for par in _paragraphs(text):
        lv, cl, base = _resolve_paragraph(par, rtl)
        levels += lv
        classes += cl
        bases += [base] * len(par)
    return Resolved(text, tuple(levels), tuple(classes), tuple(bases))


def _paragraphs(text: str) -> list[str]:
    out, start = [], 0
    for i, ch in enumerate(text):
        if ch in _PARAGRAPH_ENDS:
            out.append(text[start : i + 1])
            start = i + 1
    if start < len(text):
        out.append(text[start:])
    return out


# python-bidi 0.6 gives the levels only in its debug answer (``get_display(..., debug=True)``): the
# Rust ``BidiInfo`` of the text, the text first, then ``original_classes`` and ``levels`` listed per
# UTF-8 byte. tests/test_views_bidi_conformance.py fails should a python-bidi release change it.
_LEVEL = re.compile(r"Level\(\s*(\d+),?\s*\)")
_CLASS = re.compile(r"[A-Z]+")


def _resolve_paragraph(par: str, rtl: bool | None) -> tuple[list[int | None], list[str], int]:
    from bidi.bidi import get_base_level_inner, get_display_inner

    given = _engine_text(par)
    base = (1 if rtl else 0) if rtl is not None else get_base_level_inner(given)
    levels, classes = _engine_levels(get_display_inner(given, "LR"[base], True), given)
    # The engine's tables leave a code point they do not know at L; give it its default class
    # (:func:`default_class`) unless this Python knows the character.
    unknown = {i: default_class(ch) for i, ch in enumerate(par)
               if classes[i] == "L" and not unicodedata.bidirectional(ch) and default_class(ch) != "L"}
    if unknown:
        given = "".join(_STAND_IN[unknown[i]] if i in unknown else ch for i, ch in enumerate(given))
        base = (1 if rtl else 0) if rtl is not None else get_base_level_inner(given)
        levels, classes = _engine_levels(get_display_inner(given, "LR"[base], True), given)
    return [None if cls in _REMOVED else lv for lv, cls in zip(levels, classes, strict=True)], classes, base


def _engine_text(par: str) -> str:
    """``par`` with lone surrogates (class L in :mod:`unicodedata`) replaced by an L letter."""
    if not any("\ud800" <= ch <= "\udfff" for ch in par):
        return par
    return "".join(_STAND_IN["L"] if "\ud800" <= ch <= "\udfff" else ch for ch in par)


def _engine_levels(debug: str, text: str) -> tuple[list[int], list[str]]:
    """Per-character levels and classes from the engine's per-byte lists."""
    # the lists after the text (which comes first and may hold such words)
    classes_at = debug.rfind("original_classes: [")
    classes_end = debug.find("]", classes_at)
    levels_at = debug.find("levels: [", classes_end)
    levels_end = debug.find("]", levels_at)
    if min(classes_at, classes_end, levels_at, levels_end) < 0:
        raise ValueError("python-bidi's debug answer has no levels")
    byte_levels = [int(n) for n in _LEVEL.findall(debug, levels_at, levels_end)]
    byte_classes = _CLASS.findall(debug, classes_at + len("original_classes: ["), classes_end)
    size = len(text.encode("utf-8"))
    if len(byte_levels) != size or len(byte_classes) != size:
        raise ValueError("python-bidi's levels do not match the text")
    if size == len(text):
        return byte_levels, byte_classes
    starts = [0]
    for ch in text[:-1]:
        starts.append(starts[-1] + (1 if ch < "\x80" else 2 if ch < "\u0800" else 3 if ch < "\U00010000" else 4))
    return [byte_levels[i] for i in starts], [byte_classes[i] for i in starts]


def line_levels(resolved: Resolved, start: int = 0, end: int | None = None) -> list[int | None]:
    """Levels of the line ``resolved.text[start:end]`` after rule L1.

    Segment and paragraph separators, and any whitespace or isolate formatting characters
    (with the X9-removed ones among them) before them or at the end of the line, take the
    paragraph level.
    """
    end = len(resolved.text) if end is None else end
    levels = list(resolved.levels[start:end])
    trailing = True
    for k in range(len(levels) - 1, -1, -1):
        cls = resolved.classes[start + k]
        if cls in ("S", "B"):
            levels[k], trailing = resolved.bases[start + k], True
        elif trailing and cls in _TRAILING:
            if levels[k] is not None:
                levels[k] = resolved.bases[start + k]
        else:
            trailing = False
    return levels


def reorder(levels: list[int | None]) -> list[int]:
    """Rule L2: the indices of ``levels`` (one line) in display order, left to right; ``None`` skipped.

    From the highest level to the lowest odd one, every run of characters at that level or
    higher is reversed.
    """
    order = [k for k, level in enumerate(levels) if level is not None]
    lv = [level for level in levels if level is not None]
    if not lv:
        return order
    for level in range(max(lv), (min(lv) | 1) - 1, -1):
        k = 0
        while k < len(lv):
            if lv[k] < level:
                k += 1
                continue
            j = k
            while j < len(lv) and lv[j] >= level:
                j += 1
            order[k:j], lv[k:j] = order[k:j][::-1], lv[k:j][::-1]
            k = j
    return order


def visual_order(text: str, *, rtl: bool | None = True) -> list[int]:
    """Logical indices of ``text``'s characters in display order (left to right), one line.

    Dropped characters (bidi controls) are absent. ``rtl``: paragraph direction,
    ``None`` to take it from the first strong character.
    """
    return _display_order(resolve(text, rtl=rtl), 0, len(text))[0]


def _display_order(resolved: Resolved, start: int, end: int) -> tuple[list[int], dict[int, int]]:
    """Display order (indices into ``resolved.text``) and level of each shown character of one line.

    Characters X9 removes that are shown (ZWNJ, ZWJ and other boundary neutrals) take the
    level of the shown character before them (after them at the start of a line), so they
    stay beside it; the directional formatting characters are dropped.
    """
    text = resolved.text
    levels = line_levels(resolved, start, end)
    shown = [text[start + k] not in _CONTROLS for k in range(len(levels))]
    last: int | None = None
    for k, lv in enumerate(levels):
        if not shown[k]:
            continue
        if lv is None:
            levels[k] = last
        else:
            last = lv
    nxt: int | None = None
    for k in range(len(levels) - 1, -1, -1):  # shown X9-removed characters at the start of the line
        if shown[k] and levels[k] is None:
            levels[k] = nxt if nxt is not None else resolved.bases[start + k]
        elif shown[k]:
            nxt = levels[k]
    order = [start + k for k in reorder(levels) if shown[k]]
    level = {start + k: lv for k, lv in enumerate(levels) if lv is not None and shown[k]}
    return _marks_after_base(text, order, level), level


def _display_order_or_logical(resolved_or_text, start: int, end: int,
                              rtl: bool | None) -> tuple[list[int], dict[int, int]]:
    """:func:`_display_order`; should the engine fail on a text (or its answer not be understood),
    that line is shown in logical order rather than crash the view."""
    try:
        resolved = resolved_or_text if isinstance(resolved_or_text, Resolved) else resolve(resolved_or_text, rtl=rtl)
        return _display_order(resolved, start, end)
    except Exception:  # noqa: BLE001 -- any failure of the engine: logical order for this line
        text = resolved_or_text.text if isinstance(resolved_or_text, Resolved) else resolved_or_text
        return [i for i in range(start, end) if text[i] not in _CONTROLS], {}


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
    """``line`` (one display line, logical order, a paragraph of its own) in visual order, each
    character keeping its style."""
    if not line.plain:
        return line.copy()
    return _visual(line, *_display_order_or_logical(line.plain, 0, len(line.plain), rtl))


def visual_lines(paragraph: Text, lines: list[Text], *, rtl: bool | None = True) -> list[Text]:
    """The wrapped ``lines`` of ``paragraph`` in visual order: levels resolved on the whole
    paragraph, each line reordered on its own (L1-L2).

    ``lines`` are pieces of ``paragraph`` in order, each possibly without the whitespace that
    ended it (as :func:`aligner.views.width.wrap` gives them); should they not be, each line is
    reordered as a paragraph of its own.
    """
    plain = paragraph.plain
    spans = _line_spans(plain, [line.plain for line in lines])
    if spans is None:
        return [visual_line(line, rtl=rtl) for line in lines]
    try:
        resolved: Resolved | str = resolve(plain, rtl=rtl)
    except Exception:  # noqa: BLE001 -- the engine failed: each line falls back on its own
        resolved = plain
    out = []
    for line, (start, end) in zip(lines, spans, strict=True):
        order, levels = _display_order_or_logical(resolved, start, end, rtl)
        out.append(_visual(line, [i - start for i in order], {i - start: lv for i, lv in levels.items()}))
    return out


def _line_spans(plain: str, lines: list[str]) -> list[tuple[int, int]] | None:
    """Where each of ``lines`` stands in ``plain``: only whitespace may lie between them."""
    spans, at = [], 0
    for line in lines:
        start = plain.find(line, at) if line else at
        if start < 0 or plain[at:start].strip():
            return None
        spans.append((start, start + len(line)))
        at = start + len(line)
    return spans if not plain[at:].strip() else None


def _visual(line: Text, order: list[int], levels: dict[int, int]) -> Text:
    """``line``'s characters in ``order``, mirrored where their level is odd, with their styles."""
    plain = line.plain
    chars = []
    for i in order:
        ch = plain[i]
        chars.append(_mirror(ch) if levels.get(i, 0) % 2 and unicodedata.mirrored(ch) else ch)
    styles: list[list] = [[] for _ in plain]
    for span in line.spans:
        for i in range(max(span.start, 0), min(span.end, len(plain))):
            styles[i].append(span.style)
    out = Text("".join(chars), style=line.style, justify=line.justify, no_wrap=line.no_wrap,
               overflow=line.overflow, end=line.end)
    start = 0
    for pos in range(1, len(order) + 1):
        if pos == len(order) or styles[order[pos]] != styles[order[start]]:
            out.spans.extend(Span(start, pos, style) for style in styles[order[start]])
            start = pos
    return out


def visual_text(text: str, *, rtl: bool | None = True) -> str:
    """Plain-string form of :func:`visual_line`."""
    return visual_line(Text(text), rtl=rtl).plain
