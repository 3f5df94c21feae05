"""Tokens with offsets and the normalised forms the fact extractors look words up by.

Lookups use :func:`norm` (``aligner.text.matching_key`` without spaces): ي/ى/ی, ك/ک,
ة/ه and hamza forms unified, diacritics, tatweel and ZWNJ removed, digits ASCII.
Every token keeps its offsets into the text it came from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from ..text import matching_key

DIGITS = "0-9\u0660-\u0669\u06f0-\u06f9"
_TOKEN = re.compile(
    rf"[{DIGITS}]+(?:[.,\u066b\u066c/][{DIGITS}]+)*"  # a number with its separators
    r"|(?:[^\W\d_]|[\u064b-\u065f\u0670\u0640\u200c\u200d])+"  # a word (ZWNJ and marks inside)
    r"|[%\u066a\u2013\u2014\-:\u00ab\u00bb\"\u060c,.\u061b;\u061f?!()\u201c\u201d]"
)
PUNCT_BOUNDARY = frozenset(".!?\u061f:;\u061b\u00ab\u00bb\"\u201c\u201d()")
COMMA = frozenset(",\u060c")
DASHES = frozenset("-\u2013\u2014")


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str
    norm: str
    kind: str  # "num", "word" or "punct"


@lru_cache(maxsize=1 << 16)
def norm(text: str) -> str:
    return matching_key(text).replace(" ", "")


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text`` with offsets into it (facts and framing both read every segment's)."""
    return list(_tokens(text))


@lru_cache(maxsize=1 << 14)
def _tokens(text: str) -> tuple[Token, ...]:
    out = []
    for m in _TOKEN.finditer(text):
        s = m.group()
        kind = "num" if s[0].isdecimal() else ("word" if s[0].isalpha() or s[0] in "\u0640" else "punct")
        if kind == "word" and not any(ch.isalpha() for ch in s):
            continue
        out.append(Token(m.start(), m.end(), s, norm(s), kind))
    return tuple(out)


def overlapped(tokens: list[Token], spans: Iterable[tuple[int, int]]) -> list[bool]:
    """For each token (in reading order), whether it overlaps one of the character ``spans`` (start, end)."""
    ordered = sorted(spans)
    out, p, reach = [], 0, -1
    for t in tokens:
        # the spans starting before the token ends; one of them overlaps it when the furthest reaches past its start
        while p < len(ordered) and ordered[p][0] < t.end:
            reach = max(reach, ordered[p][1])
            p += 1
        out.append(reach > t.start)
    return out


def ascii_digits(text: str) -> str:
    return "".join(str(int(ch)) if ch.isdecimal() else ch for ch in text)


# Arabic clitics in front of a word: conjunctions, prepositions and the article.
_PREFIXES = ("وبال", "وال", "بال", "فال", "كال", "کال", "لل", "ال", "و", "ف", "ب", "ل")


@lru_cache(maxsize=1 << 16)
def forms(word: str) -> tuple[str, ...]:
    """``word`` (normalised) and the same word without Arabic clitics, longest first."""
    seen = [word]
    for p in _PREFIXES:
        if word.startswith(p) and len(word) - len(p) >= 2:
            rest = word[len(p):]
            if rest not in seen:
                seen.append(rest)
    # accusative -اً written as a trailing alef: خبيراً -> خبير
    for w in list(seen):
        if w.endswith("ا") and len(w) > 3 and w[:-1] not in seen:
            seen.append(w[:-1])
    return tuple(seen)


def lookup(table: dict, word: str):
    for f in forms(word):
        if f in table:
            return table[f]
    return None


def normalise_table(table: dict) -> dict:
    return {norm(k): v for k, v in table.items()}


# ----------------------------------------------------------------------------------------
# Number words (read by :mod:`.numbers`)
# ----------------------------------------------------------------------------------------
# Each normalised word maps to (role, value). Roles: "unit" 1-9, "teen" 11-19 in one word,
# "ten" 10-90, "hundred" a whole hundreds word, "hword" the bare hundred (it multiplies a unit
# before it: ثلاث مئة, سه صد), "tenword" Arabic عشر/عشرة (after a unit it makes a teen: ثلاثة عشر),
# "scale", "dual" a scale word that counts two (ألفين, مليوني), "scale2a" Arabic ألفا/مليونا
# (a dual in construct, or an accusative singular written without its tanween), "plural" a scale
# that needs a count (آلاف, ملايين), "half", "point" a decimal point word, "frac" a
# Persian fraction denominator (دهم, صدم, هزارم), "zero".

_AR_UNITS = {
    1: "واحد واحدة", 2: "اثنان اثنين اثنتان اثنتين اثنا اثني اثنتا اثنتي", 3: "ثلاث ثلاثة", 4: "أربع أربعة",
    5: "خمس خمسة", 6: "ست ستة", 7: "سبع سبعة", 8: "ثمان ثماني ثمانية", 9: "تسع تسعة",
}
_AR_TENS = {20: "عشرون عشرين", 30: "ثلاثون ثلاثين", 40: "أربعون أربعين", 50: "خمسون خمسين", 60: "ستون ستين",
            70: "سبعون سبعين", 80: "ثمانون ثمانين", 90: "تسعون تسعين"}
_AR_HUNDRED_STEMS = {3: "ثلاث", 4: "أربع", 5: "خمس", 6: "ست", 7: "سبع", 8: "ثمان ثماني", 9: "تسع"}
_AR_SCALES = {  # singular, dual forms, plural
    10**3: ("ألف", "ألفان ألفين ألفي", "آلاف ألوف"),
    10**6: ("مليون", "مليونان مليونين مليوني", "ملايين"),
    10**9: ("مليار بليون", "ملياران مليارين ملياري بليونان بليونين", "مليارات بلايين"),
    10**12: ("تريليون ترليون", "تريليونان تريليونين تريليوني", "تريليونات ترليونات"),
}
_FA_UNITS = {1: "یک", 2: "دو", 3: "سه", 4: "چهار", 5: "پنج", 6: "شش شیش", 7: "هفت", 8: "هشت", 9: "نه"}
_FA_TEENS = {11: "یازده", 12: "دوازده", 13: "سیزده", 14: "چهارده", 15: "پانزده پونزده", 16: "شانزده شونزده",
             17: "هفده", 18: "هجده هیجده", 19: "نوزده"}
_FA_TENS = {10: "ده", 20: "بیست", 30: "سی", 40: "چهل", 50: "پنجاه", 60: "شصت", 70: "هفتاد", 80: "هشتاد", 90: "نود"}
_FA_HUNDREDS = {100: "یکصد", 200: "دویست", 300: "سیصد", 400: "چهارصد", 500: "پانصد پونصد", 600: "ششصد",
                700: "هفتصد", 800: "هشتصد", 900: "نهصد"}
_FA_SCALES = {10**3: "هزار", 10**6: "میلیون ملیون", 10**9: "میلیارد ملیارد", 10**12: "تریلیون ترلیون"}


def _number_words_ar() -> dict[str, tuple[str, int]]:
    out: dict[str, tuple[str, int]] = {}

    def put(words: str, role: str, value: int) -> None:
        for w in words.split():
            out[norm(w)] = (role, value)

    for v, ws in _AR_UNITS.items():
        put(ws, "unit", v)
    put("أحد إحدى", "unit", 1)  # only in teens (أحد عشر) or as "one of"
    put("عشر عشرة", "tenword", 10)
    for v, ws in _AR_TENS.items():
        put(ws, "ten", v)
    put("مئة مائة", "hword", 100)
    put("مئتان مئتين مئتا مئتي مائتان مائتين مائتا مائتي", "hundred", 200)
    for v, stems in _AR_HUNDRED_STEMS.items():
        for stem in stems.split():
            put(f"{stem}مئة {stem}مائة", "hundred", v * 100)
    for scale, (singular, duals, plurals) in _AR_SCALES.items():
        put(singular, "scale", scale)
        put(duals, "dual", scale)
        put(plurals, "plural", scale)
        for w in singular.split():
            out[norm(w) + "ا"] = ("scale2a", scale)  # ألفا / ألفاً, مليونا / مليوناً
    put("نصف", "half", 1)
    put("فاصلة فاصله", "point", 0)
    put("صفر", "zero", 0)
    return out


def _number_words_fa() -> dict[str, tuple[str, int]]:
    out: dict[str, tuple[str, int]] = {}
    for table, role in ((_FA_UNITS, "unit"), (_FA_TEENS, "teen"), (_FA_TENS, "ten"), (_FA_HUNDREDS, "hundred"),
                        (_FA_SCALES, "scale")):
        for v, ws in table.items():
            for w in ws.split():
                out[norm(w)] = (role, v)
    out[norm("صد")] = ("hword", 100)
    out[norm("نیم")] = ("half", 1)
    out[norm("ممیز")] = ("point", 0)
    out[norm("صفر")] = ("zero", 0)
    for w, v in (("دهم", 10), ("صدم", 100), ("هزارم", 1000), ("میلیونیم", 10**6)):
        out[norm(w)] = ("frac", v)
    return out


NUMBER_WORDS = {"ar": _number_words_ar(), "fa": _number_words_fa()}


# ----------------------------------------------------------------------------------------
# Offices: the small bilingual map speakers' titles are compared by (see attribution.py)
# ----------------------------------------------------------------------------------------
# One row per concept: its key, its kind, then its Arabic and its Persian phrases ("|" between phrases; a phrase
# is one or more words as news writes them, without the article ال or the Persian ezafe ی). Kinds:
#   post   an office one person holds (spokesperson, minister, governor);
#   body   an institution that speaks as one (ministry, organisation, court);
#   field  what a post or body deals with (foreign affairs, health, trade);
#   vague  no one in particular (an official, a source, the authorities): never compared;
#   weak   a qualifier titles drop or add freely (world, national, joint, a province): ignored when comparing.
# "کشور" (country) is the interior ministry only after وزیر / وزارت (attribution.parse_title sees to it).
# A row holds only words that name the same office in both languages; a word missing here is kept as written
# (see attribution.Title), so a rare title is compared by its spelling, not guessed.
_OFFICES = """
president          post   رئيس الجمهورية|رئيس الدولة          رئیس جمهور|رئیس جمهوری|رئیسجمهور|رئیسجمهوری
prime-minister     post   رئيس الوزراء|رئيس الحكومة           نخست وزیر|نخستوزیر
head               post   رئيس|رئيسة                          رئیس|رئیس کل
spokesperson       post   متحدث|متحدثة|ناطق|ناطقة             سخنگو
minister           post   وزير|وزيرة                          وزیر
deputy             post   نائب|مساعد                          معاون|قائم مقام
governor           post   محافظ|حاكم|والي                     استاندار|فرماندار
ambassador         post   سفير|سفيرة                          سفیر
secretary-general  post   أمين عام|امين عام                   دبیرکل|دبیر کل
director           post   مدير|مديرة|مدير عام|مدير تنفيذي|رئيس تنفيذي  مدیر|مدیرکل|مدیر کل|مدیرعامل|مدیر عامل
commander          post   قائد                                فرمانده
leader             post   مرشد                                رهبر
king               post   ملك|عاهل                            پادشاه
representative     post   ممثل|ممثلة|مندوب                    نماینده
envoy              post   مبعوث                               فرستاده
adviser            post   مستشار                              مشاور
attache            post   ملحق                                رایزن
coach              post   مدرب                                مربی|سرمربی
prosecutor         post   مدعي عام|نائب عام                   دادستان
judge              post   قاضي                                قاضی
official           vague  مسؤول|مسؤولون|مسؤولة|مسئول          مسئول|مسئولان|مقام|مقامات
source             vague  مصدر|مصادر|وسائل إعلام              منبع|منابع|رسانهها
authorities        vague  سلطات|منظمات|هيئات|جهات|أوساط        مسئولین|نهادها|سازمانها
ministry           body   وزارة                               وزارت|وزارتخانه
government         body   حكومة                               دولت
organisation       body   منظمة|هيئة                          سازمان
un                 body   أمم متحدة                           سازمان ملل|ملل متحد
office             body   مكتب                                دفتر
centre             body   مركز                                مرکز
chamber            body   غرفة                                اتاق
commission         body   مفوضية|لجنة                         کمیسیون|کمیساریا|کمیته
council            body   مجلس|برلمان                         مجلس
court              body   محكمة                               دادگاه|دیوان
company            body   شركة                                شرکت
movement           body   حركة                                جنبش
army               body   جيش                                 ارتش
police             body   شرطة                                پلیس
bank               body   بنك|مصرف                            بانک
agency             body   وكالة                               خبرگزاری
society            body   جمعية                               جمعیت|انجمن
federation         body   اتحاد                               فدراسیون|اتحادیه
headquarters       body   مقر                                 ستاد
university         body   جامعة                               دانشگاه
team               body   منتخب|فريق                          تیم
foreign            field  خارجية|شؤون خارجية                  امور خارجه|خارجه|خارجی
interior           field  داخلية                              کشور
health             field  صحة|صحية                            بهداشت|بهداشتی|بهداشت و درمان
environment        field  بيئة                                محیط زیست|حفاظت محیط زیست
trade              field  تجارة|تجاري|تجارية                  تجارت|تجاری|بازرگانی
industry           field  صناعة                               صنعت|صنایع
agriculture        field  زراعة                               کشاورزی|جهاد کشاورزی
economy            field  اقتصاد|مالية                        اقتصاد|اقتصادی|امور اقتصادی|دارایی
defence            field  دفاع                                دفاع
oil                field  نفط                                 نفت
energy             field  طاقة|كهرباء                         نیرو|انرژی
election           field  انتخابات|انتخابية                   انتخابات
media              field  إعلام|إعلامي|إعلامية                رسانه|رسانهای|اطلاع رسانی
red-crescent       field  هلال أحمر                           هلال احمر
justice            field  عدل|قضاء                            دادگستری|قوه قضاییه|قضاییه
education          field  تعليم|تربية                         آموزش و پرورش|آموزش
central            field  مركزي                               مرکزی
world              weak   عالمي|عالمية|دولي|دولية             جهانی|بین المللی|بینالمللی
national           weak   وطني|وطنية|قومي                     ملی|کشورمان
joint              weak   مشترك|مشتركة                        مشترک
high               weak   أعلى|عليا|عام|عامة|مستقلة           عالی|عمومی|کل
region             weak   محافظة|مقاطعة|إقليم|ولاية|مدينة     استان|شهرستان|شهر
"""


def _office_rows() -> dict[str, dict[tuple[str, ...], tuple[str, str]]]:
    """Per language ("ar", "fa"), each office phrase (normalised words) → (concept key, kind)."""
    tables: dict[str, dict[tuple[str, ...], tuple[str, str]]] = {"ar": {}, "fa": {}}
    for line in _OFFICES.strip().splitlines():
        key, kind, rest = line.split(None, 2)
        ar, fa = re.split(r"\s{2,}", rest.strip(), maxsplit=1)  # a phrase may hold one space, columns two or more
        for lang, column in (("ar", ar), ("fa", fa)):
            for phrase in column.split("|"):
                tables[lang][tuple(_bare(norm(w)) for w in phrase.split())] = (key, kind)
    return tables


def _bare(word: str) -> str:
    return word[2:] if word.startswith("ال") and len(word) > 3 else word


OFFICES = _office_rows()
OFFICE_KINDS = {key: kind for table in OFFICES.values() for key, kind in table.values()}
_OFFICE_LONGEST = max(len(k) for table in OFFICES.values() for k in table)
_OFFICE_FIRST = {k[0] for table in OFFICES.values() for k in table}  # most words start no office: a quick no


@lru_cache(maxsize=1 << 16)
def _office_forms(word: str) -> tuple[str, ...]:
    """The forms an office word is looked up by: without clitics, and without the Persian ezafe (سخنگوی)."""
    out = list(forms(word))
    if word.endswith(("ای", "وی")) and len(word) > 3:  # the ezafe is written only after a long vowel
        out.append(word[:-1])
    return tuple(out)


def office_at(tokens: list[Token], i: int, lang: str | None = None) -> tuple[str, str, int] | None:
    """The office phrase of ``lang`` (both languages when None or another language) starting at ``tokens[i]``,
    longest first: (concept key, kind, end index) or None."""
    if tokens[i].kind != "word" or not any(w in _OFFICE_FIRST for w in _office_forms(tokens[i].norm)):
        return None
    tables = [OFFICES[lang]] if lang in OFFICES else [OFFICES["ar"], OFFICES["fa"]]
    for size in range(min(_OFFICE_LONGEST, len(tokens) - i), 0, -1):
        words = tokens[i:i + size]
        if any(t.kind != "word" for t in words):
            continue
        for first in _office_forms(words[0].norm):
            key = (first, *(_bare(t.norm) for t in words[1:]))
            for table in tables:
                if key in table:
                    return (*table[key], i + size)
    return None


# ----------------------------------------------------------------------------------------
# Verbs of saying (read by :mod:`.attribution`, and by :mod:`.names` for their subjects)
# ----------------------------------------------------------------------------------------
AR_VERBS = {norm(w) for w in """قال قالت أكد أكدت أضاف أضافت أشار أشارت أعلن أعلنت صرح صرحت أوضح أوضحت ذكر ذكرت
شدد شددت نفى نفت رأى رأت اعتبر اعتبرت كشف كشفت لفت لفتت تابع تابعت رحب رحبت حذر حذرت أعرب أعربت طالب طالبت أفاد
أفادت مضيفا مشيرا مؤكدا معتبرا موضحا معربا محذرا لافتا مشددا""".split()}
# رأى (he held) is written like رأي (an opinion): only «ورأى» / «فرأى» count
AR_NEEDS_PREFIX = {norm(w) for w in ("رأى", "رأت")}
# "عن X قوله إن" (quoting X), "بحسب X" (according to X): the speaker comes before / after
AR_QUOTED = {norm(w) for w in ("قوله", "قولها")}
AR_ACCORDING = {norm(w) for w in ("بحسب", "حسب", "وبحسب", "وحسب")}
FA_VERBS_ONE = {norm(w) for w in "گفت افزود گفته".split()}
FA_VERBS_TWO = {(norm(a), norm(b)) for a, b in (
    ("تأکید", "کرد"), ("تاکید", "کرد"), ("اعلام", "کرد"), ("اظهار", "داشت"), ("تصریح", "کرد"), ("خاطرنشان", "کرد"),
    ("عنوان", "کرد"), ("بیان", "کرد"), ("یادآور", "شد"), ("اظهار", "کرد"), ("اعلام", "داشت"), ("تاکید", "کرده"),
    ("تأکید", "کرده"), ("اعلام", "کرده"), ("ادامه", "داد"), ("تصریح", "کرده"), ("خبر", "داد"), ("هشدار", "داد"),
    ("توصیف", "کرد"), ("استقبال", "کرد"), ("خواستار", "شد"), ("اعلام", "نمود"), ("تأکید", "نمود"), ("تاکید", "نمود"))}
# "تبریک گفت" (congratulated), "تسلیت گفت": a light verb, not a reported statement
FA_LIGHT = {norm(w) for w in ("تبریک", "تسلیت", "خوشامد", "خیرمقدم", "پاسخ", "سخن", "دروغ", "ناسزا")}


def verb_at(tokens: list[Token], i: int, lang: str) -> int | None:
    """End index of the verb of saying starting at ``tokens[i]``, or None."""
    t = tokens[i]
    if t.kind != "word":
        return None
    n = len(tokens)
    fs = forms(t.norm)
    if lang != "fa" and (fs[0] in AR_VERBS and fs[0] not in AR_NEEDS_PREFIX
                         or len(fs) > 1 and fs[1] in AR_VERBS and t.norm.startswith(("و", "ف"))
                         or t.norm in AR_QUOTED or t.norm in AR_ACCORDING):
        return i + 1
    if t.norm in FA_VERBS_ONE and not is_goftogu(tokens, i):
        if t.norm == norm("گفت") and i > 0 and tokens[i - 1].norm in FA_LIGHT:
            return None
        return i + 1
    if i + 1 < n and (t.norm, tokens[i + 1].norm) in FA_VERBS_TWO:
        return i + 2
    return None


def is_goftogu(tokens: list[Token], i: int) -> bool:
    """«گفت‌وگو» (a conversation), written as one word or two: not the verb گفت."""
    nxt = [t.norm for t in tokens[i + 1:i + 3]]
    return tokens[i].norm == norm("گفت") and (nxt[:1] == [norm("وگو")] or nxt[:2] == [norm("و"), norm("گو")])


# ----------------------------------------------------------------------------------------
# Titles (read by :mod:`.names`: a name stands next to a title)
# ----------------------------------------------------------------------------------------
TITLES = """الرئيس رئيس رئيسة الملك العاهل الأمير أمير الشيخ السيد السيدة الدكتور الوزير وزير وزيرة نائب الناطق الناطقة
المتحدث المتحدثة متحدث سفير السفير المرشد قائد القائد مدير المدير محافظ المحافظ المستشار الجنرال اللواء العميد وكيل
الأمين المبعوث مبعوث المندوب مندوب النائب رئيس‌جمهور رئیسجمهور رئیسجمهوری پادشاه شاه امیر شیخ آقای خانم دکتر وزیر معاون
سخنگوی سخنگو سفیر رهبر فرمانده مدیر مدیرکل استاندار فرماندار دبیرکل نماینده سرلشکر سردار مشاور فرستاده ملک ولیعهد
""".split()
# words that continue a title before the name: "الناطق باسم الكرملين", "وكيل وزارة ...", "وزیر امور خارجه"
TITLE_CONTINUATIONS = """باسم وزارة لشؤون شؤون الشؤون للشؤون العام العامة الأعلى الخارجية الداخلية الدفاع الطاقة الوفد
الوزراء الجمهورية حكومة الحكومة مجلس المجلس هيئة منظمة برنامج امور امور خارجه کشور نیرو جمهوری دولت سازمان وزارت وزیر
وزارت‌خانه کل ستاد خارجی داخلی اقتصاد دفاع نفت""".split()
TITLE_K = {norm(w) for w in TITLES}
LINK_K = {norm(w) for w in TITLE_CONTINUATIONS}


def is_title(tok: Token) -> bool:
    """A title word (الرئيس, سخنگوی) or a one-word post of the office map."""
    return tok.kind == "word" and (tok.norm in TITLE_K or any(f in TITLE_K for f in forms(tok.norm)[1:2])
                                   or office_kind(tok) == "post")


def office_kind(tok: Token) -> str | None:
    """The kind of the one-word office (post, body, field, vague, weak) ``tok`` is, if any."""
    if tok.kind != "word":
        return None
    found = office_at([tok], 0)
    return found[1] if found else None


def nisba(tok: Token) -> bool:
    """An Arabic adjective of origin after a title: الروسي، الإيرانية (not a name)."""
    w = tok.norm
    return w.startswith(("ال", "وال")) and (w.endswith("ی") or w.endswith("یه") or w.endswith("ین"))
