"""``python -m benchmarks.facts_speed``: the fact layer's time on one long unpunctuated segment pair.

An article without sentence punctuation is one segment, and ``--max-bytes``
admits 2 MB. The fact layer must stay about linear in such a segment's length
(issue 18: it was quadratic, 18 / 72 / 302 s at 12.5k / 25k / 50k characters).
The text is the news benchmark's Arabic and Persian lines with their
punctuation removed (real words, names, numbers and dates), cut to each length.
"""

from __future__ import annotations

import argparse
import re
import time

from rich.console import Console
from rich.table import Table

from aligner.facts import check_texts
from benchmarks.news import load_news

LENGTHS = (12_500, 25_000, 50_000, 100_000)


def unpunctuated(side: str, length: int) -> str:
    """The news pairs' lines of one side without punctuation, repeated and cut to about ``length`` characters."""
    words = [w for p in load_news() for line in p.lines(side) for w in re.sub(r"[^\w\s]", " ", line).split()]
    out, size = [], 0
    while size < length:
        for w in words:
            if size >= length:
                break
            out.append(w)
            size += len(w) + 1
    return " ".join(out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.facts_speed", description=__doc__.splitlines()[0])
    parser.add_argument("--lengths", type=int, nargs="+", default=list(LENGTHS), help="characters a side")
    args = parser.parse_args(argv)
    table = Table(title="fact layer on one unpunctuated segment pair (check_texts)")
    for label in ("characters a side", "facts ar", "facts fa", "seconds", "ms per 1k characters"):
        table.add_column(label, justify="right")
    for length in args.lengths:
        left, right = unpunctuated("ar", length), unpunctuated("fa", length)
        start = time.perf_counter()
        report = check_texts(left, right)
        seconds = time.perf_counter() - start
        table.add_row(f"{length:,}", str(len(report.left)), str(len(report.right)), f"{seconds:.2f}",
                      f"{1000 * seconds / (length / 1000):.1f}")
    Console().print(table)


if __name__ == "__main__":
    main()
