"""The fact layer stays about linear on one long unpunctuated segment pair (issue 18, item 8).

Counted, not timed (the times are in ``python -m benchmarks.facts_speed``): the
fact comparisons made for a segment pair four times as long must grow far less
than the sixteen times that trying every fact against every fact (as before) gives.
"""

from __future__ import annotations

import pytest

from aligner.facts import check_texts, compare
from benchmarks.facts_speed import unpunctuated


def comparisons(monkeypatch, length: int) -> int:
    calls = 0

    def counted(function):
        def wrapper(*args, **kwargs):
            nonlocal calls
            calls += 1
            return function(*args, **kwargs)
        return wrapper

    with monkeypatch.context() as m:
        for name in ("relation", "conflict", "same_name"):
            m.setattr(compare, name, counted(getattr(compare, name)))
        report = check_texts(unpunctuated("ar", length), unpunctuated("fa", length))
    assert len(report.left) > length / 100 and len(report.right) > length / 100  # real facts were found
    return calls


def test_comparisons_grow_linearly_with_a_long_segment(monkeypatch):
    short, long_ = comparisons(monkeypatch, 6_000), comparisons(monkeypatch, 24_000)
    # four times the text: 4x when linear, 16x when every fact is tried against every fact (as before);
    # names and figures a long text repeats still add a smaller term (about 8.5x here)
    assert long_ < 10 * short, (short, long_)


@pytest.mark.parametrize("length", [6_000])
def test_facts_of_a_long_segment_are_those_of_its_pieces(length):
    # the indexes that make it linear must find what a full scan finds: every number of one side
    # that the other side states too is shared, none is reported as one-sided
    left, right = unpunctuated("ar", length), unpunctuated("fa", length)
    report = check_texts(left, right)
    right_numbers = {f.value for f in report.right if f.kind == "number"}
    for i, f in enumerate(report.left):
        if f.kind == "number" and f.value in right_numbers and not f.unit:
            assert i not in report.left_only, f
