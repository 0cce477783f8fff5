"""The app's log file in its per-user data folder, and crash reports that are logged and shown."""

from __future__ import annotations

import faulthandler
import io
import logging
import logging.handlers
import os
import sys
import tempfile
import threading
import traceback
from pathlib import Path
from types import TracebackType
from typing import IO, Any

APP_DIR_NAME = "ColorSeg"
LOG_NAME = "colorseg.log"
FAULT_LOG_NAME = "colorseg-faults.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 3
LOG_DIR_ENV = "COLORSEG_LOG_DIR"  # overrides the platform's folder (tests, portable installs)
_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"

log = logging.getLogger("colorseg")
_OUR_LOGGERS = ("colorseg", "colorseg_gui")  # app-wide names, and modules' __name__

_state: dict[str, Any] = {
    "path": None, "handler": None, "console": None, "fault_file": None, "poster": None
}


def log_dir() -> Path:
    """Where this platform keeps an app's logs for the current user (not created here)."""
    override = os.environ.get(LOG_DIR_ENV)
    if override:
        return Path(override)
    home = Path.home()
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(home / "AppData" / "Local")
        return Path(base) / APP_DIR_NAME / "Logs"
    if sys.platform == "darwin":
        return home / "Library" / "Logs" / APP_DIR_NAME
    # XDG: logs are "state" (kept between runs, not worth backing up), not data or cache.
    state = os.environ.get("XDG_STATE_HOME")
    base_dir = Path(state) if state and Path(state).is_absolute() else home / ".local" / "state"
    return base_dir / "colorseg"


def log_path() -> Path | None:
    """The file the log is written to, once setup_logging() found a writable one."""
    path: Path | None = _state["path"]
    return path


class _LogStream:
    """Stands in for sys.stdout/stderr when a windowed build has none: text goes to the log."""

    def __init__(self, logger: logging.Logger, level: int) -> None:
        self._logger = logger
        self._level = level
        self._pending = ""
        self._lock = threading.Lock()

    def write(self, text: str) -> int:
        with self._lock:
            self._pending += text
            *lines, self._pending = self._pending.split("\n")
        for line in lines:
            if line.strip():
                self._logger.log(self._level, line.rstrip())
        return len(text)

    def flush(self) -> None:
        with self._lock:
            rest, self._pending = self._pending, ""
        if rest.strip():
            self._logger.log(self._level, rest.rstrip())

    def isatty(self) -> bool:
        return False

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        raise io.UnsupportedOperation("the log stream has no file descriptor")

    encoding = "utf-8"
    errors = "backslashreplace"
    closed = False


def _open_handler(directory: Path) -> logging.handlers.RotatingFileHandler | None:
    try:
        directory.mkdir(parents=True, exist_ok=True)
        return logging.handlers.RotatingFileHandler(
            directory / LOG_NAME, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8"
        )
    except OSError:
        return None


def setup_logging(level: int = logging.INFO) -> Path | None:
    """Log to a rotating file in the app's log folder; returns its path (None: nowhere writable).

    Idempotent. Also keeps stderr logging when there is a stderr, gives a windowed build
    (sys.stdout/sys.stderr None) streams that write into the log, and sends fatal native
    crashes (faulthandler) to a file beside the log unless something else already took them.
    """
    root = logging.getLogger()
    for name in _OUR_LOGGERS:  # ours at `level`; other libraries keep the root's WARNING
        logging.getLogger(name).setLevel(level)
    if _state["handler"] is None:
        handler = _open_handler(log_dir())
        if handler is None:  # read-only or odd home: a log in the temp folder beats none
            handler = _open_handler(Path(tempfile.gettempdir()) / f"colorseg-{_user_tag()}")
        if handler is not None:
            handler.setFormatter(logging.Formatter(_FORMAT))
            root.addHandler(handler)
            _state["handler"] = handler
            _state["path"] = Path(handler.baseFilename)
            log.info("log started (pid %d, python %s)", os.getpid(), sys.version.split()[0])
    if _state["console"] is None and sys.stderr is not None:
        console = logging.StreamHandler(sys.stderr)
        console.setLevel(logging.WARNING)
        console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        root.addHandler(console)
        _state["console"] = console
    if sys.stdout is None:
        sys.stdout = _LogStream(logging.getLogger("colorseg.stdout"), logging.INFO)
    if sys.stderr is None:
        sys.stderr = _LogStream(logging.getLogger("colorseg.stderr"), logging.WARNING)
    _enable_faulthandler()
    return log_path()


def shutdown_logging() -> None:
    """Undo setup_logging(): detach and close the handlers, restore the standard streams."""
    root = logging.getLogger()
    for key in ("handler", "console"):
        handler = _state[key]
        if handler is not None:
            root.removeHandler(handler)
            handler.close()
            _state[key] = None
    if isinstance(sys.stdout, _LogStream):
        sys.stdout = None
    if isinstance(sys.stderr, _LogStream):
        sys.stderr = None
    fault_file = _state["fault_file"]
    if fault_file is not None:
        faulthandler.disable()
        fault_file.close()
        _state["fault_file"] = None
    _state["path"] = None


def _user_tag() -> str:
    try:
        return str(os.getuid())  # type: ignore[attr-defined,unused-ignore]
    except AttributeError:
        return os.environ.get("USERNAME", "user")


def _enable_faulthandler() -> None:
    path = log_path()
    if path is None or _state["fault_file"] is not None or faulthandler.is_enabled():
        return
    try:
        fault_file: IO[str] = open(path.with_name(FAULT_LOG_NAME), "a", encoding="utf-8")  # noqa: SIM115 (open for the process's life)
    except OSError:
        return
    _state["fault_file"] = fault_file
    faulthandler.enable(file=fault_file)


def crash_message(exc_type: type[BaseException], exc: BaseException) -> str:
    """What the crash dialog says: the error in one line and where the full report is."""
    first = f"{exc_type.__name__}: {exc}".strip().splitlines()[0] if str(exc) else exc_type.__name__
    where = log_path()
    if where is None:
        return f"ColorSeg hit an unexpected error:\n\n{first}"
    return f"ColorSeg hit an unexpected error:\n\n{first}\n\nThe details are in the log:\n{where}"


def _excepthook(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    log.critical("uncaught exception", exc_info=(exc_type, exc, tb))
    stderr = sys.__stderr__
    if _state["console"] is None and stderr is not None:  # the console handler printed it
        traceback.print_exception(exc_type, exc, tb, file=stderr)
    try:
        _show_crash_dialog(crash_message(exc_type, exc))
    except Exception:  # the report is logged already; a failing dialog must not recurse
        log.exception("could not show the crash dialog")


def _thread_excepthook(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is None:
        return
    _excepthook(args.exc_type, args.exc_value, args.exc_traceback)


def install_excepthook() -> None:
    """Log every uncaught exception (any thread) and show it in a dialog with the log's path."""
    sys.excepthook = _excepthook
    threading.excepthook = _thread_excepthook


def _show_crash_dialog(text: str) -> None:
    if "PySide6.QtWidgets" not in sys.modules:
        return  # no Qt loaded, so no QApplication to show a dialog with: the log has it
    # Qt is imported here, not at module import: the batch command logs without Qt.
    from PySide6.QtCore import QThread
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return  # no GUI (yet): the log and stderr have it
    if QThread.currentThread() is not app.thread():
        # Widgets live in the GUI thread only: hand the text over through a queued signal.
        _poster(app.thread()).text_posted.emit(text)
        return
    _open_dialog(text)


def _poster(gui_thread: Any) -> Any:
    if _state["poster"] is None:
        from PySide6.QtCore import QObject, Signal, Slot

        class _CrashPoster(QObject):
            text_posted = Signal(str)

            def __init__(self) -> None:
                super().__init__()
                self.text_posted.connect(self._on_text_posted)

            @Slot(str)
            def _on_text_posted(self, text: str) -> None:
                _open_dialog(text)

        poster = _CrashPoster()
        poster.moveToThread(gui_thread)  # its slot then runs in the GUI thread
        _state["poster"] = poster
    return _state["poster"]


def _open_dialog(text: str) -> None:
    from PySide6.QtCore import Qt, QThread
    from PySide6.QtWidgets import QMessageBox

    dialogs: list[Any] = _state.setdefault("dialogs", [])
    if any(d.isVisible() for d in dialogs):
        return  # one report on screen at a time: a failing paint event would flood the screen
    box = QMessageBox(QMessageBox.Icon.Critical, "ColorSeg: unexpected error", text)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)  # copy the path
    box.setObjectName("colorseg_crash_dialog")
    dialogs[:] = [box]
    if QThread.currentThread().loopLevel() > 0:
        box.open()  # the app goes on running: don't block its event loop in a nested one
    else:
        box.exec()  # nothing runs after us (startup or shutdown): wait for the user
