"""Every finished run, within a memory budget: undo, redo and going back without recomputing.

What an entry keeps always is small (the final step: one label per distinct colour, the
centroids; the step summaries). Its full-resolution render (and preview) and its label map
are kept while the budget allows, least recently shown dropped first, and re-rendered from
the histogram and the final step when the entry is shown again: the same pixels, since they
are made by the same engine calls from the same arrays.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from colorseg_gui.engine import KMeansOptions, KMeansStep, SegmentResult
    from colorseg_gui.gui.run.model import RunModel
    from colorseg_gui.gui.run.records import ImageCache, LoadedImage, RunOutcome
    from colorseg_gui.gui.run.replay import Recipe
    from colorseg_gui.gui.run.steps import StepSummary

MiB = 2**20
BUDGET = 640 * MiB  # renders, label maps and other images' pixels the history may hold
MAX_ENTRIES = 200
_clock = itertools.count()


@dataclass(eq=False)
class HistoryEntry:
    """One state of the image's clustering: a finished run today, an edit later.

    ``parent`` and ``edit`` say where the state came from: None for a run from the options
    alone; an edit (lock, merge, split..., a warm k change) records what it did to its
    parent as JSON (replay.Edit.to_dict), so that Undo takes an edit back like a run.
    ``recipe`` remakes the state exactly (replay.replay): the options of the first run and
    every edit since, each with the iteration it was applied at.
    """

    image: LoadedImage
    cache: ImageCache
    options: KMeansOptions
    step: KMeansStep  # the final state: what every re-render starts from
    steps: tuple[StepSummary, ...]  # the run's exact steps, for its timeline
    mse: float
    stopped: bool
    elapsed: float
    timings: dict[str, float]
    parent: HistoryEntry | None = None
    edit: dict[str, Any] | None = None
    recipe_: Recipe | None = None
    next_id: int | None = None  # the id the next edit's new cluster gets (never reused)
    _outcome: RunOutcome | None = None
    _result: SegmentResult | None = None  # kept with its label map when the render is dropped
    used: int = field(default_factory=lambda: next(_clock))

    @classmethod
    def from_outcome(
        cls, outcome: RunOutcome, image: LoadedImage, cache: ImageCache,
        steps: tuple[StepSummary, ...], parent: HistoryEntry | None = None,
    ) -> HistoryEntry:
        return cls(image=image, cache=cache, options=outcome.options, step=outcome.result.step,
                   steps=steps, mse=outcome.mse, stopped=outcome.stopped,
                   elapsed=outcome.elapsed, timings=dict(outcome.timings), parent=parent,
                   recipe_=outcome.recipe, next_id=outcome.next_id,
                   _outcome=outcome, _result=outcome.result)

    @property
    def recipe(self) -> Recipe:
        if self.recipe_ is None:
            from colorseg_gui.gui.run.replay import Recipe

            stopped = int(self.step.iteration) if self.stopped else None
            return Recipe(self.options, (), stopped)
        return self.recipe_

    @property
    def rendered(self) -> bool:
        return self._outcome is not None

    @property
    def has_label_map(self) -> bool:
        return self._result is not None

    def outcome(self) -> RunOutcome:
        """The outcome, re-rendered from the histogram and the final step if it was dropped."""
        self.used = next(_clock)
        if self._outcome is None:
            from colorseg_gui.engine import SegmentResult, paint_label_map
            from colorseg_gui.gui.qimage import to_screen
            from colorseg_gui.gui.run.records import RunOutcome

            hist, step = self.cache.histogram, self.step
            result = self._result
            if result is None:  # the same call the worker made
                result = SegmentResult.from_step(hist, step, seed=self.options.seed)
            self._outcome = RunOutcome(
                result=result,
                image=paint_label_map(result.labels, result.palette, hist.alpha),
                preview=to_screen(self.cache.preview.render(step.palette, step.labels)),
                mse=self.mse, options=self.options, stopped=self.stopped,
                elapsed=self.elapsed, timings=dict(self.timings), recipe=self.recipe_,
                next_id=self.next_id,
            )
            self._result = result
        return self._outcome

    def preview(self) -> npt.NDArray[np.uint8]:
        """The preview-sized render (qimage.to_screen layout), without the full one."""
        if self._outcome is not None:
            return self._outcome.preview
        from colorseg_gui.gui.qimage import to_screen

        return to_screen(self.cache.preview.render(self.step.palette, self.step.labels))

    def render_bytes(self) -> int:
        if self._outcome is None:
            return 0
        return int(self._outcome.image.nbytes + self._outcome.preview.nbytes)

    def map_bytes(self) -> int:
        return 0 if self._result is None else int(self._result.labels.nbytes)

    def kept_bytes(self) -> int:
        """What stays whatever the budget: the final labels, centroids, step summaries."""
        return int(self.step.labels.nbytes + self.step.centroids.nbytes) + sum(
            s.nbytes for s in self.steps)

    def drop_render(self) -> None:
        self._outcome = None

    def drop_label_map(self) -> None:
        self._outcome = None
        self._result = None

    @property
    def label(self) -> str:
        """``k 8 · Lab · seed 3``: what tells runs apart in the strip."""
        names = {"rgb": "RGB", "lab": "Lab", "oklab": "OKLab"}
        seed = "-" if self.options.seed is None else str(self.options.seed)
        text = f"k {self.options.k} · {names.get(self.options.space, self.options.space)} · " \
               f"seed {seed}"
        if self.edit is not None and self.edit.get("op") != "k":  # a k change reads as a run
            from colorseg_gui.gui.run.replay import Edit

            text = f"{Edit.from_dict(self.edit).describe()} · {text}"
        return text


def paused_entry(model: RunModel, step: KMeansStep) -> HistoryEntry:
    """The step a paused run waits at, as a stopped result of that run (rendered when
    shown: nothing full-size is made in the GUI thread for it)."""
    import dataclasses

    from colorseg_gui.engine import StopReason, mse_rgb
    from colorseg_gui.gui.run.replay import Recipe

    assert model.image is not None and model.cache is not None and model.run.options is not None
    hist, run = model.cache.histogram, model.run
    options = run.options
    assert options is not None
    step = dataclasses.replace(step, final=True, stop_reason=StopReason.STOPPED)
    recipe = run.plan.recipe if run.plan is not None else Recipe(options)
    entry = HistoryEntry(image=model.image, cache=model.cache, options=options, step=step,
                         steps=run.trail.frozen(), mse=mse_rgb(hist, step.palette, step.labels),
                         stopped=True, elapsed=step.elapsed, timings={},
                         parent=model.history.current,
                         recipe_=recipe.stopped(int(step.iteration)))
    if run.plan is not None and run.plan.recipe.edits:
        entry.edit = run.plan.recipe.edits[-1].to_dict()
    entry.next_id = run.paused_next_id
    return entry


def image_bytes(image: LoadedImage, cache: ImageCache) -> int:
    """The pixels and histogram an image holds (shared by all its entries)."""
    picture = image.picture
    arrays: list[npt.NDArray[Any]] = [
        picture.rgb, image.display, image.full, image.screen, cache.histogram.index,
        cache.histogram.colors, cache.preview.index,
    ]
    if picture.alpha is not None:
        arrays.append(picture.alpha)
    seen: set[int] = set()
    total = 0
    for array in arrays:
        if id(array) not in seen:  # display and full may be one array
            seen.add(id(array))
            total += int(array.nbytes)
    return total


class History:
    """An undo stack of entries; a new entry after an undo drops the redo tail (as editors do)."""

    def __init__(self, budget: int = BUDGET, max_entries: int = MAX_ENTRIES) -> None:
        self.budget = budget
        self.max_entries = max_entries
        self._entries: list[HistoryEntry] = []
        self._index = -1

    @property
    def entries(self) -> list[HistoryEntry]:
        return list(self._entries)

    @property
    def index(self) -> int:
        return self._index

    @property
    def current(self) -> HistoryEntry | None:
        return self._entries[self._index] if self._index >= 0 else None

    def __len__(self) -> int:
        return len(self._entries)

    def can_undo(self) -> bool:
        return self._index > 0

    def can_redo(self) -> bool:
        return self._index < len(self._entries) - 1

    def push(self, entry: HistoryEntry) -> None:
        del self._entries[self._index + 1 :]
        self._entries.append(entry)
        if len(self._entries) > self.max_entries:
            del self._entries[: len(self._entries) - self.max_entries]
        self._index = len(self._entries) - 1
        self.enforce_budget()

    def go(self, index: int) -> HistoryEntry:
        if not 0 <= index < len(self._entries):
            raise IndexError(index)
        self._index = index
        entry = self._entries[index]
        entry.outcome()  # re-rendered if dropped: it is about to be shown
        self.enforce_budget()
        return entry

    def index_of(self, entry: HistoryEntry) -> int:
        return next(i for i, e in enumerate(self._entries) if e is entry)

    def clear(self) -> None:
        self._entries.clear()
        self._index = -1

    # ----- memory ---------------------------------------------------------------------------
    def nbytes(self) -> int:
        """What the history holds beyond the current image: renders, maps, steps, other
        images."""
        current = self.current
        images = {id(e.image): e for e in self._entries
                  if current is None or e.image is not current.image}
        return (sum(e.render_bytes() + e.map_bytes() + e.kept_bytes() for e in self._entries)
                + sum(image_bytes(e.image, e.cache) for e in images.values()))

    def _budgeted(self) -> int:
        current = self.current
        others = {id(e.image): e for e in self._entries
                  if current is None or e.image is not current.image}
        return (sum(e.render_bytes() + e.map_bytes() for e in self._entries)
                + sum(image_bytes(e.image, e.cache) for e in others.values()))

    def enforce_budget(self) -> None:
        """Drop, least recently shown first: renders, then label maps, then other images."""
        current = self.current
        spare = [e for e in self._entries if e is not current]
        spare.sort(key=lambda e: e.used)
        total = self._budgeted()
        for entry in spare:
            if total <= self.budget:
                return
            total -= entry.render_bytes()
            entry.drop_render()
        for entry in spare:
            if total <= self.budget:
                return
            total -= entry.map_bytes()
            entry.drop_label_map()
        while total > self.budget:
            others = [e for e in self._entries
                      if current is not None and e.image is not current.image]
            if not others:
                return
            oldest = min(others, key=lambda e: e.used).image
            kept = [e for e in self._entries if e.image is not oldest]
            self._index = kept.index(current) if current is not None else -1
            self._entries = kept
            total = self._budgeted()
