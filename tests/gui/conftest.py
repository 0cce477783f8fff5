"""GUI test set-up: isolated settings, a window fixture, and no thread may outlive its test."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from colorseg_gui.gui import controller as controller_module

# The offscreen platform warns about a window feature it lacks; nothing to do with us.
_OFFSCREEN_NOISE = "This plugin does not support"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.qt_log_ignore(_OFFSCREEN_NOISE))


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Each test gets its own QSettings folder: never the user's, never another test's."""
    folder = tmp_path_factory.mktemp("settings")
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    yield folder


@pytest.fixture(autouse=True)
def no_dangling_threads() -> Iterator[None]:
    """Fail a test that leaves a worker thread running (checked after qtbot closed widgets)."""
    yield
    running = controller_module.live_threads()
    for thread in running:  # clean up so the next tests are not affected
        thread.requestInterruption()
        thread.quit()
        thread.wait(30_000)
    if running:
        names = ", ".join(thread.objectName() for thread in running)
        pytest.fail(f"test left {len(running)} worker thread(s) running: {names}")


@pytest.fixture
def window(qtbot):  # type: ignore[no-untyped-def]
    from colorseg_gui.gui import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)  # closed at teardown: closeEvent joins the workers
    win.resize(1000, 700)
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture
def photo(tmp_path: Path, shared_images: Path) -> Path:
    """A real photo copied to a scratch folder (saving writes beside it)."""
    target = tmp_path / "kodim23.png"
    shutil.copy(shared_images / "photo_kodim23.png", target)
    return target


@pytest.fixture
def small_photo(tmp_path: Path, shared_images: Path) -> Path:
    target = tmp_path / "hopper.jpg"
    shutil.copy(shared_images / "photo_hopper_128.jpg", target)
    return target


@pytest.fixture
def open_and_wait(qtbot, window):  # type: ignore[no-untyped-def]
    """Open a file through the window's loading path and return the final RunOutcome."""

    def run(path: Path, timeout: int = 60_000):  # type: ignore[no-untyped-def]
        with qtbot.waitSignal(window.result_ready, timeout=timeout) as blocker:
            window.open_path(path)
        return blocker.args[0]

    return run


@pytest.fixture
def answer_replace():
    """answer_replace("Replace"|"Cancel"): click it in every Replace question that comes up;
    returns the list of questions asked (headline | details)."""
    timers: list[QTimer] = []

    def arm(button: str) -> list[str]:
        for old in timers:
            old.stop()
        seen: list[str] = []
        timer = QTimer()

        def click() -> None:
            box = QApplication.activeModalWidget()
            if not isinstance(box, QMessageBox) or box.objectName() != "replaceQuestion":
                return
            seen.append(f"{box.text()} | {box.informativeText()}")
            for candidate in box.buttons():
                if candidate.text().replace("&", "") == button:
                    candidate.click()

        timer.timeout.connect(click)
        timer.start(20)
        timers.append(timer)
        return seen

    yield arm
    for timer in timers:
        timer.stop()
