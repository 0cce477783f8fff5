"""The colour histogram is exact: same colours, counts and way back as numpy.unique."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from colorseg_gui.engine import build_histogram


def _unique_reference(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    colors, inverse, counts = np.unique(
        rgb.reshape(-1, 3), axis=0, return_inverse=True, return_counts=True
    )
    return colors, inverse.reshape(-1), counts


@settings(max_examples=60, deadline=None)
@given(
    arrays(
        np.uint8,
        st.tuples(st.integers(1, 40), st.integers(1, 40), st.just(3)),
        elements=st.integers(0, 255) | st.sampled_from([0, 7, 255]),
    )
)
def test_histogram_matches_unique(rgb: np.ndarray) -> None:
    hist = build_histogram(rgb)
    colors, inverse, counts = _unique_reference(rgb)
    np.testing.assert_array_equal(hist.colors, colors)
    np.testing.assert_array_equal(hist.index, inverse)
    np.testing.assert_array_equal(hist.counts, counts)
    np.testing.assert_array_equal(hist.weights, counts.astype(float))
    assert hist.shape == rgb.shape[:2]
    # The way back reproduces every pixel.
    np.testing.assert_array_equal(hist.colors[hist.index].reshape(rgb.shape), rgb)


def test_histogram_spans_chunks_and_all_channels() -> None:
    rng = np.random.default_rng(3)
    rgb = rng.integers(0, 256, size=(1100, 1000, 3), dtype=np.uint8)  # > one 1 Mpx chunk
    hist = build_histogram(rgb)
    colors, inverse, counts = _unique_reference(rgb)
    np.testing.assert_array_equal(hist.colors, colors)
    np.testing.assert_array_equal(hist.index, inverse)
    np.testing.assert_array_equal(hist.counts, counts)


def test_alpha_weights_are_fractional_and_transparent_pixels_weigh_nothing() -> None:
    rgb = np.array([[[10, 20, 30], [10, 20, 30], [200, 0, 0]]], dtype=np.uint8)
    alpha = np.array([[255, 51, 0]], dtype=np.uint8)
    hist = build_histogram(rgb, alpha)
    assert hist.n_colors == 2
    np.testing.assert_array_equal(hist.colors, [[10, 20, 30], [200, 0, 0]])
    np.testing.assert_allclose(hist.weights, [1.0 + 51 / 255, 0.0])
    np.testing.assert_array_equal(hist.counts, [2, 1])
    assert hist.alpha is not None and hist.alpha is not alpha


def test_rejects_wrong_shapes() -> None:
    with pytest.raises(ValueError, match="H x W x 3"):
        build_histogram(np.zeros((4, 4), np.uint8))
    with pytest.raises(ValueError, match="alpha shape"):
        build_histogram(np.zeros((4, 4, 3), np.uint8), np.zeros((4, 5), np.uint8))
