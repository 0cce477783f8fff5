"""Owns the worker threads: one QThread per run, generations, throttled previews."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QElapsedTimer, QObject, QThread, QTimer, Signal, Slot

from colorseg_gui.engine import KMeansOptions

if TYPE_CHECKING:
    from colorseg_gui.engine import Picture
    from colorseg_gui.gui.worker import (
        ImageCache,
        Job,
        LoadedImage,
        PreviewFrame,
        RunOutcome,
        SegmentationWorker,
    )

# The worker module (numpy, Pillow, the engine) is imported by the first run, not with the
# window: the first window appears sooner (launch.py preloads numpy, Pillow and the engine).

log = logging.getLogger(__name__)

PAINT_INTERVAL_MS = 33  # at most ~30 previews a second reach the window
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
    """Turns requests (open, new options, stop) into worker runs; drops stale signals."""

    image_loaded = Signal(int, object)  # generation, LoadedImage
    preview_ready = Signal(int, object)  # generation, PreviewFrame (throttled, newest wins)
    result_ready = Signal(int, object)  # generation, RunOutcome
    load_failed = Signal(str)  # "<file>: <reason>"
    run_failed = Signal(int, str)
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._generation = 0
        self._runs: dict[QThread, SegmentationWorker] = {}
        self._options = KMeansOptions()
        self._image: LoadedImage | None = None
        self._cache: ImageCache | None = None
        self._completed_for: KMeansOptions | None = None  # options of the image's finished result
        self._busy = False
        self._pending: PreviewFrame | None = None
        self._paint_clock = QElapsedTimer()
        self._paint_timer = QTimer(self)
        self._paint_timer.setSingleShot(True)
        self._paint_timer.timeout.connect(self._flush_preview)
        self._closed = False
        # The run counting the current image's histogram, which a change of options lets
        # finish counting (superseded, not cancelled), and whether a run waits for it.
        self._builder_gen: int | None = None
        self._awaiting_cache = False

    # ----- state -------------------------------------------------------------------------
    @property
    def generation(self) -> int:
        return self._generation

    @property
    def image(self) -> LoadedImage | None:
        return self._image

    @property
    def cache(self) -> ImageCache | None:
        return self._cache

    @property
    def options(self) -> KMeansOptions:
        return self._options

    @property
    def busy(self) -> bool:
        return self._busy

    def running_threads(self) -> list[QThread]:
        return [thread for thread in self._runs if _is_running(thread)]

    # ----- requests ----------------------------------------------------------------------
    def open_path(self, path: Path, options: KMeansOptions | None = None) -> int:
        """Decode ``path`` and cluster it; the current image stays until it has loaded."""
        if options is not None:
            self._options = options
        self._awaiting_cache = False
        from colorseg_gui.gui.worker import Job

        return self._start(Job(self._next_generation(), self._options, path=Path(path)))

    def open_picture(self, picture: Picture, options: KMeansOptions | None = None) -> int:
        if options is not None:
            self._options = options
        self._awaiting_cache = False
        from colorseg_gui.gui.worker import Job

        return self._start(Job(self._next_generation(), self._options, picture=picture))

    def set_options(self, options: KMeansOptions) -> int | None:
        """Re-run the current image with ``options``, from the cached histogram."""
        if options == self._completed_for and options == self._options:
            return None
        self._options = options
        return self._rerun()

    def stop(self) -> bool:
        """End the current run, keeping its latest step as the result."""
        stopped = False
        if self._awaiting_cache:  # nothing clusters yet: just do not start
            self._awaiting_cache = False
            self._set_busy(False)
            stopped = True
        for thread, worker in self._runs.items():
            if worker.job.generation == self._generation and _is_running(thread):
                worker.stop()
                stopped = True
        return stopped

    def shutdown(self) -> None:
        """Interrupt and join every worker (window closing). Never terminates a thread."""
        self._closed = True
        self._paint_timer.stop()
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
        self._pending = None
        self._paint_timer.stop()
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
        if self._image is None:
            return None
        if self._cache is None and self._builder_running():
            # Counting this image's colours is under way: start from it when it is done.
            gen = self._next_generation(keep_builder=True)
            self._awaiting_cache = True
            self._set_busy(True)
            return gen
        gen = self._next_generation()
        self._awaiting_cache = False
        from colorseg_gui.gui.worker import Job

        if self._cache is not None:
            job = Job(gen, self._options, cache=self._cache, announce=False)
        else:  # the run counting this image's colours failed: count them again
            self._builder_gen = gen
            job = Job(
                gen,
                self._options,
                picture=self._image.picture,
                announce=False,
                sample_preview=False,
            )
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
        worker.finished.connect(self._on_finished)
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
            self._set_busy(False)

    @Slot(int, object)
    def _on_loaded(self, gen: int, loaded: LoadedImage) -> None:
        if gen != self._generation:
            return
        self._image, self._cache, self._completed_for = loaded, None, None
        self._builder_gen = gen
        self.image_loaded.emit(gen, loaded)

    @Slot(int, object)
    def _on_prepared(self, gen: int, cache: ImageCache) -> None:
        if self._image is None or cache.source is not self._image.picture:
            return  # counted for an image that is no longer open
        self._cache = cache
        if gen == self._builder_gen:
            self._builder_gen = None
        if self._awaiting_cache:
            self._awaiting_cache = False
            from colorseg_gui.gui.worker import Job

            self._start(Job(self._generation, self._options, cache=cache, announce=False))

    @Slot(int, object)
    def _on_step_ready(self, gen: int, frame: PreviewFrame) -> None:
        if gen != self._generation:
            return
        self._pending = frame
        if self._paint_timer.isActive():
            return  # the newest frame goes out when the timer fires
        elapsed = self._paint_clock.elapsed() if self._paint_clock.isValid() else 10**9
        if elapsed >= PAINT_INTERVAL_MS:
            self._flush_preview()
        else:
            self._paint_timer.start(PAINT_INTERVAL_MS - elapsed)

    @Slot()
    def _flush_preview(self) -> None:
        frame, self._pending = self._pending, None
        if frame is not None:
            self._paint_clock.start()
            self.preview_ready.emit(self._generation, frame)

    @Slot(int, object)
    def _on_finished(self, gen: int, outcome: RunOutcome) -> None:
        if gen != self._generation:
            return
        self._pending = None
        self._paint_timer.stop()
        self._completed_for = None if outcome.stopped else outcome.options
        self.result_ready.emit(gen, outcome)

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
        if self._image is not None and self._completed_for != self._options:
            self._rerun()
        else:
            self._set_busy(False)
