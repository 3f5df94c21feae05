"""Facts in the terminal view: per-pair markers in the marker column and a Facts section after the table."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from aligner.align import Pair
from aligner.cli import main
from aligner.facts import check_facts
from aligner.report import ModelInfo, Side, Summary
from aligner.text import Segment
from aligner.views.text import render_text
from aligner.views.width import display_width
from conftest import segment_holding
from golden.make import FrozenReport

CONTROLS = set("\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
LEFT_120 = "120 مليون دولار"
RIGHT_150 = "۱۵۰ میلیون دلار"


def _rows(out: str) -> list[str]:
    """The table's rows, each as the block of lines between two rules."""
    blocks, current = [], []
    for line in out.splitlines():
        if line.startswith(("├", "└")):
            blocks.append("\n".join(current))
            current = []
        elif line.startswith("│"):
            current.append(line)
    return blocks


def _facts_section(out: str) -> str:
    lines = out.splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith("Facts"))
    return "\n".join(lines[start:-1])


# ------------------------------------------------------------------- the real sample (model)


@pytest.fixture(scope="module")
def report(cache_dir, sample_paths):
    from aligner.pipeline import compare_files

    return compare_files(*sample_paths, cache_dir=cache_dir)


@pytest.mark.slow
def test_sample_number_conflict_is_marked_in_its_row_and_detailed(report):
    out = render_text(report, width=100, color=False)
    assert "\x1b[" not in out
    li = segment_holding(report.left.segments, LEFT_120)
    rj = segment_holding(report.right.segments, RIGHT_150)
    rows = _rows(out)
    (n,) = [n for n, b in enumerate(rows) if f"[{li}] " in b.splitlines()[0] and f"[{rj}] " in b.splitlines()[0]]
    assert "≠num" in rows[n]
    assert not any("≠" in b for m, b in enumerate(rows) if m != n)  # the sample has one conflict only

    section = _facts_section(out)
    conflicts = [line for line in section.splitlines() if line.startswith("≠ number")]
    assert len(conflicts) == 1
    conflict = " ".join(line.strip() for line in section.split("≠ number", 1)[1].split("\nonly")[0].splitlines())
    assert f"left [{li}]" in conflict and f"right [{rj}]" in conflict
    assert f"«{LEFT_120}»" in conflict and f"«{RIGHT_150}»" in conflict
    assert "120000000 usd" in conflict and "150000000 usd" in conflict
    # one-sided facts, per article
    assert "only left (Arabic)" in section and "only right (Persian)" in section
    assert "«45 شركة»" in section and "«۶۰ مقاله»" in section
    # the conflict's facts are not repeated among the one-sided ones
    assert section.count(LEFT_120) == 1 and section.count(RIGHT_150) == 1
    assert out.index("└") < out.index("\nFacts") < out.index(report.signature[:40])


@pytest.mark.slow
@pytest.mark.parametrize("bidi", ["terminal", "app"])
@pytest.mark.parametrize("width", [100, 60, 40])
def test_sample_with_facts_fits_and_keeps_every_segment(report, width, bidi):
    out = render_text(report, width=width, color=False, bidi=bidi)
    lines = out.splitlines()
    assert max(display_width(line) for line in lines) <= width
    table = [line for line in lines if line.startswith(("│", "├", "┌", "└"))]
    assert len({display_width(line) for line in table}) == 1  # every table line equally wide
    for side in (report.left, report.right):
        for seg in side.segments:
            assert f"[{seg.id}]" in out, (side.lang, seg.id)
    assert not CONTROLS & set(out)
    assert "Facts" in out and "facts: ≠ differ" in out


@pytest.mark.slow
def test_cli_facts_option(cache_dir, sample_paths):
    def run(*args, env=None):
        argv = ["compare", *map(str, sample_paths), "--cache-dir", str(cache_dir), "--quiet", "--width", "100", *args]
        result = CliRunner().invoke(main, argv, env=env)
        assert result.exit_code == 0, (result.output, result.exception)
        return result.stdout

    with_facts = run("--no-color")
    assert "\nFacts" in with_facts and "≠num" in with_facts
    for out in (run("--no-color", "--no-facts"), run("--no-color", env={"ALIGNER_FACTS": "0"})):
        assert "Facts" not in out and "≠" not in out and "facts:" not in out
        assert "┌────┬" in out  # the narrow marker column of a report without facts
        assert max(display_width(line) for line in out.splitlines()) <= 100
    assert '"facts": null' in run("--format", "json", "--no-facts")


# ------------------------------------------------------------------- a hand-made report (no model)


def _hand_report(facts: bool = True) -> FrozenReport:
    left = ["بلغ رأس المال 120 مليون دولار.", "وقال الوزير في طهران."]
    right = ["سرمایه ۱۵۰ میلیون دلار است.", "همایش در مشهد برگزار شد."]

    def side(path, lang, texts):
        segs, at = [], 0
        for i, t in enumerate(texts):
            segs.append(Segment(i, at, at + len(t), t, t))
            at += len(t) + 1
        return Side(path, lang, "utf-8", segs)

    ls, rs = side("a.txt", "ar", left), side("b.txt", "fa", right)
    pairs = [Pair((0,), (0,), 0.6, 0.3)]
    return FrozenReport(
        left=ls, right=rs, pairs=pairs, left_only=[1], right_only=[1],
        summary=Summary(2, 2, 1, 1, 1, 1, 1, 0.5, 0.5), model=ModelInfo("m", "m@1", "", "local"),
        signature="aligner:test|model:m@1",
        facts=check_facts(ls.segments, rs.segments, pairs) if facts else None,
    )


@pytest.mark.parametrize("bidi", ["terminal", "app"])
@pytest.mark.parametrize("width", [120, 50, 30])
def test_hand_report_markers_and_section(width, bidi):
    report = _hand_report()
    out = render_text(report, width=width, color=False, bidi=bidi)
    assert max(display_width(line) for line in out.splitlines()) <= width
    assert "≠num" in _rows(out)[1]
    assert "≠ number" in _facts_section(out)
    assert not CONTROLS & set(out)
    if bidi == "terminal" and width == 120:
        assert f"«{LEFT_120}» (120000000 usd) ≠ right [0] «{RIGHT_150}» (150000000 usd)" in out


def test_colour_marks_conflicts():
    out = render_text(_hand_report(), width=100, color=True)
    assert "\x1b[1;35m≠num" in out


def test_no_facts_renders_as_before():
    plain = render_text(_hand_report(facts=False), width=80)
    assert "Facts" not in plain and "facts:" not in plain and "┌────┬" in plain


def test_facts_checked_but_none_found_show_nothing():
    report = _hand_report()
    report = FrozenReport(**{**report.__dict__, "facts": check_facts([], [], [])})
    out = render_text(report, width=80)
    assert out == render_text(_hand_report(facts=False), width=80)
