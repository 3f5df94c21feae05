"""Alignment quality on Arabic–Persian benchmark sets: our aligner beside the published baselines.

    python -m benchmarks.quality                 # dev, dev-short (Quran) and test; writes benchmarks/RESULTS.md
    python -m benchmarks.quality --docs 2        # a quick run: two documents per set and split
    python -m benchmarks.quality --model intfloat/multilingual-e5-large --methods aligner
                                                 # another model (hub name or local folder);
                                                 # writes benchmarks/RESULTS-<model>.md

Every method gets the same vectors (the embedded model unless ``--model`` names
another; the text the model sees as produced by ``aligner.text.model_text``),
the same span encoder for joined runs and the same segment lengths (characters
of that text), which our aligner and Bertalign use and the others, as
published, do not. Baselines are reported twice: at their published defaults
("untuned") and with their one threshold chosen on the dev split ("tuned", one
value for every set). Our aligner runs with its defaults, which were set on dev
only, for the embedded model.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from aligner.align import AlignParams, Alignment, align
from aligner.lexical import lexical_similarity
from aligner.pipeline import fact_evidence
from aligner.text import model_text
from benchmarks import baselines
from benchmarks.metrics import DocScores, Prediction, macro_average, score_document
from benchmarks.sets import BenchDoc, BenchSets, build_sets
from embeddings.encoder import Encoder
from embeddings.models import EmbeddingError

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
Method = Callable[..., Alignment]


@dataclass(frozen=True)
class MethodSpec:
    name: str
    run: Method
    options: dict = field(default_factory=dict)
    tune: tuple[str, tuple[float, ...]] | None = None  # option name, dev grid


def method_specs() -> list[MethodSpec]:
    return [
        MethodSpec("aligner", aligner_run(AlignParams())),
        MethodSpec("greedy-nn", _without_lengths(baselines.greedy_nn),
                   tune=("threshold", (0.60, 0.65, 0.70, 0.75, 0.80, 0.85, 0.90))),
        MethodSpec("margin-mnn", _without_lengths(baselines.margin_mnn),
                   tune=("threshold", (0.90, 0.94, 0.97, 1.00, 1.03, 1.06))),
        MethodSpec("vecalign", _without_lengths(baselines.vecalign_dp),
                   tune=("del_penalty", (0.2, 0.3, 0.4, 0.5, 0.7, 0.9))),
        MethodSpec("bertalign", _bertalign_with_lengths, tune=("skip", (-0.2, -0.1, -0.05, 0.0, 0.05, 0.1, 0.2))),
    ]


def aligner_run(params: AlignParams) -> Method:
    """Our aligner with ``params``, as a method."""
    return lambda left, right, **kw: align(left, right, params=params, **kw)


def _without_lengths(method: Method) -> Method:
    """A method whose published form has no length term: the lengths are not used."""
    return lambda left, right, *, lengths, lexical, shared, apart, **kw: method(left, right, **kw)


def _bertalign_with_lengths(left, right, *, lengths, lexical, shared, apart, **kw) -> Alignment:
    return baselines.bertalign_two_pass(left, right, left_lengths=lengths[0], right_lengths=lengths[1], **kw)


@dataclass
class Embedded:
    """A document's vectors and a span encoder over its texts (cached by the Encoder)."""

    doc: BenchDoc
    left: np.ndarray
    right: np.ndarray
    span_encoder: Callable[[str, list[tuple[int, int]]], np.ndarray]
    lengths: tuple[list[int], list[int]]  # characters of each segment's model text, left and right
    lexical: np.ndarray  # the segments' lexical similarity, as the pipeline gives the aligner
    shared: np.ndarray  # where two segments state the same specific figure, as the pipeline gives the aligner
    apart: np.ndarray  # where two segments date what they say in different years, as the pipeline gives the aligner


def embed_docs(encoder: Encoder, docs: list[BenchDoc]) -> list[Embedded]:
    seen = {side: [[model_text(t) for t in getattr(d, side)] for d in docs] for side in ("left", "right")}
    texts = sorted({t for side in seen.values() for doc in side for t in doc})
    vectors = dict(zip(texts, encoder.encode(texts), strict=True))
    out = []
    for d, left, right in zip(docs, seen["left"], seen["right"], strict=True):
        def spans(side: str, runs: list[tuple[int, int]], d=d) -> np.ndarray:
            units = d.left if side == "left" else d.right
            return encoder.encode([model_text(" ".join(units[a:b])) for a, b in runs])

        out.append(Embedded(d, np.stack([vectors[t] for t in left]), np.stack([vectors[t] for t in right]), spans,
                            ([len(t) for t in left], [len(t) for t in right]), lexical_similarity(d.left, d.right),
                            *fact_evidence(d.left, d.right, left_lang="ar", right_lang="fa")))
    return out


def as_prediction(result: Alignment) -> Prediction:
    return Prediction([(p.left, p.right) for p in result.pairs], list(result.left_only), list(result.right_only))


@dataclass(frozen=True)
class Outcome:
    scores: DocScores
    seconds: float
    segments: int

    @property
    def segments_per_second(self) -> float:
        return self.segments / self.seconds if self.seconds else float("inf")


def evaluate(run: Method, docs: list[Embedded], options: dict) -> Outcome:
    scores, seconds, segments = [], 0.0, 0
    for e in docs:
        start = time.perf_counter()
        result = run(e.left, e.right, span_encoder=e.span_encoder, lengths=e.lengths, lexical=e.lexical,
                     shared=e.shared, apart=e.apart, **options)
        seconds += time.perf_counter() - start
        segments += len(e.doc.left) + len(e.doc.right)
        scores.append(score_document(as_prediction(result), e.doc))
    return Outcome(macro_average(scores), seconds, segments)


def objective(s: DocScores) -> float:
    """What tuning maximises: pair F1 and one-sided F1 on both sides, equally."""
    return (s.pair_f1 + (s.left_only_f1 + s.right_only_f1) / 2) / 2


def tune(spec: MethodSpec, dev: dict[str, list[Embedded]]) -> dict:
    """The grid value with the best mean objective over all dev sets (one setting for every set)."""
    name, grid = spec.tune
    best_value, best_score = grid[0], -1.0
    for value in grid:
        mean = np.mean([objective(evaluate(spec.run, docs, {name: value}).scores) for docs in dev.values()])
        if mean > best_score:
            best_value, best_score = value, mean
    return {name: best_value}


SPLITS = ("dev", "dev-short", "test")  # dev-short: Quran only (see benchmarks/sets.py)
REPORT_ORDER = ("test", "dev", "dev-short")


@dataclass
class Row:
    set_name: str
    split: str
    method: str
    outcome: Outcome
    options: dict


def run_quality(*, seed: int = 13, docs: int | None = None, methods: list[str] | None = None,
                splits: tuple[str, ...] = SPLITS, cache_dir: str | None = None, encoder: Encoder | None = None,
                progress: Callable[[str, int, int], None] | None = None) -> tuple[list[Row], BenchSets]:
    n_dev, n_test = (docs, docs) if docs else (20, 40)
    bench = build_sets(seed=seed, n_dev=n_dev, n_test=n_test, cache_dir=cache_dir)
    encoder = encoder or Encoder(cache_dir=cache_dir)
    specs = [s for s in method_specs() if methods is None or s.name in methods]
    embedded: dict[str, dict[str, list[Embedded]]] = {}
    names = sorted(bench.sets)
    for n, set_name in enumerate(names):
        if progress:
            progress("encoding", n, len(names))
        embedded[set_name] = {split: embed_docs(encoder, split_docs)
                              for split, split_docs in bench.sets[set_name].items() if split in splits}
    if progress:
        progress("encoding", len(names), len(names))
    rows: list[Row] = []
    dev = {name: embedded[name]["dev"] for name in names} if "dev" in splits else {}
    for n, spec in enumerate(specs):
        if progress:
            progress("methods", n, len(specs))
        variants = [(spec.name if not spec.tune else f"{spec.name} (untuned)", dict(spec.options))]
        if spec.tune and dev:
            variants.append((f"{spec.name} (tuned)", {**spec.options, **tune(spec, dev)}))
        for label, options in variants:
            for set_name in names:
                for split in embedded[set_name]:
                    rows.append(Row(set_name, split, label, evaluate(spec.run, embedded[set_name][split], options),
                                    options))
    if progress:
        progress("methods", len(specs), len(specs))
    return rows, bench


METRICS = (
    ("pair P", "pair_p"), ("pair R", "pair_r"), ("pair F1", "pair_f1"),
    ("ar-only F1", "left_only_f1"), ("fa-only F1", "right_only_f1"),
)


def markdown(rows: list[Row], bench: BenchSets, *, command: str, model: str) -> str:
    lines = [
        "# Alignment quality",
        "",
        f"Command: `{command}`  ",
        f"Seed: {bench.seed} · model: `{model}` · date: {dt.date.today().isoformat()}  ",
        "Macro-averaged over documents. One-sided F1 on a document with no gold one-sided unit is 1 when none is "
        "predicted and 0 otherwise. Tuned baselines use the one dev-chosen value shown, for every set.",
        "",
    ]
    for name, message in sorted(bench.skipped.items()):
        lines.append(f"Skipped {name}: {message}  ")
    for set_name in sorted({r.set_name for r in rows}):
        for split in REPORT_ORDER:
            subset = [r for r in rows if r.set_name == set_name and r.split == split]
            if not subset:
                continue
            n_docs = len(bench.sets[set_name][split])
            lines += ["", f"## {set_name} · {split} ({n_docs} documents)", "",
                      "| method | " + " | ".join(m for m, _ in METRICS) + " | seg/s | setting |",
                      "|---|" + "---:|" * (len(METRICS) + 1) + "---|"]
            for r in subset:
                s = r.outcome.scores
                vals = " | ".join(f"{getattr(s, key):.3f}" for _, key in METRICS)
                setting = ", ".join(f"{k}={v}" for k, v in r.options.items()) or "defaults"
                lines.append(f"| {r.method} | {vals} | {r.outcome.segments_per_second:,.0f} | {setting} |")
    return "\n".join(lines) + "\n"


def print_tables(rows: list[Row]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    for set_name in sorted({r.set_name for r in rows}):
        for split in REPORT_ORDER:
            subset = [r for r in rows if r.set_name == set_name and r.split == split]
            if not subset:
                continue
            table = Table(title=f"{set_name} · {split}")
            table.add_column("method")
            for label, _ in METRICS:
                table.add_column(label, justify="right")
            table.add_column("seg/s", justify="right")
            for r in subset:
                s = r.outcome.scores
                table.add_row(r.method, *(f"{getattr(s, key):.3f}" for _, key in METRICS),
                              f"{r.outcome.segments_per_second:,.0f}")
            console.print(table)


def main(argv: list[str] | None = None) -> None:
    import sys

    from rich.progress import Progress

    parser = argparse.ArgumentParser(prog="python -m benchmarks.quality", description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--docs", type=int, default=None, help="documents per set and split (default 20 dev, 40 test)")
    parser.add_argument("--methods", nargs="*", default=None, help="only these methods")
    parser.add_argument("--cache-dir", default=None)
    parser.add_argument("--model", default=None, help="sentence-transformers model: a hub name or a local folder "
                        "(default: the embedded multilingual-e5-small)")
    parser.add_argument("--out", type=Path, default=None,
                        help="where to write the tables (default: benchmarks/RESULTS.md, "
                        "or benchmarks/RESULTS-<model>.md with --model)")
    parser.add_argument("--no-write", action="store_true", help="do not write the tables to a file")
    args = parser.parse_args(argv)
    try:
        encoder = Encoder(args.model, cache_dir=args.cache_dir)
        model = encoder.identity
    except EmbeddingError as err:
        parser.exit(2, f"python -m benchmarks.quality: {err}\n")
    out = args.out or (RESULTS if args.model is None else RESULTS.with_name(f"RESULTS-{_file_slug(args.model)}.md"))
    with Progress(transient=True) as bar:
        tasks: dict[str, int] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done)

        try:
            rows, bench = run_quality(seed=args.seed, docs=args.docs, methods=args.methods, cache_dir=args.cache_dir,
                                      encoder=encoder, progress=progress)
        except EmbeddingError as err:
            parser.exit(2, f"python -m benchmarks.quality: {err}\n")
    print_tables(rows)
    for name, message in bench.skipped.items():
        print(f"skipped {name}: {message}")
    if not args.no_write:
        command = "python -m benchmarks.quality " + " ".join(argv if argv is not None else sys.argv[1:])
        out.write_text(markdown(rows, bench, command=command.strip(), model=model), encoding="utf-8")
        print(f"wrote {out}")


def _file_slug(model: str) -> str:
    """``intfloat/multilingual-e5-large`` -> ``intfloat-multilingual-e5-large``; a folder gives its name."""
    name = Path(model).name if Path(model).expanduser().is_dir() else model
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "model"


if __name__ == "__main__":
    main()
