"""The J-versus-k chart (the elbow): how close each k comes to the original, and a click to
choose one.

It draws what a background sweep reports, one k at a time: the mean CIELAB Delta E to the
original for every k, the threshold under which a k counts as good enough, the current k
and the suggested one (the smallest k under the threshold).
"""

from __future__ import annotations

import math
from typing import Protocol

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal, Slot
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPainterPath, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

DEFAULT_THRESHOLD = 3.0  # mean CIEDE2000: about what an eye notices side by side
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 44, 10, 8, 20
FIRST_K = 2
HIT_RADIUS = 9  # pixels around a point that a click or hover reaches


class KRow(Protocol):
    """One k of the sweep (the engine's rows have these fields)."""

    @property
    def k(self) -> int: ...
    @property
    def inertia(self) -> float: ...
    @property
    def mse(self) -> float: ...
    @property
    def mean_delta_e(self) -> float: ...


def suggested_k(rows: list[KRow], threshold: float) -> int | None:
    """The smallest k whose mean Delta E is under ``threshold`` (None: no k is)."""
    good = [row.k for row in rows if row.mean_delta_e < threshold]
    return min(good) if good else None


class KChart(QWidget):
    """Mean Delta E over k; emits ``k_chosen`` when the user clicks a point."""

    k_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kChartView")
        self.setAccessibleName("Colour error for each number of colours k")
        self.setMouseTracking(True)
        self.setMinimumSize(220, 120)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._rows: dict[int, KRow] = {}
        self._current: int | None = None
        self._threshold = DEFAULT_THRESHOLD

    # ----- data -----------------------------------------------------------------------------
    def clear(self) -> None:
        self._rows = {}
        self.update()

    def add_row(self, row: KRow) -> None:
        self._rows[int(row.k)] = row
        self.update()

    def rows(self) -> list[KRow]:
        return [self._rows[k] for k in sorted(self._rows)]

    def set_current_k(self, k: int | None) -> None:
        self._current = k
        self.update()

    def set_threshold(self, threshold: float) -> None:
        self._threshold = float(threshold)
        self.update()

    @property
    def suggested(self) -> int | None:
        return suggested_k(self.rows(), self._threshold)

    def sizeHint(self) -> QSize:
        return QSize(320, 180)

    # ----- geometry -------------------------------------------------------------------------
    def _plot(self) -> QRectF:
        return QRectF(self.rect()).adjusted(MARGIN_LEFT, MARGIN_TOP, -MARGIN_RIGHT,
                                            -MARGIN_BOTTOM)

    def _scale(self) -> tuple[int, int, float]:
        ks = sorted(self._rows)
        # From k = 2 always: a sweep that starts at the current k fills in the smaller ones
        # later, and the axis should not jump when they come.
        first, last = (min(ks[0], FIRST_K), ks[-1]) if ks else (FIRST_K, 32)
        top = max([row.mean_delta_e for row in self._rows.values()] + [self._threshold * 1.5])
        # Headroom above the highest point: the current-k ring must not cover the axis label.
        return first, max(last, first + 1), max(top, 1e-6) * 1.2

    def _at(self, k: float, delta_e: float) -> QPointF:
        plot = self._plot()
        first, last, top = self._scale()
        x = plot.left() + plot.width() * (k - first) / (last - first)
        y = plot.bottom() - plot.height() * min(delta_e, top) / top
        return QPointF(x, y)

    def _row_near(self, position: QPointF) -> KRow | None:
        best, best_distance = None, float(HIT_RADIUS)
        for row in self._rows.values():
            point = self._at(row.k, row.mean_delta_e)
            distance = math.hypot(point.x() - position.x(), point.y() - position.y())
            horizontal = abs(point.x() - position.x())
            # A click in the column of a point counts too: the points are small targets.
            if distance < best_distance or (best is None and horizontal < HIT_RADIUS / 2):
                best, best_distance = row, min(distance, best_distance)
        return best

    # ----- input ----------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        row = self._row_near(event.position())
        if event.button() == Qt.MouseButton.LeftButton and row is not None:
            self.k_chosen.emit(int(row.k))
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        row = self._row_near(event.position())
        if row is None:
            QToolTip.hideText()
            self.setCursor(Qt.CursorShape.ArrowCursor)
            return
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        QToolTip.showText(
            event.globalPosition().toPoint(),
            f"k = {row.k}: mean ΔE {row.mean_delta_e:.2f}, MSE {row.mse:,.1f}\n"
            "Click to use this k",
            self,
        )

    # ----- painting -------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
        plot = self._plot()
        faint = palette.color(QPalette.ColorRole.PlaceholderText)
        text = palette.color(QPalette.ColorRole.Text)
        accent = palette.color(QPalette.ColorRole.Highlight)
        rows = self.rows()
        if not rows:
            painter.setPen(faint)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             "The error for each k appears here after the first result")
            return
        first, last, top = self._scale()
        painter.setPen(QPen(faint, 1))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.drawLine(plot.bottomLeft(), plot.topLeft())
        metrics = painter.fontMetrics()
        for k in range(first, last + 1):
            if k in (first, last) or k % 4 == 0:
                x = self._at(k, 0).x()
                painter.drawText(QRectF(x - 15, plot.bottom() + 2, 30, metrics.height()),
                                 Qt.AlignmentFlag.AlignHCenter, str(k))
        painter.drawText(QRectF(0, plot.top() - 2, MARGIN_LEFT - 4, metrics.height()),
                         Qt.AlignmentFlag.AlignRight, f"ΔE {top:.0f}")
        painter.drawText(QRectF(0, plot.bottom() - metrics.height(), MARGIN_LEFT - 4,
                                metrics.height()), Qt.AlignmentFlag.AlignRight, "0")
        # The threshold: every k under this line is close enough.
        y = self._at(first, self._threshold).y()
        painter.setPen(QPen(faint, 1, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        path = QPainterPath(self._at(rows[0].k, rows[0].mean_delta_e))
        for row in rows[1:]:
            path.lineTo(self._at(row.k, row.mean_delta_e))
        painter.setPen(QPen(accent, 1.6))
        painter.drawPath(path)
        suggested = self.suggested
        for row in rows:
            point = self._at(row.k, row.mean_delta_e)
            radius = 3.0
            painter.setPen(QPen(accent, 1.2))
            painter.setBrush(palette.color(QPalette.ColorRole.Base))
            if row.k == suggested:
                radius = 5.0
                painter.setBrush(QColor(accent))
            painter.drawEllipse(point, radius, radius)
            if row.k == self._current:
                painter.setPen(QPen(text, 1.6))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawEllipse(point, radius + 3.5, radius + 3.5)


class KChartPanel(QWidget):
    """The chart, its threshold and a line saying what it suggests."""

    k_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Choose k")
        self.chart = KChart()
        self.chart.k_chosen.connect(self.k_chosen)
        self.threshold = QDoubleSpinBox()
        self.threshold.setObjectName("kThresholdSpinBox")
        self.threshold.setRange(0.5, 20.0)
        self.threshold.setSingleStep(0.5)
        self.threshold.setDecimals(1)
        self.threshold.setValue(DEFAULT_THRESHOLD)
        self.threshold.setPrefix("ΔE < ")
        self.threshold.setToolTip("The suggested k is the smallest whose mean colour difference "
                                  "(CIEDE2000) to the original is under this; about 2.3 is "
                                  "just noticeable")
        self.threshold.setAccessibleName("Good-enough colour difference")
        self.threshold.valueChanged.connect(self._on_threshold)
        self.summary = QLabel()
        self.summary.setObjectName("kChartSummary")
        self.summary.setWordWrap(True)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.summary, 1)
        row.addWidget(self.threshold)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 6)
        layout.addWidget(self.chart, 1)
        layout.addLayout(row)
        self._state = ""
        self._refresh()

    def clear(self) -> None:
        self.chart.clear()
        self._state = ""
        self._refresh()

    def add_row(self, row: KRow, last_k: int) -> None:
        self.chart.add_row(row)
        done = row.k >= last_k
        self._state = "" if done else f"Working out k = {row.k + 1} of {last_k}…"
        self._refresh()

    def set_state(self, text: str) -> None:
        self._state = text
        self._refresh()

    @Slot(float)
    def _on_threshold(self, value: float) -> None:
        self.chart.set_threshold(value)
        self._refresh()

    def _refresh(self) -> None:
        suggested = self.chart.suggested
        if not self.chart.rows():
            words = self._state or "Open an image: the error for every k from 2 to 32 follows"
        elif suggested is None:
            ks = [row.k for row in self.chart.rows()]
            span = "so far" if self._state else f"from {min(ks)} to {max(ks)}"
            words = f"No k {span} is under ΔE {self.threshold.value():g}"
        else:
            words = (f"Suggested: k = {suggested}, the fewest colours within "
                     f"ΔE {self.threshold.value():g} of the original")
        if self._state and self.chart.rows():
            words = f"{words}. {self._state}"
        self.summary.setText(words)
