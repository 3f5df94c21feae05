"""Reading a batch's pairs: a manifest (CSV or JSONL) or two folders whose files pair up by name."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from corpora.readers import CorpusError, check_regular_file, jsonl_objects


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
    for line, entry in jsonl_objects(text, str(manifest), "an object with 'left' and 'right'", ManifestError):
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
