"""``batch``: compare many article pairs with one model; the CLI's ``batch`` wraps it.

Input is a manifest (CSV whose first two columns are the left and right paths, or
JSONL with ``left``/``right`` keys; optional ``id`` and metadata) or two folders
whose files pair up by name. Output, in ``out_dir``:

- ``reports.jsonl``: one line per pair, in manifest order: ``{"id", "left", "right",
  "metadata", "content_hash", "status": "ok", "report": <compare --format json>}``
  or ``{..., "status": "error", "error": "<one line>"}``;
- ``summary.csv``: one row per pair (counts, coverage of each side, fact conflicts).

Each finished pair is appended to ``reports.jsonl.work`` at once, in one write to an
O_APPEND descriptor (a last line torn by a killed run is cut off when the next run starts);
the two final files are written at the end (temporary file, then rename; the temporary
files go on every exit path). A run holds an exclusive lock on ``out_dir`` (:func:`locked_output`),
so a second run on the same folder is refused. A pair whose content
hash (both files' bytes and the settings that change a report) already has an
``ok`` line in ``reports.jsonl`` (or in the work file of an interrupted run) is
skipped; errors are retried.

The parts: :mod:`~aligner.batch.manifest` reads the jobs; :mod:`~aligner.batch.work` holds what
both engines do for one pair (content hashes, loading a pair with :func:`~aligner.batch.work.load_pair`,
comparing a group of prepared pairs with :func:`~aligner.batch.work.compare_prepared`, the records);
:mod:`~aligner.batch.store` resumes, records and writes the final files
(:class:`~aligner.batch.store.ReportStore`); the engines differ only in where prepared pairs get
their vectors and reports. ``engine="local"`` (:mod:`~aligner.batch.local`): one
:class:`~embeddings.encoder.Encoder` serves the whole batch, so the model loads once; the
segments of ``batch_pairs`` pairs are encoded in one call (fuller, length-sorted batches for
the runtime, which already uses every core inside the process), then each pair is aligned from
those vectors. ``engine="ray"``: the same groups go through Ray tasks and a pool of encoding
actors (:mod:`aligner.ray_engine`, which imports the parts, never this entry point). See README,
"Batch" and "Scale out with Ray".
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from corpora.readers import DEFAULT_MAX_BYTES
from embeddings.encoder import Encoder

from ..align import ALIGN_SETTINGS
from .local import run_local
from .manifest import Job, ManifestError, OutputError, read_jobs
from .store import REPORTS, SUMMARY, WORK_SUFFIX, BatchProgress, BatchResult, ReportStore, locked_output
from .work import PairSettings, PrefetchingEncoder, compare_documents, content_hash, settings_signature

__all__ = [
    "COMPARE_OPTIONS", "DEFAULT_BATCH_PAIRS", "ENGINES", "REPORTS", "SUMMARY", "WORK_SUFFIX", "BatchProgress",
    "BatchResult", "Job", "ManifestError", "OutputError", "PairSettings", "PrefetchingEncoder", "ReportStore",
    "batch", "compare_documents", "content_hash", "read_jobs", "settings_signature",
]

# Pairs whose segments are encoded in one call (README "Batch": measured on 2 cores).
DEFAULT_BATCH_PAIRS = 8
ENGINES = ("local", "ray")
# the keywords batch() passes on to each comparison: every alignment setting (AlignParams) and these
COMPARE_OPTIONS = frozenset({*ALIGN_SETTINGS, "left_lang", "right_lang", "facts", "framing", "lexicon", "use_cache",
                             "max_bytes"})


def batch(
    manifest_or_dirs: str | Path | Sequence[str | Path],
    out_dir: str | Path,
    *,
    encoder: Encoder | None = None,
    model: str | None = None,
    model_revision: str | None = None,
    cache_dir: str | Path | None = None,
    workers: int | None = None,
    batch_pairs: int = DEFAULT_BATCH_PAIRS,
    progress: BatchProgress | None = None,
    engine: str = "local",
    address: str | None = None,
    **compare_options,
) -> BatchResult:
    """Compare every pair of a manifest (or of two folders) into ``out_dir``; see the module doc.

    ``engine``: ``"local"`` (this process) or ``"ray"`` (a Ray cluster, see
    :mod:`aligner.ray_engine`; ``address`` as for ``ray.init``, None starts a local instance).
    ``workers``: local, threads for encoding (default: the runtime's own, every core); ray,
    encoding actors (default: the cluster's CPUs less one).
    ``batch_pairs``: pairs whose segments are encoded in one call.
    ``compare_options``: the keywords of :func:`aligner.compare` (the alignment settings ``k``,
    ``threshold``, ..., ``index``; ``facts``, ``framing``, ``lexicon``, ``left_lang``, ``right_lang``,
    ``use_cache``) and ``max_bytes``; an unknown one raises :class:`ValueError` naming the valid ones.
    Raises :class:`ManifestError` for an unusable manifest; a pair's own problem is recorded.
    """
    unknown = sorted(set(compare_options) - set(COMPARE_OPTIONS))
    if unknown:
        raise ValueError(f"unknown option(s) {', '.join(unknown)}; valid: {', '.join(sorted(COMPARE_OPTIONS))}")
    if batch_pairs < 1:
        raise ValueError("batch_pairs must be at least 1")
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; choose from {', '.join(ENGINES)}")
    jobs, warnings = read_jobs(manifest_or_dirs)
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ManifestError(str(out), "output is not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ManifestError(str(out), f"cannot create the output folder ({err.strerror or err})") from None
    max_bytes = compare_options.pop("max_bytes", DEFAULT_MAX_BYTES)
    use_cache = compare_options.pop("use_cache", True)
    with locked_output(out):  # held until the final files are in place: a second run here is refused
        if engine == "ray":
            from .. import ray_engine

            result = ray_engine.run_batch(
                jobs, out, encoder=encoder, model=model, model_revision=model_revision, cache_dir=cache_dir,
                use_cache=use_cache, workers=workers, batch_pairs=batch_pairs, progress=progress, address=address,
                max_bytes=max_bytes, options=compare_options,
            )
        else:
            local = encoder or Encoder(model, revision=model_revision, cache_dir=cache_dir, use_cache=use_cache)
            try:
                settings = PairSettings.from_options(local, compare_options, max_bytes)
                result = run_local(jobs, out, PrefetchingEncoder(local, workers), settings, batch_pairs, progress)
            finally:
                if encoder is None:  # ours to close
                    local.close()
    result.warnings = warnings + result.warnings
    return result
