"""``--bidi app`` never crashes (issue 18, item 3): characters newer than Python's Unicode tables
(new emoji such as 🩷 U+1FA77) get their default bidi class; a bounded fuzz of display lines."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.text import Text

from aligner.cli import render
from aligner.text import Segment
from aligner.views.bidi import default_class, visual_lines, visual_order, visual_text
from aligner.views.width import display_width
from golden.make import FrozenReport
from test_views import _hand_report

# Unicode 15 and later: unknown to Python 3.11's unicodedata (Unicode 14)
NEW_EMOJI = ["\U0001fa77", "\U0001facf", "\U0001fabc", "\U0001fa87", "\U0001f6dc", "\U0001faf8"]  # 🩷 🫏 🪼 🪇 🛜 🫸
CONTROLS = "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"

LINES = [
    "سلام 🩷 دنیا",
    "قلب وردي 🩷 في الرسالة.",
    "مرحبا 🫏 و🪼 عالم (2025)",
    "خبر 🛜 شبکه ۱۴۰۴ و 🫸 «نقل قول»",
    "🩷",
    "abc 🩷 def",
    "نص \u202e🪇 معكوس\u202c ثم 🩷",
]


@pytest.mark.parametrize("emoji", NEW_EMOJI)
def test_new_emoji_are_unknown_here_and_get_a_neutral_class(emoji):
    if unicodedata.bidirectional(emoji):
        pytest.skip(f"this Python knows U+{ord(emoji):04X} (Unicode {unicodedata.unidata_version})")
    assert default_class(emoji) == "ON"


@pytest.mark.parametrize(
    ("cp", "cls"), [(0x08B5, "AL"), (0x05FF, "R"), (0x20C1, "ET"), (0x0378, "L"), (0x1FAFF, "ON"), (0xE0080, "L")]
)
def test_default_classes_follow_derived_bidi_class(cp, cls):
    assert default_class(chr(cp)) == cls


@pytest.mark.parametrize("line", LINES)
def test_visual_order_with_new_emoji(line):
    order = visual_order(line, rtl=True)
    assert sorted(order) == [i for i, ch in enumerate(line) if ch not in CONTROLS]
    shown = visual_text(line)
    for emoji in NEW_EMOJI:
        assert shown.count(emoji) == line.count(emoji)


def test_an_emoji_the_engine_does_not_know_is_neutral_too():
    # U+1FAFF is unassigned even in the engine's tables, which leave it at L (it would join "abc");
    # its default here is ON, like the known emoji U+1FA77, between a Latin and an Arabic word
    assert visual_text("abc \U0001faff سلام") == "مالس \U0001faff abc"
    assert visual_text("abc \U0001fa77 سلام") == "مالس \U0001fa77 abc"


def test_emoji_stays_between_its_neighbours_in_rtl():
    # "سلام 🩷 دنیا": the neutral emoji between two right-to-left words is right-to-left too
    assert visual_text("سلام 🩷 دنیا") == "ایند 🩷 مالس"


def _emoji_report() -> FrozenReport:
    report = _hand_report()
    for side, texts in ((report.left, LINES[1:4]), (report.right, LINES[:1] + LINES[3:5])):
        for i, text in enumerate(texts):
            side.segments[i] = Segment(i, 0, len(text), text, text)
    return report


@pytest.mark.parametrize("color", [False, True])
@pytest.mark.parametrize("width", [40, 100])
def test_text_view_with_bidi_app_renders_new_emoji(color, width):
    out = render(_emoji_report(), "text", width=width, color=color, bidi="app", scores=True)
    assert "🩷" in out and "🫏" in out
    if not color:
        assert max(display_width(line) for line in out.splitlines()) <= width


_ALPHABET = (
    "سلامعليكمبرپچژگکی" + "ًٌٍَُِّْ" + "abcXYZ" + "0123456789٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹" + " .,:;!?-+/%()[]{}<>«»\"'"
    + CONTROLS + "\u200c\u200d\t" + "😀👍🏽❤️" + "".join(NEW_EMOJI) + "\u0378\u08b5\U000e0080\U0010fffd"
)


@settings(max_examples=300, deadline=None, database=None)
@given(st.text(alphabet=_ALPHABET, max_size=40), st.sampled_from([True, False, None]))
def test_visual_order_never_raises_and_keeps_every_character(line, rtl):
    order = visual_order(line, rtl=rtl)
    assert sorted(order) == [i for i, ch in enumerate(line) if ch not in CONTROLS]


@pytest.mark.parametrize(
    "answer",
    [
        ValueError("the engine fails"),
        "BidiInfo { text: \"\" }",  # an answer without levels
        "original_classes: [AL, AL], levels: [Level(1,), Level(1,)]",  # levels for fewer bytes than the text has
    ],
)
def test_a_line_the_engine_fails_on_is_shown_in_logical_order(monkeypatch, answer):
    import bidi.bidi

    def engine(text, base_dir, debug):
        if isinstance(answer, Exception):
            raise answer
        return answer

    monkeypatch.setattr(bidi.bidi, "get_display_inner", engine)
    assert visual_text("سلام\u202b 🩷") == "سلام 🩷"  # logical order, controls dropped
    line = Text("[1] سلام دنیا")
    assert [x.plain for x in visual_lines(line, [Text("[1] سلام"), Text("دنیا")])] == ["[1] سلام", "دنیا"]


def test_text_that_looks_like_the_engine_answer_is_only_text():
    text = "سلام levels: [Level(2,)] original_classes: [L] دنیا"
    assert visual_text(text) == "ایند levels: [Level(2,)] original_classes: [L] مالس"


def test_lone_surrogates_do_not_stop_the_engine():
    assert visual_text("سلام \udce9 دنیا") == "ایند \udce9 مالس"


def test_compare_with_bidi_app_and_new_emoji(monkeypatch, tmp_path):
    from hostile import run_compare

    left, right = tmp_path / "ar.txt", tmp_path / "fa.txt"
    left.write_text("قلب وردي 🩷 في الرسالة.\nمرحبا 🫏 و🪼 عالم.\n", encoding="utf-8")
    right.write_text("قلب صورتی 🩷 در پیام.\nسلام 🛜 و 🫸 دنیا.\n", encoding="utf-8")
    for color in ("--color", "--no-color"):
        result = run_compare(monkeypatch, str(left), str(right), "--bidi", "app", color, "--width", "60")
        assert result.exit_code == 0, (result.stderr, result.exception)
        assert "🩷" in result.stdout and "🛜" in result.stdout
