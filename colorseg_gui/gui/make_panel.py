"""The "Ready to make" panel: region cleanup and dithering of the result, and what to show."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QSlider,
    QSpinBox,
    QWidget,
)

if TYPE_CHECKING:  # the engine is imported with the first result, not with the window
    from colorseg_gui.engine import MakeOptions

DEBOUNCE_MS = 150
DITHER_CHOICES = (("", "Off"), ("fs", "Floyd-Steinberg"), ("bayer", "Ordered (Bayer 8x8)"))
AREA_UNITS = (("px", "pixels"), ("mm2", "mm² at"))


class MakePanel(QWidget):
    """Edits the cleanup and dithering; ``make_options_changed`` fires once per settled change."""

    make_options_changed = Signal(object)  # MakeOptions

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("makePanel")
        self.setAccessibleName("Ready to make")
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self._emit)

        self.min_region = QDoubleSpinBox()
        self.min_region.setObjectName("minRegionSpinBox")
        self.min_region.setRange(0, 1_000_000)
        self.min_region.setDecimals(0)
        self.min_region.setSpecialValueText("off")
        self.min_region.setToolTip("Regions smaller than this join the neighbouring region of "
                                   "the closest colour (0: off)")
        self.min_region.setAccessibleName("Smallest region")
        self.area_unit = QComboBox()
        self.area_unit.setObjectName("areaUnitCombo")
        for value, label in AREA_UNITS:
            self.area_unit.addItem(label, value)
        self.area_unit.setToolTip("Measure the smallest region in pixels, or in square "
                                  "millimetres at a print resolution")
        self.area_unit.setAccessibleName("Unit of the smallest region")
        self.dpi = QSpinBox()
        self.dpi.setObjectName("dpiSpinBox")
        self.dpi.setRange(1, 4800)
        self.dpi.setValue(300)
        self.dpi.setSuffix(" dpi")
        self.dpi.setToolTip("Print resolution the area in mm² is measured at")
        self.dpi.setAccessibleName("Print resolution")
        self.dpi.setEnabled(False)

        self.min_thickness = QSpinBox()
        self.min_thickness.setObjectName("minThicknessSpinBox")
        self.min_thickness.setRange(0, 200)
        self.min_thickness.setSpecialValueText("off")
        self.min_thickness.setSuffix(" px")
        self.min_thickness.setToolTip("The widest brush or nozzle that must fit: thinner parts "
                                      "of a region go to the closest colour beside them")
        self.min_thickness.setAccessibleName("Narrowest part")

        self.connectivity = QComboBox()
        self.connectivity.setObjectName("connectivityCombo")
        self.connectivity.addItem("Sides (4)", 4)
        self.connectivity.addItem("Sides and corners (8)", 8)
        self.connectivity.setToolTip("Whether pixels touching only at a corner are one region")
        self.connectivity.setAccessibleName("Regions touch by")

        self.protect = QCheckBox("Keep contrast over")
        self.protect.setObjectName("protectCheckBox")
        self.protect.setToolTip("Keep small regions that differ from everything around them "
                                "(eyes, highlights) by more than this CIEDE2000")
        self.protect_delta_e = QDoubleSpinBox()
        self.protect_delta_e.setObjectName("protectDeltaESpinBox")
        self.protect_delta_e.setRange(1, 100)
        self.protect_delta_e.setValue(25)
        self.protect_delta_e.setPrefix("ΔE ")
        self.protect_delta_e.setEnabled(False)
        self.protect_delta_e.setToolTip("CIEDE2000 above which a small region is kept")
        self.protect_delta_e.setAccessibleName("Contrast that keeps a small region")

        self.dither = QComboBox()
        self.dither.setObjectName("ditherCombo")
        for value, label in DITHER_CHOICES:
            self.dither.addItem(label, value)
        self.dither.setToolTip("Dither the output to its palette (the saved files too)")
        self.dither.setAccessibleName("Dithering")
        self.strength = QSlider(Qt.Orientation.Horizontal)
        self.strength.setObjectName("ditherStrengthSlider")
        self.strength.setRange(0, 100)
        self.strength.setValue(100)
        self.strength.setEnabled(False)
        self.strength.setToolTip("Dithering strength, 0-100 %")
        self.strength.setAccessibleName("Dithering strength")

        area_row = QHBoxLayout()
        area_row.addWidget(self.min_region, 2)
        area_row.addWidget(self.area_unit, 1)
        area_row.addWidget(self.dpi, 1)
        protect_row = QHBoxLayout()
        protect_row.addWidget(self.protect)
        protect_row.addWidget(self.protect_delta_e)
        form = QFormLayout(self)
        area_label = QLabel("Smallest &region:")
        area_label.setBuddy(self.min_region)  # a row of several fields: name the first one
        form.addRow(area_label, area_row)
        form.addRow("&Narrowest part:", self.min_thickness)
        form.addRow("Regions &touch by:", self.connectivity)
        form.addRow("", protect_row)
        form.addRow("&Dithering:", self.dither)
        form.addRow("Stren&gth:", self.strength)

        for spin in (self.min_region, self.protect_delta_e):
            spin.valueChanged.connect(self._changed)
        for box in (self.dpi, self.min_thickness):
            box.valueChanged.connect(self._changed)
        for combo in (self.area_unit, self.connectivity, self.dither):
            combo.currentIndexChanged.connect(self._changed)
        self.protect.toggled.connect(self._changed)
        self.strength.valueChanged.connect(self._changed)

    @Slot()
    def _changed(self) -> None:
        self.dpi.setEnabled(self.area_unit.currentData() == "mm2")
        self.min_region.setDecimals(2 if self.area_unit.currentData() == "mm2" else 0)
        self.protect_delta_e.setEnabled(self.protect.isChecked())
        self.strength.setEnabled(bool(self.dither.currentData()))
        self._debounce.start()

    @Slot()
    def _emit(self) -> None:
        self.make_options_changed.emit(self.make_options())

    def flush(self) -> None:
        """Emit a pending change now (tests, and before a save)."""
        if self._debounce.isActive():
            self._debounce.stop()
            self._emit()

    def set_make_options(self, options: MakeOptions) -> None:
        """Show ``options`` (a session's); the change is emitted as if the user made it."""
        cleanup = options.cleanup
        self.area_unit.setCurrentIndex(max(0, self.area_unit.findData("px")))
        self.min_region.setValue(cleanup.min_area if cleanup.min_area > 1 else 0)
        self.min_thickness.setValue(cleanup.min_thickness if cleanup.min_thickness > 1 else 0)
        self.connectivity.setCurrentIndex(max(0, self.connectivity.findData(
            cleanup.connectivity)))
        self.protect.setChecked(cleanup.protect_delta_e is not None)
        if cleanup.protect_delta_e is not None:
            self.protect_delta_e.setValue(cleanup.protect_delta_e)
        self.dither.setCurrentIndex(max(0, self.dither.findData(options.dither or "")))
        self.strength.setValue(round(options.dither_strength * 100))
        self.flush()

    def make_options(self) -> MakeOptions:
        from colorseg_gui.engine import CleanupOptions, MakeOptions

        value = self.min_region.value()
        if self.area_unit.currentData() == "mm2":
            area = CleanupOptions.area_from_mm2(value, self.dpi.value())
        else:
            area = int(value)
        cleanup = CleanupOptions(
            min_area=area, min_thickness=self.min_thickness.value(),
            connectivity=8 if self.connectivity.currentData() == 8 else 4,
            protect_delta_e=self.protect_delta_e.value() if self.protect.isChecked() else None,
        )
        dither = self.dither.currentData() or None
        return MakeOptions(cleanup=cleanup, dither=dither,
                           dither_strength=self.strength.value() / 100.0)
