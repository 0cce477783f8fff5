"""Working in the colours a user owns: map a result to them, or pick the best N of them.

Distances are CIEDE2000 or Euclidean OKLab between the image's distinct colours and the
owned ones; an image's error is the pixel-weighted mean of the distance from every pixel to
the owned colour it is painted with.

- map: every cluster takes its nearest owned colour, then every pixel the nearest of the
  colours so chosen (never a worse match than one it could have had).
- best N: exactly N owned colours that minimise the error, by k-medoids restricted to the
  palette (started from the map of a k-means result, swaps until none improves).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from colorseg_gui.engine.cluster.histogram import ColorHistogram
from colorseg_gui.engine.colorspace import srgb_to_lab
from colorseg_gui.engine.make.color_difference import delta_e_2000
from colorseg_gui.engine.oklab import srgb_to_oklab

Metric = Literal["de2000", "oklab"]
METRICS: tuple[Metric, ...] = ("de2000", "oklab")
_ROWS = 1 << 16  # distinct colours per block of the distance table
_MAX_SWAP_ROUNDS = 200


def distances(colors: npt.ArrayLike, owned: npt.ArrayLike, metric: Metric
              ) -> npt.NDArray[np.float32]:
    """len(colors) x len(owned) distances (CIEDE2000, or OKLab scaled to about its range)."""
    rgb = np.asarray(colors, dtype=np.uint8).reshape(-1, 3)
    ref = np.asarray(owned, dtype=np.uint8).reshape(-1, 3)
    out = np.empty((len(rgb), len(ref)), dtype=np.float32)
    if metric == "oklab":
        ref_lab = srgb_to_oklab(ref) * 100.0  # OKLab L is 0..1: the same units as CIEDE2000
    elif metric == "de2000":
        ref_lab = srgb_to_lab(ref)
    else:
        raise ValueError(f"unknown colour distance {metric!r}; use one of {METRICS}")
    for start in range(0, len(rgb), _ROWS):
        part = rgb[start:start + _ROWS]
        if metric == "oklab":
            lab = srgb_to_oklab(part) * 100.0
            out[start:start + _ROWS] = np.sqrt(
                ((lab[:, None, :] - ref_lab[None, :, :]) ** 2).sum(axis=2))
        else:
            out[start:start + _ROWS] = delta_e_2000(srgb_to_lab(part)[:, None, :],
                                                    ref_lab[None, :, :])
    return out


@dataclass(frozen=True, eq=False)
class PaletteFit:
    """Which owned colours paint the image, and how well."""

    chosen: npt.NDArray[np.intp]  # n indices into the owned palette
    entry_labels: npt.NDArray[np.uint8]  # per histogram entry: index into ``chosen``
    shares: npt.NDArray[np.float64]  # n, share of the pixel weight each chosen colour paints
    error: float  # weighted mean distance of a pixel to its colour
    metric: Metric

    def palette(self, owned_colors: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
        return np.asarray(owned_colors, dtype=np.uint8)[self.chosen]


def _fit(hist: ColorHistogram, owned: npt.NDArray[np.uint8], chosen: npt.NDArray[np.intp],
         metric: Metric) -> PaletteFit:
    """Every distinct colour to the nearest chosen colour; shares and the error."""
    chosen = np.asarray(chosen, dtype=np.intp)
    d = distances(hist.colors, owned[chosen], metric)
    labels = np.argmin(d, axis=1)
    nearest = d[np.arange(len(labels)), labels]
    total = hist.weights.sum()
    shares = np.bincount(labels, weights=hist.weights, minlength=len(chosen)).astype(np.float64)
    error = float((hist.weights * nearest).sum() / total) if total > 0 else 0.0
    return PaletteFit(chosen, labels.astype(np.uint8), shares / total if total > 0 else shares,
                      error, metric)


def map_to_palette(hist: ColorHistogram, cluster_colors: npt.ArrayLike,
                   owned: npt.ArrayLike, metric: Metric = "de2000") -> PaletteFit:
    """Each cluster colour to its nearest owned colour; pixels to the nearest of those."""
    owned_rgb = np.asarray(owned, dtype=np.uint8).reshape(-1, 3)
    nearest = np.argmin(distances(cluster_colors, owned_rgb, metric), axis=1)
    chosen = np.unique(nearest)
    return _fit(hist, owned_rgb, chosen, metric)


def _coarse(hist: ColorHistogram, bits: int = 5) -> tuple[npt.NDArray[np.uint8],
                                                           npt.NDArray[np.float64]]:
    """The histogram pooled into cells of 2^(8-bits) levels per channel: colours, weights.

    The swap search runs on these (at most 32 768 cells); the result is then fitted on every
    distinct colour.
    """
    shift = 8 - bits
    cells = ((hist.colors[:, 0].astype(np.int64) >> shift) << (2 * bits)
             | (hist.colors[:, 1].astype(np.int64) >> shift) << bits
             | hist.colors[:, 2].astype(np.int64) >> shift)
    ids, inverse = np.unique(cells, return_inverse=True)
    w = np.bincount(inverse, weights=hist.weights, minlength=len(ids)).astype(np.float64)
    sums = np.stack([np.bincount(inverse, weights=hist.weights * hist.colors[:, c],
                                 minlength=len(ids)) for c in range(3)], axis=1)
    means = np.divide(sums, w[:, None], out=np.zeros_like(sums), where=w[:, None] > 0)
    keep = w > 0
    return np.clip(np.rint(means[keep]), 0, 255).astype(np.uint8), w[keep]


def _swap_until_stable(d: npt.NDArray[np.float32], w: npt.NDArray[np.float64],
                       chosen: npt.NDArray[np.intp]) -> npt.NDArray[np.intp]:
    """PAM swaps (each pass evaluates every candidate against every chosen colour at once,
    from each point's nearest and second-nearest chosen colour) until no swap improves."""
    chosen = chosen.copy()
    n_owned = d.shape[1]
    weights = w.astype(np.float64)
    for _ in range(_MAX_SWAP_ROUNDS):
        current = d[:, chosen]
        order = np.argsort(current, axis=1)
        nearest = order[:, 0]
        d1 = current[np.arange(len(current)), nearest]
        d2 = (current[np.arange(len(current)), order[:, 1]] if len(chosen) > 1
              else np.full(len(current), np.inf, dtype=np.float32))
        best_gain, best_move = 0.0, None
        outside = np.setdiff1d(np.arange(n_owned), chosen)
        for candidate in outside:
            dc = d[:, candidate]
            keep_rest = np.minimum(dc, d1) - d1  # points that keep their nearest medoid
            lose_own = np.minimum(dc, d2) - d1  # points whose medoid is the one swapped out
            total = float((weights * keep_rest).sum())
            per_medoid = np.bincount(nearest, weights=weights * (lose_own - keep_rest),
                                     minlength=len(chosen))
            change = total + per_medoid
            slot = int(np.argmin(change))
            if change[slot] < best_gain - 1e-9 * weights.sum():
                best_gain, best_move = float(change[slot]), (slot, int(candidate))
        if best_move is None:
            break
        chosen[best_move[0]] = best_move[1]
    return np.sort(chosen)


def best_from_palette(hist: ColorHistogram, owned: npt.ArrayLike, n: int,
                      metric: Metric = "de2000",
                      start_colors: npt.ArrayLike | None = None) -> PaletteFit:
    """Exactly ``n`` owned colours (fewer only when fewer are owned) minimising the error.

    ``start_colors`` (a k-means palette) seeds the search by its map to the owned colours;
    missing places are filled greedily by the colour that lowers the error most.
    """
    owned_rgb = np.asarray(owned, dtype=np.uint8).reshape(-1, 3)
    if n < 1:
        raise ValueError("pick at least one colour")
    n = min(n, len(owned_rgb))
    colours, w = _coarse(hist)
    d = distances(colours, owned_rgb, metric)
    chosen: list[int] = []
    if start_colors is not None:
        mapped = np.argmin(distances(start_colors, owned_rgb, metric), axis=1)
        chosen = list(dict.fromkeys(int(i) for i in mapped))[:n]
    best = d[:, chosen].min(axis=1) if chosen else np.full(len(colours), np.inf, np.float32)
    while len(chosen) < n:
        if chosen:  # the change of the error with each candidate added
            gains = (w[:, None] * (np.minimum(d, best[:, None]) - best[:, None])).sum(axis=0)
        else:
            gains = (w[:, None] * d).sum(axis=0)
        gains[chosen] = np.inf
        pick = int(np.argmin(gains))
        chosen.append(pick)
        best = np.minimum(best, d[:, pick])
    final = _swap_until_stable(d, w, np.array(chosen, dtype=np.intp))
    return _fit(hist, owned_rgb, final, metric)


def fold_near_duplicates(palette: npt.ArrayLike, weights: npt.ArrayLike,
                         max_delta_e: float = 0.0, min_share: float = 0.0
                         ) -> npt.NDArray[np.intp]:
    """Where each cluster goes when near-duplicates and tiny clusters fold into a neighbour.

    Clusters closer than ``max_delta_e`` (CIEDE2000) merge, the smaller into the larger, and a
    cluster under ``min_share`` of the weight joins its nearest colour; returns for every
    cluster the cluster it ends up in (itself when it stays).
    """
    colours = np.asarray(palette, dtype=np.uint8).reshape(-1, 3)
    share = np.asarray(weights, dtype=np.float64)
    share = share / share.sum() if share.sum() > 0 else share
    lab = srgb_to_lab(colours)
    d = delta_e_2000(lab[:, None, :], lab[None, :, :])
    np.fill_diagonal(d, np.inf)
    into = np.arange(len(colours))
    alive = np.ones(len(colours), dtype=bool)
    while alive.sum() > 1:
        live = np.flatnonzero(alive)
        sub = d[np.ix_(live, live)]
        i, j = np.unravel_index(np.argmin(sub), sub.shape)
        small = live[np.argmin(np.where(alive[live], share[live], np.inf))]
        if sub[i, j] < max_delta_e:
            a, b = live[i], live[j]
            loser, keeper = (a, b) if share[a] < share[b] else (b, a)
        elif share[small] < min_share:
            loser = small
            keeper = live[np.argmin(np.where(live == small, np.inf, d[small, live]))]
        else:
            break
        into[into == loser] = keeper
        share[keeper] += share[loser]
        alive[loser] = False
    return into


@dataclass(frozen=True, eq=False)
class Recoloured:
    """A clustering re-expressed in other colours: owned ones, or folded clusters."""

    palette: npt.NDArray[np.uint8]  # n x 3
    entry_labels: npt.NDArray[np.uint8]  # per histogram entry, into ``palette``
    names: list[str] | None  # the owned colours' names, when they are owned colours


def in_owned_colours(hist: ColorHistogram, cluster_colors: npt.ArrayLike,
                     owned_colors: npt.ArrayLike, names: list[str], mode: str,
                     metric: Metric = "de2000") -> tuple[Recoloured, PaletteFit]:
    """``mode`` "map": each cluster to its nearest owned colour; "pick": the best
    len(cluster_colors) owned colours. Pixels go to the nearest of the chosen colours."""
    owned_rgb = np.asarray(owned_colors, dtype=np.uint8).reshape(-1, 3)
    start = np.asarray(cluster_colors, dtype=np.uint8).reshape(-1, 3)
    if mode == "map":
        fit = map_to_palette(hist, start, owned_rgb, metric)
    elif mode == "pick":
        fit = best_from_palette(hist, owned_rgb, len(start), metric, start_colors=start)
    else:
        raise ValueError(f"unknown mode {mode!r}; use map or pick")
    chosen_names = [names[int(i)] for i in fit.chosen]
    return Recoloured(owned_rgb[fit.chosen], fit.entry_labels, chosen_names), fit


def folded(hist: ColorHistogram, palette: npt.ArrayLike, entry_labels: npt.ArrayLike,
           weights: npt.ArrayLike, max_delta_e: float = 0.0, min_share: float = 0.0
           ) -> Recoloured:
    """The clustering with near-duplicate and tiny clusters folded into their neighbours;
    a merged cluster's colour is the mean of the colours it now holds (weighted)."""
    into = fold_near_duplicates(palette, weights, max_delta_e, min_share)
    kept, renumber = np.unique(into, return_inverse=True)
    labels = renumber[np.asarray(entry_labels, dtype=np.intp)]
    w = np.bincount(labels, weights=hist.weights, minlength=len(kept))
    sums = np.stack([np.bincount(labels, weights=hist.weights * hist.colors[:, c],
                                 minlength=len(kept)) for c in range(3)], axis=1)
    colours = np.asarray(palette, dtype=np.uint8).reshape(-1, 3)[kept].astype(np.float64)
    means = np.divide(sums, w[:, None], out=colours, where=w[:, None] > 0)
    rgb = np.clip(np.rint(means), 0, 255).astype(np.uint8)
    return Recoloured(rgb, labels.astype(np.uint8), None)
