"""A better start than one k-means++ draw: Lloyd and merge-split moves on a weighted sample.

One k-means++ seeding followed by Lloyd settles in the nearest local minimum.  On a fixed
weighted sample of the colours (cheap at any histogram size) this module runs Lloyd, then
tries merge-split moves: merge the two clusters whose merge costs least (Ward's cost) and
split the one with the largest error along its main axis, run Lloyd again, and keep the
result only when the sample's J went down.  Only the starting centroids come from here;
every step the caller yields is exact Lloyd on all colours.  The sample and the seeding
come from the caller's generator, so the same seed gives the same bits.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from colorseg_gui.engine.cluster.assign import Points
from colorseg_gui.engine.cluster.init import kmeans_plusplus, weighted_sample
from colorseg_gui.engine.cluster.lloyd import Iteration, LloydState

F64 = npt.NDArray[np.float64]

# Draws of the weighted sample: 256 per cluster, within these limits.  Fewer made the
# sample's J a poor guide at k = 64 (moves that helped on the sample did not on the image);
# more cost time in every sample step for little gain.
DRAWS_PER_CLUSTER = 256
MIN_DRAWS = 8_192
MAX_DRAWS = 16_384
# Above this k the sample has fewer than DRAWS_PER_CLUSTER draws per cluster, and on Autumn
# at k = 128 and 256 the searched start ended with a higher J than plain k-means++ (and took
# twice as long at 256): larger k start from plain k-means++.
MAX_K = MAX_DRAWS // DRAWS_PER_CLUSTER
# Merge-split moves tried in all (one per five clusters, within these limits), and in a row
# without a gain before the search ends.
MIN_ATTEMPTS = 3
MAX_ATTEMPTS = 12
PATIENCE = 9
# The merge and split candidates an attempt picks from (attempt a: merge a % 3, split a // 3).
_MERGES = 3
# k-means++ draws refined by Lloyd on the sample before the moves; the best one is kept.
STARTS = 1
SAMPLE_MAX_ITER = 40
SAMPLE_TOL = 1e-4


@dataclass(frozen=True, eq=False)
class _Fit:
    centroids: F64
    inertia: float
    labels: npt.NDArray[np.uint8]
    weights: F64


def _lloyd(points: Points, weights: F64, centroids: F64) -> _Fit:
    state = LloydState(points, weights, np.ones(points.n, np.int64))
    previous = math.inf
    for iteration in range(SAMPLE_MAX_ITER):
        result = state.step(centroids)
        centroids = result.centroids
        if result.changed == 0:
            break
        if iteration and previous - result.inertia <= SAMPLE_TOL * previous:
            break
        previous = result.inertia
    # J of the last assignment at its own means, so that fits compare like with like.
    return _Fit(centroids, state.inertia_at(centroids), result.labels, result.weights)


def _progress(fit: _Fit) -> Iteration:
    return Iteration(fit.labels, fit.centroids, fit.weights, fit.inertia, 0, 0)


def _merge_split(x: F64, w: F64, fit: _Fit, attempt: int) -> F64 | None:
    """Centroids with one cheap merge and one split of a high-error cluster, or None."""
    c, weight, labels = fit.centroids, fit.weights, fit.labels
    k = c.shape[0]
    if k < 3:
        return None
    gap = ((c[:, None, :] - c[None, :, :]) ** 2).sum(axis=2)
    with np.errstate(divide="ignore", invalid="ignore"):
        cost = weight[:, None] * weight[None, :] / (weight[:, None] + weight[None, :]) * gap
    cost[np.tril_indices(k)] = np.inf
    order = np.argsort(cost, axis=None, kind="stable")
    pick = attempt % _MERGES
    if not np.isfinite(cost.flat[order[pick]]):
        return None
    i, j = np.unravel_index(int(order[pick]), cost.shape)
    sse = np.bincount(labels, w * ((x - c[labels]) ** 2).sum(axis=1), minlength=k)
    sse[[i, j]] = -1.0
    split_rank = attempt // _MERGES
    if split_rank >= k - 2:
        return None
    s = int(np.argsort(-sse, kind="stable")[split_rank])
    members = labels == s
    if np.count_nonzero(members) < 2:
        return None
    cov = np.cov(x[members].T, aweights=w[members])
    values, vectors = np.linalg.eigh(cov)
    # Children at about +-0.8 sigma: the centroids of the two halves of a Gaussian.
    offset = vectors[:, -1] * math.sqrt(max(float(values[-1]), 0.0)) * 0.8
    out = c.copy()
    out[i] = (weight[i] * c[i] + weight[j] * c[j]) / (weight[i] + weight[j])
    out[j] = c[s] + offset
    out[s] = c[s] - offset
    return out


def search_start(
    points: Points,
    weights: F64,
    k: int,
    rng: np.random.Generator,
    should_stop: Callable[[], bool] | None = None,
) -> Generator[Iteration, None, F64 | None]:
    """Starting centroids from k-means++ refined by Lloyd and merge-split moves on a sample.

    `points` and `weights` hold only colours of positive weight, more than k of them.
    Yields every better fit found (its centroids and sample J, for previews; its labels are
    the sample's) and returns the centroids; None when should_stop() fires.
    """
    draws = min(MAX_DRAWS, max(MIN_DRAWS, DRAWS_PER_CLUSTER * k))
    attempts = min(MAX_ATTEMPTS, max(MIN_ATTEMPTS, k // 5))
    if points.n > draws:
        rows, w = weighted_sample(points.n, weights, draws, rng)
        x = points.rows(rows)
    else:
        x, w = np.array(points.rows()), weights
    if x.shape[0] <= k:
        # A lumpy sample with too few distinct colours: seed on all of them instead.
        x, w = np.array(points.rows()), weights
    sample = Points.from_coords(x)
    best: _Fit | None = None
    for _ in range(STARTS):
        start = kmeans_plusplus(x, w, k, rng, should_stop)
        if start is None:
            return None
        fit = _lloyd(sample, w, start)
        if best is None or fit.inertia < best.inertia:
            best = fit
            yield _progress(best)
    assert best is not None
    attempt = tried = 0
    while tried < attempts and attempt < PATIENCE:
        if should_stop is not None and should_stop():
            return None
        candidate = _merge_split(x, w, best, attempt)
        if candidate is None:
            break
        tried += 1
        fit = _lloyd(sample, w, candidate)
        if fit.inertia < best.inertia:
            best, attempt = fit, 0
            yield _progress(best)
        else:
            attempt += 1
    return best.centroids
