"""Lloyd on the colour histogram equals Lloyd on every pixel, step by step."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from kmeans_reference import RefStep, pixels_of, reference_lloyd

from colorseg_gui.engine import KMeansStep, build_histogram, iter_kmeans, to_space
from colorseg_gui.engine.cluster.init import kmeans_plusplus


def _image(seed: int, shape: tuple[int, int], n_colors: int, alpha: bool = False) -> np.ndarray:
    """Pixels drawn from a small random palette, so colours repeat with uneven counts."""
    rng = np.random.default_rng(seed)
    palette = rng.integers(0, 256, size=(n_colors, 3), dtype=np.uint8)
    pick = rng.zipf(1.6, size=shape) % n_colors
    rgb = palette[pick]
    if not alpha:
        return rgb
    a = rng.choice(np.array([0, 40, 128, 255, 255, 255], dtype=np.uint8), size=shape)
    return np.dstack([rgb, a])


def _run(image: np.ndarray, init: np.ndarray, **kw: object) -> tuple[list[KMeansStep], object]:
    hist = build_histogram(image[..., :3], image[..., 3] if image.shape[2] == 4 else None)
    steps = list(iter_kmeans(hist, init.shape[0], init=init, **kw))  # type: ignore[arg-type]
    return steps, hist


def _assert_same(steps: list[KMeansStep], ref: list[RefStep], hist: object, scale: float) -> None:
    assert len(steps) == len(ref)
    for step, expected in zip(steps, ref, strict=True):
        per_pixel = step.labels[hist.index]  # type: ignore[attr-defined]
        np.testing.assert_array_equal(per_pixel, expected.labels)
        np.testing.assert_allclose(step.centroids, expected.centroids, rtol=1e-11, atol=1e-9)
        assert step.inertia == pytest.approx(expected.inertia, rel=1e-9, abs=1e-9 * scale)
        assert step.changed == expected.changed
        assert (step.stop_reason or "") == expected.stop_reason
        assert step.final == bool(expected.stop_reason)


def _random_centroids(seed: int, k: int, space: str) -> np.ndarray:
    rng = np.random.default_rng(seed)
    rgb = rng.uniform(20, 235, size=(k, 3))
    return rgb if space == "rgb" else to_space(rgb, "lab")


@pytest.mark.parametrize("space", ["rgb", "lab", "oklab"])
@pytest.mark.parametrize("alpha", [False, True])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_every_step_equals_per_pixel_lloyd(space: str, alpha: bool, seed: int) -> None:
    image = _image(seed, (23, 31), n_colors=90, alpha=alpha)
    init = _random_centroids(seed + 100, 6, space)
    steps, hist = _run(image, init, space=space, tol=0.0)
    ref = reference_lloyd(image, init, space=space, tol=0.0)
    _, x, w = pixels_of(image, space)
    _assert_same(steps, ref, hist, scale=float(w @ (x * x).sum(axis=1)))
    assert steps[-1].stop_reason == "converged"


@pytest.mark.parametrize("space", ["rgb", "lab", "oklab"])
def test_tol_and_max_iter_stop_where_the_reference_stops(space: str) -> None:
    image = _image(7, (30, 30), n_colors=300)
    init = _random_centroids(8, 9, space)
    _, x, w = pixels_of(image, space)
    scale = float(w @ (x * x).sum(axis=1))
    for tol, max_iter in ((1e-2, 300), (0.0, 3)):
        steps, hist = _run(image, init, space=space, tol=tol, max_iter=max_iter)
        ref = reference_lloyd(image, init, space=space, tol=tol, max_iter=max_iter)
        _assert_same(steps, ref, hist, scale)


def test_kmeans_plusplus_start_then_exact_steps() -> None:
    """Plain k-means++ (refine=False) on a small image, checked from the centroids it picks."""
    image = _image(3, (40, 40), n_colors=500)
    hist = build_histogram(image)
    x = to_space(hist.colors, "rgb")
    start = kmeans_plusplus(x, hist.weights, 8, np.random.default_rng(5))
    assert start is not None
    steps = list(iter_kmeans(hist, 8, seed=5, tol=0.0, refine=False))
    ref = reference_lloyd(image, start, tol=0.0)
    _assert_same(steps, ref, hist, scale=1.0)


@pytest.mark.parametrize("space", ["rgb", "lab", "oklab"])
@pytest.mark.parametrize("alpha", [False, True])
def test_refined_default_run_is_exact_lloyd_between_its_moves(space: str, alpha: bool) -> None:
    """With the default search and Hartigan moves, every Lloyd step is still one exact
    per-pixel Lloyd step from the centroids the step before ended at (Hartigan's included)."""
    image = _image(7, (30, 40), n_colors=120, alpha=alpha)
    hist = build_histogram(image[..., :3], image[..., 3] if alpha else None)
    steps = list(iter_kmeans(hist, 7, space=space, seed=2, tol=0.0))  # type: ignore[arg-type]
    assert steps[-1].kind == "lloyd" and steps[-1].stop_reason == "converged"
    _, x, w = pixels_of(image, space)
    scale = float(w @ (x * x).sum(axis=1))
    for before, step in itertools.pairwise(steps):
        if step.kind != "lloyd":
            continue
        ref = reference_lloyd(image, before.centroids, space=space, max_iter=1)[0]
        np.testing.assert_array_equal(step.labels[hist.index], ref.labels)
        np.testing.assert_allclose(step.centroids, ref.centroids, rtol=1e-11, atol=1e-9)
        assert step.inertia == pytest.approx(ref.inertia, rel=1e-9, abs=1e-9 * scale)


def test_empty_cluster_is_reseeded_like_the_reference() -> None:
    image = _image(4, (20, 20), n_colors=60)
    init = _random_centroids(11, 5, "rgb")
    init[2] = [900.0, -700.0, 400.0]  # no colour is nearest to it: empty at step 1
    steps, hist = _run(image, init, tol=0.0)
    assert steps[0].timings["reseeded"] > 0
    assert all(np.isfinite(s.centroids).all() and (s.weights > 0).all() for s in steps)
    _assert_same(steps, reference_lloyd(image, init, tol=0.0), hist, scale=1.0)


@pytest.mark.parametrize(("space", "k"), [("rgb", 7), ("lab", 7), ("rgb", 12)])
def test_many_colours_many_steps_match(space: str, k: int) -> None:
    """A larger image (two worker chunks, bounds skipping most colours for many steps;
    k = 12 splits the lower bounds into groups)."""
    rng = np.random.default_rng(12)
    yy, xx = np.mgrid[0:300, 0:300]
    smooth = np.dstack([xx * 0.8, yy * 0.8, (xx + yy) * 0.4]) + rng.normal(0, 12, (300, 300, 3))
    image = np.clip(smooth, 0, 255).astype(np.uint8)
    assert build_histogram(image).n_colors > 70_000
    init = _random_centroids(13, k, space)
    steps, hist = _run(image, init, space=space, tol=0.0, max_iter=40)
    ref = reference_lloyd(image, init, space=space, tol=0.0, max_iter=40)
    _, x, w = pixels_of(image, space)
    _assert_same(steps, ref, hist, scale=float(w @ (x * x).sum(axis=1)))
    assert len(steps) > 10
