"""Figures two articles share: the evidence that a sentence no match holds is partly said in the other article.

Each case is one Arabic and one Persian sentence as the news benchmark's outlets write them; ``shared`` says
whether the pair states one specific figure (the same value counting the same thing).
"""

from __future__ import annotations

import pytest

from aligner.facts.shared import shared_figures
from aligner.pipeline import shared_figure_matrix


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
    matrix = shared_figure_matrix(ar, fa, left_lang="ar", right_lang="fa")
    assert matrix.shape == (3, 3) and matrix.dtype == bool
    assert {(int(i), int(j)) for i, j in zip(*matrix.nonzero())} == {(1, 1), (2, 0)}
