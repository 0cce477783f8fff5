"""The ColorSeg engine: numpy and Pillow only; it never imports Qt.

This module is the only import path for the command line, batch and the window (a test
checks it).  Names load lazily, on first use, so that importing the engine costs nothing
until a name is used: the empty window starts without numpy or Pillow.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from colorseg_gui.engine.cluster.edits import (
        Edited as Edited,
    )
    from colorseg_gui.engine.cluster.edits import (
        EditError as EditError,
    )
    from colorseg_gui.engine.cluster.histogram import (
        ColorHistogram as ColorHistogram,
    )
    from colorseg_gui.engine.cluster.histogram import (
        build_histogram as build_histogram,
    )
    from colorseg_gui.engine.cluster.kmeans import (
        iter_kmeans as iter_kmeans,
    )
    from colorseg_gui.engine.cluster.parallel import (
        limit_threads as limit_threads,
    )
    from colorseg_gui.engine.colorspace import (
        lab_to_srgb as lab_to_srgb,
    )
    from colorseg_gui.engine.colorspace import (
        palette_from_centroids as palette_from_centroids,
    )
    from colorseg_gui.engine.colorspace import (
        srgb_to_lab as srgb_to_lab,
    )
    from colorseg_gui.engine.colorspace import (
        to_space as to_space,
    )
    from colorseg_gui.engine.elbow import (
        K_RANGE as K_RANGE,
    )
    from colorseg_gui.engine.elbow import (
        SUGGEST_DELTA_E as SUGGEST_DELTA_E,
    )
    from colorseg_gui.engine.elbow import (
        KRow as KRow,
    )
    from colorseg_gui.engine.elbow import (
        iter_k_table as iter_k_table,
    )
    from colorseg_gui.engine.elbow import (
        mean_delta_e as mean_delta_e,
    )
    from colorseg_gui.engine.elbow import (
        suggest_k as suggest_k,
    )
    from colorseg_gui.engine.io.loading import (
        DEFAULT_MAX_PIXELS as DEFAULT_MAX_PIXELS,
    )
    from colorseg_gui.engine.io.loading import (
        SUPPORTED_EXTENSIONS as SUPPORTED_EXTENSIONS,
    )
    from colorseg_gui.engine.io.loading import (
        ImageLoadError as ImageLoadError,
    )
    from colorseg_gui.engine.io.loading import (
        Picture as Picture,
    )
    from colorseg_gui.engine.io.loading import (
        is_supported_path as is_supported_path,
    )
    from colorseg_gui.engine.io.loading import (
        load_image as load_image,
    )
    from colorseg_gui.engine.io.loading import (
        picture_from_array as picture_from_array,
    )
    from colorseg_gui.engine.io.palette_files import (
        PALETTE_FORMATS as PALETTE_FORMATS,
    )
    from colorseg_gui.engine.io.palette_files import (
        PALETTE_ORDERS as PALETTE_ORDERS,
    )
    from colorseg_gui.engine.io.palette_files import (
        hex_code as hex_code,
    )
    from colorseg_gui.engine.io.palette_files import (
        palette_entries as palette_entries,
    )
    from colorseg_gui.engine.io.palette_files import (
        palette_order as palette_order,
    )
    from colorseg_gui.engine.io.palette_files import (
        palette_title as palette_title,
    )
    from colorseg_gui.engine.io.palette_files import (
        reorder_clusters as reorder_clusters,
    )
    from colorseg_gui.engine.io.palette_files import (
        run_meta as run_meta,
    )
    from colorseg_gui.engine.io.palette_files import (
        write_palette as write_palette,
    )
    from colorseg_gui.engine.io.palette_read import (
        OwnedPalette as OwnedPalette,
    )
    from colorseg_gui.engine.io.palette_read import (
        PaletteError as PaletteError,
    )
    from colorseg_gui.engine.io.palette_read import (
        read_palette as read_palette,
    )
    from colorseg_gui.engine.io.recipe import (
        RecipeError as RecipeError,
    )
    from colorseg_gui.engine.io.recipe import (
        read_recipe as read_recipe,
    )
    from colorseg_gui.engine.io.recipe import (
        recipe_text as recipe_text,
    )
    from colorseg_gui.engine.io.writers import (
        IMAGE_FORMATS as IMAGE_FORMATS,
    )
    from colorseg_gui.engine.io.writers import (
        ExportError as ExportError,
    )
    from colorseg_gui.engine.io.writers import (
        default_output_name as default_output_name,
    )
    from colorseg_gui.engine.io.writers import (
        mask_names as mask_names,
    )
    from colorseg_gui.engine.io.writers import (
        save_image as save_image,
    )
    from colorseg_gui.engine.io.writers import (
        save_indexed_png as save_indexed_png,
    )
    from colorseg_gui.engine.io.writers import (
        save_label_map as save_label_map,
    )
    from colorseg_gui.engine.io.writers import (
        save_masks as save_masks,
    )
    from colorseg_gui.engine.make.dither import (
        DITHERS as DITHERS,
    )
    from colorseg_gui.engine.make.error_map import (
        LUT as LUT,
    )
    from colorseg_gui.engine.make.error_map import (
        SCALE_MAX as SCALE_MAX,
    )
    from colorseg_gui.engine.make.error_map import (
        ClusterErrors as ClusterErrors,
    )
    from colorseg_gui.engine.make.error_map import (
        cluster_errors as cluster_errors,
    )
    from colorseg_gui.engine.make.error_map import (
        error_picture as error_picture,
    )
    from colorseg_gui.engine.make.error_map import (
        pixel_errors as pixel_errors,
    )
    from colorseg_gui.engine.make.make_ready import (
        MadeReady as MadeReady,
    )
    from colorseg_gui.engine.make.make_ready import (
        MakeOptions as MakeOptions,
    )
    from colorseg_gui.engine.make.make_ready import (
        OwnedColours as OwnedColours,
    )
    from colorseg_gui.engine.make.make_ready import (
        make_ready as make_ready,
    )
    from colorseg_gui.engine.make.make_ready import (
        paint as paint,
    )
    from colorseg_gui.engine.make.palette_fit import (
        Metric as Metric,
    )
    from colorseg_gui.engine.make.palette_fit import (
        folded as folded,
    )
    from colorseg_gui.engine.make.palette_fit import (
        in_owned_colours as in_owned_colours,
    )
    from colorseg_gui.engine.make.regions import (
        CleanupOptions as CleanupOptions,
    )
    from colorseg_gui.engine.make.split_hint import (
        split_gains as split_gains,
    )
    from colorseg_gui.engine.make.vision import (
        DEFICIENCIES as DEFICIENCIES,
    )
    from colorseg_gui.engine.make.vision import (
        Confusion as Confusion,
    )
    from colorseg_gui.engine.make.vision import (
        confusable_pairs as confusable_pairs,
    )
    from colorseg_gui.engine.make.vision import (
        simulate as simulate,
    )
    from colorseg_gui.engine.options import (
        INIT_METHODS as INIT_METHODS,
    )
    from colorseg_gui.engine.options import (
        MAX_ITER as MAX_ITER,
    )
    from colorseg_gui.engine.options import (
        MAX_K as MAX_K,
    )
    from colorseg_gui.engine.options import (
        MAX_SEED as MAX_SEED,
    )
    from colorseg_gui.engine.options import (
        MIN_K as MIN_K,
    )
    from colorseg_gui.engine.options import (
        SPACES as SPACES,
    )
    from colorseg_gui.engine.options import (
        KMeansOptions as KMeansOptions,
    )
    from colorseg_gui.engine.options import (
        Space as Space,
    )
    from colorseg_gui.engine.options import (
        clamp_k as clamp_k,
    )
    from colorseg_gui.engine.options import (
        init_name as init_name,
    )
    from colorseg_gui.engine.pipeline import (
        PALETTE_ORDER as PALETTE_ORDER,
    )
    from colorseg_gui.engine.pipeline import (
        Numbered as Numbered,
    )
    from colorseg_gui.engine.pipeline import (
        number as number,
    )
    from colorseg_gui.engine.pipeline import (
        resume as resume,
    )
    from colorseg_gui.engine.pipeline import (
        run_kmeans as run_kmeans,
    )
    from colorseg_gui.engine.pipeline import (
        toward_k as toward_k,
    )
    from colorseg_gui.engine.pipeline import (
        warm_run as warm_run,
    )
    from colorseg_gui.engine.render import (
        PreviewIndex as PreviewIndex,
    )
    from colorseg_gui.engine.render import (
        mse_rgb as mse_rgb,
    )
    from colorseg_gui.engine.render import (
        paint_label_map as paint_label_map,
    )
    from colorseg_gui.engine.render import (
        render_label_map as render_label_map,
    )
    from colorseg_gui.engine.render import (
        render_masks as render_masks,
    )
    from colorseg_gui.engine.render import (
        render_segmented as render_segmented,
    )
    from colorseg_gui.engine.segmentation import (
        SegmentResult as SegmentResult,
    )
    from colorseg_gui.engine.segmentation import (
        iter_segment as iter_segment,
    )
    from colorseg_gui.engine.segmentation import (
        segment as segment,
    )
    from colorseg_gui.engine.segmentation import (
        segment_histogram as segment_histogram,
    )
    from colorseg_gui.engine.steps import (
        KMeansStep as KMeansStep,
    )
    from colorseg_gui.engine.steps import (
        StepKind as StepKind,
    )
    from colorseg_gui.engine.steps import (
        StopReason as StopReason,
    )

_WHERE: dict[str, str] = {
    "init_name": "options",
    "run_kmeans": "pipeline",
    "resume": "pipeline",
    "toward_k": "pipeline",
    "warm_run": "pipeline",
    "Edited": "cluster.edits",
    "EditError": "cluster.edits",
    "K_RANGE": "elbow",
    "SUGGEST_DELTA_E": "elbow",
    "KRow": "elbow",
    "iter_k_table": "elbow",
    "mean_delta_e": "elbow",
    "suggest_k": "elbow",
    "number": "pipeline",
    "Numbered": "pipeline",
    "PALETTE_ORDER": "pipeline",
    "ColorHistogram": "cluster.histogram",
    "build_histogram": "cluster.histogram",
    "iter_kmeans": "cluster.kmeans",
    "limit_threads": "cluster.parallel",
    "lab_to_srgb": "colorspace",
    "palette_from_centroids": "colorspace",
    "srgb_to_lab": "colorspace",
    "to_space": "colorspace",
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
    "ExportError": "io.writers",
    "IMAGE_FORMATS": "io.writers",
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
