"""The one path from a histogram to a numbered result, for the command and the window."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from colorseg_gui.engine.cluster.edits import Edited, EditError
from colorseg_gui.engine.cluster.histogram import ColorHistogram
from colorseg_gui.engine.cluster.kmeans import iter_kmeans
from colorseg_gui.engine.colorspace import srgb_to_lab, to_space
from colorseg_gui.engine.io.palette_files import palette_order, reorder_clusters
from colorseg_gui.engine.make.color_difference import delta_e_2000
from colorseg_gui.engine.make.make_ready import MadeReady
from colorseg_gui.engine.options import KMeansOptions, clamp_k
from colorseg_gui.engine.render import render_label_map
from colorseg_gui.engine.steps import KMeansStep, StepKind, StopReason

PALETTE_ORDER = "share"  # the window's palette panel order too: largest first
HOLD_DELTA_E = 2.0  # warm_run: the colours kept across a k change move at most this much


def run_kmeans(
    hist: ColorHistogram,
    options: KMeansOptions,
    *,
    should_stop: Callable[[], bool] | None = None,
    previews: bool = False,
) -> Iterator[KMeansStep]:
    """The steps of one run with these options (starting colours are given in sRGB)."""
    colours = options.init_colours()
    init = options.init if colours is None else to_space(colours, options.space)
    return iter_kmeans(hist, options.k, space=options.space, seed=options.seed, init=init,
                       max_iter=options.max_iter, tol=options.tol, should_stop=should_stop,
                       previews=previews, locked=options.locked,
                       locked_palette=options.locked_colours() if options.locked else None)


def resume(
    hist: ColorHistogram,
    edited: Edited,
    options: KMeansOptions,
    *,
    should_stop: Callable[[], bool] | None = None,
    warm: bool = True,
) -> Iterator[KMeansStep]:
    """Lloyd from edited centroids (k, locks and ids from `edited`; space, seed, max_iter
    and tol from `options`): a StepKind.WARM step with the edited centroids and their exact
    labels, then exactly the steps of a fresh run from those centroids."""
    rows = edited.locked_rows
    return iter_kmeans(hist, edited.k, space=edited.space, seed=options.seed,
                       init=edited.centroids, max_iter=options.max_iter, tol=options.tol,
                       should_stop=should_stop, refine=False, locked=rows,
                       locked_palette=edited.palette[list(rows)] if rows else None,
                       ids=edited.ids, warm=warm)


def toward_k(edited: Edited, k: int) -> Edited:
    """Split the worst cluster (k up) or merge the closest pair (k down) until there are k."""
    while edited.k < k:
        edited = edited.split()
    while edited.k > k:
        edited = edited.merge(*edited.closest_pair())
    return edited


def warm_run(
    hist: ColorHistogram,
    previous: KMeansStep,
    k: int,
    options: KMeansOptions,
    *,
    should_stop: Callable[[], bool] | None = None,
    next_id: int | None = None,
    hold: float | None = HOLD_DELTA_E,
) -> Iterator[KMeansStep]:
    """The run for a new k that starts from the previous result: k + 1 splits its worst
    cluster, k - 1 merges its closest pair, bigger jumps repeat; the other clusters keep
    their ids and locks.

    With `hold` (CIEDE2000), the run ends (StopReason.HELD) on the last step before any
    colour the edits left alone would move further than that from where it was: a slider
    that keeps its colours.  Measured on the benchmark photos, free Lloyd moved two or three
    of them by 2.5-6 for a J only 0.1-2 % lower.  hold=None runs to convergence (the
    J-versus-k table does).  When no cluster can be split (or only locked ones are left to
    merge) it falls back to a cold run of `options` at k."""
    k = clamp_k(k)
    try:
        edited = toward_k(Edited.from_step(hist, previous, next_id), k)
    except EditError:
        cold = options.replace(k=k)
        if isinstance(options.init, str) or len(options.init) > k:
            cold = options.replace(k=k, init="k-means++", locked=())
        return run_kmeans(hist, cold, should_stop=should_stop)
    steps = resume(hist, edited, options, should_stop=should_stop)
    return steps if hold is None else _held(steps, previous, edited, hold)


def _held(steps: Iterator[KMeansStep], previous: KMeansStep, edited: Edited,
          hold: float) -> Iterator[KMeansStep]:
    """`steps` until the next one would move an unedited colour beyond `hold`; each Lloyd
    step is passed on once the one after it is known to be within (a step's delay)."""
    rows = {cid: row for row, cid in enumerate(previous.ids)}
    # The clusters the edits left alone: same id, same centroid bit for bit.
    kept = [(rows[cid], j) for j, cid in enumerate(edited.ids)
            if cid in rows and np.array_equal(previous.centroids[rows[cid]],
                                              edited.centroids[j])]
    before = srgb_to_lab(previous.palette[[r for r, _ in kept]])
    pending: KMeansStep | None = None
    for step in steps:
        if step.kind is StepKind.WARM:
            yield step  # the edited palette itself: at once, so the window paints it
            pending = step
            continue
        moved = delta_e_2000(before, srgb_to_lab(step.palette[[j for _, j in kept]]))
        if kept and float(moved.max()) > hold:
            if pending is not None:
                yield dataclasses.replace(pending, final=True, converged=False,
                                          stop_reason=StopReason.HELD)
            return
        if pending is not None and pending.kind is not StepKind.WARM:
            yield pending
        pending = step
        if step.final:
            yield step
            return
    if pending is not None and pending.kind is not StepKind.WARM:
        yield pending  # stopped by should_stop: the newest step still counts


@dataclass(frozen=True, eq=False)
class Numbered:
    """A result with its clusters renumbered in palette-file order (cluster 0 first): mask
    N, index N of an indexed PNG and the Nth colour of a palette file are the same cluster."""

    palette: npt.NDArray[np.uint8]  # k x 3
    weights: npt.NDArray[np.float64]  # k
    counts: npt.NDArray[np.int64]  # k, pixels per cluster (weights are alpha-weighted)
    entry_labels: npt.NDArray[np.uint8]  # cluster of every histogram entry
    histogram: ColorHistogram
    pixel_labels: npt.NDArray[np.uint8] | None = None  # cleaned or dithered, renumbered
    names: list[str] | None = None  # owned colours' names, in this order

    def label_map(self) -> npt.NDArray[np.uint8]:
        """The cluster of every pixel, H x W (rendered on demand: a palette needs none)."""
        if self.pixel_labels is not None:
            return self.pixel_labels
        return render_label_map(self.histogram, self.entry_labels)


def number(
    hist: ColorHistogram,
    palette: npt.NDArray[np.uint8],
    weights: npt.NDArray[np.float64],
    entry_labels: npt.NDArray[np.uint8],
    *,
    made: MadeReady | None = None,
    names: list[str] | None = None,
    order: str = PALETTE_ORDER,
) -> Numbered:
    """Number a result's clusters for its outputs.

    ``made`` (cleanup, dithering, own colours) decides the pixels and the shares, so the
    numbering follows what the outputs show.
    """
    if made is None:
        ordering = palette_order(palette, weights, order)
        colours, shares, labels = reorder_clusters(palette, weights, entry_labels, order)
        counts = np.bincount(labels, weights=hist.counts, minlength=len(colours))
        kept = [names[i] for i in ordering] if names is not None else None
        return Numbered(colours, shares, counts.astype(np.int64), labels, hist, None, kept)
    colours, shares, labels = reorder_clusters(made.palette, made.weights, made.entry_labels,
                                               order)
    ordering = palette_order(made.palette, made.weights, order)
    rank = np.empty_like(ordering)
    rank[ordering] = np.arange(len(ordering))
    pixels = rank.astype(np.uint8)[made.label_map]
    own = made.names if made.names is not None else names
    kept = [own[i] for i in ordering] if own is not None else None
    return Numbered(colours, shares, made.counts[ordering], labels, hist, pixels, kept)
