"""Hartigan's single-colour moves: exact bookkeeping, every move lowers J."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from colorseg_gui.engine import build_histogram, iter_kmeans
from colorseg_gui.engine.cluster.hartigan import heavy_colours, improving_moves


def _j(x: np.ndarray, w: np.ndarray, labels: np.ndarray, k: int) -> float:
    """J of a partition at its own weighted means, the slow obvious way."""
    total = 0.0
    for j in range(k):
        members = labels == j
        mean = w[members] @ x[members] / w[members].sum()
        total += float(w[members] @ ((x[members] - mean) ** 2).sum(axis=1))
    return total


@pytest.mark.parametrize("seed", range(5))
def test_each_move_lowers_j_by_its_reported_change(seed: int) -> None:
    rng = np.random.default_rng(seed)
    k = 5
    x = rng.uniform(0, 255, size=(60, 3))
    w = rng.pareto(1.0, size=60) + 1.0  # a few colours carry much of their cluster
    labels = rng.integers(0, k, size=60).astype(np.uint8)
    labels[:k] = np.arange(k)
    sums = np.stack([np.bincount(labels, w * x[:, c], minlength=k) for c in range(3)], axis=1)
    wsum = np.bincount(labels, w, minlength=k)
    moved, new, deltas = improving_moves(x, w, labels, sums, wsum)
    assert moved.size > 0  # a random partition is far from Hartigan-optimal
    current = labels.copy()
    j = _j(x, w, current, k)
    for row, target, delta in zip(moved, new, deltas, strict=True):
        current[row] = target
        after = _j(x, w, current, k)
        assert delta < 0
        assert after - j == pytest.approx(delta, rel=1e-9, abs=1e-9 * j)
        assert after < j
        j = after
    assert np.bincount(current, minlength=k).min() > 0  # no move empties a cluster


def test_no_move_from_a_partition_that_is_already_optimal() -> None:
    x = np.array([[0.0, 0, 0], [1, 0, 0], [100, 0, 0], [101, 0, 0]])
    w = np.array([3.0, 1.0, 1.0, 3.0])
    labels = np.array([0, 0, 1, 1], np.uint8)
    sums = np.array([[1.0, 0, 0], [401.0, 0, 0]])
    moved, _, _ = improving_moves(x, w, labels, sums, np.array([4.0, 4.0]))
    assert moved.size == 0


def test_heavy_colours_are_those_with_a_large_share_of_their_cluster() -> None:
    w = np.array([1.0, 1000.0, 5.0, 1.0])
    labels = np.array([0, 0, 1, 1], np.uint8)
    wsum = np.array([1001.0, 6.0])
    np.testing.assert_array_equal(heavy_colours(w, labels, wsum), [1, 2, 3])


def test_a_lloyd_fixed_point_with_heavy_colours_gets_hartigan_steps_that_lower_j() -> None:
    """Flat areas (few heavy colours) next to gradients: Lloyd stops where moves still pay."""
    rng = np.random.default_rng(7)
    palette = rng.integers(0, 256, size=(120, 3), dtype=np.uint8)
    image = palette[rng.zipf(1.6, size=(30, 40)) % 120]
    hist = build_histogram(image)
    steps = list(iter_kmeans(hist, 7, seed=2, tol=0.0))
    kinds = [s.kind for s in steps]
    assert "hartigan" in kinds and kinds[-1] == "lloyd"
    for before, step in itertools.pairwise(steps):
        if step.kind == "hartigan":
            assert step.inertia < before.inertia
    plain = list(iter_kmeans(hist, 7, seed=2, tol=0.0, refine=False))
    assert all(s.kind == "lloyd" for s in plain)


def test_many_heavy_colours_are_capped_to_the_largest_shares(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from colorseg_gui.engine.cluster import hartigan

    monkeypatch.setattr(hartigan, "MAX_CANDIDATES", 2)
    w = np.array([5.0, 1.0, 3.0, 2.0])
    labels = np.zeros(4, np.uint8)
    np.testing.assert_array_equal(heavy_colours(w, labels, np.array([11.0])), [0, 2])


def test_moves_are_capped_and_still_each_lower_j(monkeypatch: pytest.MonkeyPatch) -> None:
    from colorseg_gui.engine.cluster import hartigan

    monkeypatch.setattr(hartigan, "MAX_MOVES", 3)
    monkeypatch.setattr(hartigan, "_BLOCK", 7)  # several blocks of distances
    rng = np.random.default_rng(11)
    k = 4
    x = rng.uniform(0, 255, size=(50, 3))
    w = rng.pareto(1.0, size=50) + 1.0
    labels = (np.arange(50) % k).astype(np.uint8)
    sums = np.stack([np.bincount(labels, w * x[:, c], minlength=k) for c in range(3)], axis=1)
    wsum = np.bincount(labels, w, minlength=k)
    moved, new, deltas = improving_moves(x, w, labels, sums, wsum)
    assert 0 < moved.size <= 3
    current = labels.copy()
    j = _j(x, w, current, k)
    for row, target, delta in zip(moved, new, deltas, strict=True):
        current[row] = target
        after = _j(x, w, current, k)
        assert after - j == pytest.approx(delta, rel=1e-9, abs=1e-9 * j) and after < j
        j = after
