"""The bundle's one-page legend: the result and numbered swatches, drawn by Qt's PDF writer.

Outside the engine because it needs QtGui; imported only when a legend is drawn. Without a
running application (the `colorseg` command) it starts a QGuiApplication on the offscreen
platform, which needs no display. Painting a QPdfWriter is allowed off the GUI thread (the
window writes bundles on a task thread), like painting a QImage.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from PySide6.QtGui import QFont, QPainter

_APP: Any = None  # the QGuiApplication made here, kept alive for the process
PAGE_MARGIN_MM = 14.0
MIN_IMAGE_MM = 35.0  # the result stays recognisable even beside 256 swatches
MAX_IMAGE_SHARE = 0.5  # of the page height
ROW_MM = (8.0, 3.4)  # row height: roomy for a few colours, down to this for many
MAX_COLUMNS = 4
COLUMN_GAP_MM = 5.0
_BASE_POINTS = 9.0  # the field widths below are for this font size and scale with it
_BY, _NONE = " \u00d7 ", "\u2013"  # the multiplication sign; an en dash for "no name"
_GREY, _BORDER, _RULE = "#555555", "#8c8c8c", "#d0d0d0"


@dataclass(frozen=True)
class LegendRow:
    """One colour: its number (mask and label-map value), name, hex, share and area."""

    number: int
    name: str
    hex: str
    rgb: tuple[int, int, int]
    share: float  # 0..1 of the visible pixels
    area_cm2: float
    area_in2: float


@dataclass(frozen=True, eq=False)
class Legend:
    title: str  # the image's file name
    image: npt.NDArray[np.uint8]  # H x W x 3 or x 4, the result
    dpi: float  # the print resolution the sizes and areas are given at
    rows: list[LegendRow]
    about: str = ""  # how the result was made, one line


def ensure_application() -> None:
    """A QGuiApplication to paint with: the running one, or an offscreen one made here."""
    global _APP
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.instance() is None:
        # -platform beats QT_QPA_PLATFORM: even on a desktop the command opens no window.
        _APP = QGuiApplication(["colorseg", "-platform", "offscreen"])


def legend_pdf(legend: Legend) -> bytes:
    """The legend as a one-page A4 PDF document."""
    ensure_application()
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF
    from PySide6.QtGui import QPageLayout, QPageSize, QPainter, QPdfWriter

    from colorseg_gui import __version__

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(300)
    writer.setPageLayout(QPageLayout(
        QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
        QMarginsF(*[PAGE_MARGIN_MM] * 4), QPageLayout.Unit.Millimeter))
    writer.setTitle(f"{legend.title}: {len(legend.rows)} colours")
    writer.setCreator(f"ColorSeg {__version__}")
    painter = QPainter(writer)
    try:
        _Page(painter, writer.width(), writer.height(), 300 / 25.4).draw(legend)
    finally:
        painter.end()
    buffer.close()
    return bytes(data.data())


def _print_size(legend: Legend) -> str:
    height, width = legend.image.shape[:2]
    w_in, h_in = width / legend.dpi, height / legend.dpi
    return (f"{width}{_BY}{height} pixels; printed at {legend.dpi:.0f} dpi: "
            f"{w_in * 2.54:.1f}{_BY}{h_in * 2.54:.1f} cm ({w_in:.2f}{_BY}{h_in:.2f} in)")


def _area(value: float) -> str:
    if 0 < value < 0.005:
        return "< 0.01"  # there, if tiny: 0.00 would say the colour is not in the print
    return f"{value:.2f}" if value < 10 else f"{value:.1f}" if value < 1000 else f"{value:,.0f}"


# (heading, width in mm, alignment): the table's columns, and which go first when narrow
_COLUMNS = [("No.", 9.0, "right"), ("", 9.0, "swatch"), ("Name", 34.0, "left"),
            ("Hex", 18.0, "left"), ("Share", 15.0, "right"), ("Area cm²", 19.0, "right"),
            ("Area in²", 19.0, "right")]
_DROP_ORDER = ("Name", "Area in²")


class _Page:
    """Lays out and paints one page in device pixels (``mm`` pixels to the millimetre)."""

    def __init__(self, painter: QPainter, width: int, height: int, mm: float) -> None:
        self.p, self.width, self.height, self.mm = painter, width, height, mm

    def font(self, points: float, bold: bool = False) -> QFont:
        from PySide6.QtGui import QFont

        font = QFont("DejaVu Sans")
        font.setStyleHint(QFont.StyleHint.SansSerif)
        font.setPointSizeF(points)
        font.setBold(bold)
        return font

    def text(self, x: float, y: float, w: float, h: float, text: str, font: QFont,
             align: str = "left", colour: str = "#000000") -> None:
        from PySide6.QtCore import QRectF, Qt
        from PySide6.QtGui import QColor, QFontMetricsF

        self.p.setFont(font)
        self.p.setPen(QColor(colour))
        # Elided, never clipped: a long name ends in "…" inside its column.
        shown = QFontMetricsF(font, self.p.device()).elidedText(text, Qt.TextElideMode.ElideRight,
                                                                w)
        flags = Qt.AlignmentFlag.AlignVCenter | (
            Qt.AlignmentFlag.AlignRight if align == "right" else Qt.AlignmentFlag.AlignLeft)
        self.p.drawText(QRectF(x, y, w, h), int(flags), shown)

    def draw(self, legend: Legend) -> None:
        mm = self.mm
        y = 0.0
        self.text(0, y, self.width, 9 * mm, f"{legend.title}: {len(legend.rows)} colours",
                  self.font(15, bold=True))
        y += 9 * mm
        self.text(0, y, self.width, 5 * mm, _print_size(legend), self.font(8.5), colour=_GREY)
        y += 5 * mm
        if legend.about:
            self.text(0, y, self.width, 5 * mm, legend.about, self.font(8.5), colour=_GREY)
            y += 5 * mm
        y += 3 * mm
        footer_h = 9 * mm
        layout = self._layout(legend, self.height - y - footer_h)
        image_h = self._image(legend.image, y, layout.image_h)
        y += image_h + 5 * mm
        self._table(legend.rows, y, layout)
        self._footer(legend, self.height - footer_h + 2 * mm)

    # ----- layout -----------------------------------------------------------------------
    def _layout(self, legend: Legend, room: float) -> _Layout:
        """How many columns, which fields and how tall a row, for the image to stay large."""
        mm = self.mm
        height, width = legend.image.shape[:2]
        natural = self.width * height / max(width, 1)  # the image across the whole width
        wanted = min(natural, MAX_IMAGE_SHARE * self.height)
        named = any(row.name for row in legend.rows)
        for columns in range(1, MAX_COLUMNS + 1):
            per_column = math.ceil(len(legend.rows) / columns)
            for row_mm in np.arange(ROW_MM[0], ROW_MM[1] - 0.01, -0.2):
                points = _points(float(row_mm))
                fields = self._fields(columns, named, points)
                table = (per_column + 1) * row_mm * mm  # +1: the heading row
                if fields is not None and table + wanted + 5 * mm <= room:
                    return _Layout(columns, fields, float(row_mm) * mm, wanted, points)
        # Very many colours: rows as tall as the page allows beside a smaller image.
        per_column = math.ceil(len(legend.rows) / MAX_COLUMNS)
        row_h = (room - MIN_IMAGE_MM * mm - 5 * mm) / (per_column + 1)
        points = _points(row_h / mm)
        fields = self._fields(MAX_COLUMNS, named, points) or [
            c for c in _COLUMNS if c[0] not in _DROP_ORDER]
        return _Layout(MAX_COLUMNS, fields, row_h, min(wanted, MIN_IMAGE_MM * mm), points)

    def _fields(self, columns: int, named: bool, points: float
                ) -> list[tuple[str, float, str]] | None:
        """The fields that fit a column at this font size, dropping the least needed first."""
        fields = [c for c in _COLUMNS if named or c[0] != "Name"]
        column_w = (self.width - COLUMN_GAP_MM * self.mm * (columns - 1)) / columns
        for drop in (*_DROP_ORDER, None):
            if sum(c[1] for c in fields) * self.mm * points / _BASE_POINTS <= column_w:
                return fields
            fields = [c for c in fields if c[0] != drop]
        return None

    # ----- painting ---------------------------------------------------------------------
    def _image(self, image: npt.NDArray[np.uint8], y: float, room: float) -> float:
        from PySide6.QtCore import QRectF, Qt
        from PySide6.QtGui import QColor, QImage, QPen

        height, width = image.shape[:2]
        scale = min(self.width / width, room / height)
        w, h = width * scale, height * scale
        x = (self.width - w) / 2
        rgba = np.ascontiguousarray(image if image.shape[2] == 4 else np.concatenate(
            [image, np.full((height, width, 1), 255, np.uint8)], axis=2))
        qimage = QImage(rgba.data, width, height, rgba.strides[0], QImage.Format.Format_RGBA8888)
        # Embedded at 300 dpi at most: an 18-megapixel result would make a 40 MB legend.
        most = (int(w) + 1, int(h) + 1)
        if width > most[0]:
            qimage = qimage.scaled(most[0], most[1], Qt.AspectRatioMode.KeepAspectRatio,
                                   Qt.TransformationMode.SmoothTransformation)
        else:
            qimage = qimage.copy()  # the array may go; the painter keeps no reference to it
        self.p.drawImage(QRectF(x, y, w, h), qimage)
        self.p.setPen(QPen(QColor(_BORDER), 0.25 * self.mm))
        self.p.setBrush(Qt.BrushStyle.NoBrush)
        self.p.drawRect(QRectF(x, y, w, h))
        return h

    def _table(self, rows: list[LegendRow], top: float, layout: _Layout) -> None:
        from PySide6.QtCore import QLineF
        from PySide6.QtGui import QColor, QPen

        mm = self.mm
        gap = COLUMN_GAP_MM * mm
        column_w = (self.width - gap * (layout.columns - 1)) / layout.columns
        points = layout.points
        widths = _widths(layout.fields, column_w, mm * points / _BASE_POINTS)
        table_w = sum(widths)
        per_column = math.ceil(len(rows) / layout.columns)
        for column in range(layout.columns):
            x0 = column * (column_w + gap)
            chunk = rows[column * per_column:(column + 1) * per_column]
            if not chunk:
                break
            x = x0
            for (heading, _, align), w in zip(layout.fields, widths, strict=True):
                if align != "swatch":
                    pad = 0.8 * mm * points / _BASE_POINTS  # scales with the text it pads
                    self.text(x + pad, top, w - 2 * pad, layout.row_h,
                              _heading(heading, w / mm * _BASE_POINTS / points),
                              self.font(points, bold=True), "right" if align == "right"
                              else "left", _GREY)
                x += w
            self.p.setPen(QPen(QColor(_GREY), 0.2 * mm))
            self.p.drawLine(QLineF(x0, top + layout.row_h, x0 + table_w, top + layout.row_h))
            for i, row in enumerate(chunk, start=1):
                self._row(row, x0, top + i * layout.row_h, layout, widths, points)
                y = top + (i + 1) * layout.row_h
                self.p.setPen(QPen(QColor(_RULE), 0.1 * mm))
                self.p.drawLine(QLineF(x0, y, x0 + table_w, y))

    def _row(self, row: LegendRow, x: float, y: float, layout: _Layout, widths: list[float],
             points: float) -> None:
        from PySide6.QtCore import QRectF
        from PySide6.QtGui import QColor, QPen

        mm, h = self.mm, layout.row_h
        values = {"No.": str(row.number), "Name": row.name or _NONE, "Hex": row.hex,
                  "Share": f"{100 * row.share:.1f} %", "Area cm²": _area(row.area_cm2),
                  "Area in²": _area(row.area_in2)}
        for (heading, _, align), w in zip(layout.fields, widths, strict=True):
            if align == "swatch":
                tall = h - 1.2 * mm
                wide = min(w - 1.5 * mm, 1.6 * tall)
                # A mid-grey border: white and pale swatches still show their edge on paper.
                self.p.setPen(QPen(QColor(_BORDER), 0.2 * mm))
                self.p.setBrush(QColor(*row.rgb))
                self.p.drawRect(QRectF(x + (w - wide) / 2, y + (h - tall) / 2, wide, tall))
            else:
                pad = 0.8 * mm * points / _BASE_POINTS
                self.text(x + pad, y, w - 2 * pad, h, values[heading],
                          self.font(points, bold=heading == "No."), align)
            x += w

    def _footer(self, legend: Legend, y: float) -> None:
        from colorseg_gui import __version__

        line = (f"No. is the colour's mask file number and its value in the label map. Share "
                f"of the visible pixels; area printed at {legend.dpi:.0f} dpi. "
                f"ColorSeg {__version__}")
        self.text(0, y, self.width, 5 * self.mm, line, self.font(7), colour=_GREY)


def _points(row_mm: float) -> float:
    """The table's font size for a row height: 9 pt in roomy rows, 5 pt in the tightest."""
    return min(_BASE_POINTS, max(5.0, row_mm * 1.55))


def _heading(heading: str, width_at_base_mm: float) -> str:
    """'Area cm²' where it fits, 'cm²' in a narrow column."""
    return heading if width_at_base_mm >= 17.5 or not heading.startswith("Area ") \
        else heading.removeprefix("Area ")


def _widths(fields: list[tuple[str, float, str]], room: float, mm: float) -> list[float]:
    """Field widths filling ``room``: the spare room goes to the name, or to all alike."""
    natural = [width * mm for _, width, _ in fields]
    spare = room - sum(natural)
    names = [i for i, field in enumerate(fields) if field[0] == "Name"]
    if names:
        natural[names[0]] += spare
        return natural
    # Without names a full-width table scatters four numbers across the page: stretch less.
    stretch = min(room / sum(natural), 1.5)
    return [w * stretch for w in natural]


@dataclass(frozen=True)
class _Layout:
    columns: int
    fields: list[tuple[str, float, str]]
    row_h: float  # device pixels
    image_h: float  # device pixels, the most the image may take
    points: float  # the table's font size
