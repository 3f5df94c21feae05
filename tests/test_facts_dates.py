"""Dates as Arab and Iranian outlets write them: dual month names, Hijri days without a year, and
relative dates and weekdays resolved against the date the article gives itself (issue 16)."""

from __future__ import annotations

import pytest

from aligner.align import Pair
from aligner.facts.compare import check_facts, extract_document
from aligner.facts.shared import line_segments


_segments = line_segments


def _dates(lines: list[str], lang: str) -> dict[str, str]:
    """The article's date facts, as {text as written: value}."""
    segs = _segments(lines)
    doc = extract_document(segs, lang)
    dates = [f for f in doc.facts if f.kind == "date"]
    for f in dates:  # the user's words, at their offsets
        assert segs[f.segment].text[f.start:f.end] == f.text
    return {f.text: f.value for f in dates}


def _line_dates(lines: list[str], lang: str, line: int) -> list[str]:
    """The values of the date facts of one line."""
    return [f.value for f in extract_document(_segments(lines), lang).facts if f.kind == "date" and f.segment == line]


def _notes(lines: list[str], lang: str) -> dict[str, str]:
    return {f.text: f.note for f in extract_document(_segments(lines), lang).facts if f.kind == "date"}


AR_WED = "طهران - (وكالات): أعلنت السلطات المحلية صباح اليوم الأربعاء 12 نوفمبر/تشرين الثاني 2025 حصيلة جديدة."
FA_TUE = "به گزارش ایرنا، زمین‌لرزه‌ای بامداد امروز سه‌شنبه ۲۰ آبان ۱۴۰۴ کرمانشاه را لرزاند."


# ----------------------------------------------------------------------------- dual month names
@pytest.mark.parametrize(("line", "expected"), [
    ("دبي - 2 يونيو/حزيران 2025: قررت ثماني دول زيادة إنتاجها.", {"2 يونيو/حزيران 2025": "2025-06-02"}),
    ("وقال المسؤول في 12 نوفمبر/تشرين الثاني 2025 إن", {"12 نوفمبر/تشرين الثاني 2025": "2025-11-12"}),
    ("بعد زيادتين لشهري مايو/أيار 2025 ويونيو/حزيران 2025",
     {"مايو/أيار 2025": "2025-05", "ويونيو/حزيران 2025": "2025-06"}),
    ("منذ ديسمبر/كانون الأول 2024", {"ديسمبر/كانون الأول 2024": "2024-12"}),
])
def test_dual_month_names_are_one_date(line, expected):
    assert _dates([line], "ar") == expected


def test_dual_month_names_without_a_year_take_the_articles_year():
    dates = _dates([AR_WED, "على أن تبدأ الجولة المقبلة في 10 فبراير/شباط المقبل، بعد جولة مايو/أيار الماضي."], "ar")
    assert dates["10 فبراير/شباط المقبل"] == "2026-02-10"
    assert dates["مايو/أيار الماضي"] == "2025-05"


# ----------------------------------------------------------------------------- Hijri without a year
def test_hijri_day_without_a_year_takes_the_hijri_year_of_the_article():
    lines = ["صنعاء - الأحد 16 صفر 1447هـ الموافق 10 أغسطس/آب 2025 (وكالات): حذرت منظمات أممية.",
             "وتبدأ الحملة في 17 صفر وتنتهي في العشرين من صفر."]
    dates = _dates(lines, "ar")
    assert dates["17 صفر"] == "2025-08-11"
    assert dates["العشرين من صفر"] == "2025-08-14"
    assert "nearest 2025-08-10 (the article's date)" in _notes(lines, "ar")["17 صفر"]


def test_hijri_month_nearest_the_article_may_be_in_the_previous_hijri_year():
    # 10 July 2025 is 15 Muharram 1447: Dhu al-Hijjah is the month before, in 1446
    dates = _dates(["مكة - الخميس 10 يوليو/تموز 2025: وكان الحجاج قد غادروا في 17 ذو الحجة."], "ar")
    assert dates["17 ذو الحجة"] == "2025-06-13"


def test_arabic_ordinal_days():
    dates = _dates([AR_WED, "وتعقد القمة في الحادي والعشرين من نوفمبر/تشرين الثاني، بعد اجتماع السادس من يوليو/تموز."],
                   "ar")
    assert dates["الحادي والعشرين من نوفمبر/تشرين الثاني"] == "2025-11-21"
    assert dates["السادس من يوليو/تموز"] == "2025-07-06"


# ----------------------------------------------------------------------------- relative dates and weekdays
@pytest.mark.parametrize(("phrase", "value"), [
    ("فجر أمس الثلاثاء", "2025-11-11"),
    ("مساء الاثنين", "2025-11-10"),
    ("مساء غد الخميس", "2025-11-13"),
    ("يوم الجمعة الماضي", "2025-11-07"),
    ("الأحد المقبل", "2025-11-16"),
    ("العام الماضي", "2024"),
    ("الشهر المقبل", "2025-12"),
    ("مطلع الشهر المقبل", "2025-12"),
    ("نهاية أغسطس/آب الماضي", "2025-08"),
    ("منذ مطلع العام", "2025"),
    ("الأسبوع الماضي", "2025-11-01/2025-11-07"),
    ("يوليو", "2025-07"),
    ("أبريل/نيسان الماضي", "2025-04"),
])
def test_arabic_relative_dates_resolve_against_the_dateline(phrase, value):
    lines = [AR_WED, f"وأضافت أن الحادث وقع {phrase} في المنطقة."]
    assert _line_dates(lines, "ar", 1) == [value]
    assert _line_dates(lines, "ar", 0) == ["2025-11-12"]


@pytest.mark.parametrize(("phrase", "value"), [
    ("دیروز", "2025-11-10"),
    ("عصر امروز", "2025-11-11"),
    ("فردا چهارشنبه", "2025-11-12"),
    ("چهارشنبه گذشته", "2025-11-05"),
    ("هفته گذشته", "2025-11-01/2025-11-07"),
    ("سال گذشته میلادی", "2024"),
    ("سال گذشته", "2024-03-20/2025-03-20"),  # Iranian outlets count years in the Jalali calendar
    ("۳ مرداد ماه", "2025-07-25"),
    ("پایان شهریور", "2025-09-22"),
])
def test_persian_relative_dates_resolve_against_the_articles_date(phrase, value):
    assert _line_dates([FA_TUE, f"این موضوع {phrase} اعلام شد."], "fa", 1) == [value]


def test_note_says_how_a_relative_date_was_resolved():
    notes = _notes([AR_WED, "ووقع الزلزال فجر أمس الثلاثاء."], "ar")
    assert notes["أمس الثلاثاء"] == "yesterday of 2025-11-12 (the article's date)"


def test_a_full_date_given_as_yesterday_makes_the_article_the_next_day():
    lines = ["لاهاي - (وكالات): قضت المحكمة في رأي أصدرته أمس الأربعاء 22 أكتوبر/تشرين الأول 2025 بأن",
             "وكانت الجمعية العامة قد طلبت الرأي في العاشر من أكتوبر/تشرين الأول الجاري، واليوم الخميس تبدأ المشاورات."]
    dates = _dates(lines, "ar")
    assert dates["العاشر من أكتوبر/تشرين الأول الجاري"] == "2025-10-10"
    assert dates["واليوم الخميس"] == "2025-10-23"


def test_a_weekday_with_today_moves_the_article_off_the_event_day():
    # the full date is Friday's vote; «امروز شنبه» says the article came out on Saturday
    lines = ["به گزارش ایرنا، سخنگوی ستاد انتخابات امروز شنبه اعلام کرد در انتخابات روز جمعه ۲۶ اردیبهشت ۱۴۰۴ "
             "بیش از ۲۶ میلیون نفر رأی دادند.", "صبح جمعه رأی‌گیری آغاز شد و روز دوشنبه نتایج نهایی اعلام می‌شود."]
    dates = _dates(lines, "fa")
    assert dates["امروز شنبه"] == "2025-05-17"
    assert dates["جمعه"] == "2025-05-16"
    assert dates["روز دوشنبه"] == "2025-05-19"


def test_without_the_articles_date_relative_values_stay_relative():
    dates = _dates(["قال المسؤول إن الهجوم وقع أمس الجمعة، وإن الخسائر تجاوزت خسائر العام الماضي وشهر يوليو."], "ar")
    assert dates == {"أمس الجمعة": "weekday:friday", "العام الماضي": "relative:last-year", "يوليو": "--07"}


@pytest.mark.parametrize(("line", "lang"), [
    ("وفي اليوم الأول من المعرض زاره آلاف.", "ar"),  # «اليوم الأول»: the first day, not today
    ("امام جمعه تهران در خطبه‌های نماز جمعه گفت.", "fa"),  # the Friday prayer is no date
    ("دو سال پیش این طرح آغاز شد.", "fa"),  # two years ago, not last year
    ("وتضرر في 2000 منزل.", "ar"),  # a count after «في», not a year
])
def test_not_dates(line, lang):
    assert _dates([FA_TUE if lang == "fa" else AR_WED, line], lang).keys() <= {
        AR_WED[AR_WED.index("اليوم"):AR_WED.index(" حصيلة")], FA_TUE[FA_TUE.index("امروز"):FA_TUE.index(" کرمانشاه")]}


# ----------------------------------------------------------------------------- years
@pytest.mark.parametrize(("line", "lang", "years"), [
    ("وكان المعرض قد أُلغي في 2020 بسبب الجائحة قبل أن يُستأنف في 2022.", "ar", ["2020", "2022"]),
    ("أصابت الكوليرا مليوني يمني بين عامي 2016 و2021.", "ar", ["2016", "2021"]),
    ("وفاز بأكبر عدد من المقاعد في انتخابات 2021 قبل أن ينسحب.", "ar", ["2021"]),
    ("وكان بطل أولمبياد باريس 2024، قد تغلب على منافسه.", "ar", ["2024"]),
    ("گفت برای المپیک ۲۰۲۸ آماده می‌شود.", "fa", ["2028"]),
])
def test_years_without_a_year_word(line, lang, years):
    assert list(_dates([line], lang).values()) == years


# ----------------------------------------------------------------------------- comparing two articles
def _compare(ar_lines, fa_lines, pairs):
    return check_facts(_segments(ar_lines), _segments(fa_lines), [Pair((a,), (b,), 1.0, 1.0) for a, b in pairs])


AR_SAT = ["طهران - السبت 13 ديسمبر/كانون الأول 2025 (وكالات): أعلنت السلطات حصيلة الزلزال.",
          "ووقع الزلزال أمس الجمعة في محافظة كرمانشاه."]


def test_yesterday_and_the_jalali_date_are_the_same_day():
    report = _compare(AR_SAT, ["به گزارش ایرنا، زمین‌لرزه جمعه ۲۱ آذر ۱۴۰۴ در کرمانشاه رخ داد."], [(1, 0)])
    (pair,) = report.pairs
    # the same day (converted from the Jalali date), not only the same weekday
    assert [(report.left[m.left].text, report.right[m.right].text, m.relation) for m in pair.shared
            if m.kind == "date"] == [("أمس الجمعة", "جمعه ۲۱ آذر ۱۴۰۴", "converted")]
    assert not pair.conflicts


def test_yesterday_and_another_jalali_date_conflict():
    report = _compare(AR_SAT, ["به گزارش ایرنا، زمین‌لرزه جمعه ۱۴ آذر ۱۴۰۴ در کرمانشاه رخ داد."], [(1, 0)])
    (pair,) = report.pairs
    assert [(report.left[m.left].text, report.right[m.right].text, m.relation) for m in pair.conflicts] == [
        ("أمس الجمعة", "جمعه ۱۴ آذر ۱۴۰۴", "2025-12-12 ≠ 2025-12-05")]


def test_yearless_dates_in_both_articles_take_the_year_of_their_article():
    # articles of early February 2026: 12 November and 21 Aban are both 2025-11-12, not a year apart
    ar = ["القاهرة - الثلاثاء 3 فبراير/شباط 2026 (وكالات): أعلنت اللجنة النتائج.",
          "وكانت الانتخابات قد جرت في 12 نوفمبر."]
    fa = ["به گزارش ایرنا، امروز سه‌شنبه ۱۴ بهمن ۱۴۰۴ نتایج اعلام شد.", "انتخابات ۲۱ آبان برگزار شده بود."]
    report = _compare(ar, fa, [(1, 1)])
    (pair,) = report.pairs
    assert [(report.left[m.left].value, report.right[m.right].value)
            for m in pair.shared] == [("2025-11-12", "2025-11-12")]
    assert not pair.conflicts


def test_last_year_and_this_year_are_not_one_date_in_conflict():
    report = _compare(["طهران - الثلاثاء 5 أغسطس/آب 2025: قالت الحكومة.",
                       "تراجع الإنتاج مقابل 12 مليوناً في العام الماضي."],
                      ["به گزارش ایسنا، روز سه‌شنبه ۱۴ مرداد ۱۴۰۴ سخنگو گفت.", "تولید گندم امسال ۱۱ میلیون تن است."],
                      [(1, 1)])
    assert not [m for m in report.pairs[0].conflicts if m.kind == "date"]


def test_a_weekday_alone_is_no_conflict_with_a_date_that_names_no_weekday():
    # «الرابع عشر من ديسمبر» is when the talks resume, «روز جمعه» when the quake hit: two days, not one day twice
    report = _compare(AR_SAT + ["وتستأنف المحادثات في الرابع عشر من ديسمبر/كانون الأول الجاري."],
                      ["به گزارش ایرنا، امروز شنبه ۲۲ آذر ۱۴۰۴ آمار تازه اعلام شد.",
                       "روز جمعه در کرمانشاه زمین‌لرزه رخ داد و مذاکرات از سر گرفته می‌شود."],
                      [(2, 1)])
    assert [f.value for f in report.left if f.segment == 2] == ["2025-12-14"]
    assert [f.value for f in report.right if f.segment == 1] == ["2025-12-12"]
    assert not report.pairs[0].conflicts
