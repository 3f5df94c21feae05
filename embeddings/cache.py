"""On-disk vector cache keyed by model identity and exact input text.

SQLite in WAL mode: safe for several processes writing at once, and one file
that is easy to delete. Vectors are stored as raw float32 bytes.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import numpy as np

_SCHEMA = """
CREATE TABLE IF NOT EXISTS vectors (
    model TEXT NOT NULL,
    key BLOB NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (model, key)
) WITHOUT ROWID
"""
_MAX_VARS = 900  # stay below SQLite's limit on bound parameters per statement


def text_key(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


class VectorCache:
    """``get`` the vectors already known for a model; ``put`` new ones."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(_SCHEMA)

    def get(self, model: str, texts: Sequence[str], dim: int | None = None) -> dict[int, np.ndarray]:
        """Positions in ``texts`` that are cached, mapped to their vectors."""
        keys = [text_key(t) for t in texts]
        positions: dict[bytes, list[int]] = {}
        for i, k in enumerate(keys):
            positions.setdefault(k, []).append(i)
        unique = list(positions)
        found: dict[int, np.ndarray] = {}
        for start in range(0, len(unique), _MAX_VARS):
            chunk = unique[start : start + _MAX_VARS]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
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
        rows = [(model, text_key(t), np.ascontiguousarray(v, dtype=np.float32).tobytes()) for t, v in zip(texts, vectors)]
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)", rows)

    def count(self, model: str | None = None) -> int:
        if model is None:
            return self._db.execute("SELECT COUNT(*) FROM vectors").fetchone()[0]
        return self._db.execute("SELECT COUNT(*) FROM vectors WHERE model = ?", [model]).fetchone()[0]

    def close(self) -> None:
        self._db.close()
