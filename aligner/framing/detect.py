"""Where an article names a concept of the lexicon, with which variant and in which register.

Terms are matched word by word on normalised text (:func:`aligner.text.matching_key`: letter variants,
diacritics, tatweel, ZWNJ). A word of the text matches a word of a term as it is, or, in Arabic, without
its clitics and article (``والإسرائيلية`` matches the term ``إسرائيلية``, ``والخليج`` the term ``الخليج``),
in Persian without the plural and ezafe endings (``تحریم‌های`` matches ``تحریم``). Never the other way
round: the term ``الغرب`` (the West) does not match ``غرب`` (west of). At each word the longest term
starting there wins, and a word belongs to one mention at most. A neutral term followed at once by one of
the lexicon's qualifiers (an adjective: «الإرهابي», «المحتلة», «پرافتخار», «اشغالی») takes the
qualifier's register, and the qualifier joins the mention: «الحرس الثوري الإرهابي» is the IRGC named
with contempt, «کرانه باختری اشغالی» the West Bank named as occupied.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from ..facts._lex import Token, forms, tokenize
from ..text import Segment
from .lexicon import Lexicon, Qualifier, Variant

_FA_ENDINGS = ("هایی", "های", "ها", "ای", "ی")


@dataclass(frozen=True)
class Mention:
    """A concept named in one segment: ``text == segment.text[start:end]``; ``doc_start`` in the document."""

    concept: str
    register: str
    variant: str  # the lexicon's term that matched, and the qualifier that set its register after it
    text: str
    segment: int
    start: int
    end: int
    doc_start: int

    def to_dict(self) -> dict:
        return {
            "concept": self.concept, "register": self.register, "variant": self.variant, "text": self.text,
            "segment": self.segment, "start": self.start, "end": self.end, "doc_start": self.doc_start,
            "doc_end": self.doc_start + (self.end - self.start),
        }


@lru_cache(maxsize=1 << 16)
def word_forms(word: str, lang: str) -> tuple[str, ...]:
    """The forms a normalised word is compared by, the word itself first: Arabic without clitics, Persian
    without its endings. The order decides between two terms that match the same words (the closer form wins)."""
    if lang != "fa":
        out = list(forms(word))
        if word.startswith("لل") and len(word) > 4:
            out.append("ا" + word[1:])  # للحوثيين: ل + الحوثيين (the lam takes the article's alif)
        return tuple(dict.fromkeys(out))
    out = [word]
    for ending in _FA_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            out.append(word[: -len(ending)])
    return tuple(dict.fromkeys(out))


class TermIndex:
    """One language's variants, looked up by the forms of their first word, longest term first."""

    def __init__(self, variants: list[Variant], lang: str) -> None:
        self.lang = lang
        self.by_first: dict[str, list[Variant]] = defaultdict(list)
        for v in variants:
            self.by_first[v.key[0]].append(v)
        for found in self.by_first.values():
            found.sort(key=lambda v: -len(v.key))

    def match_at(self, tokens: list[Token], i: int) -> tuple[Variant, int] | None:
        """The longest variant whose words start at ``tokens[i]``, and the index after it."""
        if tokens[i].kind != "word":
            return None
        best: tuple[Variant, int] | None = None
        for v in (v for f in word_forms(tokens[i].norm, self.lang) for v in self.by_first.get(f, ())):
            j = self._end(tokens, i, v)
            if j is not None and (best is None or j > best[1]):
                best = (v, j)
        return best

    def _end(self, tokens: list[Token], i: int, v: Variant) -> int | None:
        k = i + 1
        for word in v.key[1:]:
            while k < len(tokens) and tokens[k].kind == "punct" and tokens[k].text in "()":
                k += 1  # «(رژیم) اسرائیل» still names one thing
            if k >= len(tokens) or tokens[k].kind == "punct":
                return None
            if word not in word_forms(tokens[k].norm, self.lang):
                return None
            k += 1
        return k


def _qualifier_at(tokens: list[Token], j: int, lang: str, lexicon: Lexicon) -> Qualifier | None:
    """The lexicon's qualifier that is the word ``tokens[j]``, if it is one."""
    if j >= len(tokens) or tokens[j].kind != "word":
        return None
    return lexicon.qualifiers.get(("fa" if lang == "fa" else "ar", tokens[j].norm))


@lru_cache(maxsize=8)
def _index(lexicon: Lexicon, lang: str) -> TermIndex:
    return TermIndex(lexicon.variants("fa" if lang == "fa" else "ar"), lang)


def find_mentions(segments: list[Segment], lang: str, lexicon: Lexicon) -> list[Mention]:
    """Every mention of a concept in the segments, in reading order."""
    index = _index(lexicon, lang)
    out: list[Mention] = []
    for seg in segments:
        tokens = tokenize(seg.text)
        i = 0
        while i < len(tokens):
            found = index.match_at(tokens, i)
            if found is None:
                i += 1
                continue
            v, j = found
            register, variant = v.register, v.term
            qualifier = _qualifier_at(tokens, j, lang, lexicon) if register == "neutral" else None
            if qualifier is not None:
                register, variant, j = qualifier.register, f"{v.term} {qualifier.word}", j + 1
            start, end = tokens[i].start, tokens[j - 1].end
            if i > 0 and tokens[i - 1].text == "(" and any(t.text == ")" for t in tokens[i:j]):
                start = tokens[i - 1].start  # «(رژیم) اسرائیل»: the mention keeps both brackets
            out.append(Mention(v.concept, register, variant, seg.text[start:end], seg.id,
                               start, end, seg.start + start))
            i = j
    return out
