"""Dates in three calendars, weekdays and relative dates, as ISO 8601 values.

- Gregorian months as Arabic writes them (يناير … ديسمبر and كانون الثاني … كانون الأول, also both at once:
  «نوفمبر/تشرين الثاني») and as Persian writes them (ژانویه … دسامبر); Jalali months (فروردین … اسفند,
  ``تیرماه``); Hijri lunar months (محرم … ذو الحجة). Jalali dates are converted with ``jdatetime``, Hijri
  dates with ``hijridate`` (Umm al-Qura, years 1343–1500). A day is a number (``17 صفر``), a Persian
  ordinal (``دوم تیر``) or an Arabic one followed by من (``العشرين من صفر``).
- A day is ``YYYY-MM-DD``, a month ``YYYY-MM``, a year ``YYYY``; a range, a week or a non-Gregorian month
  is ``start/end`` (ISO 8601 interval). ``span`` always holds the first and last Gregorian day.
- **The article's date** (:func:`article_date`): the first full date (day, month and year, any calendar)
  in the first :data:`REFERENCE_SEGMENTS` segments (headline, dateline, lead; at most their first
  :data:`REFERENCE_TOKENS` words), preferring one written with
  «اليوم/أمس/امروز/دیروز…» and then one with a weekday. A full date given as yesterday («أمس الأربعاء 22
  أكتوبر») makes the article the day after. Without such a word, the first weekday written with
  «اليوم/امروز» (or «أمس/دیروز», «غدا/فردا») anywhere in the article moves it to the nearest day with that
  weekday (at most three days: the full date was the event, the article came out the next day).
- Against the article's date, and ``note`` says so: relative days and periods («أمس», «دیروز», «العام
  الماضي», «ماه گذشته», «الأسبوع المقبل»); a weekday alone (the nearest such day, at most three days
  away; the one before with «الماضي/گذشته», after with «المقبل/آینده»); a month or day without a year
  (the year whose month is nearest the article's date; before it with «الماضي», after with «المقبل»).
  Persian relative years and months are Jalali unless «میلادی» follows; weeks start on Saturday.
  «ابتدای/پایان» (start/end) of a Jalali or Hijri month or year is its first/last day; of a Gregorian
  one, and «أواخر/اواسط…» of any, keep the period.
- Without the article's date: a date without a year takes the year of the closest earlier full date of
  the same calendar in the document (``note``: year from context), else stays year-less (``--10-16``);
  weekdays stay ``weekday:monday`` and relative dates ``relative:last-year``, ``relative:last-january``,
  ``relative:yesterday``.
- Ambiguous month words (تیر "arrow", مهر "seal", دی, آب "water", صفر "zero", رجب a name …) count
  only next to a day or a year, with ``ماه``/``شهر``, a part word («اواخر») or «الماضي/المقبل».
- A year alone needs a cue: «عام/سنة/سال», an era (``م``, ``هـ``, ``میلادی``), «في/منذ/حتى», an event
  («انتخابات 2021», «أولمبياد باريس 2024», «المپیک ۲۰۲۸») or a year before it («عامي 2016 و2021»).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ._lex import DASHES, Token, ascii_digits, forms, norm, normalise_table
from .model import Fact

GREGORIAN = {
    "يناير": 1, "فبراير": 2, "مارس": 3, "أبريل": 4, "ابريل": 4, "إبريل": 4, "مايو": 5, "يونيو": 6, "يونيه": 6,
    "يوليو": 7, "يوليه": 7, "أغسطس": 8, "اغسطس": 8, "سبتمبر": 9, "أكتوبر": 10, "اكتوبر": 10, "نوفمبر": 11,
    "ديسمبر": 12, "شباط": 2, "آذار": 3, "نيسان": 4, "أيار": 5, "حزيران": 6, "تموز": 7, "آب": 8, "أيلول": 9,
    "ژانویه": 1, "ژانویهٔ": 1, "فوریه": 2, "آوریل": 4, "مه": 5, "می": 5, "ژوئن": 6, "ژوئیه": 7, "جولای": 7,
    "اوت": 8, "آگوست": 8, "سپتامبر": 9, "اکتبر": 10, "نوامبر": 11, "دسامبر": 12,
}
GREGORIAN_TWO = {("كانون", "الثاني"): 1, ("تشرين", "الأول"): 10, ("تشرين", "الثاني"): 11, ("كانون", "الأول"): 12}
JALALI = {
    "فروردین": 1, "اردیبهشت": 2, "خرداد": 3, "تیر": 4, "مرداد": 5, "امرداد": 5, "شهریور": 6, "مهر": 7,
    "آبان": 8, "آذر": 9, "دی": 10, "بهمن": 11, "اسفند": 12,
}
HIJRI = {
    "محرم": 1, "صفر": 2, "رجب": 7, "شعبان": 8, "رمضان": 9, "شوال": 10,
}
HIJRI_TWO = {
    ("ربيع", "الأول"): 3, ("ربيع", "الثاني"): 4, ("ربيع", "الآخر"): 4, ("جمادى", "الأولى"): 5, ("جمادى", "الآخرة"): 6,
    ("جمادى", "الثانية"): 6, ("ذو", "القعدة"): 11, ("ذو", "الحجة"): 12, ("ذي", "القعدة"): 11, ("ذي", "الحجة"): 12,
    ("ربیع", "الاول"): 3, ("ربیع", "الثانی"): 4, ("جمادی", "الاول"): 5, ("جمادی", "الثانی"): 6, ("ذی", "القعده"): 11,
    ("ذی", "الحجه"): 12,
}
HIJRI_ONE = {"ربیعالاول": 3, "ربیعالثانی": 4, "جمادیالاول": 5, "جمادیالثانی": 6, "ذیالقعده": 11, "ذیالحجه": 12}
WEAK_MONTHS = {norm(w) for w in ("تیر", "مهر", "دی", "آذر", "آب", "مه", "می", "صفر", "رجب", "محرم", "شعبان", "رمضان",
                                 "شوال", "خرداد", "بهمن", "مارس", "اوت", "آبان")}

WEEKDAYS = normalise_table({
    "الاثنين": "monday", "الإثنين": "monday", "الثلاثاء": "tuesday", "الأربعاء": "wednesday", "الخميس": "thursday",
    "الجمعة": "friday", "السبت": "saturday", "الأحد": "sunday",
    "دوشنبه": "monday", "سهشنبه": "tuesday", "چهارشنبه": "wednesday", "پنجشنبه": "thursday", "جمعه": "friday",
    "شنبه": "saturday", "یکشنبه": "sunday",
})
WEEKDAY_FIRST = normalise_table({"سه": "tuesday", "پنج": "thursday", "چهار": "wednesday",
                                 "یک": "sunday", "دو": "monday"})
WEEKDAY_INDEX = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}

DAY_ORDINALS = normalise_table({
    "یکم": 1, "اول": 1, "دوم": 2, "سوم": 3, "چهارم": 4, "پنجم": 5, "ششم": 6, "هفتم": 7, "هشتم": 8, "نهم": 9,
    "دهم": 10, "یازدهم": 11, "دوازدهم": 12, "سیزدهم": 13, "چهاردهم": 14, "پانزدهم": 15, "شانزدهم": 16,
    "هفدهم": 17, "هجدهم": 18, "هیجدهم": 18, "نوزدهم": 19, "بیستم": 20, "سیام": 30, "سیویکم": 31,
})
for _i, _w in enumerate(("یکم", "دوم", "سوم", "چهارم", "پنجم", "ششم", "هفتم", "هشتم", "نهم"), start=21):
    DAY_ORDINALS[norm("بیستو" + _w)] = _i
# Arabic day ordinals, written before «من» and the month: «السادس من يوليو», «الحادي والعشرين من صفر»
AR_ORDINAL_UNITS = normalise_table({
    "الأول": 1, "الحادي": 1, "الثاني": 2, "الثالث": 3, "الرابع": 4, "الخامس": 5, "السادس": 6, "السابع": 7,
    "الثامن": 8, "التاسع": 9,
})
AR_ORDINAL_TENS = normalise_table({"العاشر": 10, "العشرين": 20, "العشرون": 20, "الثلاثين": 30, "الثلاثون": 30})
AR_ORDINAL_AFTER_UNIT = normalise_table({"عشر": 10, "والعشرين": 20, "والعشرون": 20, "والثلاثين": 30, "والثلاثون": 30})
OF = norm("من")

RELATIVE = [  # (words, value), longest first when matching
    (("العام", "الماضي"), "last-year"), (("السنة", "الماضية"), "last-year"), (("العام", "المقبل"), "next-year"),
    (("العام", "القادم"), "next-year"), (("الشهر", "الماضي"), "last-month"), (("الشهر", "المقبل"), "next-month"),
    (("الأسبوع", "الماضي"), "last-week"), (("الأسبوع", "المقبل"), "next-week"), (("العام", "الحالي"), "this-year"),
    (("هذا", "العام"), "this-year"), (("أمس",), "yesterday"), (("الأمس",), "yesterday"), (("غدا",), "tomorrow"),
    (("اليوم",), "today"), (("سال", "گذشته"), "last-year"), (("سال", "قبل"), "last-year"), (("پارسال",), "last-year"),
    (("سال", "آینده"), "next-year"), (("سال", "آتی"), "next-year"), (("سال", "جاری"), "this-year"),
    (("امسال",), "this-year"), (("ماه", "گذشته"), "last-month"), (("ماه", "آینده"), "next-month"),
    (("هفته", "گذشته"), "last-week"), (("هفته", "آینده"), "next-week"), (("دیروز",), "yesterday"),
    (("امروز",), "today"), (("فردا",), "tomorrow"), (("العام", "المنصرم"), "last-year"),
    (("العام", "الجاري"), "this-year"), (("السنة", "الجارية"), "this-year"), (("السنة", "الحالية"), "this-year"),
    (("السنة", "المقبلة"), "next-year"), (("الشهر", "الجاري"), "this-month"), (("الشهر", "الحالي"), "this-month"),
    (("هذا", "الشهر"), "this-month"), (("الشهر", "القادم"), "next-month"), (("الشهر", "المنصرم"), "last-month"),
    (("الأسبوع", "القادم"), "next-week"), (("الأسبوع", "الجاري"), "this-week"), (("هذا", "الأسبوع"), "this-week"),
    (("الأسبوع", "المنصرم"), "last-week"), (("ماه", "جاری"), "this-month"), (("ماه", "پیش"), "last-month"),
    (("هفته", "جاری"), "this-week"), (("هفته", "پیش"), "last-week"), (("هفته", "قبل"), "last-week"),
    (("سال", "پیش"), "last-year"), (("غد",), "tomorrow"), (("الغد",), "tomorrow"), (("امشب",), "today"),
    (("دیشب",), "yesterday"), (("أول", "أمس"), "day-before-yesterday"), (("أمس", "الأول"), "day-before-yesterday"),
    (("بعد", "غد"), "day-after-tomorrow"), (("پریروز",), "day-before-yesterday"), (("پسفردا",), "day-after-tomorrow"),
]
RELATIVE = sorted(((tuple(norm(w) for w in ws), v) for ws, v in RELATIVE), key=lambda r: -len(r[0]))
RELATIVE_BY_FIRST: dict[str, list[tuple[tuple[str, ...], str]]] = {}
for _words, _v in RELATIVE:  # longest first within each list
    RELATIVE_BY_FIRST.setdefault(_words[0], []).append((_words, _v))
DAY_OFFSETS = {"today": 0, "yesterday": -1, "tomorrow": 1, "day-before-yesterday": -2, "day-after-tomorrow": 2}
PERIOD_OFFSETS = {"last": -1, "this": 0, "next": 1}
# «اليوم» is "the day" before these, not "today": «اليوم الأول», «اليوم التالي», «اليوم العالمي للمرأة»
NOT_TODAY = {norm(w) for w in ("الأول", "الثاني", "الثالث", "الرابع", "الخامس", "الأخير", "التالي", "السابق",
                               "العالمي", "الوطني", "نفسه", "ذاته", "الموعود", "المحدد")}
# «دو سال پیش» is two years ago, «۶ ماه گذشته» the past six months
COUNTS = {norm(w) for w in ("یک", "دو", "سه", "چهار", "پنج", "شش", "هفت", "هشت", "نه", "ده", "چند", "چندین")}
# «نماز جمعه», «امام جمعه», «صلاة الجمعة»: the Friday prayer and its leader, not a day
NOT_A_DAY_BEFORE = {norm(w) for w in ("نماز", "امام", "خطیب", "خطبه", "خطبههای", "ائمه", "صلاة", "خطبة", "إمام",
                                      "صلاه", "لصلاة", "وصلاة")}
PAST = {norm(w) for w in ("الماضي", "الماضية", "المنصرم", "المنصرمة", "گذشته", "پیش", "قبل")}
NEXT = {norm(w) for w in ("المقبل", "القادم", "المقبلة", "القادمة", "آینده")}
CURRENT = {norm(w) for w in ("الجاري", "الحالي", "الجارية", "الحالية", "جاری")}
# a part of a period written before it; "start"/"end" of a Jalali or Hijri period are its first/last day
PARTS = normalise_table({
    "بداية": "start", "مطلع": "start", "ابتدای": "start", "ابتدا": "start", "آغاز": "start", "اوائل": "early",
    "أوائل": "early", "اوایل": "early", "منتصف": "mid", "أواسط": "mid", "اواسط": "mid", "نیمه": "mid",
    "أواخر": "late", "اواخر": "late", "نهاية": "end", "پایان": "end", "انتهای": "end",
})
PART_NOTES = {"start": "the start of the {}", "early": "early in the {}", "mid": "the middle of the {}",
              "late": "late in the {}", "end": "the end of the {}"}
PERIOD_WORDS = normalise_table({"العام": "year", "السنة": "year", "سال": "year", "الشهر": "month", "ماه": "month"})
# a word of the time of day between a weekday and its date: «دوشنبه شب ۲۹ بهمن»
TIME_OF_DAY = {norm(w) for w in ("شب", "صبح", "عصر", "ظهر", "بامداد", "شامگاه", "مساء", "صباح", "ظهر", "فجر")}
MONTH_NAMES_EN = ["", "january", "february", "march", "april", "may", "june", "july", "august", "september",
                  "october", "november", "december"]
JALALI_EN = ["", "Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar", "Mehr", "Aban", "Azar", "Dey",
             "Bahman", "Esfand"]
HIJRI_EN = ["", "Muharram", "Safar", "Rabi I", "Rabi II", "Jumada I", "Jumada II", "Rajab", "Shaban", "Ramadan",
            "Shawwal", "Dhu al-Qadah", "Dhu al-Hijjah"]
ERA = {norm(w): c for w, c in (("م", "gregorian"), ("ميلادي", "gregorian"), ("میلادی", "gregorian"),
                               ("هـ", "hijri"), ("ه", "hijri"), ("هجري", "hijri"), ("قمری", "hijri"),
                               ("ش", "jalali"), ("شمسی", "jalali"), ("خورشیدی", "jalali"), ("هجریشمسی", "jalali"))}
MILADI = {norm("میلادی"), norm("ميلادي")}
YEAR_CUES = {norm(w) for w in ("عام", "العام", "سنة", "سال", "لعام", "وعام", "بعام", "فيعام", "درسال", "عامي",
                               "سنتي")}
# before a bare four-digit year: «في 2020», «انتخابات 2021», «أولمبياد باريس 2024» (one word between),
# «المپیک ۲۰۲۸», «رقابت‌های جهانی ۲۰۲۳»
BARE_YEAR_BEFORE = {norm(w) for w in ("في", "منذ", "حتى", "بحلول", "لغاية")}
YEAR_EVENTS = {norm(w) for w in ("انتخابات", "أولمبياد", "اولمبياد", "مونديال", "كأس", "بطولة", "إكسبو", "رؤية",
                                 "المپیک", "جهانی", "جام", "اکسپو", "چشمانداز")}
CLAUSE_WORDS = {norm(w) for w in ("بسبب", "قبل", "بعد", "حين", "عندما", "حيث", "ثم", "لكن", "وقد", "كما", "إثر",
                                   "عقب", "بينما", "وفي", "مع", "خلال", "حتى", "إلى", "الى", "و")}
BARE_YEARS = (1900, 2100)
RANGE_WORDS = {norm(w) for w in ("و", "إلى", "الى", "حتى", "تا", "لغاية")}
MAH = norm("ماه")
REFERENCE_SEGMENTS = 4  # headline, dateline and lead: where an article gives its own date
REFERENCE_TOKENS = 300  # of those, the first words only (a long unpunctuated text is one segment)

GREG = normalise_table(GREGORIAN)
JAL = normalise_table(JALALI)
HIJ = normalise_table({**HIJRI, **HIJRI_ONE})
G2 = {tuple(norm(w) for w in k): v for k, v in GREGORIAN_TWO.items()}
H2 = {tuple(norm(w) for w in k): v for k, v in HIJRI_TWO.items()}
DAY_WORDS = {norm("يوم"), norm("روز")}


class DateContext:
    """What a document says about its dates: the last full year seen per calendar (for dates written
    without a year when the article gives no date of its own) and the article's date (:func:`article_date`)."""

    def __init__(self, reference: dt.date | None = None) -> None:
        self.years: dict[str, int] = {}
        self.reference = reference

    @property
    def article(self) -> str:
        return f"{self.reference.isoformat()} (the article's date)" if self.reference else ""


def _to_int(tok: Token) -> int | None:
    if tok.kind != "num" or not ascii_digits(tok.text).isdigit():
        return None
    return int(ascii_digits(tok.text))


def _month_at(tokens: list[Token], i: int, lang: str) -> tuple[str, int, int] | None:
    """(calendar, month, tokens used) for a month name at ``tokens[i]``."""
    if i >= len(tokens) or tokens[i].kind != "word":
        return None
    w = tokens[i].norm
    if i + 1 < len(tokens):
        pair = (w, tokens[i + 1].norm)
        for table, cal in ((G2, "gregorian"), (H2, "hijri")):
            for f in forms(pair[0]):
                if (f, pair[1]) in table:
                    return cal, table[(f, pair[1])], 2
    cands = [w] + [f for f in forms(w)[1:] if len(f) >= 3]
    for f in cands:
        if f.endswith(MAH) and len(f) > len(MAH) and f[: -len(MAH)] in JAL:
            return "jalali", JAL[f[: -len(MAH)]], 1
        for names, cal in ((JAL, "jalali"), (GREG, "gregorian"), (HIJ, "hijri")):
            if f in names:
                if cal == "gregorian" and lang == "fa" and f in {norm("آب")}:
                    continue
                if cal == "jalali" and lang == "ar" and f in {norm("آذار")}:
                    continue
                used = 1
                if i + 1 < len(tokens) and tokens[i + 1].norm == MAH and cal == "jalali":
                    used = 2
                return cal, names[f], used
    return None


def _dual_month(tokens: list[Token], text: str, k: int, cal: str, m: int, lang: str) -> int:
    """Tokens of a second name of the same month after a slash: «نوفمبر/تشرين الثاني», «يونيو/حزيران»."""
    if k >= len(tokens) or cal != "gregorian" or text[tokens[k - 1].end:tokens[k].start].strip() != "/":
        return 0
    other = _month_at(tokens, k, lang)
    return other[2] if other and other[:2] == (cal, m) else 0


def _span_days(cal: str, y: int, m: int, d: int | None) -> tuple[dt.date, dt.date]:
    if cal == "gregorian":
        if d:
            day = dt.date(y, m, d)
            return day, day
        first = dt.date(y, m, 1)
        nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
        return first, nxt - dt.timedelta(days=1)
    if cal == "jalali":
        import jdatetime

        if d:
            day = jdatetime.date(y, m, d).togregorian()
            return day, day
        first = jdatetime.date(y, m, 1).togregorian()
        nxt = jdatetime.date(y + (m == 12), m % 12 + 1, 1).togregorian()
        return first, nxt - dt.timedelta(days=1)
    from hijridate import Hijri

    if d:
        day = Hijri(y, m, d).to_gregorian()
        day = dt.date(day.year, day.month, day.day)
        return day, day
    first = Hijri(y, m, 1).to_gregorian()
    first = dt.date(first.year, first.month, first.day)
    return first, first + dt.timedelta(days=Hijri(y, m, 1).month_length() - 1)


def _year_span(cal: str, y: int) -> tuple[dt.date, dt.date]:
    if cal == "gregorian":
        return dt.date(y, 1, 1), dt.date(y, 12, 31)
    a, _ = _span_days(cal, y, 1, None)
    _, b = _span_days(cal, y, 12, None)
    return a, b


def _in_calendar(cal: str, day: dt.date) -> tuple[int, int]:
    """(year, month) of a Gregorian ``day`` in calendar ``cal``."""
    if cal == "jalali":
        import jdatetime

        j = jdatetime.date.fromgregorian(date=day)
        return j.year, j.month
    if cal == "hijri":
        from hijridate import Gregorian

        h = Gregorian(day.year, day.month, day.day).to_hijri()
        return h.year, h.month
    return day.year, day.month


def _year_near(cal: str, m: int, d: int | None, ref: dt.date, direction: str | None) -> int | None:
    """The year of month ``m`` (day ``d``) of calendar ``cal`` nearest ``ref``; the last one before it
    (``direction`` "last") or the first one after it ("next")."""
    base = _in_calendar(cal, ref)[0]
    found = []
    for y in (base - 1, base, base + 1):
        try:
            a, b = _span_days(cal, y, m, d)
        except Exception:  # no 30 Esfand this year, no 29 February
            continue
        if (direction == "last" and b >= ref) or (direction == "next" and a <= ref):
            continue
        gap = 0 if a <= ref <= b else min(abs((a - ref).days), abs((b - ref).days))
        found.append((gap, y != base, y))
    if not found:
        return None
    if direction == "last":
        return max(y for _, _, y in found)
    if direction == "next":
        return min(y for _, _, y in found)
    return min(found)[2]


def _value(cal: str, y: int | None, m: int | None, d: int | None, a: dt.date | None, b: dt.date | None,
           m2: int | None = None, d2: int | None = None) -> str:
    if y is None:
        if m is None:
            return ""
        v = f"--{m:02d}" + (f"-{d:02d}" if d else "")
        if m2 or d2:
            v += f"/--{(m2 or m):02d}" + (f"-{d2:02d}" if d2 else "")
        return v
    if cal == "gregorian" and not (m2 or d2):
        if d:
            return f"{y:04d}-{m:02d}-{d:02d}"
        if m:
            return f"{y:04d}-{m:02d}"
        return f"{y:04d}"
    if cal == "gregorian" and m2 and not d and not d2:
        return f"{y:04d}-{m:02d}/{y:04d}-{m2:02d}"
    if a and b:
        if a == b:
            return a.isoformat()
        return f"{a.isoformat()}/{b.isoformat()}"
    return ""


def _calendar_name(cal, m):
    return {"jalali": JALALI_EN, "hijri": HIJRI_EN, "gregorian": [s.title() for s in MONTH_NAMES_EN]}[cal][m]


def _join(*notes: str) -> str:
    return "; ".join(n for n in notes if n)


# ----------------------------------------------------------------------------------------
# The article's date
# ----------------------------------------------------------------------------------------


def article_date(segments: Sequence[tuple[list[Token], str, int]], lang: str) -> dt.date | None:
    """The date an article gives itself (see the module doc), from its segments as (tokens, text, base)
    in reading order; None when its first segments hold no full date."""
    scratch = DateContext()
    full: list[Fact] = []
    budget = REFERENCE_TOKENS
    for tokens, text, base in segments[:REFERENCE_SEGMENTS]:
        tokens, budget = tokens[:budget], budget - len(tokens)
        if not tokens:
            break
        found = extract_numeric_dates(tokens, text, base=base) + extract_dates(tokens, text, lang=lang, ctx=scratch,
                                                                              base=base)
        full += [f for f in found
                 if f.unit == "day" and f.extra.get("year_given") and f.span and f.span[0] == f.span[1]]
    if not full:
        return None
    best = min(full, key=lambda f: (not f.extra.get("relative"), not f.extra.get("weekday"), f.doc_start))
    assert best.span is not None  # kept above
    day = dt.date.fromisoformat(best.span[0])
    if best.extra.get("relative") in DAY_OFFSETS:
        return day - dt.timedelta(days=DAY_OFFSETS[best.extra["relative"]])
    said = _first_relative_weekday(tokens for tokens, _, _ in segments)
    if said is None:
        return day
    weekday, offset = said
    # the article's own weekday is that day's, shifted back: «أمس الجمعة» is written on a Saturday
    wanted = (WEEKDAY_INDEX[weekday] - offset) % 7
    return day + dt.timedelta(days=(wanted - day.weekday() + 3) % 7 - 3)


def _first_relative_weekday(segments: Iterable[list[Token]]) -> tuple[str, int] | None:
    """(weekday, day offset) of the first «اليوم السبت», «أمس الجمعة», «فردا یکشنبه» in the article."""
    for tokens in segments:
        for i in range(len(tokens)):
            rel = _relative_at(tokens, i)
            if rel and rel[0] in DAY_OFFSETS:
                wk = _weekday_at(tokens, _skip_paren(tokens, rel[1]))
                if wk:
                    return wk[0], DAY_OFFSETS[rel[0]]
    return None


# ----------------------------------------------------------------------------------------
# Extraction
# ----------------------------------------------------------------------------------------


def extract_dates(tokens: list[Token], text: str, *, lang: str, ctx: DateContext, segment: int = -1,
                  base: int = 0) -> list[Fact]:
    facts: list[Fact] = []
    i, n = 0, len(tokens)
    while i < n:
        got = _date_at(tokens, i, text, lang=lang, ctx=ctx, segment=segment, base=base)
        if got:
            fact, j = got
            facts.append(fact)
            i = j
            if fact.unit == "year" and (listed := _listed_year(tokens, j, text, fact, segment, base)):
                facts.append(listed)
                i = j + 2
        else:
            i += 1
    return facts


def _weekday_at(tokens, i) -> tuple[str, int] | None:
    if i >= len(tokens) or tokens[i].kind != "word":
        return None
    w = tokens[i].norm
    for f in forms(w):
        if f in WEEKDAYS:
            return WEEKDAYS[f], i + 1
    if w in WEEKDAY_FIRST and i + 1 < len(tokens) and tokens[i + 1].norm == norm("شنبه"):
        return WEEKDAY_FIRST[w], i + 2
    return None


def _day_at(tokens, i) -> tuple[int, int] | None:
    if i >= len(tokens):
        return None
    v = _to_int(tokens[i])
    if v is not None and 1 <= v <= 31 and len(ascii_digits(tokens[i].text)) <= 2:
        return v, i + 1
    if tokens[i].kind == "word" and tokens[i].norm in DAY_ORDINALS:
        return DAY_ORDINALS[tokens[i].norm], i + 1
    return _arabic_ordinal_day_at(tokens, i)


def _arabic_ordinal_day_at(tokens, i) -> tuple[int, int] | None:
    """«السادس من», «الحادي عشر من», «العشرين من», «الحادي والعشرين من»: (day, index after من)."""
    w = tokens[i].norm
    if w in AR_ORDINAL_TENS:
        d, k = AR_ORDINAL_TENS[w], i + 1
    elif w in AR_ORDINAL_UNITS:
        d, k = AR_ORDINAL_UNITS[w], i + 1
        if k < len(tokens) and tokens[k].norm in AR_ORDINAL_AFTER_UNIT:
            d, k = d + AR_ORDINAL_AFTER_UNIT[tokens[k].norm], k + 1
        elif w == norm("الحادي"):
            return None
    else:
        return None
    if d > 31 or k >= len(tokens) or tokens[k].norm != OF:
        return None
    return d, k + 1


def _year_at(tokens, i) -> tuple[int, int] | None:
    if i >= len(tokens):
        return None
    v = _to_int(tokens[i])
    if v is not None and 1000 <= v <= 2200 and len(ascii_digits(tokens[i].text)) == 4:
        return v, i + 1
    return None


def _era_at(tokens, i) -> tuple[str, int] | None:
    if i < len(tokens) and tokens[i].kind == "word":
        w = tokens[i].norm
        if w in ERA:
            j = i + 1
            while j < len(tokens) and tokens[j].text == ".":
                j += 1  # ه.ش.
                if j < len(tokens) and tokens[j].norm in ERA and len(tokens[j].norm) == 1:
                    if ERA.get(tokens[j].norm) == "jalali":
                        return "jalali", j + 1
                    j += 1
            return ERA[w], j if j > i + 1 and tokens[j - 1].text == "." else i + 1
    return None


def _relative_at(tokens, i) -> tuple[str, int] | None:
    if i >= len(tokens) or tokens[i].kind != "word":
        return None
    # the first word may carry a clitic («وأمس»), the others are as listed
    cands = [c for f in forms(tokens[i].norm) for c in RELATIVE_BY_FIRST.get(f, ())]
    for words, value in sorted(cands, key=lambda c: -len(c[0])):
        k = len(words)
        if i + k <= len(tokens) and all(tokens[i + x].norm == words[x] for x in range(1, k)):
            if value == "today" and i + k < len(tokens) and tokens[i + k].norm in NOT_TODAY:
                return None
            return value, i + k
    return None


def _direction_at(tokens, k) -> str | None:
    if k < len(tokens):
        w = tokens[k].norm
        if w in PAST:
            return "last"
        if w in NEXT:
            return "next"
        if w in CURRENT:
            return "this"
    return None


def _skip_paren(tokens, j) -> int:
    """Past an opening parenthesis before a weekday or a date: «امروز دوشنبه (۱۲ خرداد ۱۴۰۴)»."""
    if j < len(tokens) and tokens[j].text == "(" and (_weekday_at(tokens, j + 1) or _day_at(tokens, j + 1)):
        return j + 1
    return j


def _part_at(tokens, i) -> str | None:
    return PARTS.get(tokens[i].norm) if tokens[i].kind == "word" else None


@dataclass
class _Lead:
    """The words before a date's day and month: a part («مطلع»), a relative day («أمس»), a weekday
    («يوم الجمعة»), an opening parenthesis; or a relative period («العام الماضي») on its own."""

    start: int  # the first token
    part: str | None = None
    day_word: str | None = None  # yesterday, today, ...
    weekday: str | None = None
    words_end: int = 0  # after the relative day or weekday: where a fact of those words alone ends
    next: int = 0  # where a day or month may start
    opened: bool = False
    period: tuple[str, int] | None = None  # (relative value, end) of «العام الماضي», «هفته گذشته»


def _lead_at(tokens: list[Token], i: int) -> _Lead | None:
    lead = _Lead(i)
    j = i
    lead.part = _part_at(tokens, j)
    if lead.part:
        j += 1
        if j >= len(tokens):
            return None
    if rel := _relative_at(tokens, j):
        value, k = rel
        if value not in DAY_OFFSETS:
            if j > 0 and (tokens[j - 1].kind == "num" or tokens[j - 1].norm in COUNTS):
                return None  # «دو سال پیش», «۶ ماه گذشته»: a count of years back, not last year
            lead.period = value, k
            return lead
        lead.day_word, j = value, k
    lead.words_end = j
    if j > i:
        j = _skip_paren(tokens, j)
        lead.opened = j > lead.words_end
    # "يوم الخميس", "روز پنجشنبه"
    if j < len(tokens) and tokens[j].norm in DAY_WORDS and _weekday_at(tokens, j + 1):
        j += 1
    if (wk := _weekday_at(tokens, j)) and not (j > 0 and tokens[j - 1].norm in NOT_A_DAY_BEFORE):
        lead.weekday, j = wk
        lead.words_end = j
        if j < len(tokens) and tokens[j].norm in TIME_OF_DAY and _day_at(tokens, j + 1):
            j += 1
    if not lead.opened and j > i:
        before, j = j, _skip_paren(tokens, j)
        lead.opened = j > before
    lead.next = j
    return lead


def _days_at(tokens, j, lang) -> tuple[int | None, int | None, int]:
    """(day, last day of a range, index after them): «18», «18 و21», «18-21», «18 تا 21» before a month."""
    day = _day_at(tokens, j)
    if not day:
        return None, None, j
    d, k = day
    if k < len(tokens) and (tokens[k].norm in RANGE_WORDS or tokens[k].text in DASHES):
        dd = _day_at(tokens, k + 1)
        if dd and _month_at(tokens, dd[1], lang):
            return d, dd[0], dd[1]
    return d, None, k


def _date_at(tokens, i, text, *, lang, ctx, segment, base):
    lead = _lead_at(tokens, i)
    if lead is None:
        return None
    if lead.period:
        value, k = lead.period
        return _period_fact(tokens, i, k, text, value, lead.part, lang=lang, ctx=ctx, segment=segment, base=base)
    d, d2, k = _days_at(tokens, lead.next, lang)
    month = _month_at(tokens, k, lang)
    if month:
        got = _month_date(tokens, lead, d, d2, k, month, text, lang=lang, ctx=ctx, segment=segment, base=base)
        if got:
            return got
    if lead.weekday or lead.day_word:
        return _day_word_fact(tokens, i, lead.words_end, text, lead.day_word, lead.weekday, ctx=ctx, segment=segment,
                              base=base)
    if month:
        return None
    j = lead.next
    if lead.part and j < len(tokens) and tokens[j].norm in PERIOD_WORDS and not _year_at(tokens, j + 1):
        return _period_fact(tokens, i, j + 1, text, f"this-{PERIOD_WORDS[tokens[j].norm]}", lead.part, lang=lang,
                            ctx=ctx, segment=segment, base=base)
    return _year_only(tokens, j if lead.part else i, text, lang=lang, ctx=ctx, segment=segment, base=base,
                      start_i=i, part=lead.part)


def _is_weak_month(tokens, k, month, d, y, direction, lead: _Lead) -> bool:
    """An ambiguous month word (تیر "arrow", صفر "zero") with nothing around it that makes it a month."""
    cal, _, used = month
    w = tokens[k].norm
    if not (w in WEAK_MONTHS or forms(w)[-1] in WEAK_MONTHS) or d is not None or y is not None:
        return False
    if (used == 2 and cal == "jalali") or w.endswith(MAH):
        return False
    if lead.part or direction in ("last", "next"):
        return False
    # «شهر رمضان» may be a name; «ماه مهر» is the month
    return cal == "hijri" or not (k > 0 and tokens[k - 1].norm in (norm("شهر"), MAH))


def _month_date(tokens, lead: _Lead, d, d2, k, month, text, *, lang, ctx, segment, base):
    """A date with a month: «الخميس 13 نوفمبر/تشرين الثاني 2025», «۱۵ تیر», «يونيو/حزيران الماضي»."""
    cal, m, used = month
    k2 = k + used
    k2 += _dual_month(tokens, text, k2, cal, m, lang)
    m2 = None
    # month ranges: مهر – آبان ۱۴۰۴ ; أكتوبر - نوفمبر
    if k2 + 1 < len(tokens) and (tokens[k2].text in DASHES or tokens[k2].norm in RANGE_WORDS) and d is None:
        other = _month_at(tokens, k2 + 1, lang)
        if other and other[0] == cal:
            m2 = other[1]
            k2 = k2 + 1 + other[2]
            k2 += _dual_month(tokens, text, k2, cal, m2, lang)
    y = None
    if year := _year_at(tokens, k2):
        y, k2 = year
        if era := _era_at(tokens, k2):
            k2 = era[1]
    direction = _direction_at(tokens, k2) if y is None else None
    if _is_weak_month(tokens, k, month, d, y, direction, lead):
        return None
    if direction:
        k2 += 1
    if lead.opened and k2 < len(tokens) and tokens[k2].text == ")":
        k2 += 1
    month_name = MONTH_NAMES_EN[m] if cal == "gregorian" else _calendar_name(cal, m).lower()
    if d is None and y is None and direction in ("last", "next") and ctx.reference is None:
        # relative months without the article's date: يناير الماضي, ژانویه گذشته
        return _rel_fact(tokens, lead.start, k2, text, f"relative:{direction}-{month_name}", segment, base), k2
    year_given = y is not None
    y, note = _year_of(cal, m, d, y, direction, month_name, ctx)
    a: dt.date | None
    b: dt.date | None
    try:
        if y is not None:
            a, _ = _span_days(cal, y, m, d)
            _, b = _span_days(cal, y, m2 or m, d2 or d)
            if m2 and (m2 < m) and cal != "gregorian":
                _, b = _span_days(cal, y + 1, m2, d2 or d)
        else:
            a = b = None
    except Exception:  # out of a library's range, or an impossible day
        a = b = None
        note = _join(note, "not converted")
    value = _value(cal, y, m, d, a, b, m2, d2)
    if not value:
        return None
    start, end = tokens[lead.start].start, tokens[k2 - 1].end
    desc = f"{d} " if d else ""
    desc += _calendar_name(cal, m) + (f"–{_calendar_name(cal, m2)}" if m2 else "") + (f" {y}" if y else "")
    if cal != "gregorian":
        note = _join(f"{cal.title()} {desc}", note)
    if lead.weekday and a and b and a == b and dt.date.weekday(a) != WEEKDAY_INDEX[lead.weekday]:
        note = _join(note, f"weekday {lead.weekday} does not fit")
    unit = "day" if d and not d2 else ("range" if (d2 or m2) else "month")
    extra = {key: v for key, v in (("weekday", lead.weekday), ("relative", lead.day_word), ("year_given", year_given))
             if v}
    fact = Fact("date", text[start:end], start - base, end - base, value, segment, start, unit=unit,
                span=(a.isoformat(), b.isoformat()) if a and b else None, calendar=cal, note=note, extra=extra)
    return _with_part(fact, lead.part), k2


def _year_of(cal, m, d, y, direction, month_name, ctx: DateContext) -> tuple[int | None, str]:
    """The year of a date, and how it was found when not written: nearest the article's date, else the
    document's last full year of that calendar. A written year becomes that last full year."""
    if y is not None:
        ctx.years[cal] = y
        if cal == "gregorian":
            ctx.years.setdefault("jalali", y - 621)
        elif cal == "jalali":
            ctx.years.setdefault("gregorian", y + 621)
        return y, ""
    if ctx.reference:
        y = _year_near(cal, m, d, ctx.reference, direction if direction != "this" else None)
        if y is None:
            return None, ""
        if direction:
            return y, f"{direction} {month_name.title()} of {ctx.article}"
        return y, f"year from context: nearest {ctx.article}"
    if cal in ctx.years:
        return ctx.years[cal], "year from context"
    return None, ""


def _with_part(f: Fact, part: str | None) -> Fact:
    """A date with a part word before it: the first or last day of a Jalali or Hijri period, else the period."""
    if not part:
        return f
    if part in ("start", "end") and f.calendar in ("jalali", "hijri") and f.span and f.span[0] != f.span[1]:
        day = f.span[0] if part == "start" else f.span[1]
        return Fact(f.kind, f.text, f.start, f.end, day, f.segment, f.doc_start, unit="day", span=(day, day),
                    calendar=f.calendar, note=_join(f.note, f"its {'first' if part == 'start' else 'last'} day"),
                    extra=f.extra)
    if f.unit == "relative":
        return f
    return Fact(f.kind, f.text, f.start, f.end, f.value, f.segment, f.doc_start, unit=f.unit, span=f.span,
                calendar=f.calendar, note=_join(f.note, PART_NOTES[part].format(f.unit)), extra=f.extra)


def _year_only(tokens, i, text, *, lang, ctx, segment, base, start_i=None, part=None):
    if i >= len(tokens):
        return None
    t = tokens[i]
    if t.kind == "num":
        y = _bare_year(tokens, i)
        if y is None:
            return None
        first, k = i, i + 1
    else:
        if t.kind != "word" or not any(f in YEAR_CUES for f in forms(t.norm)) and t.norm not in YEAR_CUES:
            return None
        year = _year_at(tokens, i + 1)
        if not year:
            return None
        (y, k), first = year, i + 1
    era = _era_at(tokens, k)
    if era:
        cal, k = era
    elif y >= 1700:
        cal = "gregorian"
    elif lang == "fa":
        cal = "jalali"
    else:
        cal = "hijri"
    try:
        a, b = _year_span(cal, y)
    except Exception:
        return None
    ctx.years.setdefault(cal, y)
    value = f"{y:04d}" if cal == "gregorian" else f"{a.isoformat()}/{b.isoformat()}"
    start = tokens[start_i if part else first].start
    end = tokens[k - 1].end
    note = "" if cal == "gregorian" else f"{cal.title()} year {y}"
    fact = Fact("date", text[start:end], start - base, end - base, value, segment, start, unit="year",
                span=(a.isoformat(), b.isoformat()), calendar=cal, note=note)
    return _with_part(fact, part), k


def _bare_year(tokens, i) -> int | None:
    """A four-digit year with no «عام/سال» before it, when its neighbours say it is one."""
    y = _year_at(tokens, i)
    if not y or not BARE_YEARS[0] <= y[0] <= BARE_YEARS[1] or not ascii_digits(tokens[i].text).isdigit():
        return None
    before = [tokens[x].norm if x >= 0 and tokens[x].kind == "word" else "" for x in (i - 1, i - 2)]
    if any(f in YEAR_EVENTS for w in before for f in forms(w)) or _era_at(tokens, i + 1):
        return y[0]
    # «في 2020 بسبب», «منذ 2014،» but not «في 2000 منزل»: after a preposition only a clause boundary may follow
    after = tokens[i + 1] if i + 1 < len(tokens) else None
    if before[0] in BARE_YEAR_BEFORE and (after is None or after.kind == "punct" or after.norm in CLAUSE_WORDS):
        return y[0]
    return None


def _listed_year(tokens, j, text, first: Fact, segment, base) -> Fact | None:
    """The second year of «عامي 2016 و2021», «بين 2016 و2021», «۱۳۹۸ تا ۱۴۰۰», in the first one's calendar."""
    if j + 1 >= len(tokens) or not (tokens[j].norm in RANGE_WORDS or tokens[j].text in DASHES):
        return None
    if not _year_at(tokens, j - 1):
        return None
    year = _year_at(tokens, j + 1)
    if not year:
        return None
    try:
        a, b = _year_span(first.calendar, year[0])
    except Exception:
        return None
    t = tokens[j + 1]
    value = f"{year[0]:04d}" if first.calendar == "gregorian" else f"{a.isoformat()}/{b.isoformat()}"
    note = "" if first.calendar == "gregorian" else f"{first.calendar.title()} year {year[0]}"
    return Fact("date", t.text, t.start - base, t.end - base, value, segment, t.start, unit="year",
                span=(a.isoformat(), b.isoformat()), calendar=first.calendar, note=note)


def _day_word_fact(tokens, i, k, text, day_word, weekday, *, ctx, segment, base):
    """«أمس», «اليوم السبت», «فردا چهارشنبه», «يوم الجمعة الماضي», «مساء الاثنين»: a day of the article's week."""
    direction = None
    if weekday and not day_word and (direction := _direction_at(tokens, k)) in ("last", "next"):
        k += 1
    start, end = tokens[i].start, tokens[k - 1].end
    extra = {key: v for key, v in (("weekday", weekday), ("relative", day_word)) if v}
    extra["day_word"] = True  # no day of the month written
    ref = ctx.reference
    if ref is None:
        if weekday:
            return Fact("date", text[start:end], start - base, end - base, f"weekday:{weekday}", segment, start,
                        unit="weekday", extra=extra), k
        return _rel_fact(tokens, i, k, text, f"relative:{day_word}", segment, base, extra), k
    if day_word:
        day = ref + dt.timedelta(days=DAY_OFFSETS[day_word])
        note = f"{day_word.replace('-', ' ')} of {ctx.article}"
        if weekday and day.weekday() != WEEKDAY_INDEX[weekday]:
            note = _join(note, f"weekday {weekday} does not fit")
    else:
        gap = (WEEKDAY_INDEX[weekday] - ref.weekday()) % 7
        if direction == "last":
            offset, how = gap - 7, f"last {weekday.title()} before"
        elif direction == "next":
            offset, how = gap or 7, f"next {weekday.title()} after"
        else:
            offset, how = (gap + 3) % 7 - 3, f"{weekday.title()} nearest"
        day = ref + dt.timedelta(days=offset)
        note = f"{how} {ctx.article}"
    iso = day.isoformat()
    return Fact("date", text[start:end], start - base, end - base, iso, segment, start, unit="day", span=(iso, iso),
                calendar="gregorian", note=note, extra=extra), k


def _period_fact(tokens, i, k, text, value, part, *, lang, ctx, segment, base):
    """«العام الماضي», «هفته گذشته», «مطلع الشهر المقبل», «سال گذشته میلادی»: a year, month or week."""
    direction, unit = value.split("-", 1)
    gregorian = lang != "fa"
    if k < len(tokens) and tokens[k].norm in MILADI and unit in ("year", "month"):
        gregorian, k = True, k + 1
    start, end = tokens[i].start, tokens[k - 1].end
    ref = ctx.reference
    if ref is None:
        fact = Fact("date", text[start:end], start - base, end - base, f"relative:{value}", segment, start,
                    unit="relative", extra={"relative": value})
        return fact, k
    offset = PERIOD_OFFSETS[direction]
    how = f"{direction} {unit} of {ctx.article}"
    cal = "gregorian" if gregorian or unit == "week" else "jalali"
    if unit == "week":
        # weeks start on Saturday in the Arab world and in Iran
        a = ref - dt.timedelta(days=(ref.weekday() - 5) % 7) + dt.timedelta(days=7 * offset)
        b = a + dt.timedelta(days=6)
        value_out = f"{a.isoformat()}/{b.isoformat()}"
    elif unit == "year":
        y = _in_calendar(cal, ref)[0] + offset
        a, b = _year_span(cal, y)
        value_out = f"{y:04d}" if cal == "gregorian" else f"{a.isoformat()}/{b.isoformat()}"
        if cal == "jalali":
            how = f"Jalali year {y}: {how}"
    else:
        y, m = _in_calendar(cal, ref)
        y, m = y + (m - 1 + offset) // 12, (m - 1 + offset) % 12 + 1
        a, b = _span_days(cal, y, m, None)
        value_out = f"{y:04d}-{m:02d}" if cal == "gregorian" else f"{a.isoformat()}/{b.isoformat()}"
        if cal == "jalali":
            how = f"Jalali {_calendar_name(cal, m)} {y}: {how}"
    fact = Fact("date", text[start:end], start - base, end - base, value_out, segment, start, unit=unit,
                span=(a.isoformat(), b.isoformat()), calendar=cal, note=how, extra={"relative": value})
    return _with_part(fact, part), k


def _rel_fact(tokens, i, k, text, value, segment, base, extra=None):
    start, end = tokens[i].start, tokens[k - 1].end
    return Fact("date", text[start:end], start - base, end - base, value, segment, start, unit="relative",
                extra=extra or {})


def numeric_date(s: str) -> tuple[str, int, int, int] | None:
    """``۱۴۰۴/۰۴/۰۲`` (Jalali y/m/d) or ``14/10/2025`` (Gregorian d/m/y)."""
    parts = ascii_digits(s).split("/")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    a, b, c = map(int, parts)
    if len(parts[0]) == 4 and 1 <= b <= 12 and 1 <= c <= 31:
        return ("jalali" if a < 1700 else "gregorian"), a, b, c
    if len(parts[2]) == 4 and 1 <= b <= 12 and 1 <= a <= 31:
        return ("jalali" if c < 1700 else "gregorian"), c, b, a
    return None


def extract_numeric_dates(tokens, text, *, segment=-1, base=0) -> list[Fact]:
    out = []
    for t in tokens:
        if t.kind == "num" and t.text.count("/") == 2:
            got = numeric_date(t.text)
            if not got:
                continue
            cal, y, m, d = got
            try:
                a, b = _span_days(cal, y, m, d)
            except Exception:
                continue
            out.append(Fact("date", t.text, t.start - base, t.end - base, a.isoformat(), segment, t.start, unit="day",
                            span=(a.isoformat(), b.isoformat()), calendar=cal,
                            note=f"{cal.title()} {d} {_calendar_name(cal, m)} {y}" if cal != "gregorian" else "",
                            extra={"year_given": True}))
    return out


def span_of(f: Fact) -> tuple[dt.date, dt.date] | None:
    if f.span:
        return dt.date.fromisoformat(f.span[0]), dt.date.fromisoformat(f.span[1])
    v = f.value
    if len(v) == 4 and v.isdigit():
        return dt.date(int(v), 1, 1), dt.date(int(v), 12, 31)
    return None
