"""Golden outputs of the views on the frozen sample report (tests/golden/make.py says how to regenerate)."""

from __future__ import annotations

import difflib
import os

import pytest

from golden.make import CASES, golden_path, load_report, render_case

UPDATE = os.environ.get("ALIGNER_UPDATE_GOLDEN") == "1"


@pytest.fixture(scope="module")
def report():
    return load_report()


@pytest.mark.parametrize("name", list(CASES))
def test_golden(name, report):
    got = render_case(name, report)
    path = golden_path(name)
    if UPDATE:
        path.write_text(got, encoding="utf-8")
    expected = path.read_text(encoding="utf-8")
    if got != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), got.splitlines(True), str(path), "rendered"))
        pytest.fail(f"{name} differs from its golden file (ALIGNER_UPDATE_GOLDEN=1 to accept "
                    f"after review):\n{diff[:4000]}")


def test_golden_text_views_hold_every_segment(report):
    for name, (fmt, _options) in CASES.items():
        if fmt != "text":
            continue
        out = golden_path(name).read_text(encoding="utf-8")
        for side in (report.left, report.right):
            for seg in side.segments:
                assert f"[{seg.id}]" in out, (name, seg.id)
