"""Read article files into decoded, newline-normalised text.

Stdlib only; never imports ``aligner``.  Every user-caused problem raises
:class:`CorpusError` whose message is one line naming the file.
"""

from __future__ import annotations

import codecs
import json
import os
import stat
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Article", "CorpusError", "DEFAULT_MAX_BYTES", "check_regular_file",
           "decode_text", "read_article", "read_bytes"]

DEFAULT_MAX_BYTES = 2_000_000

# Legacy Arabic code pages tried, in order of preference on a tie.
LEGACY_ENCODINGS: tuple[tuple[str, str], ...] = (
    ("windows-1256", "Windows-1256"),
    ("iso-8859-6", "ISO-8859-6"),
    ("cp720", "CP720"),
)
MIN_ARABIC_SHARE = 0.6  # share of letters that must be Arabic script for a legacy guess
MAX_CONTROL_SHARE = 0.01  # share of C0/C1 control characters tolerated in a legacy guess
MIN_LETTER_SHARE = 0.5  # share of visible characters that must be letters
MIN_COMMON_LETTER_SHARE = 0.5  # share of Arabic letters among the most frequent ones (real text ~0.75)
MAX_SYMBOL_SHARE = 0.05  # box-drawing and other symbols betray a wrong code page
MAX_MIXED_WORD_SHARE = 0.05  # words mixing Arabic and Latin letters betray a wrong code page
MAX_BINARY_CONTROL_SHARE = 0.10  # share of C0 control bytes above which data is "binary"
# Unassigned or private-use code points tolerated among visible characters (random bytes after a
# UTF-16 BOM decode to ~12 % of them; real text has none, or a stray icon).
MAX_UNASSIGNED_SHARE = 0.01
MIN_BOM_LETTER_SHARE = 0.5  # after a BOM, share of visible characters that must be letters or their marks
# Emoji and pictograph blocks: newer emoji than Python's Unicode tables (e.g. U+1FA77) are "unassigned"
# here but real text, not noise.
_EMOJI_PLANE_BLOCKS = range(0x1F000, 0x1FC00)
_BOM_ENCODINGS = frozenset({"utf-8-sig", "utf-16"})

_TEXT_CONTROL_BYTES = frozenset(b"\t\n\r\x0b\x0c\x1a\x1b")
_CONTROL_BYTES = frozenset(b for b in range(0x20) if b not in _TEXT_CONTROL_BYTES) | {0x7F}
_TEXT_CONTROL_CHARS = frozenset("\t\n\r\x0b\x0c\x1b\x85")
# The most frequent Arabic/Persian letters; a wrong code page scrambles them.
_COMMON_ARABIC_LETTERS = frozenset("اليیمونهرتبدسکك")


class CorpusError(Exception):
    """A user-caused input problem; str(err) is ONE line naming the file and the problem."""

    def __init__(self, source: str, problem: str) -> None:
        self.source = source
        self.problem = problem
        super().__init__(_one_line(f"{source}: {problem}"))


def jsonl_objects(text: str, source: str, expected: str,
                  error: type[CorpusError] = CorpusError) -> Iterator[tuple[int, dict]]:
    """(line number, object) for each non-blank line of the JSONL ``text``; a line that is not JSON, or not an
    object, raises ``error`` naming ``source``, the line and what was ``expected`` there."""
    for line, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            entry = json.loads(raw)
        except json.JSONDecodeError as err:
            raise error(source, f"line {line}: not JSON ({err.msg})") from None
        if not isinstance(entry, dict):
            raise error(source, f"line {line}: expected {expected}")
        yield line, entry


@dataclass(frozen=True)
class Article:
    """One decoded article; all offsets elsewhere index :attr:`text` (code points)."""

    path: Path | None
    text: str
    encoding: str


def read_article(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Article:
    """Read and decode one article file; raise :class:`CorpusError` on any input problem."""
    data = read_bytes(path, max_bytes=max_bytes)
    text, encoding = decode_text(data, source=str(path))
    return Article(path=Path(path), text=text, encoding=encoding)


def read_bytes(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of one regular file of at most ``max_bytes``; raise :class:`CorpusError` otherwise.

    A FIFO or device is refused before it is opened (opening a FIFO blocks until a writer comes).
    """
    check_regular_file(Path(path), str(path))
    return _read_limited(Path(path), str(path), max_bytes=max_bytes)


def decode_text(data: bytes, *, source: str = "<input>") -> tuple[str, str]:
    """Decode article bytes; return ``(text, encoding)`` with BOM removed and newlines as ``\\n``."""
    if not data:
        raise CorpusError(source, "file is empty")
    text, encoding = _decode(data, source)
    counts = Counter(text)  # both checks look at each distinct character once
    _check_text_content(text, counts, source)
    _check_plausible(counts, encoding, source)
    return normalise_newlines(text), encoding


def normalise_newlines(text: str) -> str:
    """Turn ``\\r\\n`` and lone ``\\r`` into ``\\n``; leave everything else unchanged."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _one_line(message: str) -> str:
    return " ".join(message.splitlines())


def check_regular_file(path: Path, source: str) -> None:
    """Raise :class:`CorpusError` unless ``path`` is a regular file (or a link to one); never opens it."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise CorpusError(source, "no such file") from None
    except PermissionError:
        raise CorpusError(source, "permission denied") from None
    except OSError as err:
        raise CorpusError(source, f"cannot access file ({err.strerror or err})") from None
    if stat.S_ISDIR(info.st_mode):
        raise CorpusError(source, "is a directory, not a text file")
    if not stat.S_ISREG(info.st_mode):
        raise CorpusError(source, f"is {_special_kind(info.st_mode)}, not a regular file")


def _special_kind(mode: int) -> str:
    kinds = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
             (stat.S_ISCHR, "a character device"),
             (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))
    return next((kind for test, kind in kinds if test(mode)), "a special file")


def _read_limited(path: Path, source: str, *, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise CorpusError(source, _too_large_message(size, max_bytes))
        with _open_regular(path, source) as handle:
            data = handle.read(max_bytes + 1)
    except PermissionError:
        raise CorpusError(source, "permission denied") from None
    except IsADirectoryError:
        raise CorpusError(source, "is a directory, not a text file") from None
    except OSError as err:
        raise CorpusError(source, f"cannot read file ({err.strerror or err})") from None
    if len(data) > max_bytes:
        raise CorpusError(source, _too_large_message(None, max_bytes))
    return data


def _open_regular(path: Path, source: str):
    """Open for reading without blocking, and refuse what is not a regular file (swapped in since the check)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise CorpusError(source, f"is {_special_kind(mode)}, not a regular file")
    return os.fdopen(fd, "rb")


def _format_mb(n_bytes: int) -> str:
    return f"{n_bytes / 1_000_000:.2f} MB ({n_bytes:,} bytes)"


def _too_large_message(size: int | None, max_bytes: int) -> str:
    actual = f"is {_format_mb(size)}" if size is not None else "is larger than the limit"
    return (
        f"file {actual}, over the limit of {_format_mb(max_bytes)}; "
        "articles are expected to be smaller - raise the limit with --max-bytes"
    )


def _decode(data: bytes, source: str) -> tuple[str, str]:
    if data.startswith(codecs.BOM_UTF32_LE) or data.startswith(codecs.BOM_UTF32_BE):
        raise CorpusError(source, "UTF-32 text is not supported; convert it to UTF-8")
    if data.startswith(codecs.BOM_UTF8):
        return _decode_utf8(data, source, bom=True), "utf-8-sig"
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return _decode_utf16(data, source), "utf-16"
    _check_not_binary(data, source)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as err:
        return _decode_legacy(data, source, utf8_error=err)


def _decode_utf8(data: bytes, source: str, *, bom: bool) -> str:
    body = data[len(codecs.BOM_UTF8):] if bom else data
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as err:
        offset = err.start + (len(codecs.BOM_UTF8) if bom else 0)
        raise CorpusError(
            source,
            f"starts with a UTF-8 byte-order mark but is not valid UTF-8 "
            f"(invalid byte 0x{body[err.start]:02X} at offset {offset})",
        ) from None


def _decode_utf16(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-16")
    except UnicodeDecodeError as err:
        raise CorpusError(
            source,
            f"starts with a UTF-16 byte-order mark but is not valid UTF-16 "
            f"({err.reason} at offset {err.start + 2})",
        ) from None


def _check_not_binary(data: bytes, source: str) -> None:
    controls = sum(1 for byte in data if byte in _CONTROL_BYTES)
    if controls and _looks_like_bomless_utf16(data):
        raise CorpusError(source, "looks like UTF-16 text without a byte-order mark; save it as UTF-8")
    if b"\x00" in data:
        raise CorpusError(source, "looks like a binary file, not text (contains NUL bytes)")
    if controls / len(data) > MAX_BINARY_CONTROL_SHARE:
        raise CorpusError(source, "looks like a binary file, not text (many control bytes)")


def _looks_like_bomless_utf16(data: bytes) -> bool:
    """True when the bytes read as plain text in UTF-16-LE or -BE (with spaces between words)."""
    if len(data) < 16 or len(data) % 2:
        return False
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        textual = sum(1 for ch in text if unicodedata.category(ch)[0] in "LMNPZ" or ch in "\n\r\t")
        spaces = sum(1 for ch in text if ch.isspace())
        if textual / len(text) >= 0.9 and spaces / len(text) >= 0.05:
            return True
    return False


def _decode_legacy(data: bytes, source: str, *, utf8_error: UnicodeDecodeError) -> tuple[str, str]:
    best: tuple[float, str, str] | None = None
    for encoding, _label in LEGACY_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        score = _legacy_plausibility(text)
        if score is not None and (best is None or score > best[0]):
            best = (score, text, encoding)
    if best is None:
        raise CorpusError(source, _undecodable_message(data, utf8_error))
    return best[1], best[2]


def _legacy_plausibility(text: str) -> float | None:
    """Score a legacy decoding; ``None`` when it is not plausible Arabic-script text."""
    visible = [ch for ch in text if not ch.isspace()]
    letters = [ch for ch in visible if ch.isalpha() and ch != "\u0640"]
    if not letters:
        return None
    arabic = [ch for ch in letters if is_arabic_script(ch)]
    arabic_share = len(arabic) / len(letters)
    letter_share = len(letters) / len(visible)
    symbol_share = sum(1 for ch in visible if _is_symbol(ch)) / len(visible)
    control_share = sum(1 for ch in text if _is_control(ch)) / len(text)
    common_share = sum(1 for ch in arabic if ch in _COMMON_ARABIC_LETTERS) / max(len(arabic), 1)
    mixed_share = _mixed_script_word_share(text)
    plausible = (
        arabic_share >= MIN_ARABIC_SHARE
        and letter_share >= MIN_LETTER_SHARE
        and common_share >= MIN_COMMON_LETTER_SHARE
        and symbol_share <= MAX_SYMBOL_SHARE
        and control_share <= MAX_CONTROL_SHARE
        and mixed_share <= MAX_MIXED_WORD_SHARE
    )
    if not plausible:
        return None
    return arabic_share + common_share - symbol_share - mixed_share - 10 * control_share


def _is_symbol(ch: str) -> bool:
    category = unicodedata.category(ch)
    return category.startswith("S") or category in ("Co", "Cn")


def _mixed_script_word_share(text: str) -> float:
    """Share of words mixing Arabic-script and other letters (a wrong code page makes these)."""
    words = [word for word in text.split() if any(ch.isalpha() for ch in word)]
    if not words:
        return 0.0
    mixed = 0
    for word in words:
        scripts = {is_arabic_script(ch) for ch in word if ch.isalpha() and ch != "\u0640"}
        mixed += len(scripts) > 1
    return mixed / len(words)


def is_arabic_script(ch: str) -> bool:
    """True for a character of the Arabic script blocks (Arabic, Persian, Urdu letters and marks)."""
    code = ord(ch)
    return (
        0x0600 <= code <= 0x06FF
        or 0x0750 <= code <= 0x077F
        or 0x08A0 <= code <= 0x08FF
        or 0xFB50 <= code <= 0xFDFF
        or 0xFE70 <= code <= 0xFEFF
    )


def _is_control(ch: str) -> bool:
    code = ord(ch)
    is_c0_c1 = code < 0x20 or 0x7F <= code <= 0x9F
    return is_c0_c1 and ch not in _TEXT_CONTROL_CHARS


def _undecodable_message(data: bytes, err: UnicodeDecodeError) -> str:
    labels = [label for _encoding, label in LEGACY_ENCODINGS]
    legacy = ", ".join(labels[:-1]) + f" or {labels[-1]}"
    return (
        f"not valid UTF-8 (invalid byte 0x{data[err.start]:02X} at offset {err.start}) "
        f"and not recognisable as {legacy} Arabic text; "
        "convert it to UTF-8 (e.g. iconv -f WINDOWS-1256 -t UTF-8)"
    )


def _check_text_content(text: str, counts: Counter[str], source: str) -> None:
    if "\x00" in text:
        raise CorpusError(source, "looks like a binary file, not text (contains NUL characters)")
    if not text.strip():
        problem = "file is empty (only a byte-order mark)" if not text else "file contains only whitespace"
        raise CorpusError(source, problem)
    controls = sum(n for ch, n in counts.items() if _is_control(ch))
    if controls / len(text) > MAX_BINARY_CONTROL_SHARE:
        raise CorpusError(source, "looks like a binary file, not text (many control characters)")


def _check_plausible(counts: Counter[str], encoding: str, source: str) -> None:
    """Refuse noise that happens to decode (``counts``: the text's characters): unassigned code points, a BOM
    before mostly non-letters, no letters."""
    visible = {ch: n for ch, n in counts.items() if not ch.isspace()}
    n_visible = sum(visible.values())
    bom = {"utf-8-sig": "a UTF-8", "utf-16": "a UTF-16"}.get(encoding)
    decoded = f"starts with {bom} byte-order mark, but" if bom else f"reads as {encoding}, but"
    unassigned = sum(n for ch, n in visible.items() if _is_unassigned(ch))
    if unassigned > MAX_UNASSIGNED_SHARE * n_visible:
        raise CorpusError(
            source, f"not decodable as text: it {decoded} {unassigned} of {n_visible} characters are "
            "unassigned or private-use code points (binary data, or another encoding)",
        )
    letters = sum(n for ch, n in visible.items() if _is_letter(ch))
    marks = sum(n for ch, n in visible.items() if unicodedata.category(ch).startswith("M"))
    if encoding in _BOM_ENCODINGS and letters + marks < MIN_BOM_LETTER_SHARE * n_visible:
        raise CorpusError(
            source, f"not decodable as text: it {decoded} only {letters + marks} of {n_visible} characters "
            "are letters (binary data, or another encoding)",
        )
    if not letters:
        raise CorpusError(source, "has no letters (only digits, punctuation, symbols or diacritics); not an article")


def _is_unassigned(ch: str) -> bool:
    category = unicodedata.category(ch)
    return category == "Co" or (category == "Cn" and ord(ch) not in _EMOJI_PLANE_BLOCKS)


def _is_letter(ch: str) -> bool:
    return ch.isalpha() and ch != "\u0640"  # tatweel only stretches letters
