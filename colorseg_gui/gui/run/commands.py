"""Undo, Redo, the history strip and A/B: moving through results without recomputing."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QAction

from colorseg_gui.gui.controller import SegmentationController
from colorseg_gui.gui.options_panel import OptionsPanel
from colorseg_gui.gui.run.history_view import HistoryView
from colorseg_gui.gui.run.model import RunModel

if TYPE_CHECKING:
    from colorseg_gui.gui.run.history import HistoryEntry


class HistoryCommands(QObject):
    """Wires undoAction, redoAction and the strip to the model; the options panel follows."""

    def __init__(self, model: RunModel, controller: SegmentationController,
                 panel: OptionsPanel, undo: QAction, redo: QAction, strip: HistoryView,
                 show_message: Callable[[str, int], None]) -> None:
        super().__init__(model)
        self._model = model
        self._controller = controller
        self._panel = panel
        self._undo = undo
        self._redo = redo
        self._show = show_message
        undo.triggered.connect(self.undo)
        redo.triggered.connect(self.redo)
        strip.entry_chosen.connect(self.go_to)
        strip.compare_chosen.connect(self.compare)
        model.history_changed.connect(self._update)
        self._update()

    @Slot()
    def undo(self) -> None:
        target = self._model.undo_target()  # before leaving the run: that changes it
        if target is not None:
            self._leave_run()
            self._follow(self._model.go_to(target))

    @Slot()
    def redo(self) -> None:
        target = self._model.redo_target()
        if target is not None:
            self._leave_run()
            self._follow(self._model.go_to(target))

    @Slot(int)
    def go_to(self, index: int) -> None:
        if index == self._model.history.index and not self._model.running:
            return
        self._leave_run()
        self._follow(self._model.go_to(index))

    @Slot(object)
    def compare(self, index: int | None) -> None:
        if not self._model.compare_with(index):
            self._show("Only results of the image shown can be compared with it", 5000)

    def _leave_run(self) -> None:
        # A slider move not yet sent would start a run from the options being left.
        self._panel.flush_silently()
        self._controller.cancel()

    def _follow(self, entry: HistoryEntry) -> None:
        self._panel.set_options(entry.options)  # shows them; starts nothing
        self._controller.follow(entry.options)
        history = self._model.history
        self._show(f"Result {history.index + 1} of {len(history)}: {entry.label}", 3000)

    @Slot()
    def _update(self) -> None:
        model = self._model
        self._undo.setEnabled(model.can_undo())
        self._redo.setEnabled(model.can_redo())
