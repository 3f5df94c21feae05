"""Tests for aligner.text: segmentation, matching keys, model text, language detection."""

from __future__ import annotations

from pathlib import Path

import pytest

from aligner.text import (
    EDGE_INVISIBLES,
    Segment,
    detect_lang,
    matching_key,
    model_text,
    script_profile,
    segment,
)

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"


def _texts(document: str, lang: str = "ar") -> list[str]:
    segments = segment(document, lang=lang)
    _assert_invariants(document, segments)
    return [seg.text for seg in segments]


def _assert_invariants(document: str, segments: list[Segment]) -> None:
    """Offsets show the source; every visible character is in exactly one segment."""
    covered = [0] * len(document)
    for expected_id, seg in enumerate(segments):
        assert seg.id == expected_id
        assert seg.text == document[seg.start:seg.end]
        assert seg.text == seg.text.strip()
        assert seg.text and not seg.text.isspace()
        assert "\n" not in seg.text and "\r" not in seg.text
        assert seg.key == matching_key(seg.text)
        for index in range(seg.start, seg.end):
            covered[index] += 1
    assert [seg.start for seg in segments] == sorted(seg.start for seg in segments)
    for index, ch in enumerate(document):
        visible = not ch.isspace() and ch not in EDGE_INVISIBLES
        if visible:
            assert covered[index] == 1, f"character {ch!r} at {index} covered {covered[index]} times"
        assert covered[index] <= 1


# --------------------------------------------------------------------------
# Segmentation: terminators
# --------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("document", "lang", "expected"),
    [
        ("قال الرئيس. وأضاف الوزير.", "ar", ["قال الرئيس.", "وأضاف الوزير."]),
        ("هل انتهى الاجتماع؟ نعم انتهى.", "ar", ["هل انتهى الاجتماع؟", "نعم انتهى."]),
        ("آیا جلسه تمام شد؟ بله تمام شد.", "fa", ["آیا جلسه تمام شد؟", "بله تمام شد."]),
        ("يا له من إنجاز! هذا جيد.", "ar", ["يا له من إنجاز!", "هذا جيد."]),
        ("ماذا حدث؟! لا أصدق.", "ar", ["ماذا حدث؟!", "لا أصدق."]),
        ("What?! No way.", "en", ["What?!", "No way."]),
        ("حقاً!! لا.", "ar", ["حقاً!!", "لا."]),
        ("انتظر قليلاً… ثم تكلم.", "ar", ["انتظر قليلاً…", "ثم تكلم."]),
        ("انتظر قليلاً... ثم تكلم.", "ar", ["انتظر قليلاً...", "ثم تكلم."]),
        # a headline's pause: a short tail with no sentence end of its own stays attached
        ("بوتين وحمد أكدا دعمهما للسلام... سريعاً", "ar", ["بوتين وحمد أكدا دعمهما للسلام... سريعاً"]),
        ("صلح و ثبات… به‌زودی", "fa", ["صلح و ثبات… به‌زودی"]),
        ("جملة بلا علامة نهاية", "ar", ["جملة بلا علامة نهاية"]),
        ("انتهى الأمر.وقال الوزير", "ar", ["انتهى الأمر.وقال الوزير"]),
        ("في عام 2025. وقال الوزير", "ar", ["في عام 2025.", "وقال الوزير"]),
        ("در سال ۱۴۰۴. او گفت", "fa", ["در سال ۱۴۰۴.", "او گفت"]),
        ("", "ar", []),
        (" \n\t \n ", "ar", []),
    ],
)
def test_terminators(document: str, lang: str, expected: list[str]) -> None:
    assert _texts(document, lang) == expected


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ("قال «انتهى الأمر.» ثم غادر.", ["قال «انتهى الأمر.»", "ثم غادر."]),
        ('He said "stop." Then he left.', ['He said "stop."', "Then he left."]),
        ("قال: “انتهى.” ثم غادر.", ["قال: “انتهى.”", "ثم غادر."]),
        ("قال ‹انتهى.› ثم غادر.", ["قال ‹انتهى.›", "ثم غادر."]),
        ("(كما قال الوزير.) ثم غادر.", ["(كما قال الوزير.)", "ثم غادر."]),
        ("he said ‘over.’ Then left.", ["he said ‘over.’", "Then left."]),
        ("هل قال «انتهى؟!» لا أعرف.", ["هل قال «انتهى؟!»", "لا أعرف."]),
    ],
)
def test_closing_quotes_and_brackets_belong_to_the_ending_sentence(document: str, expected: list[str]) -> None:
    assert _texts(document) == expected


# --------------------------------------------------------------------------
# Segmentation: lines and whitespace
# --------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ("سطر أول بلا نقطة\nسطر ثان", ["سطر أول بلا نقطة", "سطر ثان"]),
        ("عنوان\n\n\nنص الخبر.", ["عنوان", "نص الخبر."]),
        ("جملة.\r\nأخرى.\rثالثة.", ["جملة.", "أخرى.", "ثالثة."]),
        ("قال «بداية اقتباس لا يغلق. جملة ثانية.\nسطر جديد. آخر.",
         ["قال «بداية اقتباس لا يغلق. جملة ثانية.", "سطر جديد.", "آخر."]),
        ('He said "never closed. More text.\nNew line. End.',
         ['He said "never closed. More text.', "New line.", "End."]),
        ("\u200fجملة عربية.\u200f \u200fأخرى.", ["جملة عربية.", "أخرى."]),
        ("همکاری\u200cهای دوجانبه.", ["همکاری\u200cهای دوجانبه."]),
        ("فقرة\u2029فقرة أخرى", ["فقرة", "فقرة أخرى"]),
    ],
)
def test_line_breaks_always_end_a_segment(document: str, expected: list[str]) -> None:
    assert _texts(document) == expected


def test_offsets_exclude_surrounding_whitespace() -> None:
    document = "  جملة أولى.   \n\n  جملة ثانية.  "
    segments = segment(document)
    assert [(seg.start, seg.end) for seg in segments] == [(2, 12), (19, 30)]
    assert [document[seg.start:seg.end] for seg in segments] == ["جملة أولى.", "جملة ثانية."]


def test_long_run_on_sentence_is_one_segment() -> None:
    document = "، ".join(["قال الوزير إن المحادثات مستمرة"] * 2000) + "."
    segments = segment(document)
    assert len(segments) == 1
    assert segments[0].end == len(document)


# --------------------------------------------------------------------------
# Segmentation: numbers, abbreviations, URLs
# --------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("document", "lang", "expected"),
    [
        ("بلغ النمو 3.5 بالمئة. وقال الوزير.", "ar", ["بلغ النمو 3.5 بالمئة.", "وقال الوزير."]),
        ("بلغ النمو ٣٫٥ بالمئة. وقال الوزير.", "ar", ["بلغ النمو ٣٫٥ بالمئة.", "وقال الوزير."]),
        ("بلغ النمو ٣.٥ بالمئة. وقال الوزير.", "ar", ["بلغ النمو ٣.٥ بالمئة.", "وقال الوزير."]),
        ("نرخ رشد ۳.۵ درصد بود. سپس گفت.", "fa", ["نرخ رشد ۳.۵ درصد بود.", "سپس گفت."]),
        ("نرخ رشد ۳٫۵ درصد بود. سپس گفت.", "fa", ["نرخ رشد ۳٫۵ درصد بود.", "سپس گفت."]),
        ("بلغت القيمة 1,234.5 دولار. ثم ارتفعت.", "ar", ["بلغت القيمة 1,234.5 دولار.", "ثم ارتفعت."]),
        ("The rate was 3.5 percent. It rose.", "en", ["The rate was 3.5 percent.", "It rose."]),
    ],
)
def test_decimals_are_not_sentence_ends(document: str, lang: str, expected: list[str]) -> None:
    assert _texts(document, lang) == expected


@pytest.mark.parametrize(
    ("document", "lang", "expected"),
    [
        # initials, any script and any language
        ("قال ج. بوش إن الحرب انتهت. ثم غادر.", "ar", ["قال ج. بوش إن الحرب انتهت.", "ثم غادر."]),
        ("قال ج. بوش إن الحرب انتهت.", "und", ["قال ج. بوش إن الحرب انتهت."]),
        ("J. Smith arrived. He sat.", "en", ["J. Smith arrived.", "He sat."]),
        # Arabic abbreviations
        ("التقى د. محمد بالوزير. ثم غادر.", "ar", ["التقى د. محمد بالوزير.", "ثم غادر."]),
        ("ولد عام 1950 م. في القاهرة.", "ar", ["ولد عام 1950 م. في القاهرة."]),
        ("انظر ص. 12 من التقرير.", "ar", ["انظر ص. 12 من التقرير."]),
        ("توفي سنة 1250 هـ. في بغداد.", "ar", ["توفي سنة 1250 هـ. في بغداد."]),
        ("بني عام 300 ق.م. في المدينة.", "ar", ["بني عام 300 ق.م. في المدينة."]),
        # Persian abbreviations
        ("جلسه ساعت ۱۰ ق.ظ. برگزار شد. سپس تمام شد.", "fa", ["جلسه ساعت ۱۰ ق.ظ. برگزار شد.", "سپس تمام شد."]),
        ("نشست ساعت ۳ ب.ظ. پایان یافت.", "fa", ["نشست ساعت ۳ ب.ظ. پایان یافت."]),
        ("این قانون در سال ۱۴۰۴ ه.ش. تصویب شد.", "fa", ["این قانون در سال ۱۴۰۴ ه.ش. تصویب شد."]),
        ("او در سال ۱۴۴۶ ه.ق. درگذشت.", "fa", ["او در سال ۱۴۴۶ ه.ق. درگذشت."]),
        ("پیمان در سال ۲۰۲۵ م. امضا شد.", "fa", ["پیمان در سال ۲۰۲۵ م. امضا شد."]),
        ("دکتر علی سخنرانی کرد. سپس رفت.", "fa", ["دکتر علی سخنرانی کرد.", "سپس رفت."]),
        # the Arabic/Persian lists apply only to "ar"/"fa"
        ("توفي سنة 1250 هـ. في بغداد.", "und", ["توفي سنة 1250 هـ.", "في بغداد."]),
        ("جلسه ساعت ۱۰ ق.ظ. برگزار شد.", "und", ["جلسه ساعت ۱۰ ق.ظ.", "برگزار شد."]),
        # Latin abbreviations, also inside Arabic text
        ("Mr. Smith met Dr. Jones in the U.S. yesterday. Then left.", "en",
         ["Mr. Smith met Dr. Jones in the U.S. yesterday.", "Then left."]),
        ("Use tools, e.g. hammers. Then stop.", "en", ["Use tools, e.g. hammers.", "Then stop."]),
        ("apples, pears, etc. and more. Next one.", "en", ["apples, pears, etc. and more.", "Next one."]),
        ("We bought apples etc. Then we left.", "en", ["We bought apples etc.", "Then we left."]),
        ("التقى Mr. Smith بالوزير. ثم غادر.", "ar", ["التقى Mr. Smith بالوزير.", "ثم غادر."]),
    ],
)
def test_abbreviations_and_initials(document: str, lang: str, expected: list[str]) -> None:
    assert _texts(document, lang) == expected


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ("زوروا www.example.com/news?id=5 للمزيد. شكراً.", ["زوروا www.example.com/news?id=5 للمزيد.", "شكراً."]),
        ("انظر https://example.com/a.b?c=1!x للتفاصيل. شكراً.",
         ["انظر https://example.com/a.b?c=1!x للتفاصيل.", "شكراً."]),
        ("راسلونا على info.desk@example.org للاستفسار. شكراً.",
         ["راسلونا على info.desk@example.org للاستفسار.", "شكراً."]),
        ("راسلونا على info@example.org. شكراً.", ["راسلونا على info@example.org.", "شكراً."]),
    ],
)
def test_urls_and_email_addresses_do_not_split(document: str, expected: list[str]) -> None:
    assert _texts(document) == expected


# --------------------------------------------------------------------------
# Segmentation: quotations
# --------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("document", "lang", "expected"),
    [
        ("وقال «معلومة صحيحة. لكن التقرير غير حقيقي». ثم غادر.", "ar",
         ["وقال «معلومة صحيحة. لكن التقرير غير حقيقي».", "ثم غادر."]),
        ("وقال «للغاية... لا أحد يدرك الوضع». ثم غادر.", "ar",
         ["وقال «للغاية... لا أحد يدرك الوضع».", "ثم غادر."]),
        ("قال «انتهى. انتهى.» وغادر. بعد ذلك", "ar", ["قال «انتهى. انتهى.»", "وغادر.", "بعد ذلك"]),
        ('قال «إنه قال "انتهى." ثم رحل» أمس. بعد ذلك', "ar", ['قال «إنه قال "انتهى." ثم رحل» أمس.', "بعد ذلك"]),
        ('قال «إنه قال "انتهى."» ثم رحل.', "ar", ['قال «إنه قال "انتهى."»', "ثم رحل."]),
        ('قال "هذا صحيح. تماماً" ثم رحل. بعد ذلك', "ar", ['قال "هذا صحيح. تماماً" ثم رحل.', "بعد ذلك"]),
        ("He said “stop. now” and left. Next.", "en", ["He said “stop. now” and left.", "Next."]),
        ("قال ‹هذا. ذاك› وغادر. بعد", "ar", ["قال ‹هذا. ذاك› وغادر.", "بعد"]),
        ("او گفت «این درست است. کاملاً.» سپس رفت.", "fa", ["او گفت «این درست است. کاملاً.»", "سپس رفت."]),
        ("«سؤال؟» قال. ثم", "ar", ["«سؤال؟»", "قال.", "ثم"]),
    ],
)
def test_terminators_inside_open_quotations(document: str, lang: str, expected: list[str]) -> None:
    assert _texts(document, lang) == expected


# --------------------------------------------------------------------------
# Real articles
# --------------------------------------------------------------------------

def _corpus(name: str) -> str:
    path = CORPORA / name
    if not path.is_file():
        pytest.skip(f"shared corpus {path} is absent")
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize(("name", "lang", "n_lines", "n_segments"), [
    ("seed_ar.txt", "ar", 16, 17),
    ("seed_fa.txt", "fa", 13, 15),
])
def test_real_articles_segment(name: str, lang: str, n_lines: int, n_segments: int) -> None:
    document = _corpus(name)
    segments = segment(document, lang=lang)
    _assert_invariants(document, segments)
    assert len(document.strip().splitlines()) == n_lines
    assert len(segments) == n_segments
    assert detect_lang(document) == lang
    for line in document.splitlines():
        if line.strip():
            assert detect_lang(line) == lang, line


def test_real_arabic_article_keeps_quotations_whole() -> None:
    texts = [seg.text for seg in segment(_corpus("seed_ar.txt"), lang="ar")]
    quoted = [text for text in texts if "مبكراً للغاية..." in text]
    assert len(quoted) == 1 and quoted[0].endswith("الوقت الراهن».")
    assert "وقال «معلومة وجود رسائل معينة من القيادة الإيرانية صحيحة. لكن تقرير رويترز هذا غير حقيقي»." in texts
    assert "وقال الاثنين، إن روسيا ستسعى جاهدة لمساعدة الشعب الإيراني من دون أن يخوض في تفاصيل." in texts


def test_real_persian_article_splits_inside_a_line() -> None:
    texts = [seg.text for seg in segment(_corpus("seed_fa.txt"), lang="fa")]
    assert "طبیعتاً چنین بحثهایی اجتنابناپذیر است." in texts
    assert "بنابراین باید از تصمیمات عجولانه بر اساس اطلاعات پراکنده خودداری کنیم." in texts


# --------------------------------------------------------------------------
# matching_key
# --------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("علي", "علی"),
        ("مصطفى", "مصطفی"),
        ("كتاب", "کتاب"),
        ("مدرسة", "مدرسه"),
        ("أحمد إسلام آمریکا ٱلله", "احمد اسلام امریکا الله"),
        ("مؤتمر", "موتمر"),
        ("رئيس", "رییس"),
        ("جزء", "جزء"),
        ("مُحَمَّدٌ", "محمد"),
        ("الرَّحْمَٰن", "الرحمن"),
        ("ذَٰلِكَ ۛ فِيهِ", "ذلک فیه"),
        ("كـــتاب", "کتاب"),
        ("همکاری\u200cهای", "همکاریهای"),
        ("\u200fسلام\u200e \u202bعليكم\u202c \u2067x\u2069", "سلام علیکم x"),
        ("٢٠٢٥", "2025"),
        ("۱۴۰۴", "1404"),
        ("٣٫٥", "3.5"),
        ("١٬٢٣٤", "1,234"),
        ("२०२५", "2025"),
        ("بيروت، لبنان", "بیروت, لبنان"),
        ("أولاً؛ ثانياً", "اولا; ثانیا"),
        ("BBC News", "bbc news"),
        ("  کرملین \t اعلام\n کرد  ", "کرملین اعلام کرد"),
    ],
)
def test_matching_key(text: str, expected: str) -> None:
    assert matching_key(text) == expected


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("همکاری‌های سودمند", "همكاريهاي سودمند"),
        ("اکتبر ۲۰۲۵", "اكتبر 2025"),
        ("رئیس‌جمهوری", "رئيسجمهوري"),
        ("الإسلامية", "الاسلاميه"),
    ],
)
def test_matching_key_unifies_arabic_and_persian_spellings(left: str, right: str) -> None:
    assert matching_key(left) == matching_key(right)


# --------------------------------------------------------------------------
# model_text
# --------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("مُحَمَّدٌ", "محمد"),
        ("ذَٰلِكَ ٱلْكِتَٰبُ لَا رَيْبَ ۛ فِيهِ ۛ", "ذلك ٱلكتب لا ريب فيه"),
        ("كـــتاب", "كتاب"),
        ("همکاری\u200cهای", "همکاری\u200cهای"),
        ("علي وعلی ٢٠٢٥ ۱۴۰۴", "علي وعلی ٢٠٢٥ ۱۴۰۴"),
        ("\u200f«سلام»؟\u200e", "«سلام»؟"),
        ("  جملة \n\t أخرى  ", "جملة أخرى"),
        ("Hello, World!", "Hello, World!"),
        # a translator's gloss is not what the verse says; the model sees the verse without it
        ("و (نیز به یاد آورید) هنگامی که موسی گفت", "و هنگامی که موسی گفت"),
        ("ای مردم [= منافقان] بدانید", "ای مردم بدانید"),
        # acronyms, one-word labels and dates stay: the other version often has them too
        ("سازمان خواربار (فائو) گفت", "سازمان خواربار (فائو) گفت"),
        ("در ماه اکتبر ۲۰۲۵ (مهر – آبان ۱۴۰۴) برگزار شد", "در ماه اکتبر ۲۰۲۵ (مهر – آبان ۱۴۰۴) برگزار شد"),
        ("(نیز به یاد آورید)", "(نیز به یاد آورید)"),  # nothing would remain: kept
        ("نیمه (باز و بسته", "نیمه (باز و بسته"),  # unbalanced: kept
    ],
)
def test_model_text(text: str, expected: str) -> None:
    assert model_text(text) == expected


# --------------------------------------------------------------------------
# detect_lang and script_profile
# --------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "und"),
        ("ab", "und"),
        ("Hello world. This is English.", "und"),
        ("The Kremlin said سلام yesterday in a long statement.", "und"),
        ("سلام", "und"),
        ("أجرى الرئيس الروسي فلاديمير بوتين اتصالاً هاتفياً مع العاهل البحريني.", "ar"),
        ("کرملین اعلام کرد: ولادیمیر پوتین در این گفت و گوی تلفنی شرکت کرد.", "fa"),
        ("این گزارش درباره دایرةالمعارف اسلامی است که در سال ۱۴۰۴ منتشر شد.", "fa"),
        ("اين كتاب را از كتابخانه گرفتم و به دوستم دادم.", "fa"),
        ("قال الرئيس في مؤتمر صحفي إن شركة «گوگل» ستفتح مكتباً في المدينة.", "ar"),
        ("وصل ٢٠ شخصاً إلى المدينة", "ar"),
        ("سال ۱۴۰۴", "fa"),
        ("Putin said: روسيا دعمت إيران بالفعل بموقفها الواضح في المنطقة", "ar"),
    ],
)
def test_detect_lang(text: str, expected: str) -> None:
    assert detect_lang(text) == expected


def test_script_profile_counts() -> None:
    profile = script_profile("پژوهش گران ی ک ة ي ك ۱۲ ٣ abc")
    assert profile.letters == 17
    assert profile.arabic_script_letters == 14
    assert profile.latin_letters == 3
    assert profile.persian_only == 3  # پ ژ گ
    assert profile.persian_letters == 2
    assert profile.arabic_only == 1
    assert profile.arabic_letters == 2
    assert profile.persian_digits == 2
    assert profile.arabic_digits == 1
    assert profile.arabic_script_share == pytest.approx(14 / 17)
