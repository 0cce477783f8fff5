"""The convergence timeline under the view: J per iteration, drawn live, and a slider to go back.

Moving the slider shows that iteration's preview, rebuilt off the GUI thread from the step
summaries the model keeps (no frame is stored per step); its end shows the result again.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Slot
from PySide6.QtGui import QPainter, QPainterPath, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QSlider, QVBoxLayout, QWidget

from colorseg_gui.gui.run.display import RunDisplay
from colorseg_gui.gui.run.model import CurrentRun, RunModel
from colorseg_gui.gui.tasks import TaskRunner

if TYPE_CHECKING:
    from colorseg_gui.gui.run.records import ImageCache, PreviewFrame
    from colorseg_gui.gui.run.steps import StepSummary

CHART_HEIGHT = 44
FRAMES_KEPT = 48 * 2**20  # bytes of rendered iterations kept for scrubbing back and forth


def render_iteration(cache: ImageCache, steps: tuple[StepSummary, ...], position: int,
                     space: str, opaque: bool) -> PreviewFrame:
    """The preview of ``steps[position]`` (a task thread: numpy only, no widgets)."""
    from colorseg_gui.engine import KMeansStep, mse_rgb
    from colorseg_gui.gui.qimage import to_screen
    from colorseg_gui.gui.run.records import PreviewFrame
    from colorseg_gui.gui.run.steps import StepTrail

    summary = steps[position]
    labels = StepTrail(steps).labels_at(position)
    step = KMeansStep(
        iteration=summary.iteration, centroids=summary.centroids, palette=summary.palette,
        weights=summary.weights, labels=labels, inertia=summary.inertia,
        changed=summary.changed, converged=False, stop_reason=summary.stop_reason,
        space=space,  # type: ignore[arg-type]
        k=len(summary.palette), kind=summary.kind,
    )
    hist = cache.histogram
    return PreviewFrame(step, to_screen(cache.preview.render(step.palette, labels)),
                        mse_rgb(hist, step.palette, labels), hist.total_weight, opaque=opaque)


def stacked(view: QWidget, timeline: QWidget) -> QWidget:
    """The view with the timeline under it: the window's central widget."""
    centre = QWidget()
    layout = QVBoxLayout(centre)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    layout.addWidget(view, 1)
    layout.addWidget(timeline)
    return centre


class ConvergenceChart(QWidget):
    """J per pixel over the iterations (log scale), and where the timeline stands."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("convergenceChart")
        self.setAccessibleName("Convergence chart")
        self.setToolTip("J per pixel (the clustering error) at every iteration of this run, "
                        "on a log scale; the line marks the iteration shown")
        self.setMinimumHeight(CHART_HEIGHT)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._points: list[tuple[int, float]] = []
        self._marker: int | None = None

    def set_points(self, points: list[tuple[int, float]]) -> None:
        self._points = list(points)
        self.update()

    def add_point(self, iteration: int, value: float) -> None:
        self._points.append((iteration, value))
        self.update()

    def set_marker(self, iteration: int | None) -> None:
        self._marker = iteration
        self.update()

    def points(self) -> list[tuple[int, float]]:
        return list(self._points)

    def sizeHint(self) -> QSize:
        return QSize(400, CHART_HEIGHT)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        rect = QRectF(self.rect()).adjusted(4, 4, -4, -4)
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
        text_pen = QPen(palette.color(QPalette.ColorRole.PlaceholderText))
        if len(self._points) < 2:
            painter.setPen(text_pen)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter,
                             "J per iteration appears here while a run converges")
            return
        first, last = self._points[0][0], self._points[-1][0]
        logs = [math.log10(max(v, 1e-9)) for _, v in self._points]
        low, high = min(logs), max(logs)
        span = max(high - low, 1e-6)

        def at(iteration: int, log_value: float) -> QPointF:
            x = rect.left() + rect.width() * (iteration - first) / max(1, last - first)
            y = rect.bottom() - rect.height() * (log_value - low) / span
            return QPointF(x, y)

        path = QPainterPath(at(first, logs[0]))
        for (iteration, _), log_value in zip(self._points[1:], logs[1:], strict=True):
            path.lineTo(at(iteration, log_value))
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Highlight), 1.6))
        painter.drawPath(path)
        if self._marker is not None:
            x = at(self._marker, low).x()
            painter.setPen(QPen(palette.color(QPalette.ColorRole.Text), 1.0,
                                Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(x, rect.top()), QPointF(x, rect.bottom()))
        # The curve is stretched to the chart's height: the words say how far it fell.
        start, end = self._points[0][1], self._points[-1][1]
        change = (end - start) / start * 100 if start else 0.0
        painter.setPen(text_pen)
        painter.drawText(rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop,
                         f"J per pixel {start:,.1f} → {end:,.1f} ({change:+.2f} %)")


class TimelineView(QWidget):
    """The chart and ``timelineSlider``, following the model's current run."""

    def __init__(self, model: RunModel, display: RunDisplay,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timelineView")
        self.setAccessibleName("Convergence timeline")
        self._model = model
        self._display = display
        self.chart = ConvergenceChart()
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("timelineSlider")
        self.slider.setAccessibleName("Iteration shown")
        self.slider.setToolTip("Go back through the iterations of this run; its end shows "
                               "the result")
        self.slider.setRange(0, 0)
        self.slider.setEnabled(False)
        self.label = QLabel()
        self.label.setObjectName("timelineLabel")
        self.label.setMinimumWidth(self.label.fontMetrics().horizontalAdvance("888 / 888") + 8)
        self.label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.slider, 1)
        row.addWidget(self.label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.setSpacing(0)
        layout.addWidget(self.chart)
        layout.addLayout(row)
        self._tasks = TaskRunner(self)
        self._tasks.succeeded.connect(self._on_rendered)
        self._tasks.failed.connect(self._on_failed)
        self._wanted: int | None = None  # the iteration the slider asks for
        self._in_flight = False
        self._frames: dict[tuple[int, int], PreviewFrame] = {}  # (run id, iteration)
        model.run_started.connect(self._on_run_started)
        model.step_added.connect(self._on_step_added)
        model.outcome_changed.connect(self._on_outcome_changed)
        self.slider.valueChanged.connect(self._on_value_changed)

    @property
    def last(self) -> int:
        return self._model.run.trail.last_iteration

    # ----- following the run ----------------------------------------------------------------
    @Slot(object)
    def _on_run_started(self, run: CurrentRun) -> None:
        self._wanted = None
        self.chart.set_points([(s.iteration, s.j_per_pixel) for s in run.trail])
        self._set_range(run.trail.last_iteration, follow=True)

    @Slot(object)
    def _on_step_added(self, summary: StepSummary) -> None:
        self.chart.add_point(summary.iteration, summary.j_per_pixel)
        self._set_range(summary.iteration,
                        follow=self._display.pinned is None and self._wanted is None)

    @Slot(object)
    def _on_outcome_changed(self, outcome: object) -> None:
        if outcome is not None:  # the display shows the result: the slider goes to its end
            self._wanted = None
            self._set_range(self.last, follow=True)

    def _set_range(self, last: int, follow: bool) -> None:
        first = self._model.run.trail[0].iteration if len(self._model.run.trail) else 0
        self.slider.blockSignals(True)  # the run moving on is not a request to scrub
        try:
            self.slider.setRange(first, last)
            if follow:
                self.slider.setValue(last)
        finally:
            self.slider.blockSignals(False)
        self.slider.setEnabled(last > first)
        self._show_position(self.slider.value())

    def _show_position(self, iteration: int) -> None:
        self.label.setText(f"{iteration} / {self.last}" if self.last else "")
        self.chart.set_marker(iteration if self.last else None)

    # ----- scrubbing ------------------------------------------------------------------------
    @Slot(int)
    def _on_value_changed(self, iteration: int) -> None:
        self._show_position(iteration)
        if iteration >= self.last:
            self._wanted = None
            self._display.release()
            return
        key = (self._model.run.serial, iteration)
        if key in self._frames:
            self._wanted = None
            self._display.show_iteration(self._frames[key], self.last)
            return
        self._wanted = iteration
        self._request()

    def _request(self) -> None:
        model, wanted = self._model, self._wanted
        if self._in_flight or wanted is None or model.cache is None:
            return
        position = model.run.trail.find(wanted)
        if position is None:
            return
        self._in_flight = True
        options = model.run.options
        space = options.space if options is not None else "rgb"
        opaque = model.cache.histogram.alpha is None
        tag = f"{model.run.serial}:{wanted}"
        self._tasks.run(tag, render_iteration, model.cache, model.run.trail.frozen(),
                        position, space, opaque)

    @Slot(str, object)
    def _on_rendered(self, tag: str, frame: object) -> None:
        self._in_flight = False
        run_id, iteration = (int(part) for part in tag.split(":"))
        if run_id == self._model.run.serial:
            self._keep((run_id, iteration), frame)  # type: ignore[arg-type]
            if self._wanted == iteration:
                self._wanted = None
                self._display.show_iteration(frame, self.last)  # type: ignore[arg-type]
        self._request()  # the slider moved on while this one rendered

    @Slot(str, str)
    def _on_failed(self, tag: str, message: str) -> None:
        self._in_flight = False
        self._wanted = None

    def _keep(self, key: tuple[int, int], frame: PreviewFrame) -> None:
        self._frames = {k: f for k, f in self._frames.items() if k[0] == key[0]}
        self._frames[key] = frame
        while sum(int(f.image.nbytes) for f in self._frames.values()) > FRAMES_KEPT:
            del self._frames[next(iter(self._frames))]

    def shutdown(self) -> None:
        self._tasks.shutdown()
