"""One-call segmentation of an image array: histogram, exact k-means, label map."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from colorseg_gui.engine.cluster.histogram import ColorHistogram, build_histogram
from colorseg_gui.engine.cluster.init import InitSpec
from colorseg_gui.engine.cluster.kmeans import iter_kmeans
from colorseg_gui.engine.options import Space
from colorseg_gui.engine.render import render_label_map
from colorseg_gui.engine.steps import KMeansStep, StopReason


@dataclass(frozen=True, eq=False)
class SegmentResult:
    """The final clustering of an image, with the label of every pixel."""

    labels: npt.NDArray[np.uint8]  # H x W cluster index of every pixel
    centroids: npt.NDArray[np.float64]  # k x 3 in the clustering space
    palette: npt.NDArray[np.uint8]  # k x 3 sRGB
    weights: npt.NDArray[np.float64]  # k, pixel weight per cluster
    inertia: float  # J in the clustering space
    iterations: int
    converged: bool
    stop_reason: StopReason | None
    histogram: ColorHistogram
    step: KMeansStep  # the final step
    space: Space
    k: int  # clusters produced (fewer than asked when the image has fewer colours)
    seed: int | None
    timings: dict[str, float] = field(default_factory=dict)
    ids: tuple[int, ...] = ()  # the stable id of every cluster (palette row), as on the step
    locked: tuple[int, ...] = ()  # rows whose colour was locked

    @classmethod
    def from_step(
        cls,
        hist: ColorHistogram,
        step: KMeansStep,
        *,
        seed: int | None,
        timings: dict[str, float] | None = None,
    ) -> SegmentResult:
        """The result that a (last) step of k-means on ``hist`` stands for."""
        return cls(
            labels=render_label_map(hist, step.labels),
            centroids=step.centroids,
            palette=step.palette,
            weights=step.weights,
            inertia=float(step.inertia),
            iterations=int(step.iteration),
            converged=bool(step.converged),
            stop_reason=step.stop_reason,
            histogram=hist,
            step=step,
            space=step.space,
            k=int(step.k),
            seed=seed,
            timings=dict(step.timings if timings is None else timings),
            ids=tuple(step.ids),
            locked=tuple(step.locked),
        )


def split_image(
    image: npt.NDArray[np.uint8],
) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.uint8] | None]:
    """RGB and alpha planes of an H x W x 3 or H x W x 4 uint8 array."""
    arr = np.asarray(image)
    if arr.dtype != np.uint8 or arr.ndim != 3 or arr.shape[2] not in (3, 4):
        raise ValueError(
            f"expected an H x W x 3 or H x W x 4 uint8 image, got {arr.shape} {arr.dtype}"
        )
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"the image is empty ({arr.shape[1]} x {arr.shape[0]} pixels)")
    if arr.shape[2] == 3:
        return arr, None
    return arr[..., :3], np.ascontiguousarray(arr[..., 3])


def iter_segment(
    image: npt.NDArray[np.uint8],
    k: int,
    *,
    space: Space = "rgb",
    seed: int | None = 0,
    init: InitSpec = "k-means++",
    max_iter: int = 300,
    tol: float = 1e-4,
    should_stop: Callable[[], bool] | None = None,
) -> Iterator[KMeansStep]:
    """Build the image's colour histogram, then yield the Lloyd steps (the last one final)."""
    rgb, alpha = split_image(image)
    hist = build_histogram(rgb, alpha)
    yield from iter_kmeans(
        hist,
        k,
        space=space,
        seed=seed,
        init=init,
        max_iter=max_iter,
        tol=tol,
        should_stop=should_stop,
    )


def segment_histogram(
    hist: ColorHistogram,
    k: int,
    *,
    space: Space = "rgb",
    seed: int | None = 0,
    init: InitSpec = "k-means++",
    max_iter: int = 300,
    tol: float = 1e-4,
    timings: dict[str, float] | None = None,
) -> SegmentResult:
    """Run k-means on a (cached) histogram to the end and label every pixel."""
    start = time.perf_counter()
    last: KMeansStep | None = None
    for step in iter_kmeans(hist, k, space=space, seed=seed, init=init, max_iter=max_iter, tol=tol):
        last = step
    if last is None:  # cannot happen without should_stop, but keep mypy and readers honest
        raise RuntimeError("k-means produced no step")
    done = time.perf_counter()
    timing = dict(timings or {})
    timing["init"] = last.timings.get("init", 0.0)
    timing["iterations"] = done - start - timing["init"]
    result = SegmentResult.from_step(hist, last, seed=seed, timings=timing)
    result.timings["render"] = time.perf_counter() - done
    return result


def segment(
    image: npt.NDArray[np.uint8],
    k: int,
    *,
    space: Space = "rgb",
    seed: int | None = 0,
    init: InitSpec = "k-means++",
    max_iter: int = 300,
    tol: float = 1e-4,
) -> SegmentResult:
    """Segment an H x W x 3 (or x 4, alpha-weighted) uint8 image into k colour clusters."""
    start = time.perf_counter()
    rgb, alpha = split_image(image)
    hist = build_histogram(rgb, alpha)
    return segment_histogram(
        hist,
        k,
        space=space,
        seed=seed,
        init=init,
        max_iter=max_iter,
        tol=tol,
        timings={"histogram": time.perf_counter() - start},
    )
