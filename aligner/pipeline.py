"""``compare``: two texts in, a :class:`Report` out. The CLI's ``compare`` wraps it.

read → segment and normalise → encode → index and search → align → report.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from corpora.readers import DEFAULT_MAX_BYTES, CorpusError, read_article
from embeddings.encoder import Embedder, Encoder

from .align import AlignParams, align, align_params
from .facts import check_facts, related_segments
from .facts.compare import extract_document
from .facts.model import Fact
from .facts.shared import figures_shared, line_segments, years_apart
from .framing import Lexicon, check_framing, load_lexicon
from .lexical import lexical_similarity
from .report import ModelInfo, Report, Side
from .text import Segment, lang_of_profile, model_text, script_profile, segment

# Bumped whenever segmentation or the text the model sees changes: part of the signature.
TEXT_VERSION = "seg1-strip-marks1-asides1"
LANG_NAMES = {"ar": "Arabic", "fa": "Persian"}

# stage ("encoding left", ...), done, total
Progress = Callable[[str, int, int], None]


class LanguageError(CorpusError):
    """A side was declared Arabic or Persian but has no Arabic-script text."""


@dataclass(frozen=True)
class Document:
    path: str | None
    text: str
    encoding: str
    lang: str
    segments: list[Segment]


def prepare(text: str, *, path: str | None = None, encoding: str = "utf-8", lang: str | None = None,
            role: str = "left") -> Document:
    """Decide the language and split ``text`` into segments."""
    profile = script_profile(text)
    arabic_script = profile.arabic_script_share >= 0.5
    if lang in (None, "", "auto"):
        lang = lang_of_profile(profile)
        if lang == "und" and arabic_script:
            lang = "ar"  # Arabic script without Persian evidence: Arabic rules fit best
    elif lang in LANG_NAMES and not arabic_script:
        raise LanguageError(
            path or role, f"declared {LANG_NAMES[lang]} (--{role}-lang {lang}) but most of its "
                          "letters are not Arabic script"
        )
    segments = segment(text, lang=lang)
    if not segments:
        raise CorpusError(path or role, "no sentences found (the text is empty or only punctuation)")
    return Document(path, text, encoding, lang, segments)


def compare(
    left: str,
    right: str,
    *,
    left_path: str | None = None,
    right_path: str | None = None,
    left_encoding: str = "utf-8",
    right_encoding: str = "utf-8",
    left_lang: str | None = None,
    right_lang: str | None = None,
    model: str | None = None,
    model_revision: str | None = None,
    encoder: Encoder | None = None,
    cache_dir: str | Path | None = None,
    use_cache: bool = True,
    progress: Progress | None = None,
    facts: bool = True,
    framing: bool = True,
    lexicon: Lexicon | str | Path | None = None,
    **settings,
) -> Report:
    """Compare two articles' texts: which segments both share and which only one has.

    ``settings`` are the alignment settings, the fields of :class:`~aligner.align.AlignParams`
    (``k``, ``threshold``, ..., ``only_below``, ``index``; the CLI's options of the same names);
    an unknown one raises :class:`ValueError` naming the valid ones.
    With ``facts`` (the default) the numbers, dates, names and speakers of every pair are
    compared too (``Report.facts``, see :mod:`aligner.facts`); with ``framing`` (the default),
    the words each side uses for the concepts of ``lexicon`` (the bundled one, or a file that
    extends or replaces it; ``Report.framing``, see :mod:`aligner.framing`).
    """
    params = align_params(**settings)
    left_doc = prepare(left, path=left_path, encoding=left_encoding, lang=left_lang, role="left")
    right_doc = prepare(right, path=right_path, encoding=right_encoding, lang=right_lang, role="right")
    encoder = encoder or Encoder(model, revision=model_revision, cache_dir=cache_dir, use_cache=use_cache)
    return compare_documents(left_doc, right_doc, encoder=encoder, params=params, facts=facts, progress=progress,
                             framing=framing, lexicon=lexicon)


def compare_documents(
    left_doc: Document,
    right_doc: Document,
    *,
    encoder: Embedder,
    params: AlignParams | None = None,
    facts: bool = True,
    progress: Progress | None = None,
    framing: bool = True,
    lexicon: Lexicon | str | Path | None = None,
) -> Report:
    """:func:`compare` on two documents already read and segmented by :func:`prepare`."""
    params = params or AlignParams()
    if framing and not isinstance(lexicon, Lexicon):
        lexicon = load_lexicon(lexicon)  # a bad lexicon file fails before the work
    docs = {"left": left_doc, "right": right_doc}
    texts = {side: model_texts(doc) for side, doc in docs.items()}
    vectors = {side: _encode_segments(encoder, texts[side], side, progress) for side in docs}

    def span_encoder(side: str, runs: list[tuple[int, int]]) -> np.ndarray:
        doc = docs[side]
        return encoder.encode([model_text(doc.text[doc.segments[a].start : doc.segments[b - 1].end]) for a, b in runs])

    if progress:
        progress("aligning", 0, 1)
    lengths = ([len(t) for t in texts["left"]], [len(t) for t in texts["right"]])
    lexical = lexical_similarity([s.text for s in left_doc.segments], [s.text for s in right_doc.segments])
    # the facts are extracted once: the aligner takes the figures both articles state, the fact layer the rest
    fact_docs = (extract_document(left_doc.segments, left_doc.lang),
                 extract_document(right_doc.segments, right_doc.lang))
    shared, apart = _evidence(fact_docs[0].facts, fact_docs[1].facts, len(left_doc.segments), len(right_doc.segments))
    alignment = align(
        vectors["left"], vectors["right"], params=params, span_encoder=span_encoder, lengths=lengths, lexical=lexical,
        shared=shared, apart=apart,
    )
    if progress:
        progress("aligning", 1, 1)
    fact_report = None
    if facts:
        related = related_segments(
            alignment.pairs, [c.best for c in alignment.left_coverage], [c.best for c in alignment.right_coverage]
        )
        fact_report = check_facts(
            left_doc.segments,
            right_doc.segments,
            alignment.pairs,
            left_lang=left_doc.lang,
            right_lang=right_doc.lang,
            related=related,
            documents=fact_docs,
        )
    framing_report = None
    if framing:
        framing_report = check_framing(left_doc.segments, right_doc.segments, alignment.pairs,
                                       left_lang=left_doc.lang, right_lang=right_doc.lang, lexicon=lexicon)
    return Report(
        left=Side(left_doc.path, left_doc.lang, left_doc.encoding, left_doc.segments),
        right=Side(right_doc.path, right_doc.lang, right_doc.encoding, right_doc.segments),
        alignment=alignment,
        model=ModelInfo(encoder.spec.name, encoder.identity, encoder.prefix, encoder.spec.kind),
        text_version=TEXT_VERSION,
        warnings=_warnings(left_doc, right_doc, encoder),
        facts=fact_report,
        framing=framing_report,
    )


def compare_files(left_path: str | Path, right_path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES,
                  **options) -> Report:
    """:func:`compare` on two files; raises :class:`CorpusError` for unusable input."""
    left = read_article(left_path, max_bytes=max_bytes)
    right = read_article(right_path, max_bytes=max_bytes)
    return compare(
        left.text,
        right.text,
        left_path=str(left_path),
        right_path=str(right_path),
        left_encoding=left.encoding,
        right_encoding=right.encoding,
        **options,
    )


def fact_evidence(left: Sequence[str], right: Sequence[str], *, left_lang: str,
                  right_lang: str) -> tuple[np.ndarray, np.ndarray]:
    """Two (n, m) boolean matrices over left texts i and right texts j: where they state the same specific figure,
    and where they date what they say in different years (what :func:`aligner.align.align` takes as ``shared``
    and ``apart``; see :mod:`aligner.facts.shared`)."""
    docs = [extract_document(line_segments(texts), lang).facts
            for texts, lang in ((left, left_lang), (right, right_lang))]
    return _evidence(docs[0], docs[1], len(left), len(right))


def _evidence(left: Sequence[Fact], right: Sequence[Fact], n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    return _figure_matrix(figures_shared(left, right), n, m), years_apart(left, right, n, m)


def _figure_matrix(shared: set[tuple[int, int]], n: int, m: int) -> np.ndarray:
    out = np.zeros((n, m), dtype=bool)
    for i, j in shared:
        out[i, j] = True
    return out


def model_texts(doc: Document) -> list[str]:
    """What the model sees of each segment, in order."""
    return [model_text(s.text) for s in doc.segments]


def _encode_segments(encoder: Embedder, texts: list[str], side: str, progress: Progress | None) -> np.ndarray:
    stage = f"encoding {side}"
    report = (lambda done, total: progress(stage, done, total)) if progress else None
    return encoder.encode(texts, progress=report)


def _warnings(left: Document, right: Document, encoder: Embedder) -> list[str]:
    notes = []
    if encoder.spec.note:
        notes.append(encoder.spec.note)
    for role, doc in (("left", left), ("right", right)):
        if doc.lang == "und":
            notes.append(f"{role}: no Arabic or Persian script found; using generic segmentation")
    if left.text.strip() == right.text.strip():
        notes.append("left and right texts are identical")
    return notes
