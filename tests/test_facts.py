"""Tests for aligner.facts: extractors, the comparer, views, and end to end with the real model."""

from __future__ import annotations

import json

import pytest

from aligner.facts import check_texts, name_key, pair_details, pair_markers, same_name
from aligner.facts.compare import extract_document
from aligner.facts.numbers import parse_digits
from aligner.text import Segment


def _facts(text: str, lang: str, kind: str):
    doc = extract_document([Segment(0, 0, len(text), text, "")], lang)
    return [f for f in doc.facts if f.kind == kind]


def _values(text, lang, kind):
    return [(f.value, f.unit) if kind == "number" else f.value for f in _facts(text, lang, kind)]


# ----------------------------------------------------------------------------- numbers
@pytest.mark.parametrize(("digits", "value"), [
    ("1,250,000", "1250000"), ("1.5", "1.5"), ("۱٫۵", "1.5"), ("٣٫٥", "3.5"), ("١٬٥٠٠", "1500"), ("۲/۵", "2.5"),
    ("1.500.000", "1500000"), ("1,5", "1.5"), ("۸۵۰۰۰", "85000"),
])
def test_digit_conventions(digits, value):
    from aligner.facts.numbers import fmt

    assert fmt(parse_digits(digits)) == value


@pytest.mark.parametrize(("text", "lang", "expected"), [
    ("برأسمال 120 مليون دولار", "ar", [("120000000", "usd")]),
    ("با سرمایه ۱۵۰ میلیون دلار", "fa", [("150000000", "usd")]),
    ("بمشاركة اثنتي عشرة دولة", "ar", [("12", "country")]),
    ("دوازده کشور", "fa", [("12", "country")]),
    ("وصل ثلاثة آلاف لاجئ", "ar", [("3000", "refugee")]),
    ("سه هزار نفر", "fa", [("3000", "person")]),
    ("۱٫۵ میلیون نفر", "fa", [("1500000", "person")]),
    ("تضرر مليون ونصف شخص", "ar", [("1500000", "person")]),
    ("یک و نیم میلیون نفر", "fa", [("1500000", "person")]),
    ("استمرت يومين", "ar", [("2", "day")]),
    ("زار دولتين", "ar", [("2", "country")]),
    ("اتفاق الدولتين", "ar", []),  # definite dual: "both states", no count
    ("ارتفع 40 بالمئة", "ar", [("40", "%")]),
    ("٢٨٪", "ar", [("28", "%")]),
    ("۲۸ درصد", "fa", [("28", "%")]),
    ("ثلاثة وعشرون شخصاً", "ar", [("23", "person")]),
    ("بیست و سه نفر", "fa", [("23", "person")]),
    ("یک مرکز منطقه‌ای", "fa", []),  # an article, not a count
    ("رویداد سه‌روزه", "fa", [("3", "day")]),
])
def test_numbers(text, lang, expected):
    assert _values(text, lang, "number") == expected


def test_number_offsets_point_at_the_text():
    text = "وقال إن الصندوق برأسمال 120 مليون دولار."
    (f,) = _facts(text, "ar", "number")
    assert text[f.start:f.end] == f.text == "120 مليون دولار"


# ----------------------------------------------------------------------------- dates
@pytest.mark.parametrize(("text", "lang", "expected"), [
    ("دوشنبه دوم تیرماه ۱۴۰۴", "fa", ["2025-06-23"]),
    ("روز دوشنبه ۲ تیر ۱۴۰۴", "fa", ["2025-06-23"]),
    ("الاثنين 23 يونيو 2025", "ar", ["2025-06-23"]),
    ("14 أكتوبر 2025", "ar", ["2025-10-14"]),
    ("۲۲ مهر ۱۴۰۴ (۱۴ اکتبر ۲۰۲۵)", "fa", ["2025-10-14", "2025-10-14"]),
    ("في أكتوبر 2025", "ar", ["2025-10"]),
    ("مهر – آبان ۱۴۰۴", "fa", ["2025-09-23/2025-11-21"]),
    ("3 كانون الثاني 2024", "ar", ["2024-01-03"]),
    ("في تشرين الأول 2024", "ar", ["2024-10"]),
    ("1 رمضان 1446 هـ", "ar", ["2025-03-01"]),
    ("بين 18 و21 يونيو 2025", "ar", ["2025-06-18/2025-06-21"]),
    ("در تاریخ ۱۴۰۴/۰۴/۰۲", "fa", ["2025-06-23"]),
    ("عام 2021", "ar", ["2021"]),
    ("سال ۱۴۰۴", "fa", ["2025-03-21/2026-03-20"]),
    ("العام الماضي", "ar", ["relative:last-year"]),
    ("سال گذشته", "fa", ["relative:last-year"]),
    ("في يناير الماضي", "ar", ["relative:last-january"]),
    ("صباح اليوم الثلاثاء", "ar", ["weekday:tuesday"]),
    ("سه شنبه", "fa", ["weekday:tuesday"]),
    ("یک تیر از کمان", "fa", []),  # تیر "arrow": no day or year, no date
    ("آب سدها", "fa", []),  # آب "water" in Persian
])
def test_dates(text, lang, expected):
    assert _values(text, lang, "date") == expected


def test_year_from_context():
    text = "سه‌شنبه ۲۲ مهر ۱۴۰۴ آغاز شد. بیانیه روز پنج‌شنبه ۲۴ مهر (۱۶ اکتبر) منتشر می‌شود."
    doc = extract_document([Segment(0, 0, 29, text[:29], ""), Segment(1, 30, len(text), text[30:], "")], "fa")
    dates = [f for f in doc.facts if f.kind == "date"]
    assert [d.value for d in dates] == ["2025-10-14", "2025-10-16", "2025-10-16"]
    assert "year from context" in dates[1].note


# ----------------------------------------------------------------------------- names
@pytest.mark.parametrize(("a", "b", "same"), [
    ("بيسكوف", "پسکوف", True), ("عراقجي", "عراقچی", True), ("جكيني", "چگینی", True),
    ("برويز جكيني", "پرویز چگینی", True), ("فلاديمير بوتين", "ولادیمیر پوتین", True),
    ("سيرغي لافروف", "سرگئی لاوروف", True), ("ديمتري بيسكوف", "پسکوف", True), ("روسيا", "روسیه", True),
    ("الحديثي", "حدیثی", True), ("إسلام آباد", "اسلام‌آباد", True),
    ("محمد علي", "محمد رضا", False), ("بيسكوف", "لاوروف", False), ("بوتين", "بغداد", False),
])
def test_cross_script_names(a, b, same):
    assert same_name(name_key(a), name_key(b)) is same


@pytest.mark.parametrize(("text", "lang", "expected"), [
    ("وأشار الناطق باسم الكرملين ديمتري بيسكوف إلى أن", "ar", ["الكرملين", "ديمتري بيسكوف"]),
    ("وقال نائب وزير الطاقة الإيراني لشؤون المياه، برويز جكيني، في كلمة", "ar", ["برويز جكيني"]),
    ("در همین حال دیمیتری پسکوف سخنگوی کرملین گفت", "fa", ["دیمیتری پسکوف", "کرملین"]),
    ("لاوروف گفت: اما", "fa", ["لاوروف"]),
    ("وتشارك وفود من العراق وتركيا", "ar", ["العراق", "تركيا"]),
])
def test_name_extraction(text, lang, expected):
    assert [f.text for f in _facts(text, lang, "name")] == expected


# ----------------------------------------------------------------------------- attribution
@pytest.mark.parametrize(("text", "lang", "speakers"), [
    ("وقال بيسكوف إن موسكو لم تتلق أي رسالة.", "ar", ["بيسكوف"]),
    ("محمد حسینی گفت این طرح به تأخیر افتاده است. وی افزود منابع موجود است.", "fa", ["محمد حسینی", "محمد حسینی"]),
    ("قال محمد الحسيني إن المشروع تأخر. وأضاف أن التمويل متوفر.", "ar", ["محمد الحسيني", "محمد الحسيني"]),
    ("کرملین اعلام کرد: پوتین و حمد گفت و گو کردند.", "fa", ["کرملین"]),
    ("كما أكد الزعيمان أهمية مبادرة روسيا.", "ar", []),  # "the two leaders": no named speaker
])
def test_attribution(text, lang, speakers):
    doc = extract_document([Segment(0, 0, len(text), text, "")], lang)
    from aligner.facts.compare import add_attributions

    add_attributions(doc)
    assert [f.speaker for f in doc.facts if f.kind == "attribution"] == speakers


# ----------------------------------------------------------------------------- comparer
def _pair(ar, fa):
    r = check_texts(ar, fa)
    p = r.pairs[0]
    return r, p


@pytest.mark.parametrize(("ar", "fa", "shared", "conflicts"), [
    ("بلغ 120 مليون دولار", "۱۵۰ میلیون دلار", [], [("number", "120 مليون دولار", "۱۵۰ میلیون دلار")]),
    ("انخفض 1.5 متر", "۱٫۵ متر پایین رفت", [("number", "1.5 متر", "۱٫۵ متر")], []),
    ("في 14 أكتوبر 2025", "۲۲ مهر ۱۴۰۴", [("date", "14 أكتوبر 2025", "۲۲ مهر ۱۴۰۴")], []),
    ("في أكتوبر 2025", "در مهر – آبان ۱۴۰۴", [("date", "أكتوبر 2025", "مهر – آبان ۱۴۰۴")], []),
    ("في 5 نوفمبر 2025", "در ۱۰ آبان ۱۴۰۴", [], [("date", "5 نوفمبر 2025", "۱۰ آبان ۱۴۰۴")]),
    ("وقال بيسكوف إن موسكو ترحب.", "لاوروف گفت مسکو استقبال می‌کند.", [("name", "موسكو", "مسکو")],
     [("attribution", "وقال", "گفت")]),
])
def test_compare_pair(ar, fa, shared, conflicts):
    r, p = _pair(ar, fa)
    got_shared = [(m.kind, r.left[m.left].text, r.right[m.right].text) for m in p.shared]
    got_conf = [(m.kind, r.left[m.left].text, r.right[m.right].text) for m in p.conflicts]
    assert got_conf == conflicts
    for item in shared:
        assert item in got_shared


def test_markers_and_details_show_the_users_text():
    r, _ = _pair("بلغ 120 مليون دولار في 14 أكتوبر 2025", "۱۵۰ میلیون دلار در ۲۲ مهر ۱۴۰۴")
    assert pair_markers(r, 0) == ["≠number"]
    details = pair_details(r, 0)
    assert details[0].startswith("≠ number: «120 مليون دولار»") and "«۱۵۰ میلیون دلار»" in details[0]
    assert any("«۲۲ مهر ۱۴۰۴»" in line and "Jalali" in line for line in details)


def test_to_dict_is_json():
    r, _ = _pair("بلغ 120 مليون دولار", "۱۵۰ میلیون دلار")
    d = json.loads(json.dumps(r.to_dict(), ensure_ascii=False))
    assert d["schema"] == "aligner.facts/2"
    assert d["pairs"][0]["conflicts"][0]["kind"] == "number"
    assert d["left"][0]["text"] == "120 مليون دولار" and d["left"][0]["value"] == "120000000"
    assert d["summary"]["number"]["conflicts"] == 1


def test_labelled_set_quality_and_no_false_conflicts():
    from benchmarks.facts import load, score

    result = score(load("all"))
    assert result["cases"] >= 60
    assert result["false_conflicts"] == 0
    for kind, s in result["kinds"].items():
        assert s["precision"] >= 0.9 and s["recall"] >= 0.9, (kind, s)


# ----------------------------------------------------------------------------- end to end (real model)
@pytest.fixture(scope="module")
def sample_facts(cache_dir, sample_paths):
    from aligner.pipeline import compare_files

    return compare_files(*sample_paths, cache_dir=cache_dir)


def _pair_items(report, status):
    F = report.facts
    out = []
    for p in F.pairs:
        for m in getattr(p, status):
            out.append((m.kind, F.left[m.left].text, F.right[m.right].text))
    return out


@pytest.mark.slow
def test_sample_facts_end_to_end(sample_facts):
    conflicts = _pair_items(sample_facts, "conflicts")
    shared = _pair_items(sample_facts, "shared")
    assert ("number", "120 مليون دولار", "۱۵۰ میلیون دلار") in conflicts
    assert ("number", "1.5 متر", "۱٫۵ متر") in shared
    assert ("date", "14 أكتوبر 2025", "۱۴ اکتبر ۲۰۲۵") in shared
    assert any(k == "name" and "جكيني" in a and "چگینی" in b for k, a, b in shared)
    assert not any(k in ("date", "name") for k, _, _ in conflicts)
    d = sample_facts.to_dict()
    assert d["facts"]["schema"] == "aligner.facts/2" and {"pairs", "left", "right", "summary"} <= set(d["facts"])
    for side, segs in (("left", sample_facts.left.segments), ("right", sample_facts.right.segments)):
        for f in d["facts"][side]:
            assert segs[f["segment"]].text[f["start"]:f["end"]] == f["text"]


@pytest.mark.slow
def test_sample_tsv_has_fact_rows(sample_facts):
    from aligner.views.tsv import render_tsv

    lines = render_tsv(sample_facts).splitlines()
    assert all(len(line.split("\t")) == 6 for line in lines)
    conflict = [line.split("\t") for line in lines if line.startswith("fact:number:conflict")]
    assert conflict and conflict[0][3] == "120000000 usd|150000000 usd" and conflict[0][4] == "120 مليون دولار"


@pytest.mark.slow
def test_seed_pair_facts(cache_dir, shared_corpora):
    from aligner.pipeline import compare_files

    report = compare_files(shared_corpora / "seed_ar.txt", shared_corpora / "seed_fa.txt", cache_dir=cache_dir)
    right = report.facts.right
    tir = [f for f in right if f.kind == "date" and "تیرماه" in f.text]
    assert tir and tir[0].value == "2025-06-23"
    mehr = [f for f in right if f.kind == "date" and "آبان" in f.text]
    assert mehr and mehr[0].span == ("2025-09-23", "2025-11-21")
    # Lavrov is quoted only in the Persian article
    lavrov = [j for j in report.facts.right_only if right[j].kind == "attribution" and "لاوروف" in right[j].speaker]
    assert lavrov
