"""Benchmark documents with gold alignments, built deterministically from a seed.

Three kinds of document, all cut from runs of consecutive aligned units:

* parallel (:func:`parallel_docs`): a window of units, whole on both sides;
  gold is ``(i, i)`` for every unit and nothing is one-sided.
* comparable (:func:`comparable_docs`), the news-coverage case: a window of
  units, each side losing a different random 20–30 % of them, and one side
  with one or two blocks of consecutive units moved elsewhere. A unit kept on
  both sides is a gold pair, one kept on one side only is one-sided.
* omissions (:func:`omission_docs`), a translation with holes: a window of
  units, whole on the Arabic side; the Persian side leaves out one to three
  inner units (Arabic-only in the gold) and, in about half the documents,
  gains one unit from elsewhere in the split at an inner position
  (Persian-only). Nothing moves; every other unit is a gold pair, in order.

:func:`build_sets` makes dev and test splits of every kind for each source:

* Quran: dev documents come from surahs 1–30 (3,469 verses), test documents
  from surahs 31–114 (2,767 verses), each region read as one continuous
  sequence, so a window may cross surah boundaries (which the short late
  surahs need). Dev and test share no verse. The test region's verses are
  short (median 6 Arabic words against 14 in the dev region), and short verses
  give the model less to go on, so the Quran also has a ``dev-short`` split:
  dev-region surahs with short verses (:data:`QURAN_SHORT_DEV_SURAHS`, median 8
  words), to check on dev that a change holds up on text like the test's.
* UDHR: the declaration is a single document of 57 units, so dev and test are
  both drawn from all of it: they overlap in text and differ only in the
  random windows and drops. Window lengths are clipped to the 57 units (an
  omissions document whose window holds all 57 gains no Persian-only unit).
* Firefox: each message file goes to dev or test by a hash of its path (about
  half each, the same on every machine); each split's files, in path order,
  are read as one continuous sequence. Dev and test share no message.

Within a split, windows are drawn independently and may overlap. Every set
gets its own random stream, seeded by ``(seed, set name, split)``, so adding a
source or changing ``n_test`` does not change the other sets' documents.
"""

from __future__ import annotations

import math
import random
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.data import SourceUnavailable, Unit, load_firefox, load_quran, load_udhr

__all__ = [
    "QURAN_DEV_SURAHS",
    "QURAN_SHORT_DEV_SURAHS",
    "BenchDoc",
    "BenchSets",
    "build_sets",
    "comparable_docs",
    "firefox_splits",
    "omission_docs",
    "parallel_docs",
    "quran_splits",
    "source_sets",
    "udhr_splits",
]

QURAN_DEV_SURAHS = range(1, 31)  # surah numbers whose verses make the dev region
# dev-region surahs with short verses (median 5-11 words), each group read as one run
QURAN_SHORT_DEV_SURAHS = ((15,), (19, 20, 21), (23,), (25, 26))
SOURCES = ("quran", "udhr", "firefox")


@dataclass(frozen=True)
class BenchDoc:
    """One benchmark document pair and its gold alignment.

    Every left index is in exactly one gold pair or in ``left_only``; likewise
    on the right. ``left_keys``/``right_keys`` name the source unit of each text.
    """

    id: str
    left: list[str]  # Arabic unit texts in this document's order
    right: list[str]  # Persian unit texts
    gold_pairs: frozenset[tuple[int, int]]  # (left index, right index)
    left_only: frozenset[int]
    right_only: frozenset[int]
    left_keys: tuple[str, ...] = ()
    right_keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class BenchSets:
    """``sets[name][split]``: documents, e.g. ``sets["quran-comparable"]["dev"]``.

    ``skipped`` maps each source that could not be loaded to the reason.
    """

    seed: int
    sets: dict[str, dict[str, list[BenchDoc]]]
    skipped: dict[str, str] = field(default_factory=dict)


# -- document makers -----------------------------------------------------------------


def parallel_docs(
    runs: list[list[Unit]],
    *,
    n_docs: int,
    rng: random.Random,
    min_len: int = 30,
    max_len: int = 60,
    id_prefix: str = "parallel",
) -> list[BenchDoc]:
    """``n_docs`` fully parallel documents, each a window of ``min_len``..``max_len`` consecutive units.

    A window lies within one run; ``max_len`` is clipped to the longest run.
    """
    docs = []
    for number in range(n_docs):
        window = _window(runs, rng=rng, min_len=min_len, max_len=max_len)
        left_keys = tuple(u.key for u in window)
        docs.append(
            BenchDoc(
                id=_doc_id(id_prefix, number, window),
                left=[u.ar for u in window],
                right=[u.fa for u in window],
                gold_pairs=frozenset((i, i) for i in range(len(window))),
                left_only=frozenset(),
                right_only=frozenset(),
                left_keys=left_keys,
                right_keys=left_keys,
            )
        )
    return docs


def comparable_docs(
    runs: list[list[Unit]],
    *,
    n_docs: int,
    rng: random.Random,
    min_len: int = 40,
    max_len: int = 60,
    drop: tuple[float, float] = (0.20, 0.30),
    blocks: tuple[int, int] = (1, 2),
    block_len: tuple[int, int] = (3, 6),
    id_prefix: str = "comparable",
) -> list[BenchDoc]:
    """``n_docs`` comparable documents, each from a window of ``min_len``..``max_len`` units.

    Each side drops its own random ``drop`` share of the window's units (the
    count is drawn between ``ceil(lo * n)`` and ``floor(hi * n)``, so the rate
    stays in range); a unit dropped on both sides is gone, one dropped on one
    side is one-sided on the other. Then one side, chosen at random, has
    ``blocks`` blocks of ``block_len`` consecutive units moved elsewhere.
    """
    docs = []
    for number in range(n_docs):
        window = _window(runs, rng=rng, min_len=min_len, max_len=max_len)
        left = _keep(len(window), rng=rng, drop=drop)
        right = _keep(len(window), rng=rng, drop=drop)
        n_blocks = rng.randint(*blocks)
        if rng.random() < 0.5:
            left = _move_blocks(left, rng=rng, n_blocks=n_blocks, block_len=block_len)
        else:
            right = _move_blocks(right, rng=rng, n_blocks=n_blocks, block_len=block_len)
        docs.append(_comparable_doc(_doc_id(id_prefix, number, window), window, left, right))
    return docs


def omission_docs(
    runs: list[list[Unit]],
    *,
    n_docs: int,
    rng: random.Random,
    min_len: int = 30,
    max_len: int = 60,
    omit: tuple[int, int] = (1, 3),
    add_share: float = 0.5,
    id_prefix: str = "omissions",
) -> list[BenchDoc]:
    """``n_docs`` translations with holes, each a window of ``min_len``..``max_len`` consecutive units.

    The Arabic side is the whole window. The Persian side leaves out ``omit``
    (low..high) of the window's units, never the first or the last (so they are
    holes, not a shorter window): those are Arabic-only. In a random
    ``add_share`` of the documents it also gains, at an inner position, the
    Persian of one unit of ``runs`` from outside the window whose Arabic and
    Persian texts are not in the window (none if no unit qualifies): that is
    Persian-only. Nothing is moved; every other unit is a gold pair, in order.
    """
    if not 0 <= omit[0] <= omit[1] or omit[1] > min_len - 2:
        raise ValueError(f"cannot leave out {omit[0]}..{omit[1]} inner units of a {min_len}-unit window")
    docs = []
    for number in range(n_docs):
        window = _window(runs, rng=rng, min_len=min_len, max_len=max_len)
        omitted = set(rng.sample(range(1, len(window) - 1), rng.randint(*omit)))
        right = [u for u in range(len(window)) if u not in omitted]
        units = list(window)
        if rng.random() < add_share:
            extra = _outside(runs, window)
            if extra:
                units.append(rng.choice(extra))
                right.insert(rng.randint(1, len(right) - 1), len(window))
        docs.append(_comparable_doc(_doc_id(id_prefix, number, window), units, list(range(len(window))), right))
    return docs


def _outside(runs: Sequence[Sequence[Unit]], window: list[Unit]) -> list[Unit]:
    """The units of ``runs`` outside ``window`` whose Arabic and Persian texts are both absent from it."""
    keys, ar, fa = ({getattr(u, attr) for u in window} for attr in ("key", "ar", "fa"))
    return [u for run in runs for u in run if u.key not in keys and u.ar not in ar and u.fa not in fa]


def _window(runs: Sequence[Sequence[Unit]], *, rng: random.Random, min_len: int, max_len: int) -> list[Unit]:
    """A random window of consecutive units within one run; every start position is equally likely."""
    longest = max((len(run) for run in runs), default=0)
    if min_len < 1 or longest < min_len:
        raise ValueError(f"no run holds {min_len} units (longest run: {longest})")
    length = rng.randint(min_len, min(max_len, longest))
    starts = [(r, s) for r, run in enumerate(runs) for s in range(len(run) - length + 1)]
    r, s = starts[rng.randrange(len(starts))]
    return list(runs[r][s:s + length])


def _keep(n: int, *, rng: random.Random, drop: tuple[float, float]) -> list[int]:
    """Positions 0..n-1 kept after dropping a random share within ``drop``, in order."""
    low, high = math.ceil(round(drop[0] * n, 9)), math.floor(round(drop[1] * n, 9))
    if low > high:
        raise ValueError(f"no whole number of {n} units lies within the drop rates {drop}")
    dropped = set(rng.sample(range(n), rng.randint(low, high)))
    return [i for i in range(n) if i not in dropped]


def _move_blocks(order: list[int], *, rng: random.Random, n_blocks: int, block_len: tuple[int, int]) -> list[int]:
    """``order`` with ``n_blocks`` runs of consecutive entries each moved to another place."""
    order = list(order)
    for _ in range(n_blocks):
        length = min(rng.randint(*block_len), len(order) - 1)
        if length < 1:
            break
        start = rng.randrange(len(order) - length + 1)
        block, rest = order[start:start + length], order[:start] + order[start + length:]
        target = rng.choice([p for p in range(len(rest) + 1) if p != start])
        order = rest[:target] + block + rest[target:]
    return order


def _comparable_doc(doc_id: str, window: list[Unit], left: list[int], right: list[int]) -> BenchDoc:
    """Gold from the positions in ``window`` kept on each side, in each side's order."""
    right_at = {unit: j for j, unit in enumerate(right)}
    left_set = set(left)
    return BenchDoc(
        id=doc_id,
        left=[window[u].ar for u in left],
        right=[window[u].fa for u in right],
        gold_pairs=frozenset((i, right_at[u]) for i, u in enumerate(left) if u in right_at),
        left_only=frozenset(i for i, u in enumerate(left) if u not in right_at),
        right_only=frozenset(j for j, u in enumerate(right) if u not in left_set),
        left_keys=tuple(window[u].key for u in left),
        right_keys=tuple(window[u].key for u in right),
    )


def _doc_id(prefix: str, number: int, window: list[Unit]) -> str:
    return f"{prefix}-{number:02d} [{window[0].key}..{window[-1].key}]"


# -- the sets ------------------------------------------------------------------------


def quran_splits(surahs: list[list[Unit]]) -> dict[str, list[list[Unit]]]:
    """Dev: surahs 1–30 as one run; dev-short: the short-verse dev surahs; test: surahs 31–114 as one run."""
    dev = [u for number, surah in enumerate(surahs, start=1) if number in QURAN_DEV_SURAHS for u in surah]
    test = [u for number, surah in enumerate(surahs, start=1) if number not in QURAN_DEV_SURAHS for u in surah]
    short = [[u for number in group for u in surahs[number - 1]] for group in QURAN_SHORT_DEV_SURAHS]
    return {"dev": [dev], "dev-short": short, "test": [test]}


def udhr_splits(units: list[Unit]) -> dict[str, list[list[Unit]]]:
    """Dev and test both draw on the whole declaration (a single document)."""
    return {"dev": [units], "test": [units]}


def firefox_splits(files: list[list[Unit]]) -> dict[str, list[list[Unit]]]:
    """Dev: the message files whose path hashes even; test: the others; each split one run in path order."""
    def is_dev(run: list[Unit]) -> bool:
        return zlib.crc32(run[0].key.split("#", 1)[0].encode("utf-8")) % 2 == 0

    return {
        "dev": [[u for run in files if is_dev(run) for u in run]],
        "test": [[u for run in files if not is_dev(run) for u in run]],
    }


SPLITTERS: dict[str, Callable[[object], dict[str, list[list[Unit]]]]] = {
    "quran": quran_splits,
    "udhr": udhr_splits,
    "firefox": firefox_splits,
}
# looked up when called, so that tests can stand in for a loader
LOADERS: dict[str, Callable[[str | Path | None], object]] = {
    "quran": lambda cache_dir: load_quran(cache_dir),
    "udhr": lambda cache_dir: load_udhr(cache_dir),
    "firefox": lambda cache_dir: load_firefox(cache_dir),
}


def build_sets(
    *,
    seed: int = 13,
    n_dev: int = 20,
    n_test: int = 40,
    cache_dir: str | Path | None = None,
    sources: Sequence[str] = SOURCES,
) -> BenchSets:
    """Parallel, comparable and omissions dev/test sets for each source; see the module docstring.

    Returns :class:`BenchSets` with ``sets["<source>-parallel"]``,
    ``sets["<source>-comparable"]`` and ``sets["<source>-omissions"]``, each
    ``{"dev": [...], "test": [...]}`` (the Quran's also ``"dev-short"``); a
    source whose loader raises :class:`SourceUnavailable` is left out and its
    message is put in ``skipped``.
    """
    unknown = [s for s in sources if s not in SPLITTERS]
    if unknown:
        raise ValueError(f"unknown benchmark sources {unknown}; known: {sorted(SPLITTERS)}")
    sets: dict[str, dict[str, list[BenchDoc]]] = {}
    skipped: dict[str, str] = {}
    for source in sources:
        try:
            regions = SPLITTERS[source](LOADERS[source](cache_dir))
        except SourceUnavailable as err:
            skipped[source] = str(err)
            continue
        sets.update(source_sets(source, regions, seed=seed, n_dev=n_dev, n_test=n_test))
    return BenchSets(seed=seed, sets=sets, skipped=skipped)


def source_sets(
    source: str, regions: dict[str, list[list[Unit]]], *, seed: int, n_dev: int, n_test: int
) -> dict[str, dict[str, list[BenchDoc]]]:
    """``{"<source>-<kind>": {split: [...]}}`` for each kind (parallel, comparable, omissions) from each split's runs.

    Every split but ``test`` gets ``n_dev`` documents.
    """
    makers = {"parallel": parallel_docs, "comparable": comparable_docs, "omissions": omission_docs}
    return {
        f"{source}-{kind}": {
            split: maker(
                regions[split],
                n_docs=n_test if split == "test" else n_dev,
                rng=random.Random(f"{seed}:{source}-{kind}:{split}"),
                id_prefix=f"{source}-{kind}-{split}",
            )
            for split in regions
        }
        for kind, maker in makers.items()
    }
