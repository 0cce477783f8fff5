"""Properties every Lloyd run must have, on random small images (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from colorseg_gui.engine import build_histogram, iter_kmeans, to_space


@st.composite
def images(draw: st.DrawFn) -> np.ndarray:
    height = draw(st.integers(1, 12))
    width = draw(st.integers(1, 12))
    levels = draw(st.sampled_from([2, 4, 16, 256]))  # few levels -> repeated colours, ties
    rgb = draw(arrays(np.uint8, (height, width, 3), elements=st.integers(0, levels - 1)))
    rgb = (rgb.astype(np.int64) * (255 // (levels - 1))).astype(np.uint8)
    if draw(st.booleans()):
        alpha = draw(
            arrays(np.uint8, (height, width, 1), elements=st.sampled_from([0, 1, 77, 255]))
        )
        return np.concatenate([rgb, alpha], axis=2)
    return rgb


@settings(max_examples=120, deadline=None)
@given(
    image=images(),
    k=st.integers(1, 10),
    space=st.sampled_from(["rgb", "lab", "oklab"]),
    init=st.sampled_from(["k-means++", "random"]),
    seed=st.integers(0, 2**32 - 1),
    tol=st.sampled_from([0.0, 1e-4, 0.05]),
)
def test_lloyd_invariants(
    image: np.ndarray, k: int, space: str, init: str, seed: int, tol: float
) -> None:
    alpha = image[..., 3] if image.shape[2] == 4 else None
    hist = build_histogram(image[..., :3], alpha)
    steps = list(iter_kmeans(hist, k, space=space, seed=seed, init=init, tol=tol))  # type: ignore[arg-type]
    x = to_space(hist.colors, space)  # type: ignore[arg-type]
    weights = hist.weights if hist.weights.sum() > 0 else hist.counts.astype(float)
    scale = float(weights @ (x * x).sum(axis=1)) + 1.0

    assert steps, "at least one step"
    assert [s.final for s in steps] == [False] * (len(steps) - 1) + [True]
    assert [s.iteration for s in steps] == list(range(1, len(steps) + 1))
    previous = None
    for step in steps:
        kk = step.k
        assert step.centroids.shape == (kk, 3) and step.palette.shape == (kk, 3)
        assert np.isfinite(step.centroids).all() and np.isfinite(step.inertia)
        assert step.labels.shape == (hist.n_colors,) and step.labels.max() < kk
        # Every centroid is the weighted mean of its members, and no cluster is empty.
        for j in range(kk):
            members = (step.labels == j) & (weights > 0)
            assert members.any()
            mean = weights[members] @ x[members] / weights[members].sum()
            np.testing.assert_allclose(step.centroids[j], mean, rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(step.weights.sum(), weights.sum(), rtol=1e-12)
        if previous is not None:
            # J never increases.  A Lloyd step's J is the cost of its labels against the
            # centroids it started from; a Hartigan step's against its own means.
            assert step.inertia <= previous.inertia + 1e-9 * scale
            against = step.centroids if step.kind == "hartigan" else previous.centroids
            dist = ((x[:, None, :] - against[None]) ** 2).sum(axis=2)
            own = dist[np.arange(hist.n_colors), step.labels]
            np.testing.assert_allclose(step.inertia, weights @ own, rtol=1e-9, atol=1e-9 * scale)
            if step.kind == "hartigan":
                assert step.inertia < previous.inertia
            elif step.timings["reseeded"] == 0:
                # Labels are nearest-centroid (up to exact ties).
                assert (own <= dist.min(axis=1) + 1e-9 * (1 + dist.min(axis=1))).all()
        previous = step
    last = steps[-1]
    assert last.kind == "lloyd"
    n_positive = int((weights > 0).sum())
    if k >= n_positive:
        assert last.stop_reason == "exact" and last.inertia == 0 and last.k == n_positive
    else:
        assert last.k == k
        assert last.stop_reason in {"converged", "tol", "max_iter"}
        if last.stop_reason == "converged":
            assert last.changed == 0
