"""The recipe inside every result, and `colorseg --replay RESULT INPUT` making it again."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from batch_helpers import run_main
from PIL import Image
from speckled import speckled

from colorseg_gui import __version__
from colorseg_gui.engine.io.recipe import RecipeError, read_recipe


def _pixels(path: Path) -> np.ndarray:
    with Image.open(path) as im:
        return np.asarray(im.convert("RGBA"))


@pytest.mark.parametrize("ext", [".png", ".jpg", ".webp", ".tif"])
def test_every_result_carries_its_recipe(tmp_path: Path, ext: str):
    source = speckled(tmp_path / "in.png", (200, 30, 30), (30, 30, 200))
    code, records, err = run_main(source, "-k", "3", "-o", tmp_path / f"out{ext}", "--json",
                              "--space", "lab", "--seed", "7", "--min-region", "10")
    assert code == 0, err
    recipe = read_recipe(tmp_path / f"out{ext}")
    assert recipe["colorseg"] == __version__
    settings = recipe["settings"]
    assert (settings["k"], settings["space"], settings["seed"], settings["min_area"]) == (
        3, "lab", 7, 10)
    assert [e["hex"] for e in recipe["palette"]] == [e["hex"] for e in records[0]["palette"]]


def test_replay_makes_the_same_pixels(tmp_path: Path):
    source = speckled(tmp_path / "in.png", (200, 30, 30), (30, 30, 200))
    first = tmp_path / "first.png"
    code, _, err = run_main(source, "-k", "4", "-o", first, "--space", "oklab", "--seed", "3",
                        "--min-region", "10", "--dither", "bayer", "--dither-strength", "0.4",
                        "--indexed", "--json")
    assert code == 0, err
    again = tmp_path / "again.png"
    code, records, err = run_main(source, "--replay", first, "-o", again, "--indexed", "--json")
    assert code == 0, err
    assert records[0]["space"] == "oklab" and records[0]["k"] == 3  # 3 colours in the image
    assert records[0]["dither"] == {"method": "bayer", "strength": 0.4}
    assert np.array_equal(_pixels(first), _pixels(again))


def test_replay_refuses_a_file_without_a_recipe(tmp_path: Path):
    plain = tmp_path / "plain.png"
    Image.new("RGB", (4, 4)).save(plain)
    with pytest.raises(RecipeError, match=r"plain\.png: holds no ColorSeg recipe"):
        read_recipe(plain)
    code, _, err = run_main(plain, "--replay", plain, "-d", tmp_path / "o")
    assert code == 2 and "holds no ColorSeg recipe" in err


def test_replay_of_a_photo_with_own_colours_and_cleanup(tmp_path: Path, shared_images: Path):
    shelf = tmp_path / "shelf.hex"
    shelf.write_text("1d2b53\n7e2553\n008751\nab5236\n5f574f\nc2c3c7\nfff1e8\nff004d\n")
    photo = shared_images / "photo_kodim23.png"
    first = tmp_path / "first.png"
    code, _, err = run_main(photo, "-k", "6", "-o", first, "--seed", "5", "--palette-in", shelf,
                        "--mode", "pick", "--min-region", "30", "--dither", "fs",
                        "--dither-strength", "0.5", "--json")
    assert code == 0, err
    again = tmp_path / "again.png"
    code, records, err = run_main(photo, "--replay", first, "-o", again, "--json")
    assert code == 0, err
    assert records[0]["owned"]["mode"] == "pick" and len(records[0]["owned"]["chosen"]) == 6
    assert np.array_equal(_pixels(first), _pixels(again))
