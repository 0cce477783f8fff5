"""Initial centroids: greedy k-means++, a weighted random draw, or an explicit array."""

from __future__ import annotations

import math
from collections.abc import Callable, Generator

import numpy as np
import numpy.typing as npt

from colorseg_gui.engine.cluster.assign import Points
from colorseg_gui.engine.cluster.lloyd import Iteration, LloydState
from colorseg_gui.engine.cluster.parallel import map_ranges
from colorseg_gui.engine.options import INIT_METHODS

F64 = npt.NDArray[np.float64]

# Above this many distinct colours (noise, 16-bit sources), "k-means++" runs on a coarse
# histogram (colours grouped into 32 x 32 x 32 RGB cells, each cell a point at the weighted
# mean of its colours with their total weight) and Lloyd converges there before the exact
# steps start, so that the exact steps over millions of colours begin near a minimum and are
# few.  Only the starting centroids come from the coarse data; every Lloyd step yielded
# runs on all colours, exactly.  Below it (photos: 30 k - 500 k colours) the coarse
# start is not used: measured on the benchmark photos it settles in worse minima (MSE up to
# 3 % above scikit-learn's at k = 16) than k-means++ on the colours themselves.
COARSE_MIN_COLORS = 1_000_000
COARSE_BITS = 5
WARM_MAX_ITER = 60
WARM_TOL = 1e-5
# k-means++ costs (2 + ln k) passes over the colours per centroid: above this budget of
# colours x centroids x candidates it runs on a weighted sample of the histogram (draws
# proportional to pixel weight, repeats merged into weights), like a per-pixel sample.
INIT_BUDGET = 4_000_000
INIT_MIN_SAMPLE = 65_536
# Colours per task of the passes over every colour.
_RANGE = 1 << 18

InitSpec = str | npt.ArrayLike


def weighted_sample(
    n_colors: int, weights: F64, size: int, rng: np.random.Generator
) -> tuple[npt.NDArray[np.intp], F64]:
    """Draw `size` colours with probability proportional to weight; merge repeats."""
    cdf = np.cumsum(weights)
    draws = np.searchsorted(cdf, rng.uniform(0.0, cdf[-1], size=size), side="right")
    np.minimum(draws, n_colors - 1, out=draws)
    picked, times = np.unique(draws, return_counts=True)
    return picked.astype(np.intp), times.astype(np.float64)


def _dot(a: F64, b: F64) -> float:
    # Not through BLAS: its first call spins up a thread pool (~0.4 s measured here) and a
    # thin product gains nothing from it on a shared 2-core machine.
    return float(np.einsum("i,i->", a, b))


def _sqdist_to(x: F64, center: F64) -> F64:
    d = x[:, 0] - center[0]
    d *= d
    for c in (1, 2):
        t = x[:, c] - center[c]
        t *= t
        d += t
    return d


def kmeans_plusplus(
    x: F64,
    weights: F64,
    k: int,
    rng: np.random.Generator,
    should_stop: Callable[[], bool] | None = None,
    given: F64 | None = None,
) -> F64 | None:
    """Greedy k-means++ as scikit-learn does it: 2 + int(ln k) candidates, keep the best.

    `x` holds only colours of positive weight.  `given` centres (fewer than k, for example
    locked colours) come first and the others are drawn around them.  Returns None when
    should_stop() fires.
    """
    n = x.shape[0]
    trials = 2 + int(math.log(k))
    centers = np.empty((k, 3), dtype=np.float64)
    if given is not None and given.shape[0]:
        m = given.shape[0]
        centers[:m] = given
        closest = _sqdist_to(x, centers[0])
        for row in range(1, m):
            np.minimum(closest, _sqdist_to(x, centers[row]), out=closest)
    else:
        m = 1
        total = float(weights.sum())
        first = int(np.searchsorted(np.cumsum(weights), rng.uniform() * total, side="right"))
        centers[0] = x[min(first, n - 1)]
        closest = _sqdist_to(x, centers[0])
    potential = _dot(closest, weights)
    for c in range(m, k):
        if should_stop is not None and should_stop():
            return None
        if potential <= 0.0:
            # Every colour already coincides with a centre: any unused colour will do.
            used = (x[:, None, :] == centers[None, :c, :]).all(axis=2).any(axis=1)
            unused = np.flatnonzero(~used)
            # With given centres every colour may be taken: the extra cluster starts on one
            # of them, stays empty (ties go to the lower row) and keeps its place.
            centers[c] = x[int(unused[0]) if unused.size else 0]
            continue
        cumulative = np.cumsum(closest * weights)
        picks = np.searchsorted(cumulative, rng.uniform(size=trials) * cumulative[-1], "right")
        np.minimum(picks, n - 1, out=picks)
        best_pot = math.inf
        best_dist: F64 | None = None
        best_id = 0
        for cand in picks:
            dist = np.minimum(closest, _sqdist_to(x, x[cand]))
            pot = _dot(dist, weights)
            if pot < best_pot:
                best_pot, best_dist, best_id = pot, dist, int(cand)
        assert best_dist is not None
        centers[c] = x[best_id]
        closest, potential = best_dist, best_pot
    return centers


def iter_init(
    points: Points,
    weights: F64,
    k: int,
    method: InitSpec,
    rng: np.random.Generator,
    should_stop: Callable[[], bool] | None = None,
    colors: npt.NDArray[np.uint8] | None = None,
    search: bool = False,
) -> Generator[Iteration, None, F64 | None]:
    """k starting centroids (k x 3 float64, clustering space) for colours of weight > 0.

    `points` and `weights` hold only colours of positive weight; `colors` are the same
    colours in sRGB (for the coarse histogram of large inputs).  The caller guarantees
    k < number of colours.  Yields the coarse warm-start iterations (for previews) and
    returns the centroids; None means should_stop() fired.  search=True refines the
    k-means++ start on a weighted sample (engine/search.py).
    """
    if not isinstance(method, str):
        return explicit_centroids(method, k)
    if method not in INIT_METHODS:
        raise ValueError(f"unknown init {method!r} (expected one of {', '.join(INIT_METHODS)})")
    n = points.n
    if method == "random":
        chosen = rng.choice(n, size=k, replace=False, p=weights / weights.sum())
        return np.array(points.rows(np.sort(chosen)), dtype=np.float64)
    if colors is not None and n > COARSE_MIN_COLORS:
        cell_x, cell_w = coarse_histogram(colors, points, weights)
        if cell_x.shape[0] > k:
            start = kmeans_plusplus(cell_x, cell_w, k, rng, should_stop)
            if start is None:
                return None
            return (yield from iter_warm_start(cell_x, cell_w, start, should_stop))
    if search:
        from colorseg_gui.engine.cluster import search as searching  # it imports this module

        if k <= searching.MAX_K:
            return (yield from searching.search_start(points, weights, k, rng, should_stop))
    trials = 2 + int(math.log(k))
    sample_size = max(INIT_MIN_SAMPLE, INIT_BUDGET // (k * trials))
    if n > sample_size:
        rows, sample_weights = weighted_sample(n, weights, sample_size, rng)
        if rows.shape[0] > k:
            return kmeans_plusplus(points.rows(rows), sample_weights, k, rng, should_stop)
    return kmeans_plusplus(np.array(points.rows()), weights, k, rng, should_stop)


def init_centroids(
    points: Points,
    weights: F64,
    k: int,
    method: InitSpec,
    rng: np.random.Generator,
    should_stop: Callable[[], bool] | None = None,
    colors: npt.NDArray[np.uint8] | None = None,
    search: bool = False,
) -> F64 | None:
    """iter_init without the intermediate iterations: the starting centroids or None."""
    steps = iter_init(points, weights, k, method, rng, should_stop, colors, search)
    while True:
        try:
            next(steps)
        except StopIteration as done:
            return done.value


def coarse_cells(colors: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint16]:
    """The coarse cell (2**COARSE_BITS per RGB axis) of every colour."""
    shift = 8 - COARSE_BITS
    cells = np.empty(colors.shape[0], np.uint16)

    def fill(start: int, stop: int) -> None:
        part = colors[start:stop]
        cell = (part[:, 0] >> shift).astype(np.uint16) << (2 * COARSE_BITS)
        cell |= (part[:, 1] >> shift).astype(np.uint16) << COARSE_BITS
        cell |= part[:, 2] >> shift
        cells[start:stop] = cell

    map_ranges(fill, colors.shape[0], _RANGE)
    return cells


def coarse_histogram(
    colors: npt.NDArray[np.uint8], points: Points, weights: F64
) -> tuple[F64, F64]:
    """Group colours into coarse cells: each cell's weighted mean and total weight."""
    size = 1 << (3 * COARSE_BITS)
    cells = coarse_cells(colors)

    def sums(start: int, stop: int) -> F64:
        cell, w = cells[start:stop], weights[start:stop]
        # float32 coordinates are plenty for a starting point (and exact for RGB).
        cols = [np.bincount(cell, w * points.cols[c][start:stop], size) for c in range(3)]
        return np.stack([np.bincount(cell, w, size), *cols])

    # Partial sums per range (in a fixed order) on both cores, with cache-sized temporaries.
    total = np.sum(map_ranges(sums, colors.shape[0], _RANGE), axis=0)
    used = np.flatnonzero(total[0] > 0)
    means = total[1:, used].T / total[0, used, None]
    return means, total[0, used].astype(np.float64)


def iter_warm_start(
    x: F64, weights: F64, centroids: F64, should_stop: Callable[[], bool] | None
) -> Generator[Iteration, None, F64 | None]:
    """Lloyd on the coarse histogram until it settles: the centroids exact Lloyd starts from."""
    state = LloydState(Points.from_coords(x), weights, np.ones(x.shape[0], np.int64))
    previous = math.inf
    for _ in range(WARM_MAX_ITER):
        if should_stop is not None and should_stop():
            return None
        result = state.step(centroids)
        yield result
        centroids = result.centroids
        if result.changed == 0 or previous - result.inertia <= WARM_TOL * previous < math.inf:
            break
        previous = result.inertia
    return centroids


def complete_centroids(
    points: Points, weights: F64, given: F64, k: int, rng: np.random.Generator
) -> F64:
    """`given` centroids (fewer than k) and k - len(given) more drawn by k-means++ around
    them, on a weighted sample when the colours are many (as iter_init does)."""
    trials = 2 + int(math.log(k))
    sample_size = max(INIT_MIN_SAMPLE, INIT_BUDGET // (k * trials))
    if points.n > sample_size:
        rows, sample_weights = weighted_sample(points.n, weights, sample_size, rng)
        x, w = points.rows(rows), sample_weights
    else:
        x, w = np.array(points.rows()), weights
    centers = kmeans_plusplus(x, w, k, rng, None, given)
    assert centers is not None  # no should_stop: it always finishes
    return centers


def explicit_centroids(init: npt.ArrayLike, k: int, partial: bool = False) -> F64:
    """Validate a user-given k x 3 array of centroids in the clustering space (with
    partial=True, from 1 to k rows: the rest are drawn later)."""
    try:
        arr = np.array(init, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"init array is not numeric: {exc}") from None
    if arr.ndim != 2 or arr.shape[1] != 3:
        raise ValueError(f"init array must be k x 3, got shape {arr.shape}")
    if arr.shape[0] > k or (arr.shape[0] < k and not (partial and arr.shape[0])):
        raise ValueError(f"init array has {arr.shape[0]} rows but k is {k}")
    if not np.isfinite(arr).all():
        raise ValueError("init array contains NaN or infinite values")
    return arr
