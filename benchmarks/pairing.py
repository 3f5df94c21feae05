"""``python -m benchmarks.pairing``: accuracy and scale of article pairing (``aligner pair``).

1. **Accuracy** on real parallel text: Quran surahs of at least 5 verses (109; the Arabic
   surah and its Persian translation, verse per line) and the 31 UDHR "articles" (the
   preamble and articles 1–30) stand in for news articles. A share (``--drop``, 20 %) of
   the articles on each side is removed, different ones on each side, so that their
   counterparts have none. Reports precision/recall/F1 of the proposed pairs and how
   many no-counterpart articles were correctly left out, for each kind of article vector.
   Uses the real default model through the vector cache (the first run encodes about
   12,500 verses; on this 2-core machine that takes about 10 minutes, later runs seconds).
2. **Scale**: time and peak memory of the matching (centring, index, kNN both ways, mutual best
   with a margin) at 100 to 100,000 articles a side on *synthetic* 768-d document vectors
   (see :func:`synthetic`: topic-clustered, counterparts at the cosines real translations
   have; also a low-rank and a uniform variant and a date window at 10,000), for the exact
   index and IVF (HNSW at 10,000 and 30,000), with the recall of the approximate index's
   pairs against the exact index's on the same vectors. The encoder is not the subject here:
   encoding cost is linear in the text and measured in ``benchmarks/speed.py``. Each run is
   its own process, so its peak RSS (``wait4``) is its own. ``--skip-accuracy`` keeps the
   accuracy section of the results file.

Writes ``benchmarks/PAIRING_RESULTS.md`` (command, date, tables).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

PROJECT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).with_name("PAIRING_RESULTS.md")
SIZES = (100, 1_000, 10_000, 30_000, 100_000)
DIM = 768  # the default article vector ("both": two 384-d e5-small vectors side by side)
PLANTED = 0.8
# Realistic structure (see the module doc): measured on the UDHR articles with the default
# model, centred "both" vectors: true pairs at cosine 0.37-0.60 (q10-q90, median 0.48), other
# pairs -0.02 ± 0.11.
TOPICS = 300
TOPIC_SHARE = 0.3  # cosine of two articles on the same topic (before their own noise)
SPECTRUM = 0.5  # "lowrank": axis i of an article's own direction scaled by (i+1)^-SPECTRUM
KINDS = ("topics", "lowrank", "uniform")
PAIR_COSINE = (0.35, 0.60)
DATE_SPAN_DAYS = 365
DATE_WINDOW = 3
MIN_VERSES = 5


# -- accuracy ---------------------------------------------------------------------------------


def benchmark_sets(cache_dir) -> dict[str, tuple[list[str], list[str]]]:
    """Name → (Arabic texts, Persian texts), index i on both sides the same article."""
    from benchmarks.data import load_quran, load_udhr

    surahs = [s for s in load_quran(cache_dir) if len(s) >= MIN_VERSES]
    groups: dict[str, list] = {}
    for unit in load_udhr(cache_dir):
        key = unit.key.split(".")[0] if unit.key.startswith("art-") else "preamble"
        groups.setdefault(key, []).append(unit)
    out = {}
    for name, docs in (("Quran surahs", surahs), ("UDHR articles", list(groups.values()))):
        out[name] = (["\n".join(u.ar for u in d) for d in docs], ["\n".join(u.fa for u in d) for d in docs])
    return out


def drop_split(n: int, share: float, seed: int) -> tuple[list[int], list[int]]:
    """Kept left and right indexes: a different ``share`` of the articles removed on each side."""
    perm = np.random.default_rng(seed).permutation(n)
    d = int(round(share * n))
    gone_left, gone_right = set(perm[:d].tolist()), set(perm[d : 2 * d].tolist())
    return [i for i in range(n) if i not in gone_left], [i for i in range(n) if i not in gone_right]


def score(proposed: set[tuple[int, int]], left: list[int], right: list[int]) -> dict:
    gold = {(i, i) for i in set(left) & set(right)}
    tp = len(proposed & gold)
    p = tp / len(proposed) if proposed else 1.0
    r = tp / len(gold) if gold else 1.0
    lone = [("l", i) for i in left if i not in set(right)] + [("r", j) for j in right if j not in set(left)]
    paired_l, paired_r = {a for a, _ in proposed}, {b for _, b in proposed}
    lone_ok = sum(1 for side, i in lone if i not in (paired_l if side == "l" else paired_r))
    return {"pairs": len(gold), "proposed": len(proposed), "precision": p, "recall": r,
            "f1": 2 * p * r / (p + r) if p + r else 0.0, "lone": len(lone), "lone_ok": lone_ok}


def run_accuracy(cache_dir, *, drop: float, seed: int) -> list[dict]:
    from aligner.pairing import document_vectors, match_vectors
    from embeddings.encoder import Encoder

    encoder = Encoder(cache_dir=cache_dir)
    rows = []
    for name, (ar, fa) in benchmark_sets(cache_dir).items():
        left, right = drop_split(len(ar), drop, seed)
        for embedding in ("both", "mean", "head"):
            start = time.perf_counter()
            lv = document_vectors([ar[i] for i in left], encoder=encoder, embedding=embedding)
            rv = document_vectors([fa[j] for j in right], encoder=encoder, embedding=embedding)
            seconds = time.perf_counter() - start
            for centred in ((True, False) if embedding == "both" else (True,)):
                matches = match_vectors(lv, rv, centred=centred)
                found = {(left[m.left], right[m.right]) for m in matches}
                rows.append({"set": name, "articles": len(ar), "embedding": embedding, "centred": centred,
                             "encode_s": seconds, **score(found, left, right)})
    encoder.close()
    return rows


# -- scale ------------------------------------------------------------------------------------


def _unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def synthetic(n: int, *, kind: str = "topics", seed: int = 0) -> tuple[np.ndarray, np.ndarray, int]:
    """n unit vectors a side; right ``i`` is left ``i``'s planted counterpart for ``i < PLANTED * n``.

    ``topics``: every article is a topic centre (one of :data:`TOPICS`, sizes log-normal) plus
    its own random direction, within-topic cosine :data:`TOPIC_SHARE`; a counterpart is its
    article plus noise, at a cosine drawn from :data:`PAIR_COSINE`. The rest of the right side
    are articles of their own. ``lowrank``: the same, but the own directions and the noise
    vary mostly along a few axes (effective dimension about 32), as the UDHR vectors do (other
    pairs' cosine ± 0.13 instead of ± 0.05): a hard case for any approximate index, since a
    counterpart is then no nearer to its article's cell than the article's neighbours.
    ``uniform``: random unit vectors, counterparts at cosine about 0.7.
    """
    rng = np.random.default_rng(seed)
    planted = int(PLANTED * n)
    if kind == "uniform":
        left, right = _unit(rng.standard_normal((n, DIM), np.float32)), _unit(rng.standard_normal((n, DIM), np.float32))
        right[:planted] = _unit(left[:planted] + _unit(rng.standard_normal((planted, DIM), np.float32)))
        return left, right, planted
    centres = _unit(rng.standard_normal((TOPICS, DIM), np.float32))
    weights = rng.lognormal(0.0, 1.0, TOPICS)
    weights /= weights.sum()

    # "lowrank": own directions (and the counterpart's difference) vary mostly along a few axes
    spread = ((np.arange(DIM) + 1.0) ** -(SPECTRUM if kind == "lowrank" else 0.0)).astype(np.float32)

    def own(count: int) -> np.ndarray:
        return _unit(rng.standard_normal((count, DIM), np.float32) * spread)

    def articles(count: int) -> np.ndarray:
        topic = centres[rng.choice(TOPICS, size=count, p=weights)]
        return _unit(np.sqrt(TOPIC_SHARE) * topic + np.sqrt(1.0 - TOPIC_SHARE) * own(count))

    left, right = articles(n), articles(n)
    cosine = rng.uniform(*PAIR_COSINE, size=(planted, 1)).astype(np.float32)
    # x + g·u with u independent of x has cosine about 1/√(1+g²) with x
    right[:planted] = _unit(left[:planted] + np.sqrt(1.0 / cosine**2 - 1.0) * own(planted))
    return left, right, planted


def synthetic_dates(n: int, planted: int, *, seed: int = 0) -> tuple[list[datetime.date], list[datetime.date]]:
    """Dates spread over :data:`DATE_SPAN_DAYS`; a planted counterpart appears 0–2 days after its article."""
    rng = np.random.default_rng(seed + 1)
    start = datetime.date(2025, 1, 1)
    left = rng.integers(0, DATE_SPAN_DAYS, n)
    right = rng.integers(0, DATE_SPAN_DAYS, n)
    right[:planted] = left[:planted] + rng.integers(0, 3, planted)
    day = datetime.timedelta(days=1)
    return [start + int(d) * day for d in left], [start + int(d) * day for d in right]


@dataclass(frozen=True)
class ScaleRun:
    """One timed matching run: ``n`` articles a side, an index method, a kind of synthetic vectors, dates or not."""

    n: int
    index: str
    kind: str = "topics"
    window: bool = False

    def args(self) -> list[str]:
        return [str(self.n), self.index, self.kind, str(int(self.window))]


def scale_runs(sizes) -> list[ScaleRun]:
    """Exact at every size; IVF from 1,000 on; HNSW at 10,000 and 30,000; other data and a date window at 10,000."""
    runs = []
    for n in sizes:
        runs.append(ScaleRun(n, "exact"))
        if n >= 1_000:
            runs.append(ScaleRun(n, "ivf"))
        if n in (10_000, 30_000):
            runs.append(ScaleRun(n, "hnsw"))
    if 10_000 in sizes:
        for kind, window in (("topics", True), ("lowrank", False), ("uniform", False)):
            runs += [ScaleRun(10_000, "exact", kind, window), ScaleRun(10_000, "ivf", kind, window)]
    return runs


def scale_child(run: ScaleRun) -> None:
    """One run in this process; prints JSON."""
    from aligner.pairing import choose_index, match_vectors

    left, right, planted = synthetic(run.n, kind=run.kind)
    left_dates, right_dates = synthetic_dates(run.n, planted) if run.window else (None, None)
    start = time.perf_counter()
    matches = match_vectors(left, right, index=run.index, left_dates=left_dates, right_dates=right_dates,
                            date_window_days=DATE_WINDOW if run.window else None)
    seconds = time.perf_counter() - start
    pairs = [[m.left, m.right] for m in matches]
    correct = sum(1 for a, b in pairs if a == b and a < planted)
    print(json.dumps({"n": run.n, "index": choose_index(run.n, run.n, run.index),
                      "kind": run.kind, "window": run.window,
                      "seconds": seconds, "planted": planted, "proposed": len(pairs),
                      "correct": correct, "pairs": pairs}))


def run_scale_child(run: ScaleRun) -> dict:
    load = os.getloadavg()[0]
    with subprocess.Popen([sys.executable, "-m", "benchmarks.pairing", "--scale-child", *run.args()],
                          cwd=PROJECT, env=dict(os.environ), stdout=subprocess.PIPE) as proc:
        out = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"scale run {run} failed ({proc.returncode})")
    result = json.loads(out)
    result["peak_mib"] = usage.ru_maxrss / 1024
    result["load"] = load
    return result


def run_scale(sizes, *, progress=None) -> tuple[list[dict], list[dict]]:
    """The timed rows, and the recall of each approximate run's pairs against the exact run on the same data."""
    rows = []
    for run in scale_runs(sizes):
        rows.append(run_scale_child(run))
        if progress:
            progress(rows[-1])
    recall = []
    for row in rows:
        if row["index"] == "exact":
            continue
        exact = next((r for r in rows
                      if r["index"] == "exact" and all(r[key] == row[key] for key in ("n", "kind", "window"))), None)
        if exact is None:
            continue
        e, a = {tuple(p) for p in exact["pairs"]}, {tuple(p) for p in row["pairs"]}
        recall.append({"n": row["n"], "index": row["index"], "kind": row["kind"], "window": row["window"],
                       "exact_pairs": len(e), "approx_pairs": len(a), "shared": len(e & a),
                       "recall": len(e & a) / len(e) if e else 1.0, "approx_only": len(a - e),
                       "speedup": exact["seconds"] / row["seconds"]})
    for r in rows:
        del r["pairs"]
    return rows, recall


# -- output -----------------------------------------------------------------------------------


def _setting(r: dict) -> str:
    return r["kind"] + (f", dates ±{DATE_WINDOW} d" if r["window"] else "")


def tables(acc: list[dict], scale: list[dict], recall: list[dict]):
    from rich.table import Table

    out = []
    if acc:
        t = Table(title="Pairing accuracy (real parallel text, default threshold and margin)")
        for col in ("set", "vector", "centred", "pairs", "proposed", "P", "R", "F1", "no-counterpart left out"):
            t.add_column(col, justify="left" if col in ("set", "vector") else "right")
        for r in acc:
            t.add_row(r["set"], r["embedding"], "yes" if r["centred"] else "no", str(r["pairs"]), str(r["proposed"]),
                      f"{r['precision']:.3f}", f"{r['recall']:.3f}", f"{r['f1']:.3f}", f"{r['lone_ok']}/{r['lone']}")
        out.append(t)
    if scale:
        t = Table(title=f"Scale (synthetic {DIM}-d vectors, {PLANTED:.0%} planted pairs; matching only, no encoding)")
        for col in ("articles a side", "vectors", "index", "seconds", "peak RSS MiB",
                    "correct / planted", "proposed", "load"):
            t.add_column(col, justify="right")
        for r in scale:
            t.add_row(f"{r['n']:,}", _setting(r), r["index"], f"{r['seconds']:.2f}", f"{r['peak_mib']:.0f}",
                      f"{r['correct']:,}/{r['planted']:,}", f"{r['proposed']:,}", f"{r['load']:.1f}")
        out.append(t)
    if recall:
        t = Table(title="Approximate against exact (same vectors)")
        for col in ("articles a side", "vectors", "index", "exact pairs", "approx. pairs", "in both",
                    "recall", "approx. only", "speed-up"):
            t.add_column(col, justify="right")
        for r in recall:
            t.add_row(f"{r['n']:,}", _setting(r), r["index"], f"{r['exact_pairs']:,}",
                      f"{r['approx_pairs']:,}", f"{r['shared']:,}",
                      f"{r['recall']:.4f}", str(r["approx_only"]), f"{r['speedup']:.1f}x")
        out.append(t)
    return out


def _old_accuracy_section() -> list[str]:
    """The accuracy section of the current results file (kept when this run skips accuracy)."""
    if not RESULTS.is_file():
        return []
    lines = RESULTS.read_text(encoding="utf-8").splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("## Accuracy")), None)
    if start is None:
        return []
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    return lines[start:end]


def markdown(command: str, acc, scale, recall, drop: float, seed: int) -> str:
    from embeddings.index import (HNSW_EF_SEARCH, HNSW_M, IVF_LISTS_PER_SQRT, IVF_NPROBE, IVF_TRAIN_ITER,
                                  IVF_TRAIN_PER_LIST)

    lines = [
        "# Article pairing benchmark",
        "",
        f"Command: `{command}`  ",
        f"Date: {datetime.date.today().isoformat()}; machine: {os.cpu_count()} cores.",
        "",
    ]
    if acc:
        lines += [
            f"## Accuracy (real parallel text; {drop:.0%} of articles removed on each side, seed {seed})",
            "",
            "Quran: Arabic surah vs its Persian translation (Makarem), surahs of ≥ 5 verses. UDHR: the",
            "preamble and articles 1–30. Defaults: `--threshold`, `--margin`, `--k` as in `aligner pair --help`.",
            "\"no-counterpart left out\": articles whose counterpart was removed and that got no pair.",
            "",
            "| set | vector | centred | pairs | proposed | P | R | F1 | no-counterpart left out |",
            "|---|---|---|---:|---:|---:|---:|---:|---:|",
        ]
        for r in acc:
            lines.append(f"| {r['set']} | {r['embedding']} | {'yes' if r['centred'] else 'no'} | "
                         f"{r['pairs']} | {r['proposed']} | "
                         f"{r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} | {r['lone_ok']}/{r['lone']} |")
        lines.append("")
    elif old := _old_accuracy_section():
        lines += old[:1] + ["",
                            "*Kept from the previous run of this benchmark (this run skipped it): the exact index's",
                            "matching results are unchanged, so these numbers still hold.*"] + old[1:]
    if scale:
        lines += [
            f"## Scale (synthetic {DIM}-d unit vectors, {PLANTED:.0%} with a planted counterpart)",
            "",
            "The encoder is not the subject here (its cost is linear in the text; see `benchmarks/speed.py`);",
            "each run (one process) times the matching only — centring, index build (IVF: k-means),",
            "kNN both ways, mutual best with the margin. Peak RSS is the whole process (Python, numpy,",
            "FAISS, the vectors). \"load\": the 1-minute load average when the run started (2 cores, shared",
            "with other work: timings are noisy).",
            "",
            f"Vectors: `topics` = {TOPICS} topic centres (log-normal sizes) + each article's own random direction",
            f"(same-topic cosine {TOPIC_SHARE}); a counterpart is its article plus noise at a cosine drawn from",
            f"{PAIR_COSINE[0]}–{PAIR_COSINE[1]} (centred default vectors of the UDHR "
            "translations: 0.37–0.60, median 0.48).",
            "`lowrank`: the same, but own directions and noise vary along few axes (effective dimension about",
            "32; other pairs' cosine ± 0.13, as in UDHR's ± 0.11) — a hard case for any approximate index.",
            f"`uniform`: random unit vectors (the previous benchmark). `dates`: spread over {DATE_SPAN_DAYS} days,",
            f"a counterpart 0–2 days after its article, `--date-window {DATE_WINDOW}`.",
            "",
            f"Index settings: IVF nlist = {IVF_LISTS_PER_SQRT}·√n lists (spherical k-means on "
            f"{IVF_TRAIN_PER_LIST} vectors a",
            f"list from both sides, {IVF_TRAIN_ITER} iterations, one set of centroids for both directions), nprobe =",
            f"{IVF_NPROBE}; HNSW M = {HNSW_M}, efSearch = {HNSW_EF_SEARCH}. "
            "An approximate index's hits are merged both",
            "ways (a pair found from either side counts).",
            "",
            "| articles a side | vectors | index | seconds | peak RSS MiB | correct / planted | proposed | load |",
            "|---:|---|---|---:|---:|---:|---:|---:|",
        ]
        for r in scale:
            lines.append(f"| {r['n']:,} | {_setting(r)} | {r['index']} | {r['seconds']:.2f} | {r['peak_mib']:.0f} | "
                         f"{r['correct']:,}/{r['planted']:,} | {r['proposed']:,} | {r['load']:.1f} |")
        lines.append("")
    if recall:
        lines += [
            "### Approximate against exact (same vectors)",
            "",
            "Recall = share of the exact index's proposed pairs the approximate index also proposes.",
            "",
            "| articles a side | vectors | index | exact pairs | approx. pairs | in both | recall "
            "| approx. only | speed-up |",
            "|---:|---|---|---:|---:|---:|---:|---:|---:|",
        ]
        for r in recall:
            lines.append(f"| {r['n']:,} | {_setting(r)} | {r['index']} | "
                         f"{r['exact_pairs']:,} | {r['approx_pairs']:,} | "
                         f"{r['shared']:,} | {r['recall']:.4f} | {r['approx_only']} | {r['speedup']:.1f}x |")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.pairing", description=__doc__.splitlines()[0])
    parser.add_argument("--cache-dir", default=None, help="model and vector cache (default: $ALIGNER_CACHE_DIR or XDG)")
    parser.add_argument("--drop", type=float, default=0.2, help="share of articles removed on each side")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--skip-accuracy", action="store_true")
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--no-write", action="store_true", help="do not write benchmarks/PAIRING_RESULTS.md")
    parser.add_argument("--scale-child", nargs=4, metavar=("N", "INDEX", "KIND", "WINDOW"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.scale_child:
        n, index, kind, window = args.scale_child
        scale_child(ScaleRun(int(n), index, kind, window == "1"))
        return
    from rich.console import Console

    console = Console()
    def show(row: dict) -> None:
        console.print(f"{row['n']:>7,} {_setting(row):<22} {row['index']:<6} {row['seconds']:8.2f} s "
                      f"{row['peak_mib']:6.0f} MiB "
                      f"{row['correct']:,}/{row['planted']:,} correct, {row['proposed']:,} "
                      f"proposed (load {row['load']:.1f})")

    # first: this process is still small
    scale, recall = run_scale(args.sizes, progress=show) if not args.skip_scale else ([], [])
    acc = run_accuracy(args.cache_dir, drop=args.drop, seed=args.seed) if not args.skip_accuracy else []
    for table in tables(acc, scale, recall):
        console.print(table)
    if not args.no_write:
        command = "python -m benchmarks.pairing" + (" " + " ".join(argv if argv is not None else sys.argv[1:])).rstrip()
        RESULTS.write_text(markdown(command.strip(), acc, scale, recall, args.drop, args.seed), encoding="utf-8")
        console.print(f"wrote {RESULTS.relative_to(PROJECT)}")


if __name__ == "__main__":
    main()
