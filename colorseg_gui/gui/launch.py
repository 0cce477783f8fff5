"""The Qt side of start-up: the QApplication, the first window and "Open With" events."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import QApplication, QWidget

from colorseg_gui.gui import preload, settings
from colorseg_gui.gui.actions import app_icon
from colorseg_gui.resources import APP_ID


class FileOpenFilter(QObject):
    """Routes macOS "Open With" / dock drops (QFileOpenEvent) into the window's loading path."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.window: object | None = None
        self.pending: list[Path] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FileOpen and isinstance(event, QFileOpenEvent):
            path = Path(event.file())
            if self.window is not None:
                self.window.open_path(path)  # type: ignore[attr-defined]
            else:
                self.pending.append(path)
            return True
        return super().eventFilter(watched, event)


def _close_on_interrupt(window: QWidget) -> None:
    """Ctrl+C in the terminal closes the window the normal way (workers joined)."""
    if threading.current_thread() is not threading.main_thread():
        return
    signal.signal(signal.SIGINT, lambda *_: window.close())
    # Python runs signal handlers only between bytecodes: wake it up now and then.
    timer = QTimer(window)
    timer.timeout.connect(_noop)
    timer.start(250)


def _noop() -> None:
    pass


def _set_version(app: QApplication) -> None:
    # importlib.metadata costs ~40 ms: after the first window, nothing before needs it.
    from colorseg_gui import __version__

    app.setApplicationVersion(__version__)


def run(args: argparse.Namespace, qt_args: list[str]) -> int:
    """Show the window, open what the command line names, and run the event loop."""
    QApplication.setApplicationName("ColorSeg")
    QApplication.setOrganizationName(settings.ORGANIZATION)
    QApplication.setDesktopFileName(APP_ID)  # Wayland/X11 match it to the .desktop file
    existing = QApplication.instance()
    app = existing or QApplication([sys.argv[0], *qt_args])
    assert isinstance(app, QApplication)
    app.setWindowIcon(app_icon())
    file_filter = FileOpenFilter(app)
    app.installEventFilter(file_filter)

    from colorseg_gui.gui.main_window import MainWindow

    window = MainWindow()
    file_filter.window = window
    if existing is None:  # our own process, not a host (tests, self-test) that owns SIGINT
        _close_on_interrupt(window)
    window.show()
    # The empty window needs neither numpy nor Pillow nor the engine: import them now, on
    # the other core, so that the first image does not wait for them.
    # Joined at quit, which waits at most for the one module being imported: a quit soon
    # after start (or on a busy machine) used to wait for the whole list, up to seconds.
    loader = preload.start()
    app.aboutToQuit.connect(loader.stop)
    QTimer.singleShot(0, lambda: _set_version(app))
    opened = window.open_paths(list(args.files))
    if opened is None and file_filter.pending:
        window.open_paths(file_filter.pending)
    elif opened is None and args.sample:
        window.open_sample()
    return app.exec()
