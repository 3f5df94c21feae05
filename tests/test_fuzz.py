"""Bounded fuzzing (issue 18): segmentation, the readers and the text, diff, TSV and HTML views take any text without
crashing, keep every character of the input, and let no control character of an article reach the output."""

from __future__ import annotations

import dataclasses

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aligner.cli import render
from aligner.text import Segment, segment
from corpora.readers import CorpusError, decode_text
from test_views import _hand_report

# Arabic and Persian letters, digits, punctuation and marks, Latin, controls, bidi controls, emoji
ALPHABET = st.sampled_from(
    list("ابتثجحخدذرسشصضطظعغفقكلمنهويءآأإةىپچژگکی")
    + list("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹0123456789")
    + list(".,،؛:؟?!«»()\"' \n\t-—")
    + list("\u064b\u064e\u0650\u0651\u0652\u0640\u200c\u200d")
    + list("abcXYZ")
    + list("\x1b\x07\x9b\x00\x7f\u202e\u202c\u2066\u2069\ufeff")
    + ["\U0001fa77", "😀"]
)
TEXTS = st.text(ALPHABET, min_size=0, max_size=200)
BOUNDED = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# the escapes that must never reach a terminal or a page raw
RAW_CONTROLS = ("\x1b", "\x07", "\x9b", "\x00", "\x7f")


@BOUNDED
@given(TEXTS, st.sampled_from(["ar", "fa"]))
def test_segments_are_slices_of_the_text_in_order(text, lang):
    segs = segment(text, lang=lang)
    last = 0
    for s in segs:
        assert text[s.start:s.end] == s.text and s.text.strip()
        assert s.start >= last
        last = s.end
    # nothing but blanks is left between segments
    covered = "".join(text[a:b] for a, b in zip([0] + [s.end for s in segs],
                                                [s.start for s in segs] + [len(text)], strict=True))
    assert not covered.strip() or all(not ch.isalnum() for ch in covered)


@BOUNDED
@given(st.binary(max_size=300))
def test_any_bytes_decode_or_are_refused_in_one_line(data):
    try:
        text, encoding = decode_text(data, source="x.txt")
    except CorpusError as err:
        assert "\n" not in str(err) and str(err)
    else:
        assert isinstance(text, str) and encoding


def _report_with(left: list[str], right: list[str]):
    base = _hand_report()

    def side(old, texts):
        return dataclasses.replace(old, segments=[Segment(i, 0, len(t), t, t) for i, t in enumerate(texts)])

    return dataclasses.replace(base, left=side(base.left, left), right=side(base.right, right))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TEXTS.filter(str.strip), min_size=4, max_size=4),
       st.lists(TEXTS.filter(str.strip), min_size=5, max_size=5),
       st.sampled_from(["text", "diff", "tsv", "html"]), st.sampled_from(["app", "terminal"]))
def test_every_view_renders_any_text_without_raw_controls(left, right, fmt, bidi):
    report = _report_with(left, right)
    out = render(report, fmt, bidi=bidi, width=80)
    for ch in RAW_CONTROLS:
        assert ch not in out, (fmt, ch)
