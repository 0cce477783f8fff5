"""Steering a run in the window: pause and resume, lock, merge, split, delete, set, the
eyedropper, undo and redo of edits, warm and cold k changes, the colours-for-each-k dock."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QWidget

from colorseg_gui.engine import StepKind, StopReason, srgb_to_lab
from colorseg_gui.engine.make.color_difference import delta_e_2000
from colorseg_gui.gui.run.replay import Recipe, replay


def _palette_click(qtbot, window, cid: int, ctrl: bool = False, on_swatch: bool = False):
    view = window.palette_view
    for row in range(view.count()):
        if view.item(row).data(Qt.ItemDataRole.UserRole + 1) == cid:
            rect = view.swatch_rect(row) if on_swatch else view.visualItemRect(view.item(row))
            point = rect.center() if on_swatch else QPoint(rect.right() - 10, rect.center().y())
            modifier = Qt.KeyboardModifier.ControlModifier if ctrl else \
                Qt.KeyboardModifier.NoModifier
            qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, modifier, point)
            return
    raise AssertionError(f"no swatch with id {cid}")


def _edit_and_wait(qtbot, window, do, timeout=60_000):
    with qtbot.waitSignal(window.result_ready, timeout=timeout) as blocker:
        do()
    return blocker.args[0]


def _by_id(outcome):
    step = outcome.result.step
    return {cid: step.palette[row] for row, cid in enumerate(step.ids)}


def _replays(window, outcome):
    """The entry shown replays to the same labels and palette, bit for bit."""
    entry = window.model.history.current
    step = replay(window.model.cache.histogram, entry.recipe)
    np.testing.assert_array_equal(step.labels, outcome.result.step.labels)
    np.testing.assert_array_equal(step.palette, outcome.result.step.palette)
    assert step.ids == outcome.result.step.ids
    return step


def test_pause_and_resume_give_the_uninterrupted_run(qtbot, window, photo):
    model = window.model
    assert window.steering.pause.objectName() == "pauseAction"
    with qtbot.waitSignal(model.run_started, timeout=30_000):
        window.open_path(photo)
    qtbot.keyClick(window, Qt.Key.Key_Space)  # pauses at the first exact step
    assert window.steering.pause.isChecked()
    qtbot.waitUntil(lambda: model.run.paused is not None, timeout=60_000)
    paused = model.run.paused
    assert paused.kind is not StepKind.PREVIEW and model.running
    assert window.status.progress.isHidden()  # paused is not busy: the indicator rests
    with qtbot.waitSignal(window.result_ready, timeout=60_000) as blocker:
        qtbot.keyClick(window, Qt.Key.Key_Space)
        qtbot.waitUntil(lambda: not window.status.progress.isHidden() or not model.running)
    outcome = blocker.args[0]
    assert not outcome.stopped and outcome.result.step.iteration > paused.iteration
    fresh = replay(model.cache.histogram, Recipe(outcome.options))
    np.testing.assert_array_equal(fresh.labels, outcome.result.step.labels)
    np.testing.assert_array_equal(fresh.palette, outcome.result.step.palette)
    assert fresh.iteration == outcome.result.step.iteration


def test_an_edit_while_paused_is_kept_and_undone(qtbot, window, photo):
    model = window.model
    with qtbot.waitSignal(model.run_started, timeout=30_000):
        window.open_path(photo)
    window.steering.pause.trigger()
    qtbot.waitUntil(lambda: model.run.paused is not None, timeout=60_000)
    paused = model.run.paused
    outcome = _edit_and_wait(qtbot, window, window.steering.split.trigger)
    assert outcome.k == paused.k + 1
    entry = model.history.current
    assert entry.edit == {"op": "split", "at": paused.iteration}
    assert entry.parent is model.history.entries[0] and entry.parent.stopped
    _replays(window, outcome)
    window.commands.undo.trigger()
    back = model.outcome
    np.testing.assert_array_equal(back.result.step.centroids, paused.centroids)


def test_lock_keeps_the_colour_through_the_run_and_undo_restores(qtbot, window, photo,
                                                                 open_and_wait):
    first = open_and_wait(photo)
    cid = first.result.step.ids[2]
    colour = _by_id(first)[cid].copy()
    outcome = _edit_and_wait(qtbot, window,
                             lambda: _palette_click(qtbot, window, cid, on_swatch=True))
    step = outcome.result.step
    row = step.ids.index(cid)
    assert row in step.locked
    np.testing.assert_array_equal(step.palette[row], colour)
    assert window.palette_view.is_locked(cid)
    assert window.model.history.current.edit == {"op": "lock", "ids": [cid],
                                                 "at": first.result.step.iteration}
    _replays(window, outcome)
    # Edit the others around the lock: it stays bit for bit.
    others = [i for i in step.ids if i != cid][:2]
    _palette_click(qtbot, window, others[0])
    _palette_click(qtbot, window, others[1], ctrl=True)
    merged = _edit_and_wait(qtbot, window, window.steering.merge.trigger)
    np.testing.assert_array_equal(_by_id(merged)[cid], colour)
    window.commands.undo.trigger()
    window.commands.undo.trigger()
    assert window.model.outcome.result.step.locked == ()
    np.testing.assert_array_equal(window.model.outcome.palette, first.palette)
    window.commands.redo.trigger()
    assert window.model.outcome.result.step.ids.index(cid) in \
        window.model.outcome.result.step.locked


def test_merge_split_delete_set_and_pick_change_k_and_replay(qtbot, window, photo,
                                                             open_and_wait):
    first = open_and_wait(photo)
    k, ids = first.k, first.result.step.ids
    steering = window.steering
    _palette_click(qtbot, window, ids[0])
    assert not steering.merge.isEnabled()  # one swatch: nothing to merge it with
    _palette_click(qtbot, window, ids[1], ctrl=True)
    assert steering.merge.isEnabled()
    merged = _edit_and_wait(qtbot, window, steering.merge.trigger)
    assert merged.k == k - 1
    window.palette_view.clearSelection()
    split = _edit_and_wait(qtbot, window, steering.split.trigger)  # the worst cluster
    assert split.k == k and max(split.result.step.ids) == max(ids) + 1
    victim = split.result.step.ids[0]
    _palette_click(qtbot, window, victim)
    deleted = _edit_and_wait(qtbot, window,
                             lambda: qtbot.keyClick(window.palette_view, Qt.Key.Key_Delete))
    assert deleted.k == k - 1 and victim not in deleted.result.step.ids
    target = deleted.result.step.ids[0]
    _palette_click(qtbot, window, target)
    window.steering.hex.setText("#c0392b")
    set_ = _edit_and_wait(qtbot, window, window.steering.hex.returnPressed.emit)
    row = set_.result.step.ids.index(target)
    assert tuple(set_.result.step.palette[row]) == (0xC0, 0x39, 0x2B)
    assert row in set_.result.step.locked  # a colour you set stays set
    window.palette_view.clearSelection()
    steering.eyedropper.trigger()
    view = window.view
    point = view.rect().center()
    pixel = view.image_point(point.toPointF())
    picked = _edit_and_wait(qtbot, window, lambda: qtbot.mouseClick(
        view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point))
    assert picked.k == k and not steering.eyedropper.isChecked()
    entry = window.model.history.current
    rgb = window.model.image.picture.rgb[int(pixel.y()), int(pixel.x())]
    assert entry.edit["op"] == "add" and entry.edit["colour"] == [int(v) for v in rgb]
    ops = [e.op for e in entry.recipe.edits]
    assert ops == ["merge", "split", "remove", "set", "add"]
    _replays(window, picked)


def test_impossible_edits_say_why(qtbot, window, photo, open_and_wait):
    first = open_and_wait(photo)
    _palette_click(qtbot, window, first.result.step.ids[0])
    assert not window.steering.merge.isEnabled()
    window.steering.merge.trigger()  # disabled: nothing happens, nothing runs
    assert not window.model.running
    from colorseg_gui.gui.run.replay import Edit

    one = first.result.step.ids[0]
    assert not window.steering.apply(Edit("merge", 0, (one, one)))
    assert "itself" in window.statusBar().currentMessage()


def test_the_k_slider_keeps_its_colours_and_cold_start_does_not(qtbot, window, photo,
                                                                open_and_wait):
    first = open_and_wait(photo)
    k = first.k
    warm = _edit_and_wait(qtbot, window, lambda: window.options_panel.k_spin.setValue(k + 1))
    assert warm.k == k + 1
    before, after = _by_id(first), _by_id(warm)
    kept = [cid for cid in before if cid in after]
    moved = delta_e_2000(srgb_to_lab(np.array([before[c] for c in kept])),
                         srgb_to_lab(np.array([after[c] for c in kept])))
    assert int((moved <= 2.0).sum()) >= k - 1
    assert window.model.history.current.edit["op"] == "k"
    _replays(window, warm)
    window.steering.cold.trigger()
    assert window.steering.cold.isChecked() and not window.controller.warm_k
    cold = _edit_and_wait(qtbot, window, lambda: window.options_panel.k_spin.setValue(k))
    assert window.model.history.current.edit is None
    assert cold.result.step.stop_reason is not StopReason.HELD
    np.testing.assert_array_equal(cold.palette, first.palette)  # the same fresh run


def test_the_k_chart_fills_and_a_click_sets_k(qtbot, window, photo, open_and_wait):
    first = open_and_wait(photo)
    chart = window.findChild(QWidget, "kChartView")
    assert chart is not None and window.k_sweep.dock.toggleViewAction().isChecked()
    qtbot.waitUntil(lambda: {3, 4, first.k} <= {r.k for r in chart.rows()}, timeout=120_000)
    row = next(r for r in chart.rows() if r.k == 4)
    point = chart._at(row.k, row.mean_delta_e).toPoint()
    chosen = _edit_and_wait(qtbot, window, lambda: qtbot.mouseClick(
        chart, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point))
    assert chosen.k == 4 and window.options_panel.k_spin.value() == 4
    assert window.model.history.current.edit["op"] == "k"


@pytest.mark.parametrize("space", ["lab"])
def test_a_locked_colour_is_exact_in_lab(qtbot, window, photo, open_and_wait, space):
    window.options_panel.set_options(window.options_panel.options().replace(space=space))
    first = open_and_wait(photo)
    cid = first.result.step.ids[0]
    window.palette_view.select_ids([cid])
    window.steering.hex.setText("#123456")
    outcome = _edit_and_wait(qtbot, window, window.steering.hex.returnPressed.emit)
    assert outcome.options.space == space
    np.testing.assert_array_equal(_by_id(outcome)[cid], [0x12, 0x34, 0x56])
    _replays(window, outcome)
