"""The first exact assignment of millions of RGB colours, pruned by cells of the colour cube."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from colorseg_gui.engine.cluster.assign import F32, F64, Points, nearest_two
from colorseg_gui.engine.cluster.parallel import map_ranges

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
    n_groups = int(group_of.max()) + 1
    members = [group_of == g for g in range(n_groups)]
    plane = side * side
    decided = np.empty(side * plane, bool)
    best = np.empty(side * plane, np.uint8)
    lower = np.empty((n_groups, side * plane), np.float32)
    # Green-blue (side x side x k) sums added per red slab: the whole table at once would
    # take over 100 MB of temporaries.
    near_gb = (near[1][:, None, :] + near[2][None]).reshape(plane, k)
    far_gb = (far[1][:, None, :] + far[2][None]).reshape(plane, k)
    rows = np.arange(plane)

    def slabs(start: int, stop: int) -> None:
        for r in range(start, stop):
            cells = slice(r * plane, (r + 1) * plane)
            mind = near_gb + near[0][r]
            maxd = far_gb + far[0][r]
            own = maxd.argmin(axis=1)
            own_far = maxd[rows, own]
            mind[rows, own] = np.inf
            decided[cells] = mind.min(axis=1) > own_far * (1 + 1e-9) + 1e-6
            best[cells] = own
            for g in range(n_groups):
                # Rounded down, far beyond float32's rounding when stored.
                bound = mind[:, members[g]].min(axis=1, initial=np.inf) * (1 - 1e-6) - 1e-6
                lower[g, cells] = np.sqrt(np.maximum(bound, 0.0))

    map_ranges(slabs, side, 8)
    return decided, best, lower


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
