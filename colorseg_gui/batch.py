"""One input of the `colorseg` command: load, cluster, write every requested output, report."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from colorseg_gui.engine.histogram import build_histogram
from colorseg_gui.engine.kmeans import iter_kmeans
from colorseg_gui.engine.loading import load_image
from colorseg_gui.engine.palette_files import palette_entries, reorder_clusters, write_palette
from colorseg_gui.engine.render import mse_rgb, render_label_map, render_segmented
from colorseg_gui.engine.types import KMeansStep, Space
from colorseg_gui.engine.writers import (
    ExportError,
    save_image,
    save_indexed_png,
    save_label_map,
    save_masks,
)

Progress = Callable[[KMeansStep], None]


@dataclass(frozen=True)
class Options:
    """Settings shared by every input of one command line."""

    k: int
    space: Space = "rgb"
    seed: int = 0
    init: str = "k-means++"
    max_iter: int = 300
    tol: float = 1e-4
    indexed: bool = False
    quality: int = 92
    order: str = "share"
    max_pixels: int | None = 200_000_000


@dataclass(frozen=True)
class Targets:
    """Where one input's results go (None: not requested)."""

    image: Path
    palette: Path | None = None
    masks: Path | None = None
    labels: Path | None = None
    protected: frozenset[Path] = field(default_factory=frozenset)  # inputs: never written


def _guard(path: Path, protected: frozenset[Path]) -> Path:
    if path.resolve() in protected:
        raise ExportError(path, "refusing to overwrite an input image; choose another name")
    return path


def process(
    source: Path, targets: Targets, options: Options, progress: Progress | None = None
) -> dict[str, Any]:
    """Run one input end to end; raises ImageLoadError / ExportError with one-line messages."""
    seconds: dict[str, float] = {}
    start = clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[name] = round(now - clock, 4)
        clock = now

    picture = load_image(source, max_pixels=options.max_pixels)
    lap("load")
    hist = build_histogram(picture.rgb, picture.alpha)
    alpha, width, height = picture.alpha, picture.width, picture.height
    notes = list(picture.notes)
    del picture  # the histogram holds all we need: drop the pixels before rendering (memory)
    lap("histogram")
    last: KMeansStep | None = None
    for step in iter_kmeans(hist, options.k, space=options.space,
                            seed=options.seed, init=options.init, max_iter=options.max_iter,
                            tol=options.tol):
        last = step
        if progress is not None:
            progress(step)
    if last is None:  # cannot happen without should_stop; keeps the type checker honest
        raise RuntimeError("clustering produced no result")
    lap("kmeans")
    # Every output then numbers clusters alike: 0 is the first colour of the palette file.
    palette, weights, labels = reorder_clusters(last.palette, last.weights, last.labels,
                                                options.order)
    counts = np.bincount(labels, weights=hist.counts, minlength=len(palette)).astype(np.int64)
    error = mse_rgb(hist, palette, labels)
    segmented = render_segmented(hist, palette, labels)
    label_map = render_label_map(hist, labels) if (
        options.indexed or targets.masks or targets.labels) else None
    lap("render")

    out = _guard(targets.image, targets.protected)
    if options.indexed:
        assert label_map is not None
        save_indexed_png(label_map, palette, out, alpha=alpha, source=source, notes=notes)
    else:
        save_image(segmented, out, quality=options.quality, source=source)
    record: dict[str, Any] = {"input": str(source), "output": str(out)}
    meta = {"source": source.name, "space": options.space, "seed": options.seed,
            "iterations": last.iteration, "converged": bool(last.converged),
            "inertia": float(last.inertia)}
    if targets.palette is not None:
        write_palette(_guard(targets.palette, targets.protected), palette, weights,
                      order=options.order,
                      meta=meta, counts=counts, name=f"{source.stem} k={len(palette)}")
        record["palette_file"] = str(targets.palette)
    if targets.labels is not None and label_map is not None:
        save_label_map(label_map, _guard(targets.labels, targets.protected))
        record["labels"] = str(targets.labels)
    if targets.masks is not None and label_map is not None:
        masks = save_masks(label_map, len(palette), targets.masks, source.stem)
        record["masks"] = [str(p) for p in masks]
    lap("write")
    seconds["total"] = round(time.perf_counter() - start, 4)

    entries = palette_entries(palette, weights, counts, order=options.order)
    record.update({
        "width": width, "height": height, "k": len(palette),
        "k_requested": options.k, "space": options.space, "seed": options.seed,
        "init": options.init, "iterations": last.iteration, "converged": bool(last.converged),
        "stop_reason": last.stop_reason, "inertia": float(last.inertia),
        "mse_rgb": round(error, 6), "distinct_colors": hist.n_colors,
        "seconds": seconds, "notes": notes,
        "palette": [{key: e[key] for key in ("hex", "rgb", "fraction", "pixels")}
                    for e in entries],
    })
    return record
