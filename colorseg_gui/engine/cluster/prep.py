"""What a Lloyd state is set up with: the integer scale of exact sums, groups of centroids."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from colorseg_gui.engine.cluster.assign import F64, Points
from colorseg_gui.engine.cluster.parallel import map_ranges

# Largest integer a float64 holds exactly: integer sums stay exact below it.
_EXACT_LIMIT = 2.0**53


def integer_scale(weights: F64, points: Points) -> float | None:
    """A factor that makes every weight and weight*coordinate an exact integer, if one exists.

    Opaque images have integer pixel counts as weights and RGB coordinates are integers,
    so per-cluster sums can be updated incrementally with no rounding at all.  Alpha weights
    are sums of a/255, so 255 x weight is an integer.  Lab coordinates are not integers.
    """
    if not points.integral:
        return None
    # The common case, checked cheaply: in cache-sized ranges (a whole-array rint of 12 M
    # weights is 100 MB of fresh memory, slow to touch on this kind of VM).
    integers = all(
        map_ranges(
            lambda a, b: bool(np.array_equal(weights[a:b], np.rint(weights[a:b]))),
            weights.shape[0],
            1 << 18,
        )
    )
    if integers and float(weights.sum()) * 3.0 * points.radius**2 < _EXACT_LIMIT:
        return 1.0
    for scale in (1.0, 255.0):
        scaled = weights * scale
        if np.all(np.abs(scaled - np.rint(scaled)) <= 1e-6 * np.maximum(1.0, scaled)):
            total = float(np.rint(scaled).sum())
            if total * 3.0 * points.radius**2 < _EXACT_LIMIT:
                return scale
    return None


# Lower bounds cost 4 bytes per colour per group: cap them for huge histograms.
_MAX_BOUND_BYTES = 64 << 20


def centroid_groups(centroids: F64, n_colors: int) -> npt.NDArray[np.intp]:
    """Group nearby centroids (about four per group) for the per-group lower bounds."""
    k = centroids.shape[0]
    n_groups = 1 if k < 8 else min(8, k // 4)
    while n_groups > 1 and n_groups * n_colors * 4 > _MAX_BOUND_BYTES:
        n_groups //= 2
    if n_groups == 1:
        return np.zeros(k, np.intp)
    # Farthest-first seeds, then a few Lloyd rounds on the centroids themselves.
    seeds = [0]
    dist = ((centroids - centroids[0]) ** 2).sum(axis=1)
    for _ in range(1, n_groups):
        seeds.append(int(np.argmax(dist)))
        dist = np.minimum(dist, ((centroids - centroids[seeds[-1]]) ** 2).sum(axis=1))
    centres = centroids[seeds]
    group = np.zeros(k, np.intp)
    for _ in range(5):
        group = ((centroids[:, None] - centres[None]) ** 2).sum(axis=2).argmin(axis=1)
        for g in range(n_groups):
            if (group == g).any():
                centres[g] = centroids[group == g].mean(axis=0)
    # Renumber so that every group id in 0..n-1 is used.
    return np.unique(group, return_inverse=True)[1].astype(np.intp)
