"""Undo, redo, the history strip, A/B compare and the convergence timeline, in the window."""

from __future__ import annotations

import numpy as np
from gui_images import make_gradient
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QListWidget, QSlider

from colorseg_gui.engine import KMeansOptions
from colorseg_gui.gui import compare
from colorseg_gui.gui.palette_view import hex_color

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def _three_results(qtbot, window, open_and_wait, path):  # type: ignore[no-untyped-def]
    """Results for k = 4, 6 and 3 of ``path``, in that order."""
    window.options_panel.set_options(KMeansOptions(k=4))
    outcomes = [open_and_wait(path)]
    for k in (6, 3):
        with qtbot.waitSignal(window.result_ready, timeout=60_000) as blocker:
            window.options_panel.k_spin.setValue(k)
        outcomes.append(blocker.args[0])
    assert [o.k for o in outcomes] == [4, 6, 3]
    qtbot.waitUntil(lambda: not window.controller.busy)  # the last thread has ended
    return outcomes


def _palette_shown(window) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(hex for _, hex in window.palette_view.entries())


def _palette_of(outcome) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(hex_color(c) for c in outcome.palette)


def test_undo_and_redo_through_the_actions_and_keys(qtbot, window, open_and_wait, small_photo):
    outcomes = _three_results(qtbot, window, open_and_wait, small_photo)
    undo = window.findChild(QAction, "undoAction")
    redo = window.findChild(QAction, "redoAction")
    assert undo.shortcut().toString() == "Ctrl+Z"
    assert [s.toString() for s in redo.shortcuts()] == ["Ctrl+Shift+Z", "Ctrl+Y"]
    assert undo.isEnabled() and not redo.isEnabled()
    window.view.setFocus()
    # Instant and without recomputing: the outcome changes inside the key press, and no
    # run starts.
    with qtbot.assertNotEmitted(window.result_ready, wait=200), \
            qtbot.assertNotEmitted(window.controller.busy_changed, wait=0):
        qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)
        assert window.outcome is outcomes[1]
    assert window.options_panel.k_spin.value() == 6  # the panel follows
    assert window.options_panel.k_slider.value() == 6
    assert _palette_shown(window) == _palette_of(outcomes[1])
    undo.trigger()
    assert window.outcome is outcomes[0] and window.options_panel.k_spin.value() == 4
    assert not undo.isEnabled() and redo.isEnabled()
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL | SHIFT)
    assert window.outcome is outcomes[1]
    qtbot.keyClick(window.view, Qt.Key.Key_Y, CTRL)
    assert window.outcome is outcomes[2] and window.options_panel.k_spin.value() == 3
    assert not redo.isEnabled()
    assert window.controller.running_threads() == [] and not window.controller.busy
    assert window.commands.save.isEnabled()  # what Save writes is the result shown


def test_a_run_after_undo_drops_the_redo_tail_and_the_panel_starts_nothing(
        qtbot, window, open_and_wait, small_photo):
    outcomes = _three_results(qtbot, window, open_and_wait, small_photo)
    window.commands.undo.trigger()
    window.commands.undo.trigger()
    assert window.outcome is outcomes[0]
    # The panel showing the entry's options is not a request: the same options do nothing.
    assert window.controller.set_options(window.options_panel.options()) is None
    with qtbot.waitSignal(window.result_ready, timeout=60_000) as blocker:
        window.options_panel.k_spin.setValue(5)
    history = window.model.history
    assert [e.options.k for e in history.entries] == [4, 5]
    assert history.current.outcome() is blocker.args[0]
    assert not window.commands.redo.isEnabled() and window.commands.undo.isEnabled()


def test_undo_while_a_run_is_under_way_goes_back_to_the_last_result(qtbot, window, tmp_path):
    path = make_gradient(tmp_path / "gradient.png", 480, 320)
    window.options_panel.set_options(KMeansOptions(k=8, tol=0.0, max_iter=10_000))
    with qtbot.waitSignal(window.result_ready, timeout=120_000) as blocker:
        window.open_path(path)
    first = blocker.args[0]
    with qtbot.waitSignal(window.preview_shown, timeout=60_000, check_params_cb=lambda i: i >= 2):
        window.options_panel.k_spin.setValue(40)
    assert window.outcome is None and window.commands.undo.isEnabled()
    with qtbot.assertNotEmitted(window.result_ready, wait=300):
        window.commands.undo.trigger()
    assert window.outcome is first and window.options_panel.k_spin.value() == 8
    qtbot.waitUntil(lambda: not window.controller.running_threads(), timeout=30_000)


def test_clicking_the_history_strip_goes_back(qtbot, window, open_and_wait, small_photo):
    outcomes = _three_results(qtbot, window, open_and_wait, small_photo)
    strip = window.findChild(QListWidget, "historyView")
    assert strip.count() == 3
    assert [strip.item(i).text() for i in range(3)] == [
        f"k {k} · RGB · seed 0" for k in (4, 6, 3)]
    assert not strip.item(0).icon().isNull()
    assert strip.currentRow() == 2
    rect = strip.visualItemRect(strip.item(0))
    qtbot.mouseClick(strip.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.outcome is outcomes[0] and window.options_panel.k_spin.value() == 4
    assert strip.currentRow() == 0
    assert window.controller.running_threads() == []


def test_ctrl_click_compares_two_results_a_b_with_one_zoom_and_pan(
        qtbot, window, open_and_wait, small_photo):
    outcomes = _three_results(qtbot, window, open_and_wait, small_photo)
    strip = window.findChild(QListWidget, "historyView")
    view = window.view
    rect = strip.visualItemRect(strip.item(0))
    qtbot.mouseClick(strip.viewport(), Qt.MouseButton.LeftButton, CTRL, rect.center())
    assert window.model.reference is window.model.history.entries[0]
    assert view.comparing and view.mode == compare.SPLIT
    assert strip.currentRow() == 2  # the result shown stays B
    # Left of the divider: A (k = 4); right of it: B, the result shown (k = 3).
    view.fit_to_window()
    qtbot.waitUntil(lambda: view.fitted)
    shot = view.grab().toImage()
    ratio = view.devicePixelRatioF()
    for x_fraction, outcome in ((0.3, outcomes[0]), (0.7, outcomes[2])):
        pos = QPointF(view.width() * x_fraction, view.height() / 2)
        point = view.image_point(pos)
        expected = outcome.image[int(point.y()), int(point.x())]
        got = shot.pixelColor(QPoint(int(pos.x() * ratio), int(pos.y() * ratio)))
        assert np.abs(np.array([got.red(), got.green(), got.blue()]) - expected).max() <= 2
    # Side by side: both panes show the same image point at the same place in each pane.
    view.set_mode(compare.SIDE_BY_SIDE)
    view.zoom_to(3.0)
    view.pan_by(-17, 9)
    width, _ = compare.pane_size(view.mode, view.width(), view.height())
    left = view.image_point(QPointF(40, 60))
    right = view.image_point(QPointF(view.width() - width + 40, 60))
    assert (left.x(), left.y()) == (right.x(), right.y())
    # Ctrl+click A again ends the comparison.
    rect = strip.visualItemRect(strip.item(0))
    qtbot.mouseClick(strip.viewport(), Qt.MouseButton.LeftButton, CTRL, rect.center())
    assert window.model.reference is None and not view.comparing


def test_the_timeline_goes_back_through_the_iterations(qtbot, window, tmp_path):
    path = make_gradient(tmp_path / "gradient.png", 480, 320)
    window.options_panel.set_options(KMeansOptions(k=12, tol=0.0))
    with qtbot.waitSignal(window.result_ready, timeout=120_000) as blocker:
        window.open_path(path)
    outcome = blocker.args[0]
    slider = window.findChild(QSlider, "timelineSlider")
    last = outcome.result.step.iteration
    assert last >= 8
    assert slider.maximum() == last and slider.value() == last and slider.isEnabled()
    chart = window.timeline.chart.points()
    assert [i for i, _ in chart] == list(range(slider.minimum(), last + 1))
    assert chart[-1][1] <= chart[0][1]  # J per pixel went down
    with qtbot.waitSignal(window.preview_shown, timeout=30_000,
                          check_params_cb=lambda i: i == 3):
        slider.setValue(3)
    assert window.status.state_text() == f"Showing iteration 3 of {last}"
    assert "iteration 3" in window.status.iteration.text()
    assert window.outcome is outcome  # still the result: Save writes it
    # The frame shown is iteration 3's palette.
    summary = window.model.run.trail[window.model.run.trail.find(3)]
    assert _palette_shown(window) == sorted(hex_color(c) for c in summary.palette)
    with qtbot.waitSignal(window.preview_shown, timeout=30_000,
                          check_params_cb=lambda i: i == last):
        slider.setValue(slider.maximum())
    assert window.status.state_text().startswith("Converged")
    assert _palette_shown(window) == _palette_of(outcome)
    # An undo shows the timeline of the run it goes back to.
    with qtbot.waitSignal(window.result_ready, timeout=60_000) as second:
        window.options_panel.k_spin.setValue(5)
    assert slider.maximum() == second.args[0].result.step.iteration
    window.commands.undo.trigger()
    assert slider.maximum() == last and slider.value() == last
    qtbot.waitUntil(lambda: not window.controller.running_threads())


def test_stepping_fast_through_the_history_finishes_one_result_at_a_time(
        qtbot, window, open_and_wait, small_photo):
    from colorseg_gui.gui import controller as controller_module

    outcomes = _three_results(qtbot, window, open_and_wait, small_photo)
    finisher = window.finishing.finisher
    qtbot.waitUntil(lambda: not finisher.busy)
    for action in ("undo", "undo", "redo", "redo", "undo", "redo", "undo"):
        getattr(window.commands, action).trigger()
        finishing = [t for t in controller_module.live_threads()
                     if t.objectName().startswith("task-finish")]
        assert len(finishing) <= 1
    assert window.outcome is outcomes[1]
    # The last one asked for is the one finished, and nothing is left waiting.
    qtbot.waitUntil(lambda: finisher.current is not None
                    and finisher.current.outcome is outcomes[1] and not finisher.busy,
                    timeout=30_000)
