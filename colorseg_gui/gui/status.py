"""The status bar: what is happening, k and iteration, a plain error figure, one time."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtCore import QElapsedTimer, Qt, QTimer, Slot
from PySide6.QtGui import QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QLabel, QProgressBar, QSizePolicy, QStatusBar, QWidget

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from colorseg_gui.gui.run.records import LoadedImage, PreviewFrame, RunOutcome

ITERATION_TIP = "Number of colours (k) and the iteration shown"
ERROR_TIP = (
    "Average colour error: how far, on average, a pixel's colour is from the colour of "
    "its segment (root mean square sRGB distance, 0 = identical, 441 = black vs white)"
)
TIME_TIP = "Time since you asked for this result: decoding, counting colours and clustering"
TICK_MS = 200
TIMES = "\u00d7"  # the multiplication sign of "768 x 512"


def plural(count: int, one: str, many: str | None = None) -> str:
    """``1 colour``, ``2 colours``, ``1,024 files``."""
    word = one if count == 1 else (many or one + "s")
    return f"{count:,} {word}"


def _seconds(value: float) -> str:
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


class MessageLabel(QLabel):
    """Text that never runs into its neighbours: elided with "…", the whole in its tooltip."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self._full = ""
        self._tip = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(40)
        self.setTextFormat(Qt.TextFormat.PlainText)

    def set_message(self, text: str, tip: str = "") -> None:
        self._full, self._tip = text, tip
        self._elide()

    def full_text(self) -> str:
        return self._full

    def is_elided(self) -> bool:
        return self.text() != self._full

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = max(0, self.contentsRect().width())
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, width)
        super().setText(shown)
        tips = [self._full] if shown != self._full else []
        if self._tip:
            tips.append(self._tip)
        self.setToolTip("\n".join(tips))


def _field(name: str, tip: str, sample: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setToolTip(tip)
    label.setAccessibleName(tip.split(":")[0])
    label.setTextFormat(Qt.TextFormat.PlainText)
    # Room for the widest value it shows, so the bar does not jitter while a run counts up.
    label.setMinimumWidth(label.fontMetrics().horizontalAdvance(sample) + 4)
    label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    label.setContentsMargins(6, 0, 6, 0)
    return label


class StatusBar(QStatusBar):
    """A status bar that leaves showing its messages to the :class:`MessageLabel`.

    QStatusBar paints a temporary message itself, clipped under the permanent widgets;
    here the label shows it, elided, and the state of the run returns when it times out.
    """

    def paintEvent(self, event: QPaintEvent) -> None:
        pass  # nothing of its own to draw: no item frames, no clipped message

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusBar")
        self.setSizeGripEnabled(False)
        self.setContentsMargins(4, 0, 6, 0)


class StatusFields:
    """The widgets of the status bar and how each kind of event fills them."""

    def __init__(self, bar: QStatusBar) -> None:
        self._bar = bar
        self.message = MessageLabel("statusMessage")
        self.message.setAccessibleName("Status")
        self.progress = QProgressBar()
        self.progress.setObjectName("statusProgress")
        self.progress.setAccessibleName("Working")
        self.progress.setToolTip("Working: decoding, counting colours or clustering")
        self.progress.setTextVisible(False)
        self.progress.setRange(0, 0)  # busy: how many iterations remain is not known
        self.progress.setFixedSize(64, 6)
        policy = self.progress.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # the fields beside it do not jump
        self.progress.setSizePolicy(policy)
        self.progress.hide()
        self.size = _field("statusSize", "Image size in pixels", f"99999 {TIMES} 99999 px")
        self.iteration = _field("statusIteration", ITERATION_TIP, "256 colours · iteration 888")
        self.error = _field("statusError", ERROR_TIP, "error ≈ 888.8")
        self.elapsed = _field("statusElapsed", TIME_TIP, "88.88 s")
        bar.addPermanentWidget(self.message, 1)
        for widget in (self.progress, self.size, self.iteration, self.error, self.elapsed):
            bar.addPermanentWidget(widget)
        self._state, self._state_tip = "", ""
        self._busy = self._paused = False
        self._image_notes: list[str] = []
        self._clock = QElapsedTimer()
        self._timer = QTimer(bar)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        bar.messageChanged.connect(self._on_message_changed)

    def fields(self) -> list[QLabel]:
        return [self.size, self.iteration, self.error, self.elapsed]

    # ----- the state line and messages ----------------------------------------------------
    def set_state(self, text: str, tip: str = "") -> None:
        self._state, self._state_tip = text, tip
        if not self._bar.currentMessage():
            self.message.set_message(text, tip)

    def state_text(self) -> str:
        """The state of the run (shown whenever no message is)."""
        return self._state

    @Slot(str)
    def _on_message_changed(self, text: str) -> None:
        if text:
            self.message.set_message(text)
        else:
            self.message.set_message(self._state, self._state_tip)

    # ----- the run ------------------------------------------------------------------------
    def begin(self) -> None:
        """A new request (image, k, option): the time starts from here."""
        self._clock.start()
        self.elapsed.setText(_seconds(0.0))
        self.elapsed.setToolTip(TIME_TIP)

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.progress.setVisible(busy and not self._paused)
        if busy:
            if not self._clock.isValid():
                self._clock.start()
            self._timer.start()
        else:
            self._timer.stop()
            self._tick()

    def set_paused(self, paused: bool) -> None:
        """A paused run is not busy: the indicator rests until it resumes."""
        self._paused = paused
        self.progress.setVisible(self._busy and not paused)

    @Slot()
    def _tick(self) -> None:
        if self._clock.isValid():
            self.elapsed.setText(_seconds(self._clock.elapsed() / 1000))

    def clear_run(self) -> None:
        for label in (self.iteration, self.error):
            label.clear()

    def show_image(self, loaded: LoadedImage) -> None:
        picture = loaded.picture
        self._image_notes = [picture.name, *picture.notes]
        self.size.setText(f"{picture.width} {TIMES} {picture.height} px")
        self._size_tip(f"{picture.width} {TIMES} {picture.height} pixels")
        self.clear_run()
        self.set_state("Counting colours…", "Building the colour histogram the clustering runs on")

    def show_colors(self, n_colors: int, width: int, height: int) -> None:
        self._size_tip(
            f"{width} {TIMES} {height} pixels, {plural(n_colors, 'distinct colour')}"
        )

    def _size_tip(self, size: str) -> None:
        name, *notes = self._image_notes or [""]
        self.size.setToolTip("\n".join([f"{name}: {size}" if name else size, *notes]))

    def show_names(self, names: list[str] | None, palette: npt.NDArray[np.uint8],
                   weights: npt.NDArray[np.float64]) -> None:
        """The own colours a result is painted with, by name, in the k field's tooltip."""
        if not names:
            self.iteration.setToolTip(ITERATION_TIP)
            return
        total = max(float(weights.sum()), 1e-12)
        lines = [f"{name}: #{r:02x}{g:02x}{b:02x}, {weight / total:.1%}"
                 for name, (r, g, b), weight in zip(names, palette, weights, strict=True)]
        self.iteration.setToolTip("\n".join([f"{ITERATION_TIP}; painted with your colours:",
                                             *lines]))

    def _show_k(self, k: int, iteration: str) -> None:
        self.iteration.setText(f"{plural(k, 'colour')} · {iteration}")

    def _show_error(self, mse: float, approximate: bool = False) -> None:
        sign = "≈ " if approximate else ""
        self.error.setText(f"error {sign}{math.sqrt(max(mse, 0.0)):.1f}")

    def show_frame(self, frame: PreviewFrame) -> None:
        step = frame.step
        k = len(step.palette)
        if step.is_preview:  # a sample, or the coarse start on millions of colours
            self._show_k(k, "quick look")
            self.set_state("Quick look; the exact run is under way…",
                           "An approximation for the eye (a downscaled sample, or the "
                           "starting colours on a coarse grid); the exact iterations follow")
            self._show_error(frame.mse, approximate=True)
        else:
            self._show_k(k, f"iteration {step.iteration}")
            self._show_error(frame.mse)
            per_pixel = step.inertia / max(frame.pixel_weight, 1e-12)
            self.set_state(
                "Refining…",
                f"{plural(step.changed, 'pixel')} changed colour in the last iteration; "
                f"J per pixel {per_pixel:,.1f}, MSE {frame.mse:,.1f}",
            )

    def show_scrubbed(self, frame: PreviewFrame, last: int) -> None:
        """An earlier iteration from the timeline, in place of the run's end."""
        step = frame.step
        self._show_k(len(step.palette), f"iteration {step.iteration}")
        self._show_error(frame.mse)
        per_pixel = step.inertia / max(frame.pixel_weight, 1e-12)
        self.set_state(
            f"Showing iteration {step.iteration} of {last}",
            f"An earlier step of this run (move the timeline to its end for the result); "
            f"{plural(step.changed, 'pixel')} changed colour in it; J per pixel "
            f"{per_pixel:,.1f}, MSE {frame.mse:,.1f}",
        )

    def show_outcome(self, outcome: RunOutcome, *, live: bool = True) -> None:
        """``live``: the run just ended (the time counts from the request); else a result
        of the history shown again, with the time it took then."""
        result = outcome.result
        step = result.step
        self._show_k(result.k, f"iteration {step.iteration}")
        self._show_error(outcome.mse)
        per_pixel = result.inertia / max(result.histogram.total_weight, 1e-12)
        reason = result.stop_reason
        options = outcome.options
        text = reason.describe(tol=options.tol, max_iter=options.max_iter) if reason else "Done"
        tip = reason.detail if reason else ""
        details = (
            f"{plural(step.iteration, 'iteration')}; {plural(step.changed, 'pixel')} changed "
            f"colour in the last one.\nJ per pixel {per_pixel:,.1f} (squared distance in the "
            f"clustering colour space), MSE {outcome.mse:,.1f} (sRGB)"
        )
        self.set_state(text, f"{tip}.\n{details}" if tip else details)
        self.error.setToolTip(f"{ERROR_TIP}.\nJ per pixel {per_pixel:,.1f}, MSE {outcome.mse:,.1f}")
        self._timer.stop()
        live = live and self._clock.isValid()
        seconds = self._clock.elapsed() / 1000 if live else outcome.elapsed
        self.elapsed.setText(_seconds(seconds))
        parts = {"decode": "decoding", "histogram": "counting colours", "render": "rendering"}
        split = [f"{label} {outcome.timings[key]:.2f} s" for key, label in parts.items()
                 if key in outcome.timings]
        clustering = outcome.elapsed - sum(outcome.timings.get(key, 0.0) for key in parts)
        split.insert(len(split) - ("render" in outcome.timings), f"clustering {clustering:.2f} s")
        self.elapsed.setToolTip(f"{TIME_TIP}.\nIn the worker: " + ", ".join(split))

    def show_failed(self, message: str) -> None:
        self._timer.stop()
        self.set_state("Failed", message)
