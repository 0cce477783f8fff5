"""The ColorSeg engine: numpy and Pillow only; it never imports Qt."""

from colorseg_gui.engine.colorspace import (
    lab_to_srgb,
    palette_from_centroids,
    srgb_to_lab,
    to_space,
)
from colorseg_gui.engine.histogram import ColorHistogram, build_histogram
from colorseg_gui.engine.render import (
    PreviewIndex,
    mse_rgb,
    render_label_map,
    render_masks,
    render_segmented,
)
from colorseg_gui.engine.types import MAX_K, MIN_K, SPACES, KMeansStep, Space

__all__ = [
    "MAX_K",
    "MIN_K",
    "SPACES",
    "ColorHistogram",
    "KMeansStep",
    "PreviewIndex",
    "Space",
    "build_histogram",
    "lab_to_srgb",
    "mse_rgb",
    "palette_from_centroids",
    "render_label_map",
    "render_masks",
    "render_segmented",
    "srgb_to_lab",
    "to_space",
]
