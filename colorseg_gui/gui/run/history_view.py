"""The history strip: a thumbnail per finished run; click to go back, Ctrl+click to compare A/B."""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QSize, Qt, Signal, Slot
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QWidget,
)

from colorseg_gui.gui.run.model import RunModel

if TYPE_CHECKING:
    from colorseg_gui.gui.run.history import HistoryEntry

THUMB = QSize(96, 64)
INDEX_ROLE = Qt.ItemDataRole.UserRole


def _with_badge(pixmap: QPixmap, text: str, palette: QPalette) -> QPixmap:
    """A copy of ``pixmap`` with ``text`` on a highlight-coloured tab in its corner."""
    out = QPixmap(pixmap)
    painter = QPainter(out)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    font = QFont(painter.font())
    font.setBold(True)
    painter.setFont(font)
    side = painter.fontMetrics().height() + 2
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(palette.color(QPalette.ColorRole.Highlight))
    painter.drawRoundedRect(2, 2, side, side, 3, 3)
    painter.setPen(palette.color(QPalette.ColorRole.HighlightedText))
    painter.drawText(2, 2, side, side, Qt.AlignmentFlag.AlignCenter, text)
    painter.end()
    return out


class HistoryView(QListWidget):
    """Follows the model's history; its current row is the entry shown."""

    entry_chosen = Signal(int)  # a click: show this entry
    compare_chosen = Signal(object)  # a Ctrl+click: int (the A side) or None (end A/B)

    def __init__(self, model: RunModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("historyView")
        self.setAccessibleName("History")
        self.setToolTip("Click a result to go back to it (Ctrl+Z / Ctrl+Shift+Z step through "
                        "them); Ctrl+click another to compare it with the one shown (A/B)")
        self._model = model
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(False)
        self.setMovement(QListView.Movement.Static)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setIconSize(THUMB)
        self.setUniformItemSizes(True)
        self.setWordWrap(True)  # "k 12 · OKLab · seed 1234567890" takes two lines
        caption = 2 * self.fontMetrics().lineSpacing()
        self.setGridSize(QSize(THUMB.width() + 48, THUMB.height() + caption + 10))
        self._fit_height()
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._on_context_menu)
        self._icons: weakref.WeakKeyDictionary[HistoryEntry, QPixmap] = (
            weakref.WeakKeyDictionary())
        self.itemClicked.connect(self._on_item_clicked)
        model.history_changed.connect(self.refresh)
        model.reference_changed.connect(self.refresh)
        self.refresh()

    def sizeHint(self) -> QSize:
        return QSize(600, self.minimumHeight())

    def _fit_height(self) -> None:
        # One row of thumbnails with their captions, and room for the scroll bar below.
        frame = 2 * self.frameWidth()
        bar = self.horizontalScrollBar().sizeHint().height()
        self.setMinimumHeight(self.gridSize().height() + frame + bar + 4)

    @Slot()
    def refresh(self) -> None:
        history, reference = self._model.history, self._model.reference
        self.blockSignals(True)
        try:
            self.clear()
            for index, entry in enumerate(history.entries):
                badge = "A" if entry is reference else (
                    "B" if reference is not None and index == history.index else "")
                item = QListWidgetItem(self._icon(entry, badge), entry.label)
                item.setData(INDEX_ROLE, index)
                item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter)
                item.setToolTip(self._tip(entry))
                if badge:
                    shade = QColor(self.palette().color(QPalette.ColorRole.Highlight))
                    shade.setAlpha(70)
                    item.setBackground(shade)
                self.addItem(item)
            if history.index >= 0 and not self._model.running:
                self.setCurrentRow(history.index)
                self.scrollToItem(self.item(history.index))
            else:
                self.clearSelection()
        finally:
            self.blockSignals(False)

    def _icon(self, entry: HistoryEntry, badge: str = "") -> QIcon:
        """The entry's thumbnail; with "A" or "B" in its corner while the two compare."""
        pixmap = self._thumbnail(entry)
        if badge:
            pixmap = _with_badge(pixmap, badge, self.palette())
        icon = QIcon(pixmap)
        icon.addPixmap(pixmap, QIcon.Mode.Selected)  # the row shows selection, untinted
        return icon

    def _thumbnail(self, entry: HistoryEntry) -> QPixmap:
        pixmap = self._icons.get(entry)
        if pixmap is None:
            from colorseg_gui.gui.qimage import screen_to_qimage

            preview = entry.preview()
            opaque = entry.cache.histogram.alpha is None
            ratio = self.devicePixelRatioF()
            image = screen_to_qimage(preview, opaque=opaque).scaled(
                THUMB * ratio, Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation)
            pixmap = QPixmap.fromImage(image)
            pixmap.setDevicePixelRatio(ratio)
            self._icons[entry] = pixmap
        return pixmap

    @staticmethod
    def _tip(entry: HistoryEntry) -> str:
        options = entry.options
        picture = entry.image.picture
        how = "stopped by you" if entry.stopped else f"{entry.step.iteration} iterations"
        return (f"{picture.name}: {options.k} colours, {options.space}, seed {options.seed}, "
                f"{how}, error {entry.mse ** 0.5:.1f}")

    @Slot(QListWidgetItem)
    def _on_item_clicked(self, item: QListWidgetItem) -> None:
        index = item.data(INDEX_ROLE)
        if not isinstance(index, int):
            return
        ctrl = QApplication.keyboardModifiers() & Qt.KeyboardModifier.ControlModifier
        if ctrl:
            reference = self._model.reference
            same = reference is not None and self._model.history.entries[index] is reference
            self.compare_chosen.emit(None if same else index)
            self.refresh()  # the current row stays the entry shown
        else:
            self.entry_chosen.emit(index)

    @Slot(QPoint)
    def _on_context_menu(self, pos: QPoint) -> None:
        item = self.itemAt(pos)
        index = item.data(INDEX_ROLE) if item is not None else None
        menu = QMenu(self)
        compare = menu.addAction("Compare with the Result Shown (A/B)")
        compare.setEnabled(isinstance(index, int) and index != self._model.history.index)
        compare.triggered.connect(lambda: self.compare_chosen.emit(index))
        end = menu.addAction("End Comparison")
        end.setEnabled(self._model.reference is not None)
        end.triggered.connect(lambda: self.compare_chosen.emit(None))
        menu.exec(self.viewport().mapToGlobal(pos))
