"""Writing the current result: image formats, indexed PNG, palette files and masks."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import numpy.typing as npt

from colorseg_gui.engine import (
    PALETTE_FORMATS,
    ColorHistogram,
    render_label_map,
    reorder_clusters,
    save_image,
    save_indexed_png,
    save_masks,
    write_palette,
)
from colorseg_gui.engine.make_ready import MadeReady, MakeOptions, paint
from colorseg_gui.engine.palette_files import (
    palette_entries,
    palette_order,
    palette_title,
    run_meta,
)
from colorseg_gui.gui.run.records import RunOutcome

PALETTE_ORDER = "share"  # the palette panel's order too: largest first

INDEXED_FILTER = "Indexed PNG, palette of k colours (*.png)"
IMAGE_FILTERS = {
    "PNG image (*.png)": ".png",
    INDEXED_FILTER: ".png",
    "JPEG image (*.jpg *.jpeg)": ".jpg",
    "WebP image (*.webp)": ".webp",
    "TIFF image (*.tif *.tiff)": ".tif",
}
PALETTE_FILTERS = {
    f"{description} (*{ext})": ext for ext, description in PALETTE_FORMATS.items() if ext != ".hex"
}


def _patterns(file_filter: str) -> list[str]:
    """'PNG image (*.png)' -> ['.png']."""
    inside = file_filter[file_filter.find("(") + 1 : file_filter.rfind(")")]
    return [p.lstrip("*").lower() for p in inside.split() if p.startswith("*.")]


def final_path(
    typed: Path, chosen_filter: str, filters: dict[str, str], writable: Iterable[str]
) -> tuple[Path, str]:
    """The file that will really be written, and the filter (format) it is written as.

    A typed extension that we can write picks the format, as GIMP's Export does (typing
    ``photo.jpg`` under the PNG filter writes a JPEG); the chosen filter only fills in a
    missing or unknown extension (``out`` -> ``out.png``, ``v1.2`` -> ``v1.2.png``).
    """
    ext = typed.suffix.lower()
    if ext in {e.lower() for e in writable}:
        if ext in _patterns(chosen_filter):
            return typed, chosen_filter
        matching = [f for f in filters if ext in _patterns(f)]
        return typed, matching[0] if matching else chosen_filter
    fallback = filters.get(chosen_filter) or next(iter(filters.values()))
    return typed.with_name(typed.name + fallback), chosen_filter


@dataclass(frozen=True, eq=False)
class Numbered:
    """A result with its clusters renumbered in palette-file order (cluster 0 first)."""

    palette: npt.NDArray[np.uint8]  # k x 3
    weights: npt.NDArray[np.float64]  # k
    counts: npt.NDArray[np.int64]  # k, pixels per cluster (weights are alpha-weighted)
    entry_labels: npt.NDArray[np.uint8]  # cluster of every histogram entry
    histogram: ColorHistogram
    pixel_labels: npt.NDArray[np.uint8] | None = None  # cleaned or dithered, renumbered
    names: list[str] | None = None  # owned colours' names, in this order

    def label_map(self) -> npt.NDArray[np.uint8]:
        """The cluster of every pixel, H x W (rendered on demand: a palette needs none)."""
        if self.pixel_labels is not None:
            return self.pixel_labels
        return render_label_map(self.histogram, self.entry_labels)


def numbered(outcome: RunOutcome, made: MadeReady | None = None) -> Numbered:
    """Number the clusters as the `colorseg` command does (engine.reorder_clusters).

    Every export goes through here, so that mask N, index N of an indexed PNG and the Nth
    colour of a palette file are the same cluster, whatever order the engine found them in.
    ``made`` (the window's cleanup or dithering) decides the pixels and the shares.
    """
    result = outcome.result
    hist = result.histogram
    weights = made.weights if made is not None else result.weights
    colours = made.palette if made is not None else result.palette
    labels = made.entry_labels if made is not None else result.step.labels
    palette, weights, entry_labels = reorder_clusters(colours, weights, labels, PALETTE_ORDER)
    if made is None:
        counts = np.bincount(entry_labels, weights=hist.counts, minlength=len(palette))
        return Numbered(palette, weights, counts.astype(np.int64), entry_labels, hist)
    order = palette_order(colours, made.weights, PALETTE_ORDER)
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    pixels = rank.astype(np.uint8)[made.label_map]
    names = [made.names[i] for i in order] if made.names is not None else None
    return Numbered(palette, weights, made.counts[order], entry_labels, hist, pixels, names)


def recipe(outcome: RunOutcome, make: MakeOptions | None, made: MadeReady | None = None
           ) -> str:
    """The same recipe `colorseg` writes, so that `colorseg --replay` reads the window's too."""
    from colorseg_gui.batch import Options, result_recipe

    run = outcome.options
    make = make or MakeOptions()
    options = Options(k=run.k, space=run.space, seed=run.seed, init=run.init,
                      max_iter=run.max_iter, tol=run.tol, order=PALETTE_ORDER,
                      make=replace(make, owned=None), owned=make.owned)
    ordered = numbered(outcome, made)
    entries = palette_entries(ordered.palette, ordered.weights, ordered.counts,
                              order=PALETTE_ORDER, names=ordered.names)
    return result_recipe(options, entries)


def save_result(outcome: RunOutcome, path: Path, *, indexed: bool, source: Path | None,
                made: MadeReady | None = None, make: MakeOptions | None = None) -> Path:
    text = recipe(outcome, make if made is not None else None, made)
    if indexed:
        ordered = numbered(outcome, made)
        return save_indexed_png(
            ordered.label_map(), ordered.palette, path, alpha=ordered.histogram.alpha,
            source=source, recipe=text,
        )
    image = outcome.image if made is None else paint(
        made.palette, made.label_map, outcome.result.histogram.alpha)
    return save_image(image, path, source=source, recipe=text)


def export_palette(outcome: RunOutcome, path: Path, image_name: str,
                   made: MadeReady | None = None) -> Path:
    """The same file `colorseg --palette` writes: same order, keys and title."""
    result = outcome.result
    ordered = numbered(outcome, made)
    meta = run_meta(image_name, k=len(ordered.palette), space=result.space, seed=result.seed,
                    init=outcome.options.init, iterations=result.iterations,
                    converged=result.converged, stop_reason=result.stop_reason,
                    inertia=result.inertia)
    return write_palette(
        path, ordered.palette, ordered.weights, order=PALETTE_ORDER, meta=meta,
        counts=ordered.counts, name=palette_title(Path(image_name).stem, len(ordered.palette)),
        names=ordered.names,
    )


def export_masks(outcome: RunOutcome, folder: Path, stem: str,
                 made: MadeReady | None = None) -> list[Path]:
    ordered = numbered(outcome, made)
    return save_masks(ordered.label_map(), len(ordered.palette), folder, stem, ordered.names)
