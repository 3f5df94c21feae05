"""Framing differences: both articles name one concept, in different registers.

Within a pair, the concepts named in its segments on both sides are compared; across the documents,
every concept both articles name anywhere. A concept is a difference when the set of registers one
side uses is not the other side's set (Arabic «الإسرائيلية», neutral, against Persian «رژیم
صهیونیستی», derogatory). A concept only one side names is a mention, not a difference.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..align import Pair
from ..text import Segment
from .detect import Mention, find_mentions
from .lexicon import REGISTERS, Lexicon, load_lexicon

SCHEMA = "aligner.framing/1"


@dataclass(frozen=True)
class Difference:
    """One concept named in different registers: ``left``/``right`` index the report's mention lists."""

    concept: str
    gloss: str
    left: tuple[int, ...]
    right: tuple[int, ...]
    left_registers: tuple[str, ...]
    right_registers: tuple[str, ...]

    def to_dict(self) -> dict:
        return {
            "concept": self.concept, "gloss": self.gloss, "left": list(self.left), "right": list(self.right),
            "left_registers": list(self.left_registers), "right_registers": list(self.right_registers),
        }


@dataclass
class FramingReport:
    lexicon: str  # the lexicon's version, which the result depends on
    left: list[Mention]
    right: list[Mention]
    pairs: list[list[Difference]]  # per pair of the alignment, in its order
    document: list[Difference]  # over the whole articles

    def named(self, side: str) -> set[str]:
        """The concepts the ``side`` ("left" or "right") names at least once."""
        return {m.concept for m in (self.left if side == "left" else self.right)}

    def terms(self, side: str, indexes) -> list[tuple[str, str, list[int]]]:
        """(text as written, register, segment ids) of the mentions ``indexes`` of ``side``, one entry per
        distinct text and register, in order of first use: what a view lists for a difference."""
        mentions = self.left if side == "left" else self.right
        groups: dict[tuple[str, str], set[int]] = {}
        for i in indexes:
            groups.setdefault((mentions[i].text, mentions[i].register), set()).add(mentions[i].segment)
        return [(text, register, sorted(segs)) for (text, register), segs in groups.items()]

    def summary(self) -> dict:
        """Mentions per register on each side, and the number of differences."""
        return {
            "left": _by_register(self.left),
            "right": _by_register(self.right),
            "pair_differences": sum(len(d) for d in self.pairs),
            "document_differences": len(self.document),
        }

    def to_dict(self) -> dict:
        return {
            "schema": SCHEMA,
            "lexicon": self.lexicon,
            "left": [m.to_dict() for m in self.left],
            "right": [m.to_dict() for m in self.right],
            "pairs": [[d.to_dict() for d in diffs] for diffs in self.pairs],
            "document": [d.to_dict() for d in self.document],
            "summary": self.summary(),
        }


def _by_register(mentions: list[Mention]) -> dict[str, int]:
    counts = Counter(m.register for m in mentions)
    return {r: counts[r] for r in REGISTERS}


def differences(left: list[Mention], right: list[Mention], li: Iterable[int], ri: Iterable[int],
                lexicon: Lexicon) -> list[Difference]:
    """The concepts named among ``left[li]`` and ``right[ri]`` in different registers, in the lexicon's order."""
    by_left: dict[str, list[int]] = {}
    by_right: dict[str, list[int]] = {}
    for i in li:
        by_left.setdefault(left[i].concept, []).append(i)
    for j in ri:
        by_right.setdefault(right[j].concept, []).append(j)
    out = []
    for concept in lexicon.concepts:
        if concept not in by_left or concept not in by_right:
            continue
        lr = _registers(left, by_left[concept])
        rr = _registers(right, by_right[concept])
        if lr != rr:
            out.append(Difference(concept, lexicon.gloss(concept), tuple(by_left[concept]), tuple(by_right[concept]),
                                  lr, rr))
    return out


def _registers(mentions: list[Mention], indices: list[int]) -> tuple[str, ...]:
    used = {mentions[i].register for i in indices}
    return tuple(r for r in REGISTERS if r in used)


def check_framing(left_segments: list[Segment], right_segments: list[Segment], pairs: list[Pair], *,
                  left_lang: str = "ar", right_lang: str = "fa",
                  lexicon: Lexicon | str | Path | None = None) -> FramingReport:
    """Mentions on both sides, and their differences per pair and over the documents."""
    lex = lexicon if isinstance(lexicon, Lexicon) else load_lexicon(lexicon)
    left = find_mentions(left_segments, left_lang, lex)
    right = find_mentions(right_segments, right_lang, lex)
    in_left: dict[int, list[int]] = {}
    in_right: dict[int, list[int]] = {}
    for i, m in enumerate(left):
        in_left.setdefault(m.segment, []).append(i)
    for j, m in enumerate(right):
        in_right.setdefault(m.segment, []).append(j)
    per_pair = [
        differences(left, right, [i for s in p.left for i in in_left.get(s, [])],
                    [j for s in p.right for j in in_right.get(s, [])], lex)
        for p in pairs
    ]
    document = differences(left, right, range(len(left)), range(len(right)), lex)
    return FramingReport(lex.version, left, right, per_pair, document)
