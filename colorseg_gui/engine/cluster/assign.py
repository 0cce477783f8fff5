"""Nearest-centroid assignment of histogram colours: fast float32 passes made exact in float64."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from colorseg_gui.engine.cluster.parallel import map_ranges

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]
IDX = npt.NDArray[np.intp]

# Points per pass of the fused kernel: large enough that numpy's per-call overhead is small,
# small enough that the five float32 temporaries stay in the L2 cache.
CHUNK = 1 << 16
# Below this a second thread costs more than it saves.
_MIN_CHUNK = 1 << 12
# Relative rounding unit of float32.
_U32 = 2.0**-24


@dataclass(frozen=True, eq=False)
class Points:
    """Colours in the clustering space: float32 columns for speed, float64 rows on demand.

    RGB coordinates are the uint8 colours themselves, kept as such (a float64 copy of a
    12 M colour histogram would cost 300 MB); Lab coordinates are stored in float64.
    """

    cols: tuple[F32, F32, F32]  # the coordinates as three contiguous float32 columns
    radius: float  # max |coordinate|, scales the float32 error bound
    integral: bool  # every coordinate is an integer (RGB)
    x64: F64 | None = None  # N x 3 float64 coordinates, when they are not the colours
    u8: npt.NDArray[np.uint8] | None = None  # N x 3 colours, when they are the coordinates

    @classmethod
    def from_coords(cls, x64: F64) -> Points:
        x64 = np.ascontiguousarray(x64, dtype=np.float64)
        cols = tuple(np.ascontiguousarray(x64[:, c], dtype=np.float32) for c in range(3))
        radius = float(np.abs(x64).max()) if x64.size else 0.0
        integral = bool(np.array_equal(x64, np.rint(x64)))
        return cls(cols=cols, radius=radius, integral=integral, x64=x64)  # type: ignore[arg-type]

    @classmethod
    def from_colors(cls, colors: npt.NDArray[np.uint8]) -> Points:
        n = colors.shape[0]
        cols = tuple(np.empty(n, np.float32) for _ in range(3))

        def fill(start: int, stop: int) -> None:
            for c in range(3):
                cols[c][start:stop] = colors[start:stop, c]

        # In cache-sized ranges on both cores: 12 M colours made this a tenth of a second.
        map_ranges(fill, n, 1 << 18)
        radius = float(colors.max()) if colors.size else 0.0
        return cls(cols=cols, radius=radius, integral=True, u8=colors)  # type: ignore[arg-type]

    @property
    def n(self) -> int:
        return int(self.cols[0].shape[0])

    def rows(self, which: npt.NDArray[np.intp] | slice = slice(None)) -> F64:
        """Float64 coordinates of some rows (a fresh array or a read-only view)."""
        if self.u8 is not None:
            return self.u8[which].astype(np.float64)
        assert self.x64 is not None
        return self.x64[which]


def float32_error(d: F32, radius: float) -> F32:
    """Upper bound on |float32 squared distance - exact squared distance|.

    Coordinates and centroids rounded to float32 move each difference by at most 2u*R,
    which moves a squared distance by 4u*R*sum|diff| <= 4u*R*sqrt(3d) <= 24u*R^2 (every
    difference is at most 2R); the squares and the two additions add 5u*d.  Doubled for
    safety and kept linear in d (two passes instead of five); the float64 re-check of
    near-ties makes the labels exact.
    """
    err = d * np.float32(12.0 * _U32)
    err += np.float32(_U32 * (48.0 * radius * radius + 1e-6))
    return err


def _nearest_chunk(
    x0: F32, x1: F32, x2: F32, c32: F32, group_of: npt.NDArray[np.intp], n_groups: int
) -> tuple[npt.NDArray[np.uint8], F32, F32]:
    """Nearest centroid, its squared distance, and per group the nearest other one."""
    m = x0.shape[0]
    t = np.empty(m, np.float32)
    u = np.empty(m, np.float32)
    closer = np.empty(m, bool)
    d1 = np.full(m, np.inf, np.float32)
    g1 = np.full((n_groups, m), np.inf, np.float32)  # per group: nearest
    g2 = np.full((n_groups, m), np.inf, np.float32)  # per group: second nearest
    best = np.zeros(m, np.uint8)
    for j in range(c32.shape[0]):
        # (x0-c0)^2 + (x1-c1)^2 + (x2-c2)^2 in three fused passes: a (n x 3) @ (3 x k)
        # product through BLAS is slower here and fights other processes for the cores.
        np.subtract(x0, c32[j, 0], out=t)
        np.multiply(t, t, out=t)
        np.subtract(x1, c32[j, 1], out=u)
        np.multiply(u, u, out=u)
        np.add(t, u, out=t)
        np.subtract(x2, c32[j, 2], out=u)
        np.multiply(u, u, out=u)
        np.add(t, u, out=t)
        g = group_of[j]
        np.maximum(g1[g], t, out=u)
        np.minimum(g2[g], u, out=g2[g])
        np.minimum(g1[g], t, out=g1[g])
        np.less(t, d1, out=closer)
        np.minimum(d1, t, out=d1)
        np.putmask(best, closer, j)
    if n_groups == 1:
        return best, d1, g2
    # In its own group a colour's nearest other centroid is the group's second nearest.
    own = group_of[best]
    for g in range(n_groups):
        np.copyto(g1[g], g2[g], where=own == g)
    return best, d1, g1


def exact_sqdist(x64: F64, centroids: F64) -> F64:
    """Squared distances (m x k) in float64, summed in the order a plain reference sums them."""
    diff = x64[:, None, :] - centroids[None, :, :]
    diff *= diff
    return diff.sum(axis=2)


def sqdist_to_assigned(x64: F64, centroids: F64, labels: npt.NDArray[np.uint8]) -> F64:
    """Float64 squared distance of each row to its own centroid ((a + b) + c, as above)."""
    own = centroids[labels]
    d = x64[:, 0] - own[:, 0]
    d *= d
    for c in (1, 2):
        t = x64[:, c] - own[:, c]
        t *= t
        d += t
    return d


def nearest_two(
    points: Points,
    centroids: F64,
    idx: IDX | None = None,
    group_of: npt.NDArray[np.intp] | None = None,
    parallel: bool = True,
) -> tuple[npt.NDArray[np.uint8], F32, F32]:
    """Nearest centroid of each point (or of points[idx]) and bounds for the skip tests.

    Returns labels equal to a float64 argmin (lowest index on ties), an upper bound on the
    distance (not squared) to that centroid, and for every group of centroids (`group_of`
    maps centroid -> group; one group by default) a lower bound on the distance to any other
    centroid of the group, as a (groups x m) array.  parallel=False runs in the calling
    thread: for callers that are themselves tasks of the shared pool (it must not nest).
    """
    k = centroids.shape[0]
    if group_of is None:
        group_of = np.zeros(k, np.intp)
    n_groups = int(group_of.max()) + 1
    m = points.n if idx is None else int(idx.shape[0])
    labels = np.empty(m, np.uint8)
    upper = np.empty(m, np.float32)
    lower = np.empty((n_groups, m), np.float32)
    c32 = centroids.astype(np.float32)
    radius = max(points.radius, float(np.abs(centroids).max()))

    def run(start: int, stop: int) -> None:
        # Everything per colour happens inside the chunk, so that both cores share it all
        # (gathers, bounds and the float64 re-check included), not just the distances.
        part: IDX | slice
        if idx is None:
            part = slice(start, stop)
            cols = [col[part] for col in points.cols]
        else:
            part = idx[start:stop]
            cols = [np.take(col, part) for col in points.cols]
        best, d1, low = _nearest_chunk(cols[0], cols[1], cols[2], c32, group_of, n_groups)
        _finish_chunk(points, centroids, group_of, radius, part, best, d1, low)
        labels[start:stop] = best
        upper[start:stop] = d1
        lower[:, start:stop] = low

    if parallel:
        # Small inputs still split in two, so that both cores get a share.
        map_ranges(run, m, max(_MIN_CHUNK, min(CHUNK, -(-m // 2))))
    else:
        for start in range(0, m, CHUNK):
            run(start, min(m, start + CHUNK))
    return labels, upper, lower


def _finish_chunk(
    points: Points,
    centroids: F64,
    group_of: npt.NDArray[np.intp],
    radius: float,
    part: IDX | slice,
    best: npt.NDArray[np.uint8],
    d1: F32,
    low: F32,
) -> None:
    """Turn squared float32 distances into bounds in place; exact labels for near-ties."""
    # Bounds in float32: their own rounding (1e-7 relative) is far inside the slack that
    # the skip tests keep, and a 12 M colour histogram halves its memory traffic.
    err1 = float32_error(d1, radius)
    ties: IDX | None = None
    if centroids.shape[0] > 1:
        # Where float32 cannot tell the two nearest apart, decide in float64 exactly as a
        # per-pixel float64 reference would (same formula, same tie rule).
        d2 = low.min(axis=0)
        margin = float32_error(np.minimum(d2, np.float32(1e30)), radius)
        margin += err1
        d2 -= d1
        ties = np.flatnonzero(d2 <= margin)
    d1 += err1
    np.sqrt(d1, out=d1)
    err_low = float32_error(np.minimum(low, np.float32(1e30)), radius)
    low -= err_low  # inf stays inf: a group with no other centroid never binds
    np.maximum(low, 0, out=low)
    np.sqrt(low, out=low)
    if ties is None or ties.size == 0:
        return
    rows = ties + part.start if isinstance(part, slice) else part[ties]
    dist = exact_sqdist(points.rows(rows), centroids)
    nearest = dist.argmin(axis=1)
    best[ties] = nearest
    d1[ties] = np.sqrt(dist[np.arange(ties.size), nearest])
    dist[np.arange(ties.size), nearest] = np.inf
    for g in range(low.shape[0]):
        low[g, ties] = np.sqrt(dist[:, group_of == g].min(axis=1, initial=np.inf))
