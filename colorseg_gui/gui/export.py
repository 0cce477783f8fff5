"""Writing the current result: image formats, indexed PNG, palette files and masks."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from colorseg_gui.engine import (
    PALETTE_FORMATS,
    save_image,
    save_indexed_png,
    save_masks,
    write_palette,
)
from colorseg_gui.gui.worker import RunOutcome

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


def with_extension(path: Path, chosen_filter: str, filters: dict[str, str]) -> Path:
    """Add the chosen filter's extension when the typed name has none of that type."""
    ext = filters.get(chosen_filter)
    patterns = chosen_filter[chosen_filter.find("(") + 1 : -1].split() if ext else []
    if ext and not any(path.name.lower().endswith(p.lstrip("*")) for p in patterns):
        return path.with_name(path.name + ext)
    return path


def save_result(outcome: RunOutcome, path: Path, *, indexed: bool, source: Path | None) -> Path:
    result = outcome.result
    alpha = result.histogram.alpha
    if indexed:
        return save_indexed_png(result.labels, result.palette, path, alpha=alpha, source=source)
    return save_image(outcome.image, path, source=source)


def export_palette(outcome: RunOutcome, path: Path, image_name: str) -> Path:
    result = outcome.result
    meta = {
        "image": image_name,
        "k": result.k,
        "space": result.space,
        "seed": result.seed,
        "iterations": result.iterations,
        "inertia": result.inertia,
        "stop_reason": result.stop_reason,
    }
    # Pixels per cluster by count (weights are alpha-weighted).
    counts = np.bincount(result.step.labels, weights=result.histogram.counts, minlength=result.k)
    return write_palette(path, result.palette, result.weights, meta=meta, counts=counts)


def export_masks(outcome: RunOutcome, folder: Path, stem: str) -> list[Path]:
    return save_masks(outcome.result.labels, outcome.result.k, folder, stem)
