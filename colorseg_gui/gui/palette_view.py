"""The palette panel: one swatch per cluster with hex and pixel share, largest first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QGuiApplication,
    QIcon,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPalette,
    QPixmap,
)
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem, QWidget

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

CLUSTER_ROLE = Qt.ItemDataRole.UserRole
SWATCH = QSize(36, 24)
EMPTY_TEXT = (
    "The colours of the segmentation appear here, one swatch per colour, the largest "
    "share first.\n\nClick one to highlight where it is in the image."
)


def hex_color(rgb: npt.ArrayLike) -> str:
    import numpy as np

    r, g, b = (int(v) for v in np.asarray(rgb).reshape(3))
    return f"#{r:02x}{g:02x}{b:02x}"


class PaletteView(QListWidget):
    """Swatches of the current palette; selecting one highlights its segment."""

    cluster_selected = Signal(int)  # cluster index, or -1 when the selection is cleared

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("paletteView")
        self.setAccessibleName("Palette")
        self.setAccessibleDescription(
            "One entry per cluster: colour, hex value and share of the pixels, largest first."
        )
        self.setToolTip(
            "Click a colour to highlight its segment (click again or Esc to clear); "
            "Ctrl+C copies its hex value"
        )
        self.setIconSize(SWATCH)
        self.setUniformItemSizes(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        # Ctrl+C and Esc are window shortcuts too (copy result, stop): this view claims
        # them through ShortcutOverride while it has focus, see event().
        self._copy_action = QAction("Copy hex value", self)
        self._copy_action.triggered.connect(self.copy_selected_hex)
        self.addAction(self._copy_action)
        self._clear_action = QAction("Clear highlight", self)
        self._clear_action.triggered.connect(self.clear_highlight)
        self.addAction(self._clear_action)
        self._last_clicked = -1
        self.itemSelectionChanged.connect(self._on_selection_changed)
        self.itemClicked.connect(self._on_item_clicked)

    def set_palette(self, palette: npt.NDArray[np.uint8], weights: npt.NDArray[np.float64],
                    *, keep_rows: bool = False) -> None:
        """Show ``palette`` (k x 3) sorted by ``weights`` (k), keeping the selected cluster.

        ``keep_rows`` (the steps of a running clustering): every cluster stays in the row it
        has, so that swatches do not jump under the cursor; the final result sorts them.
        """
        import numpy as np  # with the first palette, not with the window (start-up time)

        selected = self.selected_cluster()
        palette = np.asarray(palette, dtype=np.uint8).reshape(-1, 3)
        weights = np.asarray(weights, dtype=np.float64).reshape(-1)
        total = float(weights.sum())
        rows = [self.item(row).data(CLUSTER_ROLE) for row in range(self.count())]
        if keep_rows and sorted(r for r in rows if isinstance(r, int)) == list(range(len(weights))):
            order = np.array(rows, dtype=np.intp)
        else:
            order = np.argsort(-weights, kind="stable")
        self.blockSignals(True)
        try:
            if self.count() != len(order):
                self.clear()
                for _ in order:
                    self.addItem(QListWidgetItem())
            for row, cluster in enumerate(order):
                share = 100.0 * weights[cluster] / total if total > 0 else 0.0
                self._fill(self.item(row), int(cluster), palette[cluster], share)
            self.clearSelection()
            if selected >= 0:
                for row, cluster in enumerate(order):
                    if cluster == selected:
                        self.item(row).setSelected(True)
                        self.setCurrentRow(row, self.selectionModel().SelectionFlag.Current)
        finally:
            self.blockSignals(False)

    @staticmethod
    def _fill(
        item: QListWidgetItem, cluster: int, rgb: npt.NDArray[np.uint8], share: float
    ) -> None:
        hex_value = hex_color(rgb)
        pixmap = QPixmap(SWATCH)
        pixmap.fill(QColor(hex_value))
        icon = QIcon(pixmap)
        icon.addPixmap(pixmap, QIcon.Mode.Selected)  # the swatch keeps its true colour
        item.setIcon(icon)
        item.setText(f"{hex_value}   {share:5.1f} %")
        item.setData(CLUSTER_ROLE, cluster)
        item.setToolTip(f"Cluster {cluster + 1}: {hex_value}, {share:.2f} % of the pixels")
        item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{hex_value}, {share:.1f} percent")

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.count() == 0:  # say what this panel is for before the first palette
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(
                self.viewport().rect().adjusted(12, 12, -12, -12),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
                | Qt.TextFlag.TextWordWrap,
                EMPTY_TEXT,
            )
            painter.end()

    def entries(self) -> list[tuple[int, str]]:
        """(cluster, hex) for every row, in display order."""
        return [
            (int(self.item(row).data(CLUSTER_ROLE)), self.item(row).text().split()[0])
            for row in range(self.count())
        ]

    def selected_cluster(self) -> int:
        items = self.selectedItems()
        return int(items[0].data(CLUSTER_ROLE)) if items else -1

    def select_cluster(self, cluster: int) -> None:
        for row in range(self.count()):
            if int(self.item(row).data(CLUSTER_ROLE)) == cluster:
                self.setCurrentRow(row)
                return

    def clear_highlight(self) -> None:
        self.clearSelection()

    def clear_palette(self) -> None:
        self.clear()

    def copy_selected_hex(self) -> str:
        item = self.currentItem()
        if item is None:
            return ""
        hex_value = item.text().split()[0]
        QGuiApplication.clipboard().setText(hex_value)
        return hex_value

    def _claims(self, event: QKeyEvent) -> bool:
        if event.matches(QKeySequence.StandardKey.Copy):
            return self.currentItem() is not None
        return event.key() == Qt.Key.Key_Escape and bool(self.selectedItems())

    def event(self, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and self._claims(event)
        ):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self._claims(event):
            if event.matches(QKeySequence.StandardKey.Copy):
                self.copy_selected_hex()
            else:
                self.clearSelection()
            event.accept()
            return
        super().keyPressEvent(event)

    def _on_item_clicked(self, item: QListWidgetItem) -> None:
        cluster = int(item.data(CLUSTER_ROLE))
        # A second click on the highlighted swatch turns the highlight off.
        if cluster == self._last_clicked and item.isSelected():
            self._last_clicked = -1
            self.clearSelection()
        else:
            self._last_clicked = cluster

    def _on_selection_changed(self) -> None:
        cluster = self.selected_cluster()
        if cluster < 0:
            self._last_clicked = -1
        self.cluster_selected.emit(cluster)
