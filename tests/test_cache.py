"""The vector cache: a damaged file is moved aside and rebuilt with one warning; an unusable
folder is one clear error (issue 18, item 5). No model needed."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from embeddings.cache import CacheError, CacheWarning, VectorCache

TEXTS = [f"جملة رقم {i} في الخبر." for i in range(300)]


def _filled(path: Path) -> bytes:
    cache = VectorCache(path)
    cache.put("m@1", TEXTS, np.random.default_rng(0).random((len(TEXTS), 8), dtype=np.float32))
    cache.close()
    return path.read_bytes()


def _damage(path: Path, how: str) -> None:
    data = _filled(path)
    damaged = {"truncated": data[: len(data) // 2], "header-only": data[:50], "random": os.urandom(len(data)),
               "random-body": data[:100] + os.urandom(len(data) - 100)}[how]
    path.write_bytes(damaged)


@pytest.mark.parametrize("how", ["truncated", "header-only", "random", "random-body"])
def test_a_damaged_cache_is_moved_aside_and_rebuilt_with_one_warning(tmp_path, how):
    path = tmp_path / "embeddings.sqlite3"
    _damage(path, how)
    notes: list[str] = []
    cache = VectorCache(path, notify=notes.append)
    assert cache.get("m@1", TEXTS) == {}  # what was there is gone, nothing invented
    cache.put("m@1", TEXTS[:2], np.ones((2, 8), dtype=np.float32))
    assert sorted(cache.get("m@1", TEXTS[:3])) == [0, 1] and cache.count() == 2
    cache.close()
    assert len(notes) == 1 and "\n" not in notes[0]
    assert notes[0].startswith(f"the vector cache {path} is damaged (")
    aside = [p.name for p in tmp_path.iterdir() if p.name.startswith("embeddings.sqlite3.damaged-")]
    assert len(aside) == 1 and aside[0] in notes[0]


def test_damage_found_after_opening_is_repaired_too(tmp_path):
    path = tmp_path / "embeddings.sqlite3"
    _filled(path)
    notes: list[str] = []
    cache = VectorCache(path, notify=notes.append)  # opens fine; then the file is overwritten under it
    path.write_bytes(os.urandom(path.stat().st_size))
    cache.get("m@1", TEXTS)
    cache.put("m@1", TEXTS[:1], np.ones((1, 8), dtype=np.float32))
    assert len(notes) == 1 and cache.count() == 1
    cache.close()


def test_the_default_notice_is_a_warning(tmp_path):
    path = tmp_path / "embeddings.sqlite3"
    path.write_bytes(b"not a database at all, just some text" * 100)
    with pytest.warns(CacheWarning, match="is damaged"):
        VectorCache(path).close()


def test_an_empty_file_is_an_empty_cache_without_a_warning(tmp_path, recwarn):
    path = tmp_path / "embeddings.sqlite3"
    path.write_bytes(b"")
    assert VectorCache(path).count() == 0
    assert not [w for w in recwarn if issubclass(w.category, CacheWarning)]


def test_a_cache_folder_under_a_regular_file_is_one_clear_error(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(CacheError) as err:
        VectorCache(tmp_path / "file" / "cache" / "embeddings.sqlite3")
    assert str(err.value) == (
        f"cannot use the cache folder {tmp_path / 'file' / 'cache'}: Not a directory (give "
        "another --cache-dir, or --no-cache)"
    )


def test_a_cache_file_that_is_a_folder_is_one_clear_error(tmp_path):
    (tmp_path / "embeddings.sqlite3").mkdir()
    with pytest.raises(CacheError, match=r"cannot use the vector cache .*embeddings\.sqlite3: unable to open"):
        VectorCache(tmp_path / "embeddings.sqlite3")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can write anywhere")
def test_an_unwritable_cache_folder_is_one_clear_error(tmp_path):
    folder = tmp_path / "cache"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(CacheError, match="cannot use the vector cache"):
            VectorCache(folder / "embeddings.sqlite3")
    finally:
        folder.chmod(0o700)


def test_writers_that_open_a_new_cache_at_the_same_moment_all_succeed(tmp_path):
    """Four processes (as four actors of one node, or four terminals) create and fill one cache at once.

    They start together on purpose: opening a new file in WAL mode races, and before the cache waited
    for it this test failed on every run with "database is locked". Nothing may be lost or corrupt.
    """
    code = (
        "import sys, time, numpy as np; from pathlib import Path; from embeddings.cache import VectorCache\n"
        "time.sleep(max(0.0, float(sys.argv[3]) - time.time()))\n"
        "c = VectorCache(Path(sys.argv[1])); w = sys.argv[2]\n"
        "for b in range(20): c.put('m', [f'{w}-{b}-{i}' for i in range(25)], np.full((25, 8), b, np.float32))\n"
        "c.close()\n"
    )
    writers = ("a", "b", "c", "d")
    for round_ in range(3):
        db = tmp_path / f"round{round_}" / "embeddings.sqlite3"
        db.parent.mkdir()
        start = f"{time.time() + 2.0}"
        procs = [subprocess.Popen([sys.executable, "-c", code, str(db), w, start], stderr=subprocess.PIPE, text=True)
                 for w in writers]
        errors = [p.communicate(timeout=120)[1] for p in procs]
        assert [p.returncode for p in procs] == [0] * len(writers), errors
        cache = VectorCache(db)
        try:
            assert cache.count("m") == len(writers) * 20 * 25
            assert cache._connection().execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert cache.get("m", ["d-19-24"])[0][0] == 19
        finally:
            cache.close()
