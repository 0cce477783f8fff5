"""One step of a clustering run, as it crosses module and thread boundaries."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from colorseg_gui.engine.options import Space


class StepKind(StrEnum):
    PREVIEW = "preview"  # a sampled quick look: an approximation for the eye, never exact
    LLOYD = "lloyd"  # an exact assignment + mean update on every colour
    HARTIGAN = "hartigan"  # single-colour moves after Lloyd stopped, each lowering J
    WARM = "warm"  # the exact state a run resumes from (edited or earlier centroids)


class StopReason(StrEnum):
    CONVERGED = "converged"
    TOL = "tol"
    MAX_ITER = "max_iter"
    EXACT = "exact"
    STOPPED = "stopped"  # the user stopped the run; never set by the engine itself
    HELD = "held"  # a warm start stopped before the colours it kept would drift (warm_run)

    def describe(self, *, tol: float | None = None, max_iter: int | None = None) -> str:
        """The sentence a status bar shows for this reason."""
        percent = "the tolerance" if tol is None else f"{tol * 100:g} %"
        limit = "" if max_iter is None else f" ({max_iter})"
        return {
            StopReason.CONVERGED: "Converged: no pixel changes colour",
            StopReason.TOL: f"Stopped: J improved by less than {percent}",
            StopReason.MAX_ITER: f"Stopped at the iteration limit{limit}",
            StopReason.EXACT: "Done: every colour is kept",
            StopReason.STOPPED: "Stopped by you",
            StopReason.HELD: "Stopped: the other colours stay where they were",
        }[self]

    @property
    def detail(self) -> str:
        """Why this reason ends a run, for a tooltip."""
        return {
            StopReason.CONVERGED: "Another iteration would give every pixel the same colour "
            "again: this is the exact k-means fixed point",
            StopReason.TOL: "The last iteration lowered the clustering error J by less than "
            "the tolerance (Options > Stop); a few pixels may still change colour, the "
            "result would look the same",
            StopReason.MAX_ITER: "The maximum number of iterations was reached while some "
            "pixels still changed colour; the result is usually within a fraction of a "
            "percent of the converged one",
            StopReason.EXACT: "k is at least the number of distinct colours in the image, "
            "so each keeps its own",
            StopReason.STOPPED: "The step shown when you pressed Stop is kept as the result",
            StopReason.HELD: "k changed from the previous result: the next iteration would "
            "have moved one of its colours by more than Delta E 2 (CIEDE2000), so the run "
            "stopped with the colours you had; Continue or a cold start runs to convergence",
        }[self]


@dataclass(frozen=True, eq=False)
class KMeansStep:
    """One step of a run: for Lloyd, the assignment to the previous centroids, then the mean
    update.

    Every array is fresh and owned by this step (never mutated later), so a step can be
    handed to another thread as it is.
    """

    iteration: int  # exact steps done so far, 1-based; a preview counts its own (see kind)
    centroids: npt.NDArray[np.float64]  # k x 3, clustering space, after the mean update
    palette: npt.NDArray[np.uint8]  # k x 3 sRGB of `centroids`
    weights: npt.NDArray[np.float64]  # k, total pixel weight per cluster
    labels: npt.NDArray[np.uint8]  # N, cluster of every distinct colour of the histogram
    inertia: float  # J of this assignment against the centroids it was made with
    changed: int  # pixels (by count, not weight) whose cluster changed in this step
    converged: bool  # True when no pixel changed cluster (or tol reached)
    final: bool = False  # True on the last step the generator yields
    stop_reason: StopReason | None = None  # set on the final step
    space: Space = "rgb"
    k: int = 0
    elapsed: float = 0.0  # seconds since the generator started (init included)
    timings: dict[str, float] = field(default_factory=dict)  # seconds, by phase
    kind: StepKind = StepKind.LLOYD
    # A stable id per cluster (row): it follows the cluster through steps, edits, resumes
    # and k changes, so its palette row, number and mask keep following it.  Default 0..k-1.
    ids: tuple[int, ...] = ()
    locked: tuple[int, ...] = ()  # rows whose centroid never moves
    # Each cluster's squared error about `centroids` (clustering space; None on previews):
    # edits pick the cluster to split from it without a pass over every colour.
    sse: npt.NDArray[np.float64] | None = None

    def __post_init__(self) -> None:
        if not self.ids:
            object.__setattr__(self, "ids", tuple(range(int(self.centroids.shape[0]))))

    @property
    def is_preview(self) -> bool:
        return self.kind is StepKind.PREVIEW
