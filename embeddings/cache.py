"""On-disk vector cache keyed by model identity and exact input text.

SQLite in WAL mode: safe for several processes writing at once, and one file
that is easy to delete. Vectors are stored as raw float32 bytes.

A damaged file (truncated, overwritten) is moved aside as ``embeddings.sqlite3.damaged-<time>``
with one warning and an empty cache takes its place: it only holds what can be computed again.
A cache that cannot be used at all (its folder under a regular file, not writable, the disk
full) raises :class:`CacheError`, one line for the user.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import numpy as np

from .models import EmbeddingError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS vectors (
    model TEXT NOT NULL,
    key BLOB NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (model, key)
) WITHOUT ROWID
"""
_MAX_VARS = 900  # stay below SQLite's limit on bound parameters per statement
_BUSY_SECONDS = 60  # how long to wait for another process holding the database
_BUSY_CODES = {5, 6}  # SQLITE_BUSY, SQLITE_LOCKED
_DAMAGE_CODES = {11, 26}  # SQLITE_CORRUPT ("disk image is malformed"), SQLITE_NOTADB ("not a database")
_SIDE_FILES = ("-wal", "-shm")  # SQLite's own files beside the database; a stale WAL must not meet a new file

# Called with one line when the cache (or a converted model) was damaged and is being rebuilt.
Notify = Callable[[str], None]
T = TypeVar("T")


class CacheError(EmbeddingError):
    """The vector cache cannot be used (its folder cannot be made, or the file cannot be written)."""


class CacheWarning(RuntimeWarning):
    """Something in the cache was damaged and is rebuilt (what :func:`warn` issues by default)."""


def warn(message: str) -> None:
    """The default :data:`Notify`: a Python warning (the CLI prints ``aligner: warning: ...`` instead)."""
    warnings.warn(message, CacheWarning, stacklevel=3)


def text_key(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


def move_aside(path: Path, side_files: Sequence[str] = ()) -> Path:
    """Rename ``path`` (and ``path`` + each of ``side_files``) to ``<name>.damaged-<time>``; the new name."""
    stamp = time.strftime("%Y%m%dT%H%M%S")
    aside = path.with_name(f"{path.name}.damaged-{stamp}")
    n = 1
    while aside.exists() or aside.is_symlink():
        n += 1
        aside = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
    for suffix in ("", *side_files):
        with contextlib.suppress(FileNotFoundError):  # no such side file, or another process moved it first
            os.rename(f"{path}{suffix}", f"{aside}{suffix}")
    return aside


def is_damage(err: sqlite3.Error) -> bool:
    """True when SQLite says the file is not a database or is malformed (not: locked, read-only, full)."""
    code = getattr(err, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _DAMAGE_CODES
    return type(err) is sqlite3.DatabaseError  # pragma: no cover - Python < 3.11 has no error codes


def is_busy(err: sqlite3.Error) -> bool:
    """True when another connection holds the database (it will be free again), not a lasting fault."""
    code = getattr(err, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _BUSY_CODES
    return "locked" in str(err)  # pragma: no cover - Python < 3.11 has no error codes


class VectorCache:
    """``get`` the vectors already known for a model; ``put`` new ones."""

    def __init__(self, path: Path, *, notify: Notify | None = None) -> None:
        self.path = Path(path)
        self.notify = notify or warn
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise CacheError(f"cannot use the cache folder {self.path.parent}: {err.strerror or err}{_HINT}") from None
        self._db: sqlite3.Connection | None = None
        self._guarded(self._connection)

    def _connection(self) -> sqlite3.Connection:
        """The open database, opened (or, after a rebuild, created) on first use."""
        if self._db is None:
            self._db = self._open()
        return self._db

    def _open(self) -> sqlite3.Connection:
        """Open the database, waiting while another process is creating it or switching it to WAL.

        SQLite answers "database is locked" to a journal-mode switch at once, without its busy timeout,
        so two processes opening a new cache together must retry here.
        """
        deadline = time.monotonic() + _BUSY_SECONDS
        while True:
            try:
                return self._open_once()
            except sqlite3.OperationalError as err:
                if not is_busy(err) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def _open_once(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=_BUSY_SECONDS, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute(_SCHEMA)
            db.execute("SELECT 1 FROM vectors LIMIT 1").fetchall()
        except BaseException:
            db.close()
            raise
        return db

    def _guarded(self, action: Callable[[], T]) -> T:
        """``action()``; a damaged file is moved aside and the action runs once more on a new, empty one."""
        try:
            return action()
        except sqlite3.DatabaseError as err:
            if isinstance(err, sqlite3.OperationalError) and not is_damage(err):  # read-only, full, locked
                raise self._unusable(err) from None
            if not is_damage(err):
                raise  # a bug (e.g. a misused connection), not the user's file
            self._rebuild(err)
        try:
            return action()
        except sqlite3.DatabaseError as err:  # damaged again at once: something keeps breaking it
            raise self._unusable(err) from None

    def _rebuild(self, err: sqlite3.Error) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
        aside = move_aside(self.path, _SIDE_FILES)
        self.notify(f"the vector cache {self.path} is damaged ({err}); moved it aside to "
                    f"{aside.name} and starting an empty one")

    def _unusable(self, err: sqlite3.Error) -> CacheError:
        return CacheError(f"cannot use the vector cache {self.path}: {err}{_HINT}")

    def get(self, model: str, texts: Sequence[str], dim: int | None = None) -> dict[int, np.ndarray]:
        """Positions in ``texts`` that are cached, mapped to their vectors."""
        return self._guarded(lambda: self._get(model, texts, dim))

    def _get(self, model: str, texts: Sequence[str], dim: int | None) -> dict[int, np.ndarray]:
        keys = [text_key(t) for t in texts]
        positions: dict[bytes, list[int]] = {}
        for i, k in enumerate(keys):
            positions.setdefault(k, []).append(i)
        unique = list(positions)
        found: dict[int, np.ndarray] = {}
        for start in range(0, len(unique), _MAX_VARS):
            chunk = unique[start : start + _MAX_VARS]
            marks = ",".join("?" * len(chunk))
            rows = self._connection().execute(
                f"SELECT key, vector FROM vectors WHERE model = ? AND key IN ({marks})", [model, *chunk]
            )
            for key, blob in rows:
                vec = np.frombuffer(blob, dtype=np.float32)
                if dim is not None and vec.shape[0] != dim:
                    continue
                for i in positions[key]:
                    found[i] = vec
        return found

    def put(self, model: str, texts: Sequence[str], vectors: np.ndarray) -> None:
        rows = [(model, text_key(t), np.ascontiguousarray(v, dtype=np.float32).tobytes())
                for t, v in zip(texts, vectors, strict=True)]
        self._guarded(lambda: self._put(rows))

    def _put(self, rows: list[tuple[str, bytes, bytes]]) -> None:
        db = self._connection()
        with db:
            db.execute("BEGIN IMMEDIATE")  # take the write lock now, waiting for it, not mid-transaction
            db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)", rows)

    def count(self, model: str | None = None) -> int:
        where, args = ("", []) if model is None else (" WHERE model = ?", [model])
        return self._guarded(
            lambda: self._connection().execute(f"SELECT COUNT(*) FROM vectors{where}", args).fetchone()[0])

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


_HINT = " (give another --cache-dir, or --no-cache)"
