"""J versus k (the elbow): warm-started runs over a range of k, and the k they suggest."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from colorseg_gui.engine.cluster.histogram import ColorHistogram
from colorseg_gui.engine.colorspace import srgb_to_lab
from colorseg_gui.engine.make.color_difference import delta_e_2000
from colorseg_gui.engine.options import KMeansOptions
from colorseg_gui.engine.pipeline import run_kmeans, warm_run
from colorseg_gui.engine.render import mse_rgb
from colorseg_gui.engine.steps import KMeansStep

K_RANGE = range(2, 33)
SUGGEST_DELTA_E = 3.0
_CHUNK = 1 << 18  # colours per CIEDE2000 pass: bounded temporaries on millions of colours


@dataclass(frozen=True)
class KRow:
    """One k of the table: J (clustering space), MSE (sRGB) and mean CIEDE2000 to the
    original (pixels weighted by alpha), and the seconds its run took."""

    k: int
    inertia: float
    mse: float
    mean_delta_e: float
    seconds: float

    def to_dict(self) -> dict[str, float]:
        return {"k": self.k, "inertia": round(self.inertia, 3), "mse_rgb": round(self.mse, 4),
                "mean_delta_e": round(self.mean_delta_e, 4), "seconds": round(self.seconds, 4)}


def mean_delta_e(hist: ColorHistogram, palette: npt.NDArray[np.uint8],
                 labels: npt.NDArray[np.integer], lab: npt.NDArray[np.float64] | None = None
                 ) -> float:
    """Mean CIEDE2000 between every pixel and its cluster's colour (alpha-weighted)."""
    total = float(hist.weights.sum())
    if total <= 0:
        return 0.0
    lab = srgb_to_lab(hist.colors) if lab is None else lab
    shown = srgb_to_lab(palette)
    acc = 0.0
    for start in range(0, hist.n_colors, _CHUNK):
        part = slice(start, start + _CHUNK)
        acc += float(delta_e_2000(lab[part], shown[labels[part]]) @ hist.weights[part])
    return acc / total


def _last(steps: Iterable[KMeansStep]) -> KMeansStep | None:
    last = None
    for step in steps:
        last = step
    return last if last is not None and last.final else None


def iter_k_table(
    hist: ColorHistogram,
    options: KMeansOptions,
    ks: Sequence[int] = K_RANGE,
    *,
    start: KMeansStep | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> Iterator[KRow]:
    """One KRow per k of `ks`, each from a run warm-started at its neighbour's result.

    From `start` (a final step, for example the window's current result) the table goes up
    by splits and down by merges; without it, a cold run of `options` at the smallest k
    (at least its starting colours) starts it.  Rows come in the order computed (sort by
    k to draw them).  Ends early, with the rows so far, when should_stop() returns True.
    """
    wanted = sorted({int(k) for k in ks})
    if not wanted:
        return
    lab = srgb_to_lab(hist.colors)  # once for the whole table

    def row(step: KMeansStep, began: float) -> KRow:
        return KRow(step.k, float(step.inertia), mse_rgb(hist, step.palette, step.labels),
                    mean_delta_e(hist, step.palette, step.labels, lab),
                    time.perf_counter() - began)

    began = time.perf_counter()
    if start is None:
        floor = max(wanted[0], len(options.init) if not isinstance(options.init, str) else 1)
        start = _last(run_kmeans(hist, options.replace(k=floor), should_stop=should_stop))
        if start is None:
            return
    if start.k in wanted:
        yield row(start, began)
    for direction in (1, -1):
        last = start
        for k in (range(start.k + 1, wanted[-1] + 1) if direction > 0
                  else range(start.k - 1, wanted[0] - 1, -1)):
            if should_stop is not None and should_stop():
                return
            began = time.perf_counter()
            # Converged runs (hold=None): the table compares J at k-means minima.
            found = _last(warm_run(hist, last, k, options, should_stop=should_stop, hold=None))
            if found is None:
                return
            if found.k < k:
                break  # the image has fewer colours: every larger k is the same exact result
            last = found
            if k in wanted:
                yield row(found, began)


def suggest_k(table: Iterable[KRow], threshold: float = SUGGEST_DELTA_E) -> int | None:
    """The smallest k whose mean CIEDE2000 to the original is under `threshold` (None when
    no row of the table gets there)."""
    under = [r.k for r in table if r.mean_delta_e < threshold]
    return min(under) if under else None
