"""Help > About: version, the Qt and Python it runs on, licence, where the log is."""

from __future__ import annotations

import html
import platform
import sys

import PySide6
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QMessageBox, QWidget

PROJECT_URL = "https://github.com/colorseg/ColorSeg"  # matches the app id io.github.colorseg


def about_html() -> str:
    from colorseg_gui import __version__, applog

    log = applog.log_path()
    log_text = html.escape(str(log)) if log is not None else "not written (no writable folder)"
    python = f"{platform.python_version()} ({platform.python_implementation()})"
    return (
        f"<h3>ColorSeg {html.escape(__version__)}</h3>"
        "<p>Segments an image by exact k-means clustering of its colours, live.</p>"
        "<table cellspacing='2'>"
        f"<tr><td>Qt</td><td>{qVersion()} (PySide6 {PySide6.__version__})</td></tr>"
        f"<tr><td>Python</td><td>{html.escape(python)}</td></tr>"
        f"<tr><td>System</td><td>{html.escape(platform.system())} "
        f"{html.escape(platform.machine())}{' (frozen)' if getattr(sys, 'frozen', False) else ''}"
        "</td></tr>"
        "<tr><td>Licence</td><td>MIT</td></tr>"
        f"<tr><td>Log</td><td>{log_text}</td></tr>"
        "</table>"
        f"<p><a href='{PROJECT_URL}'>{PROJECT_URL}</a></p>"
    )


def show_about(parent: QWidget) -> QMessageBox:
    """Show the About box (non-modal, so a test or a user can read it beside the window)."""
    box = QMessageBox(parent)
    box.setObjectName("aboutBox")
    box.setWindowTitle("About ColorSeg")
    box.setIconPixmap(parent.windowIcon().pixmap(64, 64))
    box.setText(about_html())
    box.setTextInteractionFlags(box.textInteractionFlags())
    box.setStandardButtons(QMessageBox.StandardButton.Close)
    box.open()
    return box
