"""The history strip: a thumbnail per finished run; click to go back, Ctrl+click to compare A/B."""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QSize, Qt, Signal, Slot
from PySide6.QtGui import QColor, QIcon, QPalette, QPixmap
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
        self.setGridSize(QSize(THUMB.width() + 24, THUMB.height() + 30))
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._on_context_menu)
        self._icons: weakref.WeakKeyDictionary[HistoryEntry, QIcon] = weakref.WeakKeyDictionary()
        self.itemClicked.connect(self._on_item_clicked)
        model.history_changed.connect(self.refresh)
        model.reference_changed.connect(self.refresh)
        self.refresh()

    def sizeHint(self) -> QSize:
        return QSize(600, THUMB.height() + 40)

    @Slot()
    def refresh(self) -> None:
        history, reference = self._model.history, self._model.reference
        self.blockSignals(True)
        try:
            self.clear()
            for index, entry in enumerate(history.entries):
                prefix = "A · " if entry is reference else ""
                item = QListWidgetItem(self._icon(entry), prefix + entry.label)
                item.setData(INDEX_ROLE, index)
                item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter)
                item.setToolTip(self._tip(entry))
                if entry is reference:
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

    def _icon(self, entry: HistoryEntry) -> QIcon:
        icon = self._icons.get(entry)
        if icon is None:
            from colorseg_gui.gui.qimage import screen_to_qimage

            preview = entry.preview()
            opaque = entry.cache.histogram.alpha is None
            ratio = self.devicePixelRatioF()
            image = screen_to_qimage(preview, opaque=opaque).scaled(
                THUMB * ratio, Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation)
            pixmap = QPixmap.fromImage(image)
            pixmap.setDevicePixelRatio(ratio)
            icon = QIcon(pixmap)
            self._icons[entry] = icon
        return icon

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
