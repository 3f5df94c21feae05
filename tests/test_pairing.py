"""``aligner.pairing``: which article pairs with which. Pure tests on synthetic vectors; real-model tests are
``slow``."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from aligner import pairing
from aligner.cli import main
from aligner.pairing import ArticleRef, choose_index, list_articles, match_vectors, pair_articles
from corpora.readers import CorpusError

from conftest import PAIRING_DISTRACTORS as DISTRACTORS


def _unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def _planted(n: int, *, d: int = 64, noise: float = 0.3, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Right[i] is left[i] plus noise."""
    rng = np.random.default_rng(seed)
    left = _unit(rng.standard_normal((n, d)))
    right = _unit(left + noise * _unit(rng.standard_normal((n, d))))
    return left, right


def _pairs(matches) -> set[tuple[int, int]]:
    return {(m.left, m.right) for m in matches}


# -- pure matching ---------------------------------------------------------------------------


@pytest.mark.parametrize("index", ["exact", "hnsw", "ivf"])
def test_planted_pairs_are_found_in_any_order(index):
    left, right = _planted(200)
    perm = np.random.default_rng(1).permutation(200)
    matches = match_vectors(left, right[perm], index=index)
    assert _pairs(matches) == {(int(perm[j]), j) for j in range(200)}
    assert all(m.score >= pairing.DEFAULT_PAIR_MARGIN and m.cosine >= pairing.DEFAULT_PAIR_THRESHOLD for m in matches)
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)


def test_only_mutual_best_pairs():
    """Two left articles whose best is the same right article: only the right's own best pairs."""
    left, right = _planted(20, seed=2)
    right = np.vstack([right[:19]])  # right 19 is gone; left 19 is a near copy of left 0
    left[19] = _unit(left[0:1] + 0.4 * _unit(np.random.default_rng(3).standard_normal((1, left.shape[1]))))[0]
    found = _pairs(match_vectors(left, right, margin=-1.0, threshold=-1.0))
    assert (0, 0) in found and not any(i == 19 for i, _ in found)


def test_margin_leaves_out_articles_that_do_not_stand_out():
    """Four near-identical articles on each side: the best match is no better than its neighbours."""
    left, right = _planted(30, seed=4)
    rng = np.random.default_rng(5)
    base = _unit(rng.standard_normal((1, left.shape[1])))
    left[:4] = _unit(base + 0.02 * rng.standard_normal((4, left.shape[1])))
    right[:4] = _unit(base + 0.02 * rng.standard_normal((4, left.shape[1])))
    loose = _pairs(match_vectors(left, right, margin=-1.0))
    strict = _pairs(match_vectors(left, right, margin=0.05))
    assert any(i < 4 for i, _ in loose)
    assert strict == {(i, i) for i in range(4, 30)}


def test_threshold_leaves_out_an_article_with_no_counterpart():
    left, right = _planted(50, seed=6)
    right = right[1:]  # left 0's counterpart is gone
    found = _pairs(match_vectors(left, right))
    assert not any(i == 0 for i, _ in found)
    assert found == {(i, i - 1) for i in range(1, 50)}


def test_date_window_excludes_far_dates():
    left, right = _planted(40, seed=7)
    day = dt.date(2025, 10, 14)
    left_dates = [day] * 40
    right_dates = [day + dt.timedelta(days=1)] * 40
    right_dates[3] = day + dt.timedelta(days=30)  # left 3's counterpart is a month later
    right_dates[4] = None  # unknown: a candidate for every date
    found = _pairs(match_vectors(left, right, left_dates=left_dates, right_dates=right_dates, date_window_days=3))
    assert (3, 3) not in found and (4, 4) in found and (5, 5) in found
    assert (3, 3) in _pairs(match_vectors(left, right, left_dates=left_dates, right_dates=right_dates))  # no window


def test_date_window_finds_a_counterpart_beyond_the_fetched_neighbours():
    """Many near copies on far dates crowd the kNN list; the window search still finds the in-window counterpart."""
    rng = np.random.default_rng(8)
    d = 64
    base = _unit(rng.standard_normal((1, d)))
    crowd = _unit(base + 0.05 * _unit(rng.standard_normal((pairing.CANDIDATES + 10, d))))
    target = _unit(base + 0.5 * _unit(rng.standard_normal((1, d))))
    others = _unit(rng.standard_normal((10, d)))
    right = np.vstack([crowd, target, others])
    left = np.vstack([base, others + 0.0])
    day = dt.date(2025, 1, 1)
    right_dates = [day + dt.timedelta(days=365)] * len(crowd) + [day] + [day] * 10
    found = match_vectors(left, right, left_dates=[day] * 11, right_dates=right_dates,
                          date_window_days=2, margin=-1.0, threshold=-1.0)
    assert (0, len(crowd)) in _pairs(found)


def test_auto_index_switches_to_ivf_above_the_size_limit(monkeypatch):
    assert choose_index(pairing.EXACT_MAX_SIZE, 10) == "exact"
    assert choose_index(pairing.EXACT_MAX_SIZE + 1, 10) == "ivf"
    assert choose_index(10, 10, "hnsw") == "hnsw"
    methods = []
    real = pairing.VectorIndex

    def spy(vectors, *, method="exact", **kw):
        methods.append(method)
        return real(vectors, method=method, **kw)

    monkeypatch.setattr(pairing, "VectorIndex", spy)
    monkeypatch.setattr(pairing, "EXACT_MAX_SIZE", 50)
    left, right = _planted(60, seed=9)
    assert len(match_vectors(left, right)) == 60
    assert methods == ["ivf", "ivf"]
    methods.clear()
    match_vectors(left[:40], right[:40])
    assert methods == ["exact", "exact"]


def test_one_article_a_side_needs_no_margin():
    left, right = _planted(1, seed=10)
    assert _pairs(match_vectors(left, right)) == {(0, 0)}
    assert match_vectors(left, right[:0]) == []


# -- pair_articles without a model -------------------------------------------------------------


class HashEncoder:
    """Texts to fixed random unit vectors; texts starting with the same word get close vectors."""

    def encode(self, texts):
        out = []
        for t in texts:
            topic = t.split()[0] if t.split() else ""
            seed = int(hashlib.sha256(topic.encode()).hexdigest()[:8], 16)
            noise = int(hashlib.sha256(t.encode()).hexdigest()[:8], 16)
            v = np.random.default_rng(seed).standard_normal(32) + 0.2 * np.random.default_rng(noise).standard_normal(32)
            out.append(v / np.linalg.norm(v))
        return np.array(out, dtype=np.float32).reshape(len(texts), 32)


def test_pair_articles_skips_unreadable_and_reports_unpaired(tmp_path, monkeypatch):
    monkeypatch.setattr(pairing, "EXACT_MAX_SIZE", 3)
    topics = ["alpha", "beta", "gamma", "delta", "epsilon"]
    left = [ArticleRef(f"L{t}", text=f"{t} one.\n{t} two.") for t in topics]
    right = [ArticleRef(f"R{t}", text=f"{t} uno.\n{t} dos.")
             for t in topics[:4]] + [ArticleRef("Romega", text="omega x.")]
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"\x00\x01\x02")
    result = pair_articles(left + [ArticleRef(str(binary))], right, encoder=HashEncoder())
    assert {(p.left, p.right) for p in result} == {(f"L{t}", f"R{t}") for t in topics[:4]}
    assert result.left_unpaired == ["Lepsilon"] and result.right_unpaired == ["Romega"]
    assert [p for p, _ in result.skipped] == [str(binary)]
    assert result.index_method == "ivf"


# -- listing -----------------------------------------------------------------------------------


def test_folders_and_manifests(tmp_path):
    folder = tmp_path / "ar"
    folder.mkdir()
    (folder / "2025-10-14-drought.txt").write_text("x", encoding="utf-8")
    (folder / "other.txt").write_text("x", encoding="utf-8")
    (folder / ".hidden").write_text("x", encoding="utf-8")
    refs = list_articles(folder)
    assert [Path(r.path).name for r in refs] == ["2025-10-14-drought.txt", "other.txt"]
    assert refs[0].date == dt.date(2025, 10, 14) and refs[1].date is None

    (tmp_path / "m.csv").write_text("id,path,date\na,ar/other.txt,2025-10-15\nb,/abs/x.txt,\n", encoding="utf-8")
    refs = list_articles(tmp_path / "m.csv")
    assert refs[0] == ArticleRef(str(tmp_path / "ar" / "other.txt"), dt.date(2025, 10, 15))
    assert refs[1] == ArticleRef("/abs/x.txt", None)

    (tmp_path / "m.jsonl").write_text(json.dumps({"path": "ar/other.txt", "date": "2025-10-16"}) + "\n\n",
                                      encoding="utf-8")
    assert (list_articles(tmp_path / "m.jsonl")
            == [ArticleRef(str(tmp_path / "ar" / "other.txt"), dt.date(2025, 10, 16))])


@pytest.mark.parametrize(
    "content, message",
    [("path\n", "lists no articles"), ("path,date\nx.txt,14/10/2025\n", "not YYYY-MM-DD"), ("", "empty")],
)
def test_bad_manifests(tmp_path, content, message):
    (tmp_path / "m.csv").write_text(content, encoding="utf-8")
    with pytest.raises(CorpusError, match=message):
        list_articles(tmp_path / "m.csv")


def test_cli_empty_folder_is_one_line_exit_2(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "a.txt").write_text("x", encoding="utf-8")
    result = CliRunner().invoke(main, ["pair", str(tmp_path / "empty"), str(tmp_path / "full")])
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0 and "folder has no article files" in result.stderr


# -- the real model ----------------------------------------------------------------------------


@pytest.mark.slow
def test_real_model_pairs_the_sample_and_the_distractors(article_dirs, encoder):
    left, right = article_dirs
    result = pair_articles(list_articles(left), list_articles(right), encoder=encoder)
    found = {(Path(p.left).name, Path(p.right).name) for p in result}
    assert found == {("ar.txt", "fa.txt")} | {(f"ar_{n}.txt", f"fa_{n}.txt") for n in DISTRACTORS}
    assert not result.left_unpaired and not result.right_unpaired


@pytest.mark.slow
def test_real_model_leaves_out_an_article_without_counterpart(article_dirs, encoder):
    left, right = article_dirs
    (right / "fa_railway.txt").unlink()
    result = pair_articles(list_articles(left), list_articles(right), encoder=encoder)
    assert ("ar_railway.txt" not in {Path(p.left).name for p in result})
    assert [Path(p).name for p in result.left_unpaired] == ["ar_railway.txt"]


@pytest.mark.slow
def test_cli_writes_a_batch_manifest_and_skips_unreadable_files(article_dirs, cache_dir, tmp_path):
    left, right = article_dirs
    (left / "broken.txt").write_bytes(b"\x00\x00binary")
    out = tmp_path / "pairs.csv"
    result = CliRunner().invoke(main, ["pair", str(left), str(right), "--out", str(out),
                                       "--cache-dir", str(cache_dir), "-v"])
    assert result.exit_code == 0, result.output
    assert f"aligner: skipped {left / 'broken.txt'}: looks like a binary file" in result.stderr
    rows = list(csv.reader(out.read_text(encoding="utf-8").splitlines()))
    assert rows[0] == ["left", "right", "score"]
    assert len(rows) == 5
    for row in rows[1:]:
        assert Path(row[0]).is_file() and Path(row[1]).is_file() and float(row[2]) > 0
    assert [left / "ar.txt", right / "fa.txt"] in [[Path(r[0]), Path(r[1])] for r in rows[1:]]
