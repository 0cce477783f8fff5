"""File dialogs and the save/export commands of the window.

The engine and the export module (numpy, Pillow) are imported by the commands that use
them, not with the window: the first window appears sooner.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from colorseg_gui.gui.overwrite import confirm_replace, same_file

if TYPE_CHECKING:
    from colorseg_gui.gui.main_window import MainWindow


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


def _may_write(window: MainWindow, paths: list[Path]) -> bool:
    """Never the opened image; anything that exists only after the user says Replace."""
    source = _source(window)
    if any(same_file(path, source) for path in paths):
        QMessageBox.warning(
            window, "Cannot save",
            f"{source.name if source else 'That file'} is the image you opened. ColorSeg never "
            "writes over its input: choose another name or folder.",
        )
        return False
    return confirm_replace(window, paths)


def _stem(window: MainWindow) -> str:
    loaded = window.loaded
    if loaded is not None and loaded.picture.path is not None:
        return loaded.picture.path.stem
    return "pasted"


def suggested_path(window: MainWindow, ext: str = ".png") -> Path:
    """``<stem>_cluster<k>`` beside the input, or in the last folder for a pasted image."""
    outcome = window.outcome
    k = outcome.k if outcome is not None else window.options_panel.options().k
    loaded = window.loaded
    if loaded is not None and loaded.picture.path is not None:
        from colorseg_gui.engine import default_output_name

        return default_output_name(loaded.picture.path, k, ext)
    return Path(window.settings.last_folder) / f"pasted_cluster{k}{ext}"


def _source(window: MainWindow) -> Path | None:
    loaded = window.loaded
    return loaded.picture.path if loaded is not None else None


def _write(window: MainWindow, path: Path, indexed: bool) -> Path | None:
    """Start writing the result to ``path`` off the GUI thread; the window reports the end."""
    from colorseg_gui.gui import export

    outcome = window.outcome
    if outcome is None:
        return None
    write = functools.partial(export.save_result, indexed=indexed, source=_source(window),
                              made=window.finishing.made_for(outcome),
                              make=window.finishing.options_for(outcome))
    window.tasks.run(SAVE, write, outcome, path)
    window.statusBar().showMessage(f"Saving {path.name}…")
    return path


def save(window: MainWindow) -> Path | None:
    """Ctrl+S: the default name beside the image, asking before replacing it."""
    if window.outcome is None:
        return None
    if window.loaded is None or window.loaded.picture.path is None:
        return save_as(window)
    path = suggested_path(window)
    if not _may_write(window, [path]):
        return None
    return _write(window, path, indexed=False)


def save_as(window: MainWindow) -> Path | None:
    from colorseg_gui.engine import IMAGE_FORMATS
    from colorseg_gui.gui import export

    if window.outcome is None:
        return None
    answer = ask_save_path(window, "Save result as", suggested_path(window), export.IMAGE_FILTERS)
    if answer is None:
        return None
    path, chosen = export.final_path(*answer, export.IMAGE_FILTERS, IMAGE_FORMATS)
    window.settings.last_folder = str(path.parent)
    if not _may_write(window, [path]):
        return None
    return _write(window, path, indexed=chosen == export.INDEXED_FILTER)


def export_palette_dialog(window: MainWindow) -> Path | None:
    from colorseg_gui.engine import PALETTE_FORMATS
    from colorseg_gui.gui import export

    outcome = window.outcome
    if outcome is None:
        return None
    suggested = suggested_path(window, ".gpl")
    answer = ask_save_path(window, "Export palette", suggested, export.PALETTE_FILTERS)
    if answer is None:
        return None
    path, _ = export.final_path(*answer, export.PALETTE_FILTERS, PALETTE_FORMATS)
    if not _may_write(window, [path]):
        return None
    name = window.loaded.picture.name if window.loaded is not None else "image"
    window.tasks.run(PALETTE, export.export_palette, outcome, path, name,
                     window.finishing.made_for(outcome))
    return path


def export_masks_dialog(window: MainWindow) -> Path | None:
    from colorseg_gui.gui import export

    outcome = window.outcome
    if outcome is None:
        return None
    folder = ask_folder(window, "Export masks into folder", str(suggested_path(window).parent))
    if folder is None:
        return None
    from colorseg_gui.engine import mask_names

    stem = _stem(window)  # <stem>_mask<N>.png, as `colorseg --masks` names them
    if not _may_write(window, [folder / name for name in mask_names(stem, outcome.k)]):
        return None
    window.tasks.run(MASKS, export.export_masks, outcome, folder, stem,
                     window.finishing.made_for(outcome))
    return folder
