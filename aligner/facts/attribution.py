"""Who is reported as saying something: verb-of-saying patterns and the nearest speaker.

Arabic (verb first): ``قال/أكد/أضاف/أشار/أعلن/صرح/أوضح/ذكر/شدد/نفى …`` and the participles
``مضيفاً/مشيراً/مؤكداً``; the speaker is the first name (or title/organisation) after the verb,
before ``إن``/``أن``/a quotation mark or colon; with none, the verb's subject is the previous
speaker of the document. Persian (verb last): ``گفت، افزود، تأکید کرد، اعلام کرد، اظهار داشت،
تصریح کرد، خاطرنشان کرد …`` and ``به گفته X``; the speaker is the first name (or title/
organisation) of the clause before the verb; ``وی``/``او`` is the previous speaker.

A title alone (``الناطق``, ``سخنگوی کرملین``, ``الرئيس``) is resolved to the last name the document
gave with the same role; otherwise the speaker key is the role (``role:spokesperson``).
"""

from __future__ import annotations

from bisect import bisect_left

from ._lex import PUNCT_BOUNDARY, Token, forms, norm
from .model import Fact


AR_VERBS = {norm(w) for w in """قال قالت أكد أكدت أضاف أضافت أشار أشارت أعلن أعلنت صرح صرحت أوضح أوضحت ذكر ذكرت
شدد شددت نفى نفت رأى رأت اعتبر اعتبرت كشف كشفت لفت لفتت تابع تابعت مضيفا مشيرا مؤكدا معتبرا موضحا""".split()}
FA_VERBS_ONE = {norm(w) for w in "گفت افزود گفته".split()}
FA_VERBS_TWO = {(norm(a), norm(b)) for a, b in (
    ("تأکید", "کرد"), ("تاکید", "کرد"), ("اعلام", "کرد"), ("اظهار", "داشت"), ("تصریح", "کرد"), ("خاطرنشان", "کرد"),
    ("عنوان", "کرد"), ("بیان", "کرد"), ("یادآور", "شد"), ("اظهار", "کرد"), ("اعلام", "داشت"), ("تاکید", "کرده"),
    ("تأکید", "کرده"), ("اعلام", "کرده"), ("ادامه", "داد"), ("تصریح", "کرده"))}
PRONOUNS = {norm(w) for w in ("وی", "او", "ایشان")}
STOPPERS = {norm(w) for w in ("إن", "أن", "ان", "بأن", "انه", "إنه", "أنه", "که")}
# how far back a speaker is looked for before a Persian verb: the clause, but no further than this
# (an unpunctuated page would otherwise be searched back to its start for every verb)
CLAUSE_TOKENS = 60
ROLE_GAP = 40  # characters between a role word and the name it introduces
ROLES = {}
for _role, _words in {
    "president": "الرئيس رئيس رئیسجمهور رئیسجمهوری رئیس‌جمهور رئیس‌جمهوری",
    "spokesperson": "الناطق الناطقة المتحدث المتحدثة متحدث سخنگوی سخنگو",
    "minister": "وزير الوزير وزیر",
    "king": "الملك العاهل ملک پادشاه",
    "leader": "المرشد رهبر",
    "deputy": "نائب معاون",
}.items():
    for _w in _words.split():
        ROLES[norm(_w)] = _role


def _role_of(tok: Token) -> str | None:
    for f in forms(tok.norm)[:2]:
        if f in ROLES:
            return ROLES[f]
    return None


class SpeakerContext:
    """Per document: the previous speaker and the last name seen with each role."""

    def __init__(self) -> None:
        self.previous: tuple[str, str] | None = None  # (key, surface)
        self.roles: dict[str, tuple[str, str]] = {}


def learn_roles(tokens: list[Token], names: list[Fact], ctx: SpeakerContext, *, base: int) -> None:
    """Remember "role → name" from "الناطق باسم الكرملين ديمتري بيسكوف" / "پسکوف سخنگوی کرملین"."""
    roles = [(t, role) for t in tokens if (role := _role_of(t))]
    ends = [t.end for t, _ in roles]  # tokens do not overlap: ends rise with starts
    for f in names:
        if f.note == "place":
            continue
        # only a role word within 40 characters of the name counts; the rest are skipped by position
        for t, role in roles[bisect_left(ends, f.doc_start - ROLE_GAP):]:
            if t.start > f.doc_end + ROLE_GAP:
                break
            gap = (f.doc_start - t.end) if t.end <= f.doc_start else (t.start - f.doc_end)
            if 0 <= gap <= ROLE_GAP:
                ctx.roles[role] = (f.value, f.text)


def extract_attributions(tokens: list[Token], text: str, names: list[Fact], *, lang: str, ctx: SpeakerContext,
                         segment: int = -1, base: int = 0) -> list[Fact]:
    out = []
    n = len(tokens)
    token_at = {t.start: x for x, t in enumerate(tokens)}
    name_at = {token_at[f.doc_start]: f for f in names if f.doc_start in token_at}
    i = 0
    while i < n:
        t = tokens[i]
        verb_end = None
        if t.kind == "word" and lang != "fa" and forms(t.norm)[0] in AR_VERBS | FA_VERBS_ONE or \
                t.kind == "word" and len(forms(t.norm)) > 1 and forms(t.norm)[1] in AR_VERBS and t.norm.startswith(("و", "ف")):
            verb_end = i + 1
        if lang == "fa" or verb_end is None:
            if t.kind == "word" and t.norm in FA_VERBS_ONE:
                verb_end = i + 1
            elif i + 1 < n and (t.norm, tokens[i + 1].norm) in FA_VERBS_TWO:
                verb_end = i + 2
        if verb_end is not None and _is_goftogu(tokens, i):
            verb_end = None  # "گفت و گو": a conversation, not "said"
        if verb_end is None:
            i += 1
            continue
        verb = text[t.start:tokens[verb_end - 1].end]
        persian_style = lang == "fa" or t.norm in FA_VERBS_ONE or verb_end == i + 2
        speaker = None
        # "به گفته X": the speaker follows
        if t.norm == norm("گفته") and i > 0 and tokens[i - 1].norm == norm("به"):
            speaker = _after(tokens, verb_end, name_at, ctx)
            if speaker is None:
                i = verb_end
                continue
        elif t.norm == norm("گفته"):
            i += 1
            continue
        elif persian_style:
            speaker = _before(tokens, i, name_at, ctx)
        else:
            speaker = _after(tokens, verb_end, name_at, ctx)
            if speaker is None:
                speaker = _before(tokens, i, name_at, ctx, near=3)
        note = ""
        if speaker is None and t.norm.endswith("ا") and forms(t.norm)[-1] in AR_VERBS and t.norm.startswith("م"):
            if not any(o.segment == segment for o in out):
                i = verb_end
                continue
        if speaker is None or speaker == "pronoun":
            if ctx.previous is None:
                i = verb_end
                continue
            speaker = (*ctx.previous, "previous speaker")
        key, surface, note = speaker
        ctx.previous = (key, surface)
        out.append(Fact("attribution", verb, t.start - base, tokens[verb_end - 1].end - base, key, segment, t.start,
                        unit=norm(verb), speaker=surface, note=note))
        i = verb_end
    return out


def _is_goftogu(tokens, i) -> bool:
    nxt = [t.norm for t in tokens[i + 1:i + 3]]
    return tokens[i].norm == norm("گفت") and (nxt[:1] == [norm("وگو")] or nxt[:2] == [norm("و"), norm("گو")])


def _resolve_role(role: str, tok: Token, ctx: SpeakerContext):
    if role in ctx.roles:
        key, surface = ctx.roles[role]
        return key, surface, f"{tok.text} = {surface}"
    return f"role:{role}", tok.text, "title only"


def _after(tokens, j, name_at, ctx, limit: int = 12):
    """Arabic: the subject right after the verb: a name, or a title and its complements then a name."""
    from .names import LINK_K, _is_title, _nisba

    role_tok = None
    k = j
    while k < len(tokens) and k < j + limit:
        u = tokens[k]
        if k in name_at:
            f = name_at[k]
            if f.note == "place" and role_tok is not None:
                k += 1
                continue
            return f.value, f.text, ""
        if u.norm in STOPPERS or u.text in ("«", ":", "\u201c", '"', ".") or u.norm in PRONOUNS:
            break
        if _role_of(u) or _is_title(u):
            role_tok = role_tok or (u if _role_of(u) else None)
        elif u.kind == "punct" and u.text in ",\u060c":
            pass
        elif role_tok is None and not _is_title(tokens[k - 1]) and k > j:
            break
        elif role_tok is None and k == j:
            break  # "أكد الزعيمان": a subject that is no name
        elif not (u.norm in LINK_K or u.norm.startswith(("ال", "لل", "وال")) or _nisba(u) or u.norm.startswith("ل")):
            break
        k += 1
    if role_tok is not None:
        return _resolve_role(_role_of(role_tok), role_tok, ctx)
    return None


def _before(tokens, i, name_at, ctx, near: int | None = None):
    k = i - 1
    start = i - (near or CLAUSE_TOKENS)
    while k >= max(start, 0) and not (tokens[k].kind == "punct" and tokens[k].text in PUNCT_BOUNDARY):
        k -= 1
    clause = range(k + 1, i)
    for x in clause:
        if tokens[x].norm in PRONOUNS:
            if not any(y in name_at for y in range(k + 1, x)):
                return "pronoun"
        if x in name_at:
            f = name_at[x]
            return f.value, f.text, ""
        role = _role_of(tokens[x])
        if role:
            # a name right after the role ("سخنگوی کرملین دیمیتری پسکوف")?
            for y in range(x + 1, min(x + 4, i)):
                if y in name_at and name_at[y].note != "place":
                    f = name_at[y]
                    return f.value, f.text, ""
            return _resolve_role(role, tokens[x], ctx)
    return None
