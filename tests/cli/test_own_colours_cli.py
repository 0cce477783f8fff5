"""`colorseg --palette-in`: segmenting in the colours a user owns, names in every output."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from batch_helpers import run_main
from PIL import Image

from colorseg_gui.engine.io.palette_read import read_palette

SHELF = """GIMP Palette
Name: My paints
200  40  40\tCadmium Red
 40  40 200\tUltramarine
 40 160  40\tSap Green
250 250 250\tTitanium White
 20  20  20\tIvory Black
230 200  40\tYellow Ochre
"""


def _picture(path: Path) -> Path:
    """Four quarters near four of the paints, with noise."""
    rng = np.random.default_rng(4)
    rgb = np.zeros((40, 60, 3), np.int32)
    rgb[:20, :30] = (190, 50, 45)
    rgb[:20, 30:] = (50, 45, 190)
    rgb[20:, :30] = (245, 245, 240)
    rgb[20:, 30:] = (30, 25, 25)
    rgb += rng.integers(-8, 9, rgb.shape)
    Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8)).save(path)
    return path


def test_map_paints_with_owned_colours_and_names_them_everywhere(tmp_path: Path):
    (tmp_path / "shelf.gpl").write_text(SHELF)
    source = _picture(tmp_path / "quarters.png")
    code, records, err = run_main(source, "-k", "4", "-o", tmp_path / "out.png", "--json",
                              "--palette-in", tmp_path / "shelf.gpl", "--mode", "map",
                              "--palette", tmp_path / "used.gpl", "--masks", tmp_path / "m")
    assert code == 0, err
    record = records[0]
    names = {e["name"] for e in record["palette"]}
    assert names == {"Cadmium Red", "Ultramarine", "Titanium White", "Ivory Black"}
    assert record["owned"]["mode"] == "map" and record["owned"]["colours_owned"] == 6
    with Image.open(tmp_path / "out.png") as result:
        shown = {tuple(c) for c in np.asarray(result.convert("RGB")).reshape(-1, 3)}
    shelf = read_palette(tmp_path / "shelf.gpl")
    assert shown <= {tuple(int(v) for v in c) for c in shelf.colors}  # only owned paint
    used = read_palette(tmp_path / "used.gpl")
    assert set(used.names) >= names or {n.split(" #")[0] for n in used.names} >= names
    masks = sorted(p.name for p in (tmp_path / "m").glob("*.png"))
    assert any(name.endswith("_cadmium-red.png") for name in masks)


def test_pick_uses_only_the_colours_marked_as_owned(tmp_path: Path):
    (tmp_path / "shelf.gpl").write_text(SHELF)
    source = _picture(tmp_path / "quarters.png")
    code, records, err = run_main(source, "-k", "2", "-o", tmp_path / "two.png", "--json",
                              "--palette-in", tmp_path / "shelf.gpl", "--mode", "pick",
                              "--owned", "Ultramarine, Titanium White, Yellow Ochre")
    assert code == 0, err
    chosen = set(records[0]["owned"]["chosen"])
    assert len(chosen) == 2 and chosen <= {"Ultramarine", "Titanium White", "Yellow Ochre"}
    code, _, err = run_main(source, "-k", "2", "-d", tmp_path, "--palette-in",
                        tmp_path / "shelf.gpl", "--owned", "Vermilion")
    assert code == 2 and "Vermilion" in err


def test_merging_near_duplicates_folds_clusters(tmp_path: Path):
    source = _picture(tmp_path / "quarters.png")
    code, records, err = run_main(source, "-k", "8", "-o", tmp_path / "m.png", "--json",
                              "--merge-delta-e", "12")
    assert code == 0, err
    merged = records[0]["merged"]
    assert merged["clusters_before"] == 8 and merged["clusters_after"] == records[0]["k"] == 4
