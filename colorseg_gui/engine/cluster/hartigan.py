"""Hartigan's single-colour moves: each lowers J, and Lloyd's batch step cannot find them.

Moving a colour of weight w from cluster a (weight Wa, mean ca) to b changes J by
    w Wb / (Wb + w) |x - cb|^2  -  w Wa / (Wa - w) |x - ca|^2,
exactly, with both means updated.  At a Lloyd fixed point this can still be negative for a
colour that carries a large share of its cluster (flat areas of an image), because Lloyd
compares plain distances.  For a colour carrying a share e of its cluster the possible gain
is of order e^2, so only colours with at least HEAVY of their cluster's weight are tried:
the heavy colours are few and hold nearly all of the gain.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from colorseg_gui.engine.cluster.assign import exact_sqdist

F64 = npt.NDArray[np.float64]
U8 = npt.NDArray[np.uint8]

HEAVY = 1e-3
# Bounds on the work of one round (large k has many heavy colours: 56 k of them at k = 256 on
# a 4 MP photo, where unbounded rounds took up to 1.6 s): the colours with the largest
# shares are tried, distances are computed a block of rows at a time, and the moves are
# made in turn for the most promising ones only.
MAX_CANDIDATES = 16_384
MAX_MOVES = 2_048
_BLOCK = 2_048
# A move is made only when it lowers J by more than this share of the two terms: float64
# rounding of the deltas can then never turn a move into a rise of J.
_MARGIN = 1e-9


def improving_moves(
    x: F64, w: F64, labels: U8, sums: F64, wsum: F64,
    fixed: npt.NDArray[np.bool_] | None = None,
) -> tuple[npt.NDArray[np.intp], U8, F64]:
    """Single-colour moves, each lowering J, made in turn on a copy of the cluster sums.

    `x`, `w`, `labels` are the candidate colours (coordinates, weights, clusters); `sums`
    and `wsum` the clusters' weighted coordinate sums and weights.  Returns the indices of
    the moved candidates, their new clusters and the J change of every move (all < 0), in
    the order made.  No move goes into a `fixed` (locked) cluster; the caller leaves their
    colours out of the candidates.
    """
    k = wsum.shape[0]
    m = x.shape[0]
    empty = (np.zeros(0, np.intp), np.zeros(0, np.uint8), np.zeros(0))
    if m == 0 or k < 2:
        return empty
    # Empty clusters (a locked colour no pixel is near) take no move either.
    closed = wsum <= 0 if fixed is None else (wsum <= 0) | fixed
    if np.count_nonzero(~closed) < 2:
        return empty
    centroids = np.divide(sums, wsum[:, None], out=np.zeros_like(sums), where=~closed[:, None])
    target = np.empty(m, np.intp)
    delta = np.empty(m)
    for start in range(0, m, _BLOCK):
        part = slice(start, min(m, start + _BLOCK))
        target[part], delta[part] = _best_moves(x[part], w[part], labels[part], centroids, wsum,
                                                closed)
    order = np.flatnonzero(delta < 0)
    order = order[np.argsort(delta[order], kind="stable")][:MAX_MOVES]
    if order.size == 0:
        return empty
    # Moves in turn: each one's delta is evaluated against the sums as the earlier moves
    # left them, so each lowers J on its own.
    s = sums.copy()
    ws = wsum.copy()
    current = labels.astype(np.intp)
    moved: list[int] = []
    new: list[int] = []
    gains: list[float] = []
    for i in order.tolist():
        a, b, wi, xi = int(current[i]), int(target[i]), float(w[i]), x[i]
        if ws[a] <= wi:
            continue
        da = xi - s[a] / ws[a]
        db = xi - s[b] / ws[b]
        lose = wi * ws[a] / (ws[a] - wi) * float(da @ da)
        gain = wi * ws[b] / (ws[b] + wi) * float(db @ db)
        if gain - lose >= -_MARGIN * (gain + lose):
            continue
        s[a] -= wi * xi
        ws[a] -= wi
        s[b] += wi * xi
        ws[b] += wi
        current[i] = b
        moved.append(i)
        new.append(b)
        gains.append(gain - lose)
    return np.array(moved, np.intp), np.array(new, np.uint8), np.array(gains, np.float64)


def _best_moves(
    x: F64, w: F64, labels: U8, centroids: F64, wsum: F64,
    closed: npt.NDArray[np.bool_] | None = None,
) -> tuple[npt.NDArray[np.intp], F64]:
    """Each colour's best other cluster and the J change of moving it there alone."""
    m = x.shape[0]
    dist = exact_sqdist(x, centroids)
    own = labels.astype(np.intp)
    w_own = wsum[own]
    rows = np.arange(m)
    with np.errstate(divide="ignore", invalid="ignore"):
        removal = np.where(w_own > w, w * w_own / (w_own - w) * dist[rows, own], -np.inf)
        adding = w[:, None] * wsum[None, :] / (wsum[None, :] + w[:, None]) * dist
    adding[rows, own] = np.inf
    if closed is not None:
        adding[:, closed] = np.inf
    target = adding.argmin(axis=1)
    best = adding[rows, target]
    delta = best - removal
    # Only clear gains: float64 rounding of the two terms must not make a move look good.
    delta[delta >= -_MARGIN * (best + removal)] = np.inf
    return target, delta


def heavy_colours(w: F64, labels: U8, wsum: F64) -> npt.NDArray[np.intp]:
    """Colours carrying at least HEAVY of their cluster's weight (the largest shares first
    when there are more than MAX_CANDIDATES of them), in index order."""
    floor = HEAVY * float(wsum[wsum > 0].min(initial=np.inf))
    rough = np.flatnonzero(w >= floor)
    share = w[rough] / wsum[labels[rough]]
    heavy = rough[share >= HEAVY]
    if heavy.size > MAX_CANDIDATES:
        share = share[share >= HEAVY]
        keep = np.argsort(-share, kind="stable")[:MAX_CANDIDATES]
        heavy = np.sort(heavy[keep])
    return heavy
