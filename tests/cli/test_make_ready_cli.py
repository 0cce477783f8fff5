"""`colorseg` ready to make: region cleanup, dithering and the error map, end to end."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from batch_helpers import run_main
from PIL import Image
from speckled import speckled

from colorseg_gui.engine.make.regions import CleanupOptions, clean_regions, count_regions


def _speckled(path: Path, alpha: bool = False) -> Path:
    return speckled(path, (200, 30, 30), (30, 30, 200), alpha)  # red and blue halves


def _labels(path: Path) -> np.ndarray:
    with Image.open(path) as im:
        return np.asarray(im)


def test_min_region_removes_the_specks_and_the_outputs_follow(tmp_path: Path):
    source = _speckled(tmp_path / "speckled.png")
    code, records, err = run_main(source, "-k", "3", "-d", tmp_path / "out", "--json",
                              "--min-region", "20", "--labels", tmp_path / "labels.png",
                              "--masks", tmp_path / "masks")
    assert code == 0, err
    regions = records[0]["regions"]
    assert regions["regions_before"] == 43 and regions["small_before"] == 41
    assert regions["small_after"] == 0 and regions["regions_after"] == 2
    labels = _labels(tmp_path / "labels.png")
    assert count_regions(labels) == 2
    _, again = clean_regions(labels, np.zeros((3, 3), np.uint8), CleanupOptions(min_area=20))
    assert again.small_before == 0
    masks = sorted((tmp_path / "masks").glob("*.png"))
    white = next(i for i, e in enumerate(records[0]["palette"]) if e["rgb"][0] > 240)
    assert records[0]["palette"][white]["pixels"] == 0  # the white cluster paints nothing now
    with Image.open(masks[white]) as mask:
        assert not np.asarray(mask).any()
    with Image.open(tmp_path / "out" / "speckled_cluster3.png") as result:
        pixels = np.asarray(result.convert("RGB"))
    assert (pixels[:, :40] == pixels[0, 0]).all() and (pixels[:, 40:] == pixels[0, 79]).all()


def test_protected_contrast_keeps_the_block_and_area_in_mm2(tmp_path: Path):
    source = _speckled(tmp_path / "speckled.png")
    code, records, err = run_main(source, "-k", "3", "-o", tmp_path / "kept.png", "--json",
                              "--min-area", "0.2", "--dpi", "254", "--protect-contrast", "20")
    assert code == 0, err
    assert records[0]["cleanup"]["min_area"] == 20  # 0.2 mm^2 at 10 px/mm
    regions = records[0]["regions"]
    assert regions["protected"] == 41  # white on red or blue: far over 20, all kept
    assert regions["regions_after"] == regions["regions_before"] == 43
    code, _, err = run_main(source, "-k", "3", "-d", tmp_path, "--min-area", "2")
    assert code == 2 and "--min-area needs --dpi" in err


def test_dithering_keeps_exactly_the_palette_and_the_alpha(tmp_path: Path):
    source = _speckled(tmp_path / "speckled.png", alpha=True)
    for method in ("fs", "bayer"):
        target = tmp_path / f"{method}.png"
        code, records, err = run_main(source, "-k", "2", "-o", target, "--json", "--indexed",
                                  "--dither", method, "--dither-strength", "0.7")
        assert code == 0, err
        assert records[0]["dither"] == {"method": method, "strength": 0.7}
        with Image.open(target) as indexed:
            assert indexed.mode == "P"
            rgba = np.asarray(indexed.convert("RGBA"))
        palette = {tuple(e["rgb"]) for e in records[0]["palette"]}
        opaque = rgba[:, 5:]
        assert {tuple(c) for c in opaque[:, :, :3].reshape(-1, 3)} <= palette
        assert (rgba[:, :5, 3] == 0).all() and (opaque[:, :, 3] == 255).all()


def test_error_map_is_written_and_measured(tmp_path: Path):
    source = _speckled(tmp_path / "speckled.png")
    code, records, err = run_main(source, "-k", "2", "-o", tmp_path / "two.png", "--json",
                              "--error-map", tmp_path / "error.png")
    assert code == 0, err
    with Image.open(tmp_path / "error.png") as picture:
        assert picture.size == (80, 60)
        errors = np.asarray(picture.convert("RGB"))
    assert records[0]["error_map"] == str(tmp_path / "error.png")
    assert records[0]["mean_delta_e"] > 0
    speck = (5, 3)  # a white speck: painted red or blue, it is far off
    assert errors[speck].sum() > errors[0, 0].sum()
    code, _, err = run_main(source, "-k", "2", "-d", tmp_path, "--error-map", tmp_path / "e.jpg")
    assert code == 2 and "name it .png" in err


def test_oklab_is_a_clustering_space(tmp_path: Path):
    source = _speckled(tmp_path / "speckled.png")
    code, records, err = run_main(source, "-k", "3", "-o", tmp_path / "ok.png", "--json",
                              "--space", "oklab")
    assert code == 0, err
    assert records[0]["space"] == "oklab" and records[0]["k"] == 3
    colours = {tuple(e["rgb"]) for e in records[0]["palette"]}
    assert (250, 250, 250) in colours  # flat colours come back exactly through OKLab
