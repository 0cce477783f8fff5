"""`colorseg-gui [FILES]`: start the desktop app (also --sample, --self-test, --version)."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import QApplication, QWidget

from colorseg_gui import __version__
from colorseg_gui.gui import settings
from colorseg_gui.gui.actions import app_icon
from colorseg_gui.resources import APP_ID


def parse_args(argv: Sequence[str]) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(
        prog="colorseg-gui",
        description="Segment an image by k-means colour clustering and watch it refine live.",
    )
    parser.add_argument("files", nargs="*", type=Path, help="image to open")
    parser.add_argument("--sample", action="store_true", help="open the bundled sample photo")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check the installation headlessly and exit with its status",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    # Unknown options (Qt's own, such as -platform or -style) go on to QApplication.
    return parser.parse_known_args(list(argv))


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


def main(argv: Sequence[str] | None = None) -> int:
    args, qt_args = parse_args(sys.argv[1:] if argv is None else argv)
    from colorseg_gui import applog

    applog.setup_logging()
    applog.install_excepthook()
    if args.self_test:
        from colorseg_gui.gui.selftest import run_self_test

        return run_self_test()

    QApplication.setApplicationName("ColorSeg")
    QApplication.setOrganizationName(settings.ORGANIZATION)
    QApplication.setApplicationVersion(__version__)
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
    opened = window.open_paths(list(args.files))
    if opened is None and file_filter.pending:
        window.open_paths(file_filter.pending)
    elif opened is None and args.sample:
        window.open_sample()
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
