"""One small shared thread pool: numpy releases the GIL in the loops we split across it."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")

# More threads than cores only adds contention; beyond 4 the memory bandwidth is the limit.
WORKERS = max(1, min(4, os.cpu_count() or 1))

_pool: ThreadPoolExecutor | None = None
_lock = threading.Lock()


def _get_pool() -> ThreadPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="colorseg-engine")
        return _pool


def limit_threads(threads: int) -> None:
    """Use at most this many engine threads (before the first parallel call)."""
    global WORKERS
    WORKERS = max(1, min(WORKERS, int(threads)))


def map_ranges(fn: Callable[[int, int], T], n: int, chunk: int) -> list[T]:
    """Call ``fn(start, stop)`` for consecutive ranges covering ``0..n``, in parallel.

    Results come back in range order. Tasks must not call ``map_ranges`` themselves: the
    pool is bounded, so nested use could wait on itself.
    """
    ranges: Iterable[tuple[int, int]] = [(s, min(n, s + chunk)) for s in range(0, n, chunk)]
    ranges = list(ranges)
    if WORKERS == 1 or len(ranges) <= 1:
        return [fn(start, stop) for start, stop in ranges]
    return list(_get_pool().map(lambda r: fn(*r), ranges))
