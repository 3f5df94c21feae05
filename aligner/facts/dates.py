"""Dates in three calendars, weekdays and relative dates, as ISO 8601 values.

- Gregorian months as Arabic writes them (يناير … ديسمبر and كانون الثاني … كانون الأول) and as
  Persian writes them (ژانویه … دسامبر); Jalali months (فروردین … اسفند, ``تیرماه``); Hijri lunar
  months (محرم … ذو الحجة). Jalali dates are converted with ``jdatetime``, Hijri dates with
  ``hijridate`` (Umm al-Qura, years 1343–1500).
- A day is ``YYYY-MM-DD``, a month ``YYYY-MM``, a year ``YYYY``; a range or a non-Gregorian month
  is ``start/end`` (ISO 8601 interval). ``span`` always holds the first and last Gregorian day.
- A date without a year takes the year of the closest earlier full date of the same calendar in
  the same document (``note`` says so); with none it stays year-less (``--10-16``).
- Weekdays alone are ``weekday:monday``; relative dates stay relative (``relative:last-year``,
  ``relative:last-january``, ``relative:yesterday``).
- Ambiguous month words (تیر "arrow", مهر "seal", دی, آب "water", صفر "zero", رجب a name …) count
  only next to a day or a year, or with ``ماه``/``شهر``.
"""

from __future__ import annotations

import datetime as dt

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
WEEKDAY_FIRST = normalise_table({"سه": "tuesday", "پنج": "thursday", "چهار": "wednesday", "یک": "sunday", "دو": "monday"})
WEEKDAY_INDEX = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}

DAY_ORDINALS = normalise_table({
    "یکم": 1, "اول": 1, "دوم": 2, "سوم": 3, "چهارم": 4, "پنجم": 5, "ششم": 6, "هفتم": 7, "هشتم": 8, "نهم": 9,
    "دهم": 10, "یازدهم": 11, "دوازدهم": 12, "سیزدهم": 13, "چهاردهم": 14, "پانزدهم": 15, "شانزدهم": 16,
    "هفدهم": 17, "هجدهم": 18, "هیجدهم": 18, "نوزدهم": 19, "بیستم": 20, "سیام": 30, "سیویکم": 31,
})
for _i, _w in enumerate(("یکم", "دوم", "سوم", "چهارم", "پنجم", "ششم", "هفتم", "هشتم", "نهم"), start=21):
    DAY_ORDINALS[norm("بیستو" + _w)] = _i

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
]
RELATIVE = sorted(((tuple(norm(w) for w in ws), v) for ws, v in RELATIVE), key=lambda r: -len(r[0]))
PAST = {norm(w) for w in ("الماضي", "الماضية", "المنصرم", "گذشته", "پیش", "قبل")}
NEXT = {norm(w) for w in ("المقبل", "القادم", "المقبلة", "القادمة", "آینده")}
MONTH_NAMES_EN = ["", "january", "february", "march", "april", "may", "june", "july", "august", "september",
                  "october", "november", "december"]
JALALI_EN = ["", "Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar", "Mehr", "Aban", "Azar", "Dey",
             "Bahman", "Esfand"]
HIJRI_EN = ["", "Muharram", "Safar", "Rabi I", "Rabi II", "Jumada I", "Jumada II", "Rajab", "Shaban", "Ramadan",
            "Shawwal", "Dhu al-Qadah", "Dhu al-Hijjah"]
ERA = {norm(w): c for w, c in (("م", "gregorian"), ("ميلادي", "gregorian"), ("میلادی", "gregorian"),
                               ("هـ", "hijri"), ("ه", "hijri"), ("هجري", "hijri"), ("قمری", "hijri"),
                               ("ش", "jalali"), ("شمسی", "jalali"), ("خورشیدی", "jalali"), ("هجریشمسی", "jalali"))}
YEAR_CUES = {norm(w) for w in ("عام", "العام", "سنة", "سال", "لعام", "وعام", "بعام", "فيعام", "درسال")}
RANGE_WORDS = {norm(w) for w in ("و", "إلى", "الى", "حتى", "تا", "لغاية")}
MAH = norm("ماه")

GREG = normalise_table(GREGORIAN)
JAL = normalise_table(JALALI)
HIJ = normalise_table({**HIJRI, **HIJRI_ONE})
G2 = {tuple(norm(w) for w in k): v for k, v in GREGORIAN_TWO.items()}
H2 = {tuple(norm(w) for w in k): v for k, v in HIJRI_TWO.items()}


class DateContext:
    """The last full year seen per calendar in a document, for dates written without a year."""

    def __init__(self) -> None:
        self.years: dict[str, int] = {}


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
        for table, cal in ((JAL, "jalali"), (GREG, "gregorian"), (HIJ, "hijri")):
            if f in table:
                if cal == "gregorian" and lang == "fa" and f in {norm("آب")}:
                    continue
                if cal == "jalali" and lang == "ar" and f in {norm("آذار")}:
                    continue
                used = 1
                if i + 1 < len(tokens) and tokens[i + 1].norm == MAH and cal == "jalali":
                    used = 2
                return cal, table[f], used
    return None


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
    return None


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
    for words, value in RELATIVE:
        k = len(words)
        if i + k <= len(tokens) and all(
            tokens[i + x].norm == words[x] or (x == 0 and words[0] in forms(tokens[i].norm)) for x in range(k)
        ):
            return value, i + k
    return None


def _date_at(tokens, i, text, *, lang, ctx, segment, base):
    start_i = i
    weekday = None
    j = i
    # "يوم الخميس", "روز پنجشنبه"
    if tokens[j].norm in (norm("يوم"), norm("روز")) and _weekday_at(tokens, j + 1):
        j += 1
    wk = _weekday_at(tokens, j)
    if wk:
        weekday, j = wk
    # relative: "اليوم الثلاثاء" -> the weekday is the fact
    if weekday is None:
        rel = _relative_at(tokens, j)
        if rel:
            value, k = rel
            wk2 = _weekday_at(tokens, k)
            if wk2 and value in ("today", "tomorrow", "yesterday"):
                weekday, j = wk2
                # fall through to a possible full date after the weekday
            else:
                return _rel_fact(tokens, start_i, k, text, f"relative:{value}", segment, base), k
    day = _day_at(tokens, j)
    d = d2 = None
    k = j
    if day:
        d, k = day
        # 18 و21 يونيو ; 18-21 ; 18 تا 21
        if k < len(tokens) and (tokens[k].norm in RANGE_WORDS or tokens[k].text in DASHES):
            dd = _day_at(tokens, k + 1)
            if dd and _month_at(tokens, dd[1], lang):
                d2, k = dd
        elif k < len(tokens) and tokens[k].kind == "word" and tokens[k].norm.startswith("و"):
            pass
    month = _month_at(tokens, k, lang)
    if not month:
        # "21" in "وَ21 يونيو" is its own token after "و": handled above; a year with a cue
        if weekday:
            return _weekday_fact(tokens, start_i, j, text, weekday, segment, base), j
        return _year_only(tokens, i, text, lang=lang, ctx=ctx, segment=segment, base=base)
    cal, m, used = month
    k2 = k + used
    m2 = None
    # month ranges: مهر – آبان ۱۴۰۴ ; أكتوبر - نوفمبر
    if k2 + 1 < len(tokens) and (tokens[k2].text in DASHES or tokens[k2].norm in RANGE_WORDS) and d is None:
        other = _month_at(tokens, k2 + 1, lang)
        if other and other[0] == cal:
            m2 = other[1]
            k2 = k2 + 1 + other[2]
    year = _year_at(tokens, k2)
    y = None
    if year:
        y, k2 = year
    era = _era_at(tokens, k2) if y else None
    if era:
        k2 = era[1]
    weak = tokens[k].norm in WEAK_MONTHS or any(tokens[k].norm == f for f in ()) or forms(tokens[k].norm)[-1] in WEAK_MONTHS
    if weak and d is None and y is None and not (used == 2 and cal == "jalali") and not tokens[k].norm.endswith(MAH):
        if cal == "hijri" or not (k > 0 and tokens[k - 1].norm in (norm("شهر"), MAH)):
            if weekday:
                return _weekday_fact(tokens, start_i, j, text, weekday, segment, base), j
            return None
    # relative months: يناير الماضي, ژانویه گذشته
    if d is None and y is None and k2 < len(tokens) and tokens[k2].norm in PAST | NEXT:
        direction = "last" if tokens[k2].norm in PAST else "next"
        return _rel_fact(tokens, start_i, k2 + 1, text, f"relative:{direction}-{MONTH_NAMES_EN[m] if cal == 'gregorian' else _calendar_name(cal, m).lower()}",
                         segment, base), k2 + 1
    note = ""
    if y is None and cal in ctx.years:
        y = ctx.years[cal]
        note = "year from context"
    elif y is not None:
        ctx.years[cal] = y
        if cal == "gregorian":
            ctx.years.setdefault("jalali", y - 621)
        elif cal == "jalali":
            ctx.years.setdefault("gregorian", y + 621)
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
        note = (note + "; " if note else "") + "not converted"
    value = _value(cal, y, m, d, a, b, m2, d2)
    if not value:
        return None
    start, end = tokens[start_i].start, tokens[k2 - 1].end
    desc = f"{d} " if d else ""
    desc += _calendar_name(cal, m) + (f"–{_calendar_name(cal, m2)}" if m2 else "") + (f" {y}" if y else "")
    if cal != "gregorian":
        note = f"{cal.title()} {desc}" + (f" ({note})" if note else "")
    if weekday and a and b and a == b and dt.date.weekday(a) != WEEKDAY_INDEX[weekday]:
        note = (note + "; " if note else "") + f"weekday {weekday} does not fit"
    fact = Fact("date", text[start:end], start - base, end - base, value, segment, start,
                unit="day" if d and not d2 else ("range" if (d2 or m2) else "month"),
                span=(a.isoformat(), b.isoformat()) if a and b else None, calendar=cal, note=note,
                extra={"weekday": weekday} if weekday else {})
    return fact, k2


def _year_only(tokens, i, text, *, lang, ctx, segment, base):
    t = tokens[i]
    if t.kind != "word" or not any(f in YEAR_CUES for f in forms(t.norm)) and t.norm not in YEAR_CUES:
        return None
    year = _year_at(tokens, i + 1)
    if not year:
        return None
    y, k = year
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
    start, end = tokens[i + 1].start, tokens[k - 1].end
    note = "" if cal == "gregorian" else f"{cal.title()} year {y}"
    return Fact("date", text[start:end], start - base, end - base, value, segment, start, unit="year",
                span=(a.isoformat(), b.isoformat()), calendar=cal, note=note), k


def _rel_fact(tokens, i, k, text, value, segment, base):
    start, end = tokens[i].start, tokens[k - 1].end
    return Fact("date", text[start:end], start - base, end - base, value, segment, start, unit="relative")


def _weekday_fact(tokens, i, k, text, weekday, segment, base):
    start, end = tokens[i].start, tokens[k - 1].end
    return Fact("date", text[start:end], start - base, end - base, f"weekday:{weekday}", segment, start,
                unit="weekday", extra={"weekday": weekday})


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
                            note=f"{cal.title()} {d} {_calendar_name(cal, m)} {y}" if cal != "gregorian" else ""))
    return out


def span_of(f: Fact) -> tuple[dt.date, dt.date] | None:
    if f.span:
        return dt.date.fromisoformat(f.span[0]), dt.date.fromisoformat(f.span[1])
    v = f.value
    if len(v) == 4 and v.isdigit():
        return dt.date(int(v), 1, 1), dt.date(int(v), 12, 31)
    return None
