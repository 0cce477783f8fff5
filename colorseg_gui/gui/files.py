"""File dialogs and the save/export commands of the window (they read the run model).

The engine and the export module (numpy, Pillow) are imported by the commands that use
them, not with the window: the first window appears sooner.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from colorseg_gui.gui.overwrite import confirm_replace, same_file
from colorseg_gui.gui.tasks import TaskRunner

if TYPE_CHECKING:
    from colorseg_gui.gui.finish_view import FinishView
    from colorseg_gui.gui.run.model import RunModel
    from colorseg_gui.gui.run.records import RunOutcome
    from colorseg_gui.gui.settings import Settings


# Tags of the background writes, and what the window says when one fails.
SAVE, PALETTE, MASKS, BUNDLE = "save", "palette", "masks", "bundle"
FAILURE_TITLES = {
    SAVE: "Cannot save",
    PALETTE: "Cannot export palette",
    MASKS: "Cannot export masks",
    BUNDLE: "Cannot export bundle",
}


def describe_written(tag: str, value: object) -> str:
    if tag == MASKS and isinstance(value, list):
        folder = Path(value[0]).parent if value else ""
        return f"{len(value)} masks written to {folder}"
    if tag == PALETTE:
        return f"Palette written to {value}"
    if tag == BUNDLE:
        return f"Bundle written to {value}"
    return f"Saved {value}"


def open_filter() -> str:
    from colorseg_gui.engine import SUPPORTED_EXTENSIONS

    patterns = " ".join(f"*{ext}" for ext in SUPPORTED_EXTENSIONS)
    return f"Images ({patterns});;All files (*)"


def ask_open_path(parent: QWidget, folder: str) -> Path | None:
    name, _ = QFileDialog.getOpenFileName(parent, "Open image", folder, open_filter())
    return Path(name) if name else None


def ask_save_path(
    parent: QWidget, title: str, suggested: Path, filters: dict[str, str]
) -> tuple[Path, str] | None:
    """A save dialog; None when cancelled.

    The dialog's own overwrite check is off: it would judge the name before a missing
    extension is added, so the window asks about the final path itself (confirm_replace).
    """
    selected = next((f for f, ext in filters.items() if ext == suggested.suffix.lower()), "")
    name, chosen = QFileDialog.getSaveFileName(
        parent, title, str(suggested), ";;".join(filters), selected,
        QFileDialog.Option.DontConfirmOverwrite,
    )
    return (Path(name), chosen) if name else None


def ask_folder(parent: QWidget, title: str, folder: str) -> Path | None:
    name = QFileDialog.getExistingDirectory(parent, title, folder)
    return Path(name) if name else None


class FileCommands(QObject):
    """Save, Save As, Export Palette, Export Masks and Copy Result, for the model's result.

    Writes run on task threads; ``written`` reports each one done, failures get a dialog.
    """

    written = Signal(object)  # Path (or list of mask paths) once a save/export is done

    def __init__(self, parent: QWidget, model: RunModel, settings: Settings,
                 finishing: FinishView, k_asked: Callable[[], int],
                 show_message: Callable[[str, int], None]) -> None:
        super().__init__(parent)
        self._parent = parent
        self._model = model
        self._settings = settings
        self._finishing = finishing
        self._k_asked = k_asked  # the options panel's k, before any result exists
        self._show = show_message
        self.tasks = TaskRunner(self)
        self.tasks.succeeded.connect(self._on_task_succeeded)
        self.tasks.failed.connect(self._on_task_failed)

    @property
    def _outcome(self) -> RunOutcome | None:
        return self._model.outcome

    def _source(self) -> Path | None:
        image = self._model.image
        return image.picture.path if image is not None else None

    def _may_write(self, paths: list[Path]) -> bool:
        """Never the opened image; anything that exists only after the user says Replace."""
        source = self._source()
        if any(same_file(path, source) for path in paths):
            QMessageBox.warning(
                self._parent, "Cannot save",
                f"{source.name if source else 'That file'} is the image you opened. ColorSeg "
                "never writes over its input: choose another name or folder.",
            )
            return False
        return confirm_replace(self._parent, paths)

    def _stem(self) -> str:
        source = self._source()
        return source.stem if source is not None else "pasted"

    def suggested_path(self, ext: str = ".png") -> Path:
        """``<stem>_cluster<k>`` beside the input, or in the last folder for a pasted image."""
        outcome = self._outcome
        k = outcome.k if outcome is not None else self._k_asked()
        source = self._source()
        if source is not None:
            from colorseg_gui.engine import default_output_name

            return default_output_name(source, k, ext)
        return Path(self._settings.last_folder) / f"pasted_cluster{k}{ext}"

    def _write(self, path: Path, indexed: bool) -> Path | None:
        """Start writing the result to ``path`` off the GUI thread."""
        from colorseg_gui.gui import export

        outcome = self._outcome
        if outcome is None:
            return None
        write = functools.partial(export.save_result, indexed=indexed, source=self._source(),
                                  made=self._finishing.made_for(outcome),
                                  make=self._finishing.options_for(outcome))
        self.tasks.run(SAVE, write, outcome, path)
        self._show(f"Saving {path.name}…", 0)
        return path

    @Slot()
    def save(self) -> Path | None:
        """Ctrl+S: the default name beside the image, asking before replacing it."""
        if self._outcome is None:
            return None
        if self._source() is None:
            return self.save_as()
        path = self.suggested_path()
        if not self._may_write([path]):
            return None
        return self._write(path, indexed=False)

    @Slot()
    def save_as(self) -> Path | None:
        from colorseg_gui.engine import IMAGE_FORMATS
        from colorseg_gui.gui import export

        if self._outcome is None:
            return None
        answer = ask_save_path(self._parent, "Save result as", self.suggested_path(),
                               export.IMAGE_FILTERS)
        if answer is None:
            return None
        path, chosen = export.final_path(*answer, export.IMAGE_FILTERS, IMAGE_FORMATS)
        self._settings.last_folder = str(path.parent)
        if not self._may_write([path]):
            return None
        return self._write(path, indexed=chosen == export.INDEXED_FILTER)

    @Slot()
    def export_palette(self) -> Path | None:
        from colorseg_gui.engine import PALETTE_FORMATS
        from colorseg_gui.gui import export

        outcome = self._outcome
        if outcome is None:
            return None
        suggested = self.suggested_path(".gpl")
        answer = ask_save_path(self._parent, "Export palette", suggested, export.PALETTE_FILTERS)
        if answer is None:
            return None
        path, _ = export.final_path(*answer, export.PALETTE_FILTERS, PALETTE_FORMATS)
        if not self._may_write([path]):
            return None
        image = self._model.image
        name = image.picture.name if image is not None else "image"
        self.tasks.run(PALETTE, export.export_palette, outcome, path, name,
                       self._finishing.made_for(outcome))
        return path

    @Slot()
    def export_masks(self) -> Path | None:
        from colorseg_gui.gui import export

        outcome = self._outcome
        if outcome is None:
            return None
        folder = ask_folder(self._parent, "Export masks into folder",
                            str(self.suggested_path().parent))
        if folder is None:
            return None
        from colorseg_gui.engine import mask_names

        stem = self._stem()  # <stem>_mask<N>.png, as `colorseg --masks` names them
        if not self._may_write([folder / name for name in mask_names(stem, outcome.k)]):
            return None
        self.tasks.run(MASKS, export.export_masks, outcome, folder, stem,
                       self._finishing.made_for(outcome))
        return folder

    @Slot()
    def copy_result(self) -> None:
        outcome = self._outcome
        if outcome is not None:
            from PySide6.QtGui import QGuiApplication

            from colorseg_gui.gui.qimage import array_to_qimage

            QGuiApplication.clipboard().setImage(array_to_qimage(outcome.image))
            self._show("Result copied to the clipboard", 4000)

    @Slot(str, object)
    def _on_task_succeeded(self, tag: str, value: object) -> None:
        self._show(describe_written(tag, value), 8000)
        self.written.emit(value)

    @Slot(str, str)
    def _on_task_failed(self, tag: str, message: str) -> None:
        self._show(message, 8000)
        QMessageBox.warning(self._parent, FAILURE_TITLES.get(tag, "Cannot write file"), message)

    def shutdown(self) -> None:
        self.tasks.shutdown()  # lets a save in progress finish writing
