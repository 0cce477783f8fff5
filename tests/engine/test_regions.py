"""Region cleanup on synthetic label maps whose answer is known."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from colorseg_gui.engine.make.regions import CleanupOptions, clean_regions, count_regions

# 0 dark grey, 1 a grey close to it, 2 saturated red, 3 white.
PALETTE = np.array([[60, 60, 60], [70, 70, 70], [220, 20, 30], [255, 255, 255]], np.uint8)


def test_small_regions_join_a_neighbour_and_counts_say_so():
    labels = np.zeros((40, 60), np.uint8)
    labels[:, 30:] = 2  # two large regions
    labels[10:13, 5:8] = 1  # 9 pixels inside region 0
    labels[20, 40] = 3  # one pixel inside region 2
    cleaned, counts = clean_regions(labels, PALETTE, CleanupOptions(min_area=10))
    assert (cleaned[:, :30] == 0).all() and (cleaned[:, 30:] == 2).all()
    assert (counts.regions_before, counts.regions_after) == (4, 2)
    assert (counts.small_before, counts.small_after, counts.protected) == (2, 0, 0)
    assert counts.pixels_changed == 10
    assert counts.changes_per_row_before > counts.changes_per_row_after == 1.0
    assert labels[20, 40] == 3  # the input map is left alone


def test_the_closest_coloured_neighbour_wins_not_the_longest_border():
    labels = np.full((30, 30), 2, np.uint8)  # red around
    labels[:, :10] = 0  # dark grey on the left
    labels[10:14, 10:12] = 1  # 8 pixels of light grey touching dark grey along 4 pixels
    cleaned, _ = clean_regions(labels, PALETTE, CleanupOptions(min_area=9))
    assert (cleaned[10:14, 10:12] == 0).all()  # grey joins grey, though red borders it more


def test_high_contrast_small_regions_can_be_protected():
    labels = np.zeros((30, 30), np.uint8)
    labels[5, 5] = 3  # a white highlight on dark grey: Delta E about 76
    labels[20, 20] = 1  # a barely different grey speck
    options = CleanupOptions(min_area=4, protect_delta_e=40.0)
    cleaned, counts = clean_regions(labels, PALETTE, options)
    assert cleaned[5, 5] == 3 and cleaned[20, 20] == 0
    assert (counts.small_after, counts.protected) == (1, 1)


def test_connectivity_decides_what_a_region_is():
    labels = np.zeros((20, 20), np.uint8)
    for i in range(6):
        labels[4 + i, 4 + i] = 2  # a diagonal line of 6 pixels
    assert count_regions(labels, 8) == 2 and count_regions(labels, 4) == 7
    kept, _ = clean_regions(labels, PALETTE, CleanupOptions(min_area=5, connectivity=8))
    gone, _ = clean_regions(labels, PALETTE, CleanupOptions(min_area=5, connectivity=4))
    assert (kept == labels).all() and (gone == 0).all()


def test_thin_parts_are_absorbed_and_thick_ones_stay():
    labels = np.zeros((40, 40), np.uint8)
    labels[20, 2:38] = 2  # a 1-pixel red line
    labels[5:12, 5:12] = 2  # a 7 x 7 red block
    labels[30:32, 10:30] = 1  # a 2-pixel grey strip
    cleaned, counts = clean_regions(labels, PALETTE, CleanupOptions(min_thickness=3))
    assert (cleaned[20] == 0).all() and (cleaned[30:32] == 0).all()
    assert (cleaned[5:12, 5:12] == 2).all()
    assert counts.pixels_changed == 36 + 40
    assert counts.max_delta_e > 30  # red became dark grey


def test_thin_neck_between_blobs_goes_and_the_blobs_stay():
    labels = np.zeros((30, 50), np.uint8)
    labels[10:20, 5:15] = 2
    labels[10:20, 35:45] = 2
    labels[14:16, 15:35] = 2  # a 2-pixel neck joining them
    cleaned, _ = clean_regions(labels, PALETTE, CleanupOptions(min_thickness=4))
    assert (cleaned[10:20, 5:15] == 2).all() and (cleaned[10:20, 35:45] == 2).all()
    assert (cleaned[14:16, 16:34] == 0).all()
    assert count_regions(cleaned) == 3


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**31), area=st.integers(2, 30),
       connectivity=st.sampled_from([4, 8]), k=st.integers(2, 4))
def test_no_region_under_the_limit_remains(seed, area, connectivity, k):
    rng = np.random.default_rng(seed)
    coarse = rng.integers(0, k, (6, 8)).astype(np.uint8)
    labels = np.kron(coarse, np.ones((5, 5), np.uint8))
    labels[rng.random(labels.shape) < 0.1] = rng.integers(0, k)
    options = CleanupOptions(min_area=area, connectivity=connectivity)
    cleaned, counts = clean_regions(labels, PALETTE[:k], options)
    assert counts.small_after == 0
    assert counts.regions_after == count_regions(cleaned, connectivity)
    assert set(np.unique(cleaned)) <= set(range(k))
    _, again = clean_regions(cleaned, PALETTE[:k], options)
    assert again.small_before == 0 and again.pixels_changed == 0


def test_area_in_square_millimetres():
    assert CleanupOptions.area_from_mm2(1.0, 254) == 100  # 10 x 10 pixels per mm^2
    with pytest.raises(ValueError):
        CleanupOptions(connectivity=6)  # type: ignore[arg-type]


def _covered_brute_force(labels: np.ndarray, size: int) -> np.ndarray:
    height, width = labels.shape
    covered = np.zeros_like(labels, dtype=bool)
    for y in range(height - size + 1):
        for x in range(width - size + 1):
            window = labels[y:y + size, x:x + size]
            if (window == window[0, 0]).all():
                covered[y:y + size, x:x + size] = True
    return covered


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**31), size=st.integers(2, 6))
def test_wherever_the_brush_fits_the_colour_stays(seed, size):
    rng = np.random.default_rng(seed)
    labels = np.kron(rng.integers(0, 3, (5, 6)), np.ones((4, 4), int)).astype(np.uint8)
    labels[rng.random(labels.shape) < 0.05] = 3
    cleaned, _ = clean_regions(labels, PALETTE, CleanupOptions(min_thickness=size))
    covered = _covered_brute_force(labels, size)
    assert (cleaned[covered] == labels[covered]).all()
    assert (cleaned != labels).any() == bool((~covered).any() and covered.any())
