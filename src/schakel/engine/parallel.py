"""Independent pieces of one large computation on forked worker processes (ADR 0034).

The monitor's release job is CPU-bound pandas and numpy work that holds the GIL, so threads
do not run it side by side; processes do. A forked child shares the parent's frames without
copying them (copy on write), so only the keys go to a worker and only the (small) results
come back by pickle. The work itself must be pure: no database, no randomness of its own (the
noised figures are drawn once, before the fork), no writes to shared state. Then the result
is the same as computing the pieces one after the other, and `tests/engine/test_parallel.py`
checks that for the monitor's tables.

Forking is used only where the platform offers it and the work is large enough to pay for
it (`workers_for`); otherwise every piece runs in this process, in order.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

K = TypeVar("K")
R = TypeVar("R")

MAX_WORKERS = 2
"""The release job shares its machine with the web workers; two processes halve its time on
the two-core reference machine and leave a bigger machine's other cores to the pages."""

MIN_ROWS = 50_000
"""Below this many rows a fork (about 10 ms per GB of the parent's memory) and the pickled
results cost more than they save; small installations and tests compute in process."""

_WORK: Callable[[Any], Any] | None = None
"""The work of this forked worker process, set by `_adopt` as the process starts."""


def can_fork() -> bool:
    """The platform forks, and this process may have children (a daemonic multiprocessing
    worker, such as a `multiprocessing.Pool`'s, may not)."""
    if multiprocessing.current_process().daemon:
        return False
    return "fork" in multiprocessing.get_all_start_methods()


def workers_for(rows: int, requested: int | None = None) -> int:
    """How many processes to use for work over `rows` rows: `requested` when given (1 = in
    this process), else up to MAX_WORKERS cores when the work is large enough."""
    if requested is not None:
        return max(1, requested) if can_fork() else 1
    if rows < MIN_ROWS or not can_fork():
        return 1
    return max(1, min(MAX_WORKERS, os.cpu_count() or 1))


def _adopt(work: Callable[[Any], Any]) -> None:
    # With the fork start method the initializer reaches the child with the process object,
    # not by pickle: `work` may be a closure over frames of any size.
    global _WORK
    _WORK = work


def _call(key: Any) -> Any:
    assert _WORK is not None, "the worker was started without its work"
    return _WORK(key)


def _pool(work: Callable[[Any], Any], workers: int) -> ProcessPoolExecutor:
    # A forking executor starts all its processes at the first submit.
    return ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_adopt,
        initargs=(work,),
    )


def forked_map(work: Callable[[K], R], keys: Sequence[K], workers: int) -> Iterator[R]:
    """`work(key)` for every key, in order, on `workers` forked processes (1: here).

    `work` may close over large objects: the children inherit them at the fork. Results are
    yielded in the order of `keys` as they are ready, so a caller can report progress."""
    if workers <= 1 or len(keys) <= 1:
        yield from (work(key) for key in keys)
        return
    with _pool(work, min(workers, len(keys))) as pool:
        futures: list[Future[R]] = [pool.submit(_call, key) for key in keys]
        for future in futures:
            yield future.result()


@contextmanager
def forked_call(work: Callable[[], R], workers: int) -> Iterator[Callable[[], R]]:
    """Start `work()` on a forked process (workers 1: run it when its result is asked) and
    give the function that waits for its result, so that the caller works meanwhile:

        with forked_call(protect_funnel, workers) as funnel:
            episodes = protect_episodes()
            stages = funnel()
    """
    if workers <= 1:
        yield work
        return
    with _pool(lambda _key: work(), 1) as pool:
        future: Future[R] = pool.submit(_call, None)
        yield future.result
