"""What a number counts, and whether two numbers can be one quantity reported twice.

News counts people by what happened to them: «قُتل 27 فلسطينياً وأصيب 118 آخرون», «۳۱ نفر شهید و ۱۲۰ نفر
مجروح شدند». The counted noun (فلسطينياً, نفر) says little; the word for what happened (قُتل, شهید, مجروح)
says which count it is. :func:`counted_at` reads that word near a number (the nearest one wins, a classifier
such as «نفر» skipped), so that 27 killed is compared with 31 killed and never with 120 injured.

:func:`one_quantity` is the gate every number conflict passes: the two numbers count the same thing (by their
units and what they count) and their values are close enough to be one quantity reported twice (a toll
revised, a figure rounded). Numbers further apart than :data:`MAX_RATIO` are two quantities, not a conflict.
"""

from __future__ import annotations

from decimal import Decimal

from ._lex import COMMA, PUNCT_BOUNDARY, Token, forms, norm
from .model import Fact

# What happened to the people counted: each word as written (normalised on load); a trailing "*" matches any
# word that starts with it (Persian compounds and verb forms: کشته‌شدگان, جان‌باختگان, مجروحان).
_STATUS_WORDS = {
    "killed": "قتل قتيل قتلى مقتل قتلوا يقتل حتف حتفه حتفهم لقوا وفاة وفيات توفي توفوا استشهد استشهاد شهيد شهداء "
              "أودى أودت جثة جثث جثامين "
              "جان کشته* جانباخت* باخته* باختند فوت فوتی فوتشد* درگذشت* شهید* شهدا شهادت پیکر پیکرهای جسد اجساد",
    "injured": "جريح جرحى مصاب مصابين مصابون إصابة إصابات أصيب أصيبوا يصاب "
               "زخمی* مجروح* مصدوم* جراحت",
    "missing": "مفقود مفقودين مفقودون المفقودين فقدان "
               "مفقود* ناپدید*",
    "arrested": "اعتقال اعتقل اعتقلت معتقل معتقلين معتقلا اعتقالات توقيف أوقف موقوف "
                "بازداشت* دستگیر*",
    "displaced": "نازح نازحين نازحون نزوح تهجير مشرد مشردين "
                 "آواره* بیخانمان*",
}


def _status_table() -> tuple[dict[str, str], list[tuple[str, str]]]:
    exact: dict[str, str] = {}
    stems: list[tuple[str, str]] = []
    for status, words in _STATUS_WORDS.items():
        for w in words.split():
            if w.endswith("*"):
                stems.append((norm(w[:-1]), status))
            else:
                exact[norm(w)] = status
    return exact, sorted(stems, key=lambda s: -len(s[0]))


_EXACT, _STEMS = _status_table()
# Words that count people without saying who they are: skipped between a number and what it counts.
_CLASSIFIERS = {norm(w) for w in "نفر تن فرد شخص أشخاص اشخاص آخرين آخرون اخرين اخرون دیگر".split()}
_AFTER, _BEFORE = 6, 4  # words looked at after a number (classifiers not counted) and before it
# «شمار جان‌باختگان ... به ۳۵۱ نفر رسید», «عدد الوفيات بلغ 14»: the count named as the clause's subject
_COUNT_HEADS = {norm(w) for w in "عدد حصيلة إجمالي مجموع شمار تعداد آمار".split()}
_SUBJECT_REACH = 16  # words back to the subject

# Units that count people: two of them count the same people when they say the same thing happened to them.
PEOPLE = frozenset({"", "person", "killed", "injured", "child", "refugee", "soldier", "patient", "prisoner",
                    "student", "member", "family"})
STATUS_UNITS = frozenset(_STATUS_WORDS) & PEOPLE  # units that are themselves what happened (قتيلاً, زخمی)
# Two reports of one quantity differ by a revision or a rounding, not by half again: 14 against 11 killed, 7.2
# against 7.4 billion dollars are one quantity; 200 against 500 metres, 10 against 100 million are two.
MAX_RATIO = Decimal("1.5")
# Small counts differ by a unit or two when outlets count one event (one bronze medal against two).
SMALL_GAP = 2


def status_of(word: str) -> str:
    """What happened to the people a word counts (``killed``, ``injured``, ...), or ""."""
    for f in forms(word):
        if f in _EXACT:
            return _EXACT[f]
        for stem, status in _STEMS:
            if f.startswith(stem):
                return status
    return ""


def counted_at(tokens: list[Token], i: int, j: int, unit: str) -> str:
    """What the number in ``tokens[i:j]`` (its unit included) counts, from the nearest status word in its clause."""
    if unit in STATUS_UNITS:
        return unit
    if unit not in PEOPLE:
        return ""  # money, measures and periods are not people
    after = _nearest(tokens, j, 1, _AFTER)
    before = _nearest(tokens, i - 1, -1, _BEFORE)
    if after and (not before or after[0] <= before[0]):
        return after[1]  # the nearer; after first on a tie (Persian puts the verb last)
    return before[1] if before else _subject_status(tokens, i - 1)


def _nearest(tokens: list[Token], k: int, step: int, reach: int) -> tuple[int, str] | None:
    """(distance, status) of the first status word from ``tokens[k]`` on, going ``step``; None at a clause end."""
    distance = 0
    while 0 <= k < len(tokens) and distance < reach:
        t = tokens[k]
        if t.kind == "num" or t.text in PUNCT_BOUNDARY or t.text in COMMA:
            return None
        if t.kind == "word":
            if status := status_of(t.norm):
                return distance, status
            if t.norm not in _CLASSIFIERS:
                distance += 1
        k += step
    return None


def _subject_status(tokens: list[Token], k: int) -> str:
    """The status in the subject of the number's clause: a count («شمار», «حصيلة») of people it names."""
    seen = 0
    while k >= 0 and seen < _SUBJECT_REACH:
        t = tokens[k]
        if t.kind == "num" or t.text in PUNCT_BOUNDARY or t.text in COMMA:
            return ""
        if t.kind == "word" and any(f in _COUNT_HEADS for f in forms(t.norm)):
            for u in tokens[k + 1:k + 4]:
                if u.kind == "word" and (status := status_of(u.norm)):
                    return status
        seen += 1
        k -= 1
    return ""


def same_count(a: Fact, b: Fact) -> bool:
    """Whether numbers ``a`` and ``b`` count the same thing: one unit, or people to whom the same thing
    happened; two numbers known to count different things (killed, injured) never do."""
    if a.counted and b.counted:
        return a.counted == b.counted and (a.unit == b.unit or (a.unit in PEOPLE and b.unit in PEOPLE))
    return bool(a.unit) and a.unit == b.unit


def close_values(a: Fact, b: Fact) -> bool:
    """Whether two values are near enough to be one quantity reported twice (see :data:`MAX_RATIO`)."""
    x, y = sorted((abs(Decimal(a.value)), abs(Decimal(b.value))))
    if y - x <= SMALL_GAP and y <= 10:
        return True
    return x > 0 and y <= x * MAX_RATIO


def one_quantity(a: Fact, b: Fact) -> bool:
    """The gate of every number conflict: the same thing counted, with close values."""
    return same_count(a, b) and close_values(a, b)
