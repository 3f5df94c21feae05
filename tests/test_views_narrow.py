"""Narrow text views wrap, never crop (issue 18, item 9): at every width from 20 to 40, with and
without ``--scores``, every character of every cell is in the output, in order; below the
narrowest width that leaves each article's column :data:`~aligner.views.text.MIN_CELL` columns the
view refuses (``TooNarrow``) and ``compare`` exits 2 with one line."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from aligner.cli import render
from aligner.views.rows import MARKERS, ordered_rows
from aligner.views.safe import safe
from aligner.views.text import MIN_CELL, SideBySide, TooNarrow, min_width
from aligner.views.width import display_width, terminal_text
from conftest import SAMPLES
from golden.make import load_report
from hostile import run_compare
from test_views import _hand_report

REPORTS = {"sample": load_report, "hand": _hand_report}


def _expected_cells(report, side: str) -> str:
    """Everything one article's column shows, top to bottom, without whitespace."""
    segments = getattr(report, side).segments
    out = []
    for row in ordered_rows(report):
        ids = getattr(row, side)
        if ids:
            out += [f"[{i}]" + terminal_text(safe(segments[i].text)) for i in ids]
        elif row.covered_by:
            out.append(MARKERS["covered"] + "".join(f"[{i}]" for i in row.covered_by))
    return re.sub(r"\s", "", "".join(out))


def _columns(out: str) -> list[str]:
    """The left and right columns of the table's body, each joined top to bottom, without whitespace."""
    lines = [line for line in out.splitlines() if line.startswith("│")][1:]  # [0]: the titles
    cells = [line.split("│")[2:4] for line in lines]
    return [re.sub(r"\s", "", "".join(cell[k] for cell in cells)) for k in (0, 1)]


def _needed(report, scores: bool) -> int:
    return SideBySide(report, show_scores=scores).min_width()


@pytest.mark.parametrize("scores", [False, True])
@pytest.mark.parametrize("width", range(20, 41))
@pytest.mark.parametrize("name", sorted(REPORTS))
def test_narrow_views_wrap_every_character_or_refuse(name, width, scores):
    report = REPORTS[name]()
    if width < _needed(report, scores):
        with pytest.raises(TooNarrow) as err:
            render(report, "text", width=width, bidi="terminal", scores=scores)
        assert err.value.needed == _needed(report, scores)
        return
    out = render(report, "text", width=width, bidi="terminal", scores=scores)
    assert max(display_width(line) for line in out.splitlines()) <= width
    assert _columns(out) == [_expected_cells(report, "left"), _expected_cells(report, "right")]
    # in visual order too: the same characters in each column
    app = render(report, "text", width=width, bidi="app", scores=scores)
    assert max(display_width(line) for line in app.splitlines()) <= width
    expected = [_expected_cells(report, "left"), _expected_cells(report, "right")]
    assert [Counter(col) for col in _columns_mirrored(app)] == [Counter(_mirrored(col)) for col in expected]


def _mirrored(text: str) -> str:
    # brackets may show as their mirror glyph in visual order: count them as one kind
    return text.translate(str.maketrans("()[]«»", "))]]»»"))


def _columns_mirrored(out: str) -> list[str]:
    return [_mirrored(col) for col in _columns(out)]


def test_the_narrowest_widths():
    assert MIN_CELL == 4
    assert (min_width(), min_width(show_scores=True)) == (20, 28)
    assert (_needed(_hand_report(), False), _needed(_hand_report(), True)) == (20, 28)
    assert (min_width(marker_width=5), min_width(show_scores=True, marker_width=5)) == (23, 31)  # fact marker "<date"


def test_the_issue_example_is_not_cut():
    # issue 18: at --width 20-27 the Arabic column showed "المؤتم" for "المؤتمر"
    for width in range(20, 28):
        assert "المؤتمر" in _columns(render(load_report(), "text", width=width, bidi="terminal"))[0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--width", "27", "--scores"], "aligner: error: --width 27 is too narrow for the text view with --scores: "
                                        "it needs at least 28 columns"),
        (["--width", "22"], "aligner: error: --width 22 is too narrow for the text view of this report: "
                            "it needs at least 23 columns"),
    ],
)
def test_compare_below_the_narrowest_width_exits_2_in_one_line(monkeypatch, args, message):
    result = run_compare(monkeypatch, str(SAMPLES / "ar.txt"), str(SAMPLES / "fa.txt"), "--no-color", *args)
    assert result.exit_code == 2, (result.stderr, result.exception)
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(message), result.stderr
    assert result.stdout == ""


def test_compare_at_the_narrowest_width_of_a_report_with_facts(monkeypatch):
    for args in (["--width", "23"], ["--width", "31", "--scores"]):
        result = run_compare(monkeypatch, str(SAMPLES / "ar.txt"), str(SAMPLES / "fa.txt"),
                             "--no-color", "--bidi", "app", *args)
        assert result.exit_code == 0, (result.stderr, result.exception)
        assert max(display_width(line) for line in result.stdout.splitlines()) <= int(args[1])
        assert "…" not in result.stdout  # no marker cut to an ellipsis


def test_a_covered_note_wraps_in_a_narrow_cell():
    from rich.console import Console

    from aligner.views.rows import Row
    from aligner.views.text import _covered_note

    note = _covered_note(Row("covered", (2,), (), covered_by=(10, 11, 12)), MIN_CELL, Console(width=40))
    assert all(display_width(line) <= MIN_CELL for line in note.plain.split("\n"))
    assert re.sub(r"\s", "", note.plain) == "≈[10][11][12]"
