"""File > Export Bundle through the real action: the result as shown, asked before replacing."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
from PIL import Image
from speckled import speckled

from colorseg_gui.engine import read_palette
from colorseg_gui.engine.make.regions import count_regions
from colorseg_gui.gui import bundle_export
from colorseg_gui.gui.bundle_export import BundleChoice, BundleDialog


def _answer(monkeypatch, *choices: BundleChoice) -> list[tuple[Path, str]]:
    """Answer the Export Bundle dialog with each choice in turn; returns what it offered."""
    offered: list[tuple[Path, str]] = []
    answers = iter(choices)

    def ask(parent, suggested, size, dpi, contents):
        offered.append((suggested, contents))
        return next(answers)

    monkeypatch.setattr(bundle_export, "ask_bundle", ask)
    return offered


def _action(window):
    return window.findChild(type(window.commands.save), "exportBundleAction")


def test_export_bundle_writes_every_file_of_the_result(qtbot, window, photo, open_and_wait,
                                                       monkeypatch, tmp_path):
    action = _action(window)
    assert action is not None and not action.isEnabled()
    file_menu = window.menuBar().actions()[0].menu()
    assert action in file_menu.actions()
    outcome = open_and_wait(photo)
    assert action.isEnabled()
    target = tmp_path / "for-printing"
    offered = _answer(monkeypatch, BundleChoice(target, 150))
    with qtbot.waitSignal(window.files_written, timeout=60_000) as blocker:
        action.trigger()
    assert blocker.args[0] == target
    assert offered[0][0] == photo.with_name("kodim23_bundle")
    assert f"{outcome.k} masks" in offered[0][1]
    k = outcome.k
    with Image.open(target / f"kodim23_cluster{k}.png") as result:
        assert np.array_equal(np.asarray(result.convert("RGB")), outcome.image)
    masks = sorted((target / "masks").glob("*.png"))
    assert len(masks) == k
    read = read_palette(target / "kodim23_palette.gpl")
    assert [f"#{r:02x}{g:02x}{b:02x}" for r, g, b in read.colors] == [
        hex_value for _, hex_value in window.palette_view.entries()]
    assert (target / "kodim23_legend.pdf").read_bytes().startswith(b"%PDF")
    assert "Bundle written" in window.statusBar().currentMessage()


def test_the_bundle_follows_the_cleanup_shown(qtbot, window, open_and_wait, monkeypatch,
                                              tmp_path):
    window.options_panel.k_spin.setValue(3)
    window.options_panel.flush()
    open_and_wait(speckled(tmp_path / "speckled.png", (200, 60, 40), (90, 140, 40)))
    with qtbot.waitSignal(window.finishing.finisher.finished, timeout=30_000) as blocker:
        window.finishing.panel.min_region.setValue(20)
        window.finishing.flush()
    finished = blocker.args[0]
    target = tmp_path / "clean.zip"
    _answer(monkeypatch, BundleChoice(target, 300))
    with qtbot.waitSignal(window.files_written, timeout=60_000):
        _action(window).trigger()
    with zipfile.ZipFile(target) as archive:
        archive.extractall(tmp_path / "out")
    folder = tmp_path / "out" / "clean"
    with Image.open(folder / "speckled_labels.png") as labels:
        label_map = np.asarray(labels)
    assert count_regions(label_map) == finished.made.regions.regions_after
    with Image.open(folder / "speckled_cluster3.png") as result:
        assert np.array_equal(np.asarray(result.convert("RGB")), finished.image[..., :3])


def test_a_second_bundle_asks_once_naming_the_files(qtbot, window, photo, open_and_wait,
                                                    monkeypatch, tmp_path, answer_replace):
    outcome = open_and_wait(photo)
    target = tmp_path / "bundle"
    _answer(monkeypatch, *[BundleChoice(target, 300)] * 3)
    with qtbot.waitSignal(window.files_written, timeout=60_000):
        _action(window).trigger()
    legend = target / "kodim23_legend.pdf"
    legend.write_bytes(b"my notes")
    asked = answer_replace("Cancel")
    with qtbot.assertNotEmitted(window.files_written, wait=300):
        _action(window).trigger()
    files = sum(1 for p in target.rglob("*") if p.is_file())
    assert len(asked) == 1 and f"Replace {files} files?" in asked[0]
    assert legend.read_bytes() == b"my notes"
    asked = answer_replace("Replace")
    with qtbot.waitSignal(window.files_written, timeout=60_000):
        _action(window).trigger()
    assert len(asked) == 1 and legend.read_bytes().startswith(b"%PDF")
    assert len(list((target / "masks").glob("*.png"))) == outcome.k
    assert not list(tmp_path.glob(".*.tmp"))


def test_the_dialog_gives_a_zip_name_and_links_dpi_and_width(qtbot, tmp_path):
    dialog = BundleDialog(None, tmp_path / "pic_bundle", (3000, 2000), 300, "6 colours")
    qtbot.addWidget(dialog)
    assert dialog.choice() == BundleChoice(tmp_path / "pic_bundle", 300)
    dialog.as_zip.setChecked(True)
    assert dialog.location.text() == str(tmp_path / "pic_bundle.zip")
    dialog.width_cm.setValue(50.8)  # 20 in for 3000 pixels
    assert dialog.choice() == BundleChoice(tmp_path / "pic_bundle.zip", 150)
    assert "50.8 \u00d7 33.9 cm (20.00 \u00d7 13.33 in)" in dialog.printed.text()
    dialog.as_zip.setChecked(False)
    assert dialog.choice().path == tmp_path / "pic_bundle"
