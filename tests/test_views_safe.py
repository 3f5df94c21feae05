"""Article text and file names never drive the terminal (issue 18, item 1): :mod:`aligner.views.safe`
and every view through the real command (with a small fake encoder, so no model is needed)."""

from __future__ import annotations

import json
import re

import pytest

from aligner.views.safe import closers, json_controls, safe, visible
from hostile import run_compare

CLEAR = "\x1b[2J"
OSC_TITLE = "\x1b]0;title\x07"
OSC8_LINK = "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\"
C1_CSI = "\x9b31m"
RLO, PDF, RLI, PDI = "\u202e", "\u202c", "\u2067", "\u2069"

LEFT = (
    f"خبر أول {CLEAR} عن الجفاف في 2025.\n"
    f"عنوان {OSC_TITLE} في الخبر عن 120 مليون دولار.\n"
    f"رابط {OSC8_LINK} هنا.\n"
    f"تحكم {C1_CSI} أحمر وقال بيسكوف.\n"
    f"نص {RLO}معكوس بلا إغلاق\n"
    f"حذف\x7f وجرس\x07 ونهاية{RLI}معزول\n"
)
RIGHT = (
    f"خبر اول {CLEAR} درباره خشکسالی در 2025.\n"
    f"عنوان {OSC_TITLE} در خبر درباره 150 میلیون دلار.\n"
    f"پیوند {OSC8_LINK} اینجا.\n"
    f"کنترل {C1_CSI} قرمز و پسکوف گفت.\n"
)
SGR = re.compile("\x1b\\[[0-9;]*m")  # the views' own colour codes (only with --color)
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # every control but tab and newline


# ---------------------------------------------------------------- the helper


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (CLEAR, "\\x1b[2J"),
        (OSC_TITLE, "\\x1b]0;title\\x07"),
        (C1_CSI, "\\x9b31m"),
        ("a\x00b\x7fc\x85d", "a\\x00b\\x7fc\\x85d"),
        ("tab\tkept", "tab\tkept"),
        ("line\nbreak\r", "line\\x0abreak\\x0d"),
        ("عربي ١٢٣ فارسی ۱۲۳ \u200c\u200d", "عربي ١٢٣ فارسی ۱۲۳ \u200c\u200d"),
    ],
)
def test_visible_escapes_every_control(text, shown):
    assert visible(text) == shown
    assert not FORBIDDEN.search(visible(text, keep=""))


@pytest.mark.parametrize(
    ("text", "closing"),
    [
        ("plain", ""),
        (f"x{RLO}y", PDF),
        (f"x{RLO}y{PDF}", ""),
        (f"{RLI}a{RLO}b", PDF + PDI),  # innermost first
        (f"{RLI}a{RLO}b{PDI}", ""),  # a PDI closes the embeddings inside its isolate
        (f"{RLI}a{PDF}", PDI),  # a PDF does not close an isolate
        (f"{PDF}{PDI}stray", ""),
        ("\u202a\u202b\u202d\u2066\u2068", PDI + PDI + PDF + PDF + PDF),
    ],
)
def test_closers_close_what_is_open(text, closing):
    assert closers(text) == closing
    assert closers(safe(text)) == ""


def test_json_controls_keep_the_string():
    dumped = json.dumps({"t": "a\x9bb\x7fc\x1b"}, ensure_ascii=False)
    assert json.loads(json_controls(dumped)) == {"t": "a\x9bb\x7fc\x1b"}
    assert not FORBIDDEN.search(json_controls(dumped))


# ---------------------------------------------------------------- every view, through the command


@pytest.fixture()
def hostile_files(tmp_path):
    left = tmp_path / f"ar{OSC_TITLE}\x1b[31m\x9b.txt"
    right = tmp_path / "fa.txt"
    left.write_text(LEFT, encoding="utf-8")
    right.write_text(RIGHT, encoding="utf-8")
    return str(left), str(right)


VIEWS = {
    "text-plain-terminal": ["--format", "text", "--no-color", "--bidi", "terminal"],
    "text-plain-app": ["--format", "text", "--no-color", "--bidi", "app", "--scores"],
    "text-color-terminal": ["--format", "text", "--color", "--bidi", "terminal"],
    "text-color-app": ["--format", "text", "--color", "--bidi", "app", "--width", "60"],
    "text-no-facts": ["--format", "text", "--no-color", "--no-facts", "--width", "200"],
    "diff-plain": ["--format", "diff", "--scores"],
    "diff-color": ["--format", "diff", "--color"],
    "tsv": ["--format", "tsv"],
    "json": ["--format", "json"],
    "html": ["--format", "html", "--scores"],
}


def _check_bytes(data: bytes, *, color: bool) -> str:
    text = data.decode("utf-8")
    if color:
        text = SGR.sub("", text)
    assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text
    assert "\x9b".encode() not in data and b"\x07" not in data
    assert not FORBIDDEN.search(text), FORBIDDEN.findall(text)
    return text


@pytest.mark.parametrize("view", VIEWS, ids=list(VIEWS))
def test_no_control_reaches_the_terminal(monkeypatch, hostile_files, view):
    result = run_compare(monkeypatch, *hostile_files, *VIEWS[view], env={"COLUMNS": "160"})
    assert result.exit_code == 0, (result.stderr, result.exception)
    out = _check_bytes(result.stdout_bytes, color="--color" in VIEWS[view])
    _check_bytes(result.stderr_bytes, color=False)
    if view == "json":
        report = json.loads(out)
        texts = [s["text"] for side in ("left", "right") for s in report[side]["segments"]]
        assert any(CLEAR in t for t in texts) and any(C1_CSI in t for t in texts)  # JSON keeps the text exactly
        assert OSC_TITLE in report["left"]["path"]
        return
    assert "\\x1b" in out  # shown, not obeyed
    if view != "html":
        for line in out.splitlines():
            assert closers(line) == "", f"bidi left open in {line!r}"


@pytest.mark.parametrize("view", ["text-plain-terminal", "diff-plain", "tsv"])
def test_escapes_are_shown_readably(monkeypatch, hostile_files, view):
    out = run_compare(monkeypatch, *hostile_files, *VIEWS[view], "--width", "220").stdout
    for shown in ("\\x1b[2J", "\\x1b]0;title\\x07", "\\x1b]8;;http://x\\x1b\\link\\x1b]8;;\\x1b\\", "\\x9b31m",
                  "\\x7f"):
        assert shown in out
    if view != "tsv":
        assert "ar\\x1b]0;title\\x07\\x1b[31m\\x9b.txt" in out  # the file name in the header


def test_error_line_naming_a_hostile_file(monkeypatch, tmp_path):
    missing = tmp_path / f"gone{CLEAR}{OSC_TITLE}\x9b.txt"
    result = run_compare(monkeypatch, str(missing), str(missing))
    assert result.exit_code == 2
    err = _check_bytes(result.stderr_bytes, color=False)
    assert err.count("\n") == 1 and err.startswith("aligner: error: ")
    assert "gone\\x1b[2J\\x1b]0;title\\x07\\x9b.txt" in err


def test_segments_keep_a_closing_pdf_with_their_text():
    from aligner.text import segment

    segs = segment(f"قال {RLO}X{PDF}\nالثاني {RLI}معزول{PDI}.  \n{PDF}وحده")
    assert [s.text for s in segs] == [f"قال {RLO}X{PDF}", f"الثاني {RLI}معزول{PDI}.", "وحده"]
    assert all(closers(s.text) == "" for s in segs[:2])
