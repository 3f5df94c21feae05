"""Number-like tokens never make fact extraction raise (issue 18, item 2); bounded hypothesis runs."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from aligner.facts import check_texts
from aligner.facts.numbers import parse_digits

DIGITS = "0123456789" + "٠١٢٣٤٥٦٧٨٩" + "۰۱۲۳۴۵۶۷۸۹"
SEPARATORS = ".,٫٬/%٪"
SIGNS = "+-−"
# words that make the extractors look around a number: scales, units, months, calendars, approximations
CONTEXT = [
    "مليون", "میلیون", "ألف", "هزار", "مليار", "درصد", "بالمئة", "في", "المئة", "دولار", "دلار", "سال", "عام",
    "يوم", "روز", "تیر", "تیرماه", "أكتوبر", "كانون", "الثاني", "رمضان", "هـ", "ه.ش.", "نحو", "حدود", "ونصف", "و",
    "نیم", "نسخه", "منتشر", "شد", "سنة", "تا", "إلى", "–", "-", "(", ")", "«", "»", ":", "،", ".", "؟",
]
BOUNDED = settings(max_examples=300, deadline=None, database=None)

number_like = st.text(alphabet=DIGITS + SEPARATORS + SIGNS, min_size=1, max_size=14)
piece = st.one_of(number_like, number_like, st.sampled_from(CONTEXT))
sentence = st.lists(piece, min_size=1, max_size=12).map(" ".join)


@pytest.mark.parametrize(
    ("token", "value"),
    [
        ("۲٫۵٫۱", None),  # a version: two decimal signs
        ("8.4٥/٠", None),
        ("1,2,3", None),  # a list, not 1.23
        ("1.2.3", None),
        ("۱۴۰۴/۰۴/۰۲", None),  # a date
        ("1,5", Decimal("1.5")),
        ("1,250,000", Decimal("1250000")),
        ("۱٫۵", Decimal("1.5")),
        ("۲/۵", Decimal("2.5")),
        ("٣٬٥٠٠", Decimal("3500")),
    ],
)
def test_parse_digits_reads_quantities_and_skips_the_rest(token, value):
    assert parse_digits(token) == value


@pytest.mark.parametrize("text", ["نسخه ۲٫۵٫۱ منتشر شد", "بلغ 8.4٥/٠ مليون", "الإصدار 1٫2٫3 و4٫5٫6 في 2025"])
def test_versions_are_not_quantities(text):
    report = check_texts(text, text)
    assert not any(f.kind == "number" and f.value in {"2.51", "8.45"} for f in report.left)


@BOUNDED
@given(number_like)
def test_parse_digits_never_raises(token):
    value = parse_digits(token)
    assert value is None or (isinstance(value, Decimal) and value.is_finite())


@BOUNDED
@given(sentence, sentence)
@example("نسخه ۲٫۵٫۱ منتشر شد", "نسخه ۲٫۵٫۱ منتشر شد")
@example("8.4٥/٠ مليون", "۸٫۴۵/۰ میلیون")
def test_fact_extraction_never_raises(left, right):
    report = check_texts(left, right)
    for facts, text in ((report.left, left), (report.right, right)):
        assert all(fact.text == text[fact.start : fact.end] for fact in facts)
