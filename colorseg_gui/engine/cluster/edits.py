"""Edits of a run's centroids between steps: merge, split, set, add, remove, lock.

Every edit returns a new Edited (nothing is changed in place), so the window's history can
keep each one as a step and Undo can go back to it.  A run resumes from an Edited with
pipeline.resume: fresh bounds, and the same exact Lloyd as a fresh run from its centroids.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from colorseg_gui.engine.cluster.histogram import ColorHistogram
from colorseg_gui.engine.colorspace import palette_from_centroids, to_space
from colorseg_gui.engine.options import Space
from colorseg_gui.engine.steps import KMeansStep

F64 = npt.NDArray[np.float64]
U8 = npt.NDArray[np.uint8]


class EditError(ValueError):
    """An edit that cannot be made (two locked colours merged, one colour split...)."""


@dataclass(frozen=True, eq=False)
class Edited:
    """Centroids a run resumes from, with their colours, locks and identities.

    `labels` and `weights` are the assignment the edits leave behind: exact after merges
    and splits (members move with their cluster), a hint after set and add (the next Lloyd
    step reassigns every colour anyway).  They choose the cluster the next edit works on.
    """

    hist: ColorHistogram
    space: Space
    centroids: F64  # k x 3 in the clustering space; the run starts from exactly these
    palette: U8  # k x 3 sRGB; locked rows are the user's colours, bit for bit
    locked: npt.NDArray[np.bool_]  # k
    ids: tuple[int, ...]
    next_id: int  # the id the next new cluster gets (ids are never reused)
    labels: U8  # cluster of every histogram entry
    weights: F64  # k, pixel weight of `labels`
    sse: F64 | None = None  # k, squared errors of `labels` about `centroids`, when known

    @classmethod
    def from_step(cls, hist: ColorHistogram, step: KMeansStep,
                  next_id: int | None = None) -> Edited:
        """The state after `step` (a step of a run on `hist`), ready to be edited."""
        k = step.centroids.shape[0]
        locked = np.zeros(k, bool)
        locked[list(step.locked)] = True
        ids = tuple(step.ids)
        return cls(hist, step.space, step.centroids.copy(), step.palette.copy(), locked, ids,
                   max(ids, default=-1) + 1 if next_id is None else int(next_id),
                   step.labels, np.asarray(step.weights, np.float64).copy(),
                   None if step.sse is None else step.sse.copy())

    @property
    def k(self) -> int:
        return int(self.centroids.shape[0])

    @property
    def locked_rows(self) -> tuple[int, ...]:
        return tuple(int(i) for i in np.flatnonzero(self.locked))

    # -- the edits ---------------------------------------------------------------------------
    def merge(self, i: int, j: int) -> Edited:
        """One cluster from i and j, at their weighted mean (at the locked colour if one is
        locked); it keeps the row and id of the heavier one."""
        i, j = self._row(i), self._row(j)
        if i == j:
            raise EditError("a cluster cannot be merged with itself")
        if self.locked[i] and self.locked[j]:
            raise EditError("two locked colours cannot be merged; unlock one first")
        keep, drop = (i, j) if self.weights[i] >= self.weights[j] else (j, i)
        if self.locked[drop]:
            keep, drop = drop, keep
        centroids, palette = self.centroids.copy(), self.palette.copy()
        total = self.weights[i] + self.weights[j]
        if not self.locked[keep] and total > 0:
            centroids[keep] = (self.weights[i] * centroids[i] + self.weights[j] *
                               centroids[j]) / total
            palette[keep] = palette_from_centroids(centroids[keep:keep + 1], self.space)[0]
        labels = self.labels.copy()
        labels[labels == drop] = keep
        weights = self.weights.copy()
        weights[keep] = total
        sse = None
        if self.sse is not None:
            # Squared errors about a point: about the mean plus weight x distance squared.
            sse = self.sse.copy()
            for row in (i, j):
                gap = self.centroids[row] - centroids[keep]
                sse[keep if row == keep else row] = self.sse[row] + self.weights[row] * (
                    gap @ gap)
            sse[keep] += sse[drop]
        return self._without(drop, replace(self, centroids=centroids, palette=palette,
                                           labels=labels, weights=weights, sse=sse))

    def split(self, i: int | None = None) -> Edited:
        """Cluster i (default: the free cluster with the largest error) in two, across its
        principal axis at its mean; the heavier half keeps the row and the id."""
        if i is None:
            i = self.worst()
        i = self._row(i)
        if self.k >= 256:
            raise EditError("at most 256 clusters")
        if self.locked[i]:
            raise EditError("a locked colour cannot be split; unlock it first")
        members = np.flatnonzero((self.labels == i) & (self.hist.weights > 0))
        x = to_space(self.hist.colors[members], self.space)
        w = self.hist.weights[members].astype(np.float64)
        if members.size < 2 or not w.sum() > 0:
            raise EditError("this cluster holds a single colour: there is nothing to split")
        mean = w @ x / w.sum()
        axis = np.linalg.eigh(np.cov(x.T, aweights=w))[1][:, -1]
        upper = (x - mean) @ axis > 0
        if upper.all() or not upper.any():
            raise EditError("this cluster cannot be split along its colours")
        halves = [(~upper, w[~upper]), (upper, w[upper])]
        means = [wh @ x[side] / wh.sum() for side, wh in halves]
        heavy = 0 if halves[0][1].sum() >= halves[1][1].sum() else 1
        centroids = np.vstack([self.centroids, means[1 - heavy][None]])
        centroids[i] = means[heavy]
        new_rows = np.array([i, self.k])
        palette = np.vstack([self.palette, self.palette[i:i + 1]])
        palette[new_rows] = palette_from_centroids(centroids[new_rows], self.space)
        labels = self.labels.copy()
        labels[members[halves[1 - heavy][0]]] = self.k
        weights = np.append(self.weights, halves[1 - heavy][1].sum())
        weights[i] = halves[heavy][1].sum()
        sse = None
        if self.sse is not None:
            parts = [float(wh @ ((x[side] - m) ** 2).sum(axis=1))
                     for (side, wh), m in zip(halves, means, strict=True)]
            sse = np.append(self.sse, parts[1 - heavy])
            sse[i] = parts[heavy]
        return replace(self, centroids=centroids, palette=palette,
                       locked=np.append(self.locked, False), ids=(*self.ids, self.next_id),
                       next_id=self.next_id + 1, labels=labels, weights=weights, sse=sse)

    def set(self, i: int, colour: npt.ArrayLike) -> Edited:
        """Cluster i moved to an sRGB colour (0-255); it keeps its id and its lock."""
        i = self._row(i)
        rgb = _colour(colour)
        centroids, palette = self.centroids.copy(), self.palette.copy()
        centroids[i] = to_space(rgb[None].astype(np.float64), self.space)[0]
        palette[i] = rgb
        return replace(self, centroids=centroids, palette=palette, sse=None)

    def add(self, colour: npt.ArrayLike, locked: bool = False) -> Edited:
        """A new cluster at an sRGB colour (a pixel picked with the eyedropper), with a new id."""
        if self.k >= 256:
            raise EditError("at most 256 clusters")
        rgb = _colour(colour)
        centroid = to_space(rgb[None].astype(np.float64), self.space)
        return replace(self, centroids=np.vstack([self.centroids, centroid]),
                       palette=np.vstack([self.palette, rgb[None]]),
                       locked=np.append(self.locked, bool(locked)),
                       ids=(*self.ids, self.next_id), next_id=self.next_id + 1,
                       weights=np.append(self.weights, 0.0), sse=None)

    def remove(self, i: int) -> Edited:
        """Cluster i deleted; its colours go to the nearest remaining centroid."""
        i = self._row(i)
        if self.k < 2:
            raise EditError("the last cluster cannot be removed")
        keep = np.delete(np.arange(self.k), i)
        members = np.flatnonzero(self.labels == i)
        labels = self.labels.copy()
        weights = self.weights.copy()
        if members.size:
            x = to_space(self.hist.colors[members], self.space)
            d = ((x[:, None, :] - self.centroids[keep][None]) ** 2).sum(axis=2)
            nearest = keep[d.argmin(axis=1)]
            labels[members] = nearest
            weights += np.bincount(nearest, self.hist.weights[members], minlength=self.k)
        return self._without(i, replace(self, labels=labels, weights=weights, sse=None))

    def lock(self, i: int, locked: bool = True) -> Edited:
        """Lock cluster i at the colour it shows (snapped to its sRGB palette colour, so the
        lock is exact in every output), or unlock it."""
        i = self._row(i)
        flags = self.locked.copy()
        flags[i] = bool(locked)
        edited = replace(self, locked=flags)
        return edited.set(i, self.palette[i]) if locked else edited

    # -- what the edits choose from -------------------------------------------------------------
    def errors(self) -> F64:
        """Squared error of every cluster (in the clustering space) against its centroid."""
        if self.sse is not None:
            return self.sse.copy()
        x = to_space(self.hist.colors, self.space)
        d = ((x - self.centroids[self.labels]) ** 2).sum(axis=1)
        return np.bincount(self.labels, d * self.hist.weights, minlength=self.k).astype(np.float64)

    def worst(self) -> int:
        """The free cluster of more than one colour with the largest error."""
        errors = self.errors()
        colours = np.bincount(self.labels[self.hist.weights > 0], minlength=self.k)
        errors[self.locked | (colours < 2)] = -np.inf
        if not np.isfinite(errors.max(initial=-np.inf)):
            raise EditError("no cluster can be split")
        return int(np.argmax(errors))

    def closest_pair(self) -> tuple[int, int]:
        """The two clusters whose merge raises J least (Ward's cost; onto the locked colour
        when one is locked; two locked ones never merge)."""
        if self.k < 2:
            raise EditError("a single cluster cannot be merged")
        c, w = self.centroids, self.weights
        gap = ((c[:, None, :] - c[None, :, :]) ** 2).sum(axis=2)
        with np.errstate(divide="ignore", invalid="ignore"):
            cost = np.where(w[:, None] + w[None, :] > 0,
                            w[:, None] * w[None, :] / (w[:, None] + w[None, :]) * gap, 0.0)
        # Onto a locked colour the free cluster's whole weight moves: W_free * gap.
        lock_i = self.locked[:, None] & ~self.locked[None, :]
        cost = np.where(lock_i, w[None, :] * gap, cost)
        cost = np.where(lock_i.T, w[:, None] * gap, cost)
        cost[self.locked[:, None] & self.locked[None, :]] = np.inf
        cost[np.tril_indices(self.k)] = np.inf
        flat = int(np.argmin(cost))
        if not np.isfinite(cost.flat[flat]):
            raise EditError("only locked colours are left to merge")
        i, j = np.unravel_index(flat, cost.shape)
        return int(i), int(j)

    # -- helpers -------------------------------------------------------------------------------
    def _row(self, i: int) -> int:
        if not 0 <= int(i) < self.k:
            raise EditError(f"no cluster {i} (there are {self.k})")
        return int(i)

    @staticmethod
    def _without(row: int, edited: Edited) -> Edited:
        """`edited` with one row deleted and the labels above it renumbered."""
        labels = edited.labels.copy()
        labels[labels > row] -= 1
        sse = None if edited.sse is None else np.delete(edited.sse, row)
        return replace(edited, sse=sse, centroids=np.delete(edited.centroids, row, axis=0),
                       palette=np.delete(edited.palette, row, axis=0),
                       locked=np.delete(edited.locked, row),
                       ids=edited.ids[:row] + edited.ids[row + 1:], labels=labels,
                       weights=np.delete(edited.weights, row))


def _colour(colour: npt.ArrayLike) -> U8:
    rgb = np.asarray(colour, dtype=np.float64).reshape(-1)
    if rgb.shape != (3,) or not ((rgb >= 0) & (rgb <= 255)).all():
        raise EditError(f"a colour is three sRGB values from 0 to 255, got {colour!r}")
    return np.rint(rgb).astype(np.uint8)
