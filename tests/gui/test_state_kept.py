"""Smaller losses of the user's state: options forgotten, Space pressing buttons, stale recents."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QMessageBox

from colorseg_gui.gui import MainWindow


@pytest.mark.parametrize("space", ["lab", "oklab"])
def test_every_run_option_is_remembered(qtbot, window, space):
    panel = window.options_panel
    panel.k_spin.setValue(13)
    panel.space_combo.setCurrentIndex(panel.space_combo.findData(space))
    panel.seed_spin.setValue(4242)
    panel.iter_spin.setValue(77)
    panel.init_combo.setCurrentIndex(panel.init_combo.findData("random"))
    panel.stop_combo.setCurrentIndex(panel.stop_combo.findData(0.0))
    chosen = panel.options()
    assert (chosen.seed, chosen.max_iter, chosen.init, chosen.tol) == (4242, 77, "random", 0.0)
    window.close()
    again = MainWindow()
    qtbot.addWidget(again)
    assert again.options_panel.options() == chosen


def _shown_pixel(window, x: int, y: int) -> tuple[int, int, int]:
    color = window.view.grab().toImage().pixelColor(x, y)
    return color.red(), color.green(), color.blue()


def test_holding_space_on_a_focused_button_compares_and_never_presses_it(
    qtbot, window, photo, open_and_wait
):
    outcome = open_and_wait(photo)
    view = window.view
    view.zoom_to(1.0)
    origin = view.image_point(QPointF(0, 0))
    x, y = int(300 - origin.x()), int(200 - origin.y())
    button = window.options_panel.new_seed_button
    seed = window.options_panel.options().seed
    button.setFocus()
    assert button.hasFocus()
    with qtbot.assertNotEmitted(window.options_panel.options_changed, wait=400):
        qtbot.keyPress(button, Qt.Key.Key_Space)
        assert _shown_pixel(window, x, y) == tuple(window.loaded.picture.rgb[200, 300])
        qtbot.keyPress(button, Qt.Key.Key_Space, delay=-1)  # auto-repeat while held
        qtbot.keyRelease(button, Qt.Key.Key_Space)
        assert _shown_pixel(window, x, y) == tuple(outcome.image[200, 300])
    assert window.options_panel.options().seed == seed and not button.isDown()
    assert window.outcome is outcome  # the result the user liked is still there


def test_space_on_a_combo_box_does_not_open_it(qtbot, window, photo, open_and_wait):
    outcome = open_and_wait(photo)
    window.view.zoom_to(1.0)
    origin = window.view.image_point(QPointF(0, 0))
    x, y = int(300 - origin.x()), int(200 - origin.y())
    combo = window.options_panel.space_combo
    combo.setFocus()
    qtbot.keyPress(combo, Qt.Key.Key_Space)
    assert _shown_pixel(window, x, y) == tuple(window.loaded.picture.rgb[200, 300])
    qtbot.keyRelease(combo, Qt.Key.Key_Space)
    assert _shown_pixel(window, x, y) == tuple(outcome.image[200, 300])
    assert not combo.view().isVisible()


def test_a_recent_file_that_is_gone_leaves_the_menu(qtbot, window, monkeypatch, tmp_path):
    gone = str(tmp_path / "moved-away.png")
    kept = str(tmp_path / "other.png")
    window.settings.add_recent(kept)
    window.settings.add_recent(gone)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        staticmethod(lambda parent, title, text, *a: shown.append(text)))
    menu = window.commands.recent_menu
    menu.aboutToShow.emit()
    entry = next(a for a in menu.actions() if a.data() == gone)
    entry.trigger()
    assert shown == ["moved-away.png: no such file (removed from Open Recent)"]
    assert window.settings.recent_files == [kept]
    menu.aboutToShow.emit()
    assert [a.data() for a in menu.actions() if a.data()] == [kept]
    assert Path(kept).name in [a.text() for a in menu.actions()]


def test_a_layout_saved_by_an_older_version_gives_the_first_start_layout(qtbot):
    """Layouts saved before the newer docks put them beside the palette: they are left."""
    from PySide6.QtWidgets import QDockWidget

    from colorseg_gui.gui.docks import LAYOUT_VERSION

    first = MainWindow()
    qtbot.addWidget(first)
    history = first.findChild(QDockWidget, "historyDock")
    # A layout of the version before, with the history strip on the right.
    first.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, history)
    geometry, old = first.saveGeometry(), first.saveState(LAYOUT_VERSION - 1)
    first.close()
    first.settings.save_window(geometry, old)
    first.settings.sync()
    again = MainWindow()
    qtbot.addWidget(again)
    history = again.findChild(QDockWidget, "historyDock")
    assert again.dockWidgetArea(history) == Qt.DockWidgetArea.BottomDockWidgetArea
    assert again.dockWidgetArea(again.findChild(QDockWidget, "paletteDock")) == \
        Qt.DockWidgetArea.RightDockWidgetArea
    # The same layout saved now is kept.
    again.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, history)
    again.close()  # saves at LAYOUT_VERSION
    third = MainWindow()
    qtbot.addWidget(third)
    assert third.dockWidgetArea(third.findChild(QDockWidget, "historyDock")) == \
        Qt.DockWidgetArea.RightDockWidgetArea
