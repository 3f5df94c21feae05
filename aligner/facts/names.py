"""Names of people, places and organisations, and a key that matches them across scripts.

Arabic and Persian script have no capitals, so a name is found from cues:

1. a small gazetteer of given names (a following word becomes the surname), places and
   organisations — a help, never the only source;
2. titles (الرئيس، وزير، الناطق، سخنگوی، معاون …): in Arabic the first word after the title's
   complements (``باسم``, ``وزارة``, ``ال``-words) starts a name; in Persian the one or two words
   before a title, when they end a clause or follow a given name;
3. per document, every word of a name found once is a name wherever it recurs (``پسکوف``);
4. across the two sides of a pair (see :func:`cross_matches`): words that match under
   :func:`name_key` but are spelled differently (بيسكوف/پسکوف) — loanwords are spelled the same
   and so are not taken for names.

Matching (:func:`same_name`): equal :func:`name_key` (پ→ب, چ→ج, ژ→ز, گ/ک/ك→ك, ی/ي/ى, و/ؤ, hamza,
ال dropped); or equal :func:`loose_key` (also ف→و, غ/ق→ك, ط→ت, ص/ث→س, ض/ظ/ذ→ز, ح→ه, ع→ا) ; or
equal consonant skeletons (long vowels ا و ي dropped inside words) of at least three letters
with a similarity of 0.75 or more. Multi-word names match when the shorter one's words all
match words of the longer (``ديمتري بيسكوف`` ↔ ``پسکوف``). Precision limits: common Arabic
words that happen to follow a title can be taken for names; a name without any cue, not in
the gazetteer and spelled the same on both sides is missed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Generic, TypeVar

from ._lex import (AR_ACCORDING, AR_QUOTED, COMMA, FA_VERBS_ONE, FA_VERBS_TWO, LINK_K,
                   Token, forms, is_goftogu, is_title,
                   nisba, norm, office_kind, overlapped, verb_at)
from .dates import WEEKDAYS
from .model import Fact

T = TypeVar("T")

# Applied after ``norm`` (text.matching_key), which has already unified ى ئ أ إ آ ٱ ة ۀ ؤ and
# removed ZWNJ, ZWJ and tatweel: what is left are the letters Persian adds, and the hamza.
_KEY = str.maketrans({"پ": "ب", "چ": "ج", "ژ": "ز", "گ": "ك", "ک": "ك", "ی": "ي", "ء": None})
_LOOSE = str.maketrans({"ف": "و", "غ": "ك", "ق": "ك", "ط": "ت", "ص": "س", "ث": "س", "ض": "ز", "ظ": "ز", "ذ": "ز",
                        "ح": "ه", "ع": "ا"})


def _strip_al(word: str) -> str:
    if word.startswith("ال") and len(word) > 4:
        return word[2:]
    return word


@lru_cache(maxsize=1 << 16)
def name_key(text: str) -> str:
    """Cross-script key: ``بيسكوف`` → ``بيسكوف``, ``پسکوف`` → ``بسكوف``; ``عراقچی`` = ``عراقجي``.

    Places whose Arabic and Persian names differ by more than spelling (روسيا/روسیه, أمريكا/آمریکا)
    share the key of the gazetteer's alias table."""
    words = [_strip_al(w).translate(_KEY) for w in norm_words(text)]
    return " ".join(ALIASES.get(w, w) for w in words if w)


def norm_words(text: str) -> list[str]:
    return [w for w in (norm(x) for x in text.split()) if w]


@lru_cache(maxsize=1 << 16)
def loose_key(key: str) -> str:
    return key.translate(_LOOSE)


@lru_cache(maxsize=1 << 16)
def skeleton(word_key: str) -> str:
    w = loose_key(word_key)
    return w[:1] + "".join(ch for ch in w[1:] if ch not in "اوي")


@lru_cache(maxsize=1 << 16)
def same_word(a: str, b: str) -> bool:
    """Two words (already :func:`name_key`-ed) name the same thing."""
    if a == b:
        return True
    la, lb = loose_key(a), loose_key(b)
    if la == lb:
        return True
    sa, sb = skeleton(a), skeleton(b)
    return len(sa) >= 3 and sa == sb and SequenceMatcher(None, la, lb).ratio() >= 0.75


def same_name(a: str, b: str) -> bool:
    """Two names (keys, possibly several words) refer to the same person, place or body."""
    wa, wb = a.split(), b.split()
    if not wa or not wb:
        return False
    if a.replace(" ", "") == b.replace(" ", ""):
        return True  # إسلام آباد = اسلام‌آباد
    short, long_ = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    skip = {"بن", "ابن", "بنت", "ال"}
    short = [w for w in short if w not in skip] or short
    return all(any(same_word(s, w) for w in long_) for s in short)


# ----------------------------------------------------------------------------------------
# Gazetteer (a help only). Given names start a personal name; places/organisations are names.
# ----------------------------------------------------------------------------------------
GIVEN = """محسن محمد محمود أحمد احمد علي علی حسن حسين حسین عباس جواد مسعود حمد عيسى عیسی خالد سالم سلمان عبدالله عبد
فلاديمير ولادیمیر ديمتري دیمیتری دیمتری سيرغي سرگئی سيرجي ماريا ماریا دونالد جو بشار مراد نبيه نبیه فيصل فیصل تميم تمیم
إبراهيم ابراهیم ابراهيم رضا محمدرضا محمدجواد برويز پرویز مجيد مجید ناصر كاظم کاظم مهدي مهدی اسماعيل اسماعیل إسماعيل
يوسف یوسف عمر عثمان طارق نجيب رجب أنتوني آنتونی كير کیر إيمانويل امانوئل اولاف أولاف شي شی فلاديمير سعيد سعید
هادي هادی قاسم علي‌رضا علیرضا غلامحسين غلامحسین أمير امیر بهزاد فاطمة فاطمه زينب زینب مريم مریم ليلى لیلا سارة سارا
نوري نوری مصطفى مصطفی كمال کمال رشيد رشید هشام عادل عبدالعزيز عبدالعزیز سلطان منصور أردوغان بنيامين بنیامین""".split()
PLACES = """إيران ایران روسيا روسیه موسكو مسکو طهران تهران البحرين بحرين بحرین المنامة منامه قطر الدوحة دوحه العراق عراق
بغداد تركيا ترکیه أنقرة آنکارا أفغانستان افغانستان كابل کابل باكستان پاکستان إسلام‌آباد اسلام‌آباد اسلامآباد عمان مسقط
سوريا سوریه دمشق لبنان بيروت بیروت مصر القاهرة قاهره السعودية عربستان الرياض ریاض الإمارات امارات أبوظبي ابوظبی الكويت
کویت الأردن اردن عمّان فلسطين فلسطین غزة غزه إسرائيل اسرائيل اسرائیل الصين چین بكين پکن الهند هند أمريكا أميركا آمریکا
واشنطن واشنگتن فرنسا فرانسه باريس پاریس ألمانيا آلمان برلين برلین بريطانيا انگلیس لندن اليمن یمن صنعاء صنعا
شيراز شیراز أصفهان اصفهان مشهد تبريز تبریز فارس أوكرانيا اوکراین كييف کی‌یف بطرسبورغ پترزبورگ سانت‌پترزبورگ جنيف ژنو
فيينا وین نيويورك نیویورک الخليج خلیج أذربيجان آذربایجان أرمينيا ارمنستان الكرملين کرملین رويترز رویترز فاو فائو
اليونيسف یونیسف الناتو ناتو""".split()
# words never part of a name
STOP = """في من على إلى الى عن أن إن ان أنه انه هذا هذه ذلك التي الذي كان قد لم لا ما مع بعد قبل بين حول خلال عند منذ
كما أيضا وقال قال أكد وأكد أضاف وأضاف أشار وأشار أعلن وأعلن بأن لأن أمس اليوم يوم غدا نحو أكثر مقابل ضد عبر ثم أو
و در از به با که را این آن برای تا بر هم نیز یک های ها است بود شد کرد گفت افزود وی او ما ایشان پس پیش روز سال ماه
همین حال حالی اساس گزارش دیگر بار نیز کنون اکنون همچنین""".split()
SAYING = """قال وقال قالت وقالت أكد وأكد أكدت أضاف وأضاف أضافت أشار وأشار أشارت أعلن وأعلن أعلنت صرح وصرح أوضح وأوضح ذكر
وذكر ذكرت شدد وشدد نفى ونفى رأى ورأى اعتبر واعتبر كشف وكشف دعا ودعا لفت ولفت گفت افزود کرد داشت داد شد""".split()

_ALIAS_GROUPS = """روسيا روسیه روسية|تركيا ترکیه|أمريكا أميركا آمریکا امریکا|سوريا سوریه|السعودية عربستان
|إسرائيل اسرائیل اسرائيل
|الصين چین|بريطانيا انگلیس انگلستان بریتانیا|ألمانيا آلمان|فرنسا فرانسه|أوكرانيا اوکراین|بطرسبورغ پترزبورگ|جنيف ژنو
|فيينا وین|الهند هند|اليابان ژاپن|النمسا اتریش|الأردن اردن|باكستان پاکستان|أفغانستان افغانستان|فاو فائو|الإمارات امارات
|البحرين بحرین|أنقرة آنکارا|لبنان لبنان|مصر مصر|العراق عراق|قطر قطر|أذربيجان آذربایجان|أرمينيا ارمنستان|الكويت کویت
|اليمن یمن"""
ALIASES: dict[str, str] = {}
for _group in _ALIAS_GROUPS.split("|"):
    _keys = [_strip_al(w).translate(_KEY) for w in norm_words(_group)]
    for _k in _keys:
        ALIASES[_k] = _keys[0]
GIVEN_K = {name_key(w) for w in GIVEN}
# words that can stand where a speaker's name would, and are not names
SUBJECT_STOP = {norm(w) for w in """إن أن انه إنه أنه مصدر مصادر مسؤول المسؤول بيان البيان التقرير تقرير وزارت دولت
وزارة الوزارة الحكومة الجيش ارتش پلیس الشرطة شاهد شهود منابع منبع مقامات مقام سخنگو کارشناسان همچنین اکنون وی او
ایشان آنها هیئت بعض كل جميع""".split()}


def is_weekday(tok: Token) -> bool:
    return any(f in WEEKDAYS for f in forms(tok.norm))
PLACE_K = {name_key(w) for w in PLACES}
STOP_K = {norm(w) for w in STOP} | {norm(w) for w in SAYING}
CHAIN = {norm(w) for w in ("بن", "بنت", "ابن", "آل", "أبو", "ابو", "عبد")}


def _definite(tok: Token) -> bool:
    return tok.norm.startswith(("ال", "لل", "وال"))


def _name_word(tok: Token) -> bool:
    """A word that can be part of a person's name: not a function word, title, office, place or stock subject."""
    return (_wordlike(tok) and not is_title(tok) and office_kind(tok) is None and not _is_place(tok)
            and tok.norm not in SUBJECT_STOP)


def _after_title(tokens: list[Token], i: int, known: set[str]) -> int | None:
    """Arabic: where the name after the title at ``tokens[i]`` and its complements starts, if anywhere.

    A word without the article governs the next word (``محافظ كرمانشاه``, ``رئيس غرفة التجارة``): that word is
    a complement, not a name, unless it is a given name; after a definite complement (``وزير الخارجية الإيراني``)
    the first other word starts the name."""
    n = len(tokens)
    construct = not _definite(tokens[i])
    j, steps = i + 1, 0
    while j < n and steps < 10:
        u = tokens[j]
        if u.kind == "punct" and u.text in COMMA:
            j, steps, construct = j + 1, steps + 1, False
            continue
        if u.kind != "word" or u.norm in STOP_K:
            return None
        office = office_kind(u)
        if construct and not _is_given(u) or office or is_title(u) or u.norm in LINK_K or forms(u.norm)[-1] in LINK_K \
                or _definite(u) and name_key(u.norm) not in known or nisba(u):
            construct = office in ("post", "body", "weak", "vague") and not _definite(u)
            j, steps = j + 1, steps + 1
            continue
        return j
    return None


def _before_title(tokens: list[Token], i: int, known: set[str], used: list[bool]) -> tuple[int | None, int]:
    """Persian: the name before the title at ``tokens[i]``: "دیمیتری پسکوف سخنگوی", "پرویز چگینی، معاون" (one
    or two words), "سید حمید حسینی، دبیرکل" (up to four before an apposition's comma); the name must open its
    sentence or clause (not "به گفته وزیر", "به گزارش ایسنا، سخنگوی")."""
    k = i - 1
    comma = tokens[k].kind == "punct" and tokens[k].text in COMMA
    if comma:
        k -= 1
    if k < 0 or not _name_word(tokens[k]) or used[k]:
        return None, k
    a = k
    if comma:
        while a - 1 >= 0 and k - a < 3 and _name_word(tokens[a - 1]) and not used[a - 1]:
            a -= 1
    elif k - 1 >= 0 and _name_word(tokens[k - 1]) and (_is_given(tokens[k - 1])
                                                       or name_key(tokens[k - 1].norm) in known):
        a = k - 1
    boundary = a == 0 or tokens[a - 1].kind == "punct" or tokens[a - 1].norm == "و"
    return (a if boundary else None), k


def _wordlike(tok: Token) -> bool:
    return tok.kind == "word" and tok.norm not in STOP_K and len(tok.norm) >= 2


def _is_given(tok: Token) -> bool:
    return tok.kind == "word" and any(name_key(f) in GIVEN_K for f in forms(tok.norm)[:2])


def _is_place(tok: Token) -> bool:
    if tok.kind != "word":
        return False
    return any(name_key(f) in PLACE_K for f in forms(tok.norm))


def _extend_name(tokens: list[Token], i: int, *, known: set[str]) -> int:
    """End (exclusive) of a personal name starting at ``tokens[i]``."""
    j = i + 1
    n = len(tokens)
    words = 1
    while j < n and words < 4:
        t = tokens[j]
        if t.kind != "word" or t.norm in STOP_K or is_title(t) or t.norm in LINK_K:
            break
        if t.norm in CHAIN and j + 1 < n and tokens[j + 1].kind == "word":
            j += 2
            words += 1
            continue
        two_given = words == 2 and _is_given(tokens[i]) and _is_given(tokens[j - 1])  # "محمد رضا فرزين"
        if words == 1 or two_given or name_key(t.norm) in known or _is_given(tokens[j - 1]) and _is_given(t):
            # second word: a surname (also "الحديثي", "آل خليفة"); a third only when known or after two given names
            if words >= 2 and name_key(t.norm) not in known and not two_given:
                break
            if _is_place(t) and words >= 1 and name_key(t.norm) not in known:
                break
            j += 1
            words += 1
            continue
        break
    return j


def extract_names(tokens: list[Token], text: str, *, lang: str, known: set[str], segment: int = -1,
                  base: int = 0, taken: Sequence[tuple[int, int]] = ()) -> list[Fact]:
    """Names in one segment; ``known`` (name-word keys of the document so far) grows.

    Four passes, each taking only words no earlier pass took: given names of the gazetteer, names next to a
    title, the subjects of verbs of saying, then words already known in the document and places."""
    found = _Found(overlapped(tokens, taken))
    _given_names(tokens, found, known)
    _names_by_titles(tokens, found, lang, known)
    _subjects_of_saying(tokens, found, lang, known)
    _known_words_and_places(tokens, found, known)
    return [f for i, j, how in sorted(found.spans) if (f := _name_fact(tokens, i, j, how, text, known, segment, base))]


class _Found:
    """The token ranges taken as names so far (``spans``: start, end, how found), and which tokens they hold."""

    def __init__(self, used: list[bool]) -> None:
        self.used = used
        self.spans: list[tuple[int, int, str]] = []

    def add(self, i: int, j: int, how: str) -> None:
        if i >= j or any(self.used[i:j]):
            return
        for x in range(i, j):
            self.used[x] = True
        self.spans.append((i, j, how))


def _given_names(tokens: list[Token], found: _Found, known: set[str]) -> None:
    for i, t in enumerate(tokens):
        if found.used[i] or t.kind != "word":
            continue
        if _is_given(t) and t.norm not in STOP_K:
            j = _extend_name(tokens, i, known=known)
            if j > i + 1 or t.norm not in {norm("علي"), norm("عيسى")}:
                found.add(i, j, "gazetteer")


def _names_by_titles(tokens: list[Token], found: _Found, lang: str, known: set[str]) -> None:
    """Arabic: the name after the title and its complements; Persian: the name before the title."""
    for i, t in enumerate(tokens):
        if not is_title(t):
            continue
        if lang == "ar":
            j = _after_title(tokens, i, known)
            if j is not None and not found.used[j]:
                found.add(j, _extend_name(tokens, j, known=known), "title")
        elif i >= 1:
            a, k = _before_title(tokens, i, known, found.used)
            if a is not None:
                found.add(a, k + 1, "title")


def _subjects_of_saying(tokens: list[Token], found: _Found, lang: str, known: set[str]) -> None:
    """The subject of a verb of saying: Arabic «وقال بيسكوف»; Persian «لاوروف گفت» at a clause start."""
    n, used = len(tokens), found.used
    for i, t in enumerate(tokens):
        if t.kind != "word":
            continue
        if lang != "fa" and not t.norm.startswith("م") and t.norm not in AR_ACCORDING and t.norm not in AR_QUOTED \
                and verb_at(tokens, i, lang) == i + 1:
            j = i + 1
            if j < n and _name_word(tokens[j]) and not used[j] and not _definite(tokens[j]) \
                    and not is_weekday(tokens[j]):
                found.add(j, _extend_name(tokens, j, known=known), "subject")
        if lang == "fa":
            two = i + 1 < n and (t.norm, tokens[i + 1].norm) in FA_VERBS_TWO
            if (t.norm in FA_VERBS_ONE and not is_goftogu(tokens, i)) or two:
                k = i - 1
                while k >= 0 and _wordlike(tokens[k]) and not used[k] and i - k <= 2 and not is_title(tokens[k]) \
                        and tokens[k].norm not in SUBJECT_STOP:
                    k -= 1
                if k < i - 1 and (k < 0 or tokens[k].kind == "punct"):
                    found.add(k + 1, i, "subject")


def _known_words_and_places(tokens: list[Token], found: _Found, known: set[str]) -> None:
    n = len(tokens)
    for i, t in enumerate(tokens):
        if found.used[i] or t.kind != "word" or t.norm in STOP_K:
            continue
        key = name_key(t.norm)
        if i + 1 < n and tokens[i + 1].kind == "word" and not found.used[i + 1] \
                and name_key(t.norm + tokens[i + 1].norm) in PLACE_K:
            found.add(i, i + 2, "place")  # إسلام آباد written as two words
            continue
        if key in known and len(key) >= 3:
            found.add(i, i + 1, "document")
        elif _is_place(t):
            found.add(i, i + 1, "place")


def _name_fact(tokens: list[Token], i: int, j: int, how: str, text: str, known: set[str], segment: int,
               base: int) -> Fact | None:
    """The name fact of ``tokens[i:j]`` (None when its key is too short); its words become ``known``."""
    start, end = tokens[i].start, tokens[j - 1].end
    surface = text[start:end]
    # a conjunction or preposition glued to a place or a known name: وتركيا, لبوتين
    if surface[:1] in "وفبل" and j == i + 1 and len(surface) > 4:
        rest = name_key(surface[1:])
        if (rest in PLACE_K or rest in known) and name_key(surface) not in PLACE_K:
            start += 1
            surface = surface[1:]
    key = name_key(surface)
    if not key or len(key.replace(" ", "")) < 3:
        return None
    for w in key.split():
        if len(w) >= 3 and w not in {"بن", "ابن", "ال"}:
            known.add(w)
    return Fact("name", surface, start - base, end - base, key, segment, start, note=how)


class NameIndex(Generic[T]):
    """Items (tokens or facts) under the name keys they carry, so that the items whose key may be
    :func:`same_name` as a given key are found without comparing against every item.

    Two words are :func:`same_word` only when their loose keys or their skeletons are equal, and two
    names only when one of their word pairs is (or the names are equal without spaces), so the items
    under those buckets hold every match; :meth:`candidates` returns them in the order they were
    added, and the caller still checks each with :func:`same_name` or :func:`same_word`.
    """

    def __init__(self, items: Iterable[tuple[T, str]] = ()) -> None:
        self._items: list[T] = []
        self._buckets: dict[str, list[int]] = defaultdict(list)
        for item, key in items:
            self.add(item, key)

    def add(self, item: T, key: str) -> None:
        n = len(self._items)
        self._items.append(item)
        for bucket in _buckets(key):
            self._buckets[bucket].append(n)

    def candidates(self, key: str) -> list[T]:
        found = sorted({n for bucket in _buckets(key) for n in self._buckets.get(bucket, ())})
        return [self._items[n] for n in found]


@lru_cache(maxsize=1 << 16)
def _buckets(key: str) -> tuple[str, ...]:
    out = {"=" + key.replace(" ", "")}
    for w in key.split():
        out.add("~" + loose_key(w))
        if len(skeleton(w)) >= 3:
            out.add("_" + skeleton(w))
    return tuple(sorted(out))


def cross_matches(left_tokens: list[Token], right_tokens: list[Token]) -> list[tuple[Token, Token]]:
    """Word pairs across the sides that match as names but are spelled differently."""
    right = NameIndex((b, name_key(b.norm)) for b in right_tokens if _cross_candidate(b))
    out = []
    for a in left_tokens:
        if not _cross_candidate(a):
            continue
        ka = name_key(a.norm)
        for b in right.candidates(ka):
            if forms(a.norm)[-1] == forms(b.norm)[-1] or a.norm == b.norm:
                continue  # same spelling: a loanword as likely as a name
            kb = name_key(b.norm)
            if not same_word(ka, kb):
                continue
            # the spellings must differ the way transliterations do: پ چ ژ گ, or ف/و, غ/گ
            if not any(ch in b.text + a.text for ch in "پچژگ") and loose_key(ka) == ka and loose_key(kb) == kb:
                continue
            if loose_key(ka) != loose_key(kb) and not any(ch in b.text + a.text for ch in "پچژگ"):
                continue
            out.append((a, b))
    return out


def _cross_candidate(t: Token) -> bool:
    return t.kind == "word" and t.norm not in STOP_K and len(t.norm) >= 4
