"""The palette panel: one swatch per cluster with hex and pixel share, largest first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QGuiApplication,
    QIcon,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPixmap,
)
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem, QWidget

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

CLUSTER_ROLE = Qt.ItemDataRole.UserRole  # the row of the cluster in the step shown
ID_ROLE = Qt.ItemDataRole.UserRole + 1  # its stable id (engine KMeansStep.ids)
LOCKED_ROLE = Qt.ItemDataRole.UserRole + 2
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
    lock_clicked = Signal(int)  # the id of a swatch whose colour square was clicked

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
        # Ctrl/Shift+click selects more than one: two for Merge.
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.locking = False  # a click on a colour square locks it (paused or after a run)
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
                    *, keep_rows: bool = False, ids: tuple[int, ...] = (),
                    locked: tuple[int, ...] = ()) -> None:
        """Show ``palette`` (k x 3) sorted by ``weights`` (k), keeping the selected clusters.

        ``keep_rows`` (the steps of a running clustering, edits, k changes): every cluster
        stays in the row it has, found by its id, so that swatches do not jump under the
        cursor; new clusters go at the end.  Otherwise the largest share comes first.
        """
        import numpy as np  # with the first palette, not with the window (start-up time)

        palette = np.asarray(palette, dtype=np.uint8).reshape(-1, 3)
        weights = np.asarray(weights, dtype=np.float64).reshape(-1)
        ids = tuple(ids) or tuple(range(len(weights)))
        selected = set(self.selected_ids())
        total = float(weights.sum())
        row_of = {cid: row for row, cid in enumerate(ids)}
        shown = [self.item(row).data(ID_ROLE) for row in range(self.count())]
        if keep_rows and shown:
            order = [row_of[cid] for cid in shown if cid in row_of]
            order += [row for row, cid in enumerate(ids) if cid not in set(shown)]
        else:
            order = [int(i) for i in np.argsort(-weights, kind="stable")]
        self.blockSignals(True)
        try:
            if self.count() != len(order):
                self.clear()
                for _ in order:
                    self.addItem(QListWidgetItem())
            for row, cluster in enumerate(order):
                share = 100.0 * weights[cluster] / total if total > 0 else 0.0
                self._fill(self.item(row), int(cluster), palette[cluster], share)
                item = self.item(row)
                item.setData(ID_ROLE, ids[cluster])
                item.setData(LOCKED_ROLE, cluster in locked)
                if cluster in locked:
                    item.setIcon(_swatch_icon(palette[cluster], True))
                    item.setToolTip(item.toolTip() + " (locked: it keeps this colour)")
            self.clearSelection()
            current = False
            for row in range(self.count()):
                if self.item(row).data(ID_ROLE) in selected:
                    self.item(row).setSelected(True)
                    if not current:
                        self.setCurrentRow(row, self.selectionModel().SelectionFlag.Current)
                        current = True
        finally:
            self.blockSignals(False)

    @staticmethod
    def _fill(
        item: QListWidgetItem, cluster: int, rgb: npt.NDArray[np.uint8], share: float
    ) -> None:
        hex_value = hex_color(rgb)
        item.setIcon(_swatch_icon(rgb, False))
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
        item: QListWidgetItem | None = self.currentItem()
        if item is None or not item.isSelected():
            items = self.selectedItems()
            item = items[0] if items else None
        return int(item.data(CLUSTER_ROLE)) if item is not None else -1

    def selected_ids(self) -> list[int]:
        """Ids of the selected swatches, in the order of the rows."""
        return [int(self.item(row).data(ID_ROLE)) for row in range(self.count())
                if self.item(row).isSelected() and self.item(row).data(ID_ROLE) is not None]

    def is_locked(self, cid: int) -> bool:
        return any(self.item(row).data(ID_ROLE) == cid and bool(self.item(row).data(LOCKED_ROLE))
                   for row in range(self.count()))

    def select_ids(self, ids: list[int]) -> None:
        self.clearSelection()
        for row in range(self.count()):
            if self.item(row).data(ID_ROLE) in ids:
                self.item(row).setSelected(True)

    def swatch_rect(self, row: int) -> QRect:
        """Where row's colour square (and its lock badge) is drawn, in viewport pixels."""
        rect = self.visualItemRect(self.item(row))
        top = rect.top() + (rect.height() - SWATCH.height()) // 2
        return QRect(QPoint(rect.left() + 2, top), SWATCH + QSize(4, 0))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        item = self.itemAt(event.position().toPoint())
        if (self.locking and item is not None and event.button() == Qt.MouseButton.LeftButton
                and self.swatch_rect(self.row(item)).contains(event.position().toPoint())):
            event.accept()
            self.lock_clicked.emit(int(item.data(ID_ROLE)))
            return
        super().mousePressEvent(event)

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
        # By id: a row's index names another cluster after a merge or a delete.
        cluster = int(item.data(ID_ROLE))
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


def _swatch_icon(rgb: npt.NDArray[np.uint8], locked: bool) -> QIcon:
    """The colour square; a locked one carries a padlock in black or white, whichever stands
    out on that colour (so it reads the same in the light and the dark theme)."""
    colour = QColor(hex_color(rgb))
    app = QGuiApplication.instance()
    # At the screen's pixel density: the padlock stays sharp at 2x.
    ratio = max(1.0, app.devicePixelRatio()) if isinstance(app, QGuiApplication) else 1.0
    pixmap = QPixmap(SWATCH * ratio)
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(colour)
    if locked:
        ink = QColor("#000000") if colour.lightnessF() > 0.55 else QColor("#ffffff")
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        w, h = SWATCH.width(), SWATCH.height()
        body = QRect(w - 15, h - 12, 11, 8)
        shackle = QPainterPath()
        shackle.addRoundedRect(body.left() + 2.5, body.top() - 6, 6, 9, 3, 3)
        pen = painter.pen()
        pen.setColor(ink)
        pen.setWidthF(1.6)
        painter.setPen(pen)
        painter.drawPath(shackle)
        painter.fillRect(body, ink)
        painter.end()
    icon = QIcon(pixmap)
    icon.addPixmap(pixmap, QIcon.Mode.Selected)  # the swatch keeps its true colour
    return icon
