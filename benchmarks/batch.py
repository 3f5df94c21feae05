"""``python -m benchmarks.batch``: how fast ``aligner batch`` is, by ``batch_pairs`` and encoding threads.

Builds ``--pairs`` article pairs from the Quran benchmark source (Arabic verses on the
left, the Persian translation on the right, a window of ``--verses`` verses per pair,
two verses dropped on each side, verses no longer than news sentences, so that each pair is news-like rather than a
translation), writes them and a manifest to a temporary folder, and times
:func:`aligner.batch.batch` over them with the vector cache off (every run encodes
everything; the model is loaded and warmed once, before timing). Then the warm case:
the same batch again with the vector cache on and filled, into a fresh folder (no
encoding), and a re-run into the same folder (everything skipped).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import tempfile
import time
from pathlib import Path

from aligner.batch import batch
from benchmarks.data import load_quran
from embeddings.encoder import Encoder


def make_pairs(folder: Path, *, pairs: int, verses: int, seed: int) -> Path:
    """Verses of news-sentence length (Arabic ≤ 200, Persian ≤ 260 characters), in Quran order."""
    rng = random.Random(seed)
    units = [u for surah in load_quran() for u in surah if len(u.ar) <= 200 and len(u.fa) <= 260]
    lines = ["left,right,id,first_verse"]
    for n in range(pairs):
        start = rng.randrange(0, len(units) - verses + 1)
        window = units[start : start + verses]
        drop_left, drop_right = set(rng.sample(range(verses), 2)), set(rng.sample(range(verses), 2))
        left = [u.ar for i, u in enumerate(window) if i not in drop_left]
        right = [u.fa for i, u in enumerate(window) if i not in drop_right]
        (folder / f"{n:04d}.ar.txt").write_text("\n".join(left) + "\n", encoding="utf-8")
        (folder / f"{n:04d}.fa.txt").write_text("\n".join(right) + "\n", encoding="utf-8")
        lines.append(f"{n:04d}.ar.txt,{n:04d}.fa.txt,p{n:04d},{window[0].key}")
    manifest = folder / "manifest.csv"
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return manifest


def timed(label: str, **kwargs) -> float:
    start = time.perf_counter()
    result = batch(**kwargs)
    seconds = time.perf_counter() - start
    assert result.failed == 0, result
    total = result.total
    print(f"{label:<44} {seconds:7.2f} s  {total / seconds:6.2f} pairs/s  (done {result.done}, skipped "
          f"{result.skipped})", flush=True)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=24)
    parser.add_argument("--verses", type=int, default=12)
    parser.add_argument("--groups", default="1,4,8,24", help="batch_pairs values to time")
    parser.add_argument("--threads", default="", help="also time these encoding thread counts (workers), e.g. 1")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        manifest = make_pairs(tmp, pairs=args.pairs, verses=args.verses, seed=args.seed)
        sentences = sum(len(p.read_text(encoding="utf-8").splitlines()) for p in tmp.glob("*.txt"))
        print(f"{args.pairs} pairs, {sentences} lines in all ({args.verses - 2} verses a side)")
        cold = Encoder(use_cache=False)
        cold.encode(["warm-up"] * 4)  # load the model before timing
        print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
              f"{cold.identity} on {cold.runtime}")
        groups = [int(g) for g in args.groups.split(",")]
        threads = [None] + [int(t) for t in args.threads.split(",") if t]
        for rep in range(args.repeat):
            for workers in threads:
                for group in groups:
                    label = f"batch_pairs={group} threads={workers or 'default'} (run {rep + 1})"
                    timed(label, manifest_or_dirs=manifest, out_dir=tmp / f"out-{rep}-{workers}-{group}",
                          encoder=cold, batch_pairs=group, workers=workers)
        cache = Path(tmp) / "cache"
        cache.mkdir()
        (cache / "models").symlink_to(cold.root / "models")
        warm = Encoder(cache_dir=cache)
        timed("vector cache empty (fills it)", manifest_or_dirs=manifest, out_dir=tmp / "warm-1", encoder=warm)
        timed("vector cache full, fresh output folder", manifest_or_dirs=manifest, out_dir=tmp / "warm-2", encoder=warm)
        timed("re-run into the same folder (all skipped)", manifest_or_dirs=manifest,
              out_dir=tmp / "warm-2", encoder=warm)


if __name__ == "__main__":
    main()
