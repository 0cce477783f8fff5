"""Stopping rules, determinism, cancellation, edge values of k and option checking."""

from __future__ import annotations

import numpy as np
import pytest

from colorseg_gui.engine import build_histogram, iter_kmeans, render_segmented
from colorseg_gui.engine.cluster.assign import Points
from colorseg_gui.engine.cluster.init import COARSE_MIN_COLORS, init_centroids
from colorseg_gui.engine.options import Space


def _photo_like(seed: int, size: int = 120) -> np.ndarray:
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:size, 0:size]
    base = np.dstack([xx * 200 / size, yy * 200 / size, (xx + yy) * 100 / size])
    return np.clip(base + rng.normal(0, 10, base.shape), 0, 255).astype(np.uint8)


def _bits(steps: list) -> list[tuple[bytes, ...]]:
    return [
        (s.centroids.tobytes(), s.labels.tobytes(), s.weights.tobytes(), repr(s.inertia).encode())
        for s in steps
    ]


@pytest.mark.parametrize("init", ["k-means++", "random"])
def test_same_seed_same_bits_other_seed_other_start(init: str) -> None:
    hist = build_histogram(_photo_like(0))
    first = list(iter_kmeans(hist, 8, seed=3, init=init))
    again = list(iter_kmeans(hist, 8, seed=3, init=init))
    other = list(iter_kmeans(hist, 8, seed=4, init=init))
    assert _bits(first) == _bits(again)
    assert first[0].centroids.tobytes() != other[0].centroids.tobytes()


@pytest.mark.parametrize("coarse_min", [COARSE_MIN_COLORS, 50_000])
def test_large_histogram_paths_are_deterministic_and_cover_all_colours(
    monkeypatch: pytest.MonkeyPatch, coarse_min: int
) -> None:
    """Sampled k-means++, or above COARSE_MIN_COLORS the coarse warm start: both repeatable."""
    from colorseg_gui.engine.cluster import init as init_module

    monkeypatch.setattr(init_module, "COARSE_MIN_COLORS", coarse_min)
    monkeypatch.setattr(init_module, "INIT_MIN_SAMPLE", 20_000)
    monkeypatch.setattr(init_module, "INIT_BUDGET", 1_000_000)
    rng = np.random.default_rng(1)
    image = rng.integers(0, 256, size=(400, 400, 3), dtype=np.uint8)
    hist = build_histogram(image)
    assert hist.n_colors > 100_000
    runs = [list(iter_kmeans(hist, 16, seed=9, max_iter=8)) for _ in range(2)]
    assert _bits(runs[0]) == _bits(runs[1])
    last = runs[0][-1]
    assert last.stop_reason in {"tol", "max_iter", "converged"}
    assert np.bincount(last.labels, minlength=16).min() > 0


def test_k1_is_the_weighted_mean_and_converges_on_the_second_step() -> None:
    image = _photo_like(2, 40)
    alpha = np.random.default_rng(2).integers(0, 256, size=(40, 40), dtype=np.uint8)
    hist = build_histogram(image, alpha)
    steps = list(iter_kmeans(hist, 1, tol=0))
    w = alpha.reshape(-1) / 255.0
    mean = w @ image.reshape(-1, 3).astype(float) / w.sum()
    assert [s.changed for s in steps] == [40 * 40, 0]
    assert steps[-1].stop_reason == "converged"
    np.testing.assert_allclose(steps[-1].centroids[0], mean, rtol=1e-12)
    expected_j = w @ ((image.reshape(-1, 3) - mean) ** 2).sum(axis=1)
    assert steps[-1].inertia == pytest.approx(expected_j, rel=1e-9)


@pytest.mark.parametrize("k", [5, 6, 200, 256, 999])
def test_k_at_least_distinct_colours_gives_the_image_back(k: int) -> None:
    palette = np.array([[0, 0, 0], [255, 0, 0], [0, 255, 0], [1, 2, 3], [9, 9, 9]], np.uint8)
    rng = np.random.default_rng(0)
    rgb = palette[rng.integers(0, 5, size=(9, 11))]
    hist = build_histogram(rgb)
    steps = list(iter_kmeans(hist, k, space="lab"))
    assert len(steps) == 1
    step = steps[0]
    assert step.final and step.converged and step.stop_reason == "exact"
    assert step.inertia == 0.0 and step.k == 5
    np.testing.assert_array_equal(render_segmented(hist, step.palette, step.labels), rgb)


def test_transparent_colours_weigh_nothing_but_get_a_label() -> None:
    rgb = np.zeros((4, 6, 3), np.uint8)
    rgb[:, :3] = [200, 10, 10]
    rgb[:, 3:] = [10, 10, 200]
    rgb[0, 0] = [10, 200, 10]  # its own colour, fully transparent
    alpha = np.full((4, 6), 255, np.uint8)
    alpha[0, 0] = 0
    hist = build_histogram(rgb, alpha)
    step = list(iter_kmeans(hist, 2))[-1]
    assert step.stop_reason == "exact" and step.k == 2
    assert sorted(map(tuple, step.palette.tolist())) == [(10, 10, 200), (200, 10, 10)]
    assert step.labels.shape == (3,)


def test_fully_transparent_image_clusters_by_pixel_count() -> None:
    rgb = _photo_like(3, 20)
    hist = build_histogram(rgb, np.zeros((20, 20), np.uint8))
    last = list(iter_kmeans(hist, 4))[-1]
    assert last.k == 4 and np.isfinite(last.centroids).all() and last.final


def test_k_below_one_is_clamped_to_one() -> None:
    hist = build_histogram(_photo_like(4, 30))
    assert list(iter_kmeans(hist, 0))[-1].k == 1


def test_tol_stops_on_the_relative_drop_of_j() -> None:
    hist = build_histogram(_photo_like(5))
    # Plain Lloyd (refine=False): the moves made after a stop would fork the trajectories.
    strict = list(iter_kmeans(hist, 12, seed=1, tol=0, max_iter=500, refine=False))
    assert strict[-1].stop_reason == "converged" and strict[-1].changed == 0
    js = [s.inertia for s in strict]
    tol = 1e-3
    loose = list(iter_kmeans(hist, 12, seed=1, tol=tol, refine=False))
    stop = len(loose)
    assert loose[-1].stop_reason == "tol" and loose[-1].converged
    # Same trajectory, cut at the first step whose relative drop is <= tol.
    assert [s.inertia for s in loose] == js[:stop]
    drops = [(js[i - 1] - js[i]) / js[i - 1] for i in range(1, len(js))]
    assert stop == 1 + next(i for i, d in enumerate(drops, start=1) if d <= tol)


def test_max_iter_caps_the_steps() -> None:
    hist = build_histogram(_photo_like(6))
    steps = list(iter_kmeans(hist, 10, tol=0, max_iter=3))
    assert [s.iteration for s in steps] == [1, 2, 3]
    assert steps[-1].stop_reason == "max_iter" and steps[-1].final and not steps[-1].converged


def test_should_stop_ends_the_generator_without_a_final_step() -> None:
    hist = build_histogram(_photo_like(7))
    steps: list = []
    for step in iter_kmeans(hist, 10, tol=0, should_stop=lambda: len(steps) >= 3):
        steps.append(step)
    assert len(steps) == 3 and not any(s.final for s in steps)
    assert list(iter_kmeans(hist, 10, should_stop=lambda: True)) == []


def test_should_stop_interrupts_a_long_init() -> None:
    rng = np.random.default_rng(2)
    x = rng.uniform(0, 255, size=(5000, 3))
    calls = []

    def stop() -> bool:
        calls.append(1)
        return True

    result = init_centroids(Points.from_coords(x), np.ones(5000), 64, "k-means++", rng, stop)
    assert result is None and len(calls) == 1


def test_explicit_init_is_the_starting_point() -> None:
    hist = build_histogram(_photo_like(8, 50))
    init = np.array([[10.0, 10, 10], [200, 200, 100], [100, 50, 60]])
    first = next(iter(iter_kmeans(hist, 3, init=init)))
    x = hist.colors.astype(float)
    nearest = ((x[:, None] - init[None]) ** 2).sum(axis=2).argmin(axis=1)
    np.testing.assert_array_equal(first.labels, nearest)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"init": np.zeros((4, 2))}, "k x 3"),
        ({"init": np.zeros((5, 3))}, "5 rows but k is 4"),
        ({"init": np.full((4, 3), np.nan)}, "NaN"),
        ({"init": [["a", "b", "c"]] * 4}, "not numeric"),
        ({"init": "kmeans"}, "unknown init"),
        ({"space": "hsv"}, "unknown colour space"),
        ({"max_iter": 0}, "max_iter"),
        ({"tol": -1.0}, "tol"),
    ],
)
def test_bad_options_raise_value_error(kwargs: dict, message: str) -> None:
    hist = build_histogram(_photo_like(9, 30))
    with pytest.raises(ValueError, match=message):
        list(iter_kmeans(hist, 4, **kwargs))


def test_huge_histograms_preview_the_warm_start_then_run_the_same_exact_steps(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from colorseg_gui.engine.cluster import init as init_module
    from colorseg_gui.engine.cluster import kmeans as kmeans_module

    hist = build_histogram(_photo_like(10, 100))
    monkeypatch.setattr(init_module, "COARSE_MIN_COLORS", 1000)
    monkeypatch.setattr(kmeans_module, "PREVIEW_INTERVAL", 0.0)
    plain = list(iter_kmeans(hist, 6, seed=2))
    monkeypatch.setattr(kmeans_module, "PREVIEW_MIN_COLORS", 1000)
    shown = list(iter_kmeans(hist, 6, seed=2))
    previews = [s for s in shown if s.is_preview]
    assert previews and shown[: len(previews)] == previews
    for step in previews:
        assert step.iteration == 0 and not step.final and not step.converged
        assert step.labels.shape == (hist.n_colors,) and step.labels.max() < 6
        assert step.weights.sum() == pytest.approx(hist.weights.sum())
    assert _bits(shown[len(previews) :]) == _bits(plain)
    assert all(not s.is_preview for s in plain)


def test_the_last_preview_shows_where_the_exact_steps_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from colorseg_gui.engine.cluster import init as init_module
    from colorseg_gui.engine.cluster import kmeans as kmeans_module

    hist = build_histogram(_photo_like(10, 100))
    monkeypatch.setattr(init_module, "COARSE_MIN_COLORS", 1000)
    monkeypatch.setattr(kmeans_module, "PREVIEW_MIN_COLORS", 1000)
    # Throttled to the first warm iteration, plus the warm start's end before the exact steps.
    monkeypatch.setattr(kmeans_module, "PREVIEW_INTERVAL", 1e9)
    shown = list(iter_kmeans(hist, 6, seed=2))
    previews = [s for s in shown if s.is_preview]
    assert len(previews) == 2 and shown[:2] == previews
    start = previews[-1].centroids
    colors = hist.colors.astype(np.float64)
    nearest = ((colors[:, None, :] - start[None]) ** 2).sum(axis=2).argmin(axis=1)
    np.testing.assert_array_equal(shown[2].labels, nearest)


@pytest.mark.parametrize("space", ["rgb", "lab", "oklab"])
def test_steps_split_across_the_shared_pool_give_the_same_bits(
    monkeypatch: pytest.MonkeyPatch, space: Space
) -> None:
    """Reassignment, sums and nearest-centroid chunks in many small ranges: identical steps."""
    from colorseg_gui.engine.cluster import assign as assign_module
    from colorseg_gui.engine.cluster import lloyd as lloyd_module

    hist = build_histogram(_photo_like(4, 200))
    whole = list(iter_kmeans(hist, 12, seed=5, space=space, tol=0, max_iter=40))
    monkeypatch.setattr(lloyd_module, "_REASSIGN_CHUNK", 1000)
    monkeypatch.setattr(lloyd_module, "_STATS_CHUNK", 777)
    monkeypatch.setattr(assign_module, "CHUNK", 500)
    monkeypatch.setattr(assign_module, "_MIN_CHUNK", 100)
    split = list(iter_kmeans(hist, 12, seed=5, space=space, tol=0, max_iter=40))
    assert len(whole) > 3
    if space == "rgb":
        assert _bits(split) == _bits(whole)  # integer sums: bit for bit whatever the order
    else:
        # Lab sums are float: another chunking may round them differently, nothing more.
        assert [s.labels.tobytes() for s in split] == [s.labels.tobytes() for s in whole]
        for a, b in zip(split, whole, strict=True):
            np.testing.assert_allclose(a.centroids, b.centroids, rtol=1e-12)


def test_every_stop_reason_has_user_words() -> None:
    from colorseg_gui.engine import StopReason

    hist = build_histogram(_photo_like(8, 40))
    final = list(iter_kmeans(hist, 5, tol=1e-3))[-1]
    assert final.stop_reason is StopReason.TOL
    assert final.stop_reason.describe(tol=1e-4) == (
        "Stopped: J improved by less than 0.01 %"
    )
    assert StopReason.MAX_ITER.describe(max_iter=30) == "Stopped at the iteration limit (30)"
    assert all(reason.describe() and reason.detail for reason in StopReason)


def test_previews_of_the_start_search_come_first_and_change_no_exact_step() -> None:
    hist = build_histogram(_photo_like(9))
    plain = list(iter_kmeans(hist, 8, seed=4))
    shown = list(iter_kmeans(hist, 8, seed=4, previews=True))
    previews = [s for s in shown if s.kind == "preview"]
    assert previews and shown[: len(previews)] == previews
    assert all(s.iteration == 0 and not s.final for s in previews)
    assert all(s.labels.shape == (hist.n_colors,) for s in previews)
    assert _bits(shown[len(previews) :]) == _bits(plain)
    # The last preview shows the start the exact steps begin from.
    x = hist.colors.astype(np.float64)
    start = previews[-1].centroids
    nearest = ((x[:, None, :] - start[None]) ** 2).sum(axis=2).argmin(axis=1)
    np.testing.assert_array_equal(plain[0].labels, nearest)
