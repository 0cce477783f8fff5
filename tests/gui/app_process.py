"""Scripts for tests that need a whole app process: an offscreen window, its own settings."""

from __future__ import annotations

import textwrap
from pathlib import Path

_PREAMBLE = """\
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication
QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, {settings!r})
app = QApplication([])
from colorseg_gui.gui import MainWindow
window = MainWindow()
window.show()
"""


def window_script(settings_dir: Path, body: str) -> str:
    """Python source that shows a MainWindow (settings kept in settings_dir), then runs body."""
    return _PREAMBLE.format(settings=str(settings_dir)) + textwrap.dedent(body)
