"""Conflicts across unpaired sentences (``FactReport.conflicts``) and pair conflicts in every view but
HTML (see test_views_html_facts.py): the terminal Facts section, TSV rows and the diff's comment lines."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess

import pytest

from aligner.cli import render
from aligner.facts import Match, PairFacts, check_facts
from aligner.facts.markers import conflicts, document_details, in_conflict, one_sided
from aligner.views.diff import render_diff
from aligner.views.safe import closers
from aligner.views.tsv import render_tsv
from aligner.views.width import display_width
from golden.make import load_report
from news_facts_report import LEFT, news_facts, news_report, with_facts

CONTROLS = set("\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _section(out: str) -> str:
    lines = out.splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith("Facts"))
    return "\n".join(lines[start:-1])


def _entries(section: str) -> list[str]:
    """The section's entries, each with its wrapped continuation lines joined."""
    out: list[str] = []
    for line in section.splitlines():
        if line.startswith("    ") and out:
            out[-1] += " " + line.strip()
        else:
            out.append(line)
    return out


# ------------------------------------------------------------------ the plain helpers


def test_conflicts_lists_pair_conflicts_then_those_across_unpaired_sentences():
    F = news_facts()
    found = conflicts(F)
    assert [(c.unpaired, c.left.text, c.right.text, c.left_segments, c.right_segments) for c in found] == [
        (False, "120 مليون دولار", "۱۵۰ میلیون دلار", (2,), (3,)),
        (True, "118 شخصاً", "۱۲۰ نفر", (0,), (2,)),
    ]
    assert in_conflict(F) == ({0, 4}, {3, 4})
    # the 5 km is the only fact the Persian article has nowhere and that is in no conflict
    assert one_sided(F) == ([5], [])
    assert document_details(F) == ["≠ number: left [0] «118 شخصاً» (118 person) ≠ right [2] «۱۲۰ نفر» (120 person)"]


# ------------------------------------------------------------------ terminal


@pytest.mark.parametrize("bidi", ["terminal", "app"])
@pytest.mark.parametrize("width", [160, 80, 40])
def test_text_section_lists_the_conflict_across_unpaired_sentences(width, bidi):
    out = render(news_report(news_facts()), "text", width=width, bidi=bidi)
    assert max(display_width(line) for line in out.splitlines()) <= width
    assert not CONTROLS & set(out)
    entries = _entries(_section(out))
    assert "2 conflicts (1 across unpaired sentences)" in entries[0]
    assert "1 only left  ·  0 only right" in entries[0]
    (across,) = [e for e in entries if e.startswith("≠ number (unpaired sentences)")]
    assert "left [0]" in across and "right [2]" in across
    assert "(118 person)" in across and "(120 person)" in across
    (pair,) = [e for e in entries if e.startswith("≠ number  left")]
    assert "left [2]" in pair and "right [3]" in pair and "(120000000 usd ~)" in pair and "(150000000 usd)" in pair
    assert entries.index(pair) < entries.index(across)  # a pair's conflicts first


def test_text_section_shows_both_facts_as_written():
    section = _section(render(news_report(news_facts()), "text", width=200, bidi="terminal"))
    assert ("≠ number (unpaired sentences)  left [0] «118 شخصاً» (118 person) ≠ right [2] «۱۲۰ نفر» (120 person)"
            in section)


def test_facts_of_a_conflict_across_sentences_are_not_listed_as_one_sided():
    with_across = _section(render(news_report(news_facts()), "text", width=200, bidi="terminal"))
    without = _section(render(news_report(news_facts(across=False)), "text", width=200, bidi="terminal"))
    # without the document-level conflict the two figures are one-sided, as the fact layer lists them
    assert "< number: «118 شخصاً» (118 person) [0]" in without and "> number: «۱۲۰ نفر» (120 person) [2]" in without
    assert "1 conflict  ·  2 only left  ·  1 only right" in without
    # with it, each is shown once, in the conflict
    assert with_across.count("118 شخصاً") == 1 and with_across.count("۱۲۰ نفر") == 1
    assert "only right (Persian)" not in with_across  # nothing else is one-sided on the right
    assert "«5 كيلومترات» (5 km) [3]" in with_across


def test_text_view_of_a_report_without_document_conflicts_is_unchanged_by_them():
    report = news_report(news_facts(across=False))
    out = render(report, "text", width=120, bidi="terminal")
    assert "unpaired" not in out and "1 conflict  ·" in out


# ------------------------------------------------------------------ TSV


def _tsv(report) -> list[list[str]]:
    return list(csv.reader(io.StringIO(render_tsv(report), newline=""), delimiter="\t"))


def test_tsv_has_a_document_conflict_row_with_both_segments():
    rows = _tsv(news_report(news_facts()))
    (row,) = [r for r in rows if r[0] == "fact:number:document_conflict"]
    assert row == ["fact:number:document_conflict", "0", "2", "118 person|120 person", "118 شخصاً", "۱۲۰ نفر"]
    kinds = [r[0] for r in rows]
    assert (kinds.index("fact:number:conflict") < kinds.index("fact:number:document_conflict")
            < kinds.index("fact:number:left_only"))


def test_tsv_lists_as_one_sided_only_facts_in_no_conflict():
    rows = _tsv(news_report(news_facts()))
    one_sided_rows = [r for r in rows if r[0].endswith((":left_only", ":right_only")) and "pair_" not in r[0]]
    assert one_sided_rows == [["fact:number:left_only", "3", "", "5 km|", "5 كيلومترات", ""]]
    # a pair's own one-sided facts stay: the injured figure has no counterpart in its pair's Persian sentence
    assert ["fact:number:pair_left_only", "0", "", "118 person|", "118 شخصاً", ""] in rows
    without = _tsv(news_report(news_facts(across=False)))
    assert ["fact:number:left_only", "0", "", "118 person|", "118 شخصاً", ""] in without
    assert not any(r[0] == "fact:number:document_conflict" for r in without)


def test_tsv_document_conflict_from_the_fact_layer():
    """``check_facts`` itself finds the injured counted in two unpaired sentences (118 against 120 injured)."""
    report = news_report()
    F = check_facts(report.left.segments, report.right.segments, report.pairs)
    li = next(i for i, f in enumerate(F.left) if f.kind == "number" and "118" in f.text)
    rj = next(j for j, f in enumerate(F.right) if f.kind == "number" and "۱۲۰" in f.text)
    assert [(m.left, m.right) for m in F.conflicts] == [(li, rj)]
    rows = _tsv(with_facts(report, F))
    (row,) = [r for r in rows if r[0] == "fact:number:document_conflict"]
    assert row[1:3] == ["0", "2"] and "118" in row[4] and "۱۲۰" in row[5]
    assert not any(r[0] == "fact:number:left_only" and r[4] == F.left[li].text for r in rows)
    assert not any(r[0] == "fact:number:right_only" and r[5] == F.right[rj].text for r in rows)


# ------------------------------------------------------------------ diff


def _hunk(out: str) -> tuple[str, list[str]]:
    lines = out.splitlines()
    return lines[3], lines[4:]


def test_diff_comment_lines_follow_their_pair_and_end_the_hunk():
    header, body = _hunk(render_diff(news_report(news_facts()), show_scores=False))
    pair_note = "# ≠ number: [ar 2] «120 مليون دولار» (120000000 usd ~) ≠ [fa 3] «۱۵۰ میلیون دلار» (150000000 usd)"
    across_note = "# ≠ number, unpaired sentences: [ar 0] «118 شخصاً» (118 person) ≠ [fa 2] «۱۲۰ نفر» (120 person)"
    assert " " + pair_note in body and body[-1] == " " + across_note
    at = body.index(" " + pair_note)
    assert body[at - 2].startswith(" [ar 2 ~] ") and body[at - 1].startswith(" [fa 3 ~] ")  # right after its pair
    old = sum(line[0] in " -" for line in body)
    new = sum(line[0] in " +" for line in body)
    assert header.startswith(f"@@ -1,{old} +1,{new} @@") and header.endswith("; 2 fact conflicts")


def test_diff_conflict_of_a_pair_without_a_row_of_its_own_ends_the_hunk():
    """A ``covers`` pair (a segment said elsewhere) has no row of the pairs: its conflict still shows, at the end."""
    F = news_facts(across=False)
    F.pairs.append(PairFacts((3,), (2,), conflicts=[Match("number", 5, 3, "5 km ≠ 120 person")]))
    header, body = _hunk(render_diff(news_report(F)))
    assert body[-1] == " # ≠ number: [ar 3] «5 كيلومترات» (5 km) ≠ [fa 2] «۱۲۰ نفر» (120 person)"
    old = sum(line[0] in " -" for line in body)
    new = sum(line[0] in " +" for line in body)
    assert header.startswith(f"@@ -1,{old} +1,{new} @@") and header.endswith("; 2 fact conflicts")


def test_diff_comment_lines_in_colour():
    out = render_diff(news_report(news_facts()), color=True)
    notes = [line for line in out.splitlines() if "# ≠" in line]
    assert len(notes) == 2 and all(line.startswith("\x1b[35m #") and line.endswith("\x1b[0m") for line in notes)


def test_diff_without_conflicts_has_no_comment_lines():
    F = news_facts(across=False)
    F.pairs[2].conflicts.clear()
    out = render_diff(news_report(F))
    assert "#" not in out and "fact conflict" not in out
    assert out == render_diff(news_report(None))


def _sides(diff: str) -> tuple[str, str]:
    """The text the hunk says the old and the new file hold."""
    body = diff.splitlines()[4:]
    old = [line[1:] for line in body if line[0] in " -"]
    new = [line[1:] for line in body if line[0] in " +"]
    return "\n".join(old) + "\n", "\n".join(new) + "\n"


@pytest.mark.skipif(shutil.which("patch") is None, reason="GNU patch not installed")
def test_patch_applies_the_diff_with_its_comment_lines(tmp_path):
    diff = render_diff(news_report(news_facts()), show_scores=True)
    old, new = _sides(diff)
    target = tmp_path / "old.txt"
    target.write_text(old, encoding="utf-8")
    (tmp_path / "report.diff").write_text(diff, encoding="utf-8")
    proc = subprocess.run(["patch", "--batch", str(target), str(tmp_path / "report.diff")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert target.read_text(encoding="utf-8") == new


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_git_apply_checks_the_diff_with_its_comment_lines(tmp_path):
    diff = render_diff(news_report(news_facts()))
    old, _ = _sides(diff)
    name = re.match(r"\+\+\+ (\S+)", diff.splitlines()[2]).group(1)  # git applies to the +++ file
    (tmp_path / name).write_text(old, encoding="utf-8")
    (tmp_path / "report.diff").write_text(diff, encoding="utf-8")
    run = lambda *a: subprocess.run(["git", "apply", *a, "report.diff"], cwd=tmp_path, capture_output=True, text=True)  # noqa: E731
    numstat = run("--numstat")
    assert numstat.returncode == 0 and numstat.stdout.split()[:2] == ["1", "1"], numstat.stdout + numstat.stderr
    check = run("--check")
    assert check.returncode == 0, check.stderr


def test_diff_of_the_sample_with_facts_keeps_valid_counts():
    """The frozen sample with the fact layer's facts and one conflict across sentences added by hand."""
    report = load_report()
    F = check_facts(report.left.segments, report.right.segments, report.pairs)
    li = next(i for i, f in enumerate(F.left) if f.segment == 13 and f.kind == "number")  # 45 companies
    rj = next(j for j, f in enumerate(F.right) if f.segment == 11 and f.kind == "number")  # 60 papers
    F.conflicts.append(Match("number", li, rj, "stand-in"))
    header, body = _hunk(render_diff(with_facts(report, F)))
    old = sum(line[0] in " -" for line in body)
    new = sum(line[0] in " +" for line in body)
    assert header.startswith(f"@@ -1,{old} +1,{new} @@")
    assert body[-1].startswith(" # ≠ number, unpaired sentences: [ar 13] «") and "≠ [fa 11] «" in body[-1]


def test_hostile_fact_text_stays_data_in_every_view():
    """A fact whose text holds an escape sequence and an open override: shown, never obeyed, bidi closed per line."""
    left = list(LEFT)
    left[0] = left[0].replace("118 شخصاً", "118\x1b[2J\u202e شخصاً")
    F = news_facts()
    bad = F.left[0]
    F.left[0] = type(bad)(bad.kind, "118\x1b[2J\u202e شخصاً", bad.start,
                          bad.start + len("118\x1b[2J\u202e شخصاً"), bad.value,
                          segment=0, unit=bad.unit)
    report = news_report(F, left=left)
    for fmt in ("text", "diff", "tsv"):
        out = render(report, fmt, width=120, bidi="terminal")
        assert "\x1b" not in out and "\\x1b[2J" in out, fmt
        if fmt != "tsv":
            assert all(closers(line) == "" for line in out.splitlines()), fmt
