"""The ColorSeg engine: numpy and Pillow only; it never imports Qt."""

from colorseg_gui.engine.colorspace import (
    lab_to_srgb,
    palette_from_centroids,
    srgb_to_lab,
    to_space,
)
from colorseg_gui.engine.histogram import ColorHistogram, build_histogram
from colorseg_gui.engine.kmeans import iter_kmeans
from colorseg_gui.engine.loading import (
    DEFAULT_MAX_PIXELS,
    SUPPORTED_EXTENSIONS,
    ImageLoadError,
    Picture,
    is_supported_path,
    load_image,
    picture_from_array,
)
from colorseg_gui.engine.palette_files import (
    PALETTE_FORMATS,
    palette_entries,
    palette_order,
    reorder_clusters,
    write_palette,
)
from colorseg_gui.engine.render import (
    PreviewIndex,
    mse_rgb,
    paint_label_map,
    render_label_map,
    render_masks,
    render_segmented,
)
from colorseg_gui.engine.segment import (
    SegmentResult,
    iter_segment,
    segment,
    segment_histogram,
)
from colorseg_gui.engine.types import (
    MAX_K,
    MIN_K,
    SPACES,
    STOP_REASONS,
    KMeansStep,
    Space,
    describe_stop,
)
from colorseg_gui.engine.writers import (
    IMAGE_FORMATS,
    ExportError,
    default_output_name,
    save_image,
    save_indexed_png,
    save_label_map,
    save_masks,
)

__all__ = [
    "DEFAULT_MAX_PIXELS",
    "IMAGE_FORMATS",
    "MAX_K",
    "MIN_K",
    "PALETTE_FORMATS",
    "SPACES",
    "STOP_REASONS",
    "SUPPORTED_EXTENSIONS",
    "ColorHistogram",
    "ExportError",
    "ImageLoadError",
    "KMeansStep",
    "Picture",
    "PreviewIndex",
    "SegmentResult",
    "Space",
    "build_histogram",
    "default_output_name",
    "describe_stop",
    "is_supported_path",
    "iter_kmeans",
    "iter_segment",
    "lab_to_srgb",
    "load_image",
    "mse_rgb",
    "paint_label_map",
    "palette_entries",
    "palette_from_centroids",
    "palette_order",
    "picture_from_array",
    "render_label_map",
    "render_masks",
    "render_segmented",
    "reorder_clusters",
    "save_image",
    "save_indexed_png",
    "save_label_map",
    "save_masks",
    "segment",
    "segment_histogram",
    "srgb_to_lab",
    "to_space",
    "write_palette",
]
