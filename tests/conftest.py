"""Shared fixtures. The real default model is converted once per test session.

Set ALIGNER_TEST_CACHE to a folder to keep the converted model between runs.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "corpora" / "samples"
SHARED_CORPORA = ROOT.parent / "shared" / "corpora"


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory) -> Path:
    """A cache folder holding the converted default model (vectors cache inside too)."""
    keep = os.environ.get("ALIGNER_TEST_CACHE")
    return Path(keep) if keep else tmp_path_factory.mktemp("aligner-cache")


@pytest.fixture(scope="session")
def encoder(cache_dir):
    from embeddings.encoder import Encoder

    enc = Encoder(cache_dir=cache_dir)
    _ = enc.model_dir  # convert now, once
    return enc


@pytest.fixture(scope="session")
def st_encoder(encoder):
    """The converted default model's folder on sentence-transformers (torch), without a vector cache."""
    from embeddings.encoder import Encoder

    return Encoder(str(encoder.model_dir), cache_dir=encoder.root, use_cache=False)


@pytest.fixture(scope="session", params=["onnx", "sentence-transformers"])
def fresh_encoder(request, encoder, tmp_path_factory):
    """The default model with an empty vector cache (the converted model is shared): on ONNX Runtime as the
    default runs it, and its converted folder on sentence-transformers as ``--model FOLDER`` runs it."""
    from embeddings.encoder import Encoder

    root = tmp_path_factory.mktemp("vectors")
    if request.param == "sentence-transformers":
        return Encoder(str(encoder.model_dir), cache_dir=root)
    (root / "models").symlink_to(encoder.model_dir.parent, target_is_directory=True)
    return Encoder(cache_dir=root)


@pytest.fixture(scope="session")
def sample_paths() -> tuple[Path, Path]:
    return SAMPLES / "ar.txt", SAMPLES / "fa.txt"


PAIRING_DATA = Path(__file__).resolve().parent / "data" / "pairing"
PAIRING_DISTRACTORS = ("volleyball", "bookfair", "railway")  # unrelated articles, one per side each


@pytest.fixture()
def article_dirs(tmp_path, sample_paths) -> tuple[Path, Path]:
    """Two folders of articles: the sample pair plus the distractors."""
    left, right = tmp_path / "ar", tmp_path / "fa"
    left.mkdir()
    right.mkdir()
    shutil.copy(sample_paths[0], left / "ar.txt")
    shutil.copy(sample_paths[1], right / "fa.txt")
    for name in PAIRING_DISTRACTORS:
        shutil.copy(PAIRING_DATA / f"ar_{name}.txt", left / f"ar_{name}.txt")
        shutil.copy(PAIRING_DATA / f"fa_{name}.txt", right / f"fa_{name}.txt")
    return left, right


@pytest.fixture(scope="session")
def sample_gold() -> dict:
    return json.loads((SAMPLES / "gold.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def shared_corpora() -> Path:
    if not (SHARED_CORPORA / "seed_ar.txt").is_file():
        pytest.skip(f"shared corpora not found at {SHARED_CORPORA}")
    return SHARED_CORPORA


def segment_holding(segments, snippet: str) -> int:
    """Id of the one segment whose text contains ``snippet``."""
    hits = [s["id"] if isinstance(s, dict) else s.id for s in segments
            if snippet in (s["text"] if isinstance(s, dict) else s.text)]
    assert len(hits) == 1, f"{snippet!r} is in {len(hits)} segments"
    return hits[0]


def border_columns(line: str) -> list[int]:
    """Display columns of a table line's border characters (to check that columns line up)."""
    from aligner.views.width import display_width

    cols, col = [], 0
    for ch in line:
        if ch in "│┼├┤┌┐└┘┬┴":
            cols.append(col)
        col += display_width(ch)
    return cols
