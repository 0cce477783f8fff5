"""Palettes a user owns: reading them with their names, mapping and picking the best N."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from colorseg_gui.engine.cluster.histogram import build_histogram
from colorseg_gui.engine.io.loading import load_image
from colorseg_gui.engine.io.palette_files import write_palette
from colorseg_gui.engine.io.palette_read import PaletteError, read_palette
from colorseg_gui.engine.make.palette_fit import (
    best_from_palette,
    fold_near_duplicates,
    map_to_palette,
)
from colorseg_gui.engine.oklab import oklab_to_srgb, srgb_to_oklab
from colorseg_gui.engine.segmentation import segment

GPL = """GIMP Palette
Name: Paints on my shelf
Columns: 4
# a comment
255   0   0\tCadmium Red
  0 128   0\tSap Green
 30  30  30
"""


def test_gimp_palette_keeps_names_and_title(tmp_path: Path):
    path = tmp_path / "shelf.gpl"
    path.write_text(GPL)
    owned = read_palette(path)
    assert owned.name == "Paints on my shelf"
    assert owned.names == ("Cadmium Red", "Sap Green", "#1e1e1e")
    assert owned.colors.tolist() == [[255, 0, 0], [0, 128, 0], [30, 30, 30]]
    assert owned.indices_of(["sap green", "Cadmium  Red"]) == [0, 1]
    with pytest.raises(KeyError, match="Ultramarine"):
        owned.indices_of(["Ultramarine"])


@pytest.mark.parametrize("ext", [".gpl", ".json", ".ase", ".hex", ".txt"])
def test_palettes_we_write_read_back(tmp_path: Path, ext: str):
    palette = np.array([[10, 20, 30], [200, 100, 0], [255, 255, 255]], np.uint8)
    path = write_palette(tmp_path / f"mine{ext}", palette, [3.0, 2.0, 1.0])
    owned = read_palette(path)
    assert owned.colors.tolist() == palette.tolist()


def test_csv_and_lospec_hex_and_json_lists(tmp_path: Path):
    (tmp_path / "threads.csv").write_text("Name,Hex,Number\nBlack,#000000,310\nSnow,fffafa,B5200\n")
    threads = read_palette(tmp_path / "threads.csv")
    assert threads.names == ("Black", "Snow") and threads.colors[1].tolist() == [255, 250, 250]
    (tmp_path / "pico.hex").write_text("000000\n1d2b53\n7e2553\n")
    assert len(read_palette(tmp_path / "pico.hex")) == 3
    (tmp_path / "list.json").write_text(json.dumps(["#fff", {"name": "Ink", "hex": "#123456"}]))
    listed = read_palette(tmp_path / "list.json")
    assert listed.names == ("#ffffff", "Ink")


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("a.gpl", "not a palette\n", "not a valid GIMP"),
        ("b.gpl", "GIMP Palette\n300 0 0 Red\n", "outside 0..255"),
        ("c.csv", "colour name\nRed\n", "no 'hex' column"),
        ("d.hex", "", "holds no colours"),
        ("e.png", "", "not a palette file"),
        ("f.json", "{\"colors\": [42]}", "not a colour"),
    ],
)
def test_bad_palettes_get_one_line(tmp_path: Path, name: str, content: str, reason: str):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(PaletteError) as info:
        read_palette(path)
    assert str(info.value).startswith(f"{name}: ") and reason in str(info.value)
    assert "\n" not in str(info.value)


def test_oklab_round_trips_and_matches_the_reference_values():
    assert np.allclose(srgb_to_oklab([255, 0, 0]), [0.627955, 0.224863, 0.125846], atol=1e-5)
    rgb = np.random.default_rng(1).integers(0, 256, (500, 3))
    assert (oklab_to_srgb(srgb_to_oklab(rgb)) == rgb).all()


@pytest.fixture(scope="module")
def cq100_cases(shared_dir: Path) -> list[tuple[str, object, np.ndarray, dict[int, np.ndarray]]]:
    """(name, histogram, a 64-colour palette built from k=256, k-means palettes at 8 and 16)."""
    cases = []
    for path in sorted((shared_dir / "cq100").glob("*.png"))[:2]:
        picture = load_image(path)
        big = segment(picture.rgb, k=256, seed=0)
        owned = big.palette[np.argsort(-big.weights, kind="stable")][::4][:64]
        results = {n: segment(picture.rgb, k=n, seed=0).palette for n in (8, 16)}
        cases.append((path.name, big.histogram, owned, results))
    assert len(cases) == 2
    return cases


@pytest.mark.parametrize("metric", ["de2000", "oklab"])
def test_best_n_beats_mapping_the_k_means_result(cq100_cases, metric):
    """The issue's quality bar on two CQ100 images (all 50: tests/benchmarks/bench_palette)."""
    for name, hist, owned, results in cq100_cases:
        for n, kmeans_palette in results.items():
            mapped = map_to_palette(hist, kmeans_palette, owned, metric)
            best = best_from_palette(hist, owned, n, metric, start_colors=kmeans_palette)
            assert len(best.chosen) == n and len(set(best.chosen.tolist())) == n
            assert set(best.chosen.tolist()) <= set(range(len(owned)))  # only owned colours
            assert best.error < mapped.error, (name, n)
            assert best.shares.sum() == pytest.approx(1.0)


def test_no_pixel_keeps_a_worse_match_than_the_chosen_colours_allow():
    rng = np.random.default_rng(5)
    rgb = rng.integers(0, 256, (30, 40, 3)).astype(np.uint8)
    hist = build_histogram(rgb)
    owned = rng.integers(0, 256, (20, 3)).astype(np.uint8)
    fit = map_to_palette(hist, owned[:5] // 2 + 60, owned, "oklab")
    chosen = owned[fit.chosen]
    lab = srgb_to_oklab(hist.colors)[:, None, :] - srgb_to_oklab(chosen)[None]
    assert (fit.entry_labels == np.argmin((lab**2).sum(axis=2), axis=1)).all()


def test_near_duplicates_and_tiny_clusters_fold_into_neighbours():
    palette = np.array([[100, 0, 0], [102, 0, 0], [0, 0, 200], [0, 200, 0]], np.uint8)
    weights = np.array([50.0, 10.0, 39.5, 0.5])
    into = fold_near_duplicates(palette, weights, max_delta_e=2.0)
    assert into.tolist() == [0, 0, 2, 3]
    into = fold_near_duplicates(palette, weights, max_delta_e=2.0, min_share=0.01)
    assert into[3] != 3 and into[:3].tolist() == [0, 0, 2]
    assert fold_near_duplicates(palette, weights).tolist() == [0, 1, 2, 3]


def test_bundled_palettes_read_with_names():
    from colorseg_gui.resources import resources_dir

    found = {p.name: read_palette(p) for p in sorted((resources_dir() / "palettes").glob("*.gpl"))}
    assert set(found) == {"pico-8.gpl", "web-safe-216.gpl", "greyscale-16.gpl"}
    assert found["pico-8.gpl"].names[8] == "Red" and len(found["pico-8.gpl"]) == 16
    assert len(found["web-safe-216.gpl"]) == 216 and len(found["greyscale-16.gpl"]) == 16
