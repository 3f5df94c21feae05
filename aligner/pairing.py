"""``pair_articles``: which article of one collection covers the same event as which of the other.

The CLI's ``aligner pair LEFT RIGHT`` wraps it.

list → read and segment → one vector per article → kNN both ways (FAISS) → mutual best
with a margin → proposed pairs.

* **Document vectors**: ``embedding="mean"``: every segment's ``model_text`` is encoded
  through the cached :class:`~embeddings.encoder.Encoder` and the article's vector is the
  normalised mean; ``"head"``: the first :data:`HEAD_CHARS` characters encoded as one text
  (the model reads its first 512 tokens); ``"both"`` (the default): the two concatenated
  (cosine = the mean of the two cosines), which pairs best on the benchmark
  (``benchmarks/PAIRING_RESULTS.md``).
* **Centring**: each collection's mean vector is subtracted from its articles' vectors
  (then re-normalised) when the collection has at least :data:`MIN_CENTRE_SIZE` articles:
  what all articles of one side share (language, outlet, genre) otherwise dominates the
  cosines.
* **Candidates**: the ``k`` nearest articles on the other side (FAISS, both ways); with a
  date window only articles whose dates lie within ``date_window_days`` of each other are
  candidates (an article without a date is a candidate for all).
* **Mutual best with a margin**: ``a`` and ``b`` pair when each is the other's best
  candidate, their cosine reaches ``threshold`` and their margin — the cosine minus the
  mean of the cosines of ``a``'s and ``b``'s ``k`` nearest candidates (both ways, as in
  :func:`aligner.align.margin_matrix`) — reaches ``margin``. The margin is the pair's
  score. Everything else is left out (no counterpart).

Memory: no ``n × m`` matrix is ever built; searches return ``k``-sized rows. The exact
``IndexFlatIP`` is used up to :data:`EXACT_MAX_SIZE` articles on the larger side, IVF
above (``index="auto"``); an approximate index's hits are merged both ways (``_search_both``).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from corpora.readers import DEFAULT_MAX_BYTES, CorpusError, jsonl_objects, read_article
from embeddings.index import Neighbours, VectorIndex, ivf_centroids, ivf_lists

from .align import Centring
from .pipeline import Document, model_texts, prepare
from .text import model_text

# stage, done, total (as in aligner.pipeline)
Progress = Callable[[str, int, int], None]

DEFAULT_PAIR_THRESHOLD = 0.20  # least (centred) cosine of two articles' vectors
DEFAULT_PAIR_MARGIN = 0.05  # least margin over the k nearest candidates, both ways
DEFAULT_PAIR_K = 4
# index="auto": exact FlatIP up to this many articles on the larger side, IVF above. Measured
# (benchmarks/PAIRING_RESULTS.md, synthetic topic-clustered 768-d vectors, 2 cores): IVF breaks
# even with exact at ~5,000 a side and is faster from 10,000 on (x1.5 there, x2 at 30,000, x5 at
# 100,000) with recall >= 0.99 of the exact index's pairs; below, exact is faster and loses nothing.
EXACT_MAX_SIZE = 10_000
CANDIDATES = 32  # neighbours fetched per article before the date window is applied
FILL_BATCH = 512  # queries per matrix product in the date-window search
MIN_CENTRE_SIZE = 3
HEAD_CHARS = 1_500
EMBEDDINGS = ("both", "mean", "head")
INDEXES = ("auto", "exact", "hnsw", "ivf")
ENCODE_CHUNK = 256  # articles encoded per call (bounds memory for large collections)

_DATE_IN_NAME = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")


@dataclass(frozen=True)
class ArticleRef:
    """One article to pair: its path (or any id when ``text`` is given) and its date, if known."""

    path: str
    date: dt.date | None = None
    text: str | None = None


@dataclass(frozen=True)
class ProposedPair:
    left: str
    right: str
    score: float  # margin: cosine minus the mean cosine of both articles' k nearest candidates
    cosine: float

    def to_dict(self) -> dict:
        return {"left": self.left, "right": self.right, "score": round(self.score, 4), "cosine": round(self.cosine, 4)}


@dataclass(frozen=True)
class Match:
    """A mutual best pair of rows ``left`` and ``right`` (indexes into the vector arrays)."""

    left: int
    right: int
    cosine: float
    score: float


class Pairing(list):
    """The proposed pairs (a list of :class:`ProposedPair`, best score first), plus what was left out.

    ``left_unpaired`` / ``right_unpaired``: articles read but given no counterpart;
    ``skipped``: ``(path, one-line reason)`` for articles that could not be read;
    ``index_method``: the index method used (``exact``, ``ivf`` or ``hnsw``; not ``index``, which is the
    list's own method).
    """

    def __init__(self, pairs: Iterable[ProposedPair] = (), *, left_unpaired=(), right_unpaired=(), skipped=(),
                 index: str = "exact") -> None:
        super().__init__(pairs)
        self.left_unpaired: list[str] = list(left_unpaired)
        self.right_unpaired: list[str] = list(right_unpaired)
        self.skipped: list[tuple[str, str]] = list(skipped)
        self.index_method = index


# -- listing -----------------------------------------------------------------------------------


def list_articles(source: str | Path) -> list[ArticleRef]:
    """The articles of a folder (every visible regular file, sorted by name) or of a manifest.

    A manifest is a CSV file with a header (column ``path``, else the first column; optional
    ``date``) or a JSONL file (``.jsonl``/``.ndjson``; key ``path``, optional ``date``). Relative
    paths are relative to the manifest's folder. Dates are ISO ``YYYY-MM-DD``; in a folder, a
    ``YYYY-MM-DD`` in the file name is taken as the date. Raises :class:`CorpusError` for an
    empty folder or an unusable manifest.
    """
    path = Path(source)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if not p.name.startswith(".") and p.is_file())
        if not files:
            raise CorpusError(str(source), "folder has no article files")
        return [ArticleRef(str(p), _date_in_name(p.name)) for p in files]
    if not path.is_file():
        raise CorpusError(str(source), "no such folder or manifest")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise CorpusError(str(source), f"cannot read manifest: {getattr(err, 'strerror', None) or err}") from None
    rows = (_jsonl_rows(text, str(source)) if path.suffix.lower() in (".jsonl", ".ndjson")
            else _csv_rows(text, str(source)))
    refs = []
    for line, row in rows:
        value = (row.get("path") or "").strip()
        if not value:
            raise CorpusError(str(source), f"line {line}: no path")
        file = Path(value) if Path(value).is_absolute() else path.parent / value
        refs.append(ArticleRef(str(file), _parse_date(row.get("date"), f"{source}: line {line}")))
    if not refs:
        raise CorpusError(str(source), "manifest lists no articles")
    return refs


def _csv_rows(text: str, source: str) -> list[tuple[int, dict]]:
    reader = csv.reader(text.splitlines())
    header = next(reader, None)
    if not header:
        raise CorpusError(source, "manifest is empty")
    names = [h.strip().lower() for h in header]
    path_col = names.index("path") if "path" in names else 0
    date_col = names.index("date") if "date" in names else None
    rows = []
    for line, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        get = lambda col, values=values: values[col] if col is not None and col < len(values) else None  # noqa: E731
        rows.append((line, {"path": get(path_col), "date": get(date_col)}))
    return rows


def _jsonl_rows(text: str, source: str) -> list[tuple[int, dict]]:
    return [(line, {"path": str(row.get("path") or ""), "date": row.get("date")})
            for line, row in jsonl_objects(text, source, 'an object with a "path" key')]


def _parse_date(value, where: str) -> dt.date | None:
    if value is None or not str(value).strip():
        return None
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise CorpusError(where, f"date {value!r} is not YYYY-MM-DD") from None


def _date_in_name(name: str) -> dt.date | None:
    found = _DATE_IN_NAME.search(name)
    if not found:
        return None
    try:
        return dt.date(*(int(g) for g in found.groups()))
    except ValueError:
        return None


# -- vectors -----------------------------------------------------------------------------------


def document_vectors(texts: Sequence[str | Document], *, encoder, embedding: str = "both",
                     progress: Callable[[int, int], None] | None = None) -> np.ndarray:
    """One L2-normalised float32 vector per article (a text, or a :class:`Document` already prepared)."""
    if embedding not in EMBEDDINGS:
        raise ValueError(f"unknown embedding {embedding!r}; choose from {', '.join(EMBEDDINGS)}")
    out: list[np.ndarray] = []
    for start in range(0, len(texts), ENCODE_CHUNK):
        chunk = [t if isinstance(t, Document) else prepare(t) for t in texts[start : start + ENCODE_CHUNK]]
        parts = []
        if embedding in ("mean", "both"):
            pieces = [model_texts(doc) for doc in chunk]
            flat = encoder.encode([p for doc in pieces for p in doc])
            bounds = np.cumsum([0] + [len(doc) for doc in pieces])
            parts.append(_normalise(np.stack([flat[a:b].mean(axis=0)
                                              for a, b in zip(bounds[:-1], bounds[1:], strict=True)])))
        if embedding in ("head", "both"):
            parts.append(encoder.encode([model_text(doc.text[:HEAD_CHARS]) for doc in chunk]))
        out.append(np.hstack(parts))
        if progress:
            progress(min(start + ENCODE_CHUNK, len(texts)), len(texts))
    vectors = np.concatenate(out) if out else np.zeros((0, 0), np.float32)
    return _normalise(vectors)


def _normalise(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True) if x.size else np.ones((len(x), 1), np.float32)
    return (x / np.maximum(norms, 1e-12)).astype(np.float32)


# -- matching (pure) ---------------------------------------------------------------------------


def choose_index(n_left: int, n_right: int, index: str = "auto") -> str:
    """``exact``, ``ivf`` or ``hnsw``: ``auto`` picks IVF when the larger side exceeds :data:`EXACT_MAX_SIZE`."""
    if index not in INDEXES:
        raise ValueError(f"unknown index {index!r}; choose from {', '.join(INDEXES)}")
    if index == "auto":
        return "ivf" if max(n_left, n_right) > EXACT_MAX_SIZE else "exact"
    return index


def match_vectors(
    left: np.ndarray,
    right: np.ndarray,
    *,
    threshold: float = DEFAULT_PAIR_THRESHOLD,
    margin: float = DEFAULT_PAIR_MARGIN,
    k: int = DEFAULT_PAIR_K,
    left_dates: Sequence[dt.date | None] | None = None,
    right_dates: Sequence[dt.date | None] | None = None,
    date_window_days: int | None = None,
    index: str = "auto",
    centred: bool = True,
) -> list[Match]:
    """Mutual best matches of two sets of unit vectors, best score first (see the module's doc).

    With one article on either side the margin is 0 by construction and is not required.
    """
    left, right = _normalise(left), _normalise(right)
    if len(left) == 0 or len(right) == 0:
        return []
    if centred:
        left, right = (Centring(x, min_size=MIN_CENTRE_SIZE)(x) for x in (left, right))
    method = choose_index(len(left), len(right), index)
    window = date_window_days
    ldays = _days(left_dates, len(left)) if window is not None else None
    rdays = _days(right_dates, len(right)) if window is not None else None
    found_lr, found_rl = _search_both(left, right, window, k, method)
    best_lr, cos_lr, hood_l = _nearest(left, right, found_lr, ldays, rdays, window, k)
    best_rl, _, hood_r = _nearest(right, left, found_rl, rdays, ldays, window, k)
    rows = np.arange(len(left))
    mutual = (best_lr >= 0) & (best_rl[np.maximum(best_lr, 0)] == rows)
    cosine = cos_lr.astype(np.float64)
    score = cosine - (hood_l + hood_r[np.maximum(best_lr, 0)]) / 2.0
    keep = mutual & (cosine >= threshold)
    if min(len(left), len(right)) > 1:
        keep &= score >= margin
    matches = [Match(int(i), int(best_lr[i]), float(cosine[i]), float(score[i])) for i in np.flatnonzero(keep)]
    matches.sort(key=lambda m: (-m.score, m.left))
    return matches


def _days(dates: Sequence[dt.date | None] | None, n: int) -> np.ndarray:
    """Ordinal days as float, NaN when unknown."""
    if dates is None:
        return np.full(n, np.nan)
    if len(dates) != n:
        raise ValueError(f"{len(dates)} dates for {n} vectors")
    return np.array([d.toordinal() if d is not None else np.nan for d in dates], dtype=np.float64)


def _search_both(left: np.ndarray, right: np.ndarray, window: int | None, k: int,
                 method: str) -> tuple[Neighbours, Neighbours]:
    """The candidates of every left article among the right ones and vice versa.

    IVF trains one set of coarse centroids on both sides (one k-means instead of two). An
    approximate search can miss a pair one way and find it the other way: each side's
    candidates are then merged with the other side's hits naming it, so a pair is lost only
    when both searches miss it (on the synthetic benchmark that lifts IVF's recall of the
    exact pairs from 0.98 to 0.99+ at the same nprobe).
    """
    centroids = None
    if method == "ivf":
        centroids = ivf_centroids(np.concatenate([left, right]), ivf_lists(max(len(left), len(right))))

    def fetch(m: int) -> int:
        return min(m, max(CANDIDATES, k + 1) if window is not None else min(k, m))

    found_lr = VectorIndex(right, method=method, centroids=centroids).search(left, fetch(len(right)))
    found_rl = VectorIndex(left, method=method, centroids=centroids).search(right, fetch(len(left)))
    if method == "exact":
        return found_lr, found_rl
    return _merge_hits(found_lr, found_rl), _merge_hits(found_rl, found_lr)


def _merge_hits(direct: Neighbours, reverse: Neighbours) -> Neighbours:
    """Each query's best ``width`` candidates among its own hits and the reverse search's hits naming it."""
    n, width = direct.ids.shape
    if width == 0:
        return direct
    back_row, back_col = np.nonzero(reverse.ids >= 0)
    mine = direct.ids >= 0
    query = np.concatenate([np.nonzero(mine)[0], reverse.ids[back_row, back_col]])
    item = np.concatenate([direct.ids[mine], back_row])
    score = np.concatenate([direct.scores[mine], reverse.scores[back_row, back_col]]).astype(np.float32)
    key = query * (len(reverse.ids) + 1) + item
    _, first = np.unique(key, return_index=True)  # a pair found both ways counts once
    query, item, score = query[first], item[first], score[first]
    order = np.lexsort((item, -score, query))
    query, item, score = query[order], item[order], score[order]
    rank = np.arange(len(query)) - np.searchsorted(query, query, side="left")
    keep = rank < width
    scores = np.full((n, width), -np.finfo(np.float32).max, np.float32)
    ids = np.full((n, width), -1, np.int64)
    scores[query[keep], rank[keep]] = score[keep]
    ids[query[keep], rank[keep]] = item[keep]
    return Neighbours(scores, ids)


def _nearest(queries, items, found: Neighbours, qdays, idays, window, k):
    """Per query: the best allowed item (-1 if none), its cosine, and the mean cosine of its k best allowed items."""
    k = min(k, len(items))
    scores, ids = found.scores.astype(np.float32), found.ids
    allowed = ids >= 0
    if window is not None:
        near = np.abs(qdays[:, None] - idays[np.maximum(ids, 0)]) <= window
        allowed &= np.isnan(qdays)[:, None] | np.isnan(idays[np.maximum(ids, 0)]) | near
    # allowed neighbours first, keeping their (descending) order
    order = np.argsort(~allowed, axis=1, kind="stable")
    scores = np.take_along_axis(scores, order, 1)
    ids = np.take_along_axis(ids, order, 1)
    count = allowed.sum(axis=1)
    best = np.where(count > 0, ids[:, 0], -1)
    best_cos = np.where(count > 0, scores[:, 0], -np.inf).astype(np.float32)
    used = np.minimum(count, k)
    mask = np.arange(scores.shape[1])[None, :] < used[:, None]
    hood = np.where(used > 0, np.where(mask, scores, 0.0).sum(axis=1) / np.maximum(used, 1), 0.0)
    if window is not None:
        _fill_from_window(queries, items, qdays, idays, window, k, count, best, best_cos, hood)
    return best, best_cos, hood


def _fill_from_window(queries, items, qdays, idays, window, k, count, best, best_cos, hood) -> None:
    """Exact search inside the date window for queries whose fetched neighbours held fewer than k allowed ones."""
    undated = np.flatnonzero(np.isnan(idays))
    dated = np.flatnonzero(~np.isnan(idays))
    dated = dated[np.argsort(idays[dated], kind="stable")]
    sorted_days = idays[dated]
    # an undated query allows every item: the fetched list was complete for it
    todo = np.flatnonzero((count < k) & ~np.isnan(qdays))
    todo = todo[np.argsort(qdays[todo], kind="stable")]
    lo = np.searchsorted(sorted_days, qdays[todo] - window, side="left")
    hi = np.searchsorted(sorted_days, qdays[todo] + window, side="right")
    size = hi - lo + len(undated)
    keep = count[todo] < size  # else nothing beyond what was fetched
    todo, lo, hi, size = todo[keep], lo[keep], hi[keep], size[keep]
    # queries of neighbouring days share one matrix product: many tiny ones are slow (threaded BLAS)
    for start in range(0, len(todo), FILL_BATCH):
        part = slice(start, start + FILL_BATCH)
        group, first, last = todo[part], lo[part][0], hi[part][-1]
        pool = np.concatenate([dated[first:last], undated])
        sims = queries[group] @ items[pool].T
        column = np.arange(len(pool))[None, :]
        own_window = (column >= (lo[part] - first)[:, None]) & (column < (hi[part] - first)[:, None])
        sims[~own_window & (column < last - first)] = -np.inf  # undated items (the last columns) stay
        top = _top_columns(sims, min(k, len(pool)))
        best[group] = pool[top[:, 0]]
        best_cos[group] = sims[np.arange(len(group)), top[:, 0]]
        scores = np.take_along_axis(sims, top, 1)
        used = np.minimum(size[part], top.shape[1])
        hood[group] = np.where(np.arange(top.shape[1])[None, :] < used[:, None], scores, 0.0).sum(axis=1) / used


def _top_columns(sims: np.ndarray, k: int) -> np.ndarray:
    """Per row, the columns of the ``k`` largest values, largest first (ties: lower column first)."""
    if sims.shape[1] > k:
        part = np.sort(np.argpartition(-sims, k - 1, axis=1)[:, :k], axis=1)
    else:
        part = np.broadcast_to(np.arange(sims.shape[1]), sims.shape)
    order = np.argsort(-np.take_along_axis(sims, part, 1), axis=1, kind="stable")
    return np.take_along_axis(part, order, 1)


# -- articles ----------------------------------------------------------------------------------


def pair_articles(
    left_docs: Sequence[ArticleRef | str | Path],
    right_docs: Sequence[ArticleRef | str | Path],
    *,
    encoder,
    threshold: float = DEFAULT_PAIR_THRESHOLD,
    margin: float = DEFAULT_PAIR_MARGIN,
    k: int = DEFAULT_PAIR_K,
    date_window_days: int | None = None,
    index: str = "auto",
    embedding: str = "both",
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: Progress | None = None,
    embed: Callable[..., np.ndarray] | None = None,
) -> Pairing:
    """Propose which left article pairs with which right article.

    ``left_docs``/``right_docs``: :class:`ArticleRef` (or paths). Articles that cannot be
    read (or hold no sentence) are skipped and listed in ``result.skipped``. Returns a
    :class:`Pairing`: the proposed pairs, best score first. ``embed``: computes the article
    vectors instead of :func:`document_vectors` (same arguments; ``aligner pair --engine ray``
    passes :class:`aligner.ray_engine.DocumentEmbedder`).
    """
    sides = {}
    skipped: list[tuple[str, str]] = []
    for role, docs in (("left", left_docs), ("right", right_docs)):
        refs, prepared = [], []
        for doc in docs:
            ref = doc if isinstance(doc, ArticleRef) else ArticleRef(str(doc))
            try:
                text = ref.text if ref.text is not None else read_article(ref.path, max_bytes=max_bytes).text
                article = prepare(text, path=ref.path)  # raises for a text with no sentence
            except CorpusError as err:
                skipped.append((ref.path, str(err)))
                continue
            refs.append(ref)
            prepared.append(article)
        stage = f"encoding {role}"
        report = (lambda done, total, stage=stage: progress(stage, done, total)) if progress else None
        vectors = (embed or document_vectors)(prepared, encoder=encoder, embedding=embedding,
                                              progress=report) if prepared else np.zeros((0, 1), np.float32)
        sides[role] = (refs, vectors)
    (lrefs, lvecs), (rrefs, rvecs) = sides["left"], sides["right"]
    method = choose_index(len(lrefs), len(rrefs), index)
    if progress:
        progress("pairing", 0, 1)
    matches = match_vectors(
        lvecs, rvecs, threshold=threshold, margin=margin, k=k, index=method, date_window_days=date_window_days,
        left_dates=[r.date for r in lrefs], right_dates=[r.date for r in rrefs],
    ) if lrefs and rrefs else []
    if progress:
        progress("pairing", 1, 1)
    pairs = [ProposedPair(lrefs[m.left].path, rrefs[m.right].path, m.score, m.cosine) for m in matches]
    lpaired, rpaired = {m.left for m in matches}, {m.right for m in matches}
    return Pairing(
        pairs,
        left_unpaired=[r.path for i, r in enumerate(lrefs) if i not in lpaired],
        right_unpaired=[r.path for j, r in enumerate(rrefs) if j not in rpaired],
        skipped=skipped,
        index=method,
    )


def write_pairs_csv(pairs: Iterable[ProposedPair], out) -> None:
    """The pairs as a CSV manifest ``left,right,score`` (what ``aligner batch`` reads) to a text stream."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["left", "right", "score"])
    for pair in pairs:
        writer.writerow([pair.left, pair.right, f"{pair.score:.4f}"])
