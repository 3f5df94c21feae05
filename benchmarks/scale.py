"""``python -m benchmarks.scale``: ``aligner batch`` pairs/s, local engine against Ray, on this machine.

Builds ``--pairs`` (200) article pairs in a temporary folder from the bundled samples
(``corpora/samples/batch``, ``corpora/samples``, and ``../shared/corpora`` when present): each
pair is one of the source pairs with one or two sentences dropped on each side, and a pair
number written into every sentence, so that no two pairs share a sentence and nothing
comes from a cache (the vector cache is off too). Then each configuration runs in its own
process (so that its peak memory is its own): by default the local engine with one torch
thread (the faster setting on a shared machine, README "Batch"; add ``local:2`` to ``--configs``
for two), Ray with 1 and 2 encoding actors (a local Ray instance started by the run). Times are end to
end, model loading and Ray's start included; "steady" is the rate between the first and the
last finished pair, what matters for 10^6 pairs. The driver's CPU time per pair (same span) and the
report bytes per pair give the driver's and the storage's limits. Prints a table and
writes ``benchmarks/SCALE_RESULTS.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "corpora" / "samples"
SHARED = ROOT.parent / "shared" / "corpora"
RESULTS = Path(__file__).resolve().parent / "SCALE_RESULTS.md"
CONFIGS = "local:1,ray:1,ray:2"
ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def sources() -> list[tuple[list[str], list[str]]]:
    """(Arabic lines, Persian lines) of every usable sample pair."""
    pairs = [(SAMPLES / "batch" / "ar" / f"{n}.txt", SAMPLES / "batch" / "fa" / f"{n}.txt")
             for n in ("library", "bridge", "science-fair")]
    pairs.append((SAMPLES / "ar.txt", SAMPLES / "fa.txt"))
    if (SHARED / "seed_ar.txt").is_file():
        pairs.append((SHARED / "seed_ar.txt", SHARED / "seed_fa.txt"))
    read = lambda p: [line for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]  # noqa: E731
    return [(read(a), read(f)) for a, f in pairs]


def make_pairs(folder: Path, *, pairs: int, seed: int) -> Path:
    rng = random.Random(seed)
    pool = sources()
    rows = ["left,right,id,source"]
    for n in range(pairs):
        source = n % len(pool)
        ar, fa = pool[source]
        sides = []
        for lines, digits in ((ar, ARABIC_DIGITS), (fa, PERSIAN_DIGITS)):
            keep = sorted(rng.sample(range(len(lines)), max(2, len(lines) - rng.randint(1, 2))))
            mark = f" ({n + 1})".translate(digits)
            sides.append("\n".join(lines[i] + mark for i in keep) + "\n")
        for side, text in zip(("ar", "fa"), sides, strict=True):
            (folder / f"{n:04d}.{side}.txt").write_text(text, encoding="utf-8")
        rows.append(f"{n:04d}.ar.txt,{n:04d}.fa.txt,p{n:04d},{source}")
    manifest = folder / "manifest.csv"
    manifest.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return manifest


def run_one(engine: str, workers: int, manifest: Path, out: Path) -> dict:
    """One configuration, in this process: end-to-end seconds, steady rate, driver peak RSS and CPU."""
    from aligner.batch import batch

    stamps: list[float] = []
    cpu: list[float] = []

    def progress(done: int, total: int) -> None:
        stamps.append(time.perf_counter())
        cpu.append(time.process_time())

    start = time.perf_counter()
    result = batch(manifest, out, engine=engine, workers=workers, use_cache=False, progress=progress)
    seconds = time.perf_counter() - start
    assert result.failed == 0 and result.done == result.total, result
    steady = (len(stamps) - 1) / (stamps[-1] - stamps[0]) if len(stamps) > 1 and stamps[-1] > stamps[0] else 0.0
    return {
        "engine": engine, "workers": workers, "pairs": result.total, "seconds": round(seconds, 2),
        "pairs_per_s": round(result.total / seconds, 3), "steady_pairs_per_s": round(steady, 3),
        "first_pair_s": round(stamps[0] - start, 2) if stamps else None,
        "driver_peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "driver_cpu_ms_per_pair": round(1000 * (cpu[-1] - cpu[0]) / max(len(cpu) - 1, 1), 2),
        "report_bytes_per_pair": round((out / "reports.jsonl").stat().st_size / result.total),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=200)
    parser.add_argument("--configs", default=CONFIGS, help="engine:workers, comma-separated")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--no-write", action="store_true", help=f"do not write {RESULTS.name}")
    parser.add_argument("--run", nargs=4, metavar=("ENGINE", "WORKERS", "MANIFEST", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        engine, workers, manifest, out = args.run
        print(json.dumps(run_one(engine, int(workers), Path(manifest), Path(out))), flush=True)
        return
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        manifest = make_pairs(tmp, pairs=args.pairs, seed=args.seed)
        lines = sum(len(p.read_text(encoding="utf-8").splitlines()) for p in tmp.glob("*.txt"))
        print(f"{args.pairs} pairs, {lines} sentences in all; vector cache off", flush=True)
        for n, config in enumerate(args.configs.split(",")):
            engine, workers = config.split(":")
            done = subprocess.run(
                [sys.executable, "-m", "benchmarks.scale", "--run", engine, workers,
                 str(manifest), str(tmp / f"out{n}")],
                cwd=ROOT, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
            )
            if done.returncode != 0:
                sys.exit(f"{config} failed:\n{done.stderr[-3000:]}")
            rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
            print(_row(rows[-1]), flush=True)
    table = _table(rows)
    print(table)
    if not args.no_write:
        RESULTS.write_text(_document(args, lines, table, rows), encoding="utf-8")
        print(f"wrote {RESULTS}")


COLUMNS = ("engine", "workers", "pairs", "seconds", "pairs_per_s", "steady_pairs_per_s", "first_pair_s",
           "driver_peak_rss_mib", "driver_cpu_ms_per_pair", "report_bytes_per_pair")
HEADERS = ("engine", "workers", "pairs", "seconds", "pairs/s", "steady pairs/s", "first pair s",
           "driver peak RSS MiB", "driver CPU ms/pair", "report bytes/pair")


def _row(row: dict) -> str:
    return "| " + " | ".join(str(row[c]) for c in COLUMNS) + " |"


def _table(rows: list[dict]) -> str:
    return "\n".join(["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS), *map(_row, rows)])


def _document(args, lines: int, table: str, rows: list[dict]) -> str:
    import torch

    try:
        import ray

        ray_version = ray.__version__
    except ImportError:
        ray_version = "not installed"
    load = os.getloadavg()
    return f"""# Scale results (`aligner batch`, local engine and Ray)

Command: `python -m benchmarks.scale --pairs {args.pairs} --configs {args.configs} --seed {args.seed}`
Date: {dt.date.today().isoformat()}. Machine: {platform.machine()}, {os.cpu_count()} cores, Linux
{platform.release()}, Python {platform.python_version()}, torch {torch.__version__}, ray {ray_version};
load average at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (the machine was shared with other work).

{args.pairs} pairs built from the bundled samples (one or two sentences dropped a side, a pair number
in every sentence: {lines} sentences in all, no sentence shared by two pairs), vector cache off, every configuration in
a fresh process. `workers`: local, torch threads; ray, encoding actors of one CPU each on a local
Ray instance started by the run. `seconds` is end to end (model load and Ray start included);
`steady pairs/s` is the rate between the first and the last finished pair; `driver CPU ms/pair`
is the driver process's own CPU time per pair over the same span (local: everything, encoding
included; Ray: waiting for, reading and writing the answers only).

{table}

See README, "Scale out with Ray", for what these numbers mean for a cluster.
"""


if __name__ == "__main__":
    main()
