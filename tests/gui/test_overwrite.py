"""Saving never replaces a file the user did not agree to replace (through the real actions).

The file dialogs are answered at Qt's static functions; the Replace question is the real
message box, answered by clicking its buttons.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image
from PySide6.QtWidgets import QFileDialog, QMessageBox

from colorseg_gui.gui import export


def _answer_save_dialog(monkeypatch, path: Path, chosen_filter: str) -> list[object]:
    options: list[object] = []

    def answer(parent, title, folder, filters, selected="", flags=None):
        options.append(flags)
        return str(path), chosen_filter

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(answer))
    return options


def test_typed_name_without_extension_is_asked_about_as_the_final_file(
    qtbot, window, photo, open_and_wait, monkeypatch, tmp_path, answer_replace
):
    open_and_wait(photo)
    target = tmp_path / "out.png"
    target.write_bytes(b"the user's file")
    options = _answer_save_dialog(monkeypatch, tmp_path / "out", "PNG image (*.png)")
    asked = answer_replace("Cancel")
    with qtbot.assertNotEmitted(window.files_written, wait=300):
        window.commands.save_as.trigger()
    assert len(asked) == 1 and "out.png" in asked[0] and str(tmp_path) in asked[0]
    assert target.read_bytes() == b"the user's file"
    assert options == [QFileDialog.Option.DontConfirmOverwrite]  # our question, not Qt's
    asked = answer_replace("Replace")
    with qtbot.waitSignal(window.files_written, timeout=30_000) as blocker:
        window.commands.save_as.trigger()
    assert len(asked) == 1 and blocker.args[0] == target
    with Image.open(target) as saved:
        assert saved.format == "PNG"


def test_typed_extension_picks_the_format(qtbot, window, photo, open_and_wait, monkeypatch,
                                          tmp_path):
    open_and_wait(photo)
    _answer_save_dialog(monkeypatch, tmp_path / "typed.jpg", "PNG image (*.png)")
    with qtbot.waitSignal(window.files_written, timeout=30_000):
        window.commands.save_as.trigger()
    with Image.open(tmp_path / "typed.jpg") as saved:
        assert saved.format == "JPEG"
    assert not (tmp_path / "typed.jpg.png").exists()


def test_export_palette_asks_about_the_final_name(qtbot, window, photo, open_and_wait,
                                                   monkeypatch, tmp_path, answer_replace):
    open_and_wait(photo)
    target = tmp_path / "colours.gpl"
    target.write_text("keep")
    gpl_filter = next(f for f, ext in export.PALETTE_FILTERS.items() if ext == ".gpl")
    _answer_save_dialog(monkeypatch, tmp_path / "colours", gpl_filter)
    asked = answer_replace("Cancel")
    with qtbot.assertNotEmitted(window.files_written, wait=300):
        window.commands.export_palette.trigger()
    assert len(asked) == 1 and "colours.gpl" in asked[0]
    assert target.read_text() == "keep"


def test_masks_over_existing_ones_are_one_question(qtbot, window, photo, open_and_wait,
                                                    monkeypatch, tmp_path, answer_replace):
    outcome = open_and_wait(photo)
    folder = tmp_path / "masks"
    monkeypatch.setattr(QFileDialog, "getExistingDirectory",
                        staticmethod(lambda *args, **kwargs: str(folder)))
    with qtbot.waitSignal(window.files_written, timeout=30_000):
        window.commands.export_masks.trigger()
    masks = sorted(folder.glob("*.png"))
    assert len(masks) == outcome.k
    for mask in masks:
        mask.write_bytes(b"edited by hand")
    asked = answer_replace("Cancel")
    with qtbot.assertNotEmitted(window.files_written, wait=300):
        window.commands.export_masks.trigger()
    assert len(asked) == 1
    assert f"Replace {outcome.k} files?" in asked[0] and str(folder) in asked[0]
    assert all(mask.read_bytes() == b"edited by hand" for mask in masks)
    asked = answer_replace("Replace")
    with qtbot.waitSignal(window.files_written, timeout=30_000):
        window.commands.export_masks.trigger()
    assert len(asked) == 1
    assert all(mask.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for mask in masks)


def test_the_opened_image_is_never_written(qtbot, window, photo, open_and_wait, monkeypatch):
    open_and_wait(photo)
    before = photo.read_bytes()
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        staticmethod(lambda parent, title, text, *a: warned.append(text)))
    _answer_save_dialog(monkeypatch, photo, "PNG image (*.png)")
    with qtbot.assertNotEmitted(window.files_written, wait=300):
        window.commands.save_as.trigger()
    assert warned and photo.name in warned[0] and "never writes over" in warned[0]
    assert photo.read_bytes() == before
    assert np.asarray(Image.open(photo)).shape[:2] == (512, 768)
