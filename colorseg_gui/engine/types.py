"""Frozen value types that cross module and thread boundaries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

Space = Literal["rgb", "lab", "oklab"]
SPACES: tuple[Space, ...] = ("rgb", "lab", "oklab")
INIT_METHODS = ("k-means++", "random")
MIN_K = 1
MAX_K = 256


@dataclass(frozen=True, eq=False)
class KMeansStep:
    """One Lloyd iteration: the assignment to the previous centroids, then the mean update.

    Every array is fresh and owned by this step (never mutated later), so a step can be
    handed to another thread as it is.
    """

    iteration: int  # 1-based count of assignment steps done so far
    centroids: npt.NDArray[np.float64]  # k x 3, clustering space, after the mean update
    palette: npt.NDArray[np.uint8]  # k x 3 sRGB of `centroids`
    weights: npt.NDArray[np.float64]  # k, total pixel weight per cluster
    labels: npt.NDArray[np.uint8]  # N, cluster of every distinct colour of the histogram
    inertia: float  # J of this assignment against the centroids it was made with
    changed: int  # pixels (by count, not weight) whose cluster changed in this step
    converged: bool  # True when no pixel changed cluster (or tol reached)
    final: bool = False  # True on the last step the generator yields
    stop_reason: str = ""  # one of STOP_REASONS on the final step; describe_stop() words it
    space: Space = "rgb"
    k: int = 0
    elapsed: float = 0.0  # seconds since the generator started (init included)
    timings: dict[str, float] = field(default_factory=dict)
    # "lloyd": an assignment + mean update; "hartigan": single-colour moves after Lloyd
    # stopped (labels, their means and J at those means); "preview": an approximation.
    kind: str = "lloyd"


# Why a run ended, in the words a status bar can show.  "stopped" is set by callers that
# interrupt a run (the window's Stop), never by the engine itself.
STOP_REASONS: dict[str, str] = {
    "converged": "Converged: no pixel changes cluster",
    "tol": "Converged: the error improved by less than {tol} in the last step",
    "max_iter": "Stopped at the iteration limit ({max_iter})",
    "exact": "Exact: every colour has its own cluster",
    "stopped": "Stopped before convergence",
}


def describe_stop(reason: str, *, tol: float | None = None, max_iter: int | None = None) -> str:
    """The user-facing sentence for a step's stop_reason (empty for a run still going)."""
    if not reason:
        return ""
    text = STOP_REASONS.get(reason, reason)
    percent = "the tolerance" if tol is None else f"{tol * 100:g} %"
    limit = "its maximum" if max_iter is None else str(max_iter)
    return text.replace("{tol}", percent).replace("{max_iter}", limit)
