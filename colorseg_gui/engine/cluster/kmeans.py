"""Exact k-means on a colour histogram, as a generator of immutable Lloyd steps."""

from __future__ import annotations

import time
from collections.abc import Callable, Generator, Iterator, Sequence

import numpy as np
import numpy.typing as npt

from colorseg_gui.engine.cluster.assign import F64, Points, nearest_two
from colorseg_gui.engine.cluster.histogram import ColorHistogram
from colorseg_gui.engine.cluster.init import (
    COARSE_BITS,
    InitSpec,
    coarse_cells,
    complete_centroids,
    explicit_centroids,
    iter_init,
)
from colorseg_gui.engine.cluster.lloyd import Iteration, LloydState
from colorseg_gui.engine.cluster.locks import fixed_mask, locked_colours
from colorseg_gui.engine.cluster.parallel import map_ranges
from colorseg_gui.engine.colorspace import palette_from_centroids, to_space
from colorseg_gui.engine.options import SPACES, Space, clamp_k
from colorseg_gui.engine.steps import KMeansStep, StepKind, StopReason

StopCheck = Callable[[], bool] | None
# A first exact step over this many colours takes about a second: before it, the coarse
# warm start is shown as StepKind.PREVIEW steps, at most one every PREVIEW_INTERVAL
# seconds.  They are approximations, never exact Lloyd steps.
PREVIEW_MIN_COLORS = 1_000_000
PREVIEW_INTERVAL = 0.25
# With previews=True (the window) the start search on photos is previewed the same way,
# often enough for a frame every tenth of a second.
SEARCH_PREVIEW_INTERVAL = 0.08


def _check_options(space: str, max_iter: int, tol: float) -> None:
    if space not in SPACES:
        raise ValueError(f"unknown colour space {space!r} (expected one of {', '.join(SPACES)})")
    if int(max_iter) < 1:
        raise ValueError(f"max_iter must be at least 1, got {max_iter}")
    if not tol >= 0:
        raise ValueError(f"tol must be >= 0, got {tol}")


def _clustering_weights(hist: ColorHistogram) -> npt.NDArray[np.float64]:
    weights = np.asarray(hist.weights, dtype=np.float64)
    if hist.n_colors and not (weights > 0).any():
        # A fully transparent image: cluster its hidden colours by pixel count instead.
        return hist.counts.astype(np.float64)
    return weights


# Rounds of Hartigan moves (each followed by Lloyd steps until the stopping rule holds).
MAX_POLISH_ROUNDS = 3


def iter_kmeans(
    hist: ColorHistogram,
    k: int,
    *,
    space: Space = "rgb",
    seed: int | None = 0,
    init: InitSpec = "k-means++",
    max_iter: int = 300,
    tol: float = 1e-4,
    should_stop: StopCheck = None,
    refine: bool | None = None,
    previews: bool = False,
    locked: Sequence[int] = (),
    locked_palette: npt.ArrayLike | None = None,
    ids: Sequence[int] | None = None,
    warm: bool = False,
) -> Iterator[KMeansStep]:
    """Lloyd's algorithm on the weighted distinct colours: one KMeansStep per iteration.

    Every Lloyd step's labels, centroids and J equal those of Lloyd on every pixel from the
    same centroids (colours of equal value always share a cluster).  Stops when no pixel
    changes cluster ("converged"), when J drops by less than tol relative ("tol"; tol=0
    disables), or at max_iter.  When should_stop() returns True the generator ends without
    a final step.

    refine (default: on for a named init, off for explicit centroids, which then replay
    plain Lloyd) searches a better k-means++ start on a weighted sample (engine/search.py)
    and, when Lloyd stops, makes Hartigan moves of heavy colours (engine/hartigan.py,
    yielded as StepKind.HARTIGAN steps, each lowering J) and resumes Lloyd; the last step is
    always a Lloyd step that met the stopping rule (or max_iter).

    Over a million colours, and with previews=True also during the start search, the
    start is shown as StepKind.PREVIEW steps (iteration 0) before the exact steps: colours
    labelled through coarse cells of the colour cube, an approximation for the eye only.

    An init array may have fewer than k rows: the others are drawn by k-means++ around
    them.  `locked` rows of it never move (their clusters are never reseeded, no reseed
    copies their colour, Hartigan moves leave them alone); `locked_palette` gives their sRGB
    colours for the palette, so that a round trip through Lab or OKLab cannot change them.
    `ids` name the clusters (default 0..k-1) and travel on every step.  warm=True first
    yields a StepKind.WARM step: the given centroids with the exact assignment to them (the
    state a resumed run starts from), then the same steps as without it.
    """
    start = time.perf_counter()
    _check_options(space, max_iter, tol)
    k = clamp_k(k)
    partial = False
    if not isinstance(init, str):
        partial = explicit_centroids(init, k, partial=True).shape[0] < k
    fixed = fixed_mask(locked, k, init)
    ids = tuple(range(k)) if ids is None else tuple(int(i) for i in ids)
    if len(ids) != k or len(set(ids)) != k:
        raise ValueError(f"ids must be {k} different numbers, got {list(ids)}")
    if refine is None:
        refine = isinstance(init, str)
    if hist.n_colors == 0:
        raise ValueError("the image has no pixels")
    weights = _clustering_weights(hist)
    # Counted before any index array is built: opaque images have no zero weight, and 8
    # bytes per colour of fresh memory is slow to touch on millions of colours.
    n_positive = sum(
        map_ranges(lambda a, b: int(np.count_nonzero(weights[a:b] > 0)), weights.shape[0], 1 << 18)
    )
    if k >= n_positive and fixed is None:
        positive = np.flatnonzero(weights > 0)
        yield _exact_step(hist, to_space(hist.colors, space), weights, positive, space, start)
        return

    points = _points(hist.colors, space)
    if n_positive == hist.n_colors:
        pos_points, pos_weights, pos_colors = points, weights, hist.colors
    else:
        positive = np.flatnonzero(weights > 0)
        pos_colors = hist.colors[positive]
        pos_points, pos_weights = _points(pos_colors, space), weights[positive]
    rng = np.random.default_rng(seed)
    centroids: F64 | None
    if partial:
        given = explicit_centroids(init, k, partial=True)
        centroids = complete_centroids(pos_points, pos_weights, given, k, rng)
    else:
        begin = iter_init(pos_points, pos_weights, k, init, rng, should_stop, pos_colors,
                          refine)
        if hist.n_colors >= PREVIEW_MIN_COLORS and isinstance(init, str):
            # (Starting centroids have nothing to preview: the cell tables would be wasted.)
            centroids = yield from _previews(begin, hist, weights, space, k, start)
        elif previews and refine:
            centroids = yield from _previews(
                begin, hist, weights, space, k, start, SEARCH_PREVIEW_INTERVAL
            )
        else:
            centroids = _finish(begin)
    if centroids is None:
        return
    init_time = time.perf_counter() - start
    shown_locked = locked_colours(fixed, locked_palette, centroids, space)
    locked_rows = tuple(int(i) for i in np.flatnonzero(fixed)) if fixed is not None else ()
    state = LloydState(points, weights, hist.counts, fixed)
    previous_j = np.inf
    rounds = MAX_POLISH_ROUNDS if refine else 0
    iteration = 0

    def make(
        result: Iteration,
        tick: float,
        reason: StopReason | None,
        kind: StepKind = StepKind.LLOYD,
        now: float = 0.0,
    ) -> KMeansStep:
        now = now or time.perf_counter()
        palette = palette_from_centroids(result.centroids, space)
        if fixed is not None and shown_locked is not None:
            palette[fixed] = shown_locked
        return KMeansStep(
            iteration=0 if kind is StepKind.WARM else iteration,
            centroids=result.centroids,
            palette=palette,
            weights=result.weights,
            labels=result.labels,
            inertia=result.inertia,
            changed=result.changed,
            converged=reason in (StopReason.CONVERGED, StopReason.TOL),
            final=reason is not None,
            stop_reason=reason,
            space=space,
            k=k,
            elapsed=now - start,
            timings={"init": init_time, "step": now - tick, "reseeded": float(result.reseeded)},
            kind=kind,
            ids=ids,
            locked=locked_rows,
            sse=None if kind is StepKind.WARM else result.sse,
        )

    while iteration < int(max_iter):
        if should_stop is not None and should_stop():
            return
        iteration += 1
        tick = time.perf_counter()
        result = state.step(centroids)
        if warm and iteration == 1:
            # The edited centroids themselves with their exact labels: what the window paints
            # at once, before the first mean update moves the free centroids.
            start_state = Iteration(result.labels, centroids, result.weights, result.inertia,
                                    result.changed, result.reseeded)
            yield make(start_state, tick, None, kind=StepKind.WARM)
        reason = StopReason.CONVERGED if result.changed == 0 else None
        drop = previous_j - result.inertia  # inf on a first step, which never stops on tol
        if not reason and tol > 0 and iteration > 1 and drop <= tol * previous_j:
            reason = StopReason.TOL
        polish = None
        stepped = time.perf_counter()
        if reason and rounds and iteration + 1 < int(max_iter):
            rounds -= 1
            polish = state.hartigan(result.centroids)
        if not reason and iteration == max_iter:
            reason = StopReason.MAX_ITER
        if polish is None:
            yield make(result, tick, reason)
            if reason:
                return
            centroids, previous_j = result.centroids, result.inertia
            continue
        yield make(result, tick, None, now=stepped)
        if should_stop is not None and should_stop():
            return
        iteration += 1
        # The moves' J is at the new means; the next Lloyd step measures its drop from it.
        yield make(polish, stepped, None, kind=StepKind.HARTIGAN)
        centroids, previous_j = polish.centroids, polish.inertia


def _finish(warm: Generator[Iteration, None, F64 | None]) -> F64 | None:
    """Run the init to its end and return its centroids."""
    while True:
        try:
            next(warm)
        except StopIteration as done:
            return done.value


def _previews(
    warm: Generator[Iteration, None, F64 | None],
    hist: ColorHistogram,
    weights: F64,
    space: Space,
    k: int,
    start: float,
    interval: float = PREVIEW_INTERVAL,
) -> Generator[KMeansStep, None, F64 | None]:
    """Run the init, showing its iterations as preview steps on every colour."""
    cells = coarse_cells(hist.colors)
    # Every coarse cell (used or not) gets the cluster of the centroid nearest its centre.
    side = 1 << COARSE_BITS
    cell_rgb = np.stack(np.unravel_index(np.arange(side**3), (side, side, side)), axis=1)
    centres = cell_rgb * (256 / side) + (256 / side - 1) / 2
    grid_points = Points.from_coords(to_space(centres, space))
    shown = -np.inf
    pending: Iteration | None = None  # the newest iteration not shown yet

    def preview(result: Iteration) -> KMeansStep:
        tick = time.perf_counter()
        table, _, _ = nearest_two(grid_points, result.centroids)
        labels, cluster_weights = _cell_labels(table, cells, weights, k)
        now = time.perf_counter()
        return KMeansStep(
            iteration=0,
            centroids=result.centroids,
            palette=palette_from_centroids(result.centroids, space),
            weights=cluster_weights,
            labels=labels,
            inertia=result.inertia,
            changed=int(hist.counts.sum()),
            converged=False,
            space=space,
            k=k,
            elapsed=now - start,
            timings={"step": now - tick},
            kind=StepKind.PREVIEW,
        )

    while True:
        try:
            result = next(warm)
        except StopIteration as done:
            if pending is not None and done.value is not None:
                # The warm start's end (the exact steps start from these centroids), so that
                # the wait until the first exact step is that step's own duration alone.
                yield preview(pending)
            return done.value
        if time.perf_counter() - shown < interval:
            pending = result
            continue
        pending = None
        yield preview(result)
        shown = time.perf_counter()


def _cell_labels(
    table: npt.NDArray[np.uint8], cells: npt.NDArray[np.uint16], weights: F64, k: int
) -> tuple[npt.NDArray[np.uint8], F64]:
    """Every colour's label from its coarse cell's, and the weight of every cluster."""
    labels = np.empty(cells.shape[0], np.uint8)

    def fill(start: int, stop: int) -> F64:
        part = np.take(table, cells[start:stop])
        labels[start:stop] = part
        return np.bincount(part, weights[start:stop], minlength=k).astype(np.float64)

    parts = map_ranges(fill, cells.shape[0], 1 << 18)
    return labels, np.sum(parts, axis=0).astype(np.float64)


def nearest_labels(hist: ColorHistogram, centroids: npt.ArrayLike, space: Space
                   ) -> npt.NDArray[np.uint8]:
    """The nearest of ``centroids`` (clustering space) for every colour of ``hist``: the
    assignment a Lloyd step from them would make."""
    labels, _, _ = nearest_two(_points(hist.colors, space), np.asarray(centroids, np.float64))
    return labels


def _points(colors: npt.NDArray[np.uint8], space: Space) -> Points:
    if space == "rgb":
        return Points.from_colors(colors)
    return Points.from_coords(to_space(colors, space))


def _exact_step(
    hist: ColorHistogram,
    coords: npt.NDArray[np.float64],
    weights: npt.NDArray[np.float64],
    positive: npt.NDArray[np.intp],
    space: Space,
    start: float,
) -> KMeansStep:
    """k >= distinct colours: every colour is its own cluster and J = 0."""
    k = int(positive.shape[0])
    labels = np.zeros(hist.n_colors, dtype=np.uint8)
    labels[positive] = np.arange(k, dtype=np.uint8)
    hidden = np.flatnonzero(weights <= 0)
    if hidden.size:
        # Fully transparent colours still get a cluster for label maps: the nearest one.
        nearest, _, _ = nearest_two(Points.from_coords(coords[hidden]), coords[positive])
        labels[hidden] = nearest
    elapsed = time.perf_counter() - start
    return KMeansStep(
        iteration=1,
        centroids=coords[positive].copy(),
        palette=hist.colors[positive].copy(),
        weights=weights[positive].copy(),
        labels=labels,
        inertia=0.0,
        changed=int(hist.counts.sum()),
        converged=True,
        final=True,
        stop_reason=StopReason.EXACT,
        space=space,
        k=k,
        elapsed=elapsed,
        timings={"init": 0.0, "step": elapsed, "reseeded": 0.0},
    )
