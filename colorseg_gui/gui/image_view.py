"""The zoomable, pannable image view with its compare modes and segment highlight."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from colorseg_gui.gui import compare, view_paint
from colorseg_gui.gui.view_paint import ImageLayer

if TYPE_CHECKING:  # numpy is not needed to show the empty window (start-up time)
    import numpy as np
    import numpy.typing as npt

    from colorseg_gui.gui.qimage import ArrayImage

ZOOM_STEP = 1.25
MIN_SCALE = 1 / 64
MAX_SCALE = 64.0
DIVIDER_GRAB = 6.0  # logical pixels either side of the split divider that grab it


class ImageView(QWidget):
    """Paints the original and/or the result with a shared zoom and pan."""

    zoom_changed = Signal(float)  # scale in device pixels per image pixel (1.0 = 100 %)
    mode_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("imageView")
        self.setAccessibleName("Image view")
        self.setAccessibleDescription(
            "Shows the image and its segmentation. Wheel or Ctrl+plus/minus zooms, "
            "dragging pans, holding Space shows the original."
        )
        self.setToolTip(
            "Wheel: zoom around the cursor · drag: pan · double-click: fit / 100 % · "
            "hold Space: original"
        )
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # paintEvent fills it all
        self._checker: QBrush | None = None  # built for the palette of the moment
        self._fit_enlarges = True
        self._image_size: QSize | None = None
        self._original = ImageLayer(None, None)
        self._result = ImageLayer(None, None)
        # A/B: another result in the original's place in split and side by side.
        self._reference: ImageLayer | None = None
        self._captions = ("", "")
        self._overlay: QImage | None = None
        self._overlay_labels: npt.NDArray[np.uint8] | None = None
        self._mode = compare.RESULT
        self._split = 0.5
        self._space_held = False
        self._fit = True
        self._scale = 1.0  # logical pixels per image pixel
        self._offset = QPointF(0, 0)  # pane position of image pixel (0, 0)
        self._drag: str | None = None  # "pan" or "divider"
        self._drag_last = QPointF()

    # ----- content -------------------------------------------------------------------
    def set_original(
        self, small: QImage | ArrayImage, full: ArrayImage | None, size: QSize
    ) -> None:
        """A new image: clears the result and the highlight, and fits it to the window."""
        self._image_size = QSize(size)
        self._original = ImageLayer(small, full)
        self._result = ImageLayer(None, None)
        self._reference = None
        self._overlay = None
        self._fit = True
        self._apply_fit()
        self.update()

    def set_reference(self, small: QImage | ArrayImage | None, full: ArrayImage | None,
                      caption: str = "A", result_caption: str = "B") -> None:
        """Compare the result with another one (A/B) instead of the original; None: end."""
        self._reference = None if small is None else ImageLayer(small, full)
        self._captions = (caption, result_caption)
        if self._mode in (compare.RESULT, compare.ORIGINAL) and self._reference is not None:
            self.set_mode(compare.SPLIT)  # an A/B shows two results: one alone compares none
        self.update()

    @property
    def comparing(self) -> bool:
        return self._reference is not None

    def set_result(self, small: QImage | ArrayImage | None, full: ArrayImage | None) -> None:
        self._result = ImageLayer(small, full)
        self.update()

    def clear_result(self) -> None:
        self._result = ImageLayer(None, None)
        self._overlay = None
        self.update()

    def set_highlight(self, label_map: npt.NDArray[np.uint8] | None, cluster: int = -1) -> None:
        """Wash out every pixel whose label in ``label_map`` is not ``cluster`` (None: none).

        ``label_map`` may have any resolution (it is stretched over the image); the full
        resolution map keeps edges exact when zoomed in (view_paint.highlight_overlay).
        """
        if label_map is None or cluster < 0:
            self._overlay = None
            self._overlay_labels = None
        else:  # the image borrows the labels' buffer: both are kept together
            self._overlay, self._overlay_labels = view_paint.highlight_overlay(
                self._result.small, label_map, cluster)
        self.update()

    def has_image(self) -> bool:
        return self._image_size is not None

    def has_result(self) -> bool:
        return self._result.small is not None or self._result.full is not None

    # ----- compare modes ---------------------------------------------------------------
    @property
    def mode(self) -> str:
        return self._mode

    def set_mode(self, mode: str) -> None:
        if mode not in compare.MODES or mode == self._mode:
            return
        self._mode = mode
        if self._fit:
            self._apply_fit()
        self.update()
        self.mode_changed.emit(mode)

    @property
    def split(self) -> float:
        return self._split

    def set_split(self, fraction: float) -> None:
        self._split = min(max(fraction, 0.0), 1.0)
        self.update()

    def set_show_original(self, held: bool) -> None:
        if held != self._space_held:
            self._space_held = held
            self.update()

    # ----- zoom and pan ------------------------------------------------------------------
    @property
    def device_scale(self) -> float:
        return self._scale * self.devicePixelRatioF()

    @property
    def fitted(self) -> bool:
        return self._fit

    @property
    def fit_enlarges(self) -> bool:
        return self._fit_enlarges

    def set_fit_enlarges(self, enlarge: bool) -> None:
        self._fit_enlarges = enlarge
        if self._fit:
            self._apply_fit()
            self.update()

    def _pane_size(self) -> tuple[float, float]:
        return compare.pane_size(self._mode, self.width(), self.height())

    def _apply_fit(self) -> None:
        if self._image_size is None or self._image_size.isEmpty():
            return
        width, height = self._pane_size()
        iw, ih = self._image_size.width(), self._image_size.height()
        ratio = self.devicePixelRatioF()
        device = min(width / iw, height / ih) * ratio
        if device > 1.0:
            # A small image: enlarged by a whole number of device pixels per image pixel
            # (crisp, even squares under nearest-neighbour), or shown at 100 %.
            device = float(int(device)) if self._fit_enlarges else 1.0
        self._scale = device / ratio
        self._offset = self._snapped(
            QPointF((width - iw * self._scale) / 2, (height - ih * self._scale) / 2)
        )
        self.zoom_changed.emit(self.device_scale)

    def _snapped(self, offset: QPointF) -> QPointF:
        """At whole zoom factors, ``offset`` on the device pixel grid: every image pixel then
        covers whole screen pixels (crisp). Other zooms keep the exact point under the
        cursor instead."""
        ratio = self.devicePixelRatioF()
        device = self._scale * ratio
        if device < 1.0 or abs(device - round(device)) > 1e-9:
            return offset
        return QPointF(round(offset.x() * ratio) / ratio, round(offset.y() * ratio) / ratio)

    def fit_to_window(self) -> None:
        self._fit = True
        self._apply_fit()
        self.update()

    def zoom_to(self, device_scale: float, anchor: QPointF | None = None) -> None:
        """Zoom to ``device_scale`` keeping the image point under ``anchor`` (pane coords)."""
        if self._image_size is None:
            return
        scale = min(max(device_scale / self.devicePixelRatioF(), MIN_SCALE), MAX_SCALE)
        if anchor is None:
            width, height = self._pane_size()
            anchor = QPointF(width / 2, height / 2)
        ratio = scale / self._scale
        self._scale = scale
        self._offset = self._snapped(anchor - (anchor - self._offset) * ratio)
        self._fit = False
        self.zoom_changed.emit(self.device_scale)
        self.update()

    def zoom_actual(self) -> None:
        self.zoom_to(1.0)

    def zoom_in(self) -> None:
        self.zoom_to(self.device_scale * ZOOM_STEP)

    def zoom_out(self) -> None:
        self.zoom_to(self.device_scale / ZOOM_STEP)

    def pan_by(self, dx: float, dy: float) -> None:
        self._offset += QPointF(dx, dy)
        self._fit = False
        self.update()

    def _pane_anchor(self, pos: QPointF) -> QPointF:
        """``pos`` in widget coordinates -> coordinates in the pane under it."""
        if self._mode == compare.SIDE_BY_SIDE and not self._space_held:
            width, _ = self._pane_size()
            if pos.x() > width + compare.GAP / 2:
                return QPointF(pos.x() - (self.width() - width), pos.y())
        return pos

    def image_point(self, pos: QPointF) -> QPointF:
        """The image pixel position under widget position ``pos``."""
        local = self._pane_anchor(pos)
        return (local - self._offset) / self._scale

    # ----- painting --------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        rect = QRectF(self.rect())
        painter.fillRect(rect, view_paint.background(self.palette()))
        if self._image_size is None:
            view_paint.paint_placeholder(painter, rect, self.palette())
            return
        show_original = self._space_held or not self.has_result()
        for pane in compare.panes(self._mode, rect, self._split, self._space_held):
            layer_name = pane.layer
            if layer_name == compare.RESULT and show_original:
                layer_name = compare.ORIGINAL
            layer = self._original if layer_name == compare.ORIGINAL else self._result
            caption = pane.caption
            a_b = self._reference is not None and self._mode in (compare.SPLIT,
                                                                 compare.SIDE_BY_SIDE)
            if a_b and not self._space_held and self._reference is not None:
                if pane.layer == compare.ORIGINAL:
                    layer, caption = self._reference, self._captions[0]
                else:
                    caption = self._captions[1]
            overlay = self._overlay if layer_name == compare.RESULT else None
            view_paint.paint_layer(
                painter, pane, layer, self._placement(), overlay, self._checker_brush()
            )
            if caption:
                if pane.layer == compare.RESULT and not self.has_result():
                    caption = "Result (computing…)"
                on_right = pane.layer == compare.RESULT and self._mode == compare.SPLIT
                view_paint.paint_caption(painter, pane, caption, self.palette(), on_right)
        if self._mode == compare.SPLIT and not self._space_held:
            view_paint.paint_divider(painter, rect, self._divider_x(), self.palette())

    def _checker_brush(self) -> QBrush:
        if self._checker is None:
            self._checker = view_paint.checkerboard(view_paint.is_dark(self.palette()))
        return self._checker

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._checker = None  # light or dark squares to match the new theme
            self.update()
        super().changeEvent(event)

    def _placement(self) -> view_paint.Placement:
        assert self._image_size is not None
        return view_paint.Placement(self._image_size, self.device_scale, self._scale, self._offset)

    def _divider_x(self) -> float:
        return self.width() * self._split

    # ----- input -----------------------------------------------------------------------
    def resizeEvent(self, event: QResizeEvent) -> None:
        if self._fit:
            self._apply_fit()
        super().resizeEvent(event)

    def _near_divider(self, pos: QPointF) -> bool:
        return (
            self._mode == compare.SPLIT
            and self.has_image()
            and abs(pos.x() - self._divider_x()) <= DIVIDER_GRAB
        )

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.has_image():
            pos = event.position()
            self._drag = "divider" if self._near_divider(pos) else "pan"
            self._drag_last = pos
            if self._drag == "pan":
                self.setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        if self._drag == "divider":
            self.set_split(pos.x() / max(1, self.width()))
        elif self._drag == "pan":
            delta = pos - self._drag_last
            self._drag_last = pos
            self.pan_by(delta.x(), delta.y())
        elif self._near_divider(pos):
            self.setCursor(Qt.CursorShape.SplitHCursor)
        else:
            self.unsetCursor()
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._drag is not None:
            self._drag = None
            self.unsetCursor()
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if self.has_image() and not self._near_divider(event.position()):
            if self._fit:
                self.zoom_to(1.0, self._pane_anchor(event.position()))
            else:
                self.fit_to_window()
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if not self.has_image():
            event.ignore()
            return
        steps = event.angleDelta().y() / 120.0
        if steps == 0:
            event.ignore()
            return
        anchor = self._pane_anchor(event.position())
        self.zoom_to(self.device_scale * ZOOM_STEP**steps, anchor)
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = Qt.Key(event.key())
        step = 40.0
        pans = {
            Qt.Key.Key_Left: (step, 0.0),
            Qt.Key.Key_Right: (-step, 0.0),
            Qt.Key.Key_Up: (0.0, step),
            Qt.Key.Key_Down: (0.0, -step),
        }
        if key == Qt.Key.Key_Space and self.has_image():
            if not event.isAutoRepeat():
                self.set_show_original(True)
            event.accept()
        elif key in pans and self.has_image():
            self.pan_by(*pans[key])
            event.accept()
        else:
            super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self.set_show_original(False)
            event.accept()
            return
        super().keyReleaseEvent(event)

    def focusOutEvent(self, event: object) -> None:
        self.set_show_original(False)  # a Space release may go to another widget
        super().focusOutEvent(event)  # type: ignore[arg-type]

    def sizeHint(self) -> QSize:
        return QSize(900, 640)

