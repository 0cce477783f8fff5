"""Frozen value types that cross module and thread boundaries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

Space = Literal["rgb", "lab"]
SPACES: tuple[Space, ...] = ("rgb", "lab")
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
    stop_reason: str = ""  # "converged", "tol", "max_iter", "exact" (k >= distinct colours)
    space: Space = "rgb"
    k: int = 0
    elapsed: float = 0.0  # seconds since the generator started (init included)
    timings: dict[str, float] = field(default_factory=dict)
