"""One pair's work in a batch, the same on every engine: settings and content hash, reading and preparing a
pair (:func:`load_pair`), comparing a group of prepared pairs from one encoding call (:func:`compare_prepared`),
and the records written for it."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from corpora.readers import DEFAULT_MAX_BYTES, CorpusError, decode_text, read_bytes
from embeddings.encoder import Encoder
from embeddings.models import EmbeddingError

from ..align import ALIGN_SETTINGS, AlignError, AlignParams, align_params
from ..errors import REPORT_HINT, internal_error_line
from ..framing import Lexicon, load_lexicon
from ..pipeline import TEXT_VERSION, Document, compare_documents, model_texts, prepare
from ..report import settings_line
from .manifest import Job

HASH_VERSION = "aligner-batch/1"


def settings_signature(encoder: Encoder, **options) -> str:
    """What, besides the two texts, a report depends on (the inputs of ``Report.signature``)."""
    langs = f"{options.get('left_lang') or 'auto'}-{options.get('right_lang') or 'auto'}"
    line = settings_line(
        model_identity=encoder.identity, prefix=encoder.prefix, params=_params(options),
        text_version=TEXT_VERSION, langs=langs,
    )
    framing = options.get("framing", True)
    lexicon = options.get("lexicon") if framing else None
    return f"{line}|facts:{options.get('facts', True)}|framing:{lexicon.version if lexicon else framing}"


def _params(options: dict) -> AlignParams:
    """The alignment settings among ``options``."""
    return align_params(**{k: options[k] for k in ALIGN_SETTINGS if k in options})


def content_hash(left: bytes, right: bytes, signature: str) -> str:
    digest = hashlib.sha256(HASH_VERSION.encode())
    for part in (signature.encode(), left, right):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return "sha256:" + digest.hexdigest()


@dataclass(frozen=True)
class PairSettings:
    """Everything besides the encoder that loading and comparing one pair needs (picklable: Ray ships it)."""

    signature: str  # settings_signature(): part of every content hash
    params: AlignParams
    facts: bool = True
    left_lang: str | None = None
    right_lang: str | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    framing: bool = True
    lexicon: Lexicon | None = None  # None: the bundled one

    @classmethod
    def from_options(cls, encoder: Encoder, options: dict, max_bytes: int = DEFAULT_MAX_BYTES) -> PairSettings:
        options = dict(options)
        framing = options.get("framing", True)
        if framing and not isinstance(options.get("lexicon"), Lexicon):
            # a bad lexicon file fails before the work; its version is part of the content hash
            options["lexicon"] = load_lexicon(options.get("lexicon"))
        return cls(
            signature=settings_signature(encoder, **options), params=_params(options),
            facts=options.get("facts", True), left_lang=options.get("left_lang"),
            right_lang=options.get("right_lang"), max_bytes=max_bytes, framing=framing,
            lexicon=options.get("lexicon") if framing else None,
        )


@dataclass(frozen=True)
class PairOutcome:
    """One pair's result: its ``reports.jsonl`` record, or none when it is skipped (:meth:`skip`)."""

    index: int  # the job's index in the manifest
    digest: str | None
    record: dict | None  # None: skipped

    @classmethod
    def skip(cls, index: int, digest: str) -> PairOutcome:
        """The outcome of a pair whose content hash already has an ``ok`` record: that record is reused."""
        return cls(index, digest, None)


@dataclass
class Prepared:
    """A pair read, hashed and segmented, waiting for its vectors."""

    job: Job
    digest: str
    left_doc: Document
    right_doc: Document

    @property
    def texts(self) -> list[str]:
        return model_texts(self.left_doc) + model_texts(self.right_doc)


def load_pair(job: Job, settings: PairSettings, is_done: Callable[[str], bool] | None = None) -> Prepared | PairOutcome:
    """Read and hash a pair: a skip (``is_done`` says its hash has a record), an error record, or a
    :class:`Prepared` pair."""
    digest = None
    try:
        # a missing, too large or special file (a FIFO, a device) raises CorpusError, recorded below
        left, right = (read_bytes(job.left, max_bytes=settings.max_bytes),
                       read_bytes(job.right, max_bytes=settings.max_bytes))
        digest = content_hash(left, right, settings.signature)
        if is_done is not None and is_done(digest):
            return PairOutcome.skip(job.index, digest)
        left_doc = _prepare(left, job.left, "left", settings.left_lang)
        right_doc = _prepare(right, job.right, "right", settings.right_lang)
    except EmbeddingError:
        raise
    except Exception as err:  # recorded, never silent; the batch goes on
        return PairOutcome(job.index, digest, error_record(job, digest, err))
    return Prepared(job, digest, left_doc, right_doc)


def compare_prepared(items: Sequence[Prepared], encoder: PrefetchingEncoder,
                     settings: PairSettings) -> Iterator[PairOutcome]:
    """Encode the sentences of all ``items`` in one call, then align (and check facts of) each pair in turn."""
    encoder.prefetch([t for item in items for t in item.texts])
    try:
        for item in items:
            try:
                report = compare_documents(
                    item.left_doc, item.right_doc, encoder=encoder, params=settings.params, facts=settings.facts,
                    framing=settings.framing, lexicon=settings.lexicon,
                )
            except EmbeddingError:
                raise
            except Exception as err:
                yield PairOutcome(item.job.index, item.digest, error_record(item.job, item.digest, err))
                continue
            record = {**outer_record(item.job, item.digest), "status": "ok", "report": report.to_dict()}
            yield PairOutcome(item.job.index, item.digest, record)
    finally:
        encoder.forget()


def outer_record(job: Job, digest: str | None) -> dict:
    return {"id": job.id, "left": str(job.left), "right": str(job.right),
            "metadata": job.metadata, "content_hash": digest}


def error_record(job: Job, digest: str | None, err: Exception | str) -> dict:
    if isinstance(err, str):
        message = " ".join(err.split())
    elif isinstance(err, (CorpusError, AlignError)):
        message = " ".join(str(err).split()) or type(err).__name__
    else:  # a bug: one line that says so, as compare prints it
        message = f"{internal_error_line(err)} — {REPORT_HINT}"
    return {**outer_record(job, digest), "status": "error", "error": message}


def groups(jobs: Sequence[Job], size: int) -> Iterator[list[Job]]:
    """Consecutive jobs, ``size`` at a time: the same groups in every engine."""
    for start in range(0, len(jobs), size):
        yield list(jobs[start : start + size])


def _prepare(data: bytes, path: Path, role: str, lang: str | None) -> Document:
    text, encoding = decode_text(data, source=str(path))
    return prepare(text, path=str(path), encoding=encoding, lang=lang, role=role)


class PrefetchingEncoder:
    """The batch's encoder: vectors of a whole group of pairs come from one ``encode`` call.

    ``compare`` sees an ``Encoder`` (spec, identity, prefix, encode); texts it asks for
    that were prefetched come from memory, anything else (merged spans) from the encoder.
    """

    def __init__(self, encoder: Encoder, workers: int | None) -> None:
        self.inner = encoder
        self.workers = workers
        self._memo: dict[str, np.ndarray] = {}
        self._threads: int | None = None  # the encoder's own setting, restored after the batch
        self._threads_set = False

    @property
    def spec(self):
        return self.inner.spec

    @property
    def identity(self) -> str:
        return self.inner.identity

    @property
    def prefix(self) -> str:
        return self.inner.prefix

    def prefetch(self, texts: Iterable[str]) -> None:
        unique = list(dict.fromkeys(t for t in texts if t not in self._memo))
        if unique:
            self._memo.update(zip(unique, self._encode(unique), strict=True))

    def forget(self) -> None:
        self._memo.clear()

    def encode(self, texts: Sequence[str], *, progress=None) -> np.ndarray:
        texts = list(texts)
        self.prefetch(texts)  # what was not prefetched (merged spans)
        if not texts:
            if self._memo:  # no need to load the model for the width
                return np.zeros((0, next(iter(self._memo.values())).shape[0]), dtype=np.float32)
            return self.inner.encode([])
        return np.stack([self._memo[t] for t in texts])

    def _encode(self, texts: list[str]) -> np.ndarray:
        if self.workers and not self._threads_set:  # only when something is really encoded
            self._threads = self.inner.set_threads(self.workers)
            self._threads_set = True
        return self.inner.encode(texts)

    def restore_threads(self) -> None:
        if self._threads_set:
            self.inner.set_threads(self._threads)
            self._threads, self._threads_set = None, False
