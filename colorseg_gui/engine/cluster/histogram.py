"""The colour histogram: distinct colours, their weights, and the way back to every pixel."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from colorseg_gui.engine.cluster.parallel import map_ranges

# Pixels handled per pass; bounds the temporaries (a uint32 code per pixel) to a few MB
# instead of one array the size of the image.
_CHUNK = 1 << 20
_CODES = 1 << 24


@dataclass(frozen=True, eq=False)
class ColorHistogram:
    """Distinct sRGB colours of an image, each weighted by the pixels that carry it."""

    colors: npt.NDArray[np.uint8]  # N x 3, sorted by packed code r<<16 | g<<8 | b
    weights: npt.NDArray[np.float64]  # N, sum of alpha/255 over the colour's pixels
    counts: npt.NDArray[np.int64]  # N, pixels carrying the colour, alpha ignored
    index: npt.NDArray[np.int32]  # H*W, row-major pixel -> entry of `colors`
    shape: tuple[int, int]  # (H, W)
    alpha: npt.NDArray[np.uint8] | None = None  # H x W, None for opaque images

    @property
    def n_colors(self) -> int:
        return int(self.colors.shape[0])

    @property
    def n_pixels(self) -> int:
        return int(self.index.shape[0])

    @property
    def total_weight(self) -> float:
        return float(self.weights.sum())


def _codes(flat: npt.NDArray[np.uint8], start: int, stop: int) -> npt.NDArray[np.uint32]:
    part = flat[start:stop]
    code = part[:, 0].astype(np.uint32)
    code <<= 8
    code |= part[:, 1]
    code <<= 8
    code |= part[:, 2]
    return code


def build_histogram(
    rgb: npt.NDArray[np.uint8], alpha: npt.NDArray[np.uint8] | None = None
) -> ColorHistogram:
    """Count the distinct colours of an H x W x 3 uint8 image.

    A presence table over all 2**24 codes replaces a sort: two linear passes over the pixels
    (mark, then look up) take about a tenth of the time of ``np.unique`` on a 15 MP photo.
    """
    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
        raise ValueError(f"expected an H x W x 3 uint8 array, got {rgb.shape} {rgb.dtype}")
    height, width = int(rgb.shape[0]), int(rgb.shape[1])
    if alpha is not None and alpha.shape != (height, width):
        raise ValueError(f"alpha shape {alpha.shape} does not match image {(height, width)}")
    flat = np.ascontiguousarray(rgb).reshape(-1, 3)

    codes = _distinct_codes(flat)
    index = _entry_index(flat, codes)
    counts = np.bincount(index, minlength=codes.shape[0]).astype(np.int64, copy=False)
    weights: npt.NDArray[np.float64]
    kept_alpha: npt.NDArray[np.uint8] | None = None
    if alpha is None:
        weights = counts.astype(np.float64)
    else:
        kept_alpha = np.array(alpha, dtype=np.uint8, copy=True)
        weights = np.bincount(
            index, weights=kept_alpha.reshape(-1) / 255.0, minlength=codes.shape[0]
        ).astype(np.float64)

    colors = np.empty((codes.shape[0], 3), dtype=np.uint8)

    def unpack(start: int, stop: int) -> None:
        part = codes[start:stop]
        colors[start:stop, 0] = part >> 16
        colors[start:stop, 1] = (part >> 8) & 0xFF
        colors[start:stop, 2] = part & 0xFF

    # Ranges keep the uint32 temporaries small (whole-array ones are fresh memory, slow here).
    map_ranges(unpack, codes.shape[0], _CHUNK)
    return ColorHistogram(
        colors=colors,
        weights=weights,
        counts=counts,
        index=index,
        shape=(height, width),
        alpha=kept_alpha,
    )


def _distinct_codes(flat: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint32]:
    present = np.zeros(_CODES, dtype=bool)

    def mark(start: int, stop: int) -> None:
        # Concurrent writes of the same True value are harmless.
        present[_codes(flat, start, stop)] = True

    map_ranges(mark, flat.shape[0], _CHUNK)
    # Block by block into one uint32 array: np.flatnonzero over the whole table would first
    # build 8 bytes per colour (70 MB of fresh memory on 12 MP of noise, and fresh memory
    # is slow to touch on this kind of VM).
    sizes = map_ranges(lambda s, e: int(np.count_nonzero(present[s:e])), _CODES, _CHUNK)
    ends = np.cumsum(sizes)
    codes = np.empty(int(ends[-1]), dtype=np.uint32)

    def collect(start: int, stop: int) -> None:
        block = start // _CHUNK
        out = codes[int(ends[block]) - sizes[block] : int(ends[block])]
        np.add(np.flatnonzero(present[start:stop]), start, out=out, casting="unsafe")

    map_ranges(collect, _CODES, _CHUNK)
    return codes


def _entry_index(
    flat: npt.NDArray[np.uint8], codes: npt.NDArray[np.uint32]
) -> npt.NDArray[np.int32]:
    lookup = np.empty(_CODES, dtype=np.int32)

    def number(start: int, stop: int) -> None:
        lookup[codes[start:stop]] = np.arange(start, stop, dtype=np.int32)

    map_ranges(number, codes.shape[0], _CHUNK)
    index = np.empty(flat.shape[0], dtype=np.int32)

    def look_up(start: int, stop: int) -> None:
        index[start:stop] = lookup[_codes(flat, start, stop)]

    map_ranges(look_up, flat.shape[0], _CHUNK)
    return index
