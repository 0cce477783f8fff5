"""The one owner of a run's state: image, cache, current run and its steps, outcome, history.

The controller feeds it (only signals of the current generation reach it); the view, the
palette, the status bar, the timeline, the history strip, the saves and the finishing all
read from it and follow its signals. All of it lives in the GUI thread.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from colorseg_gui.gui.run.history import History, HistoryEntry
from colorseg_gui.gui.run.steps import StepTrail

if TYPE_CHECKING:
    from colorseg_gui.engine import KMeansOptions, KMeansStep
    from colorseg_gui.gui.run.records import (
        ImageCache,
        LoadedImage,
        Plan,
        PreviewFrame,
        RunOutcome,
    )
    from colorseg_gui.gui.run.steps import StepSummary


_serials = itertools.count(1)


@dataclass(eq=False)
class CurrentRun:
    """The request under way, or the entry of the history being shown."""

    options: KMeansOptions | None
    trail: StepTrail = field(default_factory=StepTrail)
    finished: bool = False
    from_history: bool = False  # an entry shown again (undo, redo, the strip), not a new run
    plan: Plan | None = None  # the edit (or k change) this run continues from
    paused: KMeansStep | None = None  # the step the run waits at (Pause), full arrays
    paused_next_id: int | None = None
    serial: int = field(default_factory=lambda: next(_serials))  # tells runs apart


class RunModel(QObject):
    """Holds what is open and what was made of it; undo and redo move through the history."""

    image_loaded = Signal(object)  # LoadedImage: another image is current
    run_started = Signal(object)  # CurrentRun: a new request, or a history entry shown
    step_added = Signal(object)  # StepSummary: every step of the current run
    frame_ready = Signal(object)  # PreviewFrame: a live frame (at most ~30 a second)
    outcome_changed = Signal(object)  # RunOutcome | None: the result now current
    result_ready = Signal(object)  # RunOutcome: a run ended (after outcome_changed)
    history_changed = Signal()
    reference_changed = Signal(object)  # HistoryEntry | None: the A side of an A/B compare
    paused_changed = Signal(object)  # KMeansStep | None: the run waits at this step, or not

    def __init__(self, parent: QObject | None = None, history: History | None = None) -> None:
        super().__init__(parent)
        self.history = history or History()
        self.image: LoadedImage | None = None
        self.cache: ImageCache | None = None
        self.run = CurrentRun(None, finished=True)
        self.outcome: RunOutcome | None = None
        self.reference: HistoryEntry | None = None

    # ----- fed by the controller (current generation only) ---------------------------------
    def set_image(self, image: LoadedImage) -> None:
        self.image, self.cache, self.outcome = image, None, None
        self._set_reference(None)
        self.image_loaded.emit(image)

    def set_cache(self, cache: ImageCache) -> bool:
        """Keep ``cache`` if it was counted from the open image."""
        if self.image is None or cache.source is not self.image.picture:
            return False
        self.cache = cache
        return True

    def begin_run(self, options: KMeansOptions, plan: Plan | None = None) -> None:
        self._unpause()
        self.run = CurrentRun(options, plan=plan)
        self.outcome = None
        self.run_started.emit(self.run)
        self.outcome_changed.emit(None)
        self.history_changed.emit()  # undo now means "back to the last result"

    def add_step(self, summary: StepSummary) -> None:
        if self.run.trail.append(summary):
            self.step_added.emit(summary)

    def show_frame(self, frame: PreviewFrame) -> None:
        if not self.run.finished:
            self.frame_ready.emit(frame)

    def pause_at(self, step: KMeansStep, next_id: int | None = None) -> None:
        if not self.run.finished:
            self.run.paused, self.run.paused_next_id = step, next_id
            self.paused_changed.emit(step)

    def resumed(self) -> None:
        self._unpause()

    def _unpause(self) -> None:
        if self.run.paused is not None:
            self.run.paused = None
            self.paused_changed.emit(None)

    def keep_paused(self) -> HistoryEntry | None:
        """Keep the step the run waits at as a (stopped) result, so that an edit made on
        it can be undone back to it; the caller then drops the paused run."""
        step = self.run.paused
        if step is None or self.image is None or self.cache is None:
            return None
        from colorseg_gui.gui.run.history import paused_entry

        entry = paused_entry(self, step)
        self._unpause()
        self.run.finished = True
        self.history.push(entry)  # rendered when shown again: the edit's run replaces it now
        self.history_changed.emit()
        return entry

    def warm_plan(self, options: KMeansOptions) -> Plan | None:
        """The warm start for ``options`` when they change only k of the result shown."""
        current = self.history.current
        if (self.running or current is None or current.image is not self.image
                or self.cache is None or options.k == current.options.k
                or current.options.replace(k=options.k) != options):
            return None
        from colorseg_gui.engine import HOLD_DELTA_E
        from colorseg_gui.gui.run.records import Plan
        from colorseg_gui.gui.run.replay import Edit

        edit = Edit("k", at=int(current.step.iteration), k=options.k, hold=HOLD_DELTA_E)
        return Plan(current.recipe.then(edit), current.step, current.next_id)

    def finish_run(self, outcome: RunOutcome) -> None:
        if self.image is None or self.cache is None:
            return
        self._unpause()
        self.run.finished = True
        parent = self.history.current
        entry = HistoryEntry.from_outcome(outcome, self.image, self.cache,
                                          self.run.trail.frozen(), parent)
        if self.run.plan is not None and self.run.plan.recipe.edits:
            entry.edit = self.run.plan.recipe.edits[-1].to_dict()
        self.history.push(entry)
        self.outcome = outcome
        self.outcome_changed.emit(outcome)
        self.result_ready.emit(outcome)
        self.history_changed.emit()

    def run_ended(self) -> None:
        """The request ended without a result (failed, or nothing to cluster)."""
        self._unpause()
        self.run.finished = True
        self.history_changed.emit()

    # ----- what the options panel and the controller compare against ---------------------
    @property
    def running(self) -> bool:
        return not self.run.finished

    def finished_with(self, options: KMeansOptions) -> bool:
        """The current result was made with ``options`` (a request for them does nothing)."""
        return (self.outcome is not None and not self.outcome.stopped
                and self.outcome.options == options and self.run.options == options)

    # ----- history --------------------------------------------------------------------------
    def can_undo(self) -> bool:
        return (self.running and self.history.current is not None) or self.history.can_undo()

    def can_redo(self) -> bool:
        return not self.running and self.history.can_redo()

    def undo_target(self) -> int | None:
        """Where Undo goes: the result before, or the last result while a run is under way."""
        if self.running and self.history.current is not None:
            return self.history.index
        return self.history.index - 1 if self.history.can_undo() else None

    def redo_target(self) -> int | None:
        return self.history.index + 1 if self.can_redo() else None

    def go_to(self, index: int) -> HistoryEntry:
        """Show history entry ``index``; the caller has cancelled any run under way (the
        controller's cancel), so nothing of it arrives afterwards."""
        entry = self.history.go(index)
        if entry.image is not self.image:
            self.image, self.cache = entry.image, entry.cache
            self.image_loaded.emit(entry.image)
        self.cache = entry.cache
        if self.reference is entry or (self.reference is not None
                                       and self.reference.image is not entry.image):
            self._set_reference(None)
        self.run = CurrentRun(entry.options, StepTrail(entry.steps), finished=True,
                              from_history=True)
        self.run_started.emit(self.run)
        self.outcome = entry.outcome()
        self.outcome_changed.emit(self.outcome)
        self.history_changed.emit()
        return entry

    # ----- A/B compare ---------------------------------------------------------------------
    def compare_with(self, index: int | None) -> bool:
        """Show history entry ``index`` as the A side beside the current result (None: end).

        Only entries of the image shown compare: the panes share one zoom and pan."""
        if index is None:
            self._set_reference(None)
            return True
        entry = self.history.entries[index]
        current = self.history.current
        if current is None or entry.image is not self.image or entry is current:
            return False
        entry.outcome()
        self.history.enforce_budget()
        self._set_reference(entry)
        return True

    def _set_reference(self, entry: HistoryEntry | None) -> None:
        if entry is not self.reference:
            self.reference = entry
            self.reference_changed.emit(entry)
