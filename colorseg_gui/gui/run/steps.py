"""Every step of a run, kept small: J, changes, centroids, and the labels as a chain of deltas.

A 15 MP photo has a few hundred thousand distinct colours: keeping every step's labels whole
would cost that many bytes per step (tens of megabytes for a long run). Lloyd's later steps
move few colours, so each summary keeps only the colours whose cluster changed since the
step before; the first exact step keeps them all. Any step's labels, and so its preview,
are rebuilt exactly from the chain.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from colorseg_gui.engine import KMeansStep, StepKind, StopReason


@dataclass(frozen=True, eq=False)
class StepSummary:
    """One step as the window keeps it; ``step`` is dropped once the next one arrives."""

    iteration: int
    kind: StepKind
    inertia: float  # J
    changed: int  # pixels whose cluster changed in this step
    pixel_weight: float  # J / pixel_weight is J per pixel, what the chart plots
    centroids: npt.NDArray[np.float64]  # k x 3, clustering space
    palette: npt.NDArray[np.uint8]  # k x 3 sRGB
    weights: npt.NDArray[np.float64]  # k
    stop_reason: StopReason | None
    # Colours whose label differs from the previous exact step's, and their new labels;
    # moved is None when ``labels`` holds every colour's (the first exact step, previews).
    moved: npt.NDArray[np.int32] | None
    labels: npt.NDArray[np.uint8]

    @property
    def is_preview(self) -> bool:
        from colorseg_gui.engine import StepKind

        return self.kind is StepKind.PREVIEW

    @property
    def j_per_pixel(self) -> float:
        return self.inertia / max(self.pixel_weight, 1e-12)

    @property
    def nbytes(self) -> int:
        arrays = (self.centroids, self.palette, self.weights, self.moved, self.labels)
        return sum(int(a.nbytes) for a in arrays if a is not None)


def summarise(
    step: KMeansStep, previous: npt.NDArray[np.uint8] | None, pixel_weight: float
) -> StepSummary:
    """The summary of ``step``; ``previous``: the labels of the exact step before it."""
    import numpy as np

    labels = np.asarray(step.labels, dtype=np.uint8)
    moved: npt.NDArray[np.int32] | None
    if previous is None or step.is_preview or previous.shape != labels.shape:
        moved, values = None, labels  # steps never change their arrays: no copy needed
    else:
        moved = np.flatnonzero(labels != previous).astype(np.int32)
        values = labels[moved]
    return StepSummary(
        iteration=int(step.iteration),
        kind=step.kind,
        inertia=float(step.inertia),
        changed=int(step.changed),
        pixel_weight=float(pixel_weight),
        centroids=step.centroids,
        palette=step.palette,
        weights=step.weights,
        stop_reason=step.stop_reason,
        moved=moved,
        labels=values,
    )


class StepTrail:
    """The exact steps of one run in order, and the labels of any of them on demand."""

    def __init__(self, steps: tuple[StepSummary, ...] = ()) -> None:
        self._steps: list[StepSummary] = []
        for summary in steps:
            self.append(summary)

    def append(self, summary: StepSummary) -> bool:
        """Keep ``summary`` if it is an exact step of the chain; previews are not kept."""
        if summary.is_preview:
            return False
        if self._steps and summary.iteration <= self._steps[-1].iteration:
            return False  # a repeat (a stopped run's last step comes again): keep the first
        self._steps.append(summary)
        return True

    def __len__(self) -> int:
        return len(self._steps)

    def __iter__(self) -> Iterator[StepSummary]:
        return iter(self._steps)

    def __getitem__(self, position: int) -> StepSummary:
        return self._steps[position]

    @property
    def last_iteration(self) -> int:
        return self._steps[-1].iteration if self._steps else 0

    def frozen(self) -> tuple[StepSummary, ...]:
        return tuple(self._steps)

    def find(self, iteration: int) -> int | None:
        """The position of the step with this iteration number."""
        for position, summary in enumerate(self._steps):
            if summary.iteration == iteration:
                return position
        return None

    def labels_at(self, position: int) -> npt.NDArray[np.uint8]:
        """The label of every histogram colour after step ``position`` (a fresh array)."""
        import numpy as np

        labels = np.array(self._steps[0].labels, dtype=np.uint8)  # a copy: it is changed below
        for summary in self._steps[1 : position + 1]:
            if summary.moved is None:
                labels = np.array(summary.labels, dtype=np.uint8)
            else:
                labels[summary.moved] = summary.labels
        return labels

    @property
    def nbytes(self) -> int:
        return sum(summary.nbytes for summary in self._steps)
