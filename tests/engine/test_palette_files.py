"""Palette files read back by independent parsers: .gpl, .ase, .json, .css, hex lists."""

from __future__ import annotations

import json
import re
import struct
from pathlib import Path

import numpy as np
import pytest

from colorseg_gui.engine.colorspace import srgb_to_lab
from colorseg_gui.engine.io.palette_files import (
    PALETTE_FORMATS,
    palette_entries,
    palette_order,
    reorder_clusters,
    write_palette,
)
from colorseg_gui.engine.io.writers import ExportError

PALETTE = np.array([[250, 250, 250], [10, 20, 30], [200, 0, 0], [0, 128, 255]], np.uint8)
WEIGHTS = np.array([10.0, 40.0, 30.0, 20.0])
BY_SHARE = [1, 2, 3, 0]


def _hexes(indices: list[int]) -> list[str]:
    return ["#{:02x}{:02x}{:02x}".format(*PALETTE[i]) for i in indices]


def read_gpl(path: Path) -> list[tuple[int, int, int]]:
    lines = path.read_text().splitlines()
    assert lines[0] == "GIMP Palette"
    colours = []
    for line in lines[1:]:
        if line.startswith(("#", "Name:", "Columns:")) or not line.strip():
            continue
        r, g, b = (int(v) for v in line.split()[:3])
        colours.append((r, g, b))
    return colours


def read_ase(path: Path) -> tuple[list[str], list[tuple[str, tuple[float, ...]]]]:
    """A parser written from the ASE layout, independent of the writer."""
    data = path.read_bytes()
    assert data[:4] == b"ASEF"
    major, minor, count = struct.unpack(">HHI", data[4:12])
    assert (major, minor) == (1, 0)
    pos, groups, colours = 12, [], []
    for _ in range(count):
        kind, length = struct.unpack(">HI", data[pos : pos + 6])
        body = data[pos + 6 : pos + 6 + length]
        pos += 6 + length
        if kind in (0xC001, 0x0001):
            n = struct.unpack(">H", body[:2])[0]
            name = body[2 : 2 + 2 * n].decode("utf-16-be")
            assert name.endswith("\x00")
            rest = body[2 + 2 * n :]
            if kind == 0xC001:
                groups.append(name[:-1])
            else:
                assert rest[:4] == b"RGB "
                values = struct.unpack(">fff", rest[4:16])
                assert struct.unpack(">H", rest[16:18])[0] in (0, 1, 2)
                assert len(rest) == 18
                colours.append((name[:-1], values))
        else:
            assert kind == 0xC002 and length == 0
    assert pos == len(data)
    return groups, colours


def test_order_by_share_and_lightness() -> None:
    assert palette_order(PALETTE, WEIGHTS).tolist() == BY_SHARE
    lightness = srgb_to_lab(PALETTE)[:, 0]
    assert palette_order(PALETTE, WEIGHTS, "lightness").tolist() == np.argsort(lightness).tolist()
    with pytest.raises(ValueError):
        palette_order(PALETTE, WEIGHTS, "hue")


def test_entries_have_hex_rgb_lab_fraction_pixels() -> None:
    counts = np.array([11, 41, 31, 21])
    entries = palette_entries(PALETTE, WEIGHTS, counts)
    assert [e["hex"] for e in entries] == _hexes(BY_SHARE)
    assert [e["pixels"] for e in entries] == [41, 31, 21, 11]
    assert [e["fraction"] for e in entries] == pytest.approx([0.4, 0.3, 0.2, 0.1])
    np.testing.assert_allclose(entries[0]["lab"], srgb_to_lab(PALETTE[1]), atol=1e-3)
    assert entries[0]["rgb"] == [10, 20, 30] and entries[0]["cluster"] == 1


def test_gpl_round_trip(tmp_path: Path) -> None:
    path = write_palette(tmp_path / "p.gpl", PALETTE, WEIGHTS, meta={"k": 4, "space": "lab"})
    assert read_gpl(path) == [tuple(int(c) for c in PALETTE[i]) for i in BY_SHARE]
    text = path.read_text()
    assert "Name: p" in text and "# space: lab" in text


def test_ase_round_trip(tmp_path: Path) -> None:
    path = write_palette(tmp_path / "swatches.ase", PALETTE, WEIGHTS, name="photo k=4")
    groups, colours = read_ase(path)
    assert groups == ["photo k=4"]
    assert [name for name, _ in colours] == _hexes(BY_SHARE)
    for (_, values), i in zip(colours, BY_SHARE, strict=True):
        np.testing.assert_allclose(np.array(values) * 255, PALETTE[i], atol=1e-3)


def test_json_has_colours_and_run_settings(tmp_path: Path) -> None:
    meta = {"space": "lab", "seed": 3, "iterations": 12, "inertia": 123.5, "converged": True}
    path = write_palette(tmp_path / "p.json", PALETTE, WEIGHTS, meta=meta,
                         counts=np.array([10, 40, 30, 20]), order="lightness")
    doc = json.loads(path.read_text())
    assert doc["k"] == 4 and doc["order"] == "lightness"
    for key, value in meta.items():
        assert doc[key] == value
    lightness = [c["lab"][0] for c in doc["colors"]]
    assert lightness == sorted(lightness)
    assert sum(c["pixels"] for c in doc["colors"]) == 100
    assert sum(c["fraction"] for c in doc["colors"]) == pytest.approx(1.0)
    assert {"hex", "rgb", "lab", "fraction", "pixels"} <= set(doc["colors"][0])


def test_css_and_hex_list(tmp_path: Path) -> None:
    css = write_palette(tmp_path / "p.css", PALETTE, WEIGHTS).read_text()
    assert re.findall(r"--colorseg-\d+: (#[0-9a-f]{6});", css) == _hexes(BY_SHARE)
    assert css.strip().endswith("}") and ":root {" in css
    for ext in (".txt", ".hex"):
        lines = write_palette(tmp_path / f"p{ext}", PALETTE, WEIGHTS).read_text().splitlines()
        assert lines == _hexes(BY_SHARE)


def test_format_from_argument_and_errors(tmp_path: Path) -> None:
    path = write_palette(tmp_path / "palette", PALETTE, WEIGHTS, fmt="gpl")
    assert len(read_gpl(path)) == 4
    with pytest.raises(ExportError, match="unknown palette type"):
        write_palette(tmp_path / "p.xyz", PALETTE, WEIGHTS)
    assert set(PALETTE_FORMATS) == {".gpl", ".json", ".css", ".txt", ".hex", ".ase"}


def test_all_transparent_weights_give_zero_fractions(tmp_path: Path) -> None:
    entries = palette_entries(PALETTE, np.zeros(4), np.array([1, 2, 3, 4]))
    assert all(e["fraction"] == 0.0 for e in entries)


def test_reorder_clusters_renumbers_labels_consistently() -> None:
    labels = np.array([[0, 1, 2], [3, 1, 1]])
    palette, weights, renumbered = reorder_clusters(PALETTE, WEIGHTS, labels)
    np.testing.assert_array_equal(palette, PALETTE[BY_SHARE])
    np.testing.assert_array_equal(weights, WEIGHTS[BY_SHARE])
    # The same pixels keep the same colour, and cluster 0 is the largest share.
    np.testing.assert_array_equal(palette[renumbered], PALETTE[labels])
    assert renumbered[0, 1] == 0 and renumbered.dtype == np.uint8
