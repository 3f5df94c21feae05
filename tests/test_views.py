"""The views without a model: display width, bidi reordering, row order, text/diff/tsv/json/html rendering."""

from __future__ import annotations

import json
import unicodedata
from html.parser import HTMLParser

import pytest
from rich.console import Console
from rich.text import Text

from aligner.align import Pair
from aligner.cli import render
from aligner.report import ModelInfo, Side, Summary
from aligner.text import Segment
from aligner.views import FORMATS
from aligner.views.bidi import resolve_bidi, visual_line, visual_lines, visual_order, visual_text
from aligner.views.rows import MARKERS, ordered_rows
from aligner.views.width import display_width, wrap
from golden.make import FrozenReport, load_report
from conftest import border_columns

# ---------------------------------------------------------------- display width

WIDTHS = [
    ("plain ASCII", "abc", 3),
    ("Arabic letters", "سلام", 4),
    ("Arabic with harakat", "عُقِدَتا", 5),  # ع ق د ت ا + three marks
    ("shadda and superscript alef", "اللّٰه", 4),
    ("ZWNJ takes none", "می\u200cشود", 5),
    ("RLM/LRM take none", "\u200fسلام\u200e", 4),
    ("ALM takes none", "\u061c1", 1),
    ("isolates take none", "\u2067سلام\u2069", 4),
    ("tatweel is a letter", "كـتـب", 5),
    ("wide CJK take two", "中文", 4),
    ("Persian digits", "۱۴۰۴", 4),
]


@pytest.mark.parametrize(("name", "text", "width"), WIDTHS, ids=[w[0] for w in WIDTHS])
def test_display_width(name, text, width):
    assert display_width(text) == width


def test_zwj_between_letters_is_dropped_from_terminal_cells_only_there():
    from aligner.views.width import terminal_text

    assert display_width(terminal_text("ب\u200dب")) == 2  # what a terminal draws
    family = "\U0001F468\u200d\U0001F469"
    assert terminal_text(family) == family
    report = _hand_report()
    seg = report.left.segments[2]
    report.left.segments[2] = Segment(seg.id, seg.start, seg.end, "ثالثاً\u200dفقط ب\u200dب.", seg.key)
    out = render(report, "text", width=60, bidi="terminal")
    assert "ثالثاًفقط" in out
    assert "ب\u200dب" in render(report, "tsv")


def test_wrap_by_display_width_keeps_every_character():
    text = Text("[3] " + "عُقِدَتا في مسقط عام 2021 وفي بغداد می\u200cشود " * 3)
    lines = wrap(text, 12)
    assert all(display_width(line.plain) <= 12 for line in lines)
    assert "".join(line.plain for line in lines).replace(" ", "") == text.plain.replace(" ", "")


# ---------------------------------------------------------------- bidi

def test_app_order_reverses_rtl_keeps_numbers_and_mirrors_brackets():
    assert visual_text("[3] سلام عليكم.") == ".مكيلع مالس [3]"
    assert visual_text("عدد 1.5 متر (فاو)") == "(واف) رتم 1.5 ددع"


def test_app_order_keeps_marks_after_their_base_and_zwnj_inside_the_word():
    assert visual_text("عُقدتا") == "اتدقعُ"  # damma stays after ع (L3)
    assert visual_text("می\u200cشود") == "دوش\u200cیم"


def test_app_order_drops_bidi_controls_only():
    assert visual_text("\u2067سلام\u2069 \u200fاب") == "با مالس"
    assert sorted(visual_order("abc سلام")) == list(range(8))


def test_app_order_keeps_styles_with_their_characters():
    line = Text()
    line.append("[7] ", style="dim")
    line.append("سلام", style="green")
    out = visual_line(line)
    assert out.plain == "مالس [7]"
    styles = {out.plain[s.start : s.end]: str(s.style) for s in out.spans}
    assert styles == {"مالس": "green", " [7]": "dim"}


def test_app_order_is_python_bidi_order_up_to_mirroring_and_marks():
    """Character by character, the view's order is python-bidi's ``get_display`` order; only the
    view mirrors brackets (L4) and puts combining marks after their base (L3)."""
    from bidi import get_display
    from bidi.mirror import MIRRORED

    def bases(text):
        return [ch for ch in text if not unicodedata.combining(ch)]

    report = load_report()
    for seg in report.left.segments + report.right.segments:
        mine, theirs = visual_text(seg.text), get_display(seg.text, base_dir="R")
        assert len(bases(mine)) == len(bases(theirs))
        for a, b in zip(bases(mine), bases(theirs), strict=True):
            assert a == b or a == MIRRORED.get(b), (seg.text, mine, theirs)
        assert (sorted(ch for ch in mine if unicodedata.combining(ch))
                == sorted(ch for ch in theirs if unicodedata.combining(ch)))


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("تقرير IPCC (AR6) الأخير", "ريخألا IPCC (AR6) ريرقت"),  # issue 18: the brackets stay with AR6
        ("قال (وزير الخارجية) إن", "نإ (ةيجراخلا ريزو) لاق"),
    ],
)
def test_app_order_keeps_bracket_pairs(text, shown):
    assert visual_text(text) == shown


def test_app_lines_are_reordered_with_the_levels_of_their_paragraph():
    # The bracket pair "(AR6 و AR5)" holds a right-to-left letter, so in its right-to-left
    # paragraph both brackets are right-to-left (N0): wrapped inside the pair, the first line
    # ends (reading from the right) with the opening bracket after "AR6". The line taken as a
    # paragraph of its own would see an unpaired "(" between two Latin words.
    headline = Text("تقرير IPCC (AR6 و AR5) الأخير")
    lines = wrap(headline, 16)
    assert [line.plain for line in lines] == ["تقرير IPCC (AR6", "و AR5) الأخير"]
    assert [line.plain for line in visual_lines(headline, lines)] == ["AR6) IPCC ريرقت", "ريخألا (AR5 و"]
    assert visual_text(lines[0].plain) == "IPCC (AR6 ريرقت"  # the line alone: not what the headline says


@pytest.mark.parametrize(
    ("env", "isatty", "expected"),
    [
        ({"TERM": "xterm-256color"}, False, "terminal"),
        ({"TERM": "xterm-256color"}, True, "app"),
        ({"TERM": "mlterm"}, True, "terminal"),
        ({"TERM": "xterm-256color", "KONSOLE_VERSION": "230805"}, True, "terminal"),
        ({"TERM": "xterm-256color", "VTE_VERSION": "7600"}, True, "terminal"),
        ({"TERM": "xterm-256color", "VTE_VERSION": "5202"}, True, "app"),
        ({"TERM": "tmux-256color", "TMUX": "/tmp/t,1,0", "VTE_VERSION": "7600"}, True, "app"),
        ({"TERM": "screen"}, True, "app"),
    ],
)
def test_bidi_auto_rule(env, isatty, expected):
    assert resolve_bidi("auto", isatty=isatty, env=env) == expected
    assert resolve_bidi("app", isatty=False, env=env) == "app"
    assert resolve_bidi("terminal", isatty=True, env=env) == "terminal"


# ---------------------------------------------------------------- rows

def _hand_report() -> FrozenReport:
    """4 left, 5 right: a crossing pair, a 1:2 pair, one-sided on both sides (a right-only first)."""
    left = ["أولاً.", "ثانياً.", "ثالثاً فقط.", "رابعاً."]
    right = ["فقط اینجا.", "دوم.", "اول.", "چهارم الف.", "چهارم ب."]

    def side(path, lang, texts):
        return Side(path, lang, "utf-8", [Segment(i, 0, len(t), t, t) for i, t in enumerate(texts)])

    return FrozenReport(
        left=side("a.txt", "ar", left),
        right=side("b.txt", "fa", right),
        pairs=[Pair((0,), (2,), 0.61, 0.3), Pair((1,), (1,), 0.40, 0.2), Pair((3,), (3, 4), 0.55, 0.25)],
        left_only=[2],
        right_only=[0],
        summary=Summary(4, 5, 3, 3, 4, 1, 1, 0.8, 0.9),
        model=ModelInfo("m", "m@1", "", "local"),
        signature="aligner:test|model:m@1",
        facts=None,
    )


def test_rows_follow_the_left_article_and_place_right_only_in_right_order():
    rows = ordered_rows(_hand_report())
    assert [(r.kind, r.left, r.right) for r in rows] == [
        ("right_only", (), (0,)),
        ("shared", (0,), (2,)),
        ("partial", (1,), (1,)),
        ("left_only", (2,), ()),
        ("shared", (3,), (3, 4)),
    ]
    assert sum(r.moved for r in rows) == 1  # pairs 0-2 and 1-1 cross: one of them is off the order


def test_rows_hold_every_segment_once_on_the_sample():
    report = load_report()
    rows = ordered_rows(report)
    assert sorted(i for r in rows for i in r.left) == list(range(15))
    assert sorted(j for r in rows for j in r.right) == list(range(16))
    assert sum(r.kind in ("shared", "partial") for r in rows) == 11
    assert [r.right[0] for r in rows if r.kind == "right_only"] == [3, 11, 12, 15]  # the right article's order
    assert [r.left[0] for r in rows if r.moved] == [3, 5, 6]
    right_ids = [r.right[0] for r in rows if r.right and not r.moved]
    assert right_ids == sorted(right_ids)


# ---------------------------------------------------------------- text view

@pytest.mark.parametrize("width", [40, 57, 80, 100, 133, 160])
@pytest.mark.parametrize("bidi", ["terminal", "app"])
@pytest.mark.parametrize("scores", [False, True])
def test_text_view_fits_the_width_and_keeps_columns_aligned(width, bidi, scores):
    out = render(load_report(), "text", width=width, bidi=bidi, scores=scores)
    lines = out.splitlines()
    assert max(display_width(line) for line in lines) <= width
    table = [line for line in lines if line[:1] in "┌├│└"]
    assert {display_width(line) for line in table} == {width}
    seps = {tuple(border_columns(line)) for line in table}
    assert len(seps) == 1, seps  # every border/separator at the same columns



def test_text_view_shows_markers_and_every_id_without_colour():
    out = render(_hand_report(), "text", width=80, bidi="terminal")
    assert "\x1b[" not in out
    for kind, marker in MARKERS.items():
        assert (f" {marker}" in out) == (kind != "covered")  # the legend names only kinds the report has
    for i in range(4):
        assert f"[{i}] " in out
    assert "aligner:test|model:m@1" in out
    assert "3 pairs" in out and "1 only left" in out and "1 only right" in out


def test_text_view_colour_only_when_asked():
    assert "\x1b[32m" in render(_hand_report(), "text", width=80, color=True)
    assert "\x1b[" not in render(_hand_report(), "text", width=80, color=False)


def test_terminal_mode_keeps_logical_order_and_app_mode_reverses():
    logical = render(_hand_report(), "text", width=80, bidi="terminal")
    visual = render(_hand_report(), "text", width=80, bidi="app")
    assert "ثالثاً فقط." in logical and "ثالثاً فقط." not in visual
    assert visual_text("[2] ثالثاً فقط.") in visual


def test_scores_only_when_asked():
    assert "0.61" not in render(_hand_report(), "text", width=80)
    assert "0.61" in render(_hand_report(), "text", width=80, scores=True)


def test_rich_renderable_composes():
    from aligner.views.text import ReportView
    from rich.panel import Panel

    console = Console(width=90, record=True, color_system=None)
    console.print(Panel(ReportView(_hand_report(), bidi="terminal"), title="inside a panel"))
    assert "ثالثاً فقط." in console.export_text()


# ---------------------------------------------------------------- diff

def test_diff_lines_and_hunk_counts():
    out = render(_hand_report(), "diff", scores=True).splitlines()
    assert out[0].startswith("aligner compare aligner:test")
    assert out[1] == "--- a.txt\t(Arabic, left)" and out[2] == "+++ b.txt\t(Persian, right)"
    body = out[4:]
    old = sum(line[0] in " -" for line in body)
    new = sum(line[0] in " +" for line in body)
    assert out[3].startswith(f"@@ -1,{old} +1,{new} @@")
    assert [line for line in body if line[0] == "-"] == ["-[ar 2] ثالثاً فقط."]
    assert [line for line in body if line[0] == "+"] == ["+[fa 0] فقط اینجا."]
    assert " [ar 1 ~ 0.40] ثانياً." in body and " [fa 4 0.55] چهارم ب." in body


# ---------------------------------------------------------------- other formats still work

def test_every_format_renders():
    assert set(FORMATS) == {"text", "json", "tsv", "diff", "html"}


def test_tsv_and_json_unchanged_by_view_options():
    from aligner.views.tsv import render_tsv

    report = load_report()
    tsv = render_tsv(report).splitlines()
    assert len(tsv) == 1 + 11 + 4 + 4


# ---------------------------------------------------------------- html structure

class _Cells(HTMLParser):
    """Rows of the report table: (class, [(td attrs, texts of span.text)])."""

    def __init__(self):
        super().__init__()
        self.rows, self.texts, self.external, self._in_text, self._in_body = [], [], [], False, False
        self.signature, self._in_sig = "", False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("link", "script", "img", "iframe") or (tag != "a" and any(k in a for k in ("src",))):
            self.external.append((tag, a))
        if tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self.rows.append((a.get("class"), a.get("title", ""), []))
        elif tag == "td" and self._in_body:
            self.rows[-1][2].append([a, []])
        elif tag == "span" and a.get("class") == "text":
            self._in_text = True
            self.texts.append("")  # one text per span, whatever marks split it into
            self.rows[-1][2][-1][1].append("")
        elif tag == "code" and a.get("class") == "signature":
            self._in_sig = True

    def handle_endtag(self, tag):
        if tag == "span":
            self._in_text = False
        elif tag == "tbody":
            self._in_body = False
        elif tag == "code":
            self._in_sig = False

    def handle_data(self, data):
        if self._in_text:
            self.texts[-1] += data
            self.rows[-1][2][-1][1][-1] += data
        if self._in_sig:
            self.signature += data


def parse_html(page: str) -> _Cells:
    parser = _Cells()
    parser.feed(page)
    return parser


def check_html_structure(page: str, report) -> None:
    parsed = parse_html(page)
    assert not parsed.external, parsed.external
    assert "http://" not in page and "https://" not in page
    assert len(parsed.rows) == len(report.pairs) + len(report.left_only) + len(report.right_only)
    expected = [s.text for s in report.left.segments] + [s.text for s in report.right.segments]
    assert sorted(parsed.texts) == sorted(expected)  # every segment once
    for kind, title, cells in parsed.rows:
        assert kind in ("shared", "partial", "left_only", "right_only")
        for attrs, texts in cells[1:3]:
            if texts:
                assert attrs["dir"] == "rtl" and attrs["lang"] in ("ar", "fa")
        if kind in ("shared", "partial"):
            assert "score 0." in title
    assert parsed.signature == report.signature


def test_html_page_structure_on_the_sample():
    report = load_report()
    check_html_structure(render(report, "html", scores=True), report)


def test_html_escapes_text():
    report = _hand_report()
    seg = report.left.segments[2]
    report.left.segments[2] = Segment(seg.id, seg.start, seg.end, "<b>«ثالثاً» & فقط</b>", seg.key)
    page = render(report, "html")
    assert "<b>" not in page and "&lt;b&gt;" in page
    check_html_structure(page, report)


def test_json_view_is_the_report_dict():
    from aligner.views.json_view import render_json

    class R:
        def to_dict(self):
            return {"schema": "aligner.report/1", "x": "سلام"}

    assert json.loads(render_json(R()))["x"] == "سلام"
