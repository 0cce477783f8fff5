"""A file that cannot be opened shows a dialog naming it and the reason; the open image stays."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtWidgets import QMessageBox

BROKEN = ["truncated.jpg", "text_renamed.png", "empty_0bytes.png", "bomb_4gpx_44bytes.gif",
          "apng_syntaxerror.png", "dds_notimplemented.dds"]


@pytest.mark.parametrize("name", BROKEN)
def test_broken_file_shows_error_and_keeps_the_image(qtbot, window, photo, shared_images,
                                                     open_and_wait, monkeypatch, tmp_path,
                                                     name):
    outcome = open_and_wait(photo)
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        staticmethod(lambda parent, title, text, *a: shown.append((title, text))))
    broken = tmp_path / name
    shutil.copy(shared_images / name, broken)
    with qtbot.waitSignal(window.controller.load_failed, timeout=60_000):
        window.open_path(broken)
    assert len(shown) == 1
    title, text = shown[0]
    assert title == "Cannot open image"
    assert name in text and len(text.splitlines()) == 1
    assert window.loaded.picture.path == photo  # the previous image is still open
    assert window.outcome is outcome and window.view.has_result()
    assert window.windowTitle().startswith("kodim23.png")


def test_failed_load_mid_run_finishes_the_open_image(qtbot, window, photo, shared_images,
                                                   monkeypatch, tmp_path):
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *a: None))
    with qtbot.waitSignal(window.model.image_loaded, timeout=60_000):
        window.open_path(photo)
    with qtbot.waitSignal(window.result_ready, timeout=60_000) as blocker:
        window.open_path(shared_images / "truncated.png")
    assert window.loaded.picture.path == photo
    assert blocker.args[0].image.shape == (512, 768, 3)


def test_missing_file(qtbot, window, monkeypatch, tmp_path):
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        staticmethod(lambda parent, title, text, *a: shown.append(text)))
    with qtbot.waitSignal(window.controller.load_failed, timeout=30_000):
        window.open_path(tmp_path / "gone.png")
    assert shown and "gone.png" in shown[0]
    assert window.loaded is None


def test_a_file_that_hides_a_huge_image_is_refused_and_the_image_stays(
    qtbot, window, photo, open_and_wait, monkeypatch, tmp_path
):
    from hostile_files import icns_with_jpeg2000

    outcome = open_and_wait(photo)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        staticmethod(lambda parent, title, text, *a: shown.append(text)))
    hostile = tmp_path / "icon.icns"
    hostile.write_bytes(icns_with_jpeg2000(510_000, 510_000))  # 260 gigapixels inside
    with qtbot.waitSignal(window.controller.load_failed, timeout=60_000):
        window.open_path(hostile)
    assert shown == ["icon.icns: too large: 260.1 gigapixels (the limit is 200 megapixels)"]
    assert window.loaded.picture.path == photo and window.outcome is outcome
