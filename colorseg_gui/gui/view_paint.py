"""How the image view paints: a layer at the resolution the zoom needs, captions, the divider."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import QLineF, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPalette, QPen, QPixmap

from colorseg_gui.gui import compare

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from colorseg_gui.gui.qimage import ArrayImage

PLACEHOLDER = "Drop an image here, or press Ctrl+O"
CHECKER = 8  # logical pixels per square of the transparency checkerboard
GRID_FROM = 8.0  # device pixels per image pixel from which the pixel grid is drawn
_CHECKER_COLORS = {False: ("#ffffff", "#d0d0d0"), True: ("#5c5c60", "#46464a")}


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def background(palette: QPalette) -> QColor:
    """A quiet neutral grey behind the image, a shade off the window colour."""
    window = palette.color(QPalette.ColorRole.Window)
    return window.darker(150) if is_dark(palette) else window.darker(112)


def segment_lightness(
    image: QImage | None, labels: npt.NDArray[np.uint8], cluster: int
) -> float:
    """Relative luminance (0-1) of ``image`` at a pixel whose label is ``cluster``."""
    import numpy as np

    if image is None:
        return 1.0
    where = np.flatnonzero(labels.reshape(-1) == cluster)
    if where.size == 0:
        return 1.0
    row, col = divmod(int(where[where.size // 2]), labels.shape[1])
    color = image.pixelColor(
        min(image.width() - 1, col * image.width() // labels.shape[1]),
        min(image.height() - 1, row * image.height() // labels.shape[0]),
    )
    return 0.2126 * color.redF() + 0.7152 * color.greenF() + 0.0722 * color.blueF()


def highlight_overlay(
    shown: QImage | None, label_map: npt.NDArray[np.uint8], cluster: int
) -> tuple[QImage, npt.NDArray[np.uint8]]:
    """An indexed image washing out every label but ``cluster``, and the labels it borrows.

    The colour table does the washing, so no per-pixel work happens in the GUI thread; the
    wash contrasts with the chosen colour (dark around a light segment, light around a dark
    one) so that either stands out.
    """
    import numpy as np

    labels = np.ascontiguousarray(label_map, dtype=np.uint8)
    height, width = labels.shape
    image = QImage(labels.data, width, height, int(labels.strides[0]),
                   QImage.Format.Format_Indexed8)
    light = segment_lightness(shown, labels, cluster) >= 0.5
    shade = QColor(12, 12, 16, 185) if light else QColor(255, 255, 255, 200)
    table = [shade.rgba()] * 256
    table[cluster] = QColor(0, 0, 0, 0).rgba()
    image.setColorTable(table)
    return image, labels


def checkerboard(dark: bool) -> QBrush:
    """The tile shown behind transparent pixels (lighter squares in the light theme)."""
    light, shade = (QColor(c) for c in _CHECKER_COLORS[dark])
    tile = QPixmap(2 * CHECKER, 2 * CHECKER)
    tile.fill(light)
    painter = QPainter(tile)
    painter.fillRect(0, 0, CHECKER, CHECKER, shade)
    painter.fillRect(CHECKER, CHECKER, CHECKER, CHECKER, shade)
    painter.end()
    return QBrush(tile)


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


class Placement(NamedTuple):
    """Where the image lies in every pane: its size, the zoom and the pan."""

    image_size: QSize
    device_scale: float  # device pixels per image pixel
    scale: float  # logical pixels per image pixel
    offset: QPointF  # pane position of image pixel (0, 0)


def paint_layer(
    painter: QPainter,
    pane: compare.Pane,
    layer: ImageLayer,
    at: Placement,
    overlay: QImage | None = None,
    checker: QBrush | None = None,
) -> None:
    """Draw the visible part of ``layer`` (and the highlight ``overlay``) into ``pane``."""
    iw, ih = at.image_size.width(), at.image_size.height()
    picked = layer.pick(at.device_scale, iw)
    if picked is None or pane.clip.width() <= 0:
        return
    image, factor = picked
    origin = pane.frame.topLeft() + at.offset
    target_full = QRectF(origin.x(), origin.y(), iw * at.scale, ih * at.scale)
    target = target_full.intersected(pane.clip)
    if target.isEmpty():
        return
    # Draw only the visible part: a 15 MP image is never pushed through the painter whole.
    source = QRectF(
        (target.x() - origin.x()) / at.scale,
        (target.y() - origin.y()) / at.scale,
        target.width() / at.scale,
        target.height() / at.scale,
    )
    painter.save()
    painter.setClipRect(pane.clip)
    if checker is not None and image.hasAlphaChannel():
        painter.setBrushOrigin(origin)  # the squares move with the image when panning
        painter.fillRect(target, checker)
    # Smooth when shrinking; nearest when enlarging so pixels stay crisp.
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, at.device_scale < 1.0)
    painter.drawImage(target, image, _scaled(source, factor))
    if overlay is not None:
        painter.drawImage(target, overlay, _scaled(source, overlay.width() / iw))
    if at.device_scale >= GRID_FROM:
        _paint_grid(painter, origin, target, at.scale)
    painter.restore()


def _paint_grid(painter: QPainter, origin: QPointF, target: QRectF, scale: float) -> None:
    """Lines between image pixels: grey, half transparent, visible on light and dark."""

    def inside(low: float, high: float, start: float) -> list[float]:
        first = math.ceil((low - start) / scale - 1e-9)
        last = math.floor((high - start) / scale + 1e-9)
        return [start + i * scale for i in range(first, last + 1)]

    lines = [QLineF(x, target.top(), x, target.bottom())
             for x in inside(target.left(), target.right(), origin.x())]
    lines += [QLineF(target.left(), y, target.right(), y)
              for y in inside(target.top(), target.bottom(), origin.y())]
    painter.setPen(QPen(QColor(128, 128, 128, 150), 0))  # cosmetic: one device pixel
    painter.drawLines(lines)


def paint_caption(
    painter: QPainter, pane: compare.Pane, caption: str, palette: QPalette, on_right: bool
) -> None:
    """A tooltip-coloured label in a top corner of the pane (left unless ``on_right``)."""
    metrics = painter.fontMetrics()
    width = metrics.horizontalAdvance(caption) + 12
    height = metrics.height() + 6
    x = pane.clip.right() - width - 8 if on_right else pane.clip.left() + 8
    if pane.clip.width() < width + 16:
        return
    box = QRectF(x, pane.clip.top() + 8, width, height)
    background = palette.color(QPalette.ColorRole.ToolTipBase)
    background.setAlpha(220)
    painter.save()
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(background)
    painter.drawRoundedRect(box, 4, 4)
    painter.setPen(palette.color(QPalette.ColorRole.ToolTipText))
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, caption)
    painter.restore()


def paint_divider(painter: QPainter, rect: QRectF, x: float, palette: QPalette) -> None:
    """The split mode's divider at ``x``, with a round handle in the middle."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(QPen(palette.color(QPalette.ColorRole.Base), 3))
    painter.drawLine(QPointF(x, rect.top()), QPointF(x, rect.bottom()))
    painter.setPen(QPen(palette.color(QPalette.ColorRole.Highlight), 1))
    painter.drawLine(QPointF(x, rect.top()), QPointF(x, rect.bottom()))
    painter.setBrush(palette.color(QPalette.ColorRole.Highlight))
    painter.drawEllipse(QPointF(x, rect.center().y()), 7, 7)
    painter.restore()


def paint_placeholder(painter: QPainter, rect: QRectF, palette: QPalette) -> None:
    """What the empty view says: where to drop an image, inside a dashed frame."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    frame = rect.adjusted(24, 24, -24, -24)
    pen = QPen(palette.color(QPalette.ColorRole.Text), 2, Qt.PenStyle.DashLine)
    pen_color = QColor(pen.color())
    pen_color.setAlpha(110)
    pen.setColor(pen_color)
    painter.setPen(pen)
    painter.drawRoundedRect(frame, 12, 12)
    font = painter.font()
    font.setPointSizeF(font.pointSizeF() * 1.4)
    painter.setFont(font)
    painter.setPen(palette.color(QPalette.ColorRole.Text))
    painter.drawText(frame, Qt.AlignmentFlag.AlignCenter, PLACEHOLDER)


def _scaled(rect: QRectF, factor: float) -> QRectF:
    return QRectF(
        rect.x() * factor, rect.y() * factor, rect.width() * factor, rect.height() * factor
    )
