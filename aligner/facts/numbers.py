"""Numbers in digits (Latin, Arabic-Indic, Persian) and in words (Arabic, Persian), with units.

Separators, by convention:

- ``٫`` (U+066B) is always the decimal sign and ``٬`` (U+066C) the thousands sign.
- With Persian digits a single ``/`` is a decimal sign (``۲/۵ درصد``); ``a/b/c`` is a date.
- ``,`` followed by groups of exactly three digits is a thousands sign (``1,500,000``),
  otherwise a decimal comma (``1,5``); ``.`` is a decimal point unless it separates two or
  more groups of three digits (``1.500.000``). The Arabic comma ``،`` never joins digits.

Number words are read as one number from the largest part to the smallest, the parts joined
by «و» (``تسعة ملايين وخمسمائة وخمسون ألفاً وستمائة`` = 9,550,600; ``نه میلیون و پانصد و پنجاه
هزار و ششصد``), digits and words mixed (``۷ میلیارد و ۴۰۰ میلیون``, ``مليون و370 ألف``). Each
part after a scale word must stay below it, so ``بين ألفين وثلاثة آلاف`` is two numbers. Arabic
puts units before tens (``خمسة وعشرون``), Persian tens before units (``بیست و پنج``).
A bare scale word counts one (``مليون شخص``, ``هزار نفر``), a dual two (``ألفين``, ``مليوني``,
``مئتا``); ``ونصف`` / ``و نیم`` right after a scale adds half of it (``مليون ونصف``). Decimals in
words: ``فاصلة`` / ``ممیز`` (``ستة فاصلة واحد`` = 6.1) and Persian fractions (``دو و بیست و پنج
صدم`` = 2.25). Money with a sub-unit is one amount (``۶۴ دلار و ۷۰ سنت`` = 64.70 usd).

Arabic duals that carry a count (``يومين``, ``دولتين``) are numbers; definite duals
(``الدولتين``, "both states") are not. Ordinals are not extracted (except Persian day ordinals
inside dates, see :mod:`.dates`), nor is a lone ``یک``/``واحد`` (usually an article or adjective);
Arabic ``واحد`` after its noun counts one (``زلزالاً واحداً``). Shares of a whole are percentages
(``ثلث مساحة البلاد`` = 33.33 %, ``یک‌سوم`` , ``ربعهم``), with ``note`` saying so.

Bounds: «أكثر من», «بیش از», «يتجاوز», «دست‌کم» mark a number as a lower bound (``above``),
«أقل من», «کمتر از», «لا يتجاوز» an upper bound (``below``), «نحو», «حدود», «قرابة» an
approximation (``about``); see :func:`interval` for the values each admits.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field, replace
from decimal import ROUND_FLOOR, Decimal
from functools import lru_cache

from ._lex import NUMBER_WORDS, Token, ascii_digits, forms, lookup, norm, overlapped
from .counted import counted_at
from .model import Fact

DUALS = {norm(k): v for k, v in {
    "يومين": "day", "يومان": "day", "شهرين": "month", "شهران": "month", "عامين": "year", "عامان": "year",
    "سنتين": "year", "سنتان": "year", "ساعتين": "hour", "ساعتان": "hour", "أسبوعين": "week", "أسبوعان": "week",
    "دولتين": "country", "دولتان": "country", "مرتين": "times", "مرتان": "times", "دورتين": "session",
    "دورتان": "session", "شخصين": "person", "شخصان": "person", "طفلين": "child", "جنديين": "soldier",
    "قتيلين": "killed", "جريحين": "injured", "ليلتين": "night", "دقيقتين": "minute",
    "ذهبيتين": "gold", "فضيتين": "silver", "برونزيتين": "bronze", "ميداليتين": "medal",
}.items()}
# counted nouns and units (normalised): canonical unit
_UNITS = {
    "usd": "دولار دولارات دلار دلاری", "eur": "يورو یورو", "rial": "ريال ریال", "toman": "تومان",
    "dinar": "دينار دينارات دینار", "dirham": "درهم دراهم", "pound": "جنيه جنیه", "lira": "ليرة لیر لیره",
    "rouble": "روبل", "%": "% ٪ بالمئة بالمائة درصد", "m": "متر أمتار امتار متری", "km": "كيلومتر كيلومترات کیلومتر كم",
    "degree": "درجة درجات درجه ريختر ریشتر",  # heat, and an earthquake's magnitude (درجات = ریشتر)
    "ton": "طن أطنان تن", "kg": "كيلوغرام كيلوغرامات کیلوگرم", "litre": "لتر ليتر لیتر", "mm": "ملم مليمتر میلیمتر",
    "day": "يوم أيام روز روزه", "week": "أسبوع أسابيع هفته", "month": "أشهر شهور ماه ماهه",
    "year": "عام أعوام سنة سنوات سال ساله", "hour": "ساعة ساعات ساعت ساعته", "minute": "دقيقة دقائق دقیقه",
    "country": "دولة دول کشور", "person": "شخص أشخاص نفر شخصا", "refugee": "لاجئ لاجئين لاجئا پناهجو پناهنده",
    "killed": "قتيل قتلى کشته", "injured": "جريح جرحى زخمی مجروح",
    "expert": "خبير خبراء کارشناس", "workshop": "ورشة ورش کارگاه", "company": "شركة شركات شرکت",
    "article": "مقالة مقال مقالات مقاله", "soldier": "جندي جنود سرباز", "member": "عضو أعضاء", "city": "مدينة مدن",
    "village": "قرية قرى روستا", "student": "طالب طلاب دانشجو", "school": "مدرسة مدارس مدرسه",
    "house": "منزل منازل خانه",
    "family": "عائلة عائلات أسرة أسر خانواده", "plant": "محطة محطات نیروگاه", "dam": "سد سدود سد",
    "truck": "شاحنة شاحنات کامیون",
    "flight": "رحلة رحلات پرواز", "vessel": "سفينة سفن کشتی", "barrel": "برميل براميل بشکه",
    "megawatt": "ميغاواط مگاوات",
    "hectare": "هكتار هکتار", "bed": "سرير أسرة تخت", "job": "وظيفة وظائف شغل", "patient": "مريض مرضى بیمار",
    "team": "فريق فرق منتخب منتخبات تیم",
    "project": "مشروع مشاريع پروژه طرح", "prisoner": "أسير أسرى سجين زندانی اسیر", "vote": "صوت أصوات رأی",
    "seat": "مقعد مقاعد کرسی", "worker": "عامل عمال كارگر", "medal": "ميدالية ميداليات مدال",
    "gold": "ذهبية ذهبيات طلا", "silver": "فضية فضيات نقره", "bronze": "برونزية برونزيات برنز",
    "session": "دورة دورات دوره", "times": "مرة مرات بار", "child": "طفل أطفال کودک",
}
UNITS: dict[str, str] = {}
for _unit, _unit_words in _UNITS.items():
    for _w in _unit_words.split():
        UNITS.setdefault(norm(_w), _unit)
# Classifiers between a number and its noun: «۱۵ دستگاه کامیون», «۳ فروند هواپیما», «خمسة رؤوس»
_CLASSIFIERS = {norm(w) for w in "دستگاه فروند رأس قطعه عدد".split()}
UNITS_BY_LANG = {"ar": {norm("شهر"): "month"}, "fa": {norm("شهر"): "city"}}
PERCENT_PHRASES = [(norm("في"), norm("المئة")), (norm("في"), norm("المائة"))]
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
        t = t.replace(".", "").replace(",", ".") if t.rfind(",") > t.rfind(".") else t.replace(",", "")
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


# a money unit's sub-unit, and how many make one: ۶۴ دلار و ۷۰ سنت
SUBUNITS = {
    "usd": ({norm(w) for w in "سنت سنتا سنتات".split()}, 100),
    "eur": ({norm(w) for w in "سنت سنتا سنتات".split()}, 100),
    "pound": ({norm(w) for w in "قرش قرشا قروش".split()}, 100),
    "lira": ({norm(w) for w in "قرش قرشا قروش".split()}, 100),
}

# Words before a number that bound it. Each phrase is matched on normalised words; its first
# word may carry a clitic (بأكثر من, لنحو, وقرابة). Longest phrases are tried first, so the
# negated «لا يتجاوز» (at most) wins over «يتجاوز» (more than).
_BOUND_PHRASES = {
    "about": "نحو|حوالي|حوالى|قرابة|زهاء|تقريبا|تقريباً|ما يقارب|يقارب|تقارب|ما يقرب من|يقرب من|حدود|حدودا|حدوداً|"
             "تقریبا|تقریباً|نزدیک به|قریب به|در حدود",
    "above": "أكثر من|ما يزيد على|ما يزيد عن|يزيد على|يزيد عن|يتجاوز|تتجاوز|تجاوز|تجاوزت|متجاوزا|متجاوزاً|يفوق|"
             "تفوق|يتخطى|تتخطى|تخطى|تخطت|أزيد من|ما لا يقل عن|لا يقل عن|بیش از|بیشتر از|دست‌کم|دستکم|حداقل|"
             "افزون بر|بالغ أكثر من",
    "below": "أقل من|لا يتجاوز|لم يتجاوز|ألا يتجاوز|لن يتجاوز|لا تتجاوز|لم تتجاوز|ألا تتجاوز|لن تتجاوز|"
             "ما لا يزيد على|ما لا يزيد عن|لا يزيد على|لا يزيد عن|کمتر از|حداکثر",
}
# Verbs of exceeding keep their bound across a subject between them and the number (Arabic puts the
# verb first): «تجاوز سعر الدولار مليوناً», «ألا يتجاوز الحصاد 10 ملايين طن».
_EXCEED = {norm(w) for w in "يتجاوز تتجاوز تجاوز تجاوزت يفوق تفوق يتخطى تتخطى تخطى تخطت".split()}
_MAX_SUBJECT = 3  # words between such a verb and its number
BOUND_BEFORE = sorted(((tuple(norm(w) for w in p.split()), bound) for bound, ps in _BOUND_PHRASES.items()
                       for p in ps.split("|")), key=lambda pb: -len(pb[0]))
_BOUND_BY_LAST: dict[str, list[tuple[tuple[str, ...], str]]] = {}
for _phrase, _bound in BOUND_BEFORE:
    # a one-word phrase may carry a clitic (بنحو, لأكثر): file it under those forms too
    for _last in ({_phrase[-1]} if len(_phrase) > 1
                  else {_phrase[0], *(p + _phrase[0] for p in ("و", "ب", "ل", "ف", "وب", "ول", "فب"))}):
        _BOUND_BY_LAST.setdefault(_last, []).append((_phrase, _bound))
# and after the number (and its unit): ۵۰ نفر تقریباً, 20 شخصاً على الأقل, ۱۸ سال به بالا
BOUND_AFTER = sorted(((tuple(norm(w) for w in p.split()), bound) for bound, ps in {
    "about": "تقريبا|تقریبا|حدودا", "above": "على الأقل|فأكثر|فما فوق|به بالا|و بیشتر"}.items()
    for p in ps.split("|")), key=lambda pb: -len(pb[0]))

# alone, these are articles, adjectives, negations or verbs, not counts: یک (a), نه (no), ده (village),
# سی (CI), واحد (one = single), أحد (someone), ست (lady), سبع (lion), خمس/عشر (a fifth, a tenth), تسع (holds)
WEAK = {"fa": {norm(w) for w in "یک نه ده سی".split()},
        "ar": {norm(w) for w in "واحد واحدة أحد إحدى عشر ست سبع خمس تسع ثمان".split()}}
# Shares of a whole, as a percentage: «ثلث مساحة البلاد», «نحو ربع قيمته», «ربعهم», «یک‌سوم گاز», «نیمی از»
SHARES = {
    "ar": {norm(w): v for w, v in (("نصف", "50"), ("ثلث", "33.33"), ("ربع", "25"), ("ثلثي", "66.67"),
                                   ("ثلثا", "66.67"))},
    "fa": {norm(w): v for w, v in (("نیمی", "50"), ("یکسوم", "33.33"), ("دوسوم", "66.67"), ("یکچهارم", "25"),
                                   ("سهچهارم", "75"))},
}
_PRONOUNS = tuple(norm(w) for w in ("هم", "ها", "ه", "هن", "هما"))  # ربعهم, نصفها
# after these a share word is a length of time or a stage, not a share: ربع ساعة, نصف النهائي
_NOT_SHARED = {norm(w) for w in "ساعة ساعات قرن يوم أيام شهر سنة عام دقيقة النهائي نهائي ساعت روز ماه سال قرن".split()}
# «واحد» after a noun counts one (زلزالاً واحداً, برونزية واحدة), except in these set phrases:
# في آن واحد, في وقت واحد (at once), بصوت واحد (unanimously), صفاً واحداً, يداً واحدة, كرجل واحد (united)
_ONE = {norm(w) for w in "واحد واحدة واحدا".split()}
_ONE_IDIOMS = {norm(w) for w in "آن وقت صوت صف صفا يد يدا جسد رجل قلب كل أي".split()}
_TANWEEN_FATH = "\u064b"
_MAX_RUN = 60  # tokens looked at for one number (keeps the extractor linear on pathological input)


@dataclass(frozen=True)
class Atom:
    """One piece of a number: a number word's role and value, a conjunction, or digits."""

    role: str  # see aligner.facts._lex NUMBER_WORDS; also "and", "digits"
    value: Decimal
    tok: int  # index of the token it comes from
    start: int  # document offset where the number would start at this atom (after a clitic)
    last: bool  # the last atom of its token: a number may end here
    weak: bool = False
    tanween: bool = False  # Arabic ـاً written out (ألفاً: an accusative singular, not a dual)


def _word_atoms(tok: Token, idx: int, lang: str, first: bool) -> list[Atom]:
    """The atoms of one word token ([] when it is not a number word). Persian writes «و» joined
    with ZWNJ (بیست‌و‌پنج), Arabic glues it to the next word (وخمسون)."""
    words = _words(lang)
    parts, pos = [], tok.start
    for piece in tok.text.split("\u200c"):
        parts.append((piece, pos))
        pos += len(piece) + 1
    out: list[Atom] = []
    for k, (raw, at) in enumerate(parts):
        w = tok.norm if len(parts) == 1 else norm(raw)
        found = _lookup_word(w, words, lang, first and k == 0)
        if found is None:
            return []
        clitic, role, value = found
        if clitic == "و":
            out.append(Atom("and", Decimal(0), idx, at, False))
        if role == "and":
            out.append(Atom("and", Decimal(0), idx, at, False))
            continue
        weak = w[len(clitic):] in WEAK.get(lang, WEAK["ar"] | WEAK["fa"])
        out.append(Atom(role, Decimal(value), idx, at + len(clitic), False, weak, _TANWEEN_FATH in raw))
    if out:
        out[-1] = Atom(out[-1].role, out[-1].value, out[-1].tok, out[-1].start, True, out[-1].weak, out[-1].tanween)
    return out


def _lookup_word(w: str, words: dict, lang: str, first: bool) -> tuple[str, str, int] | None:
    """(clitic, role, value) of a normalised word: واحداً -> واحد, وخمسون -> و + خمسون, بمليون -> ب + مليون."""
    if w == "و":
        return "", "and", 0
    if w in words:
        return ("", *words[w])
    if w.endswith("ا") and w[:-1] in words and words[w[:-1]][0] == "unit":
        return ("", *words[w[:-1]])  # accusative: واحداً
    if len(w) > 2 and w[0] == "و" and w[1:] in words:
        return ("و", *words[w[1:]])
    if lang != "fa" and first and len(w) > 2 and w[0] in "بل" and w[1:] in words:
        return (w[0], *words[w[1:]])
    return None


def _words(lang: str) -> dict:
    return NUMBER_WORDS.get(lang) or _both_languages()


@lru_cache(maxsize=1)
def _both_languages() -> dict:
    return {**NUMBER_WORDS["fa"], **NUMBER_WORDS["ar"]}


def _atoms(tokens: list[Token], i: int, lang: str, free) -> list[Atom]:
    """The atoms of the number-like tokens from ``tokens[i]`` on, up to the first other token."""
    out: list[Atom] = []
    for j in range(i, min(len(tokens), i + _MAX_RUN)):
        t = tokens[j]
        if not free(t):
            break
        if t.kind == "num":
            v = parse_digits(t.text)
            if v is None:
                break
            out.append(Atom("digits", v, j, t.start, True))
        elif t.kind == "word":
            got = _word_atoms(t, j, lang, first=j == i)
            if not got:
                break
            out.extend(got)
        else:
            break
    while out and out[0].role == "and":
        out.pop(0)  # a number starts after its conjunction: وثلاثة -> ثلاثة
    return out


# ----------------------------------------------------------------------------------------
# Reading a run of atoms
# ----------------------------------------------------------------------------------------


@dataclass
class _Reading:
    """A number read so far: ``pieces`` are the parts joined by «و» (a scale group counts as one),
    ``group`` the parts of the group below the last scale, ``slots`` which places of that group are
    filled (h hundreds, t tens, u units, teen, half, point, digits)."""

    lang: str
    pieces: list[Decimal] = field(default_factory=list)
    group: list[Decimal] = field(default_factory=list)
    slots: set[str] = field(default_factory=set)
    scale: int = 0  # the last scale applied; what follows must stay below it
    joined: bool = False  # a «و» is waiting for the next part
    closed: bool = False  # nothing can follow (after ونصف, a fraction)
    after_scale: bool = False  # the last atom was a scale word

    def copy(self) -> _Reading:
        return _Reading(self.lang, list(self.pieces), list(self.group), set(self.slots), self.scale, self.joined,
                        self.closed, self.after_scale)

    @property
    def value(self) -> Decimal:
        return sum(self.pieces, Decimal(0)) + sum(self.group, Decimal(0))

    @property
    def empty(self) -> bool:
        return not self.pieces and not self.group


def _read(atoms: list[Atom], k: int, lang: str) -> tuple[Decimal, int] | None:
    """The longest number that ``atoms[k:]`` start with: (value, index past its last atom), ending
    at a token boundary; None when they start no number."""
    st = _Reading(lang)
    best: tuple[Decimal, int] | None = None
    commits: list[tuple[Decimal, int]] = []
    group_at = k  # where the group below the last scale began
    while k < len(atoms):
        a = atoms[k]
        if st.closed:
            break
        if st.group and a.role in ("scale", "dual", "plural", "scale2a") and _step(st, a, atoms, k) is None:
            # «بين ألفين وثلاثة آلاف»: the group that this scale cannot take belongs to the next number
            return next((c for c in reversed(commits) if c[1] < group_at), None) if st.pieces else best
        if a.role == "point":
            got = _decimal_part(st, atoms, k)
            if got is None:
                break
            st, k = got
        elif a.role == "frac":
            if not _apply_fraction(st, a.value):
                break
            k += 1
        else:
            nxt = _step(st, a, atoms, k)
            if nxt is None:
                if st.joined:  # «دو و بیست و پنج صدم»: the «و» may open a Persian fraction
                    tail = _fraction_tail(atoms, k, lang)
                    if tail is not None:
                        value, k = tail
                        return st.value + value, k
                break
            if nxt.group and not st.group:
                group_at = k
            st = nxt
            k += 1
        if atoms[k - 1].last and not st.joined and not st.empty:
            best = (st.value, k)
            commits.append(best)
    return best


def _fraction_tail(atoms: list[Atom], k: int, lang: str) -> tuple[Decimal, int] | None:
    """A Persian fraction from ``atoms[k]``: an integer below its denominator, then دهم/صدم/هزارم."""
    if lang == "ar":
        return None
    got = _read_integer(atoms, k, lang)
    if got is None:
        return None
    n, end = got
    if end < len(atoms) and atoms[end].role == "frac" and n < atoms[end].value:
        return n / atoms[end].value, end + 1
    return None


def _read_integer(atoms: list[Atom], k: int, lang: str) -> tuple[Decimal, int] | None:
    """Like :func:`_read` for a whole number only (no fraction or decimal words)."""
    end = k
    while end < len(atoms) and atoms[end].role not in ("frac", "point", "half"):
        end += 1
    got = _read(atoms[:end], k, lang)
    return got if got is not None and got[0] == int(got[0]) else None


def _slot(role: str) -> str:
    return {"unit": "u", "ten": "t", "tenword": "t", "teen": "teen", "hundred": "h", "hword": "h",
            "digits": "digits", "half": "half"}[role]


def _step(st: _Reading, a: Atom, atoms: list[Atom], k: int) -> _Reading | None:
    """The reading after atom ``a``, or None when ``a`` cannot continue it."""
    if a.role == "and":
        if st.joined or st.empty:
            return None
        nxt = st.copy()
        nxt.joined = True
        nxt.after_scale = False
        return nxt
    if a.role in ("scale", "dual", "plural", "scale2a"):
        return _step_scale(st, a, atoms, k)
    if a.role == "half":
        return _step_half(st)
    if a.role in ("unit", "ten", "teen", "hundred", "digits", "tenword", "hword"):
        return _step_part(st, a)
    return None  # zero outside a decimal part


def _step_part(st: _Reading, a: Atom) -> _Reading | None:
    nxt = st.copy()
    nxt.after_scale = False
    v = a.value
    if not st.group:
        if st.scale and not st.joined:
            return None  # «ثلاثة ملايين خمسمائة»: a new number
        if st.scale and v >= st.scale:
            return None
        if not st.empty and not st.scale:
            return None
        nxt.group = [v]
        nxt.slots = {_slot(a.role)}
        nxt.joined = False
        return nxt
    if not st.joined:
        # parts glued without «و»: ثلاثة عشر (13), ثلاث مئة / سه صد (300)
        if a.role == "tenword" and st.slots == {"u"} or (a.role == "tenword" and st.slots == {"h", "u"}
                                                         and st.group[-1] < 10):
            nxt.group[-1] += 10
            nxt.slots = (st.slots - {"u"}) | {"teen"}
            return nxt
        if a.role == "hword" and st.slots == {"u"} and len(st.group) == 1:
            nxt.group[-1] *= 100
            nxt.slots = {"h"}
            return nxt
        return None
    slots = st.slots
    role = "ten" if a.role == "tenword" else a.role
    ok = False
    if role == "unit":
        # Persian بیست و پنج; not «ده و هشت» (18 is one word, هجده)
        ok = slots <= {"h"} or (st.lang != "ar" and "t" in slots and slots <= {"h", "t"} and st.group[-1] >= 20)
    elif role == "ten":
        ok = slots <= {"h"} or (st.lang != "fa" and a.role == "ten" and "u" in slots and slots <= {"h", "u"})
    elif role == "teen":
        ok = slots <= {"h"}
    if not ok:
        return None
    nxt.group.append(v)
    nxt.slots = slots | {_slot(role)}
    nxt.joined = False
    return nxt


def _step_scale(st: _Reading, a: Atom, atoms: list[Atom], k: int) -> _Reading | None:
    s = int(a.value)
    nxt = st.copy()
    if st.group and not st.joined:
        if a.role == "dual":
            return None
        count = st.value - sum(st.pieces, Decimal(0))
    elif not st.group and (st.empty and not st.joined or st.joined and st.scale):
        if a.role == "plural":
            return None  # آلاف without a count: "thousands of"
        count = Decimal(2) if a.role == "dual" or (a.role == "scale2a"
                                                   and _dual_in_construct(a, atoms, k)) else Decimal(1)
    elif st.after_scale and not st.joined and a.role == "scale" and s > st.scale:
        nxt.pieces[-1] *= s  # ألف مليون, ثلاثة آلاف مليون: a thousand millions
        nxt.scale = st.scale * s
        return nxt
    else:
        return None
    if st.scale and (s >= st.scale or count * s >= st.scale):
        return None
    nxt.pieces.append(count * s)
    nxt.group, nxt.slots = [], set()
    nxt.scale, nxt.joined, nxt.after_scale = s, False, True
    return nxt


def _dual_in_construct(a: Atom, atoms: list[Atom], k: int) -> bool:
    """Whether a bare ألفا / مليونا is the dual in construct (ألفا دولار: 2,000) rather than an
    accusative singular written without its tanween (مليونا وخمسين ألفاً: 1,050,000)."""
    if a.tanween:
        return False
    return not (k + 1 < len(atoms) and atoms[k + 1].role == "and" and k + 2 < len(atoms)
                and atoms[k + 2].role not in ("and", "half"))


def _step_half(st: _Reading) -> _Reading | None:
    nxt = st.copy()
    nxt.after_scale = False
    if st.joined and st.group and not ({"half", "point"} & st.slots):
        nxt.group.append(Decimal("0.5"))  # ثلاثة ونصف, یک و نیم
        nxt.slots = st.slots | {"half"}
    elif st.joined and not st.group and st.scale:
        nxt.pieces.append(Decimal(st.scale) / 2)  # مليون ونصف, یک میلیون و نیم
        nxt.closed = True
    elif st.empty and not st.joined:
        nxt.group, nxt.slots = [Decimal("0.5")], {"half"}  # نصف مليون, نیم
    else:
        return None
    nxt.joined = False
    return nxt


def _decimal_part(st: _Reading, atoms: list[Atom], k: int) -> tuple[_Reading, int] | None:
    """After a decimal point word (فاصلة, ممیز): its zeros and digits read as a number."""
    if not st.group or st.joined or {"half", "point"} & st.slots:
        return None
    j, zeros = k + 1, 0
    while j < len(atoms) and atoms[j].role == "zero":
        zeros, j = zeros + 1, j + 1
    got = _read_integer(atoms, j, st.lang)
    if got is None:
        if not zeros or not atoms[j - 1].last:
            return None
        n, end = Decimal(0), j
    else:
        n, end = got
    digits = len(str(int(n))) if n else 0
    nxt = st.copy()
    nxt.group.append(n / Decimal(10) ** (zeros + digits))
    nxt.slots = st.slots | {"point"}
    nxt.after_scale = False
    return nxt, end


def _apply_fraction(st: _Reading, denominator: Decimal) -> bool:
    """«بیست و پنج صدم» (0.25), «صد و هفتاد و پنج صدم» (100.75): the parts at the end that stay below
    the denominator are its numerator, the rest the whole number."""
    if st.joined or st.empty or {"half", "point"} & st.slots:
        return False
    parts = st.pieces + st.group
    numerator, cut = Decimal(0), len(parts)
    while cut > 0 and numerator + parts[cut - 1] < denominator:
        numerator += parts[cut - 1]
        cut -= 1
    if not numerator or numerator != int(numerator):
        return False
    st.pieces = parts[:cut] + [numerator / denominator]
    st.group, st.slots, st.closed = [], set(), True
    return True


# ----------------------------------------------------------------------------------------
# Extraction
# ----------------------------------------------------------------------------------------


def extract_numbers(tokens: list[Token], text: str, *, lang: str, taken: list[tuple[int, int]], segment: int = -1,
                    base: int = 0) -> list[Fact]:
    facts: list[Fact] = []
    i, n = 0, len(tokens)
    taken_at = {t.start for t, hit in zip(tokens, overlapped(tokens, taken), strict=True) if hit}

    def free(t: Token) -> bool:
        return t.start not in taken_at

    while i < n:
        tok = tokens[i]
        if not free(tok) or tok.kind not in ("num", "word"):
            i += 1
            continue
        found = _number_at(tokens, i, lang, free)
        if found is None:
            fact = (_dual_noun(tokens, i, text, segment, base) or _glued_unit(tok, segment, base)
                    or _share(tokens, i, text, lang, segment, base)
                    or _one_after_noun(tokens, i, text, lang, segment, base))
            if fact is not None:
                facts.append(fact)
                i = max(i + 1, next(k for k in range(i, n + 1) if k == n or tokens[k].start >= fact.doc_end))
                continue
            i += 1
            continue
        value, start, j = found
        scale = _round_scale(tokens[j - 1], j - 1, lang, value)
        unit, j = _unit_after(tokens, j, lang)
        value, j = _subunit(tokens, j, unit, value, lang, free)
        fact = _fact(tokens, i, start, j, text, value, unit, segment, base)
        if scale:
            fact.extra["scale"] = scale
        facts.append(fact)
        i = j
    return facts


_ROUND_MANTISSA = 10  # «62 ألفاً» is a rounded 62,122; «2,000» against 2,500 is another figure


def _round_scale(last: Token, idx: int, lang: str, value: Decimal) -> int:
    """The scale word a number ends in when it is a whole count of them, of at least :data:`_ROUND_MANTISSA`
    («اثنين وستين ألفاً», «۶۱ میلیون»): such a figure is a rounded one; 0 otherwise."""
    atoms = _word_atoms(last, idx, lang, False) if last.kind == "word" else []
    if not atoms or atoms[-1].role not in ("scale", "plural", "scale2a"):
        return 0
    scale = int(atoms[-1].value)
    return scale if value % scale == 0 and value / scale >= _ROUND_MANTISSA else 0


def _number_at(tokens: list[Token], i: int, lang: str, free) -> tuple[Decimal, int, int] | None:
    """(value, start offset, index of the token after it) of the number starting at ``tokens[i]``."""
    atoms = _atoms(tokens, i, lang, free)
    if not atoms or atoms[0].tok != i:
        return None
    got = _read(atoms, 0, lang)
    if got is None:
        return None
    value, end = got
    j = atoms[end - 1].tok + 1
    if end == 1 and not _stands_alone(atoms[0], tokens, j, lang):
        return None
    return value, atoms[0].start, j


def _stands_alone(a: Atom, tokens: list[Token], j: int, lang: str) -> bool:
    """Whether one number word by itself is a count: not a weak word (یک, نه, واحد ...) unless a
    counted noun follows (not after یک, an article), and not نصف (a share, not a count)."""
    if a.role == "half":
        return lang == "fa"  # نیم ساعت; Arabic نصف is "half of"
    if a.role == "zero":
        return False
    if not a.weak:
        return True
    unit_follows = j < len(tokens) and tokens[j].kind == "word" and lookup(UNITS, tokens[j].norm) is not None
    return unit_follows and norm(tokens[a.tok].text) != norm("یک")


def _dual_noun(tokens: list[Token], i: int, text: str, segment: int, base: int) -> Fact | None:
    """An Arabic dual noun that counts two: يومين, دولتين (not the definite الدولتين, "both states")."""
    tok = tokens[i]
    if tok.norm.startswith(("ال", "وال", "بال", "لل")):
        return None
    clitic = tok.norm not in DUALS and tok.norm[:1] in "وبل"
    unit = DUALS.get(tok.norm[1:] if clitic else tok.norm)
    if unit is None:
        return None
    return _fact(tokens, i, tok.start + clitic, i + 1, text, Decimal(2), unit, segment, base)


def _share(tokens: list[Token], i: int, text: str, lang: str, segment: int, base: int) -> Fact | None:
    """A share of a whole, as a percentage: «ثلث مساحة البلاد» (33.33 %), «ربعهم» (25 %), «یک سوم» (33.33 %)."""
    shares = SHARES.get(lang)
    if not shares:
        return None
    tok, j = tokens[i], i + 1
    w = tok.norm
    if lang == "fa" and w in (norm("یک"), norm("دو"), norm("سه")) and j < len(tokens):
        w, j = w + tokens[j].norm, j + 1  # یک سوم, written apart
    stem = w[1:] if w[:1] in "وبل" and w[1:] in shares else w
    suffixed = next((stem[:-len(p)] for p in _PRONOUNS if stem.endswith(p) and stem[:-len(p)] in shares), None)
    if stem in shares:
        nxt = tokens[j] if j < len(tokens) else None
        if nxt is None or nxt.kind != "word" or nxt.norm in _NOT_SHARED or nxt.norm in _words(lang):
            return None
        value = shares[stem]
    elif lang == "ar" and suffixed is not None:
        value = shares[suffixed]
    else:
        return None
    start = tok.start + (1 if stem != w and w[:1] in "وبل" else 0)
    f = _fact(tokens, i, start, j, text, Decimal(value), "%", segment, base)
    return replace(f, note="share of a whole")


def _one_after_noun(tokens: list[Token], i: int, text: str, lang: str, segment: int, base: int) -> Fact | None:
    """Arabic «واحد» agreeing with the noun before it counts one: «زلزالاً واحداً يومياً», «برونزية واحدة»
    (not «الدولار الواحد», «واحدة من» "one of", nor set phrases like «في آن واحد»)."""
    if lang != "ar" or tokens[i].norm not in _ONE or i == 0:
        return None
    noun = tokens[i - 1]
    if noun.kind != "word" or len(noun.norm) < 3 or noun.norm.startswith(("ال", "وال", "بال", "لل")):
        return None
    if any(f in _ONE_IDIOMS for f in forms(noun.norm)) or noun.norm in _words(lang):
        return None
    if i + 1 < len(tokens) and tokens[i + 1].norm == norm("من"):
        return None
    unit = lookup(UNITS, noun.norm) or ""
    return _fact(tokens, i, tokens[i].start, i + 1, text, Decimal(1), unit, segment, base)


def _glued_unit(tok: Token, segment: int, base: int) -> Fact | None:
    """A Persian number word glued to its unit by ZWNJ: سه‌روزه, دوساله."""
    if "\u200c" not in tok.text:
        return None
    head, _, tail = tok.text.partition("\u200c")
    got = NUMBER_WORDS["fa"].get(norm(head))
    unit = UNITS.get(norm(tail))
    if got is None or got[0] not in ("unit", "teen", "ten", "hundred") or not unit:
        return None
    return Fact("number", tok.text, tok.start - base, tok.end - base, str(got[1]), segment, tok.start, unit=unit)


def _subunit(tokens: list[Token], j: int, unit: str, value: Decimal, lang: str, free) -> tuple[Decimal, int]:
    """``۶۴ دلار و ۷۰ سنت``: the sub-unit amount after «و» joins the amount (64.70)."""
    if unit not in SUBUNITS or j + 2 >= len(tokens) or tokens[j].norm != "و":
        return value, j
    names, per = SUBUNITS[unit]
    got = _number_at(tokens, j + 1, lang, free)
    if got is None:
        return value, j
    cents, _, k = got
    if k < len(tokens) and tokens[k].kind == "word" and any(f in names for f in forms(tokens[k].norm)) and cents < per:
        return value + cents / per, k + 1
    return value, j


def _fact(tokens: list[Token], i: int, start: int, j: int, text: str, value: Decimal, unit: str, segment: int,
          base: int) -> Fact:
    end = tokens[j - 1].end
    bound = _bound_before(tokens, i) or _bound_after(tokens, j)
    counted, note = counted_at(tokens, i, j, unit), ""
    if unit == "toman":  # Iranian outlets count in toman, Arab ones in rial: one value for both
        value, unit, note = Decimal(value) * RIALS_PER_TOMAN, "rial", f"{fmt(Decimal(value))} toman"
    return Fact("number", text[start:end], start - base, end - base, fmt(Decimal(value)), segment, start,
                unit=unit, note=note, approx=bool(bound), bound=bound, counted=counted)


RIALS_PER_TOMAN = 10


def _bound_before(tokens: list[Token], i: int) -> str:
    for gap in range(_MAX_SUBJECT + 1):
        if gap and (i - gap < 0 or tokens[i - gap].kind != "word"):
            break
        if i - gap < 1:
            break
        for phrase, bound in _BOUND_BY_LAST.get(tokens[i - gap - 1].norm, ()):
            m = len(phrase)
            if i - gap < m or gap and phrase[-1] not in _EXCEED:
                continue
            words = tokens[i - gap - m:i - gap]
            if all(t.norm == w for t, w in zip(words[1:], phrase[1:],
                                               strict=True)) and phrase[0] in forms(words[0].norm):
                return bound
    return ""


def _bound_after(tokens: list[Token], j: int) -> str:
    for phrase, bound in BOUND_AFTER:
        words = tokens[j:j + len(phrase)]
        if len(words) == len(phrase) and all(t.norm == w for t, w in zip(words, phrase, strict=True)):
            return bound
    return ""


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
    if t.norm in _CLASSIFIERS and j + 1 < len(tokens):  # «۱۵ دستگاه کامیون»: the noun after the classifier
        unit, k = _unit_after(tokens, j + 1, lang)
        if unit:
            return unit, k
    by_lang = UNITS_BY_LANG.get(lang, {})
    for f in forms(t.norm):
        if f in by_lang:
            return by_lang[f], j + 1
        if f in UNITS:
            return UNITS[f], j + 1
    if lang == "fa" and t.norm.endswith("ی") and t.norm[:-1] in UNITS:  # the adjective: «۲۴۵ کیلوگرمی»
        return UNITS[t.norm[:-1]], j + 1
    return "", j


# ----------------------------------------------------------------------------------------
# What a bounded number admits
# ----------------------------------------------------------------------------------------


def interval(f: Fact) -> tuple[Decimal, Decimal, bool, bool]:
    """(low, high, low end included, high end included): the values number fact ``f`` admits.

    A bound is read at the number's own precision: its *step* is the place of its last non-zero
    digit (a writer who knew a larger figure would have given the next round number), but no more
    than a quarter of the number (so «أقل من 10 ملايين» does not reach down to 1 million).

    - exact: the value itself;
    - ``about``: what rounds to it, half a step either way, ends excluded: «نحو 120 ألف» admits
      115,000 to 125,000, «نحو أربع ساعات» 3.5 to 4.5 hours, «نحو 70» neither 65 nor 75;
    - ``above``: up to one step more: «أكثر من 7 مليارات» admits 7 to 8 billion (8 excluded),
      «بیش از ۳ درصد» 3 to 3.75 %, not 2.9 %;
    - ``below``: up to one step less: «أقل من 200 متر» admits 150 to 200 m (150 excluded).
    """
    v = Decimal(f.value)
    step = min(_precision(v), abs(v) / 4) if v else _precision(v)
    if f.bound == "about":
        return v - step / 2, v + step / 2, False, False
    if f.bound == "above":
        return v, v + step, True, False
    if f.bound == "below":
        return v - step, v, False, True
    return v, v, True, True


def _precision(v: Decimal) -> Decimal:
    """The place value of the last non-zero digit of ``v``: 120000 -> 10000, 4 -> 1, 64.5 -> 0.1."""
    if not v:
        return Decimal(1)
    return Decimal(1).scaleb(_exponent(v))


def _exponent(v: Decimal) -> int:
    """The exponent of finite ``v`` in its shortest form (120000 -> 4, 64.5 -> -1)."""
    exponent = v.normalize().as_tuple().exponent
    assert isinstance(exponent, int), v  # only NaN and infinities have none, and no fact holds them
    return exponent


def admits(f: Fact, value: Decimal) -> bool:
    lo, hi, with_lo, with_hi = interval(f)
    return (lo < value or with_lo and lo == value) and (value < hi or with_hi and value == hi)


def bounds_meet(a: Fact, b: Fact) -> bool:
    """Whether one of two number facts is bounded and admits the other's value (see :func:`interval`);
    their units must be the same (a bare figure meets only a bare figure: a range matches far more
    readily than one value, so a counted noun on one side only is not taken as agreement).
    Two approximations «نحو أربع ساعات» and «حدود سه ساعت» do not meet: neither admits the other."""
    if not (a.bound or b.bound) or a.unit != b.unit:
        return False
    return bool(a.bound) and admits(a, Decimal(b.value)) or bool(b.bound) and admits(b, Decimal(a.value))


def bound_holds(a: Fact, b: Fact) -> bool:
    """Whether one number's open bound holds for the other, exact, value within two of its steps (see
    :func:`interval`): «أكثر من 340 قتيلاً» for 351 (a writer rounds a toll down to a round figure), not «212
    على الأقل» for 237. Such a pair is no conflict (two numbers of one quantity), though the bound read at its
    precision does not admit the value. Two bounds («36 على الأقل», «دست‌کم ۳۱») never hold for each other."""
    for f, g in ((a, b), (b, a)):
        if g.bound or f.bound not in ("above", "below"):
            continue
        v, w = Decimal(f.value), Decimal(g.value)
        reach = 2 * (min(_precision(v), abs(v) / 4) if v else _precision(v))
        if f.bound == "above" and v < w <= v + reach or f.bound == "below" and v - reach <= w < v:
            return True
    return False


def bound_at_rounding(a: Fact, b: Fact) -> bool:
    """Whether one number is an open bound written round at its scale word and the other a precise figure
    less than one scale from it: «أكثر من 61 مليون» and «۶۱ میلیون و ۴۰۰ هزار». That is one figure, rounded
    and bounded, not a coincidence of two (as «نحو 60» and 64.5 may be). Units must not differ."""
    return _round_of(a, b, ("above", "below"))


def rounded_to(a: Fact, b: Fact) -> bool:
    """Whether one number is the other written round at its scale word, less than one scale away: «اثنين
    وستين ألفاً» for «۶۲ هزار و ۱۲۲», «61 مليون» for «۶۱ میلیون و ۴۰۰ هزار» (a writer rounds, or drops the
    rest; «نحو 87 ألفاً» says so). Units must not differ. Two figures round at one scale («62 ألفاً», «۶۳ هزار»)
    are two figures, and an open bound («أكثر من 61 مليون») is read by :func:`interval` instead."""
    return _round_of(a, b, ("", "about"))


def _round_of(a: Fact, b: Fact, bounds: tuple[str, ...]) -> bool:
    """Whether one of ``a``, ``b`` is written round at a scale word larger than the other's, with a bound in
    ``bounds``, and the other, unbounded, lies less than one of that scale from it (units not differing)."""
    if a.unit and b.unit and a.unit != b.unit:
        return False
    for f, g in ((a, b), (b, a)):
        scale = f.extra.get("scale", 0)
        if (scale > g.extra.get("scale", 0) and f.bound in bounds and not g.bound
                and abs(Decimal(g.value) - Decimal(f.value)) < scale):
            return True
    return False


class BoundIndex:
    """Number facts indexed so that those :func:`bounds_meet` and :func:`rounded_to` may accept for a fact
    are found without trying every fact: by value (what a bounded fact admits is a range of values), bounded
    facts by their step and the value in steps (an exact value lies within one step of the bounds admitting
    it), and round figures by their scale and the count of it."""

    def __init__(self, facts: list[tuple[int, Fact]]) -> None:
        self.values = sorted((Decimal(f.value), i) for i, f in facts)
        self.bounded: dict[tuple[int, Decimal], list[int]] = {}
        self.steps: set[int] = set()
        self.rounded: dict[tuple[int, Decimal], list[int]] = {}  # rounded_to: by scale and count of it
        for i, f in facts:
            if scale := f.extra.get("scale"):
                self.rounded.setdefault((scale, Decimal(f.value) / scale), []).append(i)
            if f.bound:
                v = Decimal(f.value)
                e = _exponent(v) if v else 0
                self.steps.add(e)
                self.bounded.setdefault((e, v.scaleb(-e).to_integral_value()), []).append(i)
        self.scales = {scale for scale, _ in self.rounded}

    def candidates(self, f: Fact) -> list[int]:
        v = Decimal(f.value)
        out: list[int] = []
        if f.bound:
            lo, hi, _, _ = interval(f)
            k = bisect_left(self.values, (lo, -1))
            while k < len(self.values) and self.values[k][0] <= hi:
                out.append(self.values[k][1])
                k += 1
        for e in self.steps:
            q = v.scaleb(-e).to_integral_value(rounding=ROUND_FLOOR)
            for key in ((e, q - 1), (e, q), (e, q + 1)):
                out.extend(self.bounded.get(key, ()))
        out.extend(self._rounded_candidates(f, v))
        return out

    def _rounded_candidates(self, f: Fact, v: Decimal) -> list[int]:
        out: list[int] = []
        if scale := f.extra.get("scale"):
            k = bisect_left(self.values, (v - scale, -1))
            while k < len(self.values) and self.values[k][0] < v + scale:
                out.append(self.values[k][1])
                k += 1
        for scale in self.scales:
            q = (v / scale).to_integral_value(rounding=ROUND_FLOOR)
            for key in ((scale, q), (scale, q + 1)):
                out.extend(self.rounded.get(key, ()))
        return out
