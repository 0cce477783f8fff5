"""The zoomable, pannable image view with its compare modes and segment highlight."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from colorseg_gui.gui import compare

if TYPE_CHECKING:  # numpy is not needed to show the empty window (start-up time)
    import numpy as np
    import numpy.typing as npt

    from colorseg_gui.gui.qimage import ArrayImage

ZOOM_STEP = 1.25
MIN_SCALE = 1 / 64
MAX_SCALE = 64.0
DIVIDER_GRAB = 6.0  # logical pixels either side of the split divider that grab it
PLACEHOLDER = "Drop an image here, or press Ctrl+O"


class ImageLayer:
    """One picture at up to two resolutions: a screen-sized one and, optionally, full size."""

    def __init__(self, small: QImage | ArrayImage | None, full: ArrayImage | None) -> None:
        self.small = small if small is None or isinstance(small, QImage) else small.image
        self._small_holder = small  # keeps a borrowed buffer alive
        self.full = full

    def pick(self, device_scale: float, image_width: int) -> tuple[QImage, float] | None:
        """The image to draw at ``device_scale`` device pixels per image pixel, and its factor."""
        candidates: list[QImage] = []
        if self.small is not None and not self.small.isNull():
            candidates.append(self.small)
        if self.full is not None:
            candidates.append(self.full.image)
        if not candidates:
            return None
        # The smallest image that still has at least one of its pixels per device pixel.
        needed = device_scale * image_width
        for image in candidates:
            if image.width() >= needed - 0.5:
                return image, image.width() / image_width
        image = candidates[-1]
        return image, image.width() / image_width


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
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Mid)
        self._image_size: QSize | None = None
        self._original = ImageLayer(None, None)
        self._result = ImageLayer(None, None)
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
        self._overlay = None
        self._fit = True
        self._apply_fit()
        self.update()

    def set_result(self, small: QImage | ArrayImage | None, full: ArrayImage | None) -> None:
        self._result = ImageLayer(small, full)
        self.update()

    def clear_result(self) -> None:
        self._result = ImageLayer(None, None)
        self._overlay = None
        self.update()

    def set_highlight(self, label_map: npt.NDArray[np.uint8] | None, cluster: int = -1) -> None:
        """Dim every pixel whose label in ``label_map`` is not ``cluster`` (None: no dimming).

        ``label_map`` may have any resolution (it is stretched over the image); the full
        resolution map keeps edges exact when zoomed in. It is shown as an indexed image
        whose colour table does the dimming, so no per-pixel work happens here.
        """
        if label_map is None or cluster < 0:
            self._overlay = None
            self._overlay_labels = None
        else:
            import numpy as np

            labels = np.ascontiguousarray(label_map, dtype=np.uint8)
            height, width = labels.shape
            image = QImage(labels.data, width, height, int(labels.strides[0]),
                           QImage.Format.Format_Indexed8)
            shade = self.palette().color(QPalette.ColorRole.Window)
            shade.setAlpha(190)
            dim = shade.rgba()
            table = [dim] * 256
            table[cluster] = QColor(0, 0, 0, 0).rgba()
            image.setColorTable(table)
            self._overlay, self._overlay_labels = image, labels  # the image borrows `labels`
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

    def _pane_size(self) -> tuple[float, float]:
        return compare.pane_size(self._mode, self.width(), self.height())

    def _apply_fit(self) -> None:
        if self._image_size is None or self._image_size.isEmpty():
            return
        width, height = self._pane_size()
        iw, ih = self._image_size.width(), self._image_size.height()
        scale = min(width / iw, height / ih)
        # Never blow a small image up beyond 100 % when fitting: it would look blurry.
        self._scale = min(scale, 1.0 / self.devicePixelRatioF())
        self._offset = QPointF((width - iw * self._scale) / 2, (height - ih * self._scale) / 2)
        self.zoom_changed.emit(self.device_scale)

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
        self._offset = anchor - (anchor - self._offset) * ratio
        self._scale = scale
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
        if self._image_size is None:
            self._paint_placeholder(painter, rect)
            return
        show_original = self._space_held or not self.has_result()
        for pane in compare.panes(self._mode, rect, self._split, self._space_held):
            layer_name = pane.layer
            if layer_name == compare.RESULT and show_original:
                layer_name = compare.ORIGINAL
            layer = self._original if layer_name == compare.ORIGINAL else self._result
            self._paint_layer(painter, pane, layer, layer_name == compare.RESULT)
            if pane.caption:
                caption = pane.caption
                if pane.layer == compare.RESULT and not self.has_result():
                    caption = "Result (computing…)"
                self._paint_caption(painter, pane, caption)
        if self._mode == compare.SPLIT and not self._space_held:
            self._paint_divider(painter, rect)

    def _paint_layer(
        self, painter: QPainter, pane: compare.Pane, layer: ImageLayer, with_overlay: bool
    ) -> None:
        assert self._image_size is not None
        iw, ih = self._image_size.width(), self._image_size.height()
        picked = layer.pick(self.device_scale, iw)
        if picked is None or pane.clip.width() <= 0:
            return
        image, factor = picked
        origin = pane.frame.topLeft() + self._offset
        target_full = QRectF(origin.x(), origin.y(), iw * self._scale, ih * self._scale)
        target = target_full.intersected(pane.clip)
        if target.isEmpty():
            return
        # Draw only the visible part: a 15 MP image is never pushed through the painter whole.
        source = QRectF(
            (target.x() - origin.x()) / self._scale,
            (target.y() - origin.y()) / self._scale,
            target.width() / self._scale,
            target.height() / self._scale,
        )
        painter.save()
        painter.setClipRect(pane.clip)
        # Smooth when shrinking; nearest when enlarging so pixels stay crisp.
        smooth = self.device_scale < 1.0
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, smooth)
        painter.drawImage(target, image, _scaled(source, factor))
        if with_overlay and self._overlay is not None:
            painter.drawImage(target, self._overlay, _scaled(source, self._overlay.width() / iw))
        painter.restore()

    def _paint_caption(self, painter: QPainter, pane: compare.Pane, caption: str) -> None:
        metrics = painter.fontMetrics()
        width = metrics.horizontalAdvance(caption) + 12
        height = metrics.height() + 6
        if pane.layer == compare.RESULT and self._mode == compare.SPLIT:
            x = pane.clip.right() - width - 8
        else:
            x = pane.clip.left() + 8
        if pane.clip.width() < width + 16:
            return
        box = QRectF(x, pane.clip.top() + 8, width, height)
        background = self.palette().color(QPalette.ColorRole.ToolTipBase)
        background.setAlpha(220)
        painter.save()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(background)
        painter.drawRoundedRect(box, 4, 4)
        painter.setPen(self.palette().color(QPalette.ColorRole.ToolTipText))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, caption)
        painter.restore()

    def _divider_x(self) -> float:
        return self.width() * self._split

    def _paint_divider(self, painter: QPainter, rect: QRectF) -> None:
        x = self._divider_x()
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Base), 3))
        painter.drawLine(QPointF(x, rect.top()), QPointF(x, rect.bottom()))
        painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Highlight), 1))
        painter.drawLine(QPointF(x, rect.top()), QPointF(x, rect.bottom()))
        painter.setBrush(self.palette().color(QPalette.ColorRole.Highlight))
        painter.drawEllipse(QPointF(x, rect.center().y()), 7, 7)
        painter.restore()

    def _paint_placeholder(self, painter: QPainter, rect: QRectF) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        frame = rect.adjusted(24, 24, -24, -24)
        pen = QPen(self.palette().color(QPalette.ColorRole.Text), 2, Qt.PenStyle.DashLine)
        pen_color = QColor(pen.color())
        pen_color.setAlpha(110)
        pen.setColor(pen_color)
        painter.setPen(pen)
        painter.drawRoundedRect(frame, 12, 12)
        font = painter.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        painter.setFont(font)
        painter.setPen(self.palette().color(QPalette.ColorRole.Text))
        painter.drawText(frame, Qt.AlignmentFlag.AlignCenter, PLACEHOLDER)

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


def _scaled(rect: QRectF, factor: float) -> QRectF:
    return QRectF(
        rect.x() * factor, rect.y() * factor, rect.width() * factor, rect.height() * factor
    )
