"""CIELAB conversions agree with published values and round-trip every sRGB colour."""

from __future__ import annotations

import numpy as np
import pytest

from colorseg_gui.engine import lab_to_srgb, palette_from_centroids, srgb_to_lab, to_space


@pytest.mark.parametrize(
    ("rgb", "lab"),
    [
        ((255, 255, 255), (100.0, 0.0, 0.0)),
        ((0, 0, 0), (0.0, 0.0, 0.0)),
        # Reference values from Bruce Lindbloom's calculator (sRGB, D65, no adaptation).
        ((255, 0, 0), (53.2408, 80.0925, 67.2032)),
        ((0, 255, 0), (87.7347, -86.1827, 83.1793)),
        ((0, 0, 255), (32.2970, 79.1875, -107.8602)),
        ((128, 128, 128), (53.5850, 0.0, 0.0)),
    ],
)
def test_known_values(rgb: tuple[int, int, int], lab: tuple[float, float, float]) -> None:
    np.testing.assert_allclose(srgb_to_lab(np.array(rgb, np.uint8)), lab, atol=2e-3)


def test_every_srgb_colour_round_trips() -> None:
    levels = np.arange(0, 256, 3, dtype=np.uint8)
    grid = np.stack(np.meshgrid(levels, levels, levels, indexing="ij"), axis=-1).reshape(-1, 3)
    np.testing.assert_array_equal(lab_to_srgb(srgb_to_lab(grid)), grid)


def test_out_of_gamut_lab_is_clipped() -> None:
    out = lab_to_srgb(np.array([[50.0, 200.0, -200.0], [150.0, 0.0, 0.0], [-20.0, 0, 0]]))
    assert out.dtype == np.uint8
    np.testing.assert_array_equal(out[1], [255, 255, 255])
    np.testing.assert_array_equal(out[2], [0, 0, 0])


def test_palette_and_space_helpers() -> None:
    colors = np.array([[10, 20, 30], [250, 128, 0]], np.uint8)
    np.testing.assert_array_equal(to_space(colors, "rgb"), colors.astype(float))
    np.testing.assert_array_equal(palette_from_centroids(to_space(colors, "lab"), "lab"), colors)
    np.testing.assert_array_equal(
        palette_from_centroids(np.array([[-3.0, 127.5, 300.0]]), "rgb"), [[0, 128, 255]]
    )
    with pytest.raises(ValueError, match="colour space"):
        to_space(colors, "hsv")  # type: ignore[arg-type]
