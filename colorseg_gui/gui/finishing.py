"""After each result, off the GUI thread: cleanup and dithering, error map, colour-vision views.

The Finisher owns the finished state of the current result (what the view shows instead of
the plain result, and what the saves write); a newer result or option drops older work.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from colorseg_gui.gui.tasks import TaskRunner

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from colorseg_gui.engine import ClusterErrors, Confusion, MadeReady, MakeOptions
    from colorseg_gui.gui.run.records import RunOutcome

SHOW_RESULT, SHOW_ERRORS = "result", "errors"
SHOW_CHOICES = (
    (SHOW_RESULT, "&Result"),
    (SHOW_ERRORS, "&Error Map"),
    ("protanopia", "As Seen with &Protanopia"),
    ("deuteranopia", "As Seen with &Deuteranopia"),
    ("tritanopia", "As Seen with &Tritanopia"),
)


@dataclass(frozen=True, eq=False)
class Finished:
    """One result made ready: what to show and to write, and what to say about it."""

    outcome: RunOutcome
    options: MakeOptions
    show: str
    made: MadeReady | None  # None: no cleanup or dithering asked for
    label_map: npt.NDArray[np.uint8]  # H x W: what every output is written from
    weights: npt.NDArray[np.float64]  # k: shares of the shown result
    image: npt.NDArray[np.uint8]  # full size, what the result layer shows
    preview: npt.NDArray[np.uint8]  # the same at the view's preview size
    errors: ClusterErrors
    mean_delta_e: float  # of the written result (after cleanup and dithering)
    confusions: list[Confusion]
    split_cluster: int  # where one more colour cuts the error most
    palette: npt.NDArray[np.uint8]  # the colours shown: the clusters', or owned ones
    names: list[str] | None  # the owned colours' names


def _preview(image: npt.NDArray[np.uint8], like: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    from colorseg_gui.gui.qimage import to_screen

    step = max(1, math.ceil(image.shape[0] / max(1, like.shape[0])))
    return to_screen(image[::step, ::step])


def finish(outcome: RunOutcome, options: MakeOptions, show: str) -> Finished:
    """Runs on a task thread: numpy only, no widgets."""
    import numpy as np

    from colorseg_gui.engine import (
        DEFICIENCIES,
        cluster_errors,
        confusable_pairs,
        error_picture,
        make_ready,
        paint,
        pixel_errors,
        simulate,
        split_gains,
        to_space,
    )

    result = outcome.result
    hist, palette, labels = result.histogram, result.palette, result.step.labels
    made = make_ready(hist, palette, labels, options) if options.active else None
    label_map = made.label_map if made is not None else result.labels
    weights = made.weights if made is not None else result.weights
    if made is not None:  # own colours may have replaced the clusters' colours
        palette, labels = made.palette, made.entry_labels
    summary = cluster_errors(hist, palette, labels)
    mean_delta_e = summary.overall_mean  # weighted like pixels: the same mean, per colour
    if made is not None or show == SHOW_ERRORS:
        errors = pixel_errors(hist, palette, labels, label_map if made is not None else None)
        alpha = np.ones(errors.size) if hist.alpha is None else hist.alpha.reshape(-1) / 255.0
        total = float(alpha.sum())
        mean_delta_e = float((errors.reshape(-1) * alpha).sum() / total) if total else 0.0
    if show == SHOW_ERRORS:
        image = error_picture(errors)
    elif show in DEFICIENCIES:
        image = paint(simulate(palette, show), label_map, hist.alpha)
    elif made is not None:
        image = paint(palette, label_map, hist.alpha)
    else:
        image = outcome.image
    gains = split_gains(to_space(hist.colors, result.space), hist.weights, labels, len(palette))
    names = made.names if made is not None else None
    return Finished(
        outcome=outcome, options=options, show=show, made=made, label_map=label_map,
        weights=weights, image=image,
        # The plain result keeps the worker's preview: no second, cruder downscale of it.
        preview=outcome.preview if image is outcome.image else _preview(image, outcome.preview),
        errors=summary, mean_delta_e=mean_delta_e,
        confusions=confusable_pairs(palette), split_cluster=int(np.argmax(gains)),
        palette=palette, names=names,
    )


class Finisher(QObject):
    """Re-finishes the current result whenever it, the options or the view mode change."""

    finished = Signal(object)  # Finished, for the current result, options and mode
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks = TaskRunner(self)
        self._tasks.succeeded.connect(self._on_succeeded)
        self._tasks.failed.connect(self._on_failed)
        self._outcome: RunOutcome | None = None
        self._options: MakeOptions | None = None
        self._show = SHOW_RESULT
        self._generation = 0
        self._waiting = False  # a request arrived while a finishing was running
        self._retry = QTimer(self)  # looks again until that finishing's thread has ended
        self._retry.setSingleShot(True)
        self._retry.setInterval(10)
        self._retry.timeout.connect(self._launch_waiting)
        self.current: Finished | None = None

    @property
    def show(self) -> str:
        return self._show

    def set_outcome(self, outcome: RunOutcome | None) -> None:
        self._outcome = outcome
        self.current = None
        self._start()

    def set_options(self, options: MakeOptions) -> None:
        self._options = options
        self._start()

    def set_show(self, show: str) -> None:
        self._show = show
        self._start()

    @property
    def busy(self) -> bool:
        return self._tasks.busy or self._waiting

    def _start(self) -> None:
        self._generation += 1
        self._launch()

    def _launch(self) -> None:
        if self._outcome is None:
            self._waiting = False
            return
        if self._options is None:
            from colorseg_gui.engine import MakeOptions

            self._options = MakeOptions()
        if self._tasks.busy:
            # One finishing at a time: stepping through the history with Ctrl+Z held down
            # would otherwise start one per result, all fighting the window for the cores.
            # The newest request starts when the running one is done.
            self._waiting = True
            self._retry.start()
            return
        self._waiting = False
        self._tasks.run(f"finish-{self._generation}", finish, self._outcome, self._options,
                        self._show)

    @Slot(str, object)
    def _on_succeeded(self, tag: str, value: object) -> None:
        if tag == f"finish-{self._generation}" and isinstance(value, Finished):
            self.current = value
            self.finished.emit(value)
        self._next()  # else a newer result, option or mode is on its way

    @Slot(str, str)
    def _on_failed(self, tag: str, message: str) -> None:
        if tag == f"finish-{self._generation}":
            self.failed.emit(message)
        self._next()

    def _next(self) -> None:
        if self._waiting:
            self._retry.start(0)

    @Slot()
    def _launch_waiting(self) -> None:
        if not self._waiting:
            return
        if self._tasks.busy:  # the finished task's thread is still being joined
            self._retry.start(10)
            return
        self._launch()

    def shutdown(self) -> None:
        self._generation += 1
        self._waiting = False
        self._retry.stop()
        self._tasks.shutdown()
