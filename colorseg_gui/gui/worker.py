"""The worker that decodes, counts colours, clusters and renders, off the GUI thread."""

from __future__ import annotations

import dataclasses
import logging
import math
import threading
import time
from collections.abc import Callable, Iterator

import numpy as np
import numpy.typing as npt
from PIL import Image
from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, Slot

from colorseg_gui.engine import (
    ColorHistogram,
    ImageLoadError,
    KMeansOptions,
    KMeansStep,
    Picture,
    PreviewIndex,
    SegmentResult,
    StepKind,
    StopReason,
    build_histogram,
    iter_kmeans,
    load_image,
    mse_rgb,
    nearest_labels,
    paint_label_map,
    render_segmented,
    run_kmeans,
)
from colorseg_gui.gui.qimage import to_screen
from colorseg_gui.gui.run.records import ImageCache, Job, LoadedImage, PreviewFrame, RunOutcome
from colorseg_gui.gui.run.replay import Recipe
from colorseg_gui.gui.run.steps import summarise

log = logging.getLogger(__name__)

DISPLAY_MAX = 2048  # long side of the screen-sized copy of the original
PREVIEW_MAX = 1600  # long side of the live previews rendered at every step
SAMPLE_MAX = 640  # long side of the sample clustered for the very first preview
SAMPLE_BUDGET = 0.04  # seconds of Lloyd iterations spent on that sample
# The one throttle of the live preview: every step's summary goes to the window, a frame is
# rendered at most this often (a frame costs ~10-25 ms, on its own thread).
FRAME_INTERVAL = 1 / 30


class FrameRenderer:
    """Renders the newest step into a preview frame on its own thread, skipping the rest.

    The Lloyd loop only hands steps over (offer() never waits for a render), so the live
    preview costs the clustering no time beyond sharing the cores; frames, not steps, are
    dropped.  numpy releases the GIL in the gathers that make a frame.  The thread is
    joined by close(), never abandoned: the worker closes it before it emits its result,
    so no preview can arrive after the final one.
    """

    def __init__(self, render: Callable[[KMeansStep], None], interval: float) -> None:
        self._render = render
        self._interval = interval
        self._wake = threading.Condition()
        self._pending: KMeansStep | None = None
        self._closing = False
        self._thread = threading.Thread(target=self._loop, name="colorseg-frames", daemon=True)
        self._thread.start()

    def offer(self, step: KMeansStep) -> None:
        with self._wake:
            self._pending = step  # an older step not rendered yet is dropped
            self._wake.notify()

    def close(self) -> None:
        """Drop any step not rendered yet and join the thread (after a render in flight)."""
        with self._wake:
            self._closing = True
            self._pending = None
            self._wake.notify()
        self._thread.join()

    def _loop(self) -> None:
        last = -math.inf
        while True:
            with self._wake:
                while self._pending is None and not self._closing:
                    self._wake.wait()
                if self._closing:
                    return
                wait = last + self._interval - time.perf_counter()
                if wait > 0:
                    # Let newer steps replace this one until the next frame is due.
                    self._wake.wait(wait)
                    if self._closing:
                        return
                step, self._pending = self._pending, None
            if step is None:
                continue
            last = time.perf_counter()
            try:
                self._render(step)
            except Exception:  # a failed preview must not take the run down
                log.exception("preview frame failed")


def _display_copy(picture: Picture) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.uint8]]:
    full = picture.rgb if picture.alpha is None else np.dstack((picture.rgb, picture.alpha))
    full = np.ascontiguousarray(full)
    factor = math.ceil(max(picture.width, picture.height) / DISPLAY_MAX)
    if factor <= 1:
        return full, full
    # Box-reduce by an integer factor: fast, and as sharp as a screen needs.
    return np.asarray(Image.fromarray(full).reduce(factor)), full


def _recipe_of(job: Job, last: KMeansStep, stopped: bool) -> Recipe:
    from colorseg_gui.gui.run.replay import Recipe

    recipe = job.plan.recipe if job.plan is not None else Recipe(job.options)
    return recipe.stopped(int(last.iteration) if stopped else None)


def _build_result(
    hist: ColorHistogram, step: KMeansStep, options: KMeansOptions, stopped: bool
) -> SegmentResult:
    if stopped and not step.final:
        step = dataclasses.replace(step, final=True, stop_reason=StopReason.STOPPED)
    return SegmentResult.from_step(hist, step, seed=options.seed)


class SegmentationWorker(QObject):
    """Runs one :class:`Job`; lives in its own QThread and emits plain data only."""

    loaded = Signal(int, object)  # generation, LoadedImage
    prepared = Signal(int, object)  # generation, ImageCache
    step_ready = Signal(int, object)  # generation, StepSummary: every step, a few kB
    frame_ready = Signal(int, object)  # generation, PreviewFrame: at most ~30 a second
    finished = Signal(int, object)  # generation, RunOutcome
    paused = Signal(int, object)  # generation, (KMeansStep, next id): the run waits there
    failed = Signal(int, str)  # generation, one-line message
    load_failed = Signal(int, str)  # generation, "<file>: <reason>"
    done = Signal()  # always last, whatever happened: quits the thread

    def __init__(self, job: Job) -> None:
        super().__init__()
        self.job = job
        self._cancel = threading.Event()  # another image / close: drop everything
        self._supersede = threading.Event()  # new options: finish the histogram, no clustering
        self._stop = threading.Event()  # Stop button: keep the current step
        # Pause: the Lloyd generator waits between two steps, suspended, so that Resume
        # continues the very same run (its tolerance, Hartigan rounds and iteration limit
        # unchanged); every other request sets _wake too, so a paused worker never blocks one.
        self._pause = threading.Event()
        self._wake = threading.Event()
        self.next_id: int | None = None  # after the plan's edit: the outcome carries it
        self._paused_for = 0.0

    # Called from the GUI thread: only sets flags, which the run loop polls.
    def cancel(self) -> None:
        self._cancel.set()
        self._wake.set()

    def supersede(self) -> None:
        self._supersede.set()
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def pause(self) -> None:
        self._wake.clear()
        self._pause.set()

    def unpause(self) -> None:
        self._pause.clear()
        self._wake.set()

    def _wait_while_paused(self, step: KMeansStep) -> None:
        if not self._pause.is_set() or self._should_stop() or step.is_preview:
            return  # a quick look's labels are not the run's: it pauses at an exact step
        self.paused.emit(self.job.generation, (step, self.next_id))
        began = time.perf_counter()
        # Timed waits: an interruption of the thread (requestInterruption) sets no event.
        while self._pause.is_set() and not self._should_stop():
            self._wake.wait(0.05)
        self._paused_for += time.perf_counter() - began  # the time a run took leaves it out

    def _cancelled(self) -> bool:
        return self._cancel.is_set() or QThread.currentThread().isInterruptionRequested()

    def _unwanted(self) -> bool:
        """No clustering result of this run is wanted any more."""
        return self._cancelled() or self._supersede.is_set()

    def _should_stop(self) -> bool:
        return self._unwanted() or self._stop.is_set()

    @Slot()
    def run(self) -> None:
        try:
            self._run()
        except ImageLoadError as exc:
            self.load_failed.emit(self.job.generation, str(exc))
        except MemoryError:
            self.failed.emit(self.job.generation, "not enough memory for this image and k")
        except Exception as exc:  # a worker must never die silently
            log.exception("segmentation run failed")
            self.failed.emit(self.job.generation, f"{type(exc).__name__}: {exc}")
        finally:
            # Hand the worker back to the GUI thread, where the controller frees it once
            # this thread has finished.
            app = QCoreApplication.instance()
            if app is not None:
                self.moveToThread(app.thread())
            self.done.emit()

    def _run(self) -> None:
        job, gen, started = self.job, self.job.generation, time.perf_counter()
        timings: dict[str, float] = {}
        picture = job.picture
        if job.path is not None:
            picture = load_image(job.path)
            timings["decode"] = time.perf_counter() - started
            if self._cancelled():
                return  # another image was asked for while this one decoded
        cache = job.cache
        display: npt.NDArray[np.uint8] | None = None
        if picture is not None and job.announce:
            display, full = _display_copy(picture)
            self.loaded.emit(gen, LoadedImage(picture, display, full, to_screen(display)))
        if self._cancelled():
            return
        if cache is None:
            if picture is None:
                raise ValueError("a job needs a path, a picture or a cached histogram")
            quick = None
            if job.sample_preview and display is not None:
                quick = self._sample_preview(display, picture.alpha is not None)
            mark = time.perf_counter()
            hist = build_histogram(picture.rgb, picture.alpha)
            cache = ImageCache(
                hist,
                PreviewIndex.build(hist, PREVIEW_MAX, samples=1),
                time.perf_counter() - mark,
                picture,
            )
            timings["histogram"] = cache.build_seconds
            self.prepared.emit(gen, cache)
            if quick is not None and not self._unwanted():
                self._quick_look_on_every_colour(quick, cache)
        if self._unwanted():
            return
        self._cluster(cache, started, timings)

    def _steps(
        self,
        hist: ColorHistogram,
        should_stop: Callable[[], bool],
        refine: bool | None = None,
        previews: bool = False,
    ) -> Iterator[KMeansStep]:
        """The engine's steps for this job: a fresh run of its options, or the run after its
        plan's edit (the same calls gui/run/replay.py makes, so that sessions replay it)."""
        from colorseg_gui.gui.run.replay import edit_steps, replay

        plan = self.job.plan
        if plan is not None:
            if plan.source is None:  # a session's state, remade whole
                return iter((replay(hist, plan.recipe),))
            steps, self.next_id = edit_steps(hist, plan.source, plan.recipe.edits[-1],
                                             plan.recipe.options, plan.next_id, should_stop,
                                             plan.edited)
            return steps
        opts = self.job.options
        if refine is False and isinstance(opts.init, str):
            # The quick look on a sample: plain k-means++, no search for a better start.
            return iter_kmeans(hist, opts.k, space=opts.space, seed=opts.seed, init=opts.init,
                               max_iter=opts.max_iter, tol=opts.tol, should_stop=should_stop,
                               refine=False)
        return run_kmeans(hist, opts, should_stop=should_stop, previews=previews)

    def _recipe(self, last: KMeansStep, stopped: bool) -> Recipe:
        return _recipe_of(self.job, last, stopped)

    def _sample_preview(self, display: npt.NDArray[np.uint8], has_alpha: bool
                        ) -> KMeansStep | None:
        """Cluster a small copy for a first look while the exact histogram is counted."""
        factor = math.ceil(max(display.shape[:2]) / SAMPLE_MAX)
        sample = np.asarray(Image.fromarray(display).reduce(factor)) if factor > 1 else display
        rgb = np.ascontiguousarray(sample[..., :3])
        alpha = np.ascontiguousarray(sample[..., 3]) if has_alpha else None
        hist = build_histogram(rgb, alpha)
        last: KMeansStep | None = None
        deadline = [float("inf")]  # starts once the first step is in: init always completes

        def sample_done() -> bool:
            return self._should_stop() or time.perf_counter() > deadline[0]

        # Plain k-means++ (no search for a better start): this first look has to be quick,
        # and the exact run replaces it anyway.
        for step in self._steps(hist, sample_done, refine=False):
            if last is None:
                deadline[0] = time.perf_counter() + SAMPLE_BUDGET
            last = step
        if last is not None and not self._should_stop():
            image = render_segmented(hist, last.palette, last.labels)
            # A look at a sample, not a step of the exact run: a preview, not iteration 1.
            look = dataclasses.replace(last, kind=StepKind.PREVIEW, iteration=0)
            self.frame_ready.emit(
                self.job.generation,
                PreviewFrame(look, to_screen(image), mse_rgb(hist, last.palette, last.labels),
                             hist.total_weight, opaque=not has_alpha, of_sample=True),
            )
            return look
        return None

    def _quick_look_on_every_colour(self, look: KMeansStep, cache: ImageCache) -> None:
        """The quick look again, its colours given to every pixel of the image: its true
        error, which the exact steps must beat before they replace it on screen (the
        error of a sample is lower than the image's), at full sharpness."""
        hist = cache.histogram
        labels = nearest_labels(hist, look.centroids, look.space)
        weights = np.bincount(labels, weights=hist.weights, minlength=len(look.palette))
        step = dataclasses.replace(look, labels=labels, weights=weights.astype(np.float64))
        self.frame_ready.emit(
            self.job.generation,
            PreviewFrame(step, to_screen(cache.preview.render(step.palette, labels)),
                         mse_rgb(hist, step.palette, labels), hist.total_weight,
                         opaque=hist.alpha is None),
        )

    def _cluster(self, cache: ImageCache, started: float, timings: dict[str, float]) -> None:
        opts, gen, hist = self.job.options, self.job.generation, cache.histogram
        last: KMeansStep | None = None

        def render(step: KMeansStep) -> None:
            if self._should_stop():
                return
            frame = PreviewFrame(
                step,
                to_screen(cache.preview.render(step.palette, step.labels)),
                mse_rgb(hist, step.palette, step.labels),
                hist.total_weight,
                opaque=hist.alpha is None,
            )
            self.frame_ready.emit(gen, frame)

        frames = FrameRenderer(render, FRAME_INTERVAL)
        previous = None  # labels of the exact step before: summaries keep what changed
        try:
            # previews=True: the start search is shown too, so that a frame comes at least
            # every tenth of a second before the first exact step.
            for step in self._steps(hist, self._should_stop, previews=True):
                last = step
                self.step_ready.emit(gen, summarise(step, previous, hist.total_weight))
                if not step.is_preview:
                    previous = step.labels
                if step.final:
                    break
                frames.offer(step)
                self._wait_while_paused(step)
        finally:
            frames.close()
        if last is None or self._unwanted():
            return
        stopped = not last.final
        mark = time.perf_counter()
        result = _build_result(hist, last, opts, stopped)
        # From the label map the result holds anyway: a lookup in k colours per pixel.
        image = paint_label_map(result.labels, result.palette, hist.alpha)
        timings["render"] = time.perf_counter() - mark
        outcome = RunOutcome(
            result=result,
            image=image,
            preview=to_screen(cache.preview.render(last.palette, last.labels)),
            mse=mse_rgb(hist, last.palette, last.labels),
            options=opts,
            stopped=stopped,
            elapsed=time.perf_counter() - started - self._paused_for,
            timings=timings,
            recipe=self._recipe(last, stopped),
            next_id=self.next_id,
        )
        if not self._unwanted():
            self.finished.emit(gen, outcome)
