"""``aligner compare``'s view options end to end with the real default model (CliRunner: stdout is no terminal)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from aligner.cli import main
from aligner.views.bidi import visual_text
from aligner.views.width import display_width
from test_views import check_html_structure

pytestmark = pytest.mark.slow  # runs the real default model


@pytest.fixture(scope="module")
def run(cache_dir, sample_paths):
    def _run(*args, expect: int = 0, env: dict | None = None):
        argv = ["compare", *map(str, sample_paths), *map(str, args), "--cache-dir", str(cache_dir), "--quiet"]
        result = CliRunner().invoke(main, argv, env=env)
        assert result.exit_code == expect, (result.output, result.exception)
        return result

    return _run


@pytest.fixture(scope="module")
def report(cache_dir, sample_paths):
    from aligner.pipeline import compare_files

    report = compare_files(*sample_paths, cache_dir=cache_dir)
    assert (len(report.left.segments), len(report.right.segments)) == (15, 16)
    return report


def test_text_is_plain_logical_and_fits_when_piped(run, report):
    out = run("--width", "90").stdout
    assert "\x1b[" not in out  # no colour into a pipe
    assert report.left.segments[4].text[:20] in out  # logical order: auto picks terminal for a pipe
    assert max(display_width(line) for line in out.splitlines()) <= 90
    for seg in report.left.segments + report.right.segments:
        assert f"[{seg.id}] " in out


def test_color_bidi_and_scores_options(run, report):
    out = run("--color", "--bidi", "app", "--scores", "--width", "120").stdout
    assert "\x1b[32m" in out
    assert "0.66" in out
    assert visual_text("[4] " + report.left.segments[4].text.split()[0]) in _strip_ansi(out)


def test_options_from_environment(run):
    env = {"ALIGNER_COLOR": "1", "ALIGNER_WIDTH": "70", "ALIGNER_SCORES": "1", "ALIGNER_BIDI": "app"}
    out = run(env=env).stdout
    assert "\x1b[" in out and "score" in out
    assert max(display_width(line) for line in _strip_ansi(out).splitlines()) <= 70


def test_no_color_env_wins_over_auto_but_not_over_the_flag(run):
    assert "\x1b[" not in run(env={"NO_COLOR": "1", "FORCE_COLOR": "1"}).stdout
    assert "\x1b[" in run("--color", env={"NO_COLOR": "1"}).stdout


def test_diff_format(run, report):
    lines = run("--format", "diff").stdout.splitlines()
    assert lines[1].startswith("--- ") and lines[2].startswith("+++ ") and lines[3].startswith("@@ -1,")
    assert sum(line.startswith("-[") for line in lines) == 4
    assert sum(line.startswith("+[") for line in lines) == 4
    assert sum(line.startswith(" [") for line in lines) == sum(len(p.left) + len(p.right) for p in report.pairs)


def test_html_format_to_file(run, report, tmp_path):
    out = tmp_path / "report.html"
    assert run("--format", "html", "-o", out).stdout == ""
    check_html_structure(out.read_text(encoding="utf-8"), report)


def test_json_and_tsv_keep_logical_order_under_bidi_app(run, report):
    data = json.loads(run("--format", "json", "--bidi", "app").stdout)
    assert data["left"]["segments"][4]["text"] == report.left.segments[4].text
    assert report.left.segments[4].text in run("--format", "tsv", "--bidi", "app").stdout


def test_exit_codes(run):
    run("--exit-code", "--format", "diff", expect=1)
    run("--format", "diff", expect=0)
    result = run("--bidi", "sideways", expect=2)
    assert "sideways" in result.stderr
    run("--width", "5", expect=2)


def test_no_pager_when_not_a_terminal(run, monkeypatch):
    monkeypatch.setenv("PAGER", "false")  # would swallow the output if it were used
    assert "11 pairs" in run("--pager").stdout


def _strip_ansi(text: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", text)
