"""File > Save Session and Open Session: the work on an image, replayed bit for bit."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from colorseg_gui.engine import KMeansOptions, read_session
from colorseg_gui.gui import session_files


def _run(qtbot, window, options: KMeansOptions):
    with qtbot.waitSignal(window.result_ready, timeout=60_000) as done:
        window.options_panel.set_options(options)
        window.controller.set_options(options)
    return done.args[0]


@pytest.fixture
def saved(qtbot, window, photo, open_and_wait, tmp_path, monkeypatch):
    """A photo run twice (k=5, then k=7 with cleanup and a seed) and saved as a session."""
    window.options_panel.set_options(KMeansOptions(k=5, seed=0))
    open_and_wait(photo)
    window.finishing.panel.min_region.setValue(30)
    window.finishing.panel.flush()
    last = _run(qtbot, window, KMeansOptions(k=7, seed=4, space="lab"))
    target = tmp_path / "work.colorseg"
    monkeypatch.setattr(session_files, "ask_session_save_path", lambda *args: target)
    window.sessions.save_action.trigger()
    assert target.exists()
    return target, last


def test_a_saved_session_holds_every_run_of_the_image_and_the_current_one(saved, photo):
    path, last = saved
    session = read_session(path)
    assert Path(session.image_path) == photo.resolve() and len(session.image_sha256) == 64
    assert [run.settings["k"] for run in session.runs] == [5, 7]
    assert session.current == 1 and session.run.settings["space"] == "lab"
    assert session.run.settings["min_area"] == 30
    assert session.run.palette == [f"#{r:02x}{g:02x}{b:02x}" for r, g, b in last.result.palette]


def test_opening_a_session_replays_the_same_labels_palette_and_settings(
        qtbot, window, saved, monkeypatch):
    path, last = saved
    _run(qtbot, window, KMeansOptions(k=3, seed=9))  # the user goes on with something else
    window.finishing.panel.min_region.setValue(0)
    window.finishing.panel.flush()
    monkeypatch.setattr(session_files, "ask_session_open_path", lambda *args: path)
    with qtbot.waitSignal(window.result_ready, timeout=60_000) as replayed:
        window.sessions.open_action.trigger()
    again = replayed.args[0]
    assert again.options == last.options
    np.testing.assert_array_equal(again.result.labels, last.result.labels)
    np.testing.assert_array_equal(again.result.palette, last.result.palette)
    assert window.finishing.panel.make_options().cleanup.min_area == 30
    assert window.options_panel.options() == last.options


def test_a_changed_image_is_said_and_the_original_can_be_located(
        qtbot, window, saved, photo, tmp_path, monkeypatch):
    path, last = saved
    original = tmp_path / "kept" / photo.name
    original.parent.mkdir()
    shutil.copy(photo, original)
    photo.write_bytes(photo.read_bytes()[:-10] + b"0123456789")  # the user edited it
    asked: list[tuple[str, bool]] = []
    answers = iter(["cancel", "locate"])

    def answer(parent, problem, changed):
        asked.append((problem, changed))
        return next(answers)

    monkeypatch.setattr(session_files, "ask_image_problem", answer)
    monkeypatch.setattr(session_files, "ask_locate_image", lambda *args: original)
    with qtbot.assertNotEmitted(window.result_ready, wait=200):
        assert window.sessions.open(path) is False
    assert asked == [(f"the image {photo.name} has changed since the session was saved", True)]
    with qtbot.waitSignal(window.result_ready, timeout=60_000) as replayed:
        assert window.sessions.open(path) is True
    np.testing.assert_array_equal(replayed.args[0].result.labels, last.result.labels)


def test_a_damaged_session_is_refused_in_one_line_and_what_is_open_stays(
        qtbot, window, saved, tmp_path, monkeypatch):
    _, last = saved
    bad = tmp_path / "bad.colorseg"
    bad.write_text(json.dumps({"format": "colorseg-session", "version": 99}))
    messages: list[str] = []
    monkeypatch.setattr(session_files.QMessageBox, "warning",
                        lambda parent, title, text: messages.append(text))
    assert window.sessions.open(bad) is False
    assert messages == ["bad.colorseg: made by a newer ColorSeg (?); update ColorSeg to open it"]
    assert window.outcome is last


def test_the_maker_bundle_carries_the_session(qtbot, window, saved):
    files = dict(window.sessions.bundle_files())
    (name, content), = files.items()
    assert name == "kodim23.colorseg"
    assert json.loads(content)["runs"][-1]["settings"]["k"] == 7


def test_a_session_with_a_lock_a_merge_a_split_and_a_cleanup_replays_bit_for_bit(
        qtbot, window, photo, open_and_wait, tmp_path, monkeypatch):
    from test_steer_window import _edit_and_wait, _palette_click

    window.options_panel.set_options(KMeansOptions(k=7, seed=2, space="lab"))
    first = open_and_wait(photo)
    window.finishing.panel.min_region.setValue(25)
    window.finishing.panel.flush()
    ids = first.result.step.ids
    _edit_and_wait(qtbot, window, lambda: _palette_click(qtbot, window, ids[1], on_swatch=True))
    _palette_click(qtbot, window, ids[2])
    _palette_click(qtbot, window, ids[3], ctrl=True)
    _edit_and_wait(qtbot, window, window.steering.merge.trigger)
    window.palette_view.clearSelection()
    edited = _edit_and_wait(qtbot, window, window.steering.split.trigger)
    assert [e.op for e in window.model.history.current.recipe.edits] == ["lock", "merge",
                                                                          "split"]
    target = tmp_path / "steered.colorseg"
    monkeypatch.setattr(session_files, "ask_session_save_path", lambda *args: target)
    window.sessions.save_action.trigger()
    saved = read_session(target)
    assert [e["op"] for e in saved.run.recipe["edits"]] == ["lock", "merge", "split"]

    _run(qtbot, window, KMeansOptions(k=3, seed=9))  # something else in between
    window.finishing.panel.min_region.setValue(0)
    window.finishing.panel.flush()
    replayed: list = []
    window.result_ready.connect(replayed.append)
    assert window.sessions.open(target)
    qtbot.waitUntil(lambda: len(replayed) == 2, timeout=60_000)  # the first run, then the edits
    again = replayed[-1].result
    np.testing.assert_array_equal(again.labels, edited.result.labels)
    np.testing.assert_array_equal(again.palette, edited.result.palette)
    assert again.step.ids == edited.result.step.ids
    assert again.step.locked == edited.result.step.locked
    assert window.finishing.panel.make_options().cleanup.min_area == 25
