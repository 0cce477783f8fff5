"""The "My Colours" panel: a palette file of paints, threads or filaments, and which are owned."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from colorseg_gui.gui.palette_view import hex_color

if TYPE_CHECKING:
    from colorseg_gui.engine import OwnedColours, OwnedPalette

MODES = (("", "Off: the clusters' own colours"), ("map", "Map each colour to the nearest "
         "owned one"), ("pick", "Pick the best k owned colours"),
         ("lock", "Lock these, let the other colours of k float"))
METRICS = (("de2000", "CIEDE2000"), ("oklab", "OKLab"))
PALETTE_FILTER = "Palettes (*.gpl *.ase *.json *.hex *.txt *.csv);;All files (*)"
_NOT_OWNED_KEY = "owned/not_owned/"  # + the palette file's path: the names left unticked


def _settings() -> QSettings:
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "ColorSeg",
                     "ColorSeg")


class OwnColoursPanel(QWidget):
    """Loads a palette file, ticks the colours owned (remembered per file), picks a mode."""

    owned_changed = Signal(object)  # OwnedColours | None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ownColoursPanel")
        self.setAccessibleName("My colours")
        self.loaded_palette: OwnedPalette | None = None
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self._emit)
        self.load_button = QPushButton("Load Palette…")
        self.load_button.setObjectName("loadPaletteButton")
        self.load_button.setToolTip("Open a palette of the paints, threads, filaments or inks "
                                    "you own (.gpl, .ase, .json, .hex, .txt, .csv)")
        self.title = QLabel("No palette loaded")
        self.title.setObjectName("ownedPaletteTitle")
        self.colours = QListWidget()
        self.colours.setObjectName("ownedColoursList")
        self.colours.setAccessibleName("Owned colours")
        self.colours.setToolTip("Tick the colours you have")
        self.mode = QComboBox()
        self.mode.setObjectName("ownedModeCombo")
        for value, label in MODES:
            self.mode.addItem(label, value)
        self.mode.setToolTip("Paint the result with owned colours only")
        self.mode.setAccessibleName("Use my colours")
        self.metric_combo = QComboBox()
        self.metric_combo.setObjectName("ownedMetricCombo")
        for value, label in METRICS:
            self.metric_combo.addItem(label, value)
        self.metric_combo.setToolTip("How colour differences are measured")
        self.metric_combo.setAccessibleName("Colour difference")
        top = QHBoxLayout()
        top.addWidget(self.load_button)
        top.addWidget(self.title, 1)
        modes = QHBoxLayout()
        modes.addWidget(self.mode, 2)
        modes.addWidget(self.metric_combo, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.colours, 1)
        layout.addLayout(modes)
        self.load_button.clicked.connect(self._on_load)
        self.colours.itemChanged.connect(self._on_ticked)
        self.mode.currentIndexChanged.connect(self._changed)
        self.metric_combo.currentIndexChanged.connect(self._changed)

    @Slot()
    def _on_load(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Load palette", str(Path.home()),
                                              PALETTE_FILTER)
        if name:
            self.load(Path(name))

    def load(self, path: Path) -> bool:
        from colorseg_gui.engine import PaletteError, read_palette

        try:
            palette = read_palette(path)
        except PaletteError as exc:
            QMessageBox.warning(self, "Cannot load palette", str(exc))
            return False  # what was loaded stays
        self.loaded_palette = palette
        stored = _settings().value(_NOT_OWNED_KEY + str(path.resolve()), [])
        if isinstance(stored, str):  # QSettings INI gives a bare string for one-item lists
            stored = [stored]
        not_owned = {str(n) for n in stored} if isinstance(stored, list) else set()
        self._fill(palette, not_owned)
        self._changed()
        return True

    def _fill(self, palette: OwnedPalette, not_owned: set[str]) -> None:
        """List ``palette``'s colours, ticked unless named in ``not_owned``."""
        self.colours.blockSignals(True)
        self.colours.clear()
        for rgb, name in zip(palette.colors, palette.names, strict=True):
            pixmap = QPixmap(16, 16)
            pixmap.fill(QColor(hex_color(rgb)))
            item = QListWidgetItem(QIcon(pixmap), name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            owned = name not in not_owned
            item.setCheckState(Qt.CheckState.Checked if owned else Qt.CheckState.Unchecked)
            item.setToolTip(f"{name}: {hex_color(rgb)}")
            self.colours.addItem(item)
        self.colours.blockSignals(False)
        self.title.setText(f"{palette.name} ({len(palette)} colours)")

    def set_owned(self, owned: OwnedColours | None, title: str) -> None:
        """Show ``owned`` (a session's colours, all ticked) or turn own colours off."""
        from colorseg_gui.engine import OwnedPalette

        if owned is None:
            self.mode.setCurrentIndex(max(0, self.mode.findData("")))
            self.flush()
            return
        self.loaded_palette = OwnedPalette(title, owned.colors, tuple(owned.names))
        self._fill(self.loaded_palette, set())
        self.mode.setCurrentIndex(max(0, self.mode.findData(owned.mode)))
        self.metric_combo.setCurrentIndex(max(0, self.metric_combo.findData(owned.metric)))
        self._changed()
        self.flush()

    @Slot(QListWidgetItem)
    def _on_ticked(self, _item: QListWidgetItem) -> None:
        if self.loaded_palette is not None and self.loaded_palette.path is not None:
            not_owned = [self.colours.item(i).text() for i in range(self.colours.count())
                         if self.colours.item(i).checkState() != Qt.CheckState.Checked]
            key = _NOT_OWNED_KEY + str(self.loaded_palette.path.resolve())
            _settings().setValue(key, not_owned)
        self._changed()

    @Slot()
    def _changed(self) -> None:
        self._debounce.start()

    def flush(self) -> None:
        if self._debounce.isActive():
            self._debounce.stop()
            self._emit()

    @Slot()
    def _emit(self) -> None:
        self.owned_changed.emit(self.owned())

    def owned(self) -> OwnedColours | None:
        """The ticked colours and the mode, or None when off (or nothing is ticked)."""
        from colorseg_gui.engine import OwnedColours

        mode = self.mode.currentData()
        if self.loaded_palette is None or not mode:
            return None
        ticked = [i for i in range(self.colours.count())
                  if self.colours.item(i).checkState() == Qt.CheckState.Checked]
        if not ticked:
            return None
        chosen = self.loaded_palette.subset(ticked)
        if self.metric_combo.currentData() == "oklab":
            return OwnedColours(chosen.colors, chosen.names, str(mode), "oklab")
        return OwnedColours(chosen.colors, chosen.names, str(mode), "de2000")
