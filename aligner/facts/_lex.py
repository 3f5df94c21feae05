"""Tokens with offsets and the normalised forms the fact extractors look words up by.

Lookups use :func:`norm` (``aligner.text.matching_key`` without spaces): ي/ى/ی, ك/ک,
ة/ه and hamza forms unified, diacritics, tatweel and ZWNJ removed, digits ASCII.
Every token keeps its offsets into the text it came from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from ..text import matching_key

DIGITS = "0-9\u0660-\u0669\u06f0-\u06f9"
_TOKEN = re.compile(
    rf"[{DIGITS}]+(?:[.,\u066b\u066c/][{DIGITS}]+)*"  # a number with its separators
    r"|(?:[^\W\d_]|[\u064b-\u065f\u0670\u0640\u200c\u200d])+"  # a word (ZWNJ and marks inside)
    r"|[%\u066a\u2013\u2014\-:\u00ab\u00bb\"\u060c,.\u061b;\u061f?!()\u201c\u201d]"
)
PUNCT_BOUNDARY = frozenset(".!?\u061f:;\u061b\u00ab\u00bb\"\u201c\u201d()")
COMMA = frozenset(",\u060c")
DASHES = frozenset("-\u2013\u2014")


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str
    norm: str
    kind: str  # "num", "word" or "punct"


def norm(text: str) -> str:
    return matching_key(text).replace(" ", "")


def tokenize(text: str) -> list[Token]:
    out = []
    for m in _TOKEN.finditer(text):
        s = m.group()
        kind = "num" if s[0].isdecimal() else ("word" if s[0].isalpha() or s[0] in "\u0640" else "punct")
        if kind == "word" and not any(ch.isalpha() for ch in s):
            continue
        out.append(Token(m.start(), m.end(), s, norm(s), kind))
    return out


def overlapped(tokens: list[Token], spans: Iterable[tuple[int, int]]) -> list[bool]:
    """For each token (in reading order), whether it overlaps one of the character ``spans`` (start, end)."""
    ordered = sorted(spans)
    out, p, reach = [], 0, -1
    for t in tokens:
        # the spans starting before the token ends; one of them overlaps it when the furthest reaches past its start
        while p < len(ordered) and ordered[p][0] < t.end:
            reach = max(reach, ordered[p][1])
            p += 1
        out.append(reach > t.start)
    return out


def ascii_digits(text: str) -> str:
    return "".join(str(int(ch)) if ch.isdecimal() else ch for ch in text)


# Arabic clitics in front of a word: conjunctions, prepositions and the article.
_PREFIXES = ("وبال", "وال", "بال", "فال", "كال", "کال", "لل", "ال", "و", "ف", "ب", "ل")


@lru_cache(maxsize=1 << 16)
def forms(word: str) -> tuple[str, ...]:
    """``word`` (normalised) and the same word without Arabic clitics, longest first."""
    seen = [word]
    for p in _PREFIXES:
        if word.startswith(p) and len(word) - len(p) >= 2:
            rest = word[len(p):]
            if rest not in seen:
                seen.append(rest)
    # accusative -اً written as a trailing alef: خبيراً -> خبير
    for w in list(seen):
        if w.endswith("ا") and len(w) > 3 and w[:-1] not in seen:
            seen.append(w[:-1])
    return tuple(seen)


def lookup(table: dict, word: str):
    for f in forms(word):
        if f in table:
            return table[f]
    return None


def normalise_table(table: dict) -> dict:
    return {norm(k): v for k, v in table.items()}
