"""The plain records a run produces and the window keeps: image, cache, frames, outcome, job."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy and the engine load with the first image, not with the window
    import numpy as np
    import numpy.typing as npt

    from colorseg_gui.engine import (
        ColorHistogram,
        Edited,
        KMeansOptions,
        KMeansStep,
        Picture,
        PreviewIndex,
        SegmentResult,
    )
    from colorseg_gui.gui.run.replay import Recipe


@dataclass(frozen=True, eq=False)
class LoadedImage:
    """A decoded picture with the arrays the view paints (never mutated after creation)."""

    picture: Picture
    display: npt.NDArray[np.uint8]  # screen-sized copy, HxWx3 or x4
    full: npt.NDArray[np.uint8]  # full size, HxWx3 or x4 (alpha kept)
    screen: npt.NDArray[np.uint8]  # `display` in QImage's 32-bit layout (qimage.to_screen)


@dataclass(frozen=True, eq=False)
class ImageCache:
    """What later runs on the same image start from: no re-decoding, no re-counting."""

    histogram: ColorHistogram
    preview: PreviewIndex
    build_seconds: float
    source: Picture  # the picture it was counted from (identity tells images apart)


@dataclass(frozen=True, eq=False)
class PreviewFrame:
    """One step rendered at preview size (live from the worker, or on demand)."""

    step: KMeansStep
    image: npt.NDArray[np.uint8]  # preview in QImage's 32-bit layout (qimage.to_screen)
    mse: float
    pixel_weight: float = 1.0  # total pixel weight, to show J per pixel
    opaque: bool = True
    of_sample: bool = False  # labels and error are a downscaled sample's, not the image's

    @property
    def sampled(self) -> bool:
        """A look from a sample or coarse cells, not an exact step (its labels are not the
        exact run's)."""
        return self.step.is_preview


@dataclass(frozen=True, eq=False)
class RunOutcome:
    """The end of a run: the engine result and its full-resolution rendering."""

    result: SegmentResult
    image: npt.NDArray[np.uint8]  # full size, HxWx3 or x4
    preview: npt.NDArray[np.uint8]  # the same at preview size, qimage.to_screen layout
    mse: float
    options: KMeansOptions
    stopped: bool
    elapsed: float
    timings: dict[str, float] = field(default_factory=dict)
    recipe: Recipe | None = None  # how it was made (gui/run/replay.py); None: from options
    next_id: int | None = None  # the id a cluster made by the next edit gets

    @property
    def palette(self) -> npt.NDArray[np.uint8]:
        return self.result.palette

    @property
    def weights(self) -> npt.NDArray[np.float64]:
        return self.result.weights

    @property
    def k(self) -> int:
        return self.result.k

    def __getattr__(self, name: str) -> object:
        # The rest of the engine's SegmentResult (labels, iterations, inertia, ...) reads
        # straight through, so the window's result_ready payload can be used like one.
        if name.startswith("__") or name == "result":
            raise AttributeError(name)
        return getattr(self.result, name)


@dataclass(frozen=True, eq=False)
class Job:
    """One request: where the image comes from and the options to cluster it with."""

    generation: int
    options: KMeansOptions
    path: Path | None = None
    picture: Picture | None = None
    cache: ImageCache | None = None
    announce: bool = True  # emit `loaded` (a new image), not for a re-run of the same one
    sample_preview: bool = True
    plan: Plan | None = None  # an edit or a warm k change to run from; None: a fresh run


@dataclass(frozen=True, eq=False)
class Plan:
    """A run that continues an earlier state: the last edit of ``recipe`` applied to
    ``source`` (the step it names), then Lloyd from there.  With no source (a session
    opened), the whole recipe is remade from the fresh run (replay.replay)."""

    recipe: Recipe
    source: KMeansStep | None
    next_id: int | None = None  # before the edit
    edited: Edited | None = None  # the edit already made on ``source`` (the window paints it)
