"""Live refinement, restarts, stop, and the generation rule: never paint an older request."""

from __future__ import annotations

import threading

import numpy as np
from gui_images import make_gradient

from colorseg_gui.engine import KMeansOptions
from colorseg_gui.gui.palette_view import hex_color


def _strict(window, k: int) -> None:  # type: ignore[no-untyped-def]
    """Exact Lloyd convergence (no pixel changes cluster): many iterations on a gradient."""
    window.options_panel.set_options(KMeansOptions(k=k, tol=0.0, max_iter=300))


def test_preview_refines_live_and_palette_matches_the_result(qtbot, window, tmp_path):
    path = make_gradient(tmp_path / "gradient.png", 480, 320)
    _strict(window, 12)
    shown: list[int] = []
    window.preview_shown.connect(shown.append)
    with qtbot.waitSignal(window.result_ready, timeout=120_000) as blocker:
        window.open_path(path)
    outcome = blocker.args[0]
    result = outcome.result
    assert result.stop_reason == "converged" and result.iterations >= 10
    # The payload reads like the engine's SegmentResult.
    assert outcome.labels is result.labels and outcome.iterations == result.iterations
    exact_steps = [i for i in shown if i > 0]
    assert len(exact_steps) >= 3, shown
    assert exact_steps == sorted(exact_steps)  # newest always wins, never an older step
    order = np.argsort(-result.weights, kind="stable")
    expected = [(int(c), hex_color(result.palette[c])) for c in order]
    assert window.palette_view.entries() == expected
    assert window.view.has_result()
    # The full-resolution result is what the view holds once the run ends.
    assert outcome.image.shape == (320, 480, 3)
    palette_rows = {hex_color(c) for c in outcome.image.reshape(-1, 3)}
    assert palette_rows <= {hex for _, hex in expected}


def test_changing_k_mid_run_ends_with_the_new_k_and_never_paints_stale(qtbot, window, tmp_path):
    path = make_gradient(tmp_path / "gradient.png", 480, 320)
    _strict(window, 24)
    controller, model = window.controller, window.model
    painted: list[tuple[int, int]] = []  # (generation, k) of everything painted
    model.frame_ready.connect(lambda f: painted.append((controller.generation, int(f.step.k))))
    model.result_ready.connect(lambda o: painted.append((controller.generation, int(o.k))))
    with qtbot.waitSignal(window.preview_shown, timeout=60_000,
                          check_params_cb=lambda i: i >= 1):
        window.open_path(path)
    first_gen = controller.generation
    assert model.cache is not None  # histogram cached: the restart will not re-decode
    with qtbot.assertNotEmitted(model.image_loaded), \
            qtbot.waitSignal(window.result_ready, timeout=120_000) as blocker:
        window.options_panel.k_spin.setValue(5)  # debounced, then restarts
    assert blocker.args[0].k == 5
    new_gen = controller.generation
    assert new_gen > first_gen
    seen_new = False
    for gen, k in painted:
        if gen == new_gen:
            seen_new = True
            assert k == 5
        else:
            assert not seen_new, "an older generation was painted after the new one"
    assert len(window.palette_view.entries()) == 5
    assert window.options_panel.k_slider.value() == 5


def test_stale_signals_are_dropped(qtbot, window, small_photo):
    with qtbot.waitSignal(window.result_ready, timeout=60_000) as blocker:
        window.open_path(small_photo)
    outcome = blocker.args[0]
    controller, model = window.controller, window.model
    stale = controller.generation - 1
    with qtbot.assertNotEmitted(model.step_added, wait=100), \
            qtbot.assertNotEmitted(model.frame_ready, wait=100), \
            qtbot.assertNotEmitted(model.result_ready, wait=100):
        controller._on_step_ready(stale, object())
        controller._on_frame_ready(stale, object())
        controller._on_finished(stale, outcome)


def test_slider_is_debounced_to_one_run(qtbot, window, small_photo):
    with qtbot.waitSignal(window.result_ready, timeout=60_000):
        window.open_path(small_photo)
    runs: list[int] = []
    window.controller.busy_changed.connect(lambda busy: runs.append(busy))
    requests: list[object] = []
    window.options_panel.options_changed.connect(requests.append)
    slider = window.findChild(type(window.options_panel.k_slider), "kSlider")
    for value in range(3, 12):
        slider.setValue(value)
    with qtbot.waitSignal(window.result_ready, timeout=60_000) as blocker:
        pass
    assert len(requests) == 1 and requests[0].k == 11
    assert blocker.args[0].k == 11
    assert window.findChild(type(window.options_panel.k_spin), "kSpinBox").value() == 11


def test_spin_box_reaches_beyond_the_slider(qtbot, window, small_photo):
    slider, spin = window.options_panel.k_slider, window.options_panel.k_spin
    assert (slider.minimum(), slider.maximum()) == (2, 64)
    assert (spin.minimum(), spin.maximum()) == (1, 256)
    with qtbot.waitSignal(window.result_ready, timeout=60_000):
        window.open_path(small_photo)
    with qtbot.waitSignal(window.result_ready, timeout=60_000) as blocker:
        spin.setValue(100)
    assert blocker.args[0].k == 100 and slider.value() == 64


def test_stop_keeps_the_current_step(qtbot, window, tmp_path):
    path = make_gradient(tmp_path / "gradient.png", 480, 320)
    _strict(window, 32)
    window.options_panel.set_options(KMeansOptions(k=32, tol=0.0, max_iter=10_000))
    shown: list[int] = []
    window.preview_shown.connect(shown.append)
    with qtbot.waitSignal(window.preview_shown, timeout=60_000,
                          check_params_cb=lambda i: i >= 2):
        window.open_path(path)
    with qtbot.waitSignal(window.result_ready, timeout=60_000) as blocker:
        window.commands.stop.trigger()
    outcome = blocker.args[0]
    assert outcome.stopped and outcome.result.stop_reason == "stopped"
    assert outcome.result.iterations >= max(shown)
    assert window.status.state_text() == "Stopped by you"
    assert window.commands.save.isEnabled()


def test_options_restart_from_cache_with_new_space_and_seed(qtbot, window, small_photo):
    with qtbot.waitSignal(window.result_ready, timeout=60_000):
        window.open_path(small_photo)
    with qtbot.waitSignal(window.result_ready, timeout=60_000) as blocker:
        window.options_panel.space_combo.setCurrentIndex(
            window.options_panel.space_combo.findData("lab"))
    assert blocker.args[0].result.space == "lab"
    with qtbot.waitSignal(window.result_ready, timeout=60_000) as blocker:
        window.options_panel.new_seed_button.click()
    assert blocker.args[0].result.seed == window.options_panel.seed_spin.value()


def test_new_k_while_colours_are_counted_counts_them_once(qtbot, window, photo, monkeypatch):
    from colorseg_gui.gui import worker as worker_module

    counted: list[tuple[int, int]] = []
    started, changed = threading.Event(), threading.Event()
    original = worker_module.build_histogram

    def counting(rgb, alpha=None):  # type: ignore[no-untyped-def]
        if rgb.shape[:2] == (512, 768):  # the full image, not the quick-look sample
            counted.append(rgb.shape[:2])
            started.set()
            changed.wait(30)  # hold the count until the GUI has asked for a new k
        return original(rgb, alpha)

    monkeypatch.setattr(worker_module, "build_histogram", counting)
    with qtbot.waitSignal(window.result_ready, timeout=60_000,
                          check_params_cb=lambda outcome: outcome.k == 3) as blocker:
        window.open_path(photo)
        qtbot.waitUntil(started.is_set, timeout=30_000)
        assert window.controller.set_options(KMeansOptions(k=3)) is not None
        changed.set()
    assert blocker.args[0].k == 3
    assert counted == [(512, 768)]  # the count under way was reused, not repeated


def test_palette_rows_keep_their_places_while_steps_arrive(qtbot, window, tmp_path):
    path = make_gradient(tmp_path / "gradient.png", 480, 320)
    _strict(window, 12)
    orders: list[tuple[int, list[int]]] = []

    def record(iteration: int) -> None:
        if iteration > 0:  # exact steps of the run
            orders.append((iteration, [c for c, _ in window.palette_view.entries()]))

    window.preview_shown.connect(record)
    with qtbot.waitSignal(window.result_ready, timeout=120_000) as blocker:
        window.open_path(path)
    assert len(orders) >= 3, orders
    first = orders[0][1]
    assert all(rows == first for _, rows in orders[1:])  # no swatch moved during the run
    result = blocker.args[0].result
    final = [c for c, _ in window.palette_view.entries()]
    assert final == [int(c) for c in np.argsort(-result.weights, kind="stable")]


def test_the_picture_never_gets_worse_while_a_run_converges(qtbot, window, tmp_path,
                                                            shared_photos, open_and_wait):
    """On Shell at 1280x720, k=8, the exact run's first steps are farther from the photo
    than the quick look: they wait, so the error shown for the image only falls."""
    from PIL import Image

    with Image.open(shared_photos / "Shell_5120x2880.jpg") as im:
        im.draft("RGB", (1280, 720))
        im.convert("RGB").resize((1280, 720)).save(tmp_path / "shell.png")
    window.options_panel.set_options(KMeansOptions(k=8, seed=0))
    shown: list[str] = []  # the error the status bar shows with each frame painted
    arrived: list[tuple[int, float]] = []  # (colours labelled, error) of every frame
    window.model.frame_ready.connect(
        lambda frame: arrived.append((frame.step.labels.shape[0], frame.mse)))
    window.display.preview_shown.connect(lambda _: shown.append(window.status.error.text()))
    outcome = open_and_wait(tmp_path / "shell.png")
    # The first frame is the sample's (its error is the sample's), then the same quick look
    # on every pixel, then exact steps: from the second one on, the error only falls.
    errors = [float(text.split()[-1]) for text in shown[1:]]
    assert len(errors) >= 2 and errors == sorted(errors, reverse=True)
    colours = outcome.result.histogram.n_colors
    whole = [mse for labelled, mse in arrived if labelled == colours]
    assert arrived[0][0] != colours  # the first look was of a sample
    assert any(later > whole[0] for later in whole[1:])  # worse frames came, and waited
    assert outcome.mse ** 0.5 <= errors[-1] + 0.05
