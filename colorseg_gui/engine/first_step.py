"""The first exact assignment of millions of RGB colours, pruned by cells of the colour cube."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from colorseg_gui.engine.assign import F32, F64, Points, nearest_two
from colorseg_gui.engine.parallel import map_ranges

# Below this many colours the plain assignment is fast enough (and what the tests compare).
MIN_COLORS = 1_000_000
# 64 x 64 x 64 cells of 4 x 4 x 4 colours: at k = 16 about four in five cells lie inside one
# Voronoi region, and their colours need no distance at all.
CELL_BITS = 6
_RANGE = 1 << 18


def _cell_tables(
    centroids: F64, group_of: npt.NDArray[np.intp]
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.uint8], F32]:
    """Per cell: does one centroid win for every colour in it, which, and its lower bounds.

    Exact box distances in float64: a cell is decided when the largest squared distance
    from the cell to its candidate is below the smallest to any other centroid, with a
    margin far above float64 rounding, so the float64 argmin of every colour in the cell is
    that candidate (no ties possible).
    """
    side = 1 << CELL_BITS
    width = 256 // side
    lo = np.arange(side, dtype=np.float64)[:, None] * width
    hi = lo + (width - 1)
    near, far = [], []
    for axis in range(3):
        c = centroids[None, :, axis]
        gap = np.maximum(np.maximum(lo - c, c - hi), 0.0)
        near.append(gap * gap)
        span = np.maximum(np.abs(lo - c), np.abs(hi - c))
        far.append(span * span)
    k = centroids.shape[0]
    # (side, side, side, k) sums over the three axes, flattened in cell order r, g, b.
    mind = (near[0][:, None, None, :] + near[1][None, :, None, :] + near[2][None, None]).reshape(
        -1, k
    )
    maxd = (far[0][:, None, None, :] + far[1][None, :, None, :] + far[2][None, None]).reshape(-1, k)
    best = maxd.argmin(axis=1)
    rows = np.arange(best.shape[0])
    best_far = maxd[rows, best]
    mind[rows, best] = np.inf
    others = mind.min(axis=1)
    decided = others > best_far * (1 + 1e-9) + 1e-6
    n_groups = int(group_of.max()) + 1
    lower = np.empty((n_groups, best.shape[0]), np.float32)
    for g in range(n_groups):
        members = mind[:, group_of == g].min(axis=1, initial=np.inf)
        # Rounded down, far beyond float32's rounding when stored.
        members = members * (1 - 1e-6) - 1e-6
        lower[g] = np.sqrt(np.maximum(members, 0.0))
    return decided, best.astype(np.uint8), lower


def pruned_nearest(
    points: Points, centroids: F64, group_of: npt.NDArray[np.intp]
) -> tuple[npt.NDArray[np.uint8], F32] | None:
    """Labels and per-group lower bounds (as nearest_two), or None when not worth it.

    Colours in decided cells take the cell's centroid and the cell's bounds; the others go
    through nearest_two.  Only for integer RGB coordinates (cells of the uint8 cube).
    """
    if points.u8 is None or points.n < MIN_COLORS or centroids.shape[0] < 2:
        return None
    colors = points.u8
    decided, cell_label, cell_lower = _cell_tables(centroids, group_of)
    n = points.n
    labels = np.empty(n, np.uint8)
    lower = np.empty((cell_lower.shape[0], n), np.float32)
    shift = 8 - CELL_BITS

    def run(start: int, stop: int) -> None:
        part = colors[start:stop]
        cell = (part[:, 0] >> shift).astype(np.intp) << (2 * CELL_BITS)
        cell |= (part[:, 1] >> shift).astype(np.intp) << CELL_BITS
        cell |= part[:, 2] >> shift
        labels[start:stop] = np.take(cell_label, cell)
        for g in range(cell_lower.shape[0]):
            lower[g, start:stop] = np.take(cell_lower[g], cell)
        rows = np.flatnonzero(~np.take(decided, cell))
        if rows.size:
            rows += start
            new, _, low = nearest_two(points, centroids, rows, group_of, parallel=False)
            labels[rows] = new
            for g in range(low.shape[0]):  # row by row: twice as fast as one 2-D scatter
                lower[g][rows] = low[g]

    map_ranges(run, n, _RANGE)
    return labels, lower
