"""Locked centroids as iter_kmeans takes them: which rows, and the sRGB colours they show."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from colorseg_gui.engine.cluster.assign import F64
from colorseg_gui.engine.cluster.init import InitSpec
from colorseg_gui.engine.colorspace import palette_from_centroids
from colorseg_gui.engine.options import Space


def fixed_mask(locked: Sequence[int], k: int, init: InitSpec) -> npt.NDArray[np.bool_] | None:
    """The locked rows as a mask (None without locks); they must be rows of the init array."""
    if len(locked) == 0:
        return None
    if isinstance(init, str):
        raise ValueError("locked centroids need an init array")
    rows = np.asarray(locked, dtype=np.intp)
    n_given = np.asarray(init).shape[0]
    if rows.min() < 0 or rows.max() >= n_given:
        raise ValueError(f"locked rows must be rows of the init array (0..{n_given - 1})")
    fixed = np.zeros(k, bool)
    fixed[rows] = True
    return fixed


def locked_colours(
    fixed: npt.NDArray[np.bool_] | None, given: npt.ArrayLike | None, centroids: F64,
    space: Space
) -> npt.NDArray[np.uint8] | None:
    """The sRGB palette rows of the locked centroids: as given, or converted once."""
    if fixed is None:
        return None
    if given is None:
        return palette_from_centroids(centroids[fixed], space)
    colours = np.asarray(given, dtype=np.float64).reshape(-1, 3)
    if colours.shape[0] != int(fixed.sum()):
        raise ValueError(f"{colours.shape[0]} locked colours for {int(fixed.sum())} locked rows")
    return np.clip(np.rint(colours), 0, 255).astype(np.uint8)
