"""Tool bar and menu icons: small inline SVGs painted in the current palette's text colour.

Drawn at paint time, so they stay visible when the theme changes (a stock black "stop"
square vanishes on a dark tool bar), stay sharp at any device pixel ratio, and cost no
bundle space.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QPoint, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QIconEngine, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication

_FRAME = '<rect x="3" y="4.5" width="18" height="15" rx="2"/>'
_FILL = 'fill="currentColor" stroke="none"'

# 24 x 24 outlines, stroked in "currentColor" (replaced by the palette colour when drawn).
SHAPES: dict[str, str] = {
    "open": '<path d="M3 7.5a2 2 0 0 1 2-2h4l2 2h8a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2H5'
    'a2 2 0 0 1-2-2z"/>',
    "save": '<path d="M12 3.5v11M7.5 10l4.5 4.5 4.5-4.5"/>'
    '<path d="M4 16v2.5a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V16"/>',
    "stop": f'<rect x="6" y="6" width="12" height="12" rx="2.5" {_FILL}/>',
    "rerun": '<path d="M19.5 12a7.5 7.5 0 1 1-2.2-5.3"/><path d="M19.5 3.5v4.5H15"/>',
    "seed": '<rect x="4" y="4" width="16" height="16" rx="3.5"/>'
    + "".join(
        f'<circle cx="{x}" cy="{y}" r="1.5" {_FILL}/>'
        for x, y in ((9, 9), (15, 9), (12, 12), (9, 15), (15, 15))
    ),
    "fit": '<path d="M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5"/>',
    "actual": '<path d="M5 9l2.5-2v11M15.5 9l2.5-2v11"/>'
    f'<circle cx="11.75" cy="10" r="1.1" {_FILL}/><circle cx="11.75" cy="15" r="1.1" {_FILL}/>',
    "zoom_in": '<circle cx="10.5" cy="10.5" r="6.5"/><path d="M20.5 20.5l-5.4-5.4M7.5 10.5h6'
    'M10.5 7.5v6"/>',
    "zoom_out": '<circle cx="10.5" cy="10.5" r="6.5"/><path d="M20.5 20.5l-5.4-5.4M7.5 10.5h6"/>',
    "original": _FRAME + '<circle cx="8.5" cy="9.5" r="1.6"/><path d="M3 17l5-5 4 4 3-3 6 6"/>',
    "result": _FRAME
    + f'<path d="M3 6.5a2 2 0 0 1 2-2h4v15H5a2 2 0 0 1-2-2z" {_FILL}/>'
    + f'<rect x="9" y="4.5" width="6" height="15" {_FILL} opacity="0.45"/>',
    "split": _FRAME
    + f'<path d="M12 4.5H5a2 2 0 0 0-2 2v11a2 2 0 0 0 2 2h7z" {_FILL} opacity="0.45"/>'
    + '<path d="M12 2v20"/>',
    "side": '<rect x="2" y="6" width="8.5" height="12" rx="1.5"/>'
    f'<rect x="13.5" y="6" width="8.5" height="12" rx="1.5" {_FILL} opacity="0.45"/>'
    '<rect x="13.5" y="6" width="8.5" height="12" rx="1.5"/>',
    "copy": '<rect x="8" y="8" width="12" height="12" rx="2"/>'
    '<path d="M16 8V6a2 2 0 0 0-2-2H6a2 2 0 0 0-2 2v8a2 2 0 0 0 2 2h2"/>',
    "paste": '<rect x="5" y="5" width="14" height="16" rx="2"/><rect x="9" y="3" width="6" '
    'height="4" rx="1"/>',
    "palette": "".join(
        f'<rect x="{x}" y="4" width="5" height="16" rx="1" {_FILL} opacity="{o}"/>'
        for x, o in ((3, 1), (9.5, 0.6), (16, 0.3))
    ),
    "pause": f'<rect x="6.5" y="5.5" width="3.8" height="13" rx="1" {_FILL}/>'
    f'<rect x="13.7" y="5.5" width="3.8" height="13" rx="1" {_FILL}/>',
    "lock": '<rect x="5" y="10.5" width="14" height="10" rx="2"/><path d="M8 10.5V8a4 4 0 0 1 8 0'
    'v2.5"/>',
    "eyedropper": '<path d="M14.5 5.5l4 4M16.5 3.5a2.1 2.1 0 0 1 3 3l-2 2-3-3z"/>'
    '<path d="M14.5 7.5L6 16l-1.5 3.5L8 18l8.5-8.5"/>',
    "about": '<circle cx="12" cy="12" r="8.5"/><path d="M12 11v5.5"/>'
    f'<circle cx="12" cy="7.8" r="1.1" {_FILL}/>',
}


def _svg(shape: str, color: QColor) -> bytes:
    body = shape.replace("currentColor", color.name())
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" '
        f'stroke="{color.name()}" stroke-width="1.8" stroke-linecap="round" '
        f'stroke-linejoin="round">{body}</svg>'
    ).encode()


def icon_color(palette: QPalette, mode: QIcon.Mode, state: QIcon.State) -> QColor:
    """The colour an icon is drawn in: the text colour of where it sits."""
    if mode == QIcon.Mode.Disabled:
        return palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText)
    if mode == QIcon.Mode.Selected or state == QIcon.State.On:
        # Selected menu rows and checked segments of the compare control sit on Highlight.
        return palette.color(QPalette.ColorRole.HighlightedText)
    return palette.color(QPalette.ColorRole.ButtonText)


class _TintedEngine(QIconEngine):
    def __init__(self, name: str) -> None:
        super().__init__()
        self._name = name
        self._cache: dict[tuple[int, int, int, str, float], QPixmap] = {}

    def clone(self) -> QIconEngine:
        return _TintedEngine(self._name)

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        color = icon_color(QApplication.palette(), mode, state)
        QSvgRenderer(QByteArray(_svg(SHAPES[self._name], color))).render(painter, QRectF(rect))

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self.scaledPixmap(size, mode, state, 1.0)

    def scaledPixmap(
        self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float
    ) -> QPixmap:
        color = icon_color(QApplication.palette(), mode, state)
        key = (size.width(), size.height(), int(mode.value) * 2 + int(state.value),
               color.name(), scale)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        pixmap = QPixmap(size * scale)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.paint(painter, QRect(QPoint(0, 0), pixmap.size()), mode, state)
        painter.end()
        pixmap.setDevicePixelRatio(scale)
        self._cache[key] = pixmap
        return pixmap

    def iconName(self) -> str:
        return f"colorseg-{self._name}"


def icon(name: str) -> QIcon:
    """The themed icon ``name`` (a key of SHAPES)."""
    if name not in SHAPES:
        raise KeyError(name)
    return QIcon(_TintedEngine(name))
