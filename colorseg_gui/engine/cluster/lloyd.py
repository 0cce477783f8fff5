"""One exact Lloyd iteration on weighted colours, with Hamerly's bounds to skip most of them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from colorseg_gui.engine.cluster.assign import (
    F32,
    F64,
    Points,
    float32_error,
    nearest_two,
    sqdist_to_assigned,
)
from colorseg_gui.engine.cluster.first_step import pruned_nearest
from colorseg_gui.engine.cluster.hartigan import heavy_colours, improving_moves
from colorseg_gui.engine.cluster.parallel import map_ranges
from colorseg_gui.engine.cluster.prep import centroid_groups, integer_scale

U8 = npt.NDArray[np.uint8]


@dataclass(frozen=True, eq=False)
class Iteration:
    """What one assignment + mean update produced (arrays owned by the caller)."""

    labels: U8
    centroids: F64
    weights: F64
    inertia: float
    changed: int
    reseeded: int
    sse: F64 | None = None  # each cluster's squared error about its new centroid


# Colours per task of the bound tests.  Most steps reassign few colours, and with the other
# core busy (measured: load 2-3 on 2 cores) waking a second thread cost more than it saved
# below half a million colours; millions of colours (noise, first steps) do gain from it.
_REASSIGN_CHUNK = 1 << 19
# Colours per task when the cluster sums are computed from scratch.
_STATS_CHUNK = 1 << 18


@dataclass(frozen=True, eq=False)
class _Check:
    """What the bound tests of one iteration share across ranges of colours."""

    centroids: F64
    half: F64  # half the distance from each centroid to its nearest other centroid
    slack: np.float32
    half32: F32
    c32: tuple[F32, ...]  # centroid coordinates as float32 columns
    radius: float  # of the colours and centroids, for the float32 error bound
    group_drift: F32


def _own_distance(points: Points, span: slice, index: npt.NDArray[np.intp], check: _Check) -> F32:
    """Upper bound on each colour's distance to its own centroid, from float32 arithmetic."""
    cols = points.cols
    d = np.take(check.c32[0], index)
    np.subtract(cols[0][span], d, out=d)
    d *= d
    t = np.take(check.c32[1], index)
    np.subtract(cols[1][span], t, out=t)
    t *= t
    d += t
    np.take(check.c32[2], index, out=t)
    np.subtract(cols[2][span], t, out=t)
    t *= t
    d += t
    d += float32_error(d, check.radius)
    return np.sqrt(d, out=d)


class LloydState:
    """Labels, distance bounds and cluster sums carried from one iteration to the next.

    Bounds follow Hamerly, with one lower bound per group of centroids as in Yinyang
    k-means (a centroid that moves a lot only loosens the bound of its own group).  They are
    stored lazily, relative to how far the centroids have moved in total: lower[g] = (bound
    on the distance to any other centroid of group g) + group_drift[g], where group_drift[g]
    sums the largest shift in group g, step after step, so that an iteration need not
    rewrite every bound.  The distance to the own centroid is recomputed in float32 for
    every colour each step (Hamerly's stored upper bound loosened so fast on photos that a
    third of the colours needed it anyway, through slow gathers).  Float32 rounding is
    covered by float32_error and `_slack`.
    """

    def __init__(self, points: Points, weights: F64, counts: npt.NDArray[np.int64],
                 fixed: npt.NDArray[np.bool_] | None = None):
        self.points = points
        self.counts = counts
        # Locked centroids: they keep their coordinates bit for bit, are never reseeded, and
        # Hartigan moves leave their clusters alone.  None: every centroid is free.
        self.fixed = fixed if fixed is not None and fixed.any() else None
        self.scale = integer_scale(weights, points)
        # Exact mode keeps integer-valued weights so the running sums never round.
        self.w = weights
        if self.scale is not None and self.scale != 1.0:
            self.w = np.rint(weights * self.scale)
        self.labels: U8 | None = None
        self.previous: U8 | None = None  # the labels handed out last step (never mutated)
        n = points.n
        self.lower = np.empty((0, n), np.float32)
        self.group_of = np.zeros(0, np.intp)
        self.drift = np.zeros(0)
        self.group_drift = np.zeros(0)
        self.sums = np.zeros((0, 3))
        self.wsum = np.zeros(0)
        self.sqsum = np.zeros(0)

    def _slack(self) -> float:
        # Several float32 roundings of values up to radius + drift, with a wide margin.
        top = self.points.radius + float(self.drift.max(initial=0.0))
        top += float(self.group_drift.max(initial=0.0))
        return 1e-5 * top + 1e-9

    def _other_bound(self, rows: npt.NDArray[np.intp] | slice, group_drift: F32) -> F32:
        """Lower bound on the distance from each colour to any centroid but its own."""

        def part(g: int, out: F32 | None = None) -> F32:
            # Fresh arrays (never views of the stored bounds): the caller's passes are in place.
            if isinstance(rows, slice):
                return np.subtract(self.lower[g, rows], group_drift[g], out=out)
            return np.subtract(np.take(self.lower[g], rows), group_drift[g], out=out)

        low = part(0)
        other = np.empty_like(low)
        for g in range(1, self.lower.shape[0]):
            np.minimum(low, part(g, other), out=low)
        return low

    # -- cluster statistics ------------------------------------------------------------
    def _stats(self, rows: npt.NDArray[np.intp] | slice, labels: U8, k: int) -> tuple[F64, ...]:
        w = self.w[rows]
        if self.points.u8 is not None:
            # Integer RGB: float32 holds the coordinates and their squared norms exactly.
            cols = [col[rows] for col in self.points.cols]
            sq = cols[0] * cols[0]
            sq += cols[1] * cols[1]
            sq += cols[2] * cols[2]
            sums = np.stack([np.bincount(labels, w * col, minlength=k) for col in cols], 1)
        else:
            x = self.points.rows(rows)
            sums = np.stack([np.bincount(labels, w * x[:, c], minlength=k) for c in range(3)], 1)
            sq = np.einsum("ij,ij->i", x, x)
        wsum = np.bincount(labels, w, minlength=k).astype(np.float64)
        sqsum = np.bincount(labels, w * sq, minlength=k).astype(np.float64)
        return sums.astype(np.float64), wsum, sqsum

    def _full_stats(self, k: int) -> None:
        labels = self.labels
        assert labels is not None

        def part(start: int, stop: int) -> tuple[F64, ...]:
            return self._stats(slice(start, stop), labels[start:stop], k)

        # Partial sums per chunk on both cores; their order is fixed, so runs are repeatable
        # (and in exact mode the sums are exact integers whatever the order).
        parts = map_ranges(part, self.points.n, _STATS_CHUNK)
        self.sums, self.wsum, self.sqsum = (
            np.sum([p[i] for p in parts], axis=0) if parts else np.zeros((k, 3) if i == 0 else k)
            for i in range(3)
        )

    def _move(self, rows: npt.NDArray[np.intp], old: U8, new: U8, k: int) -> None:
        """Move colours between clusters; exact-mode sums change by exact integers."""
        if rows.size == 0:
            return
        if self.scale is None:
            return  # recomputed in full after the assignment
        s_old, w_old, q_old = self._stats(rows, old, k)
        s_new, w_new, q_new = self._stats(rows, new, k)
        self.sums += s_new - s_old
        self.wsum += w_new - w_old
        self.sqsum += q_new - q_old

    # -- one iteration -------------------------------------------------------------------
    def step(self, centroids: F64) -> Iteration:
        k = centroids.shape[0]
        if self.labels is None:
            self.group_of = centroid_groups(centroids, self.points.n)
            pruned = pruned_nearest(self.points, centroids, self.group_of)
            if pruned is None:
                labels, _, lower = nearest_two(self.points, centroids, None, self.group_of)
            else:
                labels, lower = pruned
            # No centroid has drifted yet: the fresh bounds are stored as they are.
            self.labels, self.lower = labels, lower
            self.drift = np.zeros(k)
            self.group_drift = np.zeros(lower.shape[0])
            changed = int(self.counts.sum())
            self._full_stats(k)
        else:
            changed = self._reassign(centroids)
            if self.scale is None:
                self._full_stats(k)
        inertia = self._inertia(centroids)
        reseeded = self._reseed_empty(centroids)
        if reseeded and self.previous is not None:
            changed = int(self.counts[self.labels != self.previous].sum())
        return self._ended(centroids, inertia, changed, reseeded)

    def _ended(self, centroids: F64, inertia: float | None, changed: int,
               reseeded: int) -> Iteration:
        """The state after labels moved from `centroids`: their means, bounds shifted, the
        labels kept for the next change count (inertia None: J at the new means)."""
        assert self.labels is not None
        # A locked centroid stays put, and so does an empty cluster (a locked one, or one no
        # colour could be moved into): its shift is 0 and the bounds stay valid as they are.
        stays = self.wsum <= 0
        if self.fixed is not None:
            stays |= self.fixed
        new_centroids = np.divide(self.sums, self.wsum[:, None], out=centroids.copy(),
                                  where=~stays[:, None])
        self._shift_bounds(centroids, new_centroids)
        weights = self.wsum / self.scale if self.scale is not None else self.wsum.copy()
        self.previous = self.labels.copy()
        return Iteration(
            labels=self.previous,
            centroids=new_centroids,
            weights=weights,
            inertia=self._inertia(new_centroids) if inertia is None else inertia,
            changed=changed,
            reseeded=reseeded,
            sse=self._errors(new_centroids),
        )

    def _reassign(self, centroids: F64) -> int:
        assert self.labels is not None
        k = centroids.shape[0]
        # Hamerly: a colour keeps its centroid when its distance to it is below the distance
        # to any other centroid, or below half the gap to the nearest other centroid.
        if k > 1:
            gaps = np.sqrt(((centroids[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=2))
            np.fill_diagonal(gaps, np.inf)
            half = gaps.min(axis=1) / 2.0
        else:
            half = np.full(1, np.inf)
        check = _Check(
            centroids=centroids,
            half=half,
            slack=np.float32(self._slack()),
            half32=half.astype(np.float32),
            c32=tuple(np.ascontiguousarray(centroids[:, c], np.float32) for c in range(3)),
            radius=max(self.points.radius, float(np.abs(centroids).max())),
            group_drift=self.group_drift.astype(np.float32),
        )
        # Every colour's test and update touches only its own rows: ranges may run in parallel.
        parts = [
            p
            for p in map_ranges(
                lambda a, b: self._reassign_range(check, a, b), self.points.n, _REASSIGN_CHUNK
            )
            if p is not None
        ]
        if not parts:
            return 0
        rows, old, new = (np.concatenate([p[i] for p in parts]) for i in range(3))
        self._move(rows, old, new, k)
        return int(self.counts[rows].sum())

    def _reassign_range(
        self, check: _Check, start: int, stop: int
    ) -> tuple[npt.NDArray[np.intp], U8, U8] | None:
        """Reassign the colours start..stop that the bounds cannot keep; (moved, old, new)."""
        labels = self.labels
        assert labels is not None
        span = slice(start, stop)
        index = labels[span].astype(np.intp)  # np.take is twice as fast with native indices
        # The distance to its own centroid, in float32 for every colour: a few dense passes
        # cost less than keeping a loose upper bound and gathering the many colours it fails.
        upper = _own_distance(self.points, span, index, check)
        # Skip when upper + slack < min_g lower[g] - group_drift[g] (no other centroid is
        # closer) or upper + slack < half[a] (the centroid-gap test).
        upper += check.slack
        fails = upper >= self._other_bound(span, check.group_drift)
        fails &= upper >= np.take(check.half32, index)
        rows = np.flatnonzero(fails)
        if rows.size == 0:
            return None
        rows += start
        new, _, low = nearest_two(self.points, check.centroids, rows, self.group_of, parallel=False)
        old = np.take(index, rows - start).astype(np.uint8)
        labels[rows] = new
        low += check.group_drift[:, None]
        for g in range(low.shape[0]):  # row by row: twice as fast as one 2-D scatter
            self.lower[g][rows] = low[g]
        moved = new != old
        return rows[moved], old[moved], new[moved]

    def hartigan(self, centroids: F64) -> Iteration | None:
        """Make Hartigan's moves of heavy colours after a step that ended at `centroids`.

        Returns the new state (labels, their means, J at those means), or None when no
        single-colour move lowers J.
        """
        assert self.labels is not None
        rows = heavy_colours(self.w, self.labels, self.wsum)
        if self.fixed is not None:
            # Moves between free clusters only: the J change formula assumes both means move.
            rows = rows[~self.fixed[self.labels[rows]]]
        picked, new, _ = improving_moves(
            self.points.rows(rows), self.w[rows], self.labels[rows], self.sums, self.wsum,
            self.fixed
        )
        return None if picked.size == 0 else self._relabel(rows[picked], new, centroids)

    def _relabel(self, moved: npt.NDArray[np.intp], new: U8, centroids: F64) -> Iteration:
        """Give colours new clusters after a step that ended at `centroids`.

        The bounds stay valid: moved colours are checked in full on the next step and the
        others' bounds follow the means' shifts.
        """
        assert self.labels is not None
        k = centroids.shape[0]
        old = self.labels[moved].copy()
        self.labels[moved] = new
        if self.scale is None:
            self._full_stats(k)
        else:
            self._move(moved, old, new, k)
        self.lower[:, moved] = -np.inf
        return self._ended(centroids, None, int(self.counts[moved[old != new]].sum()), 0)

    def inertia_at(self, centroids: F64) -> float:
        """J of the current assignment against `centroids`."""
        return self._inertia(centroids)

    def _errors(self, centroids: F64) -> F64:
        """The per-cluster terms of _inertia: what an edit needs to find the worst cluster."""
        terms = self.sqsum - 2.0 * np.einsum("ij,ij->i", centroids, self.sums)
        terms += self.wsum * np.einsum("ij,ij->i", centroids, centroids)
        return np.maximum(terms / (self.scale or 1.0), 0.0)

    def _inertia(self, centroids: F64) -> float:
        # J = sum_j Q_j - 2 c_j.S_j + W_j |c_j|^2, from the sums of the new assignment.
        cross = np.einsum("ij,ij->i", centroids, self.sums)
        norms = np.einsum("ij,ij->i", centroids, centroids)
        total = float(np.sum(self.sqsum - 2.0 * cross + self.wsum * norms))
        if self.scale is not None:
            total /= self.scale
        return max(total, 0.0)

    def _reseed_empty(self, centroids: F64) -> int:
        """Give every empty cluster the colour farthest from its centroid; return pixels moved."""
        unused = self.wsum <= 0
        if self.fixed is not None:
            unused &= ~self.fixed  # a locked colour stays, even with no pixel of its own
        empty = np.flatnonzero(unused)
        if empty.size == 0:
            return 0
        labels = self.labels
        assert labels is not None
        k = centroids.shape[0]
        positive = self.w > 0
        x = self.points.rows()
        dist = sqdist_to_assigned(x, centroids, labels)
        dist[~positive] = -np.inf
        if self.fixed is not None:
            for lock in np.flatnonzero(self.fixed):
                # A colour equal to a locked one would make a second copy of that colour.
                dist[((x - centroids[lock]) ** 2).sum(axis=1) == 0] = -np.inf
        members = np.bincount(labels[positive], minlength=k)
        moved = 0
        for cluster in empty:
            # Never empty another cluster: only take from clusters with two or more colours.
            candidates = np.where(members[labels] >= 2, dist, -np.inf)
            row = int(np.argmax(candidates))
            if not np.isfinite(candidates[row]):
                break  # no colour to spare: the cluster stays where it was, empty
            old = labels[row]
            members[old] -= 1
            members[cluster] += 1
            dist[row] = -np.inf
            rows = np.array([row], dtype=np.intp)
            if self.scale is not None:
                self._move(rows, labels[rows], np.array([cluster], np.uint8), k)
            labels[row] = cluster
            # Its bounds no longer describe it: force a full check next time.
            self.lower[:, row] = -np.inf
            moved += int(self.counts[row])
        if self.scale is None:
            self._full_stats(k)
        return moved

    def _shift_bounds(self, old: F64, new: F64) -> None:
        """Keep the bounds valid for the new centroids (triangle inequality), lazily."""
        shift = np.sqrt(((new - old) ** 2).sum(axis=1))
        self.drift += shift
        self.group_drift += np.array(
            [shift[self.group_of == g].max() for g in range(self.group_drift.shape[0])]
        )
