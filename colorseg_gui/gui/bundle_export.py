"""File > Export Bundle…: the maker bundle of the result as shown, into a folder or a .zip."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from colorseg_gui.gui.actions import add_after, menu_named
from colorseg_gui.gui.files import BUNDLE
from colorseg_gui.gui.overwrite import confirm_replace, same_file
from colorseg_gui.gui.status import TIMES

if TYPE_CHECKING:
    from colorseg_gui.bundle import BundleContent, ExtraFiles
    from colorseg_gui.engine import MadeReady, MakeOptions
    from colorseg_gui.gui.main_window import MainWindow
    from colorseg_gui.gui.run.records import RunOutcome

DEFAULT_DPI = 300.0


@dataclass(frozen=True)
class BundleChoice:
    """What the dialog asked for: where (a folder, or a name ending in .zip) and the DPI."""

    path: Path
    dpi: float


def _print_size(width: int, height: int, dpi: float) -> str:
    w_in, h_in = width / dpi, height / dpi
    by = f" {TIMES} "
    return (f"{w_in * 2.54:.1f}{by}{h_in * 2.54:.1f} cm ({w_in:.2f}{by}{h_in:.2f} in) "
            f"for {width}{by}{height} pixels")


class BundleDialog(QDialog):
    """Where the bundle goes, as a folder or one .zip, and the print size of its legend."""

    def __init__(self, parent: QWidget | None, suggested: Path, size: tuple[int, int],
                 dpi: float, contents: str) -> None:
        super().__init__(parent)
        self.setObjectName("bundleDialog")
        self.setWindowTitle("Export Bundle")
        self._size = size
        self.location = QLineEdit(str(suggested))
        self.location.setObjectName("bundleLocation")
        self.location.setMinimumWidth(420)
        self.location.setAccessibleName("Bundle folder or .zip file")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._on_browse)
        row = QHBoxLayout()
        row.addWidget(self.location, 1)
        row.addWidget(browse)
        self.as_zip = QCheckBox("Write one .zip file instead of a folder")
        self.as_zip.setObjectName("bundleZip")
        self.dpi = QDoubleSpinBox()
        self.dpi.setObjectName("bundleDpi")
        self.dpi.setRange(1, 4800)
        self.dpi.setDecimals(0)
        self.dpi.setValue(dpi)
        self.dpi.setSuffix(" dpi")
        self.dpi.setAccessibleName("Print resolution of the legend")
        self.width_cm = QDoubleSpinBox()
        self.width_cm.setObjectName("bundleWidth")
        self.width_cm.setRange(0.1, 10_000)
        self.width_cm.setDecimals(1)
        self.width_cm.setSuffix(" cm wide")
        self.width_cm.setAccessibleName("Printed width")
        self.printed = QLabel()
        self.printed.setObjectName("bundlePrintSize")
        size_row = QHBoxLayout()
        size_row.addWidget(self.dpi)
        size_row.addWidget(QLabel("or"))
        size_row.addWidget(self.width_cm)
        size_row.addStretch(1)
        what = QLabel(contents)
        what.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow("Save in:", row)
        form.addRow("", self.as_zip)
        form.addRow("Legend prints at:", size_row)
        form.addRow("", self.printed)
        form.addRow("Contents:", what)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        export = buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        export.setObjectName("bundleExportButton")
        export.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.as_zip.setChecked(suggested.suffix.lower() == ".zip")
        self.as_zip.toggled.connect(self._on_zip_toggled)
        self.dpi.valueChanged.connect(self._on_dpi_changed)
        self.width_cm.valueChanged.connect(self._on_width_changed)
        self._on_dpi_changed(self.dpi.value())

    def choice(self) -> BundleChoice:
        path = Path(self.location.text().strip()).expanduser()
        if self.as_zip.isChecked() and path.suffix.lower() != ".zip":
            path = path.with_name(path.name + ".zip")
        return BundleChoice(path, self.dpi.value())

    @Slot()
    def _on_browse(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, "Export bundle as", self.location.text(), "Folder or .zip file (*)", "",
            QFileDialog.Option.DontConfirmOverwrite)  # the window asks once, naming files
        if name:
            self.location.setText(name)
            self.as_zip.setChecked(name.lower().endswith(".zip"))

    @Slot(bool)
    def _on_zip_toggled(self, on: bool) -> None:
        path = Path(self.location.text().strip())
        if on and path.suffix.lower() != ".zip":
            self.location.setText(str(path.with_name(path.name + ".zip")))
        elif not on and path.suffix.lower() == ".zip":
            self.location.setText(str(path.with_suffix("")))

    @Slot(float)
    def _on_dpi_changed(self, dpi: float) -> None:
        width, height = self._size
        self.width_cm.blockSignals(True)  # the two boxes follow each other, without a loop
        self.width_cm.setValue(width / dpi * 2.54)
        self.width_cm.blockSignals(False)
        self.printed.setText(_print_size(width, height, dpi))

    @Slot(float)
    def _on_width_changed(self, cm: float) -> None:
        self.dpi.setValue(max(1.0, round(self._size[0] / (cm / 2.54))))


def ask_bundle(parent: QWidget, suggested: Path, size: tuple[int, int], dpi: float,
               contents: str) -> BundleChoice | None:
    """The Export Bundle dialog; None when cancelled (tests answer it here)."""
    dialog = BundleDialog(parent, suggested, size, dpi, contents)
    return dialog.choice() if dialog.exec() == QDialog.DialogCode.Accepted else None


def bundle_content(outcome: RunOutcome, image_name: str, made: MadeReady | None,
                   make: MakeOptions | None) -> BundleContent:
    """The result as the window shows it (own colours, cleanup, dithering), numbered as the
    other exports number it."""
    from colorseg_gui.bundle import BundleContent
    from colorseg_gui.engine import PALETTE_ORDER, init_name, paint, run_meta
    from colorseg_gui.gui import export

    result = outcome.result
    ordered = export.numbered(outcome, made)
    alpha = result.histogram.alpha
    image = outcome.image if made is None else paint(made.palette, made.label_map, alpha)
    meta = run_meta(image_name, k=len(ordered.palette), space=result.space, seed=result.seed,
                    init=init_name(outcome.options), iterations=result.iterations,
                    converged=result.converged, stop_reason=result.stop_reason,
                    inertia=result.inertia)
    return BundleContent(
        stem=Path(image_name).stem, source_name=image_name, image=image,
        label_map=ordered.label_map(), palette=ordered.palette, weights=ordered.weights,
        counts=ordered.counts, recipe=export.recipe(outcome, make if made is not None else None,
                                                    made),
        meta=meta, order=PALETTE_ORDER, names=ordered.names, alpha=alpha)


def _write(outcome: RunOutcome, image_name: str, made: MadeReady | None,
           make: MakeOptions | None, choice: BundleChoice, extras: ExtraFiles,
           protected: frozenset[Path]) -> Path:
    """On a task thread: numpy, Pillow and the PDF writer, no widgets."""
    from colorseg_gui.bundle import PrintSize, write_bundle

    content = bundle_content(outcome, image_name, made, make)
    return write_bundle(choice.path, content, PrintSize(dpi=choice.dpi), extras=extras,
                        protected=protected).path


class BundleExport(QObject):
    """The Export Bundle action of a window: asks where, asks before replacing, writes."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.action = QAction("Export &Bundle…", window)
        self.action.setObjectName("exportBundleAction")
        tip = ("Write every file a maker needs into one folder or .zip: result, indexed PNG, "
               "label map, masks, palettes and a printable legend")
        self.action.setStatusTip(tip)
        self.action.setToolTip(tip)
        self.action.triggered.connect(self._on_triggered)
        # The session file's hook: a callable giving (name, bytes) files to add to the bundle.
        self.extra_files: Callable[[], ExtraFiles] | None = None
        file_menu = menu_named(window, "File")
        if file_menu is not None:
            add_after(file_menu, window.commands.export_masks, [self.action])

    def _suggested(self, stem: str) -> Path:
        window = self._window
        loaded = window.loaded
        if loaded is not None and loaded.picture.path is not None:
            return loaded.picture.path.with_name(f"{stem}_bundle")
        return Path(window.settings.last_folder) / f"{stem}_bundle"

    def _dpi(self) -> float:
        panel = self._window.finishing.panel
        return float(panel.dpi.value()) if panel.dpi.isEnabled() else DEFAULT_DPI

    @Slot()
    def _on_triggered(self) -> None:
        self.export()

    def export(self) -> Path | None:
        """Ask, check, and start writing; the window reports the end (files_written)."""
        from colorseg_gui import bundle

        window = self._window
        outcome = window.outcome
        if outcome is None:
            return None
        loaded = window.loaded
        source = loaded.picture.path if loaded is not None else None
        image_name = loaded.picture.name if loaded is not None else "pasted.png"
        made = window.finishing.made_for(outcome)
        make = window.finishing.options_for(outcome)
        extras = list(self.extra_files()) if self.extra_files is not None else []
        # Numbering and names only (cheap): the label map is rendered on the task thread.
        preview = bundle_content_names(outcome, image_name, made)
        height, width = outcome.image.shape[:2]
        contents = (f"{preview.k} colours: result and indexed PNG, label map, {preview.k} "
                    f"masks, {len(bundle.BUNDLE_PALETTE_FORMATS)} palette files, legend PDF")
        choice = ask_bundle(window, self._suggested(preview.stem), (width, height),
                            self._dpi(), contents)
        if choice is None:
            return None
        window.settings.last_folder = str(choice.path.parent)
        planned = bundle.planned_paths(choice.path, preview, extras)
        if any(same_file(path, source) for path in planned):
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.warning(window, "Cannot export bundle",
                                f"{image_name} is the image you opened. ColorSeg never writes "
                                "over its input: choose another folder.")
            return None
        if not confirm_replace(window, bundle.existing(choice.path, preview, extras)):
            return None
        protected = frozenset({source.resolve()}) if source is not None else frozenset()
        window.tasks.run(BUNDLE, _write, outcome, image_name, made, make, choice, extras,
                         protected)
        window.statusBar().showMessage(f"Writing the bundle {choice.path.name}…")
        return choice.path


def bundle_content_names(outcome: RunOutcome, image_name: str, made: MadeReady | None
                         ) -> BundleContent:
    """A BundleContent good for file names only (no pixels rendered): for the questions."""
    import numpy as np

    from colorseg_gui.bundle import BundleContent
    from colorseg_gui.gui import export

    ordered = export.numbered(outcome, made)
    empty = np.zeros((0, 0), np.uint8)
    return BundleContent(stem=Path(image_name).stem, source_name=image_name,
                         image=empty, label_map=empty, palette=ordered.palette,
                         weights=ordered.weights, counts=ordered.counts, recipe="", meta={},
                         names=ordered.names)
