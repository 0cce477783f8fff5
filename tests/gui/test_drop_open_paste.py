"""Every way in (drop, paste, argv, dialog, recent) goes through the one loading path."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QGuiApplication, QImage
from PySide6.QtWidgets import QApplication

from colorseg_gui.gui import app as app_module
from colorseg_gui.gui import files, launch


def _mime(*paths: Path) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return mime


def _drag_enter(window, mime: QMimeData) -> QDragEnterEvent:  # type: ignore[no-untyped-def]
    target = window.view
    pos = target.rect().center()
    event = QDragEnterEvent(pos, Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, event)
    return event


def _drag_move(window, mime: QMimeData) -> QDragMoveEvent:  # type: ignore[no-untyped-def]
    event = QDragMoveEvent(QPoint(220, 210), Qt.DropAction.CopyAction, mime,
                           Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, event)
    return event


def _drop(window, mime: QMimeData) -> QDropEvent:  # type: ignore[no-untyped-def]
    event = QDropEvent(QPoint(200, 200).toPointF(), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, event)
    return event


def test_drop_of_an_image_is_accepted_and_opens_it(qtbot, window, photo):
    mime = _mime(photo)
    assert _drag_enter(window, mime).isAccepted()
    assert _drag_move(window, mime).isAccepted()
    with qtbot.waitSignal(window.result_ready, timeout=60_000) as blocker:
        assert _drop(window, mime).isAccepted()
    assert window.loaded.picture.path == photo
    assert blocker.args[0].result.labels.shape == (512, 768)
    assert window.windowTitle().startswith("kodim23.png")


def test_text_file_is_refused(qtbot, window, tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("not an image")
    mime = _mime(text)
    assert not _drag_enter(window, mime).isAccepted()
    assert not _drag_move(window, mime).isAccepted()
    with qtbot.assertNotEmitted(window.model.image_loaded, wait=300):
        assert not _drop(window, mime).isAccepted()
    assert window.loaded is None


def test_several_files_open_the_first_and_say_so(qtbot, window, photo, small_photo, tmp_path):
    text = tmp_path / "readme.txt"
    text.write_text("x")
    mime = _mime(text, small_photo, photo)
    assert _drag_enter(window, mime).isAccepted()
    with qtbot.waitSignal(window.result_ready, timeout=60_000):
        _drop(window, mime)
    assert window.loaded.picture.path == small_photo
    assert "1 more file not opened" in window.statusBar().currentMessage()


def test_folder_opens_its_first_image_and_empty_folder_is_refused(qtbot, window, photo, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "list.txt").write_text("x")
    assert not _drag_enter(window, _mime(empty)).isAccepted()
    mime = _mime(photo.parent)
    assert _drag_enter(window, mime).isAccepted()
    with qtbot.waitSignal(window.result_ready, timeout=60_000):
        _drop(window, mime)
    assert window.loaded.picture.path == photo


def test_paste_of_a_copied_file(qtbot, window, photo):
    QGuiApplication.clipboard().setMimeData(_mime(photo))
    with qtbot.waitSignal(window.result_ready, timeout=60_000):
        window.commands.paste.trigger()
    assert window.loaded.picture.path == photo


def test_paste_of_image_data_keeps_pixels_and_alpha(qtbot, window):
    rgba = np.zeros((40, 60, 4), dtype=np.uint8)
    rgba[..., 0] = np.arange(60, dtype=np.uint8)[None, :] * 4
    rgba[..., 2] = 200
    rgba[..., 3] = 255
    rgba[:10, :, 3] = 0  # transparent band
    image = QImage(rgba.data, 60, 40, 240, QImage.Format.Format_RGBA8888).copy()
    QGuiApplication.clipboard().setImage(image)
    with qtbot.waitSignal(window.result_ready, timeout=60_000) as blocker:
        window.commands.paste.trigger()
    picture = window.loaded.picture
    assert picture.path is None and picture.name == "pasted image"
    assert np.array_equal(picture.rgb[10:], rgba[10:, :, :3])
    assert picture.alpha is not None and (picture.alpha[:10] == 0).all()
    assert blocker.args[0].image.shape == (40, 60, 4)


def test_open_dialog_and_recent_files(qtbot, window, photo, small_photo, monkeypatch):
    monkeypatch.setattr(files, "ask_open_path", lambda parent, folder: photo)
    with qtbot.waitSignal(window.result_ready, timeout=60_000):
        window.commands.open.trigger()
    with qtbot.waitSignal(window.result_ready, timeout=60_000):
        window.open_path(small_photo)
    assert window.settings.recent_files[:2] == [str(small_photo), str(photo)]
    assert window.settings.last_folder == str(photo.parent)
    window.commands.recent_menu.aboutToShow.emit()  # as when the menu opens
    first = window.commands.recent_menu.actions()[1]
    assert first.data() == str(photo)
    with qtbot.waitSignal(window.result_ready, timeout=60_000):
        first.trigger()
    assert window.loaded.picture.path == photo


@pytest.fixture
def run_main(qtbot, monkeypatch):  # type: ignore[no-untyped-def]
    """Run app.main(argv) in this process; exec() returns once the window has a result."""
    from colorseg_gui import applog
    from colorseg_gui.gui import main_window

    calls: list[str] = []
    monkeypatch.setattr(applog, "setup_logging", lambda: calls.append("logging"))
    monkeypatch.setattr(applog, "install_excepthook", lambda: calls.append("excepthook"))
    created = []

    class Recorded(main_window.MainWindow):
        def __init__(self) -> None:
            super().__init__()
            created.append(self)
            qtbot.addWidget(self)

    monkeypatch.setattr(main_window, "MainWindow", Recorded)

    def fake_exec() -> int:
        window = created[0]
        if window.loaded is None and not window.controller.busy:
            return 0
        qtbot.waitUntil(lambda: window.outcome is not None, timeout=60_000)
        return 0

    monkeypatch.setattr(QApplication, "exec", staticmethod(fake_exec))

    def run(argv: list[str]):  # type: ignore[no-untyped-def]
        code = app_module.main(argv)
        return code, created[0], calls

    return run


def test_open_via_argv(run_main, photo):
    code, window, calls = run_main([str(photo)])
    assert code == 0
    assert calls == ["logging", "excepthook"]
    assert window.loaded.picture.path == photo
    assert window.outcome.result.labels.shape == (512, 768)


def test_sample_flag_opens_the_bundled_sample(run_main, sample_image_path):
    code, window, _ = run_main(["--sample"])
    assert code == 0
    assert window.loaded.picture.path.name == sample_image_path.name


def test_version_flag(capsys):
    with pytest.raises(SystemExit) as info:
        app_module.main(["--version"])
    assert info.value.code == 0
    from colorseg_gui import __version__

    assert __version__ in capsys.readouterr().out


def test_file_open_event_goes_through_the_loading_path(qtbot, window, photo):
    from PySide6.QtGui import QFileOpenEvent

    file_filter = launch.FileOpenFilter(QApplication.instance())
    file_filter.window = window
    with qtbot.waitSignal(window.result_ready, timeout=60_000):
        assert file_filter.eventFilter(window, QFileOpenEvent(str(photo)))
    assert window.loaded.picture.path == photo


def test_drop_on_the_image_view_reaches_the_window(qtbot, window, photo):
    mime = _mime(photo)
    pos = window.view.rect().center().toPointF()
    enter = QDragEnterEvent(pos.toPoint(), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window.view, enter)
    assert enter.isAccepted()
    drop = QDropEvent(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.result_ready, timeout=60_000):
        QApplication.sendEvent(window.view, drop)
    assert window.loaded.picture.path == photo


def test_paste_of_a_path_copied_as_text(qtbot, window, photo):
    QGuiApplication.clipboard().setText(str(photo))
    with qtbot.waitSignal(window.result_ready, timeout=60_000):
        window.commands.paste.trigger()
    assert window.loaded.picture.path == photo


def test_paste_of_plain_text_says_there_is_nothing_to_open(qtbot, window):
    QGuiApplication.clipboard().setText("just some words")
    with qtbot.assertNotEmitted(window.model.image_loaded, wait=200):
        window.commands.paste.trigger()
    assert "no image" in window.statusBar().currentMessage()
