"""The zoom field of the tool bar: shows the zoom, offers presets, takes a typed percentage."""

from __future__ import annotations

import re

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QComboBox, QLineEdit, QSizePolicy, QWidget

FIT = "Fit"
PRESETS = (25, 50, 100, 200, 400, 800)  # percent: device pixels per 100 image pixels
_NUMBER = re.compile(r"^\s*(\d+(?:[.,]\d*)?)\s*%?\s*$")


def parse_percent(text: str) -> float | None:
    """``"150"``, ``"150 %"`` or ``"12,5%"`` -> 1.5 / 0.125; None for anything else."""
    match = _NUMBER.match(text)
    if match is None:
        return None
    value = float(match.group(1).replace(",", "."))
    return value / 100 if value > 0 else None


def format_percent(scale: float) -> str:
    percent = scale * 100
    return f"{percent:.0f} %" if percent >= 10 else f"{percent:.1f} %"


class ZoomBox(QComboBox):
    """An editable combo box: pick Fit or a preset, or type a percentage and press Enter."""

    fit_requested = Signal()
    zoom_requested = Signal(float)  # device pixels per image pixel

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("zoomBox")
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setToolTip("Zoom: pick Fit or a preset, or type a percentage and press Enter")
        self.setAccessibleName("Zoom")
        self.addItem(FIT)
        for percent in PRESETS:
            self.addItem(f"{percent} %", percent / 100)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setMinimumContentsLength(len("Fit 888 %"))
        self._scale = 1.0
        self._fitted = True
        self._line: QLineEdit
        self.activated.connect(self._on_activated)
        line = self.lineEdit()
        assert line is not None  # editable
        self._line = line
        line.setAccessibleName("Zoom percentage")
        line.returnPressed.connect(self._on_return)
        line.editingFinished.connect(self._show_current)

    def show_zoom(self, scale: float, fitted: bool) -> None:
        """Reflect the view's zoom (device pixels per image pixel)."""
        self._scale, self._fitted = scale, fitted
        if not self._line.hasFocus():
            self._show_current()

    @Slot()
    def _show_current(self) -> None:
        text = format_percent(self._scale)
        self._line.setText(f"{FIT} {text}" if self._fitted else text)

    @Slot(int)
    def _on_activated(self, index: int) -> None:
        data = self.itemData(index)
        if index == 0:
            self.fit_requested.emit()
        elif isinstance(data, float):
            self.zoom_requested.emit(data)
        self._show_current()

    @Slot()
    def _on_return(self) -> None:
        text = self._line.text()
        if text.strip().lower().startswith(FIT.lower()):
            self.fit_requested.emit()
        else:
            scale = parse_percent(text)
            if scale is not None:
                self.zoom_requested.emit(scale)
        self._show_current()
