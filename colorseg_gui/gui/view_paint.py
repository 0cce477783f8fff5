"""How the image view paints: a layer at the resolution the zoom needs, captions, the divider."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPalette, QPen

from colorseg_gui.gui import compare

if TYPE_CHECKING:
    from colorseg_gui.gui.qimage import ArrayImage

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
    # Smooth when shrinking; nearest when enlarging so pixels stay crisp.
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, at.device_scale < 1.0)
    painter.drawImage(target, image, _scaled(source, factor))
    if overlay is not None:
        painter.drawImage(target, overlay, _scaled(source, overlay.width() / iw))
    painter.restore()


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
