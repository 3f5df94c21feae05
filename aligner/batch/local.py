"""The local engine: one encoder in this process, groups of pairs in manifest order."""

from __future__ import annotations

from pathlib import Path

from .manifest import Job
from .store import BatchProgress, BatchResult, ReportStore
from .work import PairSettings, PrefetchingEncoder, Prepared, compare_prepared, groups, load_pair


def run_local(jobs: list[Job], out: Path, encoder: PrefetchingEncoder, settings: PairSettings, batch_pairs: int,
               progress: BatchProgress | None) -> BatchResult:
    """The local engine: one encoder in this process, groups of ``batch_pairs`` pairs in manifest order."""
    store = ReportStore(jobs, out, progress)
    try:
        for group in groups(jobs, batch_pairs):
            ready = []
            for job in group:
                loaded = load_pair(job, settings, store.is_done)
                if isinstance(loaded, Prepared):
                    ready.append(loaded)
                else:
                    store.record(loaded)
            for outcome in compare_prepared(ready, encoder, settings):
                store.record(outcome)
        return store.finish()
    finally:
        store.close()
        encoder.restore_threads()
