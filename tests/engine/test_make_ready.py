"""Colour difference, error map, colour-vision check, split hint and dithering."""

from __future__ import annotations

import numpy as np
import pytest

from colorseg_gui.engine.cluster.histogram import build_histogram
from colorseg_gui.engine.make.color_difference import delta_e_2000, palette_distances
from colorseg_gui.engine.make.dither import BAYER_8, dither_floyd_steinberg, dither_ordered
from colorseg_gui.engine.make.error_map import LUT, cluster_errors, error_picture, pixel_errors
from colorseg_gui.engine.make.split_hint import split_gains
from colorseg_gui.engine.make.vision import confusable_pairs, simulate

# Sharma, Wu and Dalal (2005), "The CIEDE2000 color-difference formula", Table 1 (a selection
# covering the hue-angle and mean-hue special cases).
SHARMA = [
    ((50, 2.6772, -79.7751), (50, 0, -82.7485), 2.0425),
    ((50, 3.1571, -77.2803), (50, 0, -82.7485), 2.8615),
    ((50, -1.3802, -84.2814), (50, 0, -82.7485), 1.0000),
    ((50, 0, 0), (50, -1, 2), 2.3669),
    ((50, 2.5, 0), (73, 25, -18), 27.1492),
    ((50, 2.5, 0), (56, -27, -3), 31.9030),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((22.7233, 20.0904, -46.6940), (23.0331, 14.9730, -42.5619), 2.0373),
    ((2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), 0.9082),
]


def test_ciede2000_matches_the_published_pairs_both_ways():
    first = np.array([p[0] for p in SHARMA], float)
    second = np.array([p[1] for p in SHARMA], float)
    expected = np.array([p[2] for p in SHARMA])
    np.testing.assert_allclose(delta_e_2000(first, second), expected, atol=1e-4)
    np.testing.assert_allclose(delta_e_2000(second, first), expected, atol=1e-4)
    assert delta_e_2000((50, 0, 0), (50, 0, 0)) == 0


def _picture() -> np.ndarray:
    rng = np.random.default_rng(3)
    rgb = np.zeros((40, 60, 3), np.uint8)
    rgb[:, :30] = (200, 40, 40)
    rgb[:, 30:] = (40, 40, 200)
    return np.clip(rgb + rng.integers(-20, 21, rgb.shape), 0, 255).astype(np.uint8)


def test_error_map_is_the_per_pixel_difference_and_summaries_agree():
    rgb = _picture()
    hist = build_histogram(rgb)
    palette = np.array([[200, 40, 40], [40, 40, 200]], np.uint8)
    labels = (hist.colors[:, 2] > hist.colors[:, 0]).astype(np.intp)
    errors = pixel_errors(hist, palette, labels)
    direct = delta_e_2000_rgb_pixels(rgb, palette[(rgb[:, :, 2] > rgb[:, :, 0]).astype(int)])
    np.testing.assert_allclose(errors, direct, atol=1e-4)
    summary = cluster_errors(hist, palette, labels)
    np.testing.assert_allclose(summary.mean, [errors[:, :30].mean(), errors[:, 30:].mean()],
                               rtol=1e-5)
    np.testing.assert_allclose(summary.max, [errors[:, :30].max(), errors[:, 30:].max()],
                               rtol=1e-5)
    picture = error_picture(errors)
    assert picture.shape == (40, 60, 3)
    assert (error_picture(np.array([[0.0, 100.0]])) == LUT[[0, 255]]).all()


def test_error_map_follows_a_cleaned_label_map():
    rgb = _picture()
    hist = build_histogram(rgb)
    palette = np.array([[200, 40, 40], [40, 40, 200]], np.uint8)
    labels = (hist.colors[:, 2] > hist.colors[:, 0]).astype(np.intp)
    moved = labels[hist.index].reshape(40, 60).astype(np.uint8)
    moved[:, 25:30] = 1  # a cleanup gave a strip of red pixels the blue colour
    errors = pixel_errors(hist, palette, labels, moved)
    np.testing.assert_allclose(errors, delta_e_2000_rgb_pixels(rgb, palette[moved]), atol=1e-4)
    assert errors[:, 25:30].min() > 30


def delta_e_2000_rgb_pixels(rgb: np.ndarray, shown: np.ndarray) -> np.ndarray:
    from colorseg_gui.engine.colorspace import srgb_to_lab

    return delta_e_2000(srgb_to_lab(rgb), srgb_to_lab(shown))


def test_dichromats_confuse_red_and_green_but_not_blue_and_yellow():
    palette = np.array([[200, 60, 40], [90, 140, 40], [30, 60, 200], [240, 220, 40]], np.uint8)
    pairs = {(c.first, c.second, c.deficiency) for c in confusable_pairs(palette, 8.0)}
    assert (0, 1, "deuteranopia") in pairs or (0, 1, "protanopia") in pairs
    assert not any(a == 2 and b == 3 for a, b, _ in pairs)
    grey = np.array([[128, 128, 128]], np.uint8)
    for kind in ("protanopia", "deuteranopia", "tritanopia"):
        assert np.abs(simulate(grey, kind).astype(int) - 128).max() <= 2  # greys stay grey


def test_split_hint_points_at_the_cluster_with_two_colours_in_it():
    coords = np.array([[0, 0, 0], [2, 0, 0], [100, 0, 0], [200, 0, 0], [101, 0, 0]], float)
    weights = np.ones(5)
    labels = np.array([0, 0, 1, 1, 1])  # cluster 1 holds 100, 101 and a far 200
    gains = split_gains(coords, weights, labels, 2)
    assert gains.argmax() == 1
    j_before = ((coords[2:, 0] - coords[2:, 0].mean()) ** 2).sum()
    j_after = 0.5 + 0.0  # {100, 101} and {200}
    assert gains[1] == pytest.approx(j_before - j_after)
    assert gains[0] == pytest.approx(2.0)  # {0, 2} -> two singletons


@pytest.mark.parametrize("strength", [0.0, 0.5, 1.0])
def test_dithering_keeps_exactly_the_palette(strength):
    rgb = _picture()
    palette = np.array([[200, 40, 40], [40, 40, 200], [120, 40, 120]], np.uint8)
    distances = ((rgb[:, :, None, :].astype(int) - palette[None, None].astype(int)) ** 2)
    segmented = palette[distances.sum(axis=3).argmin(axis=2)]
    for index in (dither_floyd_steinberg(rgb, segmented, palette, strength),
                  dither_ordered(rgb, palette, strength)):
        assert index.shape == (40, 60) and index.max() < len(palette)
    at_zero = palette[dither_floyd_steinberg(rgb, segmented, palette, 0.0)]
    assert (at_zero == segmented).all()  # strength 0: nothing to diffuse


def test_dithering_a_gradient_mixes_the_two_ends():
    ramp = np.repeat(np.linspace(0, 255, 64)[None, :, None], 16, axis=0).repeat(3, axis=2)
    ramp = ramp.astype(np.uint8)
    palette = np.array([[0, 0, 0], [255, 255, 255]], np.uint8)
    segmented = palette[(ramp[:, :, 0] > 127).astype(int)]
    for index in (dither_floyd_steinberg(ramp, segmented, palette, 1.0),
                  dither_ordered(ramp, palette, 1.0)):
        whites = index.mean(axis=0)
        assert whites[0] < 0.1 and whites[-1] > 0.9
        middle = whites[24:40].mean()
        assert 0.3 < middle < 0.7  # the mid-greys become a mix, not a hard edge
    assert BAYER_8.shape == (8, 8) and len(np.unique(BAYER_8)) == 64


def test_palette_distances_are_symmetric_with_zero_diagonal():
    palette = np.array([[0, 0, 0], [255, 0, 0], [0, 255, 0]], np.uint8)
    d = palette_distances(palette)
    assert np.allclose(d, d.T) and np.allclose(np.diag(d), 0) and d[0, 1] > 40
