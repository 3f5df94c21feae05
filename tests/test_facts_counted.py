"""What a number counts, and conflicts between figures of sentences that are not paired (issue 16).

Casualty figures as Arab and Iranian outlets write them: the toll in a headline, again in the lead, once more in
a later sentence, each outlet with its own figure. A user comparing the two articles expects 27 killed against
31 killed, never 27 killed against 120 injured, and never a "conflict" between figures that count different
things or lie too far apart to be one quantity.
"""

from __future__ import annotations

import json

import pytest

from aligner.align import Pair
from aligner.facts import check_facts, check_texts
from aligner.facts.compare import extract_document
from aligner.pipeline import compare
from aligner.text import Segment
from aligner.facts.shared import line_segments


def _counted(text: str, lang: str) -> list[tuple[str, str]]:
    doc = extract_document([Segment(0, 0, len(text), text, "")], lang)
    return [(f.value, f.counted) for f in doc.facts if f.kind == "number"]


@pytest.mark.parametrize(("text", "lang", "expected"), [
    # the verb before the figure (Arabic), the participle after the classifier (Persian)
    ("وفي وقت لاحق، قُتل 27 فلسطينياً وأصيب 118 آخرون بنيران الجيش", "ar", [("27", "killed"), ("118", "injured")]),
    ("در این حمله ۳۱ نفر شهید و ۱۲۰ نفر مجروح شدند", "fa", [("31", "killed"), ("120", "injured")]),
    ("تاکنون ۱۱ نفر در این حادثه جان باخته‌اند و ۳۱۸ نفر مصدوم شده‌اند", "fa", [("11", "killed"), ("318", "injured")]),
    # the counted noun says it (قتيلاً), or a count named as the clause's subject
    ("ارتفعت حصيلة الزلزال إلى 14 قتيلاً وأكثر من 320 مصاباً", "ar", [("14", "killed"), ("320", "injured")]),
    ("وقال المحافظ إن عدد الوفيات بلغ 14 شخصاً، معظمهم في قرى نائية", "ar", [("14", "killed")]),
    ("شمار جان‌باختگان سیل از روز جمعه تاکنون به ۳۵۱ نفر رسیده است", "fa", [("351", "killed")]),
    ("أودت السيول بحياة 36 شخصاً على الأقل", "ar", [("36", "killed")]),
    ("لا يزال 12 شخصاً في عداد المفقودين", "ar", [("12", "missing")]),
    ("پلیس ۴۰ نفر را بازداشت کرد", "fa", [("40", "arrested")]),
    # money, measures and counts of things count no people; a clause end stops the search
    ("بلغت الخسائر 120 مليون دولار وقتل 5 أشخاص", "ar", [("120000000", ""), ("5", "killed")]),
    ("زلزله‌ای به بزرگی ۵.۹ ریشتر ۱۱ کشته برجای گذاشت", "fa", [("5.9", ""), ("11", "killed")]),
    ("وصل 300 شخص إلى المدينة. وقتل جندي", "ar", [("300", "")]),
])
def test_what_a_number_counts(text, lang, expected):
    assert _counted(text, lang) == expected


def _conflicts(ar: str, fa: str) -> list[str]:
    return [m.relation for p in check_texts(ar, fa).pairs for m in p.conflicts]


@pytest.mark.parametrize(("ar", "fa", "expected"), [
    # each toll with its own: killed with killed, injured with injured
    ("قُتل 27 فلسطينياً وأصيب 118 آخرون", "۳۱ نفر شهید و ۱۲۰ نفر مجروح شدند",
     ["27 (killed) ≠ 31 person (killed)", "118 (injured) ≠ 120 person (injured)"]),
    # the dead in one, the injured in the other: two counts, no conflict
    ("قُتل 30 شخصاً في الهجوم", "۳۲ نفر در این حمله زخمی شدند", []),
    # too far apart to be one quantity reported twice
    ("يبعد 200 متر عن الحدود", "در فاصله ۵۰۰ متری مرز", []),
    ("بلغت الخسائر عشرة ملايين تومان", "خسارت ۱۰۰ میلیون تومان است", []),
    # near enough: a revised or rounded figure
    ("بلغت الأضرار 120 مليون دولار", "خسارت ۱۵۰ میلیون دلار برآورد شد", ["120000000 usd ≠ 150000000 usd"]),
    # an open bound that still holds is no conflict; one that does not, is
    ("ارتفعت الحصيلة إلى أكثر من 340 قتيلاً", "شمار کشته‌شدگان به ۳۵۱ نفر رسید", []),
    ("أودى الوباء بحياة 212 شخصاً على الأقل", "۲۳۷ نفر جان باختند", ["212 person (killed) ≠ 237 person (killed)"]),
    ("أصيب أكثر من 320 شخصاً", "۳۱۸ نفر مصدوم شدند", ["320 person (injured) ≠ 318 person (injured)"]),
    # two floors («على الأقل», «دست‌کم») from two outlets differ
    ("أودت السيول بحياة 36 شخصاً على الأقل", "دست‌کم ۳۱ نفر جان باختند", ["36 person (killed) ≠ 31 person (killed)"]),
])
def test_conflicts_only_between_one_quantity(ar, fa, expected):
    assert _conflicts(ar, fa) == expected


@pytest.mark.parametrize("ar, fa, shared", [
    # a figure written round at its scale word is the precise one, rounded or cut
    ("بلغ عدد الزوار اثنين وستين ألفاً", "شمار بازدیدکنندگان ۶۲ هزار و ۱۲۲ نفر بود", "rounded"),
    ("يحق لنحو 87 ألف شخص التصويت", "۸۷ هزار و ۵۵۰ نفر واجد شرایط رأی‌اند", "rounded"),
    ("يحق لـ61 مليون شخص التصويت", "۶۱ میلیون و ۴۰۰ هزار نفر واجد شرایط رأی‌اند", "rounded"),
    # toman and rial are one currency: 10 rials a toman
    ("سعر الدولار مليون و35 ألف ريال", "دلار ۱۰۳ هزار و ۵۰۰ تومان", "converted"),
])
def test_a_figure_written_round_or_in_toman_is_shared(ar, fa, shared):
    report = check_texts(ar, fa)
    assert [m.relation for p in report.pairs for m in p.shared if m.kind == "number"] == [shared]
    assert not [m for p in report.pairs for m in p.conflicts]


@pytest.mark.parametrize("ar, fa, expected", [
    # two round figures, or a precise figure a whole scale away, are two figures
    ("بلغ عدد الزوار 62 ألف شخص", "۶۳ هزار نفر بازدید کردند", ["62000 person ≠ 63000 person"]),
    ("بلغ عدد الزوار 62 ألف شخص", "۶۳ هزار و ۱۰۰ نفر بازدید کردند", ["62000 person ≠ 63100 person"]),
    # a rial price against another price in toman
    ("سعر الدولار مليون وخمسين ألف ريال", "دلار ۱۰۳ هزار و ۵۰۰ تومان", ["1050000 rial ≠ 1035000 rial"]),
])
def test_round_figures_and_currencies_still_conflict(ar, fa, expected):
    assert _conflicts(ar, fa) == expected


# An earthquake, reported by two outlets; the toll is in sentences the aligner does not pair.
AR = [
    "زلزال بقوة 6.1 درجات يضرب غرب إيران ويخلّف 14 قتيلاً",  # 0 headline
    "ارتفعت حصيلة الزلزال الذي ضرب محافظة كرمانشاه إلى 14 قتيلاً وأكثر من 320 مصاباً.",  # 1 lead
    "وقال محافظ كرمانشاه إن عدد الوفيات بلغ 14 شخصاً.",  # 2 restated
    "وأرسل الهلال الأحمر 280 شاحنة مساعدات إلى المنطقة.",  # 3
]
FA = [
    "زلزله ۵.۹ ریشتری کرمانشاه ۱۱ کشته برجای گذاشت",  # 0 headline
    "مرکز لرزه‌نگاری کشوری زمان وقوع زلزله را ساعت ۳ و ۲۷ دقیقه بامداد اعلام کرد.",  # 1
    "معاون استاندار گفت تاکنون ۱۱ نفر جان باخته‌اند و ۳۱۸ نفر مصدوم شده‌اند.",  # 2
    "هلال احمر ۳۱۲ کامیون کمک به منطقه فرستاد.",  # 3
]


_segments = line_segments


def _across(report) -> list[tuple[int, int, str]]:
    return [(report.left[m.left].segment, report.right[m.right].segment, m.relation) for m in report.conflicts]


def test_a_toll_in_unpaired_sentences_is_a_document_conflict():
    report = check_facts(_segments(AR), _segments(FA), [Pair((0,), (0,), 0.6, 0.3)])
    # the headlines are paired: their magnitudes («درجات», «ریشتری») and tolls conflict in the pair
    assert ([m.relation for p in report.pairs for m in p.conflicts]
            == ["6.1 degree ≠ 5.9 degree", "14 killed ≠ 11 killed"])
    across = _across(report)
    # the lead's toll and the governor's restatement against the Persian body; the lead's injured too
    assert (1, 2, "14 killed ≠ 11 person (killed)") in across
    assert (1, 2, "320 (injured) ≠ 318 person (injured)") in across
    assert (2, 2, "14 person (killed) ≠ 11 person (killed)") in across
    assert len(across) == 3
    # a figure in a conflict is not "only in one article"
    one_sided = {report.left[i].text for i in report.left_only} | {report.right[j].text for j in report.right_only}
    assert not one_sided & {"14 قتيلاً", "14 شخصاً", "320", "۱۱ نفر", "۳۱۸ نفر"}


def test_counts_of_things_conflict_across_sentences_only_where_the_aligner_relates_them():
    pairs = [Pair((0,), (0,), 0.6, 0.3)]
    alone = check_facts(_segments(AR), _segments(FA), pairs)
    assert not any(a == 3 or b == 3 for a, b, _ in _across(alone))
    related = check_facts(_segments(AR), _segments(FA), pairs, related=[(3, 3)])
    assert (3, 3, "280 truck ≠ 312 truck") in _across(related)


def test_document_conflicts_in_json_name_both_segments():
    report = check_facts(_segments(AR), _segments(FA), [Pair((0,), (0,), 0.6, 0.3)])
    data = json.loads(json.dumps(report.to_dict(), ensure_ascii=False))
    rows = {(c["left_segment"], c["right_segment"]) for c in data["conflicts"]}
    assert rows == {(1, 2), (2, 2)}
    assert data["summary"]["number"]["document_conflicts"] == 3
    assert {f["text"]: f.get("counted") for f in data["left"] if f["kind"] == "number"}["14 شخصاً"] == "killed"


def test_compare_finds_the_toll_across_unpaired_sentences_with_the_real_model(encoder):
    """End to end, the default model aligning: whatever it pairs, the tolls conflict, in a pair or across."""
    report = compare("\n".join(AR), "\n".join(FA), encoder=encoder)
    facts = report.facts
    found = [(facts.left[m.left].value, facts.right[m.right].value) for p in facts.pairs for m in p.conflicts]
    found += [(facts.left[m.left].value, facts.right[m.right].value) for m in facts.conflicts]
    assert ("14", "11") in found and ("320", "318") in found
    assert ("14", "318") not in found and ("320", "11") not in found
