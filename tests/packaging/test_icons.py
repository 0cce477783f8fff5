"""The app icon: one SVG drawing, rendered into the PNG, ICO and ICNS files each platform uses."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from render_icons import HICOLOR_SIZES, ICNS_SIZES, ICO_SIZES, render

ICONS = Path(__file__).resolve().parents[2] / "resources" / "icons"
# The six flat cluster colours of the drawing, also its palette swatches.
CLUSTER_COLOURS = ["#1d3f72", "#3f78b5", "#f4a259", "#ffd166", "#6d4c8f", "#2f9e6a"]


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    value = int(hex_colour[1:], 16)
    return (value >> 16) & 255, (value >> 8) & 255, value & 255


def _pixels(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("RGBA"), dtype=np.int16)


def _open(path: Path) -> Image.Image:
    """The image decoded, its file closed (an open file left to the GC is a test error)."""
    with Image.open(path) as image:
        image.load()
        return image


def test_committed_png_is_the_svg_rendered(qapp: object) -> None:
    committed = _open(ICONS / "colorseg.png")
    assert committed.size == (256, 256) and committed.mode == "RGBA"
    fresh = render(ICONS / "colorseg.svg", 256)
    # Edit the SVG, then run tests/packaging/render_icons.py: the files must not drift apart.
    difference = np.abs(_pixels(committed) - _pixels(fresh))
    assert difference.mean() < 1.0 and np.percentile(difference, 99.5) < 24


def test_icon_shows_the_six_clusters_on_a_rounded_transparent_tile() -> None:
    pixels = _pixels(_open(ICONS / "colorseg.png"))
    assert pixels[0, 0, 3] == 0 and pixels[255, 255, 3] == 0  # rounded corners
    assert pixels[128, 128, 3] == 255
    rgb = pixels[..., :3].reshape(-1, 3)
    for colour in CLUSTER_COLOURS:
        hits = np.all(np.abs(rgb - _rgb(colour)) <= 2, axis=1).sum()
        assert hits >= 400, f"{colour} covers only {hits} pixels"


@pytest.mark.parametrize("size", HICOLOR_SIZES)
def test_hicolor_pngs_have_their_size(size: int) -> None:
    image = _open(ICONS / "hicolor" / f"{size}x{size}" / "apps" / "colorseg.png")
    assert image.size == (size, size)
    alpha = _pixels(image)[..., 3]
    assert alpha[size // 2, size // 2] == 255 and alpha[0, 0] < 64


def test_windows_ico_holds_every_size() -> None:
    with Image.open(ICONS / "colorseg.ico") as ico:
        assert ico.format == "ICO"
        assert {(s, s) for s in ICO_SIZES} <= set(ico.info["sizes"])
        ico.size = (16, 16)  # type: ignore[misc]
        small = _pixels(ico)
    assert small.shape == (16, 16, 4) and small[8, 8, 3] == 255


def test_macos_icns_holds_retina_sizes() -> None:
    with Image.open(ICONS / "colorseg.icns") as icns:
        assert icns.format == "ICNS"
        sizes = set(icns.info["sizes"])
    assert {(512, 512, 2), (256, 256, 2), (128, 128, 1), (16, 16, 2)} <= sizes
    assert max(ICNS_SIZES) == 1024
