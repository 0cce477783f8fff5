"""Turn a clustering step back into pixels, without re-clustering."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from colorseg_gui.engine.cluster.histogram import ColorHistogram
from colorseg_gui.engine.cluster.parallel import map_ranges


def _entry_colors(
    palette: npt.NDArray[np.uint8], labels: npt.NDArray[np.integer]
) -> npt.NDArray[np.uint8]:
    return np.ascontiguousarray(np.asarray(palette, dtype=np.uint8)[labels])


# Pixels per task of the full-size lookups.
_RANGE = 1 << 20


def _paint(
    index: npt.NDArray[np.integer],
    alpha: npt.NDArray[np.uint8] | None,
    entry_rgb: npt.NDArray[np.uint8],
) -> npt.NDArray[np.uint8]:
    """entry_rgb[index] as H x W x 3 (x 4 with alpha), for any integer index map."""
    height, width = index.shape
    # Each entry's colour as one 3-byte item: a 1-D np.take of those is several times
    # faster than a fancy index of N x 3 rows (measured: 18 MP in ~0.1 s instead of ~0.5 s).
    table = np.ascontiguousarray(entry_rgb, dtype=np.uint8).view("V3").reshape(-1)
    flat = index.reshape(-1)
    rgb = np.empty(flat.shape[0], table.dtype)

    def part(start: int, stop: int) -> None:
        # mode="clip" writes straight into `out` (mode="raise" goes through a buffer);
        # every index is a valid entry anyway.
        np.take(table, flat[start:stop], out=rgb[start:stop], mode="clip")

    map_ranges(part, flat.shape[0], _RANGE)
    image = rgb.view(np.uint8).reshape(height, width, 3)
    if alpha is None:
        return image
    out = np.empty((height, width, 4), dtype=np.uint8)
    out[..., :3] = image
    out[..., 3] = alpha
    return out


def render_segmented(
    hist: ColorHistogram, palette: npt.NDArray[np.uint8], labels: npt.NDArray[np.integer]
) -> npt.NDArray[np.uint8]:
    """Every pixel painted with its cluster's colour: H x W x 3, or x 4 keeping alpha."""
    index = hist.index.reshape(hist.shape)
    return _paint(index, hist.alpha, _entry_colors(palette, labels))


def render_label_map(
    hist: ColorHistogram, labels: npt.NDArray[np.integer]
) -> npt.NDArray[np.uint8]:
    """The cluster of every pixel as an H x W uint8 map (k <= 256)."""
    per_entry = np.asarray(labels).astype(np.uint8, copy=False)
    out = np.empty(hist.index.shape[0], np.uint8)
    map_ranges(
        lambda a, b: np.take(per_entry, hist.index[a:b], out=out[a:b], mode="clip"),
        out.shape[0],
        _RANGE,
    )
    return out.reshape(hist.shape)


def paint_label_map(
    label_map: npt.NDArray[np.uint8],
    palette: npt.NDArray[np.uint8],
    alpha: npt.NDArray[np.uint8] | None = None,
) -> npt.NDArray[np.uint8]:
    """The segmented image from a label map: a lookup in the k-colour palette per pixel.

    Equal to render_segmented for the label map of the same labels, and cheaper when the
    map exists anyway (one byte per pixel read, a table that stays in the L1 cache).
    """
    return _paint(label_map, alpha, np.asarray(palette, dtype=np.uint8))


def render_masks(
    hist: ColorHistogram, labels: npt.NDArray[np.integer], k: int
) -> Iterator[npt.NDArray[np.bool_]]:
    """One H x W boolean mask per cluster, in cluster order; the masks partition the image."""
    label_map = render_label_map(hist, labels)
    for cluster in range(k):
        yield label_map == cluster


def mse_rgb(
    hist: ColorHistogram, palette: npt.NDArray[np.uint8], labels: npt.NDArray[np.integer]
) -> float:
    """Mean over pixels of ||original - segmented||^2 in sRGB 0..255 (sum over channels).

    Pixels count by their alpha weight, so for an opaque image this is the plain per-pixel
    mean; fully transparent pixels, which keep their transparency in the output, count 0.
    """
    total = hist.total_weight
    if total <= 0:
        return 0.0
    diff = hist.colors.astype(np.float64) - np.asarray(palette, dtype=np.float64)[labels]
    return float(np.dot(hist.weights, np.einsum("ij,ij->i", diff, diff)) / total)


@dataclass(frozen=True, eq=False)
class PreviewIndex:
    """A downscaled map of histogram entries, so each preview costs a few small gathers.

    Each preview pixel averages ``samples`` x ``samples`` evenly spread source pixels of its
    block, which keeps thin structures visible without rendering the full image.
    """

    index: npt.NDArray[np.int32]  # samples*h x samples*w entries
    alpha: npt.NDArray[np.uint8] | None  # h x w, block-averaged
    samples: int

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of the preview."""
        height, width = self.index.shape
        return width // self.samples, height // self.samples

    @classmethod
    def build(cls, hist: ColorHistogram, max_size: int, samples: int = 2) -> PreviewIndex:
        height, width = hist.shape
        scale = max(1.0, max(height, width) / max(1, max_size))
        out_h = max(1, min(height, math.floor(height / scale)))
        out_w = max(1, min(width, math.floor(width / scale)))
        if out_h == height and out_w == width:
            samples = 1
        rows = _sample_positions(height, out_h, samples)
        cols = _sample_positions(width, out_w, samples)
        full = hist.index.reshape(hist.shape)
        index = np.ascontiguousarray(full[np.ix_(rows, cols)])
        alpha = None
        if hist.alpha is not None:
            alpha = _block_mean(hist.alpha[np.ix_(rows, cols)][..., None], samples)[..., 0]
        return cls(index=index, alpha=alpha, samples=samples)

    def render(
        self, palette: npt.NDArray[np.uint8], labels: npt.NDArray[np.integer]
    ) -> npt.NDArray[np.uint8]:
        entry_rgb = _entry_colors(palette, labels)
        if self.samples == 1:
            return _paint(self.index, self.alpha, entry_rgb)
        rgb = _block_mean(entry_rgb[self.index], self.samples)
        height, width = rgb.shape[:2]
        out = np.empty((height, width, 3 if self.alpha is None else 4), dtype=np.uint8)
        out[..., :3] = rgb
        if self.alpha is not None:
            out[..., 3] = self.alpha
        return out


def _sample_positions(extent: int, out: int, samples: int) -> npt.NDArray[np.intp]:
    # Sample at the centres of `samples` equal sub-blocks of each output block.
    step = extent / (out * samples)
    centres = (np.arange(out * samples) + 0.5) * step
    return np.minimum(centres.astype(np.intp), extent - 1)


def _block_mean(values: npt.NDArray[np.uint8], samples: int) -> npt.NDArray[np.uint8]:
    # Sum the samples x samples strided views: far cheaper than a mean over a 5-D reshape.
    total = np.zeros(
        (values.shape[0] // samples, values.shape[1] // samples, values.shape[2]), np.uint16
    )
    for dy in range(samples):
        for dx in range(samples):
            total += values[dy::samples, dx::samples]
    total += (samples * samples) // 2
    total //= samples * samples
    return total.astype(np.uint8)


_TABLE_CELLS = 8 << 20  # distinct colours x palette colours in a lookup table (32 MB)


def entry_table(hist: ColorHistogram, palette: npt.NDArray[np.uint8],
                measure: Callable[[npt.NDArray[np.uint8], npt.NDArray[np.floating]],
                                  npt.NDArray[np.floating]]
                ) -> npt.NDArray[np.float32] | None:
    """measure(colour, palette colour) for every distinct colour and palette colour, when that
    table is small enough (a dithered map moves most pixels: a lookup each beats a formula
    each); None otherwise."""
    if hist.n_colors * len(palette) > _TABLE_CELLS:
        return None
    pal = np.asarray(palette, dtype=np.float64)
    return np.asarray(measure(hist.colors[:, None, :], pal[None, :, :]), dtype=np.float32)
