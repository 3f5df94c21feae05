"""Speakers of attributions (aligner.facts.attribution): who is named as saying something, and when two speakers
conflict. Sentences are written as Arab and Iranian outlets write them."""

from __future__ import annotations

import pytest

from aligner.facts import check_texts
from aligner.facts.attribution import Title, speaker_relation, title_relation
from aligner.facts.compare import add_attributions, extract_document
from aligner.text import Segment


def _attributions(lines: list[str], lang: str):
    """The attribution facts of a document whose segments are ``lines``."""
    segments, start = [], 0
    for n, line in enumerate(lines):
        segments.append(Segment(n, start, start + len(line), line, ""))
        start += len(line) + 1
    doc = extract_document(segments, lang)
    add_attributions(doc)
    return [f for f in doc.facts if f.kind == "attribution"]


def _speakers(lines: list[str], lang: str) -> list[str]:
    return [f.speaker for f in _attributions(lines, lang)]


def _attribution_matches(ar: str, fa: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(shared, conflicting) attributions of a one-sentence pair, as (Arabic speaker, Persian speaker)."""
    r = check_texts(ar, fa)
    p = r.pairs[0]
    shared = [(r.left[m.left].speaker, r.right[m.right].speaker) for m in p.shared if m.kind == "attribution"]
    conflicts = [(r.left[m.left].speaker, r.right[m.right].speaker) for m in p.conflicts if m.kind == "attribution"]
    return shared, conflicts


# ----------------------------------------------------------------------------- the speaker named
@pytest.mark.parametrize(("text", "lang", "speaker"), [
    # Persian: a name, its apposition between commas, then the verb (not the country in the apposition)
    ("سید حمید حسینی، دبیرکل اتاق بازرگانی مشترک ایران و عراق، گفت: حجم مبادلات دو کشور افزایش یافته است.", "fa",
     "سید حمید حسینی"),
    ("پیرحسین کولیوند، رئیس جمعیت هلال احمر، با اعلام این خبر گفت: ایران آماده ارائه کمک است.", "fa",
     "پیرحسین کولیوند"),
    # Arabic: a title, its genitive complements, then the name
    ("قال رئيس غرفة التجارة الإيرانية العراقية المشتركة يحيى آل إسحاق إن حجم التبادل ارتفع.", "ar", "يحيى آل إسحاق"),
    ("وقال رئيس الوزراء الباكستاني شهباز شريف، خلال زيارته المناطق المنكوبة، إن الحكومة ستعوض المتضررين.", "ar",
     "شهباز شريف"),
    ("وقال رئيس المحكمة، القاضي الياباني إيواساوا يوجي، إن الرأي ملزم.", "ar", "إيواساوا يوجي"),
    ("وقال محافظ البنك المركزي محمد رضا فرزين إن الارتفاع مؤقت.", "ar", "محمد رضا فرزين"),
    # a title without a name: the whole title, not a place or body inside it
    ("وقال رئيس غرفة التجارة الإيرانية في دبي إن التبادل بلغ 27 مليار دولار.", "ar", "رئيس غرفة التجارة الإيرانية"),
    ("رایزن بازرگانی ایران در امارات در حاشیه این نمایشگاه گفت: تجارت دو کشور افزایش یافت.", "fa",
     "رایزن بازرگانی ایران در امارات"),
    ("وقال محافظ كرمانشاه في تصريح للتلفزيون الرسمي إن عدد الوفيات بلغ 14 شخصاً.", "ar", "محافظ كرمانشاه"),
    ("به گزارش ایسنا، سخنگوی دولت روز سه‌شنبه در نشست خبری اعلام کرد: خرید گندم ادامه دارد.", "fa", "سخنگوی دولت"),
    ("به گفته وزیر جهاد کشاورزی، خوزستان رتبه نخست را دارد.", "fa", "وزیر جهاد کشاورزی"),
    ("وكان وزير الزراعة قد أعلن يوم الأربعاء الماضي أن المشتريات تخطت 7 ملايين طن.", "ar", "وزير الزراعة"),
    ("وقالت منظمة الصحة العالمية في بيان إن عدد الحالات ارتفع.", "ar", "منظمة الصحة العالمية"),
    ("وزارت بهداشت غزه اعلام کرد در این حمله ۳۱ نفر شهید شدند.", "fa", "وزارت بهداشت غزه"),
    # a country that is the subject itself
    ("وأعلنت إيران إرسال طائرتي شحن محملتين بالمساعدات.", "ar", "إيران"),
    # quoted through an agency, and "according to"
    ("ونقلت وكالة الأنباء الرسمية عن وزير الخارجية العماني قوله إن المحادثات بناءة.", "ar", "وزير الخارجية العماني"),
    ("وبحسب مركز الإحصاء الإيراني، بلغ معدل التضخم 38 في المئة.", "ar", "مركز الإحصاء الإيراني"),
])
def test_the_speaker_is_the_subject(text, lang, speaker):
    assert _speakers([text], lang) == [speaker]


@pytest.mark.parametrize(("text", "lang"), [
    ("كما أكد الزعيمان أهمية المبادرة.", "ar"),  # "the two leaders": no one in particular
    ("أعلنت الوزارة أن عدد الزوار ارتفع.", "ar"),  # which ministry? none was named before
    ("رئیس فدراسیون این موفقیت را به ملت ایران تبریک گفت.", "fa"),  # congratulated: no statement reported
    ("وزیر امور خارجه در گفت‌وگو با همتای خود دیدار کرد.", "fa"),  # a conversation, not "said"
    ("وارتفعت الأسعار بنسبة 30 في المئة، بحسب خبراء في السوق.", "ar"),  # "experts": no one in particular
])
def test_no_attribution_without_a_speaker_or_a_statement(text, lang):
    assert _attributions([text], lang) == []


def test_a_title_alone_is_the_name_the_document_gave_it():
    lines = ["قال المتحدث باسم الكرملين ديمتري بيسكوف إن الوضع معقد.", "وأضاف الناطق أن الحوار مستمر."]
    got = _attributions(lines, "ar")
    assert [f.speaker for f in got] == ["ديمتري بيسكوف", "ديمتري بيسكوف"]
    assert "الناطق" in got[1].note


def test_a_body_alone_is_the_body_named_before():
    lines = ["وقضت محكمة العدل الدولية في رأي استشاري بأن على إسرائيل تسهيل عمل الوكالة.",
             "وأكدت المحكمة أن التجويع محظور."]
    assert _speakers(lines, "ar") == ["محكمة العدل الدولية"]


@pytest.mark.parametrize(("lines", "lang", "speakers"), [
    # no subject: the previous speaker
    (["رئیس سازمان حفاظت محیط زیست اعلام کرد مذاکرات ادامه دارد.", "وی افزود: طرح مشترک آغاز می‌شود."], "fa",
     ["رئیس سازمان حفاظت محیط زیست"] * 2),
    (["وقال وزير الداخلية إن الانتخابات جرت بهدوء.", "وأضاف أن النتائج ستعلن غداً."], "ar", ["وزير الداخلية"] * 2),
    # a subject this module cannot name breaks the chain: "أضاف" is not the interior minister
    (["وقال وزير الداخلية إن الانتخابات جرت بهدوء.", "وأعلنت السلطات تعليق الدراسة.", "وأضافت أن المدارس ستفتح."],
     "ar", ["وزير الداخلية", "السلطات", "السلطات"]),
    (["وقال وزير الداخلية إن الانتخابات جرت بهدوء.", "كما أكد الزعيمان أهمية المبادرة.", "وأضاف أن النتائج ستعلن."],
     "ar", ["وزير الداخلية"]),
    # a second verb with its own subject in one Persian sentence
    (["سخنگوی دولت اعلام کرد قیمت نان ثابت می‌ماند و وزیر جهاد کشاورزی افزود خرید گندم ادامه دارد."], "fa",
     ["سخنگوی دولت", "وزیر جهاد کشاورزی"]),
])
def test_previous_speaker(lines, lang, speakers):
    assert _speakers(lines, lang) == speakers


def test_one_attribution_per_speaker_and_sentence():
    text = "مدیرعامل جمعیت هلال احمر استان کرمانشاه از اعزام ۲۳ تیم امداد خبر داد و گفت عملیات ادامه دارد."
    assert [f.text for f in _attributions([text], "fa")] == ["خبر داد"]


def test_fact_text_is_the_users_words():
    lines = ["وقال رئيس غرفة التجارة الإيرانية في دبي إن التبادل ارتفع.", "وأوضح أن الموانئ شهدت نمواً."]
    segments = [Segment(0, 0, len(lines[0]), lines[0], ""),
                Segment(1, len(lines[0]) + 1, len(lines[0]) + 1 + len(lines[1]), lines[1], "")]
    for f in _attributions(lines, "ar"):
        assert segments[f.segment].text[f.start:f.end] == f.text


# ----------------------------------------------------------------------------- comparing speakers
@pytest.mark.parametrize(("ar", "fa", "shared", "conflicts"), [
    # the same office in both languages
    ("وقال المتحدث باسم الخارجية الإيرانية إن طهران مستعدة للمساعدة.",
     "سخنگوی وزارت امور خارجه گفت ایران آماده کمک است.",
     [("المتحدث باسم الخارجية الإيرانية", "سخنگوی وزارت امور خارجه")], []),
    ("وقال رئيس المفوضية في مؤتمر صحافي إن عدد المقترعين بلغ 12 مليوناً.",
     "رئیس کمیساریای انتخابات اعلام کرد ۱۲ میلیون نفر رأی دادند.",
     [("رئيس المفوضية", "رئیس کمیساریای انتخابات")], []),
    ("وقالت المتحدثة باسم الحكومة إن الدولة سددت المستحقات.", "سخنگوی دولت اعلام کرد مطالبات پرداخت شد.",
     [("المتحدثة باسم الحكومة", "سخنگوی دولت")], []),
    # different offices: a conflict
    ("وقال المتحدث باسم الخارجية الإيرانية إن طهران مستعدة للمساعدة.",
     "معاون وزیر امور خارجه گفت ایران آماده کمک است.",
     [], [("المتحدث باسم الخارجية الإيرانية", "معاون وزیر امور خارجه")]),
    ("وقال محافظ كرمانشاه إن عدد الوفيات بلغ 14 شخصاً.", "معاون استاندار کرمانشاه گفت: ۱۱ نفر جان باختند.",
     [], [("محافظ كرمانشاه", "معاون استاندار کرمانشاه")]),
    ("وقال وزير الداخلية إن الانتخابات جرت بهدوء.", "رئیس ستاد انتخابات کشور گفت: تخلفی گزارش نشده است.",
     [], [("وزير الداخلية", "رئیس ستاد انتخابات کشور")]),
    ("وقالت الأمم المتحدة إن القطاع يحتاج إلى 600 شاحنة يومياً.",
     "دفتر رسانه‌ای دولت غزه اعلام کرد غزه روزانه به ۶۰۰ کامیون نیاز دارد.",
     [], [("الأمم المتحدة", "دفتر رسانه\u200cای دولت غزه")]),
    ("وقالت منظمة الصحة العالمية إن عدد الحالات ارتفع.", "وزارت بهداشت یمن اعلام کرد شمار موارد افزایش یافت.",
     [], [("منظمة الصحة العالمية", "وزارت بهداشت یمن")]),
    # cannot be told apart: no conflict
    ("وقال مسؤول في وزارة البيئة العراقية إن المحادثات جارية.",  # an official: anyone
     "رئیس سازمان حفاظت محیط زیست اعلام کرد مذاکرات ادامه دارد.", [], []),
    ("وقال وزير الخارجية عباس عراقجي إن المفاوضات جادة.",  # a name against a title: whose title is unsaid
     "سخنگوی وزارت امور خارجه گفت مذاکرات جدی است.", [], []),
    ("وقال رئيس الاتحاد البحريني للمصارعة إن البطولة ناجحة.",  # wrestling / کشتی: not in the office map
     "رئیس فدراسیون کشتی گفت: این مسابقات موفق بود.", [], []),
])
def test_speakers_compared_across_languages(ar, fa, shared, conflicts):
    got_shared, got_conflicts = _attribution_matches(ar, fa)
    assert got_shared == shared
    assert got_conflicts == conflicts


def test_a_speaker_carried_over_from_an_earlier_sentence_never_conflicts():
    ar = "وقالت منظمة الصحة العالمية إن الحالات ارتفعت. وأضاف البيان أن 212 شخصاً توفوا."
    fa = "وزارت بهداشت یمن اعلام کرد موارد افزایش یافت. این وزارتخانه افزود: ۲۳۷ نفر جان باختند."
    r = check_texts(ar, fa)
    conflicts = [(r.left[m.left].text, r.right[m.right].text) for m in r.pairs[0].conflicts if m.kind == "attribution"]
    assert conflicts == [("وقالت", "اعلام کرد")]  # not "وأضاف" / "افزود": each took the previous speaker


@pytest.mark.parametrize(("a", "b", "relation"), [
    ("role:spokesperson foreign", "role:spokesperson foreign ministry @ايران", "same"),
    ("role:minister foreign", "role:minister interior", "different"),
    ("role:minister foreign @عمان", "role:minister foreign @ايران", "different"),
    ("role:head federation ~مصارعه", "role:head federation ~كشتي", None),
    ("role:spokesperson government", "role:government @ايران", "same"),  # a spokesperson speaks for the body
    ("role:minister health", "role:government", None),
    ("role:ministry foreign", "role:government", None),  # a government speaks through its ministries
    ("role:official environment ministry", "role:head environment organisation", None),
    ("role:official", "role:official", "same"),
    ("place:ايران", "place:عراق", "different"),
    ("بيسكوف", "بسكوف", "same"),
    ("بيسكوف", "لافروف", "different"),
    ("بيسكوف", "role:spokesperson", None),
    ("", "بيسكوف", None),
])
def test_speaker_relation(a, b, relation):
    assert speaker_relation(a, b) == relation
    assert speaker_relation(b, a) == relation


def test_title_values_round_trip():
    t = Title("deputy-minister", frozenset({"foreign"}), frozenset({"ايران"}), frozenset({"حقوقي"}))
    assert Title.from_value(t.value()) == t
    assert title_relation(t, Title("deputy-minister")) == "same"
    assert title_relation(t, Title("minister", frozenset({"foreign"}))) == "different"
