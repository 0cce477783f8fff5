"""Rendering a step paints every pixel with its cluster's colour, and nothing else."""

from __future__ import annotations

import numpy as np

from colorseg_gui.engine import (
    PreviewIndex,
    build_histogram,
    mse_rgb,
    paint_label_map,
    render_label_map,
    render_masks,
    render_segmented,
)


def _image(seed: int, shape: tuple[int, int] = (37, 53)) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, size=(*shape, 3), dtype=np.uint8)


def _clustered(rgb: np.ndarray, k: int) -> tuple:
    hist = build_histogram(rgb)
    labels = (hist.colors.astype(int).sum(axis=1) % k).astype(np.uint8)
    palette = np.random.default_rng(1).integers(0, 256, size=(k, 3), dtype=np.uint8)
    return hist, labels, palette


def test_segmented_and_label_map_follow_each_pixel() -> None:
    rgb = _image(0)
    hist, labels, palette = _clustered(rgb, 5)
    expected_labels = (rgb.astype(int).sum(axis=2) % 5).astype(np.uint8)
    np.testing.assert_array_equal(render_label_map(hist, labels), expected_labels)
    np.testing.assert_array_equal(render_segmented(hist, palette, labels), palette[expected_labels])


def test_alpha_is_kept() -> None:
    rgb = _image(1)
    alpha = np.random.default_rng(2).integers(0, 256, size=rgb.shape[:2], dtype=np.uint8)
    hist = build_histogram(rgb, alpha)
    labels = np.zeros(hist.n_colors, np.uint8)
    out = render_segmented(hist, np.array([[9, 8, 7]], np.uint8), labels)
    assert out.shape == (*rgb.shape[:2], 4)
    np.testing.assert_array_equal(out[..., 3], alpha)
    assert (out[..., :3] == [9, 8, 7]).all()


def test_masks_partition_the_image() -> None:
    rgb = _image(3)
    hist, labels, _ = _clustered(rgb, 4)
    masks = list(render_masks(hist, labels, 4))
    assert len(masks) == 4
    stacked = np.stack(masks).astype(int)
    assert (stacked.sum(axis=0) == 1).all()
    np.testing.assert_array_equal(masks[2], render_label_map(hist, labels) == 2)


def test_mse_matches_per_pixel_mean() -> None:
    rgb = _image(4)
    hist, labels, palette = _clustered(rgb, 6)
    segmented = render_segmented(hist, palette, labels).astype(float)
    expected = ((rgb.astype(float) - segmented) ** 2).sum(axis=2).mean()
    assert np.isclose(mse_rgb(hist, palette, labels), expected)


def test_preview_of_small_image_is_exact() -> None:
    rgb = _image(5, (20, 30))
    hist, labels, palette = _clustered(rgb, 3)
    preview = PreviewIndex.build(hist, max_size=64)
    assert preview.size == (30, 20)
    np.testing.assert_array_equal(
        preview.render(palette, labels), render_segmented(hist, palette, labels)
    )


def test_preview_downscales_and_averages_blocks() -> None:
    # Stripes two columns wide, previewed at 1/4: the 2 x 2 samples of each block land on
    # columns 1 and 3, one in each stripe, so every preview pixel is an even blend.
    rgb = np.zeros((400, 600, 3), np.uint8)
    rgb[:, (np.arange(600) % 4) >= 2] = 255
    hist = build_histogram(rgb)
    labels = np.array([0, 1], np.uint8)
    palette = np.array([[0, 0, 0], [200, 100, 50]], np.uint8)
    preview = PreviewIndex.build(hist, max_size=150)
    out = preview.render(palette, labels)
    assert out.shape == (100, 150, 3)
    assert max(out.shape[:2]) <= 150
    assert (out == [100, 50, 25]).all()


def test_preview_keeps_alpha() -> None:
    rgb = _image(6, (100, 100))
    alpha = np.zeros((100, 100), np.uint8)
    alpha[:, 50:] = 255
    hist = build_histogram(rgb, alpha)
    out = PreviewIndex.build(hist, max_size=50).render(
        np.array([[1, 2, 3]], np.uint8), np.zeros(hist.n_colors, np.uint8)
    )
    assert out.shape == (50, 50, 4)
    assert (out[:, :25, 3] == 0).all() and (out[:, 25:, 3] == 255).all()


def test_full_size_render_split_in_ranges_equals_a_plain_lookup() -> None:
    """Above a million pixels the lookup runs in ranges on the shared pool, alpha or not."""
    rng = np.random.default_rng(5)
    image = rng.integers(0, 64, size=(1100, 1000, 3), dtype=np.uint8) * 4
    alpha = rng.integers(0, 256, size=(1100, 1000), dtype=np.uint8)
    for a in (None, alpha):
        hist = build_histogram(image, a)
        labels = rng.integers(0, 7, size=hist.n_colors).astype(np.uint8)
        palette = rng.integers(0, 256, size=(7, 3), dtype=np.uint8)
        out = render_segmented(hist, palette, labels)
        expected = palette[labels][hist.index].reshape(1100, 1000, 3)
        np.testing.assert_array_equal(out[..., :3], expected)
        if a is not None:
            np.testing.assert_array_equal(out[..., 3], a)


def test_painting_the_label_map_equals_rendering_the_histogram() -> None:
    rng = np.random.default_rng(6)
    image = rng.integers(0, 32, size=(1100, 1000, 3), dtype=np.uint8) * 8
    alpha = rng.integers(0, 256, size=(1100, 1000), dtype=np.uint8)
    for a in (None, alpha):
        hist = build_histogram(image, a)
        labels = rng.integers(0, 9, size=hist.n_colors).astype(np.uint8)
        palette = rng.integers(0, 256, size=(9, 3), dtype=np.uint8)
        label_map = render_label_map(hist, labels)
        np.testing.assert_array_equal(label_map.reshape(-1), labels[hist.index])
        np.testing.assert_array_equal(
            paint_label_map(label_map, palette, hist.alpha), render_segmented(hist, palette, labels)
        )
