"""Dithering a result to its own palette for output: Floyd-Steinberg or ordered (Bayer 8x8).

Only palette colours come out; alpha is left to the caller (it stays as it is).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt
from PIL import Image

Dither = Literal["fs", "bayer"]
DITHERS: tuple[Dither, ...] = ("fs", "bayer")

_BAYER_2 = np.array([[0, 2], [3, 1]])


def _bayer(n: int) -> npt.NDArray[np.float64]:
    """n x n Bayer threshold matrix, values in [-0.5, 0.5)."""
    m = _BAYER_2
    while m.shape[0] < n:
        m = np.block([[4 * m, 4 * m + 2], [4 * m + 3, 4 * m + 1]])
    return (m + 0.5) / m.size - 0.5


BAYER_8 = _bayer(8)
_PIXELS_PER_PASS = 1 << 18  # pixels matched to the palette at a time (bounded temporaries)


def nearest(rgb: npt.NDArray[np.floating], palette: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """Index of the nearest palette colour (squared RGB distance), per pixel of H x W x 3."""
    pal = palette.astype(np.float32)
    norms = (pal**2).sum(axis=1)
    flat = rgb.reshape(-1, 3).astype(np.float32, copy=False)
    out = np.empty(flat.shape[0], dtype=np.uint8)
    step = _PIXELS_PER_PASS
    for start in range(0, flat.shape[0], step):
        part = flat[start:start + step]
        # |x - p|^2 = |x|^2 - 2 x.p + |p|^2, and |x|^2 is the same for every p.
        out[start:start + step] = np.argmin(norms - 2.0 * (part @ pal.T), axis=1)
    return out.reshape(rgb.shape[:-1])


def _palette_spacing(palette: npt.NDArray[np.uint8]) -> float:
    """Per channel: the median distance from each palette colour to its nearest other one,
    over sqrt(3) (the thresholds move all three channels together)."""
    pal = palette.astype(np.float64)
    if len(pal) < 2:
        return 0.0
    d = np.sqrt(((pal[:, None] - pal[None]) ** 2).sum(axis=2))
    np.fill_diagonal(d, np.inf)
    return float(np.median(d.min(axis=1))) / np.sqrt(3.0)


_LUT_BITS = 6  # the ordered dither's nearest-colour table: 64 levels per channel


def _nearest_table(palette: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """Nearest palette colour of the centre of every 4 x 4 x 4 cell of RGB (262 144 cells)."""
    step = 1 << (8 - _LUT_BITS)
    centres = np.arange(step // 2, 256, step, dtype=np.float32)
    grid = np.stack(np.meshgrid(centres, centres, centres, indexing="ij"), axis=-1)
    return nearest(grid.reshape(-1, 1, 3), palette).reshape(-1)


def dither_ordered(original: npt.NDArray[np.uint8], palette: npt.NDArray[np.uint8],
                   strength: float = 1.0) -> npt.NDArray[np.uint8]:
    """H x W palette indices: Bayer 8x8 thresholds, one palette step wide at strength 1.

    The thresholded colours are matched through a table of 64 levels per channel (a pixel
    at most 2 levels from its cell's centre may take the centre's nearest colour): a lookup
    per pixel instead of k distances.
    """
    height, width = original.shape[:2]
    table = _nearest_table(palette)
    threshold = np.tile(BAYER_8, (8, 8))  # 64 x 64 tile, reused for every block of rows
    spread = _palette_spacing(palette) * float(strength)
    out = np.empty((height, width), dtype=np.uint8)
    shift = 8 - _LUT_BITS
    rows = max(8, (_PIXELS_PER_PASS // max(1, width)) // 8 * 8)
    for top in range(0, height, rows):
        part = original[top:top + rows, :, :3].astype(np.int16)
        h = part.shape[0]
        tile = np.tile(threshold, (h // 64 + 1, width // 64 + 1))[:h, :width]
        offset = np.rint(tile * spread).astype(np.int16)[:, :, None]
        cell = (np.clip(part + offset, 0, 255) >> shift).astype(np.int32)
        code = (cell[:, :, 0] << (2 * _LUT_BITS)) | (cell[:, :, 1] << _LUT_BITS) | cell[:, :, 2]
        out[top:top + h] = table[code]
    return out


def dither_floyd_steinberg(original: npt.NDArray[np.uint8], segmented: npt.NDArray[np.uint8],
                           palette: npt.NDArray[np.uint8], strength: float = 1.0
                           ) -> npt.NDArray[np.uint8]:
    """H x W palette indices: Pillow's Floyd-Steinberg on the way from result to original.

    Strength s dithers ``segmented + s * (original - segmented)``: at 0 that is the result
    itself (no error to spread), at 1 the original; Pillow's C error diffusion does the rest.
    """
    s = float(np.clip(strength, 0.0, 1.0))
    base = segmented[:, :, :3].astype(np.float32)
    target = base + s * (original[:, :, :3].astype(np.float32) - base)
    source = Image.fromarray(np.clip(np.rint(target), 0, 255).astype(np.uint8), "RGB")
    k = len(palette)
    # Pillow matches against all 256 entries: the unused ones repeat colour 0, never black.
    entries = np.concatenate([palette, np.repeat(palette[:1], 256 - k, axis=0)])
    holder = Image.new("P", (1, 1))
    holder.putpalette(entries.astype(np.uint8).tobytes())
    index = np.asarray(source.quantize(palette=holder, dither=Image.Dither.FLOYDSTEINBERG))
    return np.where(index < k, index, 0).astype(np.uint8)
