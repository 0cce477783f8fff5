"""Ready to make in the window: cleanup and dithering live, the error map, colour vision."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtWidgets import QFileDialog, QLabel
from speckled import speckled

from colorseg_gui.engine.make.error_map import LUT
from colorseg_gui.engine.make.regions import count_regions
from colorseg_gui.gui import export


def _speckled(path: Path) -> Path:
    return speckled(path, (200, 60, 40), (90, 140, 40))  # red and green: dichromats confuse


def _open_speckled(window, open_and_wait, tmp_path, k: int):
    window.options_panel.k_spin.setValue(k)
    window.options_panel.flush()
    outcome = open_and_wait(_speckled(tmp_path / "speckled.png"))
    assert outcome.k == k
    return outcome


@pytest.fixture
def speckled_result(qtbot, window, open_and_wait, tmp_path):
    return _open_speckled(window, open_and_wait, tmp_path, 3)


def _finished(qtbot, window, change):
    with qtbot.waitSignal(window.finishing.finisher.finished, timeout=30_000) as blocker:
        change()
        window.finishing.flush()
    return blocker.args[0]


def _shown_colours(window) -> set[tuple[int, int, int]]:
    image = window.view.grab().toImage()
    colours = set()
    for y in range(0, image.height(), 3):
        for x in range(0, image.width(), 3):
            c = image.pixelColor(x, y)
            colours.add((c.red(), c.green(), c.blue()))
    return colours


def test_min_region_cleans_the_view_the_palette_and_the_saved_files(
    qtbot, window, speckled_result, monkeypatch, tmp_path
):
    panel = window.finishing.panel
    finished = _finished(qtbot, window, lambda: panel.min_region.setValue(20))
    regions = finished.made.regions
    assert (regions.regions_before, regions.regions_after, regions.small_after) == (43, 2, 0)
    assert "43 → 2" in window.statusBar().currentMessage()
    last = window.palette_view.item(window.palette_view.count() - 1).text()
    assert last.split()[-2] == "0.0"  # the white cluster paints nothing once specks are gone
    white = tuple(int(c) for c in speckled_result.palette[
        np.argmax(speckled_result.palette.sum(axis=1))])
    assert white not in _shown_colours(window)
    target = tmp_path / "clean.png"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(
        lambda *a, **k: (str(target), export.INDEXED_FILTER)))
    with qtbot.waitSignal(window.files_written, timeout=30_000):
        window.commands.save_as.trigger()
    with Image.open(target) as indexed:
        labels = np.asarray(indexed)
    assert count_regions(labels) == 2


def test_dithering_is_previewed_and_saved_with_only_palette_colours(
    qtbot, window, speckled_result, monkeypatch, tmp_path
):
    panel = window.finishing.panel
    finished = _finished(qtbot, window, lambda: panel.dither.setCurrentIndex(
        panel.dither.findData("bayer")))
    assert finished.options.dither == "bayer" and panel.strength.isEnabled()
    target = tmp_path / "dithered.png"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(
        lambda *a, **k: (str(target), "PNG image (*.png)")))
    with qtbot.waitSignal(window.files_written, timeout=30_000):
        window.commands.save_as.trigger()
    with Image.open(target) as saved:
        colours = {tuple(c) for c in np.asarray(saved.convert("RGB")).reshape(-1, 3)}
    assert colours <= {tuple(int(v) for v in c) for c in speckled_result.palette}


def test_error_map_view_shows_the_scale_and_a_legend(qtbot, window, open_and_wait, tmp_path):
    _open_speckled(window, open_and_wait, tmp_path, 2)  # the white specks are painted wrong
    action = window.finishing.show_actions["errors"]
    finished = _finished(qtbot, window, action.trigger)
    assert finished.show == "errors"
    legend = window.findChild(QLabel, "errorLegend")
    assert legend is not None and legend.isVisible()
    lut = {tuple(int(v) for v in c) for c in LUT}
    shown = _shown_colours(window)
    assert len(shown & lut) >= 2  # the image is painted in the error scale
    back = _finished(qtbot, window, window.finishing.show_actions["result"].trigger)
    assert back.show == "result" and not legend.isVisible()


def test_colour_vision_warns_and_simulates(qtbot, window, speckled_result):
    finished = _finished(qtbot, window, window.finishing.show_actions["deuteranopia"].trigger)
    notes = window.finishing.notes.text()
    assert "look alike with deuteranopia" in notes or "look alike with protanopia" in notes
    assert "Adding one colour would help most" in notes
    assert {(int(r), int(g), int(b)) for r, g, b in finished.image[::7, ::7].reshape(-1, 3)} \
        != {tuple(int(v) for v in c) for c in speckled_result.palette}
    tooltip = window.palette_view.item(0).toolTip()
    assert "mean" in tooltip and "largest" in tooltip
    warned = [window.palette_view.item(row) for row in range(window.palette_view.count())
              if window.palette_view.item(row).text().endswith("⚠")]
    assert len(warned) >= 2 and "looks like #" in warned[0].toolTip()


SHELF = """GIMP Palette
Name: My paints
200  60  40\tCadmium Red
 90 140  40\tSap Green
250 250 250\tTitanium White
 20  20 120\tPrussian Blue
"""


def test_my_colours_paint_the_result_with_ticked_owned_colours(
    qtbot, window, speckled_result, monkeypatch, tmp_path
):
    from PySide6.QtCore import Qt

    shelf = tmp_path / "shelf.gpl"
    shelf.write_text(SHELF)
    panel = window.finishing.own_colours
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(shelf), "")))
    panel.load_button.click()
    assert panel.colours.count() == 4 and panel.colours.item(0).text() == "Cadmium Red"
    panel.colours.item(2).setCheckState(Qt.CheckState.Unchecked)  # no white on the shelf
    finished = _finished(qtbot, window, lambda: panel.mode.setCurrentIndex(
        panel.mode.findData("map")))
    owned = {(200, 60, 40), (90, 140, 40), (20, 20, 120)}
    assert {tuple(int(v) for v in c) for c in finished.palette} <= owned
    assert set(finished.names) <= {"Cadmium Red", "Sap Green", "Prussian Blue"}
    rows = [window.palette_view.item(r).text() for r in range(window.palette_view.count())]
    assert any("Cadmium Red" in row for row in rows)
    tip = window.status.iteration.toolTip()  # the status bar names them too
    assert "painted with your colours" in tip and "Cadmium Red: #c83c28" in tip
    target = tmp_path / "painted.png"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(
        lambda *a, **k: (str(target), "PNG image (*.png)")))
    with qtbot.waitSignal(window.files_written, timeout=30_000):
        window.commands.save_as.trigger()
    with Image.open(target) as saved:
        assert {tuple(c) for c in np.asarray(saved.convert("RGB")).reshape(-1, 3)} <= owned
    # The unticked colour stays unticked for this file next time.
    again = type(panel)()
    assert again.load(shelf) and again.colours.item(2).checkState() == Qt.CheckState.Unchecked


def test_a_broken_palette_file_says_why_and_keeps_the_loaded_one(qtbot, window, monkeypatch,
                                                                  tmp_path):
    from PySide6.QtWidgets import QMessageBox

    panel = window.finishing.own_colours
    shelf = tmp_path / "shelf.gpl"
    shelf.write_text(SHELF)
    assert panel.load(shelf)
    broken = tmp_path / "broken.gpl"
    broken.write_text("GIMP Palette\n300 0 0 Too Red\n")
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        staticmethod(lambda parent, title, text, *a: shown.append(text)))
    assert not panel.load(broken)
    assert len(shown) == 1 and shown[0].startswith("broken.gpl: ") and "0..255" in shown[0]
    assert panel.colours.count() == 4 and panel.title.text().startswith("My paints")
