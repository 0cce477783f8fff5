"""Save, Save As, palette and mask export write the files a user expects."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from app_process import window_script
from PIL import Image
from PySide6.QtGui import QGuiApplication

from colorseg_gui.engine import KMeansOptions
from colorseg_gui.gui import export, files


def test_save_writes_stem_cluster_k_beside_the_image(qtbot, window, photo, open_and_wait,
                                                    monkeypatch):
    outcome = open_and_wait(photo)
    with qtbot.waitSignal(window.files_written, timeout=30_000):
        window.commands.save.trigger()
    target = photo.with_name(f"kodim23_cluster{outcome.k}.png")
    assert target.is_file()
    with Image.open(target) as saved:
        assert np.array_equal(np.asarray(saved.convert("RGB")), outcome.image)
    # A second save asks before replacing; answering no leaves the file alone.
    asked: list[Path] = []
    monkeypatch.setattr(files, "confirm_replace",
                        lambda parent, paths: asked.extend(paths) or False)
    before = target.stat().st_mtime_ns
    target.write_bytes(b"keep me")
    with qtbot.assertNotEmitted(window.files_written, wait=300):
        window.commands.save.trigger()
    assert asked == [target] and target.read_bytes() == b"keep me"
    assert before  # the first save happened


def test_save_as_indexed_png_and_jpeg(qtbot, window, photo, open_and_wait, monkeypatch, tmp_path):
    outcome = open_and_wait(photo)
    answers = iter([
        (tmp_path / "indexed", export.INDEXED_FILTER),
        (tmp_path / "photo.jpg", "JPEG image (*.jpg *.jpeg)"),
    ])
    monkeypatch.setattr(files, "ask_save_path", lambda *args: next(answers))
    with qtbot.waitSignal(window.files_written, timeout=30_000):
        window.commands.save_as.trigger()
    with Image.open(tmp_path / "indexed.png") as indexed:
        assert indexed.mode == "P"
        colours = {tuple(c) for c in np.asarray(indexed.convert("RGB")).reshape(-1, 3)}
    assert colours == {tuple(c) for c in outcome.palette[np.unique(outcome.result.labels)]}
    with qtbot.waitSignal(window.files_written, timeout=30_000):
        window.commands.save_as.trigger()
    with Image.open(tmp_path / "photo.jpg") as jpeg:
        assert jpeg.format == "JPEG" and jpeg.size == (768, 512)


def test_export_palette_and_masks(qtbot, window, photo, open_and_wait, monkeypatch, tmp_path):
    outcome = open_and_wait(photo)
    monkeypatch.setattr(files, "ask_save_path",
                        lambda *args: (tmp_path / "colours.json", "JSON"))
    with qtbot.waitSignal(window.files_written, timeout=30_000):
        window.commands.export_palette.trigger()
    document = json.loads((tmp_path / "colours.json").read_text())
    exported = [entry["hex"].lower() for entry in document["colors"]]
    shown = [hex_value for _, hex_value in window.palette_view.entries()]
    assert exported == shown  # same colours, same order (largest share first)
    masks_dir = tmp_path / "masks"
    monkeypatch.setattr(files, "ask_folder", lambda *args: masks_dir)
    with qtbot.waitSignal(window.files_written, timeout=30_000) as blocker:
        window.commands.export_masks.trigger()
    assert sorted(blocker.args[0]) == sorted(masks_dir.glob("*.png"))
    written = sorted(masks_dir.glob("*.png"))
    assert len(written) == outcome.k
    total = np.zeros((512, 768), dtype=int)
    for mask_file in written:
        with Image.open(mask_file) as mask:
            total += np.asarray(mask.convert("L")) > 0
    assert (total == 1).all()  # the masks partition the image


def test_copy_result_puts_the_full_image_on_the_clipboard(qtbot, window, photo, open_and_wait):
    outcome = open_and_wait(photo)
    window.view.setFocus()
    window.commands.copy_result.trigger()
    image = QGuiApplication.clipboard().image()
    assert (image.width(), image.height()) == (768, 512)
    r, g, b = (int(v) for v in outcome.image[10, 10])
    assert image.pixelColor(10, 10).name() == f"#{r:02x}{g:02x}{b:02x}"


def test_save_actions_are_disabled_without_a_result(window):
    for action in (window.commands.save, window.commands.save_as,
                   window.commands.export_palette, window.commands.export_masks,
                   window.commands.copy_result):
        assert not action.isEnabled()


def test_a_failed_save_says_why_and_keeps_the_result(qtbot, window, photo, open_and_wait,
                                                    monkeypatch, tmp_path):
    from PySide6.QtWidgets import QMessageBox

    open_and_wait(photo)
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        staticmethod(lambda parent, title, text, *a: shown.append((title, text))))
    missing = tmp_path / "no" / "such" / "folder" / "out.png"
    monkeypatch.setattr(files, "ask_save_path", lambda *args: (missing, "PNG image (*.png)"))
    with qtbot.waitSignal(window.tasks.failed, timeout=30_000):
        window.commands.save_as.trigger()
    assert shown and shown[0][0] == "Cannot save" and "out.png" in shown[0][1]
    assert window.outcome is not None and window.commands.save.isEnabled()


def test_closing_right_after_a_save_does_not_hang(photo, tmp_path):
    """The window closes from inside the 'saved' notification, before the task thread quit."""
    import subprocess
    import sys

    script = window_script(
        tmp_path,
        f"""
        window.result_ready.connect(lambda outcome: window.commands.save.trigger())
        window.files_written.connect(lambda path: (print("saved", path), window.close()))
        window.open_path({str(photo)!r})
        QTimer.singleShot(120_000, lambda: sys.exit(3))
        sys.exit(app.exec())
        """,
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=180)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "saved" in proc.stdout
    assert photo.with_name("kodim23_cluster8.png").is_file()


def test_mask_n_index_n_and_palette_colour_n_are_one_cluster(qtbot, window, photo,
                                                             open_and_wait, monkeypatch,
                                                             tmp_path):
    """Exports number clusters like the palette file (largest share first), as the CLI does."""
    outcome = open_and_wait(photo)
    # The engine's own cluster order is not the share order here, so the check can fail.
    assert not np.array_equal(np.argsort(-outcome.weights, kind="stable"),
                              np.arange(outcome.k))
    answers = iter([(tmp_path / "colours.json", "JSON"),
                    (tmp_path / "indexed.png", export.INDEXED_FILTER)])
    monkeypatch.setattr(files, "ask_save_path", lambda *args: next(answers))
    monkeypatch.setattr(files, "ask_folder", lambda *args: tmp_path / "masks")
    for action in (window.commands.export_palette, window.commands.save_as,
                   window.commands.export_masks):
        with qtbot.waitSignal(window.files_written, timeout=30_000):
            action.trigger()
    document = json.loads((tmp_path / "colours.json").read_text())
    colours = np.array([entry["rgb"] for entry in document["colors"]], dtype=np.uint8)
    masks = sorted((tmp_path / "masks").glob("*.png"))
    assert len(masks) == len(colours) == outcome.k
    with Image.open(tmp_path / "indexed.png") as indexed:
        index = np.asarray(indexed)
        plte = np.frombuffer(indexed.palette.tobytes(), dtype=np.uint8).reshape(-1, 3)
    assert np.array_equal(plte[: outcome.k], colours)
    for n, (colour, mask_file) in enumerate(zip(colours, masks, strict=True)):
        wanted = (outcome.image == colour).all(axis=2)
        with Image.open(mask_file) as mask:
            assert np.array_equal(np.asarray(mask.convert("L")) > 0, wanted), mask_file.name
        assert np.array_equal(index == n, wanted)


def test_window_and_command_write_the_same_palette_schema_and_mask_names(
    qtbot, window, photo, open_and_wait, monkeypatch, tmp_path
):
    from colorseg_gui.cli import main as colorseg

    outcome = open_and_wait(photo)
    monkeypatch.setattr(files, "ask_save_path",
                        lambda *args: (tmp_path / "window.json", "JSON"))
    with qtbot.waitSignal(window.files_written, timeout=30_000):
        window.commands.export_palette.trigger()
    monkeypatch.setattr(files, "ask_folder", lambda *args: tmp_path / "window_masks")
    with qtbot.waitSignal(window.files_written, timeout=30_000):
        window.commands.export_masks.trigger()
    assert colorseg([str(photo), "-k", str(outcome.k), "-d", str(tmp_path / "cli"), "-q",
                     "--palette", str(tmp_path / "cli.json"),
                     "--masks", str(tmp_path / "cli_masks")]) == 0
    from_window = json.loads((tmp_path / "window.json").read_text())
    from_cli = json.loads((tmp_path / "cli.json").read_text())
    assert set(from_window) == set(from_cli)
    assert set(from_window["colors"][0]) == set(from_cli["colors"][0])
    assert from_window["name"] == from_cli["name"] == f"kodim23 k={outcome.k}"
    assert from_window["source"] == from_cli["source"] == "kodim23.png"
    window_masks = sorted(p.name for p in (tmp_path / "window_masks").glob("*.png"))
    cli_masks = sorted(p.name for p in (tmp_path / "cli_masks").glob("*.png"))
    assert window_masks == cli_masks and window_masks[0] == "kodim23_mask0.png"


def test_a_saved_result_carries_its_recipe_and_the_command_replays_it(
    qtbot, window, photo, open_and_wait, monkeypatch, tmp_path
):
    from colorseg_gui.cli import main as colorseg
    from colorseg_gui.engine.io.recipe import read_recipe

    window.options_panel.seed_spin.setValue(11)
    window.options_panel.flush()
    outcome = open_and_wait(photo)
    target = tmp_path / "from_window.png"
    monkeypatch.setattr(files, "ask_save_path", lambda *args: (target, "PNG image (*.png)"))
    with qtbot.waitSignal(window.files_written, timeout=30_000):
        window.commands.save_as.trigger()
    settings = read_recipe(target)["settings"]
    assert (settings["k"], settings["seed"], settings["space"]) == (outcome.k, 11, "rgb")
    again = tmp_path / "replayed.png"
    assert colorseg([str(photo), "--replay", str(target), "-o", str(again), "-q"]) == 0
    with Image.open(target) as a, Image.open(again) as b:
        assert np.array_equal(np.asarray(a), np.asarray(b))  # same pixels, window or command


def test_copy_as_command_line_gives_a_command_that_makes_the_same_result(
    qtbot, window, photo, open_and_wait, monkeypatch, tmp_path
):
    import shlex

    from PySide6.QtGui import QAction

    from colorseg_gui.cli import main as colorseg

    window.options_panel.seed_spin.setValue(4)
    window.options_panel.flush()
    outcome = open_and_wait(photo)
    panel = window.finishing.panel
    with qtbot.waitSignal(window.finishing.finisher.finished, timeout=30_000):
        panel.min_region.setValue(25)
        window.finishing.flush()
    target = tmp_path / "window.png"
    monkeypatch.setattr(files, "ask_save_path", lambda *args: (target, "PNG image (*.png)"))
    with qtbot.waitSignal(window.files_written, timeout=30_000):
        window.commands.save_as.trigger()
    action = window.findChild(QAction, "copyCommandLineAction")
    action.trigger()
    text = QGuiApplication.clipboard().text()
    argv = shlex.split(text)
    assert argv[:2] == ["colorseg", str(photo)] and "--min-region" in argv
    assert argv[argv.index("-k") + 1] == str(outcome.k)
    made = tmp_path / "command.png"
    assert colorseg([*argv[1:], "-o", str(made), "-q"]) == 0
    with Image.open(target) as a, Image.open(made) as b:
        assert np.array_equal(np.asarray(a), np.asarray(b))


def test_my_colours_locked_in_the_run_stay_exact_and_the_command_line_remakes_it(
    qtbot, window, photo, open_and_wait, monkeypatch, tmp_path
):
    """My Colours, "lock": the ticked colours are locked centroids of the run (k counts
    them), the others float; Copy as Command Line says it as --palette-in --mode lock."""
    import shlex

    from PySide6.QtCore import Qt
    from PySide6.QtGui import QAction

    from colorseg_gui.cli import main as colorseg

    shelf = tmp_path / "shelf.gpl"
    shelf.write_text("GIMP Palette\nName: Shelf\n200  60  40\tCadmium Red\n"
                     "250 250 250\tTitanium White\n 20  20 120\tPrussian Blue\n")
    window.options_panel.set_options(KMeansOptions(k=6, seed=1))
    open_and_wait(photo)
    panel = window.finishing.own_colours
    assert panel.load(shelf)
    panel.colours.item(2).setCheckState(Qt.CheckState.Unchecked)
    with qtbot.waitSignal(window.result_ready, timeout=60_000) as ran:
        panel.mode.setCurrentIndex(panel.mode.findData("lock"))
        panel.flush()
    step = ran.args[0].result.step
    assert step.locked == (0, 1) and len(step.palette) == 6
    assert [tuple(int(v) for v in step.palette[row]) for row in step.locked] == [
        (200, 60, 40), (250, 250, 250)]
    target = tmp_path / "window.png"
    monkeypatch.setattr(files, "ask_save_path", lambda *args: (target, "PNG image (*.png)"))
    with qtbot.waitSignal(window.files_written, timeout=30_000):
        window.commands.save_as.trigger()
    window.findChild(QAction, "copyCommandLineAction").trigger()
    argv = shlex.split(QGuiApplication.clipboard().text())
    assert argv[argv.index("--mode") + 1] == "lock"
    made = tmp_path / "command.png"
    assert colorseg([*argv[1:], "-o", str(made), "-q"]) == 0
    with Image.open(target) as a, Image.open(made) as b:
        assert np.array_equal(np.asarray(a), np.asarray(b))
