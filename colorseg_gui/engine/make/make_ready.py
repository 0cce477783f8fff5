"""After the clustering, before the files: region cleanup and dithering of the label map.

Neither changes the k-means result (its palette stays the clusters' mean colours); they
decide which palette colour each pixel is painted with, and every output (image, indexed
PNG, label map, masks, palette shares) follows the map they give.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from colorseg_gui.engine.cluster.histogram import ColorHistogram
from colorseg_gui.engine.make.dither import DITHERS, Dither, dither_floyd_steinberg, dither_ordered
from colorseg_gui.engine.make.palette_fit import Metric, in_owned_colours
from colorseg_gui.engine.make.regions import CleanupOptions, RegionCounts, clean_regions
from colorseg_gui.engine.render import entry_table, render_label_map

_CHUNK = 1 << 20  # pixels per pass when comparing with the original (bounded temporaries)


@dataclass(frozen=True, eq=False)
class OwnedColours:
    """Paint with these colours only: ``mode`` map (each cluster to its nearest) or pick
    (the best k of them)."""

    colors: npt.NDArray[np.uint8]  # M x 3
    names: tuple[str, ...]
    mode: str = "map"
    metric: Metric = "de2000"


@dataclass(frozen=True)
class MakeOptions:
    """Own colours, region cleanup and output dithering (all off by default)."""

    cleanup: CleanupOptions = field(default_factory=CleanupOptions)
    dither: Dither | None = None
    dither_strength: float = 1.0
    owned: OwnedColours | None = None

    def __post_init__(self) -> None:
        if self.dither is not None and self.dither not in DITHERS:
            raise ValueError(f"unknown dithering {self.dither!r}; use one of {DITHERS}")
        if not 0.0 <= self.dither_strength <= 1.0:
            raise ValueError("the dithering strength goes from 0 to 1")

    @property
    def active(self) -> bool:
        return self.cleanup.active or self.dither is not None or self.owned is not None


@dataclass(frozen=True, eq=False)
class MadeReady:
    """The label map every output is written from, and what it holds."""

    label_map: npt.NDArray[np.uint8]  # H x W cluster of every pixel
    counts: npt.NDArray[np.int64]  # k, pixels painted with each colour
    weights: npt.NDArray[np.float64]  # k, the same weighted by alpha (shares)
    mse_rgb: float  # mean squared RGB error against the original, alpha-weighted
    regions: RegionCounts | None  # None when no cleanup ran
    palette: npt.NDArray[np.uint8]  # the colours painted: the clusters', or owned ones
    entry_labels: npt.NDArray[np.uint8]  # per histogram entry, before cleanup and dither
    names: list[str] | None = None  # the owned colours' names


def original_pixels(hist: ColorHistogram) -> npt.NDArray[np.uint8]:
    """H x W x 3: the image's own colours, rebuilt from the histogram."""
    return hist.colors[hist.index].reshape(*hist.shape, 3)


def paint(palette: npt.NDArray[np.uint8], label_map: npt.NDArray[np.uint8],
          alpha: npt.NDArray[np.uint8] | None) -> npt.NDArray[np.uint8]:
    """H x W x 3 (or x 4 with alpha, kept as it is) painted from a label map."""
    colours = np.asarray(palette, dtype=np.uint8)[label_map]
    if alpha is None:
        return colours
    return np.concatenate([colours, alpha[:, :, None]], axis=2)


def _pixel_weights(hist: ColorHistogram, start: int, stop: int) -> npt.NDArray[np.float64]:
    if hist.alpha is None:
        return np.ones(stop - start)
    return hist.alpha.reshape(-1)[start:stop] / 255.0


def make_ready(hist: ColorHistogram, palette: npt.NDArray[np.uint8],
               entry_labels: npt.NDArray[np.integer], options: MakeOptions) -> MadeReady:
    """The label map of the clustering, in owned colours, cleaned and dithered as
    ``options`` say."""
    names = None
    if options.owned is not None:
        owned = options.owned
        recoloured, _ = in_owned_colours(hist, palette, owned.colors, list(owned.names),
                                         owned.mode, owned.metric)
        palette, entry_labels, names = (recoloured.palette, recoloured.entry_labels,
                                        recoloured.names)
    k = len(palette)
    label_map = render_label_map(hist, entry_labels)
    regions = None
    if options.cleanup.active:
        label_map, regions = clean_regions(label_map, palette, options.cleanup)
    if options.dither == "fs":
        label_map = dither_floyd_steinberg(original_pixels(hist), palette[label_map], palette,
                                           options.dither_strength)
    elif options.dither == "bayer":
        label_map = dither_ordered(original_pixels(hist), palette, options.dither_strength)
    flat = label_map.reshape(-1)
    counts = np.bincount(flat, minlength=k).astype(np.int64)
    weights = np.zeros(k)
    squared, total = 0.0, 0.0
    table = entry_table(hist, palette, _squared_rgb)
    pal = palette.astype(np.float64)
    for start in range(0, flat.size, _CHUNK):
        stop = min(flat.size, start + _CHUNK)
        w = _pixel_weights(hist, start, stop)
        labels = flat[start:stop]
        weights += np.bincount(labels, weights=w, minlength=k)
        entries = hist.index[start:stop]
        error: npt.NDArray[np.floating] = (
            table[entries, labels] if table is not None
            else _squared_rgb(hist.colors[entries], pal[labels]))
        squared += float((w * error).sum())
        total += float(w.sum())
    return MadeReady(label_map, counts, weights, squared / total if total > 0 else 0.0, regions,
                     np.asarray(palette, dtype=np.uint8),
                     np.asarray(entry_labels, dtype=np.uint8), names)


def _squared_rgb(colours: npt.NDArray[np.uint8], palette: npt.NDArray[np.floating]
                 ) -> npt.NDArray[np.float64]:
    diff = colours.astype(np.float64) - palette
    return np.asarray((diff**2).sum(axis=-1))
