"""The one question asked before any file of the user's is replaced."""

from __future__ import annotations

import html
import os
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QStyle, QWidget

_SHOWN_NAMES = 4


def same_file(a: Path, b: Path | None) -> bool:
    """True when ``a`` would write over ``b`` (the same file, through links or case too)."""
    if b is None:
        return False
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _nobr(text: str) -> str:
    return f"<nobr>{html.escape(text)}</nobr>"


def replace_question(existing: Sequence[Path]) -> tuple[str, str]:
    """(headline, details) in rich text, paths unbroken; ``existing`` is not empty."""
    folder = existing[0].parent
    if len(existing) == 1:
        return (f"Replace {_nobr(existing[0].name)}?",
                f"A file with this name already exists in<br>{_nobr(str(folder))}<br><br>"
                "Replacing it overwrites its contents.")
    names = "<br>".join(_nobr(p.name) for p in existing[:_SHOWN_NAMES])
    more = len(existing) - _SHOWN_NAMES
    if more > 0:
        names += f"<br>and {more} more"
    return (f"Replace {len(existing)} files?",
            f"{len(existing)} files with these names already exist in<br>"
            f"{_nobr(str(folder))}<br><br>{names}<br><br>"
            "Replacing them overwrites their contents.")


def confirm_replace(parent: QWidget, paths: Sequence[Path]) -> bool:
    """Ask once before writing over any of ``paths`` that exist; True to go ahead."""
    existing = [p for p in paths if p.exists()]
    if not existing:
        return True
    headline, details = replace_question(existing)
    box = QMessageBox(QMessageBox.Icon.Warning, "Replace files?" if len(existing) > 1
                      else "Replace file?", headline, QMessageBox.StandardButton.NoButton,
                      parent)
    box.setObjectName("replaceQuestion")
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setInformativeText(details)
    # QMessageBox wraps its labels at any slash; lines here break only where <br> says (the
    # headline is short; the box may re-wrap it on a narrow screen, never the path).
    for label in box.findChildren(QLabel):
        if label.objectName() in ("qt_msgbox_label", "qt_msgbox_informativelabel"):
            label.setWordWrap(False)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    replace = box.addButton("Replace", QMessageBox.ButtonRole.DestructiveRole)
    replace.setObjectName("replaceButton")
    # Where the style gives dialog buttons icons (Cancel gets one), Replace gets one too.
    replace.setIcon(box.style().standardIcon(QStyle.StandardPixmap.SP_DialogApplyButton))
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.exec()
    return box.clickedButton() is replace
