"""Schedules the worker threads (one QThread per run, generations) and feeds the run model."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThread, Signal, Slot

from colorseg_gui.gui.run.model import RunModel

if TYPE_CHECKING:
    from colorseg_gui.engine import KMeansOptions, KMeansStep, Picture
    from colorseg_gui.gui.run.records import (
        ImageCache,
        Job,
        LoadedImage,
        Plan,
        PreviewFrame,
        RunOutcome,
    )
    from colorseg_gui.gui.run.steps import StepSummary
    from colorseg_gui.gui.worker import SegmentationWorker

# The worker module (numpy, Pillow, the engine) is imported by the first run, not with the
# window: the first window appears sooner (launch.py preloads numpy, Pillow and the engine).

log = logging.getLogger(__name__)

JOIN_TIMEOUT_MS = 30_000

# Every thread any controller started and that has not been joined yet; the test suite
# fails a test that leaves one of these running.
_LIVE_THREADS: set[QThread] = set()


def live_threads() -> list[QThread]:
    """Threads started by controllers that are still running."""
    return [thread for thread in list(_LIVE_THREADS) if _is_running(thread)]


def register_thread(thread: QThread) -> None:
    _LIVE_THREADS.add(thread)


def forget_thread(thread: QThread) -> None:
    _LIVE_THREADS.discard(thread)


def _is_running(thread: QThread) -> bool:
    try:
        return thread.isRunning()
    except RuntimeError:  # C++ object already deleted
        return False


class SegmentationController(QObject):
    """Turns requests (open, new options, stop) into worker runs; drops stale signals.

    It holds no run state of its own: what is open, counted and made lives in the
    :class:`RunModel` it feeds, which the widgets follow.
    """

    load_failed = Signal(str)  # "<file>: <reason>"
    run_failed = Signal(int, str)
    busy_changed = Signal(bool)

    def __init__(self, model: RunModel | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.model = model if model is not None else RunModel(self)
        self._generation = 0
        self._runs: dict[QThread, SegmentationWorker] = {}
        self._options: KMeansOptions | None = None  # of the latest request
        self._busy = False
        self._closed = False
        # The run counting the current image's histogram, which a change of options lets
        # finish counting (superseded, not cancelled), and whether a run waits for it.
        self._builder_gen: int | None = None
        self._awaiting_cache = False
        # A k change continues from the result shown (pipeline.warm_run); False: the cold
        # start of every other option change (Run > Cold Start).
        self.warm_k = True

    # ----- state -------------------------------------------------------------------------
    @property
    def generation(self) -> int:
        return self._generation

    @property
    def busy(self) -> bool:
        return self._busy

    def running_threads(self) -> list[QThread]:
        return [thread for thread in self._runs if _is_running(thread)]

    # ----- requests ----------------------------------------------------------------------
    def open_path(self, path: Path, options: KMeansOptions) -> int:
        """Decode ``path`` and cluster it; the current image stays until it has loaded."""
        from colorseg_gui.gui.run.records import Job

        self._options, self._awaiting_cache = options, False
        return self._start(Job(self._next_generation(), options, path=Path(path)))

    def open_picture(self, picture: Picture, options: KMeansOptions) -> int:
        from colorseg_gui.gui.run.records import Job

        self._options, self._awaiting_cache = options, False
        return self._start(Job(self._next_generation(), options, picture=picture))

    def set_options(self, options: KMeansOptions) -> int | None:
        """Re-run the current image with ``options``, from the cached histogram; a change of
        k alone starts from the result shown (warm), unless warm_k is off."""
        if self.model.finished_with(options) and options == self._options:
            return None
        plan = self.model.warm_plan(options) if self.warm_k else None
        if plan is not None:
            return self.run_plan(plan, options)
        self._options = options
        return self._rerun()

    def run_plan(self, plan: Plan, options: KMeansOptions) -> int | None:
        """Run on from an edited state of the image shown (``options``: what the panel shows
        of it); the run under way, paused or not, is dropped."""
        model = self.model
        if model.image is None or model.cache is None:
            return None
        from colorseg_gui.gui.run.records import Job

        self._options = options
        gen = self._next_generation()
        self._awaiting_cache = False
        model.begin_run(options, plan)
        return self._start(Job(gen, options, cache=model.cache, announce=False, plan=plan))

    def pause(self) -> bool:
        """Hold the current run at its next step; it waits there until resume()."""
        return self._each_current(lambda worker: worker.pause())

    def resume(self) -> bool:
        return self._each_current(lambda worker: worker.unpause())

    def _each_current(self, call: object) -> bool:
        found = False
        for thread, worker in self._runs.items():
            if worker.job.generation == self._generation and _is_running(thread):
                call(worker)  # type: ignore[operator]
                found = True
        return found

    def stop(self) -> bool:
        """End the current run, keeping its latest step as the result."""
        stopped = False
        if self._awaiting_cache:  # nothing clusters yet: just do not start
            self._awaiting_cache = False
            self.model.run_ended()
            self._set_busy(False)
            stopped = True
        for thread, worker in self._runs.items():
            if worker.job.generation == self._generation and _is_running(thread):
                worker.stop()
                stopped = True
        return stopped

    def cancel(self) -> None:
        """Drop the run under way and everything it would still send (undo, history)."""
        self._next_generation(keep_builder=True)
        self._awaiting_cache = False
        if self.model.running:
            self.model.run_ended()
        if not self._builder_running():
            self._set_busy(False)

    def follow(self, options: KMeansOptions) -> None:
        """The history shows a result made with ``options``: asking for them does nothing."""
        self._options = options

    def shutdown(self) -> None:
        """Interrupt and join every worker (window closing). Never terminates a thread."""
        self._closed = True
        self._generation += 1
        for thread, worker in list(self._runs.items()):
            worker.cancel()
            thread.requestInterruption()
        for thread in list(self._runs):
            thread.quit()
            if not thread.wait(JOIN_TIMEOUT_MS):
                log.error("a worker did not stop within %d ms", JOIN_TIMEOUT_MS)
                continue
            _LIVE_THREADS.discard(thread)
        self._set_busy(False)

    # ----- internals ---------------------------------------------------------------------
    def _next_generation(self, keep_builder: bool = False) -> int:
        self._generation += 1
        for thread, worker in self._runs.items():
            if keep_builder and worker.job.generation == self._builder_gen:
                worker.supersede()  # still counting this image's colours: let it finish
                continue
            worker.cancel()  # between iterations; joined when its thread reports finished
            thread.requestInterruption()
        return self._generation

    def _builder_running(self) -> bool:
        return any(
            worker.job.generation == self._builder_gen and _is_running(thread)
            for thread, worker in self._runs.items()
        )

    def _rerun(self) -> int | None:
        model = self.model
        if model.image is None or self._options is None:
            return None
        from colorseg_gui.gui.run.records import Job

        if model.cache is None and self._builder_running():
            # Counting this image's colours is under way: start from it when it is done.
            gen = self._next_generation(keep_builder=True)
            self._awaiting_cache = True
            model.begin_run(self._options)
            self._set_busy(True)
            return gen
        gen = self._next_generation()
        self._awaiting_cache = False
        model.begin_run(self._options)
        if model.cache is not None:
            job = Job(gen, self._options, cache=model.cache, announce=False)
        else:  # the run counting this image's colours failed: count them again
            self._builder_gen = gen
            job = Job(gen, self._options, picture=model.image.picture, announce=False,
                      sample_preview=False)
        return self._start(job)

    def _start(self, job: Job) -> int:
        if self._closed:
            return job.generation
        thread = QThread()
        thread.setObjectName(f"segmentation-{job.generation}")
        from colorseg_gui.gui.worker import SegmentationWorker

        worker = SegmentationWorker(job)
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.done.connect(thread.quit)
        # No deleteLater here: both objects are owned by their Python wrappers, which the
        # controller keeps until the thread has finished. A deleteLater as well would let
        # Qt (at thread exit) and Python (dropping the wrapper) both delete the worker.
        thread.finished.connect(self._on_thread_finished)
        worker.loaded.connect(self._on_loaded)
        worker.prepared.connect(self._on_prepared)
        worker.step_ready.connect(self._on_step_ready)
        worker.frame_ready.connect(self._on_frame_ready)
        worker.finished.connect(self._on_finished)
        worker.paused.connect(self._on_paused)
        worker.failed.connect(self._on_failed)
        worker.load_failed.connect(self._on_load_failed)
        self._runs[thread] = worker
        _LIVE_THREADS.add(thread)
        thread.start()
        self._set_busy(True)
        return job.generation

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.busy_changed.emit(busy)

    # ----- worker signals (queued into the GUI thread) -----------------------------------
    @Slot()
    def _on_thread_finished(self) -> None:
        thread = self.sender()
        if isinstance(thread, QThread):
            thread.wait()  # finished was emitted just before run() returns: let it return
            self._runs.pop(thread, None)  # last references: worker and thread are freed
            _LIVE_THREADS.discard(thread)
        if self._awaiting_cache and not self._builder_running():
            self._awaiting_cache = False  # the counting run ended without a histogram
            self._rerun()
        if not self._awaiting_cache and not any(
            w.job.generation == self._generation for w in self._runs.values()
        ):
            if self.model.running and not self._closed:
                self.model.run_ended()  # interrupted, failed or cancelled: no result comes
            self._set_busy(False)

    @Slot(int, object)
    def _on_loaded(self, gen: int, loaded: LoadedImage) -> None:
        if gen != self._generation:
            return
        self._builder_gen = gen
        self.model.set_image(loaded)
        if self._options is not None:
            self.model.begin_run(self._options)

    @Slot(int, object)
    def _on_prepared(self, gen: int, cache: ImageCache) -> None:
        if not self.model.set_cache(cache):
            return  # counted for an image that is no longer open
        if gen == self._builder_gen:
            self._builder_gen = None
        if self._awaiting_cache and self._options is not None:
            self._awaiting_cache = False
            from colorseg_gui.gui.run.records import Job

            self._start(Job(self._generation, self._options, cache=cache, announce=False))

    @Slot(int, object)
    def _on_step_ready(self, gen: int, summary: StepSummary) -> None:
        if gen == self._generation:
            self.model.add_step(summary)

    @Slot(int, object)
    def _on_frame_ready(self, gen: int, frame: PreviewFrame) -> None:
        if gen == self._generation:
            self.model.show_frame(frame)

    @Slot(int, object)
    def _on_finished(self, gen: int, outcome: RunOutcome) -> None:
        if gen == self._generation:
            self.model.finish_run(outcome)

    @Slot(int, object)
    def _on_paused(self, gen: int, paused: tuple[KMeansStep, int | None]) -> None:
        if gen == self._generation:
            self.model.pause_at(*paused)

    @Slot(int, str)
    def _on_failed(self, gen: int, message: str) -> None:
        if gen == self._generation:
            self.run_failed.emit(gen, message)

    @Slot(int, str)
    def _on_load_failed(self, gen: int, message: str) -> None:
        if gen != self._generation:
            return
        self.load_failed.emit(message)
        # The open image stays: finish its interrupted run, if any, from the cache.
        model = self.model
        if model.image is not None and self._options is not None and not (
                model.finished_with(self._options)):
            self._rerun()
        else:
            self._options = model.outcome.options if model.outcome is not None else None
            self._set_busy(False)
