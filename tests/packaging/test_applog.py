"""The log file in the per-user folder, windowed builds without streams, and crash reports."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from colorseg_gui import applog


@pytest.fixture
def log_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """setup_logging() writes here; everything it changed is undone afterwards."""
    folder = tmp_path / "logs"
    monkeypatch.setenv(applog.LOG_DIR_ENV, str(folder))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    yield folder
    applog.shutdown_logging()


@pytest.mark.parametrize(
    ("platform", "env", "expected"),
    [
        ("linux", {"XDG_STATE_HOME": "/xdg/state"}, "/xdg/state/colorseg"),
        ("linux", {}, "{home}/.local/state/colorseg"),
        ("linux", {"XDG_STATE_HOME": "relative/state"}, "{home}/.local/state/colorseg"),
        ("win32", {"LOCALAPPDATA": "C:/Users/u/AppData/Local"},
         "C:/Users/u/AppData/Local/ColorSeg/Logs"),
        ("darwin", {}, "{home}/Library/Logs/ColorSeg"),
    ],
)
def test_log_folder_follows_platform_conventions(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, platform: str, env: dict[str, str],
    expected: str,
) -> None:
    for name in ("XDG_STATE_HOME", "LOCALAPPDATA", applog.LOG_DIR_ENV):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr(sys, "platform", platform)
    assert applog.log_dir() == Path(expected.format(home=tmp_path))


def test_setup_logging_writes_a_log_file_once(log_folder: Path) -> None:
    path = applog.setup_logging()
    assert path == log_folder / applog.LOG_NAME == applog.log_path()
    assert applog.setup_logging() == path  # idempotent: no second handler
    logging.getLogger("colorseg.gui").info("opened %s", "kodim23.png")
    logging.getLogger("colorseg_gui.gui.worker").info("run finished")  # modules' __name__
    logging.getLogger("some.library").warning("library trouble")
    logging.getLogger("some.library").info("library chatter")
    text = path.read_text(encoding="utf-8")
    assert text.count("log started") == 1
    assert "INFO colorseg.gui [MainThread] opened kodim23.png" in text
    assert "INFO colorseg_gui.gui.worker [MainThread] run finished" in text
    assert "library trouble" in text and "library chatter" not in text


def test_log_rotates_instead_of_growing(log_folder: Path) -> None:
    path = applog.setup_logging()
    assert path is not None
    line = "x" * 1000
    for _ in range(applog.MAX_BYTES // 1000 + 50):
        logging.getLogger("colorseg").info(line)
    assert path.with_name(applog.LOG_NAME + ".1").is_file()
    assert path.stat().st_size <= applog.MAX_BYTES


def test_unwritable_folder_falls_back_to_the_temp_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, log_folder: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(applog.LOG_DIR_ENV, str(blocker / "logs"))  # mkdir fails, even as root
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    path = applog.setup_logging()
    assert path is not None and (tmp_path / "tmp") in path.parents


def test_windowed_build_without_streams_logs_print_output(
    monkeypatch: pytest.MonkeyPatch, log_folder: Path
) -> None:
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    path = applog.setup_logging()
    assert path is not None
    print("progress line")  # would raise AttributeError on None
    print("warning text", file=sys.stderr)
    sys.stdout.flush()
    with pytest.raises(OSError):  # io.UnsupportedOperation, as for any stream without an fd
        sys.stdout.fileno()
    text = path.read_text(encoding="utf-8")
    assert "INFO colorseg.stdout [MainThread] progress line" in text
    assert "WARNING colorseg.stderr [MainThread] warning text" in text


def test_module_imports_and_logs_without_qt(tmp_path: Path) -> None:
    probe = (
        "import sys\n"
        "from colorseg_gui import applog\n"
        "applog.setup_logging(); applog.install_excepthook()\n"
        "try:\n    1 / 0\nexcept ZeroDivisionError:\n    sys.excepthook(*sys.exc_info())\n"
        "assert not [m for m in sys.modules if m.startswith('PySide6')], 'Qt was imported'\n"
        "print(applog.log_path())\n"
    )
    env = {"PATH": "/usr/bin:/bin", applog.LOG_DIR_ENV: str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    assert Path(result.stdout.strip()) == tmp_path / applog.LOG_NAME
    assert "ZeroDivisionError: division by zero" in (tmp_path / applog.LOG_NAME).read_text()
    assert "ZeroDivisionError" in result.stderr  # a terminal user sees it too


def _raise_and_report() -> None:
    try:
        raise RuntimeError("palette exploded")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())


OFFSCREEN_NOISE = "This plugin does not support"  # offscreen lacks a window feature


@pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)
def test_uncaught_exception_shows_a_dialog_with_the_log_path(
    qapp: object, log_folder: Path
) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    path = applog.setup_logging()
    applog.install_excepthook()
    seen: list[str] = []

    def close_dialog() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            box.accept()
        else:  # not up yet: look again shortly
            QTimer.singleShot(20, close_dialog)

    QTimer.singleShot(0, close_dialog)
    _raise_and_report()  # no event loop runs: the dialog waits for the user (exec)
    assert seen and "RuntimeError: palette exploded" in seen[0]
    assert str(path) in seen[0]
    assert "palette exploded" in path.read_text(encoding="utf-8")  # type: ignore[union-attr]


@pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)
def test_exception_in_a_worker_thread_reaches_the_gui_thread(
    qapp: object, log_folder: Path
) -> None:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    path = applog.setup_logging()
    applog.install_excepthook()
    seen: list[str] = []
    loop = QEventLoop()

    def poll() -> None:
        boxes = [w for w in QApplication.topLevelWidgets()
                 if isinstance(w, QMessageBox) and w.isVisible()]
        if boxes:
            seen.append(boxes[0].text())
            boxes[0].accept()
            loop.quit()
        else:
            QTimer.singleShot(20, poll)

    def worker() -> None:
        raise ValueError("k must be positive")  # uncaught: threading.excepthook

    QTimer.singleShot(0, threading.Thread(target=worker, name="bad-worker").start)
    QTimer.singleShot(0, poll)
    QTimer.singleShot(20_000, loop.quit)  # a bound, not a wait: poll() quits as soon as it sees it
    loop.exec()  # inside a running loop the dialog must not block it
    assert seen and "ValueError: k must be positive" in seen[0]
    text = path.read_text(encoding="utf-8")  # type: ignore[union-attr]
    assert "[bad-worker] uncaught exception" in text
