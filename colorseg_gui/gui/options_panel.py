"""The options panel: k (slider + spin box), colour space, seed, iterations, initialisation."""

from __future__ import annotations

import secrets

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QSpinBox,
    QWidget,
)

# The options module of the engine is light (no numpy): the window starts without the rest.
from colorseg_gui.engine import MAX_ITER, MAX_K, MAX_SEED, MIN_K, KMeansOptions, Space

SLIDER_MIN, SLIDER_MAX = 2, 64
SPIN_MIN, SPIN_MAX = MIN_K, MAX_K
DEBOUNCE_MS = 120
SPACE_CHOICES = (("rgb", "RGB (sRGB values)"), ("lab", "CIELAB (perceptual)"),
                 ("oklab", "OKLab (perceptual, even hues)"))
STOP_CHOICES = (
    (1e-4, "J improves < 0.01 %"),
    (0.0, "No pixel changes cluster"),
)
INIT_CHOICES = (("k-means++", "k-means++"), ("random", "Random colours"))


def _space(value: object) -> Space:
    return "lab" if value == "lab" else "oklab" if value == "oklab" else "rgb"


class OptionsPanel(QWidget):
    """Edits :class:`KMeansOptions`; ``options_changed`` fires once per settled change."""

    options_changed = Signal(object)  # KMeansOptions

    def __init__(self, options: KMeansOptions | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Options")
        options = options or KMeansOptions()
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self._emit)

        self.k_slider = QSlider(Qt.Orientation.Horizontal)
        self.k_slider.setObjectName("kSlider")
        self.k_slider.setRange(SLIDER_MIN, SLIDER_MAX)
        self.k_slider.setPageStep(4)
        self.k_slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.k_slider.setTickInterval(8)
        self.k_slider.setToolTip("Number of colours k (2-64; the box beside it goes to 256)")
        self.k_slider.setAccessibleName("Number of colours k, slider")
        self.k_spin = QSpinBox()
        self.k_spin.setObjectName("kSpinBox")
        self.k_spin.setRange(SPIN_MIN, SPIN_MAX)
        self.k_spin.setToolTip("Number of colours k (1-256)")
        self.k_spin.setAccessibleName("Number of colours k")
        self.k_spin.setKeyboardTracking(False)

        self.space_combo = QComboBox()
        self.space_combo.setObjectName("spaceCombo")
        for value, label in SPACE_CHOICES:
            self.space_combo.addItem(label, value)
        self.space_combo.setToolTip(
            "Colour space the distances are measured in: sRGB values, or CIELAB where "
            "distances follow perceived colour differences"
        )
        self.space_combo.setAccessibleName("Colour space")

        self.seed_spin = QSpinBox()
        self.seed_spin.setObjectName("seedSpinBox")
        self.seed_spin.setRange(0, MAX_SEED)
        self.seed_spin.setKeyboardTracking(False)
        self.seed_spin.setToolTip("Random seed of the initialisation: same seed, same result")
        self.seed_spin.setAccessibleName("Random seed")
        self.new_seed_button = QPushButton("New seed")
        self.new_seed_button.setObjectName("newSeedButton")
        self.new_seed_button.setToolTip("Pick a new random seed and run again")
        self.new_seed_button.setAccessibleName("New random seed")

        self.iter_spin = QSpinBox()
        self.iter_spin.setObjectName("maxIterSpinBox")
        self.iter_spin.setRange(1, MAX_ITER)
        self.iter_spin.setKeyboardTracking(False)
        self.iter_spin.setToolTip(
            "Stop after this many Lloyd iterations even if some pixels still change cluster"
        )
        self.iter_spin.setAccessibleName("Maximum iterations")

        self.init_combo = QComboBox()
        self.init_combo.setObjectName("initCombo")
        for value, label in INIT_CHOICES:
            self.init_combo.addItem(label, value)
        self.init_combo.setToolTip(
            "How the first centres are chosen: k-means++ spreads them over the colours "
            "(weighted by pixel count), random picks k colours of the image; up to k = 64 a "
            "quick search on a sample of the colours then improves them"
        )
        self.init_combo.setAccessibleName("Initialisation")

        self.stop_combo = QComboBox()
        self.stop_combo.setObjectName("stopCombo")
        for tol, text in STOP_CHOICES:
            self.stop_combo.addItem(text, tol)
        self.stop_combo.setToolTip(
            "When the run ends: once J (the clustering error) improves by less than 0.01 % "
            "per iteration, or only when no pixel changes cluster any more (exact Lloyd "
            "convergence, which can take many more iterations for a barely visible change)"
        )
        self.stop_combo.setAccessibleName("Stopping rule")

        k_row = QHBoxLayout()
        k_row.addWidget(self.k_slider, 1)
        k_row.addWidget(self.k_spin)
        seed_row = QHBoxLayout()
        seed_row.addWidget(self.seed_spin, 1)
        seed_row.addWidget(self.new_seed_button)
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self._label("&Colours (k):", self.k_spin), k_row)
        form.addRow(self._label("Colour &space:", self.space_combo), self.space_combo)
        form.addRow(self._label("Se&ed:", self.seed_spin), seed_row)
        form.addRow(self._label("&Max iterations:", self.iter_spin), self.iter_spin)
        form.addRow(self._label("&Initialisation:", self.init_combo), self.init_combo)
        form.addRow(self._label("Stop &when:", self.stop_combo), self.stop_combo)

        self.set_options(options)
        self.k_slider.valueChanged.connect(self._on_slider_moved)
        self.k_spin.valueChanged.connect(self._on_spin_changed)
        self.space_combo.currentIndexChanged.connect(self._on_immediate_change)
        self.init_combo.currentIndexChanged.connect(self._on_immediate_change)
        self.stop_combo.currentIndexChanged.connect(self._on_immediate_change)
        self.seed_spin.valueChanged.connect(self._on_immediate_change)
        self.iter_spin.valueChanged.connect(self._on_immediate_change)
        self.new_seed_button.clicked.connect(self.new_seed)

    @staticmethod
    def _label(text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(buddy)
        return label

    def options(self) -> KMeansOptions:
        return KMeansOptions(
            k=self.k_spin.value(),
            space=_space(self.space_combo.currentData()),
            seed=self.seed_spin.value(),
            max_iter=self.iter_spin.value(),
            init=str(self.init_combo.currentData()),
            tol=float(self.stop_combo.currentData()),
        )

    def set_options(self, options: KMeansOptions) -> None:
        """Show ``options`` without emitting ``options_changed``."""
        widgets = (
            self.k_slider,
            self.k_spin,
            self.space_combo,
            self.seed_spin,
            self.iter_spin,
            self.init_combo,
            self.stop_combo,
        )
        for widget in widgets:
            widget.blockSignals(True)
        try:
            self.k_spin.setValue(options.k)
            self.k_slider.setValue(min(max(options.k, SLIDER_MIN), SLIDER_MAX))
            self.space_combo.setCurrentIndex(max(0, self.space_combo.findData(options.space)))
            self.seed_spin.setValue(min(max(options.seed or 0, 0), MAX_SEED))
            self.iter_spin.setValue(options.max_iter)
            if isinstance(options.init, str):
                self.init_combo.setCurrentIndex(max(0, self.init_combo.findData(options.init)))
            strict = options.tol <= 0
            self.stop_combo.setCurrentIndex(1 if strict else 0)
        finally:
            for widget in widgets:
                widget.blockSignals(False)

    @Slot()
    def new_seed(self) -> None:
        self.seed_spin.setValue(secrets.randbelow(MAX_SEED))

    @Slot(int)
    def _on_slider_moved(self, value: int) -> None:
        self.k_spin.blockSignals(True)
        self.k_spin.setValue(value)
        self.k_spin.blockSignals(False)
        self._debounce.start()  # restarts: only the value the slider rests on runs

    @Slot(int)
    def _on_spin_changed(self, value: int) -> None:
        self.k_slider.blockSignals(True)
        self.k_slider.setValue(min(max(value, SLIDER_MIN), SLIDER_MAX))
        self.k_slider.blockSignals(False)
        self._debounce.start()

    @Slot()
    def _on_immediate_change(self) -> None:
        self._debounce.stop()
        self._emit()

    @Slot()
    def _emit(self) -> None:
        self.options_changed.emit(self.options())

    def flush(self) -> None:
        """Emit a pending debounced change now (used before saving and on close)."""
        if self._debounce.isActive():
            self._debounce.stop()
            self._emit()

    def flush_silently(self) -> None:
        """Drop a pending debounced change (the window is closing: start nothing new)."""
        self._debounce.stop()
