"""Runs a batch of files in the background: a QThread drives the worker processes of batch_jobs.

The thread only waits on the workers' pipes (the work happens in other processes), so the GUI
thread and the current image's own clustering are untouched. Cancel is cooperative: the
thread checks isInterruptionRequested() between waits (every tick) and then ends the pool,
which stops running jobs through their atomic writes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, Slot

from colorseg_gui.gui import controller as controller_module

log = logging.getLogger(__name__)
TICK_SECONDS = 0.1  # how soon Cancel is seen


@dataclass
class BatchSummary:
    """How a batch ended: counts, and every failure as (file, reason)."""

    total: int
    written: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)
    cancelled: bool = False


class _BatchWorker(QObject):
    file_started = Signal(int)  # job index
    file_done = Signal(int, object)  # job index, record dict
    done = Signal(object)  # BatchSummary

    def __init__(self, jobs: list[Any], options: Any, workers: int,
                 refused: dict[int, dict[str, Any]]) -> None:
        super().__init__()
        self._jobs, self._options, self._workers, self._refused = jobs, options, workers, refused

    @Slot()
    def run(self) -> None:
        from colorseg_gui.batch_jobs import Finished, JobPool, Started

        summary = BatchSummary(total=len(self._jobs) + len(self._refused))
        for index, record in self._refused.items():
            summary.failures.append((record["input"], record["error"]))
            self.file_done.emit(index, record)
        thread = QThread.currentThread()
        pool = JobPool(self._options, self._workers)
        try:
            for event in pool.run(self._jobs, stop=thread.isInterruptionRequested,
                                  tick=TICK_SECONDS):
                if isinstance(event, Started):
                    self.file_started.emit(event.index)
                elif isinstance(event, Finished):
                    record = event.record
                    if "error" in record:
                        summary.failures.append((record["input"], record["error"]))
                    else:
                        summary.written += 1
                    self.file_done.emit(event.index, record)
        except Exception as exc:  # a bug in the pool: say so rather than hang the dialog
            log.exception("batch failed")
            summary.failures.append(("(batch)", f"{type(exc).__name__}: {exc}"))
        finally:
            summary.cancelled = bool(pool.close()) or thread.isInterruptionRequested()
            app = QCoreApplication.instance()
            if app is not None:
                self.moveToThread(app.thread())
            self.done.emit(summary)


class BatchRunner(QObject):
    """One batch at a time; signals arrive in the GUI thread with plain data."""

    file_started = Signal(int)
    file_done = Signal(int, object)
    finished = Signal(object)  # BatchSummary

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: QThread | None = None
        self._worker: _BatchWorker | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self, jobs: list[Any], options: Any, workers: int,
              refused: dict[int, dict[str, Any]] | None = None) -> None:
        if self._thread is not None:
            raise RuntimeError("a batch is already running")
        thread = QThread()
        thread.setObjectName("batch")
        worker = _BatchWorker(jobs, options, workers, refused or {})
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.done.connect(thread.quit)
        worker.file_started.connect(self._on_file_started)
        worker.file_done.connect(self._on_file_done)
        worker.done.connect(self._on_done)
        self._thread, self._worker = thread, worker
        controller_module.register_thread(thread)
        thread.start()

    def cancel(self) -> None:
        if self._thread is not None:
            self._thread.requestInterruption()

    def shutdown(self) -> None:
        """Cancel and join (window closing): the workers end through their atomic writes."""
        thread = self._thread
        if thread is None:
            return
        thread.requestInterruption()
        thread.quit()
        thread.wait()
        self._forget()

    @Slot(int)
    def _on_file_started(self, index: int) -> None:
        self.file_started.emit(index)

    @Slot(int, object)
    def _on_file_done(self, index: int, record: object) -> None:
        self.file_done.emit(index, record)

    @Slot(object)
    def _on_done(self, summary: object) -> None:
        if self._thread is not None:
            self._thread.wait()
        self._forget()
        self.finished.emit(summary)

    def _forget(self) -> None:
        if self._thread is not None:
            controller_module.forget_thread(self._thread)
        self._thread, self._worker = None, None
