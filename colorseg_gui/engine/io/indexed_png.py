"""Palette entries for an indexed PNG: the k cluster colours, with tRNS alpha when needed."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

MAX_ENTRIES = 256


def _pairs(labels: npt.NDArray[np.uint8], alpha: npt.NDArray[np.integer]
           ) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.intp]]:
    codes = labels.astype(np.int32) * 256 + alpha.astype(np.int32)
    used, index = np.unique(codes.ravel(), return_inverse=True)
    return used.astype(np.int32), index.reshape(labels.shape)


def indexed_entries(
    labels: npt.NDArray[np.uint8],
    palette: npt.NDArray[np.uint8],
    alpha: npt.NDArray[np.uint8] | None,
    notes: list[str] | None = None,
) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.uint8], bytes | None]:
    """(pixel indices, PLTE colours, tRNS bytes or None) for labels HxW and palette kx3.

    Opaque: the palette itself, k entries. With alpha, one entry per (colour, alpha level)
    in use, which is exact when it fits in 256 entries; otherwise alpha is rounded to the
    256 // k evenly spaced levels that fit (0 and 255 stay exact), and for k > 128 every
    pixel below half alpha shares one transparent entry. ``notes`` learns of any rounding.
    Raises ValueError when k = 256 leaves no entry for transparency.
    """
    k = len(palette)
    if alpha is None or bool((alpha == 255).all()):
        return labels, palette, None
    used, index = _pairs(labels, alpha)
    if len(used) > MAX_ENTRIES:
        levels = MAX_ENTRIES // k
        if levels >= 2:
            step = 255.0 / (levels - 1)
            rounded = (np.rint(np.rint(alpha / step) * step)).astype(np.int32)
            used, index = _pairs(labels, rounded)
            if notes is not None:
                notes.append(f"indexed PNG: transparency rounded to {levels} levels")
        else:
            opaque = alpha >= 128
            if not opaque.all() and k >= MAX_ENTRIES:
                raise ValueError(
                    f"{k} colours plus transparency do not fit in a 256-entry palette")
            # Opaque pixels keep their colour's entry (k of them); the rest share entry k.
            codes = np.where(opaque, labels.astype(np.int32) * 256 + 255, k * 256)
            used, flat = np.unique(codes.ravel(), return_inverse=True)
            index = flat.reshape(labels.shape)
            if notes is not None:
                notes.append("indexed PNG: transparency reduced to opaque or transparent")
    clusters = np.minimum(used // 256, k - 1)  # the shared transparent entry borrows a colour
    colours = palette[clusters]
    trns = np.where(used // 256 >= k, 0, used % 256).astype(np.uint8).tobytes()
    return index.astype(np.uint8), colours, trns
