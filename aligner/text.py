"""Sentence segmentation and Arabic/Persian normalisation (stdlib only).

Segments keep code-point offsets into the original document so that views
always show the source text; :func:`matching_key` and :func:`model_text` are
derived strings used only for matching and for the embedding model.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from corpora.readers import is_arabic_script

__all__ = [
    "ScriptProfile",
    "Segment",
    "detect_lang",
    "matching_key",
    "model_text",
    "script_profile",
    "segment",
]


@dataclass(frozen=True)
class Segment:
    """One sentence: ``text == document[start:end]``; ``key`` is for matching only."""

    id: int
    start: int
    end: int
    text: str
    key: str


@dataclass(frozen=True)
class ScriptProfile:
    """Character and word counts used to tell Arabic from Persian."""

    letters: int
    arabic_script_letters: int
    latin_letters: int
    persian_only: int  # پ چ ژ گ
    persian_letters: int  # ی (U+06CC) ک (U+06A9)
    arabic_only: int  # ة
    arabic_letters: int  # ي (U+064A) ى ك (U+0643)
    persian_digits: int
    arabic_digits: int
    persian_words: int
    arabic_words: int
    al_words: int

    @property
    def arabic_script_share(self) -> float:
        return self.arabic_script_letters / self.letters if self.letters else 0.0


# --------------------------------------------------------------------------
# Character classes
# --------------------------------------------------------------------------

LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
TERMINATORS = frozenset(".!?\u061f\u2026")
CLOSERS = frozenset("\u00bb\"\u201d\u203a)\u2019]")
OPENERS = frozenset("\u00ab\u201c\u2039(\"'\u2018[")
QUOTE_PAIRS = {"\u00ab": "\u00bb", "\u201c": "\u201d", "\u2039": "\u203a"}
STRAIGHT_QUOTE = '"'
BIDI_CONTROLS = frozenset(
    "\u200e\u200f\u061c" + "".join(map(chr, range(0x202A, 0x202F))) + "".join(map(chr, range(0x2066, 0x206A)))
)
# Invisible characters never kept at the edge of a segment.
EDGE_INVISIBLES = BIDI_CONTROLS | frozenset("\u200b\u200c\u200d\u2060\ufeff")
TATWEEL = "\u0640"
_AFTER_TERMINATOR = CLOSERS | TERMINATORS | EDGE_INVISIBLES

_ARABIC_MARKS = (
    list(range(0x064B, 0x0660)) + [0x0670] + list(range(0x06D6, 0x06EE)) + list(range(0x08D3, 0x0900))
)

# --------------------------------------------------------------------------
# Abbreviations
# --------------------------------------------------------------------------

LATIN_ABBREVIATIONS = frozenset(
    {"mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "gen", "col", "lt", "sgt",
     "capt", "rev", "fig", "approx", "dept", "no", "vol", "pp"}
)
ARABIC_ABBREVIATIONS = frozenset({"د", "م", "ص", "ج", "ق", "هـ", "ه", "ت", "ق.م", "أ.د", "ص.ب"})
PERSIAN_ABBREVIATIONS = frozenset(
    {"م", "ص", "ج", "ق", "ه", "هـ", "ق.ظ", "ب.ظ", "ه.ش", "ه.ق", "هـ.ش", "هـ.ق", "ق.م", "ر.ک", "ر.ك"}
)
_DOTTED_LATIN = re.compile(r"^(?:[A-Za-z]\.)+[A-Za-z]$")
_ARABIC_LETTER = r"[\u0621-\u064A\u0671-\u06D3]\u0640?"
_DOTTED_ARABIC = re.compile(rf"^(?:{_ARABIC_LETTER}\.)+{_ARABIC_LETTER}$")


# --------------------------------------------------------------------------
# Segmentation
# --------------------------------------------------------------------------


def segment(text: str, *, lang: str = "ar") -> list[Segment]:
    """Split ``text`` into sentences; every line break ends a segment."""
    segments: list[Segment] = []
    for line_start, line_end in _line_spans(text):
        for start, end in _sentence_spans(text, line_start, line_end, lang=lang):
            start, end = _strip_span(text, start, end)
            if start < end:
                piece = text[start:end]
                segments.append(Segment(len(segments), start, end, piece, matching_key(piece)))
    return segments


def _line_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    for index, ch in enumerate(text):
        if ch in LINE_BREAKS:
            spans.append((start, index))
            start = index + 1
    spans.append((start, len(text)))
    return spans


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and _is_blank(text[start]) and not _closed_inside(text, start, end):
        start += 1
    while end > start and _is_blank(text[end - 1]) and not _closes_inside(text, start, end - 1):
        end -= 1
    return start, end


_EMBEDDINGS, _ISOLATES = frozenset("\u202a\u202b\u202d\u202e"), frozenset("\u2066\u2067\u2068")
_CLOSERS = {"\u202c": _EMBEDDINGS, "\u2069": _ISOLATES}  # PDF, PDI -> what they close


def _open_count(piece: str, closer: str) -> int:
    """Openers ``closer`` would close in ``piece``, less the closers already there."""
    return sum(ch in _CLOSERS[closer] for ch in piece) - piece.count(closer)


def _closes_inside(text: str, start: int, index: int) -> bool:
    """``text[index]`` is a PDF/PDI closing an embedding/isolate opened in ``text[start:index]``: keep it."""
    return text[index] in _CLOSERS and _open_count(text[start:index], text[index]) > 0


def _closed_inside(text: str, start: int, end: int) -> bool:
    """``text[start]`` opens an embedding/isolate closed in ``text[start + 1:end]``: keep it."""
    closer = next((c for c, openers in _CLOSERS.items() if text[start] in openers), None)
    return closer is not None and _open_count(text[start + 1 : end], closer) < 0


def _is_blank(ch: str) -> bool:
    return ch.isspace() or ch in EDGE_INVISIBLES


def _sentence_spans(text: str, start: int, end: int, *, lang: str) -> list[tuple[int, int]]:
    """Sentence spans inside one line ``text[start:end]``; quote state is per line."""
    spans: list[tuple[int, int]] = []
    open_quotes: list[str] = []  # expected closing characters, innermost last
    sentence_start = start
    index = start
    while index < end:
        ch = text[index]
        if ch not in TERMINATORS:
            _track_quote(ch, open_quotes)
            index += 1
            continue
        run_end = _run_end(text, index, end, TERMINATORS)
        after = _consume_closers(text, run_end, end, open_quotes)
        if _ends_sentence(text, index, run_end, after, end, open_quotes, lang=lang):
            spans.append((sentence_start, after))
            sentence_start = after
        index = after
    if sentence_start < end:
        spans.append((sentence_start, end))
    return spans


def _track_quote(ch: str, open_quotes: list[str]) -> None:
    if ch == STRAIGHT_QUOTE:
        if STRAIGHT_QUOTE in open_quotes:
            _close_quote(ch, open_quotes)
        else:
            open_quotes.append(STRAIGHT_QUOTE)
    elif ch in QUOTE_PAIRS:
        open_quotes.append(QUOTE_PAIRS[ch])
    elif ch in open_quotes:
        _close_quote(ch, open_quotes)


def _close_quote(closer: str, open_quotes: list[str]) -> None:
    """Pop up to and including the innermost quotation that ``closer`` closes."""
    position = len(open_quotes) - 1 - open_quotes[::-1].index(closer)
    del open_quotes[position:]


def _run_end(text: str, index: int, end: int, chars: frozenset[str]) -> int:
    while index < end and text[index] in chars:
        index += 1
    return index


def _consume_closers(text: str, index: int, end: int, open_quotes: list[str]) -> int:
    """Consume closing quotes/brackets, further terminators and bidi marks after a terminator."""
    while index < end and text[index] in _AFTER_TERMINATOR:
        ch = text[index]
        if ch in open_quotes:
            _close_quote(ch, open_quotes)
        index += 1
    return index


def _ends_sentence(
    text: str,
    run_start: int,
    run_end: int,
    after: int,
    end: int,
    open_quotes: list[str],
    *,
    lang: str,
) -> bool:
    if after < end and not text[after].isspace():
        return False  # decimals, URLs, e-mail addresses, "e.g" inside a token
    if open_quotes:
        return False  # the quotation continues
    marks = text[run_start:run_end]
    if marks in ("...", "\u2026") and _is_short_open_tail(text, after, end):
        return False  # a headline's pause: "السلام والاستقرار... سريعاً"
    if marks != ".":
        return True
    return not _is_abbreviation_period(text, run_start, after, end, lang=lang)


# An ellipsis followed by fewer words than this, with no sentence end of their own
# before the line ends, is a pause inside the sentence, not its end.
MIN_WORDS_AFTER_ELLIPSIS = 3


def _is_short_open_tail(text: str, index: int, end: int) -> bool:
    tail = text[index:end].strip()
    return len(tail.split()) < MIN_WORDS_AFTER_ELLIPSIS and tail[-1:] not in TERMINATORS


def _is_abbreviation_period(text: str, period: int, after: int, end: int, *, lang: str) -> bool:
    token = _token_before(text, period)
    next_char = _next_visible(text, after, end)
    if not token:
        return False
    if len(token) == 1 and token.isalpha():
        return True  # an initial: "J. Smith", "ج. بوش"
    if _DOTTED_LATIN.match(token) or token.casefold() in LATIN_ABBREVIATIONS:
        return True  # "U.S.", "e.g.", "Mr."
    if _is_latin_lower(next_char):
        return True  # "etc. and", "approx. five": a new sentence would not start lowercase
    return _is_local_abbreviation(token, lang=lang)


def _is_local_abbreviation(token: str, *, lang: str) -> bool:
    if lang == "ar":
        return token in ARABIC_ABBREVIATIONS or bool(_DOTTED_ARABIC.match(token))
    if lang == "fa":
        return token in PERSIAN_ABBREVIATIONS or bool(_DOTTED_ARABIC.match(token))
    return False


def _token_before(text: str, index: int) -> str:
    start = index
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    return text[start:index].lstrip("".join(OPENERS))


def _next_visible(text: str, index: int, end: int) -> str:
    while index < end and _is_blank(text[index]):
        index += 1
    return text[index] if index < end else ""


def _is_latin_lower(ch: str) -> bool:
    return bool(ch) and ch.islower() and ch.isascii()


# --------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------


class _KeyTable(dict):
    """``str.translate`` table mapping every Unicode decimal digit to ASCII on demand."""

    def __missing__(self, code: int) -> int | None:
        ch = chr(code)
        value: int | None = code
        if ch.isdecimal() and not ch.isascii():
            value = ord(str(unicodedata.decimal(ch)))
        elif unicodedata.category(ch) in ("Cf", "Cc") and not ch.isspace():
            value = None  # invisible format characters and controls
        self[code] = value
        return value


_LETTER_VARIANTS = {
    "\u064a": "\u06cc", "\u0649": "\u06cc", "\u06cc": "\u06cc", "\u0626": "\u06cc",  # ي ى ی ئ
    "\u0643": "\u06a9", "\u06a9": "\u06a9",  # ك ک
    "\u0629": "\u0647", "\u06c0": "\u0647",  # ة ۀ → ه
    "\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627", "\u0671": "\u0627",  # أ إ آ ٱ
    "\u0624": "\u0648",  # ؤ
    "\u066b": ".", "\u066c": ",", "\u060c": ",", "\u061b": ";",  # ٫ ٬ ، ؛
}

_KEY_TABLE = _KeyTable({ord(src): dst for src, dst in _LETTER_VARIANTS.items()})
for _code in _ARABIC_MARKS + [ord(TATWEEL)] + [ord(ch) for ch in BIDI_CONTROLS | frozenset("\u200c\u200d")]:
    _KEY_TABLE[_code] = None

_MODEL_TABLE = {code: None for code in _ARABIC_MARKS + [ord(TATWEEL)] + [ord(ch) for ch in BIDI_CONTROLS]}


def matching_key(text: str) -> str:
    """Key for exact/near matching: unified letters, no marks, ASCII digits, casefolded."""
    unified = text.translate(_KEY_TABLE).casefold()
    return " ".join(unified.split())


# An explanatory aside: two or more words in parentheses or brackets, without a
# digit: a translator's or an outlet's gloss for its own readers ("(در برابر فرمان
# خدا)") that the other version rarely has. Acronyms, one-word labels and dates
# ("(فائو)", "(۱۴ اکتبر ۲۰۲۵)") stay: the other version often has them too.
_ASIDE = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_ASIDE_MIN_WORDS = 2
_MIN_MODEL_CHARS = 3  # a segment that is almost all aside keeps it


def _drop_if_explanatory(match: re.Match) -> str:
    aside = match.group(0)
    if len(aside.split()) < _ASIDE_MIN_WORDS or any(ch.isdigit() for ch in aside):
        return aside
    return " "


def without_explanatory_asides(text: str) -> str:
    """``text`` without its explanatory asides (see above), unless almost nothing would remain."""
    stripped = " ".join(_ASIDE.sub(_drop_if_explanatory, text).split())
    return stripped if len(stripped) >= _MIN_MODEL_CHARS else text


def model_text(text: str) -> str:
    """Text for the embedding model: explanatory asides, diacritics, Quranic marks, tatweel, bidi controls removed."""
    return without_explanatory_asides(" ".join(text.translate(_MODEL_TABLE).split()))


# --------------------------------------------------------------------------
# Language detection
# --------------------------------------------------------------------------

PERSIAN_ONLY_LETTERS = frozenset("\u067e\u0686\u0698\u06af")  # پ چ ژ گ
PERSIAN_LETTERS = frozenset("\u06cc\u06a9")  # ی ک
ARABIC_ONLY_LETTERS = frozenset("\u0629")  # ة
ARABIC_LETTERS = frozenset("\u064a\u0649\u0643")  # ي ى ك
PERSIAN_DIGITS = frozenset("۰۱۲۳۴۵۶۷۸۹")
ARABIC_DIGITS = frozenset("٠١٢٣٤٥٦٧٨٩")
ARABIC_FUNCTION_WORDS = frozenset(
    {"في", "من", "على", "التي", "الذي", "إلى", "عن", "أن", "إن", "هذا", "هذه", "كان", "قد", "لم", "ذلك"}
)
PERSIAN_FUNCTION_WORDS = frozenset(
    {"را", "است", "از", "در", "می", "های", "برای", "که", "یک", "کرد", "بود"}
)
_AL_PREFIX = re.compile(r"^[وفبكل]?ال\w{2,}$|^لل\w{2,}$")
_WORD = re.compile(r"[\u0621-\u064A\u066E-\u06D3\u06FA-\u06FF]+")

EVIDENCE_WEIGHTS = {
    "persian_only": 1.0,
    "persian_letters": 0.5,
    "persian_digits": 1.0,
    "persian_words": 2.0,
    "arabic_only": 1.0,
    "arabic_letters": 0.25,
    "arabic_digits": 1.0,
    "arabic_words": 2.0,
    "al_words": 1.0,
}
MIN_LETTERS = 3
MIN_ARABIC_SCRIPT_SHARE = 0.5


def script_profile(text: str) -> ScriptProfile:
    """Count letters by script and the letters/words that tell Arabic from Persian."""
    counts = Counter(text)  # each distinct character is looked at once, not each occurrence
    letters = {ch: n for ch, n in counts.items() if ch.isalpha() and ch != TATWEEL}
    words = Counter(_WORD.findall(text))
    return ScriptProfile(
        letters=sum(letters.values()),
        arabic_script_letters=sum(n for ch, n in letters.items() if is_arabic_script(ch)),
        latin_letters=sum(n for ch, n in letters.items() if ch.isascii()),
        persian_only=_count(counts, PERSIAN_ONLY_LETTERS),
        persian_letters=_count(counts, PERSIAN_LETTERS),
        arabic_only=_count(counts, ARABIC_ONLY_LETTERS),
        arabic_letters=_count(counts, ARABIC_LETTERS),
        persian_digits=_count(counts, PERSIAN_DIGITS),
        arabic_digits=_count(counts, ARABIC_DIGITS),
        persian_words=_count(words, PERSIAN_FUNCTION_WORDS),
        arabic_words=_count(words, ARABIC_FUNCTION_WORDS),
        al_words=sum(n for word, n in words.items() if _AL_PREFIX.match(word)),
    )


def detect_lang(text: str) -> str:
    """Return ``"fa"``, ``"ar"`` or ``"und"`` from script evidence."""
    return lang_of_profile(script_profile(text))


def lang_of_profile(profile: ScriptProfile) -> str:
    """:func:`detect_lang` for a text whose profile is already counted."""
    if profile.letters < MIN_LETTERS or profile.arabic_script_share < MIN_ARABIC_SCRIPT_SHARE:
        return "und"
    persian, arabic = _evidence(profile)
    if persian > arabic:
        return "fa"
    if arabic > persian:
        return "ar"
    return "und"


def _evidence(profile: ScriptProfile) -> tuple[float, float]:
    w = EVIDENCE_WEIGHTS
    persian = (
        w["persian_only"] * profile.persian_only
        + w["persian_letters"] * profile.persian_letters
        + w["persian_digits"] * profile.persian_digits
        + w["persian_words"] * profile.persian_words
    )
    arabic = (
        w["arabic_only"] * profile.arabic_only
        + w["arabic_letters"] * profile.arabic_letters
        + w["arabic_digits"] * profile.arabic_digits
        + w["arabic_words"] * profile.arabic_words
        + w["al_words"] * profile.al_words
    )
    return persian, arabic


def _count(counts: Counter[str], items: frozenset[str]) -> int:
    return sum(counts[item] for item in items)
