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

Engines: both share everything here — reading the jobs, content hashes and resuming
(:class:`ReportStore`), loading a pair (:func:`load_pair`), comparing a group of prepared
pairs (:func:`compare_prepared`), the records and the final files — and differ only in where
prepared pairs get their vectors and reports. ``engine="local"``: one
:class:`~embeddings.encoder.Encoder` serves the whole batch, so the model loads once; the
segments of ``batch_pairs`` pairs are encoded in one call (fuller, length-sorted batches for
the runtime, which already uses every core inside the process), then each pair is aligned from
those vectors. ``engine="ray"``: the same groups go through Ray tasks and a pool of encoding
actors (:mod:`aligner.ray_engine`). See README, "Batch" and "Scale out with Ray".
"""

from __future__ import annotations

import contextlib
import csv
import errno
import hashlib
import io
import json
import os
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from typing import BinaryIO
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from corpora.readers import DEFAULT_MAX_BYTES, CorpusError, check_regular_file, decode_text, read_bytes
from embeddings.encoder import Encoder
from embeddings.models import EmbeddingError

from .align import ALIGN_SETTINGS, AlignError, AlignParams, align_params
from .errors import REPORT_HINT, internal_error_line
from .framing import Lexicon, load_lexicon
from .pipeline import TEXT_VERSION, Document, compare_documents, model_texts, prepare
from .report import settings_line

REPORTS = "reports.jsonl"
SUMMARY = "summary.csv"
WORK_SUFFIX = ".work"
TMP_SUFFIX = ".tmp"
LOCK = ".aligner-batch.lock"  # in OUT/: held (flock) by the one batch writing there
HASH_VERSION = "aligner-batch/1"
# Pairs whose segments are encoded in one call (README "Batch": measured on 2 cores).
DEFAULT_BATCH_PAIRS = 8
ENGINES = ("local", "ray")
SUMMARY_COLUMNS = (
    "status", "left_segments", "right_segments", "pairs", "left_only", "right_only",
    "left_coverage", "right_coverage", "fact_conflicts", "error",
)
# compare() keywords that batch() passes through; those marked True change the report.
# the keywords batch() passes on to each comparison: every alignment setting (AlignParams) and these
COMPARE_OPTIONS = frozenset({*ALIGN_SETTINGS, "left_lang", "right_lang", "facts", "framing", "lexicon", "use_cache",
                             "max_bytes"})

# (pairs handled, total); called after each pair, skipped and failed ones included
BatchProgress = Callable[[int, int], None]


class ManifestError(CorpusError):
    """The manifest (or the two folders) cannot be used; one line naming it."""


class OutputError(ManifestError):
    """The output folder cannot be used: another batch holds it, or it cannot be written."""


@dataclass(frozen=True)
class Job:
    """One pair to compare: paths as resolved (relative ones against the manifest's folder)."""

    index: int
    id: str
    left: Path
    right: Path
    metadata: dict = field(default_factory=dict)


@dataclass
class BatchResult:
    done: int = 0  # compared in this run
    skipped: int = 0  # already in reports.jsonl with the same content hash
    failed: int = 0  # recorded with their error
    reports_path: Path | None = None
    summary_path: Path | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.done + self.skipped + self.failed

    @property
    def ok(self) -> bool:
        return self.failed == 0


# -- input ------------------------------------------------------------------------------


def read_jobs(manifest_or_dirs: str | Path | Sequence[str | Path]) -> tuple[list[Job], list[str]]:
    """The pairs of a manifest file or of two folders, and warnings (files with no partner)."""
    if isinstance(manifest_or_dirs, (str, os.PathLike)):
        sources = [Path(manifest_or_dirs)]
    else:
        sources = [Path(p) for p in manifest_or_dirs]
    if len(sources) == 2:
        return _folder_jobs(*sources)
    if len(sources) != 1:
        raise ManifestError("batch", f"expected a manifest or two folders, got {len(sources)} paths")
    manifest = sources[0]
    if manifest.is_dir():
        raise ManifestError(str(manifest), "is a folder; give a manifest file, or two folders to pair by file name")
    try:
        check_regular_file(manifest, str(manifest))  # a FIFO would block the read
        raw = manifest.read_bytes()
    except CorpusError as err:
        raise ManifestError(err.source, err.problem) from None
    except OSError as err:
        raise ManifestError(str(manifest), f"cannot read manifest ({err.strerror or err})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ManifestError(str(manifest),
                            f"manifest is not UTF-8 (byte 0x{raw[err.start]:02X} at offset {err.start})") from None
    if manifest.suffix.lower() in (".jsonl", ".ndjson") or text.lstrip().startswith("{"):
        jobs = _jsonl_jobs(text, manifest)
    else:
        jobs = _csv_jobs(text, manifest)
    if not jobs:
        raise ManifestError(str(manifest), "manifest has no pairs")
    seen: dict[str, int] = {}
    for job in jobs:
        if job.id in seen:
            raise ManifestError(str(manifest), f"id {job.id!r} is used twice (pairs "
                                               f"{seen[job.id] + 1} and {job.index + 1})")
        seen[job.id] = job.index
    return jobs, []


def _resolve(base: Path, value: str) -> Path:
    path = Path(value)
    return path if path.is_absolute() else base / path


def _csv_jobs(text: str, manifest: Path) -> list[Job]:
    rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    if not rows:
        raise ManifestError(str(manifest), "manifest is empty")
    header = [cell.strip() for cell in rows[0]]
    if len(header) < 2:
        raise ManifestError(str(manifest), f"header has {len(header)} column; the first two must "
                                           "be the left and right paths")
    base = manifest.parent
    if all(_resolve(base, cell).is_file() for cell in header[:2]):
        raise ManifestError(str(manifest), "first line names two files; it must be a header (e.g. left,right)")
    id_column = header.index("id") if "id" in header[2:] else None
    jobs: list[Job] = []
    for line, row in enumerate(rows[1:], start=2):
        if len(row) < 2 or not row[0].strip() or not row[1].strip():
            raise ManifestError(str(manifest), f"line {line}: the first two columns must be the left and right paths")
        if len(row) > len(header):
            raise ManifestError(str(manifest), f"line {line}: {len(row)} columns, the header has {len(header)}")
        cells = [cell.strip() for cell in row] + [""] * (len(header) - len(row))
        metadata = {name: cells[i] for i, name in enumerate(header) if i >= 2 and i != id_column}
        index = len(jobs)
        job_id = cells[id_column] if id_column is not None and cells[id_column] else str(index + 1)
        jobs.append(Job(index, job_id, _resolve(base, cells[0]), _resolve(base, cells[1]), metadata))
    return jobs


def _jsonl_jobs(text: str, manifest: Path) -> list[Job]:
    base = manifest.parent
    jobs: list[Job] = []
    for line, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            entry = json.loads(raw)
        except json.JSONDecodeError as err:
            raise ManifestError(str(manifest), f"line {line}: not JSON ({err.msg})") from None
        if not isinstance(entry, dict):
            raise ManifestError(str(manifest), f"line {line}: expected an object with 'left' and 'right'")
        left, right = entry.get("left"), entry.get("right")
        if not isinstance(left, str) or not isinstance(right, str) or not left.strip() or not right.strip():
            raise ManifestError(str(manifest), f"line {line}: needs 'left' and 'right' paths")
        metadata = {k: v for k, v in entry.items() if k not in ("left", "right", "id", "metadata")}
        if isinstance(entry.get("metadata"), dict):
            metadata = {**entry["metadata"], **metadata}
        index = len(jobs)
        job_id = str(entry["id"]) if entry.get("id") not in (None, "") else str(index + 1)
        jobs.append(Job(index, job_id, _resolve(base, left), _resolve(base, right), metadata))
    return jobs


def _folder_jobs(left_dir: Path, right_dir: Path) -> tuple[list[Job], list[str]]:
    files = {}
    for role, folder in (("left", left_dir), ("right", right_dir)):
        if not folder.is_dir():
            raise ManifestError(str(folder), f"{role} folder: no such folder")
        files[role] = {p.name: p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")}
    common = sorted(files["left"].keys() & files["right"].keys())
    if not common:
        raise ManifestError(f"{left_dir}, {right_dir}", "no file name is in both folders")
    warnings = []
    for role, other in (("left", "right"), ("right", "left")):
        alone = sorted(files[role].keys() - files[other].keys())
        if alone:
            folder = left_dir if role == "left" else right_dir
            warnings.append(f"{len(alone)} file(s) only in {folder} (no partner, not compared): {', '.join(alone)}")
    jobs = [Job(i, name, files["left"][name], files["right"][name]) for i, name in enumerate(common)]
    return jobs, warnings


# -- what every engine shares ---------------------------------------------------------------------


def settings_signature(encoder: Encoder, **options) -> str:
    """What, besides the two texts, a report depends on (the inputs of ``Report.signature``)."""
    langs = f"{options.get('left_lang') or 'auto'}-{options.get('right_lang') or 'auto'}"
    line = settings_line(
        model_identity=encoder.identity, prefix=encoder.prefix, params=_params(options),
        text_version=TEXT_VERSION, langs=langs,
    )
    framing = options.get("framing", True)
    lexicon = options.get("lexicon") if framing else None
    return f"{line}|facts:{options.get('facts', True)}|framing:{lexicon.version if lexicon else framing}"


def _params(options: dict) -> AlignParams:
    """The alignment settings among ``options``."""
    return align_params(**{k: options[k] for k in ALIGN_SETTINGS if k in options})


def content_hash(left: bytes, right: bytes, signature: str) -> str:
    digest = hashlib.sha256(HASH_VERSION.encode())
    for part in (signature.encode(), left, right):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return "sha256:" + digest.hexdigest()


@dataclass(frozen=True)
class PairSettings:
    """Everything besides the encoder that loading and comparing one pair needs (picklable: Ray ships it)."""

    signature: str  # settings_signature(): part of every content hash
    params: AlignParams
    facts: bool = True
    left_lang: str | None = None
    right_lang: str | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    framing: bool = True
    lexicon: Lexicon | None = None  # None: the bundled one

    @classmethod
    def from_options(cls, encoder: Encoder, options: dict, max_bytes: int = DEFAULT_MAX_BYTES) -> PairSettings:
        options = dict(options)
        framing = options.get("framing", True)
        if framing and not isinstance(options.get("lexicon"), Lexicon):
            # a bad lexicon file fails before the work; its version is part of the content hash
            options["lexicon"] = load_lexicon(options.get("lexicon"))
        return cls(
            signature=settings_signature(encoder, **options), params=_params(options),
            facts=options.get("facts", True), left_lang=options.get("left_lang"),
            right_lang=options.get("right_lang"), max_bytes=max_bytes, framing=framing,
            lexicon=options.get("lexicon") if framing else None,
        )


@dataclass(frozen=True)
class PairOutcome:
    """One pair's result: its ``reports.jsonl`` record, or ``record=None`` when its hash is already done."""

    index: int  # the job's index in the manifest
    digest: str | None
    record: dict | None


@dataclass
class Prepared:
    """A pair read, hashed and segmented, waiting for its vectors."""

    job: Job
    digest: str
    left_doc: Document
    right_doc: Document

    @property
    def texts(self) -> list[str]:
        return model_texts(self.left_doc) + model_texts(self.right_doc)


def load_pair(job: Job, settings: PairSettings, known: Container[str] = ()) -> Prepared | PairOutcome:
    """Read and hash a pair: a skip (its hash is in ``known``), an error record, or a :class:`Prepared` pair."""
    digest = None
    try:
        # a missing, too large or special file (a FIFO, a device) raises CorpusError, recorded below
        left, right = (read_bytes(job.left, max_bytes=settings.max_bytes),
                       read_bytes(job.right, max_bytes=settings.max_bytes))
        digest = content_hash(left, right, settings.signature)
        if digest in known:
            return PairOutcome(job.index, digest, None)
        left_doc = _prepare(left, job.left, "left", settings.left_lang)
        right_doc = _prepare(right, job.right, "right", settings.right_lang)
    except EmbeddingError:
        raise
    except Exception as err:  # recorded, never silent; the batch goes on
        return PairOutcome(job.index, digest, error_record(job, digest, err))
    return Prepared(job, digest, left_doc, right_doc)


def compare_prepared(items: Sequence[Prepared], encoder: PrefetchingEncoder,
                     settings: PairSettings) -> Iterator[PairOutcome]:
    """Encode the sentences of all ``items`` in one call, then align (and check facts of) each pair in turn."""
    encoder.prefetch([t for item in items for t in item.texts])
    try:
        for item in items:
            try:
                report = compare_documents(
                    item.left_doc, item.right_doc, encoder=encoder, params=settings.params, facts=settings.facts,
                    framing=settings.framing, lexicon=settings.lexicon,
                )
            except EmbeddingError:
                raise
            except Exception as err:
                yield PairOutcome(item.job.index, item.digest, error_record(item.job, item.digest, err))
                continue
            record = {**outer_record(item.job, item.digest), "status": "ok", "report": report.to_dict()}
            yield PairOutcome(item.job.index, item.digest, record)
    finally:
        encoder.forget()


def outer_record(job: Job, digest: str | None) -> dict:
    return {"id": job.id, "left": str(job.left), "right": str(job.right),
            "metadata": job.metadata, "content_hash": digest}


def error_record(job: Job, digest: str | None, err: Exception | str) -> dict:
    if isinstance(err, str):
        message = " ".join(err.split())
    elif isinstance(err, (CorpusError, AlignError)):
        message = " ".join(str(err).split()) or type(err).__name__
    else:  # a bug: one line that says so, as compare prints it
        message = f"{internal_error_line(err)} — {REPORT_HINT}"
    return {**outer_record(job, digest), "status": "error", "error": message}


def groups(jobs: Sequence[Job], size: int) -> Iterator[list[Job]]:
    """Consecutive jobs, ``size`` at a time: the same groups in every engine."""
    for start in range(0, len(jobs), size):
        yield list(jobs[start : start + size])


def _prepare(data: bytes, path: Path, role: str, lang: str | None) -> Document:
    text, encoding = decode_text(data, source=str(path))
    return prepare(text, path=str(path), encoding=encoding, lang=lang, role=role)


class ReportStore:
    """The output folder: which hashes are done, the work file, and the final files in manifest order.

    Every engine hands it one :class:`PairOutcome` per job (:meth:`add`); :meth:`finish` writes
    ``reports.jsonl`` and ``summary.csv``. A job's line is taken once, from the last outcome
    added for it, so nothing is written twice.
    """

    def __init__(self, jobs: Sequence[Job], out: Path, progress: BatchProgress | None = None) -> None:
        self.jobs = jobs
        self.out = out
        self.reports = out / REPORTS
        self.work = out / (REPORTS + WORK_SUFFIX)
        self.progress = progress
        self.records: dict[int, tuple[Path, int]] = {}  # job index -> (file, offset) of its line
        self.rows: dict[int, dict | None] = {}
        self.updates: dict[int, dict] = {}  # outer fields of reused lines
        self.result = BatchResult(reports_path=self.reports, summary_path=out / SUMMARY)
        self._tmp = (out / (REPORTS + TMP_SUFFIX), out / (SUMMARY + TMP_SUFFIX))
        for stale in self._tmp:  # a run killed while writing its final files (the lock says none is running)
            stale.unlink(missing_ok=True)
        _drop_torn_tail(self.work)
        self.known = _ok_lines(self.reports) | _ok_lines(self.work)  # content hash -> (file, offset)
        try:  # O_APPEND: each record goes in one write at the end, whole
            self._work: int | None = os.open(self.work, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        except OSError as err:
            raise OutputError(str(self.work), f"cannot write ({err.strerror or err})") from None

    @property
    def handled(self) -> int:
        return self.result.total

    def add(self, outcome: PairOutcome) -> None:
        job = self.jobs[outcome.index]
        if outcome.index in self.records:
            raise RuntimeError(f"pair {job.id!r} was reported twice")  # an engine bug, never silent
        if outcome.record is None:  # skipped: same content and settings already reported
            assert outcome.digest is not None  # a skip is found by its hash
            self.records[job.index] = self.known[outcome.digest]
            self.updates[job.index] = outer_record(job, outcome.digest)
            self.rows[job.index] = None  # filled from the reused line at the end
            self.result.skipped += 1
        else:
            self._append(job, outcome.record)
            if outcome.record["status"] == "ok":
                if outcome.digest is not None:  # always, for a pair that was read
                    self.known[outcome.digest] = self.records[job.index]
                self.result.done += 1
            else:
                self.result.failed += 1
        if self.progress:
            self.progress(self.handled, len(self.jobs))

    def _append(self, job: Job, record: dict) -> None:
        line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
        assert self._work is not None, "the store is closed"
        try:
            offset = append_line(self._work, line)
        except OSError as err:
            raise OutputError(str(self.work), f"cannot write ({err.strerror or err})") from None
        self.records[job.index] = (self.work, offset)
        self.rows[job.index] = summary_row(record)

    def finish(self) -> BatchResult:
        """Both final files in manifest order (temporary file, then rename); the work file goes."""
        self.close()
        missing = [job.id for job in self.jobs if job.index not in self.records]
        if missing:
            raise RuntimeError(f"{len(missing)} pair(s) got no result: {', '.join(missing[:5])}")
        metadata_keys: list[str] = []
        for job in self.jobs:
            metadata_keys += [k for k in job.metadata if k not in metadata_keys]
        columns = ["id", "left", "right", *metadata_keys, *SUMMARY_COLUMNS]
        try:
            self._write_final(columns)
        except BaseException as err:  # no *.tmp is left behind, whatever stopped us
            for tmp in self._tmp:
                tmp.unlink(missing_ok=True)
            if isinstance(err, OSError):
                raise OutputError(str(self.out), f"cannot write the final files ({err.strerror or err})") from None
            raise
        self.work.unlink(missing_ok=True)
        return self.result

    def _write_final(self, columns: list[str]) -> None:
        """Both files in manifest order under temporary names, synced, then renamed into place."""
        handles: dict[Path, BinaryIO] = {}
        tmp_reports, tmp_summary = self._tmp
        try:
            with tmp_reports.open("wb") as reports, tmp_summary.open("w", encoding="utf-8", newline="") as summary:
                writer = csv.DictWriter(summary, fieldnames=columns, extrasaction="ignore")
                writer.writeheader()
                for job in self.jobs:
                    path, offset = self.records[job.index]
                    handle = handles.get(path) or handles.setdefault(path, path.open("rb"))
                    handle.seek(offset)
                    line = handle.readline()
                    row = self.rows[job.index] or {}
                    if job.index in self.updates:  # reused: the current manifest's id, paths and metadata
                        record = json.loads(line)
                        record.update(self.updates[job.index])
                        report = record.get("report") or {}
                        for side in ("left", "right"):
                            if isinstance(report.get(side), dict):
                                report[side]["path"] = record[side]
                        line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
                        row = summary_row(record)
                    reports.write(line)
                    writer.writerow({**{k: _cell(v) for k, v in job.metadata.items()}, **row})
                for written in (reports, summary):
                    written.flush()
                    os.fsync(written.fileno())
        finally:
            for handle in handles.values():
                handle.close()
        os.replace(tmp_summary, self.out / SUMMARY)
        os.replace(tmp_reports, self.reports)

    def close(self) -> None:
        if self._work is not None:
            os.close(self._work)
            self._work = None


def append_line(fd: int, line: bytes) -> int:
    """Append ``line`` to ``fd`` (opened with O_APPEND) in one ``write``; its offset in the file.

    One write to an O_APPEND descriptor lands whole at the end of the file. Should the system
    write only part (the disk full), the part is cut off again, so no torn record stays.
    """
    written = os.write(fd, line)
    end = os.lseek(fd, 0, os.SEEK_CUR)
    if written < len(line):
        os.ftruncate(fd, end - written)
        raise OSError(errno.ENOSPC, f"wrote {written} of {len(line)} bytes")
    return end - len(line)


def _drop_torn_tail(path: Path) -> None:
    """Cut a last line without its newline (a run killed mid-write) off a work file; its pair is redone."""
    try:
        handle = path.open("r+b")
    except FileNotFoundError:
        return
    with handle:
        size = handle.seek(0, os.SEEK_END)
        if size == 0:
            return
        handle.seek(size - 1)
        if handle.read(1) == b"\n":
            return
        keep = size
        while keep > 0:  # back to the last newline, 64 KiB at a time
            start = max(keep - 65536, 0)
            handle.seek(start)
            cut = handle.read(keep - start).rfind(b"\n")
            keep = start + cut + 1 if cut >= 0 else start
            if cut >= 0:
                break
        handle.truncate(keep)


@contextlib.contextmanager
def locked_output(out: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``out`` for a whole run: a second batch on the same folder is refused.

    ``flock`` on ``OUT/.aligner-batch.lock``, not blocking. The file stays after the run: removing
    it would let a waiting run and a new one lock two different files.
    """
    try:
        import fcntl
    except ImportError:  # not POSIX (Windows): no lock there; do not run two batches on one folder
        yield
        return
    try:
        fd = os.open(out / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as err:
        raise OutputError(str(out), f"cannot create the lock file {LOCK} ({err.strerror or err})") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputError(
                str(out), "another aligner batch is writing to this folder; wait for it to "
                          "finish, or give another --out"
            ) from None
        except OSError:  # a file system without locks (some network mounts): go on unlocked
            pass
        yield
    finally:
        os.close(fd)  # releases the lock


# -- the batch ----------------------------------------------------------------------------


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
            from . import ray_engine

            result = ray_engine.run_batch(
                jobs, out, encoder=encoder, model=model, model_revision=model_revision, cache_dir=cache_dir,
                use_cache=use_cache, workers=workers, batch_pairs=batch_pairs, progress=progress, address=address,
                max_bytes=max_bytes, options=compare_options,
            )
        else:
            local = encoder or Encoder(model, revision=model_revision, cache_dir=cache_dir, use_cache=use_cache)
            try:
                settings = PairSettings.from_options(local, compare_options, max_bytes)
                result = _run_local(jobs, out, PrefetchingEncoder(local, workers), settings, batch_pairs, progress)
            finally:
                if encoder is None:  # ours to close
                    local.close()
    result.warnings = warnings + result.warnings
    return result


def _run_local(jobs: list[Job], out: Path, encoder: PrefetchingEncoder, settings: PairSettings, batch_pairs: int,
               progress: BatchProgress | None) -> BatchResult:
    """The local engine: one encoder in this process, groups of ``batch_pairs`` pairs in manifest order."""
    store = ReportStore(jobs, out, progress)
    try:
        for group in groups(jobs, batch_pairs):
            ready = []
            for job in group:
                loaded = load_pair(job, settings, store.known)
                if isinstance(loaded, Prepared):
                    ready.append(loaded)
                else:
                    store.add(loaded)
            for outcome in compare_prepared(ready, encoder, settings):
                store.add(outcome)
        return store.finish()
    finally:
        store.close()
        encoder.restore_threads()


def _ok_lines(path: Path) -> dict[str, tuple[Path, int]]:
    """Content hash -> (file, offset) of each ``ok`` line of a reports file (a torn last line is ignored)."""
    found: dict[str, tuple[Path, int]] = {}
    try:
        handle = path.open("rb")
    except OSError:
        return found
    with handle:
        offset = 0
        for line in handle:
            try:
                record = json.loads(line)
            except ValueError:
                record = None
            if isinstance(record, dict) and record.get("status") == "ok" and record.get("content_hash"):
                found[record["content_hash"]] = (path, offset)
            offset += len(line)
    return found


def summary_row(record: dict) -> dict:
    """One row of ``summary.csv`` from one ``reports.jsonl`` record."""
    row = {"id": record.get("id"), "left": record.get("left"), "right": record.get("right"),
           "status": record.get("status")}
    report = record.get("report")
    if record.get("status") != "ok" or not isinstance(report, dict):
        return {**row, "error": record.get("error", "")}
    summary = report.get("summary", {})
    for key in SUMMARY_COLUMNS[1:-2]:
        row[key] = summary.get(key, "")
    facts = report.get("facts")
    if isinstance(facts, dict):
        row["fact_conflicts"] = sum(v.get("conflicts", 0) for v in facts.get("summary", {}).values()
                                    if isinstance(v, dict))
    return {**row, "error": ""}


def _cell(value) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


class PrefetchingEncoder:
    """The batch's encoder: vectors of a whole group of pairs come from one ``encode`` call.

    ``compare`` sees an ``Encoder`` (spec, identity, prefix, encode); texts it asks for
    that were prefetched come from memory, anything else (merged spans) from the encoder.
    """

    def __init__(self, encoder: Encoder, workers: int | None) -> None:
        self.inner = encoder
        self.workers = workers
        self._memo: dict[str, np.ndarray] = {}
        self._threads: int | None = None  # the encoder's own setting, restored after the batch
        self._threads_set = False

    @property
    def spec(self):
        return self.inner.spec

    @property
    def identity(self) -> str:
        return self.inner.identity

    @property
    def prefix(self) -> str:
        return self.inner.prefix

    def prefetch(self, texts: Iterable[str]) -> None:
        unique = list(dict.fromkeys(t for t in texts if t not in self._memo))
        if unique:
            self._memo.update(zip(unique, self._encode(unique), strict=True))

    def forget(self) -> None:
        self._memo.clear()

    def encode(self, texts: Sequence[str], *, progress=None) -> np.ndarray:
        texts = list(texts)
        missing = [t for t in dict.fromkeys(texts) if t not in self._memo]
        if missing:
            self._memo.update(zip(missing, self._encode(missing), strict=True))
        if not texts:
            if self._memo:  # no need to load the model for the width
                return np.zeros((0, next(iter(self._memo.values())).shape[0]), dtype=np.float32)
            return self.inner.encode([])
        return np.stack([self._memo[t] for t in texts])

    def _encode(self, texts: list[str]) -> np.ndarray:
        if self.workers and not self._threads_set:  # only when something is really encoded
            self._threads = self.inner.set_threads(self.workers)
            self._threads_set = True
        return self.inner.encode(texts)

    def restore_threads(self) -> None:
        if self._threads_set:
            self.inner.set_threads(self._threads)
            self._threads, self._threads_set = None, False
