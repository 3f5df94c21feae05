"""Who is reported as saying something: verbs of saying, their subject, and who that speaker is.

Verbs. Arabic (verb first): ``قال/أكد/أضاف/أشار/أعلن/صرح/أوضح/ذكر/شدد/نفى/رحب/حذر …``, ``عن X قوله`` (quoting X)
and ``بحسب X`` (according to X); the participles ``مضيفاً/مشيراً`` add no speaker of their own. Persian (verb last):
``گفت، افزود، تأکید کرد، اعلام کرد، اظهار داشت، خبر داد …``, ``گفته است`` and ``به گفته X``; ``تبریک گفت``
(congratulated) and ``گفت‌وگو`` (a conversation) report no statement. One speaker makes one attribution per sentence
(``... خبر داد و گفت``).

Subject. Arabic: the noun phrase right after the verb: a name (``وقال بيسكوف``), a title with its complements and
the name after them (``قال رئيس غرفة التجارة المشتركة يحيى آل إسحاق إن``), a title alone (``وقال وزير الداخلية``),
a body (``وقالت منظمة الصحة العالمية``) or a country (``وأعلنت إيران``). With nothing there (``وأضاف أن``,
``وأشارت إلى``) the subject stands before the verb (``وكان وزير الزراعة قد أعلن``) or is the previous speaker.
Persian: the first noun phrase of the sentence, after a source (``به گزارش ایرنا،``) and a leading adverbial
(``در همین حال،``): a name and its apposition (``سید حمید حسینی، دبیرکل اتاق بازرگانی ...، گفت``), a title
(``سخنگوی دولت ... اعلام کرد``), a body or a country; after an earlier verb of the sentence, the phrase after the
last ``و`` (``... و وزیر جهاد کشاورزی افزود``); ``وی``/``او``, ``این وزارتخانه`` or no subject at all is the
previous speaker.

Speaker values (``Fact.value``): a person's name key (:func:`names.name_key`); ``role:…`` for a title or a body
(:class:`Title`); ``place:…`` for a country or city speaking as one. A title alone is resolved to the name the
document gave it earlier (``الناطق باسم الكرملين ديمتري بيسكوف`` … ``وأضاف الناطق``) or to the fuller title or
body it stands for (``محكمة العدل الدولية`` … ``وأكدت المحكمة``). A subject that is none of these (``أكد
الزعيمان``, ``أعلنت الوزارة`` with no ministry named before), or a previous speaker more than two segments back,
gives no attribution: an unknown speaker is never compared.

Two speakers (:func:`speaker_relation`) are the same, different, or cannot be told apart. Only speakers told apart
with confidence conflict (:func:`speakers_conflict`): names against names, places against places, titles against
titles by the office map of ``_lex`` (:func:`title_relation`), each named in its own sentence; a name against a
title is never a conflict (whose title it is may be unsaid), nor is a vague speaker (an official, sources).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ._lex import (AR_ACCORDING, AR_QUOTED, AR_VERBS, COMMA, FA_VERBS_ONE, OFFICE_KINDS, Token, forms, norm, office_at,
                   verb_at)
from .model import Fact
from .names import PLACE_K, STOP_K, is_weekday, name_key, same_name, same_word

# per language: Persian آن / او are written like Arabic أن / أو once normalised
SUBJECT_PRONOUNS = {"ar": {norm(w) for w in ("هو", "هي")}, "fa": {norm(w) for w in ("وی", "او", "ایشان")}}
PRONOUNS = SUBJECT_PRONOUNS["ar"] | SUBJECT_PRONOUNS["fa"]
STOPPERS = {norm(w) for w in ("إن", "أن", "ان", "بأن", "انه", "إنه", "أنه", "که", "إنها", "أنها")}
# nouns that stand for the previous speaker's words ("وأضاف البيان") and demonstratives ("این وزارتخانه")
ANAPHORS = {norm(w) for w in ("البيان", "بيان", "التقرير", "الرسالة", "المصدر", "بیانیه", "اطلاعیه")}
DEMONSTRATIVES = {"ar": {norm(w) for w in ("هذا", "هذه", "ذلك", "تلك")},
                  "fa": {norm(w) for w in ("این", "آن", "همین")}}
HONORIFICS = {norm(w) for w in ("السيد", "السيدة", "الشيخ", "الدكتور", "آقای", "خانم", "دکتر", "مهندس", "حجت‌الاسلام")}
# Arabic words after a verb that show it has no subject there: prepositions, time words
AR_NO_SUBJECT = {norm(w) for w in ("في", "خلال", "عبر", "على", "إلى", "الى", "عن", "أمام", "بعد", "قبل", "لدى", "من",
                                   "مع", "حول", "كذلك", "أيضا", "أيضاً", "فيه", "فيها")}
AR_TIME = {norm(w) for w in ("أمس", "اليوم", "مساء", "صباح", "الليلة", "الماضي", "الجاري", "يوم")}
FA_TIME = {norm(w) for w in ("امروز", "دیروز", "امشب", "روز", "شب", "صبح", "عصر", "ظهر", "بامداد", "هفته", "اما",
                             "ضمن", "طی", "پس", "نیز", "همچنین", "هم", "سپس", "پیشتر", "قبلا", "اخیرا", "هنوز")}
# a field alone as a subject is its ministry only for these ("أعلنت الخارجية"); "الهلال الأحمر" is itself a body
VAGUE_HEADS = frozenset(k for k, kind in OFFICE_KINDS.items() if kind == "vague")
MINISTRY_FIELDS = frozenset({"foreign", "interior"})
# bodies that name one institution without a complement; "الوزارة" / "وزارت" alone needs an antecedent
SELF_NAMED = frozenset({"government", "un"})
# a Persian sentence's first words that open an adverbial before the subject ("در همین حال،", "به گزارش ایرنا،")
FA_PREAMBLE = {norm(w) for w in ("به", "در", "از", "با", "پس", "پیش", "طی", "ضمن", "همزمان", "هنگامی", "وقتی", "اگر",
                                 "برای", "بنابر", "بر", "براساس", "همچنین", "سپس", "اما", "و", "نیز")}
FA_CONNECTIVES = {norm(w) for w in ("و", "همچنین", "سپس", "اما", "نیز")}
AR_LEAD = {norm(w) for w in ("و", "وكان", "كان", "كما", "ثم", "فيما", "بينما", "وكانت", "كانت", "قد")}
SENTENCE_END = frozenset(".!?\u061f:;\u061b")
# how far back a speaker is looked for before a Persian verb: the sentence, but no further than this
# (an unpunctuated page would otherwise be searched back to its start for every verb)
CLAUSE_TOKENS = 60
TITLE_TOKENS = 14  # longest title phrase read ("معاون وزیر امور خارجه در امور حقوقی و بین‌المللی")
PREVIOUS_REACH = 2  # a subject-less verb takes the previous speaker of this or the two segments before
PREVIOUS_NOTE = "previous speaker"
TITLE_LINKS = {norm(w) for w in ("باسم", "لشؤون", "شؤون", "للشؤون")}


# ----------------------------------------------------------------------------------------
# Speakers and titles
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Speaker:
    value: str  # name key, "role:…" or "place:…"
    surface: str  # as written
    note: str = ""


@dataclass(frozen=True)
class Title:
    """A title or body as a key the other language's title can be compared with.

    ``head`` is the post or body (``spokesperson``, ``deputy-minister``, ``ministry``; a field alone,
    ``الخارجية``, is its ministry), ``concepts`` the fields, bodies and posts of its complement (``foreign``,
    ``ministry``), ``places`` the countries and cities of the gazetteer (``الإيرانية`` → ``ايران``) and ``words``
    the other complement words by name key (not in the office map: compared by spelling).
    """

    head: str
    concepts: frozenset[str] = frozenset()
    places: frozenset[str] = frozenset()
    words: frozenset[str] = frozenset()

    @property
    def kind(self) -> str:
        """post, body or vague (a field as head, "الهلال الأحمر", is a body)."""
        kind = OFFICE_KINDS.get(self.head.removeprefix("deputy-"), "post")
        return "body" if kind == "field" else kind

    @property
    def fields(self) -> frozenset[str]:
        return frozenset(c for c in self.concepts if OFFICE_KINDS.get(c) == "field")

    @property
    def bodies(self) -> frozenset[str]:
        return frozenset(c for c in self.concepts if OFFICE_KINDS.get(c) in ("body", "post"))

    @property
    def size(self) -> int:
        return len(self.concepts) + len(self.places) + len(self.words)

    def value(self) -> str:
        parts = [self.head, *sorted(self.concepts), *("@" + p for p in sorted(self.places)),
                 *("~" + w for w in sorted(self.words))]
        return "role:" + " ".join(parts)

    @classmethod
    def from_value(cls, value: str) -> Title | None:
        if not value.startswith("role:"):
            return None
        head, *rest = value[5:].split(" ")
        return cls(head, frozenset(p for p in rest if p[:1] not in "@~"),
                   frozenset(p[1:] for p in rest if p[:1] == "@"), frozenset(p[1:] for p in rest if p[:1] == "~"))


def speaker_relation(a: str, b: str) -> str | None:
    """``same``, ``different``, or None when the two speaker values cannot be told apart or matched."""
    if not a or not b:
        return None
    ka, kb = _value_kind(a), _value_kind(b)
    if ka != kb:
        return None  # a name against a title or a country: whose title it is may be unsaid
    if ka == "role":
        ta, tb = Title.from_value(a), Title.from_value(b)
        return title_relation(ta, tb) if ta and tb else None
    if ka == "place":
        a, b = a[6:], b[6:]
    return "same" if same_name(a, b) else "different"


def speakers_conflict(a: Fact, b: Fact) -> bool:
    """Two attributions credit different speakers, both named in their own sentence: a speaker carried over from
    an earlier sentence ("وأضاف", "وی افزود") may be the wrong antecedent, so it never makes a conflict."""
    if PREVIOUS_NOTE in (a.note, b.note):
        return False
    return speaker_relation(a.value, b.value) == "different"


def _value_kind(value: str) -> str:
    return "role" if value.startswith("role:") else "place" if value.startswith("place:") else "name"


def title_relation(x: Title, y: Title) -> str | None:
    """Two titles (or bodies) are ``same`` when one says no more than the other, ``different`` when they name
    different posts, bodies, fields or places, and None when they cannot be told apart (a word one side has
    that the office map does not know)."""
    if "vague" in (x.kind, y.kind):
        return "same" if x == y else None
    if x.kind != y.kind:
        post, body = (x, y) if x.kind == "post" else (y, x)
        # a spokesperson or a minister speaks for their body ("سخنگوی دولت" / "الحكومة")
        theirs = body.head in post.concepts or (post.head.endswith("minister")
                                                and body.head == "ministry" and body.fields)
        return "same" if theirs and body.fields <= post.fields and _places_meet(x, y) else None
    if x.head != y.head:
        if x.kind == "body" and "government" in (x.head, y.head):
            return None  # a government speaks through its ministries and offices
        return "different"
    fx, fy, bx, by = x.fields, y.fields, x.bodies, y.bodies
    if (fx and fy and not fx & fy) or (bx and by and not bx & by) or not _places_meet(x, y):
        return "different"
    if (fx <= fy or fy <= fx) and (bx <= by or by <= bx) and _words_meet(x.words, y.words):
        return "same"
    return None


def _places_meet(x: Title, y: Title) -> bool:
    """No place on one side, or a place both name."""
    return not x.places or not y.places or bool(x.places & y.places)


def _words_meet(a: frozenset[str], b: frozenset[str]) -> bool:
    """Every unmapped word of the side with fewer is spelled alike on the other side."""
    few, many = (a, b) if len(a) <= len(b) else (b, a)
    return all(any(same_word(w, v) for v in many) for w in few)


# ----------------------------------------------------------------------------------------
# Reading a title phrase
# ----------------------------------------------------------------------------------------


@dataclass
class _Phrase:
    title: Title
    start: int  # token range of the title
    end: int
    name: Fact | None = None  # the name the title introduces ("... يحيى آل إسحاق", "سخنگوی کرملین دیمیتری پسکوف")
    name_end: int = -1


class _Names:
    """A segment's name facts by the token they start at, and the token each ends at."""

    def __init__(self, tokens: list[Token], names: list[Fact]) -> None:
        start_at = {t.start: x for x, t in enumerate(tokens)}
        end_at = {t.end: x for x, t in enumerate(tokens)}
        self.at: dict[int, Fact] = {}
        self.end: dict[int, int] = {}  # start token -> end token (exclusive)
        self.ending: dict[int, int] = {}  # last token -> start token
        for f in names:
            if f.doc_start in start_at and f.doc_end in end_at:
                i, j = start_at[f.doc_start], end_at[f.doc_end] + 1
                self.at[i], self.end[i], self.ending[j - 1] = f, j, i

    def person(self, i: int, tokens: list[Token]) -> Fact | None:
        """The name of a person starting at token ``i`` (not a place or an office the name layer took for a name)."""
        f = self.at.get(i)
        if f is None or f.note == "place" or _place_key(tokens[i]) or office_at(tokens, i):
            return None
        return f

    def place(self, i: int) -> Fact | None:
        f = self.at.get(i)
        return f if f is not None and f.note == "place" else None


def _definite(tok: Token) -> bool:
    """An Arabic word with the article (``بال``/``فال`` open a prepositional phrase instead)."""
    return tok.norm.startswith(("ال", "وال", "لل"))


def _place_key(tok: Token) -> str | None:
    """The gazetteer key of a place, or of the place of an adjective of origin (``الإيرانية``, ``ایرانی``)."""
    if tok.kind != "word":
        return None
    for f in forms(tok.norm):
        key = name_key(f)
        if key in PLACE_K:
            return key
        for suffix in ("یه", "ی", "یون", "یین"):
            if f.endswith(suffix) and len(f) - len(suffix) >= 3:
                stem = name_key(f[:-len(suffix)])
                for cand in (stem, stem + "ا"):  # الإيرانية → إيران, السوري → سوريا
                    if cand in PLACE_K:
                        return cand
    return None


def _stop_word(tok: Token, lang: str) -> bool:
    if tok.kind != "word":
        return True
    w = tok.norm
    return (w in STOP_K or w in STOPPERS or w in PRONOUNS or is_weekday(tok)
            or w in (FA_TIME if lang == "fa" else AR_TIME))


def parse_title(tokens: list[Token], k: int, stop: int, names: _Names, lang: str) -> _Phrase | None:
    """The title or body phrase starting at ``tokens[k]`` (ending before ``stop``), and the name it introduces.

    Arabic: a title without the article governs the next word (``محافظ كرمانشاه``, ``غرفة التجارة``), which is
    its complement even when unknown; after a definite complement (``وزير الخارجية الإيراني``) a bare word is the
    name. Persian: the ezafe chain runs until a preposition, a time word, ``که``/``را`` or the verb.
    """
    first = office_at(tokens, k, lang)
    if first is None or first[1] == "weak":
        return None
    key, kind, j = first
    head, concepts = ("ministry", {key}) if key in MINISTRY_FIELDS else (key, set())  # "الخارجية": the ministry
    if head == "deputy" and j < stop and (nxt := office_at(tokens, j, lang)) and nxt[1] == "post":
        head, j = f"deputy-{nxt[0]}", nxt[2]
    construct = lang == "ar" and not _definite(tokens[j - 1])
    places: set[str] = set()
    words: set[str] = set()
    last = head
    apposition = False  # "رئيس المحكمة، القاضي الياباني ...": read on for the name, add nothing
    phrase = _Phrase(Title(head), k, j)
    while j < stop and j < k + TITLE_TOKENS:
        t = tokens[j]
        if t.kind == "punct":
            if t.text in COMMA and j + 1 < stop and (names.person(j + 1, tokens) or _is_post(tokens, j + 1, lang)):
                apposition, construct = True, False
                j += 1
                continue
            break
        office = office_at(tokens, j, lang)
        person = names.person(j, tokens)
        if (person is not None and person.note != "gazetteer"
                and (construct or lang == "fa" and not _apposed(tokens, names.end[j], lang))):
            person = None  # "محافظ كرمانشاه", "استاندار کرمانشاه": the complement, not a name
        if construct and office is None and person is None and not _stop_word(t, lang):
            # the genitive of a construct title: "محافظ كرمانشاه", "مقاطعة زرند"
            _add_place_or_word(t, places, words, apposition)
            construct = False
            j += 1
            continue
        if person is not None:
            phrase.name, phrase.name_end = person, names.end[j]
            break
        if office is not None:
            okey, okind, oj = office
            if okey == "interior" and lang == "fa" and last not in ("minister", "ministry"):
                okind = "weak"  # "کشور" is the interior ministry only in "وزیر کشور" / "وزارت کشور"
            if okind in ("field", "body", "post") and not apposition:
                concepts.add(okey)
            construct = lang == "ar" and not _definite(tokens[oj - 1]) and okind != "field"
            last, j = okey, oj
            continue
        if t.norm in TITLE_LINKS:
            j += 1
            continue
        if (head in VAGUE_HEADS and t.norm in (norm("في"), norm("در")) and j + 1 < stop
                and office_at(tokens, j + 1, lang)):
            j += 1  # "مسؤول في وزارة البيئة": whose official
            continue
        if t.norm in (norm("في"), norm("در")) and j + 1 < stop and (where := _place_key(tokens[j + 1])):
            places.add(where)  # "رئيس غرفة التجارة في دبي", "رایزن بازرگانی در امارات"
            j += 2
            continue
        if lang == "fa" and t.norm == "و" and j + 1 < stop and office_at(tokens, j + 1, lang):
            j += 1  # "وزیر صنعت، معدن و تجارت"
            continue
        if _stop_word(t, lang) or names.place(j) is None and t.norm in ANAPHORS:
            break
        if lang == "ar" and not _definite(t) and not _place_key(t):
            break  # a bare word after a definite phrase starts a name the name layer did not find
        _add_place_or_word(t, places, words, apposition)
        j += 1
    phrase.end = j if phrase.name is None else phrase.name_end
    phrase.title = Title(head, frozenset(concepts), frozenset(places), frozenset(words))
    return phrase


def _apposed(tokens: list[Token], j: int, lang: str) -> bool:
    """A comma and a post at ``tokens[j]``: the name before is in apposition ("قاضی ایواساوا یوجی، رئیس دیوان")."""
    return j + 1 < len(tokens) and tokens[j].text in COMMA and _is_post(tokens, j + 1, lang)


def _is_post(tokens: list[Token], i: int, lang: str) -> bool:
    office = office_at(tokens, i, lang)
    return office is not None and office[1] == "post"


def _add_place_or_word(tok: Token, places: set[str], words: set[str], apposition: bool) -> None:
    if apposition:
        return
    place = _place_key(tok)
    if place:
        places.add(place)
    elif len(key := name_key(_without_article(tok.norm))) >= 2:
        words.add(key)


def _without_article(word: str) -> str:
    for prefix in ("وال", "لل", "ال"):
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            return word[len(prefix):]
    return word


# ----------------------------------------------------------------------------------------
# Per document
# ----------------------------------------------------------------------------------------


@dataclass
class SpeakerContext:
    """Per document: the previous speaker, and the titles met with the speaker each stands for."""

    previous: Speaker | None = None
    previous_segment: int = -1
    titles: list[tuple[Title, Speaker]] = field(default_factory=list)

    def remember(self, title: Title, speaker: Speaker) -> None:
        if title.kind != "vague":
            self.titles.append((title, speaker))
            del self.titles[:-50]

    def resolve(self, phrase: _Phrase, surface: str) -> Speaker | None:
        """A title's speaker: the name it introduces, the name or fuller title the document gave it, or itself."""
        title = phrase.title
        if phrase.name is not None:
            speaker = Speaker(phrase.name.value, phrase.name.text)
            self.remember(title, speaker)
            return speaker
        if title.kind != "vague":
            for known, speaker in reversed(self.titles):
                if speaker.value == title.value():
                    continue  # this very title, remembered from its own sentence
                fuller = not speaker.value.startswith("role:") or known.size >= title.size
                if known.kind == title.kind and fuller and title_relation(title, known) == "same":
                    return Speaker(speaker.value, speaker.surface, f"{surface} = {speaker.surface}")
        if title.kind == "body" and not title.size and title.head not in SELF_NAMED:
            return None  # "أعلنت الوزارة" with no ministry named before: which one is unknown
        speaker = Speaker(title.value(), surface, "title only")
        self.remember(title, speaker)
        return speaker


def learn_titles(tokens: list[Token], text: str, names: _Names, ctx: SpeakerContext, lang: str,
                 verbs: list[int]) -> None:
    """Remember the titles a segment gives names ("الناطق باسم الكرملين ديمتري بيسكوف", "پسکوف سخنگوی کرملین",
    "پرویز چگینی، معاون وزیر") and the bodies it names in full ("محكمة العدل الدولية"), so that a later title
    alone ("وأضاف الناطق", "وأكدت المحكمة") is resolved to them. A phrase ends at the next verb of saying
    (``verbs``, in order): "وزارت اعلام کرد" is a ministry, not a ministry of information."""
    x, v = 0, 0
    while x < len(tokens):
        office = office_at(tokens, x, lang)
        if office is None or office[1] not in ("post", "body"):
            x += 1
            continue
        while v < len(verbs) and verbs[v] <= x:
            v += 1
        phrase = parse_title(tokens, x, verbs[v] if v < len(verbs) else len(tokens), names, lang)
        if phrase is None:
            x += 1
            continue
        if phrase.name is None and office[1] == "post":
            before = x - 2 if x >= 2 and tokens[x - 1].text in COMMA else x - 1
            start = names.ending.get(before)
            # "Name، title" / "Name title" where the name opens its clause
            if start is not None and (start == 0 or tokens[start - 1].kind == "punct" or tokens[start - 1].norm == "و"):
                phrase.name = names.person(start, tokens)
        title = phrase.title
        if phrase.name is not None:
            ctx.remember(title, Speaker(phrase.name.value, phrase.name.text))
        elif office[1] == "body" and title.size and not (lang == "fa" and title.words):
            # (a Persian ezafe chain is read up to a verb it cannot tell: "دیوان خواسته است" stays unlearned)
            ctx.remember(title, Speaker(title.value(), text[tokens[x].start:tokens[phrase.end - 1].end]))
        x = max(phrase.end, x + 1)


# ----------------------------------------------------------------------------------------
# Finding the subject
# ----------------------------------------------------------------------------------------

_PREVIOUS = "previous"  # the verb's subject is the previous speaker
_NONE = "none"  # nothing where the subject would be
_SKIP = "skip"  # a verb form that reports no statement of its own


def _subject_at(tokens: list[Token], s: int, stop: int, names: _Names, ctx: SpeakerContext, text: str,
                lang: str) -> tuple[Speaker | str | None, int]:
    """The speaker named at ``tokens[s]`` (before ``stop``): a Speaker, ``_PREVIOUS``, ``_NONE`` or None (a
    subject this module cannot name); and the token after it."""
    if s >= stop:
        return _NONE, s
    t = tokens[s]
    if t.norm in HONORIFICS and s + 1 < stop and names.person(s + 1, tokens):
        s, t = s + 1, tokens[s + 1]
    if t.norm in SUBJECT_PRONOUNS.get(lang, PRONOUNS):
        return _PREVIOUS, s + 1
    if t.norm in ANAPHORS or (t.norm in DEMONSTRATIVES.get(lang, ()) and s + 1 < stop and tokens[s + 1].kind == "word"):
        return _PREVIOUS, s + 1  # "وأضاف البيان", "این وزارتخانه افزود"
    if (person := names.person(s, tokens)) is not None and not _is_post(tokens, s, lang):
        return Speaker(person.value, person.text), names.end[s]
    phrase = parse_title(tokens, s, stop, names, lang)
    if phrase is not None:
        surface = text[tokens[s].start:tokens[max(phrase.end, s + 1) - 1].end]
        return ctx.resolve(phrase, surface), phrase.end
    place = names.place(s)
    if place is not None or _place_key(t):
        end = names.end[s] if place is not None else s + 1
        key = place.value if place is not None else _place_key(t) or ""
        surface = place.text if place is not None else t.text
        if lang == "fa" and end < stop and not _stop_word(tokens[end], lang) and tokens[end].kind == "word":
            return None, end  # "ایران خودرو", "ایران و عراق": more than the place
        return Speaker("place:" + key, surface), end
    if lang == "ar" and (t.kind == "punct" or t.norm in STOPPERS or t.norm in AR_NO_SUBJECT
                         or (t.norm.startswith("ل") and not t.norm.startswith("لل") and len(t.norm) > 3
                             and names.at.get(s) is None)):
        return _NONE, s  # "وأضاف أن", "وقال في تصريح", "وقال لوكالة ..."
    return None, s


def _arabic_speaker(tokens, i, verb_end, names, ctx, text) -> Speaker | str | None:
    s = verb_end
    while s < len(tokens) and (tokens[s].norm in AR_TIME or is_weekday(tokens[s]) or tokens[s].text in COMMA):
        s += 1  # "وقال أمس الجمعة وزير ..."
    got, _ = _subject_at(tokens, s, min(len(tokens), s + TITLE_TOKENS + 4), names, ctx, text, "ar")
    if got != _NONE:
        return got
    # a subject before the verb: "وكان وزير الزراعة قد أعلن", "الرئيس الإيراني أكد أن"
    start = _sentence_start(tokens, i, CLAUSE_TOKENS)
    while start < i and tokens[start].norm in AR_LEAD:
        start += 1
    if start < i:
        before, end = _subject_at(tokens, start, i, names, ctx, text, "ar")
        while end < i and tokens[end].norm in AR_LEAD:
            end += 1
        if isinstance(before, Speaker) and end == i:
            return before
    return _PREVIOUS


def _persian_speaker(tokens, i, names, ctx, text, after: int = 0) -> Speaker | str | None:
    """The subject of the Persian verb at ``tokens[i]``: the sentence's first noun phrase, or the first after an
    earlier verb of saying of the sentence (ending at ``after``): "X اعلام کرد ... و Y افزود"."""
    sentence = _sentence_start(tokens, i, CLAUSE_TOKENS)
    if after > sentence:
        # "X اعلام کرد ... و Y افزود": Y after the last "و" or comma; "X خبر داد و گفت": X again
        joints = [x for x in range(after, i) if tokens[x].norm == "و" or tokens[x].text in COMMA]
        if joints:
            got, _ = _subject_at(tokens, _skip_preamble(tokens, joints[-1] + 1, i), i, names, ctx, text, "fa")
            if isinstance(got, Speaker):
                return got
        return _PREVIOUS
    got, _ = _subject_at(tokens, _skip_preamble(tokens, sentence, i), i, names, ctx, text, "fa")
    return _PREVIOUS if got == _NONE else got


def _sentence_start(tokens: list[Token], i: int, reach: int) -> int:
    k = i - 1
    while k >= max(i - reach, 0) and not (tokens[k].kind == "punct" and tokens[k].text in SENTENCE_END):
        k -= 1
    return k + 1


def _skip_preamble(tokens: list[Token], s: int, i: int) -> int:
    """Past "به گزارش ایرنا به نقل از ...،", "در همین حال،", "همچنین" at the start of a Persian sentence."""
    while s < i and tokens[s].norm in FA_PREAMBLE:
        if tokens[s].norm in FA_CONNECTIVES:
            s += 1
            continue
        comma = next((x for x in range(s, i) if tokens[x].text in COMMA), None)
        if comma is None:
            break
        s = comma + 1
    return s


# ----------------------------------------------------------------------------------------
# Extraction
# ----------------------------------------------------------------------------------------


def extract_attributions(tokens: list[Token], text: str, names: list[Fact], *, lang: str, ctx: SpeakerContext,
                         segment: int = -1, base: int = 0) -> list[Fact]:
    out: list[Fact] = []
    idx = _Names(tokens, names)
    n = len(tokens)
    verbs = {i: end for i in range(n) if (end := verb_at(tokens, i, lang)) is not None}
    learn_titles(tokens, text, idx, ctx, lang, sorted(verbs))
    said: set[tuple[int, str]] = set()
    last_end = 0  # where the last verb of saying ended
    for i, verb_end in sorted(verbs.items()):
        if i < last_end:
            continue  # the second word of "اعلام کرد"
        got = _speaker_for(tokens, i, verb_end, idx, ctx, text, lang, last_end)
        if got == _SKIP:
            continue
        last_end = verb_end
        speaker = _settle(got, ctx, segment)
        if speaker is None:
            ctx.previous = None  # "قالت السلطات ... وأضافت": the unknown subject, not an older speaker
        elif (sentence := (_sentence_start(tokens, i, CLAUSE_TOKENS), speaker.value)) not in said:
            said.add(sentence)  # "... خبر داد و گفت": one speaker, one statement per sentence
            ctx.previous, ctx.previous_segment = speaker, segment
            t, last = tokens[i], tokens[verb_end - 1]
            verb = text[t.start:last.end]
            out.append(Fact("attribution", verb, t.start - base, last.end - base, speaker.value, segment, t.start,
                            unit=norm(verb), speaker=speaker.surface, note=speaker.note))
    return out


def _speaker_for(tokens: list[Token], i: int, verb_end: int, names: _Names, ctx: SpeakerContext, text: str,
                 lang: str, last_end: int) -> Speaker | str | None:
    """The speaker of the verb at ``tokens[i]``: a Speaker, ``_PREVIOUS``/``_NONE``, None (unknown) or ``_SKIP``
    (a form that reports no statement of its own: "مضيفاً", "گفته شد")."""
    t, n = tokens[i], len(tokens)
    if t.norm == norm("گفته"):
        if i > 0 and tokens[i - 1].norm == norm("به"):  # "به گفته X"
            got, _ = _subject_at(tokens, verb_end, n, names, ctx, text, lang)
            return got if isinstance(got, Speaker) else _SKIP
        if verb_end < n and tokens[verb_end].norm in (norm("است"), norm("بود")):  # "X گفته است"
            return _persian_speaker(tokens, i, names, ctx, text, last_end)
        return _SKIP
    if t.norm in AR_ACCORDING:  # "بحسب وزارة الصحة"
        got, _ = _subject_at(tokens, verb_end, n, names, ctx, text, "ar")
        return got if isinstance(got, Speaker) else _SKIP
    if t.norm in AR_QUOTED:  # "ونقلت الوكالة عن وزير الخارجية قوله إن"
        return _quoted_speaker(tokens, i, names, ctx, text)
    if t.norm.endswith("ا") and t.norm.startswith("م") and forms(t.norm)[-1] in AR_VERBS:
        return _SKIP  # "مضيفاً": the speaker of the sentence's verb, already attributed
    if lang == "fa" or t.norm in FA_VERBS_ONE or verb_end == i + 2:
        return _persian_speaker(tokens, i, names, ctx, text, last_end)
    return _arabic_speaker(tokens, i, verb_end, names, ctx, text)


def _quoted_speaker(tokens: list[Token], i: int, names: _Names, ctx: SpeakerContext, text: str) -> Speaker | str:
    """"عن X قوله": X, between the last "عن" of the sentence and "قوله"."""
    sentence = _sentence_start(tokens, i, CLAUSE_TOKENS)
    an = next((k for k in range(i - 1, sentence - 1, -1) if tokens[k].norm == norm("عن")), None)
    if an is None:
        return _SKIP
    got, end = _subject_at(tokens, an + 1, i, names, ctx, text, "ar")
    return got if isinstance(got, Speaker) and end == i else _SKIP


def _settle(got: Speaker | str | None, ctx: SpeakerContext, segment: int) -> Speaker | None:
    if isinstance(got, Speaker):
        return got
    if got in (_PREVIOUS, _NONE) and ctx.previous is not None and segment - ctx.previous_segment <= PREVIOUS_REACH:
        p = ctx.previous
        return Speaker(p.value, p.surface, PREVIOUS_NOTE)
    return None
