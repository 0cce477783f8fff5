"""Many inputs on every core: one worker process per job, results in input order or as they end.

A worker is a separate process so that a file which crashes a decoder, or drives it into an
allocation the memory budget refuses, ends only its own job: its input gets a one-line error
and a fresh worker takes its place. Each worker holds one image at a time, so at most ``jobs``
images are in memory; on POSIX each one also runs under an address-space limit sized from the
image's header (see memory_budget). Stopping (Ctrl+C, a Cancel button) sends SIGTERM to the
busy workers: their handler raises inside the job, so the atomic writer removes its temporary
file on the way out, and the parent sweeps the targets of any worker that had to be killed.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import shutil
import signal
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from colorseg_gui.batch import Options, Targets, run_one

# Measured on 15 MP photos (2026-12-01): a job maps at most 25 bytes per pixel more at its
# peak (the loader's RGB and alpha, the histogram's per-pixel index, the rendered result, the
# label map); twice that leaves room for formats that decode through a wider mode. The
# allowance covers libraries, thread stacks and malloc arenas a job may still map.
BYTES_PER_PIXEL = 48
ALLOWANCE = 768 * 2**20
STOP_GRACE_SECONDS = 10.0  # a worker mid-decode reaches Python again within this; then kill


@dataclass(frozen=True)
class Job:
    """One input and where its results go; ``index`` is its place in the command line."""

    index: int
    source: Path
    targets: Targets


@dataclass(frozen=True)
class Started:
    index: int


@dataclass(frozen=True)
class Finished:
    index: int
    record: dict[str, Any]


Event = Started | Finished


class _Stopped(BaseException):
    """Raised in a worker by SIGTERM: unwinds the job (and its atomic write) cleanly."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise _Stopped


def _header_pixels(source: Path) -> int | None:
    """Width x height from the header only (no pixel decoded); None when unreadable."""
    from PIL import Image

    if not source.is_file():  # a FIFO would block open(); the loader names the problem
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(source) as im:
                return int(im.width) * int(im.height)
    except Exception:  # the loader will say what is wrong with it
        return None


def _mapped_bytes() -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return None


def memory_budget(pixels: int | None) -> int:
    """Bytes one job may add to its worker: width x height x a small factor + an allowance."""
    return (pixels or 0) * BYTES_PER_PIXEL + ALLOWANCE


def _limit_memory(source: Path) -> None:
    try:
        import resource
    except ImportError:  # Windows: no address-space limit; the pixel limit still applies
        return
    base = _mapped_bytes()
    if base is None:
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = base + memory_budget(_header_pixels(source))
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _unlimit_memory() -> None:
    try:
        import resource
    except ImportError:
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (hard, hard))


def _single_threaded_engine(threads: int) -> None:
    # Jobs already fill the cores: an engine thread pool in every worker would only make the
    # workers take turns (measured: -j 2 was no faster than -j 1 until this).
    from colorseg_gui.engine import limit_threads

    limit_threads(threads)


def _worker(conn: Connection, options: Options, threads: int) -> None:
    _single_threaded_engine(threads)
    # Ctrl+C in a terminal reaches the whole process group: the parent alone decides, and
    # tells busy workers with SIGTERM, so a job never dies at a random line.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        while True:
            job = conn.recv()
            if job is None:
                return
            try:
                _limit_memory(job.source)
                record = run_one(job.source, job.targets, options)
            finally:
                _unlimit_memory()
            conn.send(Finished(job.index, record))
    except (_Stopped, EOFError, KeyboardInterrupt):
        return


def temp_files(job: Job) -> list[Path]:
    """Temporary files the atomic writer may have left beside any of this job's targets."""
    targets = job.targets
    found: list[Path] = []
    patterns = [(p.parent, f".{p.name}.*.tmp") for p in targets.known_paths()]
    if targets.masks is not None:
        patterns.append((targets.masks, f".{job.source.stem}_mask*.png.*.tmp"))
    if targets.bundle is not None:  # the bundle's scratch folder (or .zip) beside it
        patterns.append((targets.bundle.parent, f".{targets.bundle.name}.*.tmp"))
    for folder, pattern in patterns:
        with contextlib.suppress(OSError):
            found.extend(folder.glob(pattern))
    return found


def remove_temp(path: Path) -> None:
    """Remove a temporary file, or a bundle's temporary folder."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _sweep(job: Job) -> None:
    for path in temp_files(job):
        remove_temp(path)


def _died(job: Job, exitcode: int | None) -> Finished:
    if exitcode is not None and exitcode < 0:
        try:
            how = f"signal {signal.Signals(-exitcode).name}"
        except ValueError:
            how = f"signal {-exitcode}"
    else:
        how = f"exit status {exitcode}"
    reason = ("the decoder crashed or ran out of memory on this file "
              f"(its worker process ended with {how})")
    return Finished(job.index, {"input": str(job.source), "error": reason})


_BLAS_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


@contextlib.contextmanager
def _blas_threads(threads: int) -> Iterator[None]:
    """The BLAS of a spawned worker reads its thread count from the environment at import."""
    saved = {name: os.environ.get(name) for name in _BLAS_VARIABLES}
    os.environ.update({name: str(threads) for name in _BLAS_VARIABLES})
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class _Slot:
    """One worker process, its pipe, and the job it is running (None: idle)."""

    def __init__(self, ctx: Any, options: Options, threads: int) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker, args=(child, options, threads), daemon=True,
                                   name="colorseg-batch")
        with _blas_threads(threads):
            self.process.start()
        child.close()
        self.job: Job | None = None

    def give(self, job: Job) -> None:
        self.job = job
        self.conn.send(job)


class JobPool:
    """Run jobs on ``workers`` processes; iterate events with run(); always close()."""

    def __init__(self, options: Options, workers: int) -> None:
        self.options = options
        self.workers = max(1, workers)
        # spawn everywhere: a fork of a process that holds Qt or threads is not safe, and
        # the same start method on every platform means the same behaviour.
        self._ctx = mp.get_context("spawn")
        self._slots: list[_Slot] = []
        self._threads = max(1, default_jobs() // self.workers)

    def run(self, jobs: Sequence[Job], stop: Callable[[], bool] | None = None,
            tick: float = 0.25) -> Iterator[Event | None]:
        """Yield Started and Finished events; None every ``tick`` seconds (redraws, cancel).

        Raises nothing for a failed input: its Finished record holds "error".
        """
        pending = list(reversed(jobs))
        self._slots = [_Slot(self._ctx, self.options, self._threads)
                       for _ in range(min(self.workers, len(jobs)))]
        running = 0
        while pending or running:
            if stop is not None and stop():
                return
            for i, slot in enumerate(self._slots):
                if slot.job is None and pending:
                    if not slot.process.is_alive():  # ended while idle (OOM killer...)
                        slot.conn.close()
                        slot = self._slots[i] = _Slot(self._ctx, self.options, self._threads)
                    slot.give(pending.pop())
                    running += 1
                    yield Started(slot.job.index)  # type: ignore[union-attr]
            ready = wait([s.conn for s in self._slots if s.job is not None]
                         + [s.process.sentinel for s in self._slots if s.job is not None],
                         timeout=tick)
            if not ready:
                yield None
            for i, slot in enumerate(self._slots):
                job = slot.job
                if job is None:
                    continue
                if slot.conn in ready or slot.conn.poll():
                    try:
                        event = slot.conn.recv()
                    except (EOFError, OSError):
                        event = None
                    if isinstance(event, Finished):
                        slot.job = None
                        running -= 1
                        yield event
                        continue
                if slot.process.sentinel in ready or not slot.process.is_alive():
                    slot.process.join()
                    _sweep(job)
                    slot.conn.close()
                    self._slots[i] = _Slot(self._ctx, self.options, self._threads)
                    running -= 1
                    yield _died(job, slot.process.exitcode)

    def close(self) -> list[Job]:
        """End every worker cleanly; returns the jobs that were still running (interrupted)."""
        interrupted = []
        for slot in self._slots:
            if slot.job is not None:
                interrupted.append(slot.job)
                slot.process.terminate()  # SIGTERM: the job unwinds, removing its temp file
            else:
                try:
                    slot.conn.send(None)
                except OSError:
                    slot.process.terminate()
        for slot in self._slots:
            slot.process.join(STOP_GRACE_SECONDS)
            if slot.process.is_alive():
                slot.process.kill()
                slot.process.join()
            slot.conn.close()
        for job in interrupted:
            _sweep(job)
        self._slots = []
        return interrupted


def plan(sources: Sequence[Path], targets_for: Callable[[int, Path], Targets]
         ) -> tuple[list[Job], dict[int, dict[str, Any]]]:
    """Jobs to run, and the error records of inputs whose result another input already claims.

    Decided before anything runs, in input order, so that the outcome does not depend on
    which job happens to finish first.
    """
    jobs: list[Job] = []
    refused: dict[int, dict[str, Any]] = {}
    claimed: dict[object, Path] = {}  # output path, or (masks folder, stem), -> its input
    for index, source in enumerate(sources):
        targets = targets_for(index, source)
        keys: list[tuple[object, Path]] = [(p.resolve(), p) for p in targets.known_paths()]
        if targets.masks is not None:
            keys.append(((targets.masks.resolve(), source.stem),
                         targets.masks / f"{source.stem}_mask*.png"))
        clash = next(((shown, claimed[key]) for key, shown in keys
                      if claimed.get(key, source) != source), None)
        if clash is not None:
            refused[index] = {"input": str(source), "error": (
                f"cannot write {clash[0]}: already the output of {clash[1]}; "
                "give the inputs different names or folders")}
            continue
        for key, _ in keys:
            claimed[key] = source
        jobs.append(Job(index, source, targets))
    return jobs, refused


def default_jobs() -> int:
    """As many jobs as cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)
