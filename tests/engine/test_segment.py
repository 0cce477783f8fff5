"""segment / iter_segment / segment_histogram: the public one-call API."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest

from colorseg_gui.engine import (
    build_histogram,
    iter_segment,
    mse_rgb,
    segment,
    segment_histogram,
)


def _image(seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:48, 0:64]
    base = np.dstack([xx * 4, yy * 5, 255 - xx * 2])
    return np.clip(base + rng.normal(0, 6, base.shape), 0, 255).astype(np.uint8)


def test_segment_returns_labels_per_pixel_and_the_final_step() -> None:
    image = _image()
    result = segment(image, 6, seed=1)
    assert result.labels.shape == (48, 64) and result.labels.dtype == np.uint8
    assert result.centroids.shape == (6, 3) and result.palette.dtype == np.uint8
    assert result.k == 6 and result.iterations == result.step.iteration
    assert result.step.final and result.converged == result.step.converged
    # The label map is the step's per-colour labels spread over the pixels.
    np.testing.assert_array_equal(
        result.labels.reshape(-1), result.step.labels[result.histogram.index]
    )
    # J is the per-pixel cost of those labels against the centroids that made them, and
    # the final centroids are the per-pixel means of their clusters.
    flat = image.reshape(-1, 3).astype(float)
    lab = result.labels.reshape(-1)
    means = np.array([flat[lab == j].mean(axis=0) for j in range(6)])
    np.testing.assert_allclose(result.centroids, means, rtol=1e-12)
    assert result.weights.sum() == pytest.approx(48 * 64)
    assert {"histogram", "init", "iterations", "render"} <= result.timings.keys()
    assert mse_rgb(result.histogram, result.palette, result.step.labels) > 0


def test_iter_segment_yields_the_same_steps_as_segment() -> None:
    image = _image(2)
    steps = list(iter_segment(image, 5, seed=3, space="lab"))
    result = segment(image, 5, seed=3, space="lab")
    assert steps[-1].final and not any(s.final for s in steps[:-1])
    np.testing.assert_array_equal(steps[-1].centroids, result.centroids)
    assert steps[-1].inertia == result.inertia and result.space == "lab"


def test_segment_histogram_reuses_a_cached_histogram() -> None:
    image = _image(3)
    hist = build_histogram(image)
    a = segment_histogram(hist, 4, seed=0)
    b = segment(image, 4, seed=0)
    assert a.histogram is hist
    np.testing.assert_array_equal(a.labels, b.labels)


def test_alpha_channel_weights_pixels() -> None:
    image = _image(4)
    rgba = np.dstack([image, np.full(image.shape[:2], 255, np.uint8)])
    rgba[:, :32, 3] = 0  # the left half is invisible: it must not pull any centroid
    result = segment(rgba, 3, seed=0)
    right = segment(np.ascontiguousarray(image[:, 32:]), 3, seed=0)
    assert result.weights.sum() == pytest.approx(48 * 32)
    assert sorted(map(tuple, result.centroids.round(9))) == sorted(
        map(tuple, right.centroids.round(9))
    )
    assert result.histogram.alpha is not None


@pytest.mark.parametrize(
    "bad",
    [
        np.zeros((4, 4), np.uint8),
        np.zeros((4, 4, 2), np.uint8),
        np.zeros((4, 4, 3), np.float32),
        np.zeros((0, 4, 3), np.uint8),
    ],
)
def test_bad_arrays_raise_value_error(bad: np.ndarray) -> None:
    with pytest.raises(ValueError):
        segment(bad, 3)


def test_engine_works_with_pyside6_blocked() -> None:
    code = textwrap.dedent(
        """
        import sys
        sys.modules["PySide6"] = None  # any import of PySide6 now raises ImportError
        import numpy as np
        import colorseg_gui.engine as engine
        image = np.random.default_rng(0).integers(0, 256, size=(20, 30, 3), dtype=np.uint8)
        result = engine.segment(image, 4)
        assert result.labels.shape == (20, 30) and result.step.final
        assert not [m for m in sys.modules if m.startswith("PySide6.")]
        print("ok", result.k)
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["ok", "4"]
