"""Where a batch's results go: the work file each finished pair is appended to, resuming from earlier runs, the
lock on the output folder, and the two final files (:class:`ReportStore`)."""

from __future__ import annotations

import contextlib
import csv
import errno
import json
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from .manifest import Job, OutputError
from .work import PairOutcome, outer_record

REPORTS = "reports.jsonl"
SUMMARY = "summary.csv"
WORK_SUFFIX = ".work"
TMP_SUFFIX = ".tmp"
LOCK = ".aligner-batch.lock"  # in OUT/: held (flock) by the one batch writing there
SUMMARY_COLUMNS = (
    "status", "left_segments", "right_segments", "pairs", "left_only", "right_only",
    "left_coverage", "right_coverage", "fact_conflicts", "error",
)

# (pairs handled, total); called after each pair, skipped and failed ones included
BatchProgress = Callable[[int, int], None]


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

    def is_done(self, digest: str) -> bool:
        """Whether a pair with this content hash has an ``ok`` record (from an earlier run, or this one)."""
        return digest in self.known

    def has_outcome(self, index: int) -> bool:
        """Whether the job at ``index`` has its result recorded in this run."""
        return index in self.records

    def skip(self, index: int, digest: str) -> None:
        """Record the job at ``index`` as done already (its hash :meth:`is_done`): its earlier line is reused."""
        self.record(PairOutcome.skip(index, digest))

    def record(self, outcome: PairOutcome) -> None:
        job = self.jobs[outcome.index]
        if outcome.index in self.records:
            raise RuntimeError(f"pair {job.id!r} was reported twice")  # an engine bug, never silent
        if outcome.record is None:  # skipped (PairOutcome.skip): same content and settings already reported
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
