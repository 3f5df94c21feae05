"""Figures two articles share: the evidence that a sentence no match holds is partly said in the other article.

Each case is one Arabic and one Persian sentence as the news benchmark's outlets write them; ``shared`` says
whether the pair states one specific figure (the same value counting the same thing).
"""

from __future__ import annotations

import pytest

from aligner.facts.shared import shared_figures
from aligner.pipeline import fact_evidence


@pytest.mark.parametrize(("ar", "fa", "shared"), [
    # the same casualty figure, counted the same way, in other words and digits
    ("وفي وقت لاحق، قُتل 27 فلسطينياً وأصيب 118 آخرون", "در این حمله ۲۷ نفر شهید شدند", True),
    # money and weights with their units, written out or in digits
    ("وأوضح أن الموانئ شهدت مرور بضائع وزنها تسعة ملايين وخمسمائة وخمسون ألفاً وستمائة طن",
     "در همین مدت ۹ میلیون و ۵۵۰ هزار و ۶۰۰ تن کالا ترانزیت شد", True),
    ("صعد الخام الأمريكي إلى 62.7 دولار للبرميل", "نفت آمریکا در ۶۲ دلار و ۷۰ سنت معامله شد", True),
    # a bare figure of two digits or more is specific: the same weight class with and without its unit
    ("البحريني تازودينوف يتوج بذهبية 97 كغ", "تازودینوف در وزن ۹۷ کیلوگرم قهرمان شد", True),
    # a different figure on the same matter is not shared
    ("وفي وقت لاحق، قُتل 27 فلسطينياً", "در این حمله ۳۱ نفر شهید شدند", False),
    # the same value counting different people: killed against injured
    ("قُتل 12 شخصاً في الهجوم", "۱۲ نفر در این حمله مجروح شدند", False),
    # the same value in different units
    ("ارتفعت الأسعار 40%", "۴۰ تن کمک ارسال شد", False),
    # a one-digit count without a unit is everyday: six wins against six months of training
    ("محققاً ستة انتصارات وثلاثة تعادلات", "این قهرمانی حاصل شش ماه اردوی آماده‌سازی بود", False),
    # an open bound is not a value: more than 65 thousand against 65,400
    ("أكثر من 65 ألف حالة اشتباه", "شمار موارد مشکوک به ۶۵ هزار و ۴۰۰ رسید", False),
])
def test_which_sentences_share_a_figure(ar, fa, shared):
    assert (shared_figures([ar], [fa]) == {(0, 0)}) is shared


def test_the_matrix_marks_every_sentence_pair_that_shares_a_figure():
    ar = ["ضرب زلزال المنطقة فجر اليوم.", "وقُتل 14 شخصاً في الزلزال.", "وتضرر 1200 منزل."]
    fa = ["۱۲۰۰ واحد مسکونی آسیب دید.", "شمار کشته‌شدگان به ۱۴ نفر رسید.", "امدادگران اعزام شدند."]
    matrix, apart = fact_evidence(ar, fa, left_lang="ar", right_lang="fa")
    assert matrix.shape == apart.shape == (3, 3) and matrix.dtype == bool
    assert {(int(i), int(j)) for i, j in zip(*matrix.nonzero(), strict=True)} == {(1, 1), (2, 0)}
    assert not apart.any()  # no dates


def test_sentences_that_date_what_they_say_in_different_years_are_apart():
    # the bundled sample's earlier sessions against its next one; both name the conference, neither covers the other
    ar = ["وتأتي هذه الدورة بعد دورتين سابقتين عُقدتا في مسقط عام 2021 وفي بغداد عام 2023.",
          "وبلغ الإنتاج 3 ملايين برميل في عام 2024.",
          "وقال الوزير إن المحادثات ستستأنف.",
          "وأعلنت الوزارة أمس الثلاثاء 14 أكتوبر 2025 النتائج."]
    fa = ["قرار است دوره چهارم همایش در سال ۲۰۲۷ در اسلام‌آباد برگزار شود.",
          "تولید در سال ۲۰۲۴ به سه میلیون بشکه رسید.",
          "وزارت روز دوشنبه ۲۱ مهر ۱۴۰۴ نتایج را اعلام کرد."]
    _, apart = fact_evidence(ar, fa, left_lang="ar", right_lang="fa")
    pairs = {(int(i), int(j)) for i, j in zip(*apart.nonzero(), strict=True)}
    assert (0, 0) in pairs and (0, 1) in pairs and (1, 0) in pairs
    assert (1, 1) not in pairs  # the same year
    assert (3, 2) not in pairs  # a day apart (13 and 14 October 2025) is the same year: not apart
    assert not any(i == 2 for i, _ in pairs)  # no date, nothing to say
