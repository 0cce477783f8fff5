"""The batch window: segment many files with the window's settings, in the background.

Non-modal: the main window and its current image stay interactive while the batch runs in
worker processes (gui/batch_runner.py). Nothing existing is replaced unless the user ticks
"Replace files that already exist"; an input is never written.
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from colorseg_gui.gui import files
from colorseg_gui.gui.batch_runner import BatchRunner, BatchSummary

if TYPE_CHECKING:
    from colorseg_gui.engine import KMeansOptions

# label, extension, indexed
FORMATS = (
    ("PNG", ".png", False),
    ("Indexed PNG (exactly k colours)", ".png", True),
    ("JPEG", ".jpg", False),
    ("WebP (lossless)", ".webp", False),
    ("TIFF", ".tiff", False),
)
PALETTE_CHOICES = ((".gpl", "GIMP"), (".ase", "Adobe ASE"), (".json", "JSON"), (".css", "CSS"),
                   (".hex", "hex list"))
SPACE_NAMES = {"rgb": "sRGB", "lab": "CIELAB", "oklab": "OKLab"}
REFRESH_MS = 500  # elapsed time and ETA while a long file runs


def describe_options(options: KMeansOptions) -> str:
    stop = "no pixel changes cluster" if options.tol == 0 else "J improves < 0.01 %"
    return (f"k = {options.k}  ·  {SPACE_NAMES.get(options.space, options.space)}  ·  "
            f"seed {options.seed}  ·  {options.init}  ·  stop when {stop}")


def ask_batch_paths(parent: QWidget, folder: str) -> list[Path]:
    """Several image files from one dialog (Ctrl+A in a folder takes them all)."""
    names, _ = QFileDialog.getOpenFileNames(parent, "Segment many files", folder,
                                            files.open_filter())
    return [Path(name) for name in names]


class BatchDialog(QDialog):
    """Output folder, format and extra exports, then a progress bar, Cancel and the failures."""

    batch_finished = Signal(object)  # BatchSummary

    def __init__(self, paths: list[Path], current_options: Callable[[], KMeansOptions],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("batchDialog")
        self.setWindowTitle("Segment All With These Settings")
        self.setModal(False)
        self.paths = list(paths)
        self._current_options = current_options
        self._names: dict[int, str] = {}
        self._current = ""  # the newest file started
        self._done = 0
        self._started_at = 0.0
        self.runner = BatchRunner(self)
        self.runner.file_started.connect(self._on_file_started)
        self.runner.file_done.connect(self._on_file_done)
        self.runner.finished.connect(self._on_finished)
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self._refresh)
        self._build()
        self.refresh_settings()

    # ----- layout -------------------------------------------------------------------------
    def _build(self) -> None:
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.folder_edit = QLineEdit(str(self.paths[0].parent / "segmented"))
        self.folder_edit.setObjectName("batchFolder")
        self.folder_edit.setAccessibleName("Output folder")
        choose = QPushButton("Choose…")
        choose.clicked.connect(self._on_choose_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(choose)
        self.format_combo = QComboBox()
        self.format_combo.setObjectName("batchFormat")
        for label, _, _ in FORMATS:
            self.format_combo.addItem(label)
        self.palette_check = QCheckBox("Palette")
        self.palette_combo = QComboBox()
        for ext, name in PALETTE_CHOICES:
            self.palette_combo.addItem(f"{name} ({ext})", ext)
        self.palette_combo.setEnabled(False)
        self.palette_check.toggled.connect(self.palette_combo.setEnabled)
        palette_row = QHBoxLayout()
        palette_row.addWidget(self.palette_check)
        palette_row.addWidget(self.palette_combo, 1)
        self.masks_check = QCheckBox("Masks (one PNG per colour)")
        self.labels_check = QCheckBox("Label map (8-bit PNG of cluster numbers)")
        self.replace_check = QCheckBox("Replace files that already exist")
        self.replace_check.setToolTip("Off: a file whose result already exists is listed as "
                                      "failed and the existing file is kept")
        form = QFormLayout()
        form.addRow("Output folder:", folder_row)
        form.addRow("Format:", self.format_combo)
        form.addRow("Also export:", palette_row)
        form.addRow("", self.masks_check)
        form.addRow("", self.labels_check)
        form.addRow("", self.replace_check)
        self.settings_box = QWidget()
        self.settings_box.setLayout(form)

        self.progress = QProgressBar()
        self.progress.setObjectName("batchProgress")
        self.progress.setRange(0, len(self.paths))
        self.progress.setValue(0)
        self.progress.setFormat("%v / %m files")
        self.status = QLabel("Ready")
        self.status.setObjectName("batchStatus")
        self.failures = QListWidget()
        self.failures.setObjectName("batchFailures")
        self.failures.setAccessibleName("Files that failed")
        self.failures.setVisible(False)

        self.start_button = QPushButton("Segment All")
        self.start_button.setObjectName("batchStart")
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("batchCancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.start_button, self.cancel_button, self.close_button):
            buttons.addWidget(button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.settings_box)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        # The list takes the room once it shows; until then the spare room goes below it,
        # not between the rows of the form.
        layout.addWidget(self.failures, 100)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.resize(560, 420)

    @Slot()
    def refresh_settings(self) -> None:
        """Show the window's current settings (they are read again when the batch starts)."""
        if self.runner.running:  # the running batch keeps the settings it started with
            return
        n = len(self.paths)
        self.intro.setText(f"Segment {n} image{'s' if n != 1 else ''} with the window's current "
                           f"settings (change them there):<br><b>"
                           f"{html.escape(describe_options(self._current_options()))}</b>")

    @Slot()
    def _on_choose_folder(self) -> None:
        folder = files.ask_folder(self, "Output folder", self.folder_edit.text())
        if folder is not None:
            self.folder_edit.setText(str(folder))

    # ----- running --------------------------------------------------------------------------
    def _plan(self) -> tuple[list[Any], dict[int, dict[str, Any]], Any]:
        from colorseg_gui.batch import Options, Targets
        from colorseg_gui.batch_jobs import plan
        from colorseg_gui.engine import default_output_name

        run = self._current_options()
        _, ext, indexed = FORMATS[self.format_combo.currentIndex()]
        out = Path(self.folder_edit.text()).expanduser()
        palette_ext = self.palette_combo.currentData() if self.palette_check.isChecked() else None
        protected = frozenset(p.resolve() for p in self.paths)

        def targets(_: int, src: Path) -> Targets:
            return Targets(
                image=out / default_output_name(src, run.k, ext).name,
                palette=out / f"{src.stem}_palette{palette_ext}" if palette_ext else None,
                masks=out if self.masks_check.isChecked() else None,
                labels=out / f"{src.stem}_labels.png" if self.labels_check.isChecked() else None,
                protected=protected)

        options = Options(kmeans=run, indexed=indexed, force=self.replace_check.isChecked())
        jobs, refused = plan(self.paths, targets)
        return jobs, refused, options

    @Slot()
    def start(self) -> None:
        if self.runner.running:
            return
        from colorseg_gui.batch_jobs import default_jobs

        folder = Path(self.folder_edit.text()).expanduser()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self.status.setText(f"Cannot create {folder}: {exc.strerror or exc}")
            return
        self.refresh_settings()
        jobs, refused, options = self._plan()
        self._names = {i: p.name for i, p in enumerate(self.paths)}
        self._done = 0
        self._started_at = time.monotonic()
        self.failures.clear()
        self.failures.setVisible(False)
        self.progress.setValue(0)
        self._set_running(True)
        self.status.setText("Starting…")
        self.runner.start(jobs, options, default_jobs(), refused)
        self._timer.start()

    @Slot()
    def cancel(self) -> None:
        if self.runner.running:
            self.status.setText("Cancelling: ending the files in progress…")
            self.cancel_button.setEnabled(False)
            self.runner.cancel()

    def shutdown(self) -> None:
        """The main window is closing: cancel and join."""
        self._timer.stop()
        self.runner.shutdown()

    def _set_running(self, running: bool) -> None:
        self.settings_box.setEnabled(not running)
        self.start_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.close_button.setEnabled(not running)

    @Slot(int)
    def _on_file_started(self, index: int) -> None:
        self._current = self._names.get(index, "")
        self._refresh()

    @Slot(int, object)
    def _on_file_done(self, index: int, record: object) -> None:
        self._done += 1
        self.progress.setValue(self._done)
        if isinstance(record, dict) and "error" in record:
            self._add_failure(record["input"], record["error"])
        self._refresh()

    def _add_failure(self, path: str, reason: str) -> None:
        item = QListWidgetItem(f"{Path(path).name}: {reason}")
        item.setToolTip(path)
        self.failures.addItem(item)
        self.failures.setVisible(True)

    @Slot()
    def _refresh(self) -> None:
        if not self.runner.running:
            return
        from colorseg_gui.progress import clock

        elapsed = time.monotonic() - self._started_at
        total = len(self.paths)
        eta = (f", about {clock(elapsed / self._done * (total - self._done))} left"
               if self._done else "")
        self.status.setText(f"{self._current}  ·  {clock(elapsed)} elapsed{eta}")

    @Slot(object)
    def _on_finished(self, summary: BatchSummary) -> None:
        self._timer.stop()
        self._set_running(False)
        failed = len(summary.failures)
        if summary.cancelled:
            text = (f"Cancelled after {self._done} of {summary.total} files: "
                    f"{summary.written} written" + (f", {failed} failed" if failed else "")
                    + "; no partial file was left")
        else:
            text = f"Done: {summary.written} written" + (f", {failed} failed" if failed else "")
        self.status.setText(f"{text} ({Path(self.folder_edit.text())}).")
        self.refresh_settings()  # the window's settings may have changed meanwhile
        self.batch_finished.emit(summary)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.runner.running:  # closing the window of a running batch cancels it
            self.cancel()
            event.ignore()
            return
        super().closeEvent(event)

    def keyPressEvent(self, event: Any) -> None:
        if event.key() == Qt.Key.Key_Escape and self.runner.running:
            self.cancel()
            return
        super().keyPressEvent(event)
