"""A hand-made report on one news event with its facts set by hand (no model, no extractor):
a pair conflict, a conflict across unpaired sentences, shared and one-sided facts.

The Arabic lead says 118 injured; the Persian article says 120 in a sentence of its own
that no Arabic sentence is paired with, so the two figures are a document-level conflict
(``FactReport.conflicts``). The damage is 120 million dollars in Arabic and 150 million in
the sentence paired with it: a pair conflict.
"""

from __future__ import annotations

import dataclasses

from aligner.align import Pair
from aligner.facts import Fact, FactReport, Match, PairFacts
from aligner.report import ModelInfo, Side, Summary
from aligner.text import Segment
from golden.make import FrozenReport

LEFT = [
    "أعلنت وزارة الصحة اللبنانية، الأحد، أن الغارات الإسرائيلية على الضاحية الجنوبية أسفرت عن إصابة 118 شخصاً بجروح.",
    "وقال وزير الصحة فراس الأبيض إن المستشفيات استقبلت الجرحى منذ ساعات الصباح.",
    "وقدرت البلدية الأضرار الأولية بنحو 120 مليون دولار.",
    "وتقع الضاحية على بعد 5 كيلومترات من مطار بيروت.",
]
RIGHT = [
    "وزارت بهداشت لبنان روز یکشنبه اعلام کرد حملات هوایی اسرائیل به ضاحیه جنوبی تلفات سنگینی برجای گذاشت.",
    "فراس الابیض، وزیر بهداشت لبنان، گفت بیمارستان‌ها از صبح مجروحان را پذیرش کرده‌اند.",
    "بر اساس آمار رسمی، ۱۲۰ نفر مصدوم شده‌اند.",
    "خسارت اولیه ۱۵۰ میلیون دلار برآورد شده است.",
]
PAIRS = [Pair((0,), (0,), 0.62, 0.3), Pair((1,), (1,), 0.58, 0.25), Pair((2,), (3,), 0.41, 0.2)]


def fact(kind: str, texts: list[str], seg: int, surface: str, value: str, **kw) -> Fact:
    start = texts[seg].index(surface)
    return Fact(kind, surface, start, start + len(surface), value, segment=seg, **kw)


# left facts, by index
L_INJURED, L_SUNDAY, L_NAME, L_SAID, L_DAMAGE, L_KM = range(6)
FACTS_LEFT = [
    fact("number", LEFT, 0, "118 شخصاً", "118", unit="person"),
    fact("date", LEFT, 0, "الأحد", "weekday:sunday", unit="weekday"),
    fact("name", LEFT, 1, "فراس الأبيض", "فراس ابيض"),
    fact("attribution", LEFT, 1, "وقال", "فراس ابيض", speaker="فراس الأبيض"),
    fact("number", LEFT, 2, "120 مليون دولار", "120000000", unit="usd", approx=True),
    fact("number", LEFT, 3, "5 كيلومترات", "5", unit="km"),
]
R_SUNDAY, R_NAME, R_SAID, R_INJURED, R_DAMAGE = range(5)
FACTS_RIGHT = [
    fact("date", RIGHT, 0, "روز یکشنبه", "weekday:sunday", unit="weekday"),
    fact("name", RIGHT, 1, "فراس الابیض", "فراس ابيض"),
    fact("attribution", RIGHT, 1, "گفت", "فراس ابيض", speaker="فراس الابیض"),
    fact("number", RIGHT, 2, "۱۲۰ نفر", "120", unit="person"),
    fact("number", RIGHT, 3, "۱۵۰ میلیون دلار", "150000000", unit="usd"),
]
DAMAGE = Match("number", L_DAMAGE, R_DAMAGE, "120000000 usd ≠ 150000000 usd")
INJURED = Match("number", L_INJURED, R_INJURED, "118 person ≠ 120 person")


def news_facts(*, across: bool = True) -> FactReport:
    """The facts as the fact layer reports them: like ``check_facts``, a conflict's facts are
    also in ``left_only``/``right_only`` (nothing in the other article agrees with them)."""
    pairs = [
        PairFacts((0,), (0,), shared=[Match("date", L_SUNDAY, R_SUNDAY, "weekday")], left_only=[L_INJURED]),
        PairFacts((1,), (1,), shared=[Match("name", L_NAME, R_NAME, "same-name"),
                                      Match("attribution", L_SAID, R_SAID, "same-speaker")]),
        PairFacts((2,), (3,), conflicts=[DAMAGE]),
    ]
    # copies of the fact lists: tests replace facts in them
    return FactReport(list(FACTS_LEFT), list(FACTS_RIGHT), pairs, [L_INJURED, L_DAMAGE, L_KM], [R_INJURED, R_DAMAGE],
                      conflicts=[INJURED] if across else [])


def _side(path: str, lang: str, texts: list[str]) -> Side:
    segs, at = [], 0
    for i, t in enumerate(texts):
        segs.append(Segment(i, at, at + len(t), t, t))
        at += len(t) + 1
    return Side(path, lang, "utf-8", segs)


def news_report(facts: FactReport | None = None, *, left: list[str] = LEFT, right: list[str] = RIGHT) -> FrozenReport:
    return FrozenReport(
        left=_side("aljazeera.txt", "ar", left), right=_side("irna.txt", "fa", right), pairs=list(PAIRS),
        left_only=[3], right_only=[2], summary=Summary(4, 4, 3, 3, 3, 1, 1, 0.8, 0.8),
        model=ModelInfo("m", "m@1", "", "local"), signature="aligner:test|model:m@1", facts=facts,
    )


def with_facts(report: FrozenReport, facts: FactReport | None) -> FrozenReport:
    return dataclasses.replace(report, facts=facts)
