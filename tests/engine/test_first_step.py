"""The cell-pruned first assignment of millions of colours equals the plain exact one."""

from __future__ import annotations

import numpy as np
import pytest

from colorseg_gui.engine.cluster.assign import Points, exact_sqdist, nearest_two
from colorseg_gui.engine.cluster.first_step import MIN_COLORS, pruned_nearest
from colorseg_gui.engine.cluster.prep import centroid_groups


@pytest.fixture(scope="module")
def many_colors() -> Points:
    # Just over the threshold: distinct codes drawn at random, sorted like a histogram.
    rng = np.random.default_rng(7)
    codes = np.unique(rng.integers(0, 1 << 24, size=MIN_COLORS + 200_000))
    colors = np.stack([codes >> 16, (codes >> 8) & 255, codes & 255], axis=1).astype(np.uint8)
    assert colors.shape[0] >= MIN_COLORS
    return Points.from_colors(colors)


def _centroid_sets() -> list[np.ndarray]:
    rng = np.random.default_rng(3)
    # Integer centroids two cells apart put exact ties (lowest index wins) inside cells.
    ties = np.array([[100, 50, 50], [108, 50, 50], [100, 58, 50], [100, 50, 58]], np.float64)
    return [
        rng.uniform(0, 255, size=(16, 3)),
        np.vstack([ties, rng.integers(0, 256, size=(8, 3)).astype(np.float64)]),
        rng.uniform(0, 255, size=(3, 3)),
    ]


@pytest.mark.parametrize("which", range(3))
def test_pruned_labels_and_bounds_match_the_exact_assignment(
    many_colors: Points, which: int
) -> None:
    centroids = _centroid_sets()[which]
    group_of = centroid_groups(centroids, 0)  # several groups when k >= 8
    result = pruned_nearest(many_colors, centroids, group_of)
    assert result is not None
    labels, lower = result
    plain, _, _ = nearest_two(many_colors, centroids, None, group_of)
    np.testing.assert_array_equal(labels, plain)
    # Every stored bound is below the true distance to every other centroid of its group,
    # up to the float32 rounding of its storage (the skip tests keep a 1e-5 relative slack).
    rows = np.random.default_rng(1).choice(many_colors.n, size=200_000, replace=False)
    dist = np.sqrt(exact_sqdist(many_colors.rows(rows), centroids))
    assert np.array_equal(dist.argmin(axis=1), labels[rows])
    dist[np.arange(rows.size), labels[rows]] = np.inf
    for g in range(int(group_of.max()) + 1):
        members = group_of == g
        nearest_other = dist[:, members].min(axis=1, initial=np.inf)
        assert np.all(lower[g, rows] <= nearest_other * (1 + 2e-7))


def test_small_histograms_and_lab_coordinates_take_the_plain_path() -> None:
    colors = np.random.default_rng(0).integers(0, 256, size=(1000, 3), dtype=np.uint8)
    centroids = np.array([[0.0, 0, 0], [255, 255, 255]])
    assert pruned_nearest(Points.from_colors(colors), centroids, np.zeros(2, np.intp)) is None
    lab = Points.from_coords(colors.astype(np.float64))
    assert pruned_nearest(lab, centroids, np.zeros(2, np.intp)) is None
