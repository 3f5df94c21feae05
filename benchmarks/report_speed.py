"""Time and peak memory of ``aligner report`` on a large batch output.

    python -m benchmarks.report_speed [--records 10000]

Builds a ``reports.jsonl`` of N records from real reports (the comparable-news benchmark's 32 pairs,
compared with the default model and settings; vectors cached after the first run), each repeated with
its own id and one of eight outlets as metadata, then times ``summarise_batch`` and
``render_corpus_html`` and measures the peak memory they allocate (``tracemalloc``). Prints a table.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import tracemalloc
from pathlib import Path

from rich.console import Console
from rich.table import Table

from aligner import compare
from aligner.corpus_report import render_corpus_html, summarise_batch
from benchmarks.news import load_news


def write_records(path: Path, n: int) -> int:
    reports = [compare("\n".join(p.ar), "\n".join(p.fa)).to_dict() for p in load_news()]
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            record = {"id": f"pair-{i}", "left": f"ar/{i}.txt", "right": f"fa/{i}.txt",
                      "metadata": {"outlet": f"outlet-{i % 8}"}, "content_hash": None, "status": "ok",
                      "report": reports[i % len(reports)]}
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path.stat().st_size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.report_speed", description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, nargs="*", default=[1000, 10000])
    args = parser.parse_args(argv)
    table = Table(title="aligner report: summarise a batch output and write the page")
    for col in ("records", "file MB", "summarise s", "page s", "peak MB (tracemalloc)"):
        table.add_column(col, justify="right")
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.records:
            path = Path(tmp) / f"reports-{n}.jsonl"
            size = write_records(path, n)
            tracemalloc.start()
            t0 = time.perf_counter()
            summary = summarise_batch(path, by="outlet")
            t1 = time.perf_counter()
            render_corpus_html(summary)
            t2 = time.perf_counter()
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            table.add_row(f"{n:,}", f"{size / 1e6:.0f}", f"{t1 - t0:.1f}", f"{t2 - t1:.1f}", f"{peak / 1e6:.0f}")
    Console().print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
