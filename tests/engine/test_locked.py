"""Locked centroids inside Lloyd: they never move, the rest optimise around them, exactly."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from kmeans_reference import pixels_of, reference_lloyd
from test_kmeans_exact import _assert_same, _image

from colorseg_gui.engine import (
    KMeansOptions,
    build_histogram,
    iter_kmeans,
    run_kmeans,
    to_space,
)

LOCKS = np.array([[192.0, 57.0, 43.0], [255.0, 255.0, 255.0]])


def _hist(image: np.ndarray):
    return build_histogram(image[..., :3], image[..., 3] if image.shape[2] == 4 else None)


@pytest.mark.parametrize("space", ["rgb", "lab", "oklab"])
@pytest.mark.parametrize("alpha", [False, True])
def test_locked_steps_equal_per_pixel_lloyd_with_fixed_centroids(space: str,
                                                                 alpha: bool) -> None:
    image = _image(4, (23, 31), n_colors=90, alpha=alpha)
    rng = np.random.default_rng(9)
    rgb = np.vstack([LOCKS, rng.uniform(20, 235, size=(5, 3))])
    init = to_space(rgb, space)  # type: ignore[arg-type]
    hist = _hist(image)
    steps = list(iter_kmeans(hist, 7, space=space, init=init, tol=0.0,  # type: ignore[arg-type]
                             locked=(0, 1), locked_palette=LOCKS))
    ref = reference_lloyd(image, init, space=space, tol=0.0, locked=(0, 1))
    _, x, w = pixels_of(image, space)
    _assert_same(steps, ref, hist, scale=float(w @ (x * x).sum(axis=1)))
    for step in steps:
        assert np.array_equal(step.centroids[:2], init[:2])  # bit for bit
        assert np.array_equal(step.palette[:2], LOCKS.astype(np.uint8))
        assert step.locked == (0, 1)


@pytest.mark.parametrize("space", ["rgb", "lab", "oklab"])
def test_options_lock_colours_exactly_in_every_space(space: str) -> None:
    image = _image(5, (40, 40), n_colors=400)
    hist = _hist(image)
    # Colours whose Lab/OKLab round trip is not the identity would show here.
    locks = ((1.0, 2.0, 3.0), (254.0, 0.0, 1.0), (0.0, 255.0, 128.0))
    options = KMeansOptions(k=6, space=space, init=locks, locked=(0, 1, 2), seed=3)  # type: ignore[arg-type]
    steps = list(run_kmeans(hist, options))
    last = steps[-1]
    assert last.final and last.k == 6
    assert np.array_equal(last.palette[:3], np.array(locks, dtype=np.uint8))
    # The free clusters came from k-means++ around the locks: none duplicates one.
    free = {tuple(c) for c in last.palette[3:]}
    assert not free & {tuple(int(v) for v in c) for c in locks}
    # Seeded: the same options give the same bits.
    again = list(run_kmeans(hist, options))[-1]
    assert np.array_equal(again.centroids, last.centroids)


def test_reseeding_never_copies_a_locked_colour_nor_reseeds_a_locked_cluster() -> None:
    # Two colours only; the locked one is not in the image, a free centroid starts far off.
    image = np.zeros((4, 4, 3), np.uint8)
    image[:2] = (10, 10, 10)
    image[2:] = (200, 200, 200)
    image[3, 3] = (12, 10, 10)
    hist = _hist(image)
    init = np.array([[10.0, 10.0, 10.0], [90.0, 0.0, 255.0], [200.0, 200.0, 200.0],
                     [0.0, 0.0, 255.0]])
    steps = list(iter_kmeans(hist, 4, init=init, tol=0.0, locked=(0, 3)))
    last = steps[-1]
    assert np.array_equal(last.centroids[[0, 3]], init[[0, 3]])
    assert last.weights[3] == 0  # locked and empty: stays, never reseeded
    # Cluster 1 started empty and was reseeded with the far colour, not with (10, 10, 10).
    assert tuple(last.palette[1]) == (12, 10, 10)


@st.composite
def locked_runs(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, tuple[int, ...], str, bool]:
    h, w = draw(st.integers(2, 10)), draw(st.integers(2, 10))
    levels = draw(st.sampled_from([3, 8, 256]))
    rgb = draw(arrays(np.uint8, (h, w, 3), elements=st.integers(0, levels - 1)))
    rgb = (rgb.astype(np.int64) * (255 // (levels - 1))).astype(np.uint8)
    k = draw(st.integers(2, 7))
    init = draw(arrays(np.float64, (k, 3), elements=st.integers(0, 255).map(float)))
    locked = tuple(sorted(draw(st.sets(st.integers(0, k - 1), min_size=1, max_size=k))))
    return rgb, init, locked, draw(st.sampled_from(["rgb", "lab", "oklab"])), draw(
        st.booleans())


@settings(max_examples=80, deadline=None)
@given(run=locked_runs())
def test_locked_runs_never_raise_j_and_never_move_a_lock(run) -> None:
    rgb, init_rgb, locked, space, refine = run
    hist = build_histogram(rgb)
    init = to_space(init_rgb, space)  # type: ignore[arg-type]
    steps = list(iter_kmeans(hist, init.shape[0], space=space, init=init, tol=0.0,  # type: ignore[arg-type]
                             locked=locked, locked_palette=init_rgb[list(locked)],
                             refine=refine))
    assert steps[-1].final
    scale = 1e-9 * (1.0 + float(hist.counts.sum()) * 3 * 255.0**2)
    for before, after in itertools.pairwise(steps):
        assert after.inertia <= before.inertia + scale
    for step in steps:
        assert np.array_equal(step.centroids[list(locked)], init[list(locked)])
        assert np.array_equal(step.palette[list(locked)], init_rgb[list(locked)].astype(np.uint8))


def test_hartigan_moves_leave_locked_clusters_alone() -> None:
    image = _image(6, (60, 60), n_colors=800)
    hist = _hist(image)
    init = np.vstack([LOCKS, np.random.default_rng(2).uniform(30, 220, (6, 3))])
    steps = list(iter_kmeans(hist, 8, init=init, locked=(0, 1), refine=True, tol=0.0))
    for step in steps:
        assert np.array_equal(step.centroids[:2], LOCKS)
    js = [s.inertia for s in steps]
    assert all(b <= a * (1 + 1e-12) for a, b in itertools.pairwise(js))
