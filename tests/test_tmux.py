"""The real ``aligner compare`` in a real terminal: tmux at 100 columns, ``send-keys`` and ``capture-pane``."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid

import pytest

from aligner.views.bidi import visual_text
from aligner.views.width import display_width
from conftest import ROOT
from conftest import border_columns

pytestmark = pytest.mark.slow  # runs the real default model

WIDTH = 100


def _tmux(*args: str, check: bool = True) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=check, timeout=60).stdout


@pytest.fixture
def session():
    if not shutil.which("tmux"):
        if os.environ.get("CI"):
            pytest.fail("tmux is not installed but CI is set: .ci/run must install the Debian package 'tmux'")
        pytest.skip("tmux not installed")
    name = f"aligner-test-{uuid.uuid4().hex[:8]}"
    env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR")}
    env.update(LANG="C.UTF-8", LC_ALL="C.UTF-8")
    subprocess.run(
        ["tmux", "-u", "new-session", "-d", "-s", name, "-x", str(WIDTH), "-y", "50", "bash --norc --noprofile"],
        check=True, env=env, cwd=ROOT, timeout=30,
    )
    _tmux("set-option", "-t", name, "history-limit", "20000")
    try:
        yield name
    finally:
        _tmux("kill-session", "-t", name, check=False)


def test_compare_in_tmux_at_100_columns(session, cache_dir, encoder, sample_paths):
    from aligner.pipeline import compare_files

    report = compare_files(*sample_paths, encoder=encoder)  # the segments the command will show
    left, right = (p.relative_to(ROOT) for p in sample_paths)
    # python -m aligner.cli: the checkout's code, whatever 'aligner' on PATH is
    command = (
        f"{shlex.quote(sys.executable)} -m aligner.cli compare {left} {right} --no-pager "
        f"--cache-dir {shlex.quote(str(cache_dir))} --quiet"
    )
    # the quotes keep the typed line from matching the markers it prints
    _tmux("send-keys", "-t", session, f"clear; echo '==BEG''IN=='; {command}; echo ==END''==$?", "Enter")
    deadline = time.monotonic() + 180
    while True:
        screen = _tmux("capture-pane", "-p", "-J", "-t", session, "-S", "-", "-E", "-")
        if "==END==" in screen:
            break
        assert time.monotonic() < deadline, screen[-3000:]
        time.sleep(0.5)
    lines = screen.splitlines()
    start = next(n for n, line in enumerate(lines) if line.strip() == "==BEGIN==") + 1
    end = next(n for n, line in enumerate(lines) if line.startswith("==END=="))
    assert lines[end] == "==END==0", lines[end]
    out = lines[start:end]
    text = "\n".join(out)

    # -J joins lines the terminal wrapped: none may be wider than the pane
    assert max(display_width(line) for line in out) <= WIDTH, max(out, key=display_width)
    table = [line for line in out if line[:1] in "┌├│└"]
    assert table and {display_width(line) for line in table} == {WIDTH}
    borders = {tuple(border_columns(line)) for line in table}
    assert len(borders) == 1, borders  # column separators line up on every row

    assert "11 pairs" in text and "4 only left" in text and "4 only right" in text
    for side in (report.left, report.right):
        for seg in side.segments:
            # tmux is no bidi terminal: --bidi auto picks app, so words show in visual order
            words = [w for w in seg.text.split() if len(w) > 3]
            shown = [w for w in words if visual_text(w) in text]
            assert len(shown) >= len(words) - 1, (seg.id, set(words) - set(shown))
    ids = _cell_ids(table)
    assert sorted(ids["left"]) == list(range(len(report.left.segments)))
    assert sorted(ids["right"]) == list(range(len(report.right.segments)))



def _cell_ids(table: list[str]) -> dict[str, list[int]]:
    """Segment ids ``[n]`` in the left and the right cell of the table's rows."""
    import re

    ids: dict[str, list[int]] = {"left": [], "right": []}
    for line in table:
        if not line.startswith("│"):
            continue
        cells = line.split("│")[1:-1]
        for role, cell in (("left", cells[1]), ("right", cells[2])):
            ids[role] += [int(n) for n in re.findall(r"\[(\d+)\]", cell)]
    return ids
