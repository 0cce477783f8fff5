"""The batch window, through its real entry point: files dropped on the main window."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication


def _drop(window, *paths: Path) -> None:  # type: ignore[no-untyped-def]
    """A real drag: enter (the window decides to accept), then the drop."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    enter = QDragEnterEvent(window.view.rect().center(), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    event = QDropEvent(QPoint(200, 200).toPointF(), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, event)
    assert event.isAccepted()


def _leftovers(folder: Path) -> list[Path]:
    return sorted(folder.rglob(".*.tmp"))


@pytest.fixture
def folder(tmp_path: Path, shared_images: Path, shared_photos: Path) -> Path:
    """A small photo first (it opens in the window), two big ones, a broken one, a text file."""
    f = tmp_path / "photos"
    f.mkdir()
    shutil.copy(shared_images / "photo_hopper_128.jpg", f / "a_small.jpg")
    shutil.copy(shared_photos / "Autumn_2560x1600.jpg", f / "b_autumn.jpg")
    shutil.copy(shared_images / "truncated.jpg", f / "c_broken.jpg")
    shutil.copy(shared_photos / "FallenLeaf_2560x1600.jpg", f / "d_leaf.jpg")
    (f / "notes.txt").write_text("not an image")
    return f


def test_dropped_folder_is_segmented_in_the_background_and_failures_listed(
    qtbot, window, folder: Path, tmp_path: Path
) -> None:
    with qtbot.waitSignal(window.result_ready, timeout=60_000):
        _drop(window, folder)
    dialog = window.batch_dialog
    assert dialog is not None and dialog.isVisible()
    assert [p.name for p in dialog.paths] == ["a_small.jpg", "b_autumn.jpg", "c_broken.jpg",
                                              "d_leaf.jpg"]
    assert "k = 8" in dialog.intro.text()
    out = tmp_path / "out"
    dialog.folder_edit.setText(str(out))
    dialog.palette_check.setChecked(True)
    dialog.labels_check.setChecked(True)
    with qtbot.waitSignal(dialog.batch_finished, timeout=180_000) as finished:
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
        assert dialog.runner.running and not dialog.start_button.isEnabled()
        # The current image stays interactive: a new k runs while the batch does.
        with qtbot.waitSignal(window.result_ready, timeout=60_000) as rerun:
            window.options_panel.k_spin.setValue(5)
        assert len(rerun.args[0].result.palette) == 5
        assert dialog.runner.running  # the rerun did not wait for the batch
        assert "k = 8" in dialog.intro.text()  # what is running, not what the window shows
    summary = finished.args[0]
    assert (summary.total, summary.written, summary.cancelled) == (4, 3, False)
    assert [Path(p).name for p, _ in summary.failures] == ["c_broken.jpg"]
    assert dialog.failures.isVisible()
    assert dialog.failures.item(0).text().startswith("c_broken.jpg: truncated")
    assert dialog.status.text().startswith("Done: 3 written, 1 failed")
    # "These settings" are the window's at Start: k was 8 then.
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"{s}{suffix}" for s in ("a_small", "b_autumn", "d_leaf")
        for suffix in ("_cluster8.png", "_palette.gpl", "_labels.png"))
    for stem in ("a_small", "b_autumn", "d_leaf"):
        with Image.open(out / f"{stem}_cluster8.png") as im:
            assert len(im.getcolors(64) or []) <= 8
    assert dialog.start_button.isEnabled()
    assert "k = 5" in dialog.intro.text()  # a next batch would use the window's new k


def test_cancel_ends_the_batch_and_leaves_no_partial_file(
    qtbot, window, shared_photos: Path, tmp_path: Path
) -> None:
    photos = sorted(shared_photos.glob("*_2560x1600.jpg"))
    dialog = window.offer_batch(photos * 2)
    out = tmp_path / "out"
    dialog.folder_edit.setText(str(out))
    dialog.format_combo.setCurrentIndex(4)  # TIFF: the slowest write
    dialog.masks_check.setChecked(True)
    with qtbot.waitSignal(dialog.runner.file_started, timeout=60_000):
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(dialog.batch_finished, timeout=60_000) as finished:
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    summary = finished.args[0]
    assert summary.cancelled and summary.written < summary.total
    assert dialog.status.text().startswith("Cancelled after ")
    assert _leftovers(out) == []
    for result in out.rglob("*.*"):
        with Image.open(result) as im:
            im.load()


def test_existing_results_are_kept_unless_replace_is_ticked(
    qtbot, window, shared_images: Path, tmp_path: Path
) -> None:
    sources = []
    for name in ("one.jpg", "two.jpg"):
        shutil.copy(shared_images / "photo_hopper_128.jpg", tmp_path / name)
        sources.append(tmp_path / name)
    out = tmp_path / "out"
    out.mkdir()
    mine = out / "one_cluster8.png"
    mine.write_bytes(b"the user's file")
    dialog = window.offer_batch(sources)
    dialog.folder_edit.setText(str(out))
    with qtbot.waitSignal(dialog.batch_finished, timeout=60_000) as finished:
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert finished.args[0].failures == [
        (str(sources[0]), f"cannot write {mine}: already exists; add --force to replace it")]
    assert mine.read_bytes() == b"the user's file"
    dialog.replace_check.setChecked(True)
    with qtbot.waitSignal(dialog.batch_finished, timeout=60_000) as finished:
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert finished.args[0].failures == [] and finished.args[0].written == 2
    assert mine.read_bytes() != b"the user's file"


def test_closing_the_window_mid_batch_ends_the_workers_cleanly(
    qtbot, shared_photos: Path, tmp_path: Path
) -> None:
    from colorseg_gui.gui import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    dialog = win.offer_batch(sorted(shared_photos.glob("*_2560x1600.jpg")) * 2)
    out = tmp_path / "out"
    dialog.folder_edit.setText(str(out))
    dialog.format_combo.setCurrentIndex(4)
    with qtbot.waitSignal(dialog.runner.file_started, timeout=60_000):
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert win.close()  # joins the batch thread; its worker processes end through SIGTERM
    assert not dialog.runner.running
    import multiprocessing

    assert multiprocessing.active_children() == []
    assert _leftovers(out) == []


def test_file_menu_action_offers_the_batch_for_chosen_files(
    qtbot, window, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QFileDialog

    chosen = sorted(folder.glob("*.jpg"))
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        staticmethod(lambda *a, **k: ([str(p) for p in chosen], "")))
    file_menu = window.menuBar().actions()[0].menu()
    assert window.commands.segment_many in file_menu.actions()
    window.commands.segment_many.trigger()
    dialog = window.batch_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.paths == chosen
    assert window.loaded is None  # choosing files for a batch does not replace the image
