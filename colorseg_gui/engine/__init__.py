"""The ColorSeg engine: numpy and Pillow only; it never imports Qt.

This module is the only import path for the command line, batch and the window (a test
checks it).  Names load lazily, on first use, so that importing the engine costs nothing
until a name is used: the empty window starts without numpy or Pillow.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # for the type checker: at run time names load in __getattr__
    from colorseg_gui.engine.cluster.edits import Edited, EditError
    from colorseg_gui.engine.cluster.histogram import ColorHistogram, build_histogram
    from colorseg_gui.engine.cluster.kmeans import iter_kmeans, nearest_labels
    from colorseg_gui.engine.cluster.parallel import limit_threads
    from colorseg_gui.engine.colorspace import (
        lab_to_srgb,
        palette_from_centroids,
        srgb_to_lab,
        to_space,
    )
    from colorseg_gui.engine.elbow import (
        K_RANGE,
        SUGGEST_DELTA_E,
        KRow,
        iter_k_table,
        mean_delta_e,
        suggest_k,
    )
    from colorseg_gui.engine.io.loading import (
        DEFAULT_MAX_PIXELS,
        SUPPORTED_EXTENSIONS,
        ImageLoadError,
        Picture,
        is_supported_path,
        load_image,
        picture_from_array,
    )
    from colorseg_gui.engine.io.palette_files import (
        PALETTE_FORMATS,
        PALETTE_ORDERS,
        hex_code,
        palette_entries,
        palette_order,
        palette_title,
        reorder_clusters,
        run_meta,
        write_palette,
    )
    from colorseg_gui.engine.io.palette_read import OwnedPalette, PaletteError, read_palette
    from colorseg_gui.engine.io.recipe import RecipeError, read_recipe, recipe_text
    from colorseg_gui.engine.io.session import (
        SESSION_SUFFIX,
        Session,
        SessionError,
        SessionRun,
        file_sha256,
        image_problem,
        read_session,
        session_document,
        write_session,
    )
    from colorseg_gui.engine.io.writers import (
        IMAGE_FORMATS,
        ExportError,
        atomic_write,
        default_output_name,
        mask_names,
        save_image,
        save_indexed_png,
        save_label_map,
        save_masks,
    )
    from colorseg_gui.engine.make.dither import DITHERS
    from colorseg_gui.engine.make.error_map import (
        LUT,
        SCALE_MAX,
        ClusterErrors,
        cluster_errors,
        error_picture,
        pixel_errors,
    )
    from colorseg_gui.engine.make.make_ready import (
        MadeReady,
        MakeOptions,
        OwnedColours,
        make_ready,
        paint,
    )
    from colorseg_gui.engine.make.palette_fit import Metric, folded, in_owned_colours
    from colorseg_gui.engine.make.regions import CleanupOptions
    from colorseg_gui.engine.make.split_hint import split_gains
    from colorseg_gui.engine.make.vision import DEFICIENCIES, Confusion, confusable_pairs, simulate
    from colorseg_gui.engine.options import (
        INIT_METHODS,
        MAX_ITER,
        MAX_K,
        MAX_SEED,
        MIN_K,
        SPACES,
        KMeansOptions,
        Space,
        clamp_k,
        init_name,
    )
    from colorseg_gui.engine.pipeline import (
        HOLD_DELTA_E,
        PALETTE_ORDER,
        Numbered,
        number,
        resume,
        run_kmeans,
        toward_k,
        warm_run,
    )
    from colorseg_gui.engine.render import (
        PreviewIndex,
        mse_rgb,
        paint_label_map,
        render_label_map,
        render_masks,
        render_segmented,
    )
    from colorseg_gui.engine.segmentation import (
        SegmentResult,
        iter_segment,
        segment,
        segment_histogram,
    )
    from colorseg_gui.engine.steps import KMeansStep, StepKind, StopReason

# Each public name and the module (below this package) that defines it.
_WHERE: dict[str, str] = {
    "HOLD_DELTA_E": "pipeline",
    "EditError": "cluster.edits",
    "Edited": "cluster.edits",
    "ColorHistogram": "cluster.histogram",
    "build_histogram": "cluster.histogram",
    "iter_kmeans": "cluster.kmeans",
    "nearest_labels": "cluster.kmeans",
    "limit_threads": "cluster.parallel",
    "lab_to_srgb": "colorspace",
    "palette_from_centroids": "colorspace",
    "srgb_to_lab": "colorspace",
    "to_space": "colorspace",
    "KRow": "elbow",
    "K_RANGE": "elbow",
    "SUGGEST_DELTA_E": "elbow",
    "iter_k_table": "elbow",
    "mean_delta_e": "elbow",
    "suggest_k": "elbow",
    "DEFAULT_MAX_PIXELS": "io.loading",
    "ImageLoadError": "io.loading",
    "Picture": "io.loading",
    "SUPPORTED_EXTENSIONS": "io.loading",
    "is_supported_path": "io.loading",
    "load_image": "io.loading",
    "picture_from_array": "io.loading",
    "PALETTE_FORMATS": "io.palette_files",
    "PALETTE_ORDERS": "io.palette_files",
    "hex_code": "io.palette_files",
    "palette_entries": "io.palette_files",
    "palette_order": "io.palette_files",
    "palette_title": "io.palette_files",
    "reorder_clusters": "io.palette_files",
    "run_meta": "io.palette_files",
    "write_palette": "io.palette_files",
    "OwnedPalette": "io.palette_read",
    "PaletteError": "io.palette_read",
    "read_palette": "io.palette_read",
    "RecipeError": "io.recipe",
    "read_recipe": "io.recipe",
    "recipe_text": "io.recipe",
    "SESSION_SUFFIX": "io.session",
    "Session": "io.session",
    "SessionError": "io.session",
    "SessionRun": "io.session",
    "file_sha256": "io.session",
    "image_problem": "io.session",
    "read_session": "io.session",
    "session_document": "io.session",
    "write_session": "io.session",
    "ExportError": "io.writers",
    "IMAGE_FORMATS": "io.writers",
    "atomic_write": "io.writers",
    "default_output_name": "io.writers",
    "mask_names": "io.writers",
    "save_image": "io.writers",
    "save_indexed_png": "io.writers",
    "save_label_map": "io.writers",
    "save_masks": "io.writers",
    "DITHERS": "make.dither",
    "ClusterErrors": "make.error_map",
    "LUT": "make.error_map",
    "SCALE_MAX": "make.error_map",
    "cluster_errors": "make.error_map",
    "error_picture": "make.error_map",
    "pixel_errors": "make.error_map",
    "MadeReady": "make.make_ready",
    "MakeOptions": "make.make_ready",
    "OwnedColours": "make.make_ready",
    "make_ready": "make.make_ready",
    "paint": "make.make_ready",
    "Metric": "make.palette_fit",
    "folded": "make.palette_fit",
    "in_owned_colours": "make.palette_fit",
    "CleanupOptions": "make.regions",
    "split_gains": "make.split_hint",
    "Confusion": "make.vision",
    "DEFICIENCIES": "make.vision",
    "confusable_pairs": "make.vision",
    "simulate": "make.vision",
    "INIT_METHODS": "options",
    "KMeansOptions": "options",
    "MAX_ITER": "options",
    "MAX_K": "options",
    "MAX_SEED": "options",
    "MIN_K": "options",
    "SPACES": "options",
    "Space": "options",
    "clamp_k": "options",
    "init_name": "options",
    "Numbered": "pipeline",
    "PALETTE_ORDER": "pipeline",
    "number": "pipeline",
    "resume": "pipeline",
    "run_kmeans": "pipeline",
    "toward_k": "pipeline",
    "warm_run": "pipeline",
    "PreviewIndex": "render",
    "mse_rgb": "render",
    "paint_label_map": "render",
    "render_label_map": "render",
    "render_masks": "render",
    "render_segmented": "render",
    "SegmentResult": "segmentation",
    "iter_segment": "segmentation",
    "segment": "segmentation",
    "segment_histogram": "segmentation",
    "KMeansStep": "steps",
    "StepKind": "steps",
    "StopReason": "steps",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{where}"), name)
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
