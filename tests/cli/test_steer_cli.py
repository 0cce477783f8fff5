"""`colorseg --lock`, `--init-palette`, `--suggest-k` and `--mode lock`."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import numpy as np
import pytest
from batch_helpers import photo, run_main
from PIL import Image

from colorseg_gui.engine.io.recipe import read_recipe

GPL = "GIMP Palette\nName: shelf\n#\n200 30 30 cadmium red\n30 30 200 ultramarine\n" \
      "240 240 240 titanium white\n"


def _pixels(path: Path) -> np.ndarray:
    with Image.open(path) as im:
        return np.asarray(im.convert("RGBA"))


@pytest.mark.parametrize("space", ["rgb", "lab", "oklab"])
def test_locked_colours_are_exact_in_the_palette_and_listed(tmp_path: Path, space: str):
    source = photo(tmp_path / "in.png")
    code, records, err = run_main(source, "-k", "5", "--lock", "#c0392b,#fff", "--space", space,
                                  "-o", tmp_path / "out.png", "--json")
    assert code == 0, err
    record = records[0]
    assert record["locked"] == ["#c0392b", "#ffffff"]
    assert {"#c0392b", "#ffffff"} <= {e["hex"] for e in record["palette"]}
    assert record["k"] == 5


def test_init_palette_sets_k_and_starts_there(tmp_path: Path):
    source = photo(tmp_path / "in.png")
    (tmp_path / "shelf.gpl").write_text(GPL)
    code, records, err = run_main(source, "--init-palette", tmp_path / "shelf.gpl",
                                  "-o", tmp_path / "out.png", "--json")
    assert code == 0, err
    assert records[0]["k"] == 3 and records[0]["init"] == "colours"
    assert "locked" not in records[0]


@pytest.mark.parametrize(("argv", "message"), [
    (["-k", "4", "--lock", "#c0392b,#zz"], "--lock: '#zz' is not a hex colour"),
    (["-k", "1", "--lock", "#c0392b,#fff"], "-k 1 is fewer than the 2 starting colours"),
    (["--lock", "#fff"], "-k is needed with locked colours"),
    (["--init-palette", "missing.gpl"], "--init-palette missing.gpl: no such file"),
    (["-k", "3", "--mode", "lock"], "--mode lock goes with --palette-in"),
])
def test_steering_errors_are_one_line_naming_the_value(tmp_path: Path, argv, message):
    source = photo(tmp_path / "in.png")
    code, _, err = run_main(source, *argv, "-o", tmp_path / "out.png")
    assert code == 2
    assert message in err.splitlines()[-1]


def test_mode_lock_locks_the_owned_colours_and_names_them(tmp_path: Path):
    source = photo(tmp_path / "in.png")
    (tmp_path / "shelf.gpl").write_text(GPL)
    code, records, err = run_main(source, "-k", "4", "--palette-in", tmp_path / "shelf.gpl",
                                  "--mode", "lock", "--owned", "cadmium red,titanium white",
                                  "-o", tmp_path / "out.png", "--json", "--masks",
                                  tmp_path / "masks")
    assert code == 0, err
    record = records[0]
    assert record["locked"] == ["#c81e1e", "#f0f0f0"]
    named = {e["hex"]: e.get("name") for e in record["palette"]}
    assert named["#c81e1e"] == "cadmium red" and named["#f0f0f0"] == "titanium white"
    assert any("titanium-white" in m for m in record["masks"])


def test_suggest_k_prints_the_table_and_segments_with_its_k(tmp_path: Path):
    rgb = np.zeros((40, 40, 3), np.uint8)
    for i, colour in enumerate([(200, 20, 20), (20, 200, 20), (20, 20, 200), (230, 230, 30)]):
        rgb[i * 10:(i + 1) * 10] = colour
    rgb[::7, ::5] = (120, 120, 120)
    Image.fromarray(rgb).save(tmp_path / "flat.png")
    from colorseg_gui.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(tmp_path / "flat.png"), "--suggest-k", "-d", str(tmp_path / "o")])
    assert code == 0, err.getvalue()
    text = out.getvalue()
    assert "J versus k" in text and "suggested k: 4" in text
    assert "k=4," in text and (tmp_path / "o" / "flat_clusterauto.png").exists()
    # With -k the table is printed and k is kept.
    code, records, _ = run_main(tmp_path / "flat.png", "--suggest-k", "-k", "3", "--json",
                                "-o", tmp_path / "three.png")
    assert code == 0 and records[0]["k"] == 3 and records[0]["suggested_k"] == 4
    assert [r["k"] for r in records[0]["k_table"]] == [2, 3, 4, 5]  # 5 colours in all


def test_replay_of_locks_and_starting_colours_gives_the_same_pixels(tmp_path: Path):
    source = photo(tmp_path / "in.png")
    (tmp_path / "shelf.gpl").write_text(GPL)
    first = tmp_path / "first.png"
    code, _, err = run_main(source, "-k", "6", "--lock", "#c0392b", "--init-palette",
                                  tmp_path / "shelf.gpl", "--space", "lab", "--seed", "5",
                                  "-o", first, "--json")
    assert code == 0, err
    settings = read_recipe(first)["settings"]
    assert settings["locked"] == [0] and len(settings["init"]) == 4
    again = tmp_path / "again.png"
    code, replayed, err = run_main(source, "--replay", first, "-o", again, "--json")
    assert code == 0, err
    assert replayed[0]["locked"] == ["#c0392b"]
    assert np.array_equal(_pixels(first), _pixels(again))
