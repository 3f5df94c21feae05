"""Numbers in digits (Latin, Arabic-Indic, Persian) and in words (Arabic, Persian), with units.

Separators, by convention:

- ``٫`` (U+066B) is always the decimal sign and ``٬`` (U+066C) the thousands sign.
- With Persian digits a single ``/`` is a decimal sign (``۲/۵ درصد``); ``a/b/c`` is a date.
- ``,`` followed by groups of exactly three digits is a thousands sign (``1,500,000``),
  otherwise a decimal comma (``1,5``); ``.`` is a decimal point unless it separates two or
  more groups of three digits (``1.500.000``). The Arabic comma ``،`` never joins digits.

Scale words (ألف/آلاف/هزار, مليون/میلیون, مليار/میلیارد …) multiply; ``ونصف`` / ``و نیم`` after a
scale adds half of it. Arabic duals that carry a count (``يومين``, ``دولتين``, ``ألفين``) are
numbers; definite duals (``الدولتين``, "both states") are not. Ordinals are not extracted
(except Persian day ordinals inside dates, see :mod:`.dates`), nor is a lone ``یک``/``واحد``
(usually an article or adjective).
"""

from __future__ import annotations

import re
from decimal import Decimal

from ._lex import Token, ascii_digits, forms, lookup, norm, normalise_table, overlapped
from .model import Fact

SCALES = normalise_table({
    "ألف": 1000, "آلاف": 1000, "الف": 1000, "هزار": 1000,
    "مليون": 10**6, "ملايين": 10**6, "میلیون": 10**6, "ملیون": 10**6,
    "مليار": 10**9, "مليارات": 10**9, "میلیارد": 10**9, "بليون": 10**9,
    "تريليون": 10**12, "تریلیون": 10**12,
})
# duals of scale words: a number by themselves
SCALE_DUALS = normalise_table({"ألفين": 2000, "ألفان": 2000, "مليونين": 2 * 10**6, "مليونان": 2 * 10**6,
                               "مليارين": 2 * 10**9, "ملياران": 2 * 10**9})

UNITS_AR = {
    "واحد": 1, "واحدة": 1, "اثنان": 2, "اثنين": 2, "اثنتان": 2, "اثنتين": 2, "اثنا": 2, "اثني": 2, "اثنتا": 2,
    "اثنتي": 2, "ثلاث": 3, "ثلاثة": 3, "أربع": 4, "أربعة": 4, "خمس": 5, "خمسة": 5, "ست": 6, "ستة": 6,
    "سبع": 7, "سبعة": 7, "ثمان": 8, "ثماني": 8, "ثمانية": 8, "تسع": 9, "تسعة": 9, "عشر": 10, "عشرة": 10,
    "أحد": 1, "إحدى": 1,
    "عشرون": 20, "عشرين": 20, "ثلاثون": 30, "ثلاثين": 30, "أربعون": 40, "أربعين": 40, "خمسون": 50,
    "خمسين": 50, "ستون": 60, "ستين": 60, "سبعون": 70, "سبعين": 70, "ثمانون": 80, "ثمانين": 80,
    "تسعون": 90, "تسعين": 90,
    "مئة": 100, "مائة": 100, "مئتان": 200, "مئتين": 200, "مائتان": 200, "مائتين": 200,
}
for _u, _v in (("ثلاث", 3), ("أربع", 4), ("خمس", 5), ("ست", 6), ("سبع", 7), ("ثمان", 8), ("تسع", 9)):
    UNITS_AR[_u + "مئة"] = UNITS_AR[_u + "مائة"] = _v * 100
UNITS_FA = {
    "یک": 1, "دو": 2, "سه": 3, "چهار": 4, "پنج": 5, "شش": 6, "هفت": 7, "هشت": 8, "نه": 9, "ده": 10,
    "یازده": 11, "دوازده": 12, "سیزده": 13, "چهارده": 14, "پانزده": 15, "پونزده": 15, "شانزده": 16,
    "هفده": 17, "هجده": 18, "هیجده": 18, "نوزده": 19, "بیست": 20, "سی": 30, "چهل": 40, "پنجاه": 50,
    "شصت": 60, "هفتاد": 70, "هشتاد": 80, "نود": 90, "صد": 100, "یکصد": 100, "دویست": 200, "سیصد": 300,
    "چهارصد": 400, "پانصد": 500, "ششصد": 600, "هفتصد": 700, "هشتصد": 800, "نهصد": 900,
}
WORDS = normalise_table({**UNITS_FA, **UNITS_AR})
TEENS = {norm(w) for w in ("عشر", "عشرة")}
HALF = {norm(w) for w in ("نصف", "نیم")}
# alone, these are articles, adjectives or negations, not counts
WEAK = {norm(w) for w in ("یک", "واحد", "واحدة", "أحد", "إحدى", "نه", "سی", "ده", "عشر", "ست", "سبع", "خمس", "صد")}

DUALS = normalise_table({
    "يومين": "day", "يومان": "day", "شهرين": "month", "شهران": "month", "عامين": "year", "عامان": "year",
    "سنتين": "year", "سنتان": "year", "ساعتين": "hour", "ساعتان": "hour", "أسبوعين": "week", "أسبوعان": "week",
    "دولتين": "country", "دولتان": "country", "مرتين": "times", "مرتان": "times", "دورتين": "session",
    "دورتان": "session", "شخصين": "person", "شخصان": "person", "طفلين": "child", "جنديين": "soldier",
    "قتيلين": "killed", "جريحين": "injured", "مليونين": "", "ألفين": "", "ليلتين": "night", "دقيقتين": "minute",
})

# counted nouns and units (normalised): canonical unit
_UNITS = {
    "usd": "دولار دولارات دلار دلاری", "eur": "يورو یورو", "rial": "ريال ریال", "toman": "تومان",
    "dinar": "دينار دينارات دینار", "dirham": "درهم دراهم", "pound": "جنيه جنیه", "lira": "ليرة لیر لیره",
    "rouble": "روبل", "%": "% ٪ بالمئة بالمائة درصد", "m": "متر أمتار امتار متری", "km": "كيلومتر كيلومترات کیلومتر كم",
    "ton": "طن أطنان تن", "kg": "كيلوغرام كيلوغرامات کیلوگرم", "litre": "لتر ليتر لیتر", "mm": "ملم مليمتر میلیمتر",
    "day": "يوم أيام روز روزه", "week": "أسبوع أسابيع هفته", "month": "أشهر شهور ماه ماهه",
    "year": "عام أعوام سنة سنوات سال ساله", "hour": "ساعة ساعات ساعت ساعته", "minute": "دقيقة دقائق دقیقه",
    "country": "دولة دول کشور", "person": "شخص أشخاص نفر شخصا", "refugee": "لاجئ لاجئين لاجئا پناهجو پناهنده", "killed": "قتيل قتلى کشته", "injured": "جريح جرحى زخمی مجروح",
    "expert": "خبير خبراء کارشناس", "workshop": "ورشة ورش کارگاه", "company": "شركة شركات شرکت",
    "article": "مقالة مقال مقالات مقاله", "soldier": "جندي جنود سرباز", "member": "عضو أعضاء", "city": "مدينة مدن",
    "village": "قرية قرى روستا", "student": "طالب طلاب دانشجو", "school": "مدرسة مدارس مدرسه", "house": "منزل منازل خانه",
    "family": "عائلة عائلات أسرة أسر خانواده", "plant": "محطة محطات نیروگاه", "dam": "سد سدود سد", "truck": "شاحنة شاحنات کامیون",
    "flight": "رحلة رحلات پرواز", "vessel": "سفينة سفن کشتی", "barrel": "برميل براميل بشکه", "megawatt": "ميغاواط مگاوات",
    "hectare": "هكتار هکتار", "bed": "سرير أسرة تخت", "job": "وظيفة وظائف شغل", "patient": "مريض مرضى بیمار", "team": "فريق فرق تیم",
    "project": "مشروع مشاريع پروژه طرح", "prisoner": "أسير أسرى سجين زندانی اسیر", "vote": "صوت أصوات رأی",
    "seat": "مقعد مقاعد کرسی", "session": "دورة دورات دوره", "times": "مرة مرات بار", "child": "طفل أطفال کودک",
}
UNITS = {}
for _unit, _words in _UNITS.items():
    for _w in _words.split():
        UNITS.setdefault(norm(_w), _unit)
UNITS_BY_LANG = {"ar": {norm("شهر"): "month"}, "fa": {norm("شهر"): "city"}}
PERCENT_PHRASES = [(norm("في"), norm("المئة")), (norm("في"), norm("المائة"))]
APPROX = {norm(w) for w in ("نحو", "حوالي", "حوالى", "قرابة", "زهاء", "تقريبا", "أكثر", "أقل", "بیش", "حدود", "حدود",
                           "حدودا", "تقریبا", "بالغ", "کمتر", "اكثر", "ما يقارب")}


def parse_digits(s: str) -> Decimal | None:
    """The value of a digit string with separators, by the conventions in the module docstring.

    ``None`` for what is not one quantity: a version (``۲٫۵٫۱``, ``1.2.3``), a date (``۱۴۰۴/۰۴/۰۲``),
    a list (``1,2,3``) or any other mix of separators that none of the conventions reads.
    """
    persian = any("\u06f0" <= ch <= "\u06f9" for ch in s) or any("\u0660" <= ch <= "\u0669" for ch in s)
    t = ascii_digits(s)
    if "/" in t:
        parts = t.split("/")
        if len(parts) == 2 and persian:
            return _decimal(parts[0] + "." + parts[1])
        return None
    if "\u066b" in t:
        if t.count("\u066b") > 1:
            return None  # a version: ۲٫۵٫۱
        return _decimal(t.replace("\u066c", "").replace(",", "").replace("\u066b", "."))
    t = t.replace("\u066c", "")
    if "," in t and "." in t:
        if t.rfind(",") > t.rfind("."):
            t = t.replace(".", "").replace(",", ".")
        else:
            t = t.replace(",", "")
    elif "," in t:
        groups = t.split(",")
        if all(len(g) == 3 for g in groups[1:]):
            t = t.replace(",", "")
        elif len(groups) == 2:
            t = t.replace(",", ".")  # a decimal comma: 1,5
        else:
            return None  # a list or a version: 1,2,3
    elif t.count(".") >= 2:
        groups = t.split(".")
        if not all(len(g) == 3 for g in groups[1:]):
            return None  # a version or a date
        t = t.replace(".", "")
    return _decimal(t)


_PLAIN_DECIMAL = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")


def _decimal(t: str) -> Decimal | None:
    """``Decimal(t)`` when ``t`` is plain ASCII digits with at most one point, else ``None``."""
    return Decimal(t) if _PLAIN_DECIMAL.fullmatch(t) else None


def fmt(value: Decimal) -> str:
    s = format(value.normalize(), "f")
    return s.rstrip("0").rstrip(".") if "." in s else s


def _word_value(word: str) -> int | None:
    if word in WORDS:
        return WORDS[word]
    if word.startswith("و") and word[1:] in WORDS:
        return WORDS[word[1:]]
    return None


def _is_and(tok: Token) -> bool:
    return tok.norm == "و"


def extract_numbers(tokens: list[Token], text: str, *, lang: str, taken: list[tuple[int, int]], segment: int = -1,
                    base: int = 0) -> list[Fact]:
    facts: list[Fact] = []
    i, n = 0, len(tokens)

    taken_at = {t.start for t, hit in zip(tokens, overlapped(tokens, taken)) if hit}

    def free(t: Token) -> bool:
        return t.start not in taken_at

    while i < n:
        tok = tokens[i]
        if not free(tok):
            i += 1
            continue
        value: Decimal | None = None
        j = i
        if tok.kind == "num":
            value = parse_digits(tok.text)
            j = i + 1
        elif tok.kind == "word":
            value, j = _parse_words(tokens, i, free)
            if value is None:
                dual = lookup(DUALS, tok.norm) if not tok.norm.startswith(("ال", "وال", "بال", "لل")) else None
                if dual is not None and (tok.norm in DUALS or tok.norm[1:] in DUALS):
                    value, j = (SCALE_DUALS.get(tok.norm.lstrip("و"), 2)), i + 1
                    unit = dual
                    facts.append(_fact(tokens, i, j, text, Decimal(value), unit, segment, base, lang))
                    i = j
                    continue
                # a number word glued to a unit by ZWNJ: سه‌روزه, دوساله
                if "\u200c" in tok.text:
                    head, _, tail = tok.text.partition("\u200c")
                    hv, tu = WORDS.get(norm(head)), UNITS.get(norm(tail))
                    if hv is not None and tu:
                        facts.append(Fact("number", tok.text, tok.start - base, tok.end - base, str(hv), segment,
                                          tok.start, unit=tu))
                i += 1
                continue
        if value is None:
            i += 1
            continue
        # scale words: 120 مليون, ۱٫۵ میلیون, ثلاثة آلاف, مليون ونصف
        while j < n and tokens[j].kind == "word" and lookup(SCALES, tokens[j].norm) is not None and free(tokens[j]) \
                and (tokens[j].norm in SCALES or tokens[j].norm[0] != "و" or j == i + 1):
            scale = lookup(SCALES, tokens[j].norm)
            value = value * scale
            j += 1
            if j < n and tokens[j].norm in {"ونصف"}:
                value += Decimal(scale) / 2
                j += 1
            elif j + 1 < n and _is_and(tokens[j]) and tokens[j + 1].norm in HALF:
                value += Decimal(scale) / 2
                j += 2
        unit, j = _unit_after(tokens, j, lang)
        facts.append(_fact(tokens, i, j, text, value, unit, segment, base, lang))
        i = j
    return facts


def _fact(tokens, i, j, text, value, unit, segment, base, lang) -> Fact:
    start, end = tokens[i].start, tokens[j - 1].end
    approx = i > 0 and (tokens[i - 1].norm in APPROX or (i > 1 and tokens[i - 2].norm in APPROX))
    return Fact("number", text[start:end], start - base, end - base, fmt(Decimal(value)), segment, start,
                unit=unit, approx=approx)


def _unit_after(tokens: list[Token], j: int, lang: str) -> tuple[str, int]:
    if j >= len(tokens):
        return "", j
    t = tokens[j]
    if t.text in ("%", "\u066a"):
        return "%", j + 1
    if j + 1 < len(tokens) and (t.norm, tokens[j + 1].norm) in PERCENT_PHRASES:
        return "%", j + 2
    if t.kind != "word":
        return "", j
    by_lang = UNITS_BY_LANG.get(lang, {})
    for f in forms(t.norm):
        if f in by_lang:
            return by_lang[f], j + 1
        if f in UNITS:
            return UNITS[f], j + 1
    # "من" between number and noun: أكثر من 350 من الخبراء -> not handled; look one word further for %
    return "", j


def _parse_words(tokens: list[Token], i: int, free) -> tuple[Decimal | None, int]:
    """A run of number words from ``tokens[i]``: ثلاثة وعشرون, بیست و پنج, اثنتي عشرة, سه هزار, نصف مليون."""
    total = Decimal(0)
    current = Decimal(0)
    last_scale = 0
    j = i
    words = 0
    weak_only = True
    n = len(tokens)
    while j < n and tokens[j].kind == "word" and free(tokens[j]):
        w = tokens[j].norm
        v = _word_value(w) if (words == 0 or w in WORDS or w.startswith("و")) else None
        if words and w not in WORDS and not w.startswith("و"):
            v = None
        if v is not None and words == 0 and w.startswith("و") and w not in WORDS:
            v = None  # do not start a number on a conjunction-prefixed word
        if v is not None:
            if v == 10 and w.lstrip("و") in TEENS and 0 < current < 10:
                current += 10
            elif v == 100 and current and current < 10 and w in {norm("صد")}:
                current *= 100
            else:
                current += v
            if w not in WEAK:
                weak_only = False
            words += 1
            j += 1
            continue
        scale = SCALES.get(w)
        if scale is not None and not words and j + 1 < n and tokens[j + 1].norm == norm("ونصف"):
            total += Decimal(scale) * Decimal("1.5")  # مليون ونصف
            return total, j + 2
        if scale is not None and words:
            total += (current or 1) * scale
            current = Decimal(0)
            last_scale = scale
            weak_only = False
            words += 1
            j += 1
            continue
        if w in HALF or w == "ونصف":
            if w == "ونصف" and last_scale and not current:
                total += Decimal(last_scale) / 2
            elif current or words == 0:
                current += Decimal("0.5")
            else:
                break
            words += 1
            j += 1
            continue
        if _is_and(tokens[j]) and words and j + 1 < n:
            nxt = tokens[j + 1].norm
            if nxt in WORDS or nxt in HALF:
                j += 1
                continue
        break
    if not words:
        return None, i
    # strip a trailing lone "و"
    value = total + current
    if weak_only and words == 1 and (j >= n or lookup(SCALES, tokens[j].norm) is None) \
            and not (j < n and tokens[j].kind == "word" and lookup(UNITS, tokens[j].norm) and tokens[i].norm != norm("یک")):
        return None, i
    if words == 1 and current == Decimal("0.5") and not total:
        # "نصف" / "نیم" alone: only with a following scale word (نصف مليون)
        if j < n and lookup(SCALES, tokens[j].norm) is not None:
            return value, j
        return None, i
    return value, j
