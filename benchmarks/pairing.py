"""``python -m benchmarks.pairing``: accuracy and scale of article pairing (``aligner pair``).

1. **Accuracy** on real parallel text: Quran surahs of at least 5 verses (109; the Arabic
   surah and its Persian translation, verse per line) and the 31 UDHR "articles" (the
   preamble and articles 1–30) stand in for news articles. A share (``--drop``, 20 %) of
   the articles on each side is removed, different ones on each side, so that their
   counterparts have none. Reports precision/recall/F1 of the proposed pairs and how
   many no-counterpart articles were correctly left out, for each kind of article vector.
   Uses the real default model through the vector cache (the first run encodes about
   12,500 verses; on this 2-core machine that takes about 10 minutes, later runs seconds).
2. **Scale**: time and peak memory of the matching (index, kNN both ways, mutual best with
   a margin) at 100, 1,000, 10,000 and 30,000 articles a side on *synthetic* document vectors
   (random unit vectors, 384 dimensions, 80 % of them with a planted counterpart = the
   vector plus noise). The encoder is not the subject here: encoding cost is linear in the
   text and measured in ``benchmarks/speed.py``. Each size runs in its own process, so its
   peak RSS (``wait4``) is its own. At 10,000 it also measures HNSW against the exact index.

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
from pathlib import Path

import numpy as np

PROJECT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).with_name("PAIRING_RESULTS.md")
SIZES = (100, 1_000, 10_000, 30_000)  # 30,000: where exact's quadratic cost starts to show
DIM = 384
PLANTED = 0.8
NOISE = 1.0  # norm of the noise added to a planted counterpart (cosine of a true pair about 0.7)
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


def synthetic(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, int]:
    """n unit vectors a side; the first ``PLANTED * n`` right vectors are the left ones plus noise (in shuffled order)."""
    rng = np.random.default_rng(seed)

    def unit(x):
        return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)

    left = unit(rng.standard_normal((n, DIM)))
    planted = int(PLANTED * n)
    right = unit(rng.standard_normal((n, DIM)))
    right[:planted] = unit(left[:planted] + NOISE * unit(rng.standard_normal((planted, DIM))))
    return left, right, planted


def scale_child(n: int, index: str) -> None:
    """One run in this process; prints JSON."""
    from aligner.pairing import choose_index, match_vectors

    left, right, planted = synthetic(n)
    start = time.perf_counter()
    matches = match_vectors(left, right, index=index)
    seconds = time.perf_counter() - start
    pairs = [[m.left, m.right] for m in matches]
    correct = sum(1 for a, b in pairs if a == b and a < planted)
    print(json.dumps({"n": n, "index": choose_index(n, n, index), "seconds": seconds, "planted": planted,
                      "proposed": len(pairs), "correct": correct, "pairs": pairs}))


def run_scale_child(n: int, index: str) -> dict:
    env = dict(os.environ)
    with subprocess.Popen([sys.executable, "-m", "benchmarks.pairing", "--scale-child", str(n), index],
                          cwd=PROJECT, env=env, stdout=subprocess.PIPE) as proc:
        out = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"scale run n={n} index={index} failed ({proc.returncode})")
    result = json.loads(out)
    result["peak_mib"] = usage.ru_maxrss / 1024
    return result


def run_scale(sizes) -> tuple[list[dict], dict | None]:
    rows = []
    for n in sizes:
        for index in ("exact", "hnsw"):
            rows.append(run_scale_child(n, index))
    big = 10_000 if 10_000 in sizes else max(sizes)
    exact = next(r for r in rows if r["n"] == big and r["index"] == "exact")
    hnsw = next(r for r in rows if r["n"] == big and r["index"] == "hnsw")
    e, h = {tuple(p) for p in exact["pairs"]}, {tuple(p) for p in hnsw["pairs"]}
    recall = {"n": big, "exact_pairs": len(e), "hnsw_pairs": len(h), "shared": len(e & h),
              "recall": len(e & h) / len(e) if e else 1.0, "hnsw_only": len(h - e)}
    for r in rows:
        del r["pairs"]
    return rows, recall


# -- output -----------------------------------------------------------------------------------


def tables(acc: list[dict], scale: list[dict], recall: dict | None):
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
        for col in ("articles a side", "index", "seconds", "peak RSS MiB", "correct / planted", "proposed"):
            t.add_column(col, justify="right")
        for r in scale:
            t.add_row(f"{r['n']:,}", r["index"], f"{r['seconds']:.2f}", f"{r['peak_mib']:.0f}",
                      f"{r['correct']:,}/{r['planted']:,}", f"{r['proposed']:,}")
        out.append(t)
    if recall:
        t = Table(title=f"HNSW against exact at {recall['n']:,} articles a side")
        for col in ("exact pairs", "HNSW pairs", "in both", "recall", "HNSW only"):
            t.add_column(col, justify="right")
        t.add_row(f"{recall['exact_pairs']:,}", f"{recall['hnsw_pairs']:,}", f"{recall['shared']:,}",
                  f"{recall['recall']:.4f}", str(recall["hnsw_only"]))
        out.append(t)
    return out


def markdown(command: str, acc, scale, recall, drop: float, seed: int) -> str:
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
            lines.append(f"| {r['set']} | {r['embedding']} | {'yes' if r['centred'] else 'no'} | {r['pairs']} | {r['proposed']} | "
                         f"{r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} | {r['lone_ok']}/{r['lone']} |")
        lines.append("")
    if scale:
        lines += [
            f"## Scale (synthetic {DIM}-d unit vectors, {PLANTED:.0%} with a planted counterpart)",
            "",
            "The encoder is not the subject here (its cost is linear in the text; see `benchmarks/speed.py`):",
            "the vectors are random, and each run (one process) times the matching only — index, kNN both",
            "ways, mutual best with the margin. Peak RSS is the whole process (Python, numpy, FAISS).",
            "",
            "| articles a side | index | seconds | peak RSS MiB | correct / planted | proposed |",
            "|---:|---|---:|---:|---:|---:|",
        ]
        for r in scale:
            lines.append(f"| {r['n']:,} | {r['index']} | {r['seconds']:.2f} | {r['peak_mib']:.0f} | "
                         f"{r['correct']:,}/{r['planted']:,} | {r['proposed']:,} |")
        lines.append("")
    if recall:
        lines += [
            f"HNSW (M=32, efSearch=128) against exact at {recall['n']:,} a side: {recall['shared']:,} of the exact "
            f"index's {recall['exact_pairs']:,} pairs also proposed with HNSW (recall {recall['recall']:.4f}); "
            f"{recall['hnsw_only']} pairs only with HNSW.",
            "",
        ]
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
    parser.add_argument("--scale-child", nargs=2, metavar=("N", "INDEX"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.scale_child:
        scale_child(int(args.scale_child[0]), args.scale_child[1])
        return
    from rich.console import Console

    console = Console()
    scale, recall = run_scale(args.sizes) if not args.skip_scale else ([], None)  # first: this process is still small
    acc = run_accuracy(args.cache_dir, drop=args.drop, seed=args.seed) if not args.skip_accuracy else []
    for table in tables(acc, scale, recall):
        console.print(table)
    if not args.no_write:
        command = "python -m benchmarks.pairing" + (" " + " ".join(argv if argv is not None else sys.argv[1:])).rstrip()
        RESULTS.write_text(markdown(command.strip(), acc, scale, recall, args.drop, args.seed), encoding="utf-8")
        console.print(f"wrote {RESULTS.relative_to(PROJECT)}")


if __name__ == "__main__":
    main()
