"""What the window shows of the run model: the original, live frames, the result, the palette."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSize, Signal, Slot

from colorseg_gui.gui.image_view import ImageView
from colorseg_gui.gui.palette_view import PaletteView
from colorseg_gui.gui.run.model import CurrentRun, RunModel
from colorseg_gui.gui.status import StatusFields

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from colorseg_gui.gui.run.history import HistoryEntry
    from colorseg_gui.gui.run.records import LoadedImage, PreviewFrame, RunOutcome


class RunDisplay(QObject):
    """Paints what the model holds into the view, the palette and the status bar.

    The only state here is what is on screen: the labels behind the palette (for the
    highlight) and whether the timeline holds an earlier iteration in place of live frames.
    """

    image_shown = Signal(object)  # LoadedImage, once its original is on screen
    preview_shown = Signal(int)  # iteration of each frame painted (live or from the timeline)
    result_shown = Signal(object)  # RunOutcome, once painted (a new result, undo, redo...)

    def __init__(self, model: RunModel, view: ImageView, palette_view: PaletteView,
                 status: StatusFields, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self._view = view
        self._palette_view = palette_view
        self._status = status
        self._labels: npt.NDArray[np.uint8] | None = None  # per colour, of what is shown
        self._label_map: tuple[object, npt.NDArray[np.uint8]] | None = None  # (labels, map)
        self._rows_kept = False  # the palette shows exact steps of the current run
        self.pinned: int | None = None  # an earlier iteration the timeline shows
        self._shown: tuple[bool, float] = (True, float("inf"))  # (of a sample, mse) on screen
        model.image_loaded.connect(self._on_image_loaded)
        model.run_started.connect(self._on_run_started)
        model.frame_ready.connect(self._on_frame_ready)
        model.outcome_changed.connect(self._on_outcome_changed)
        model.reference_changed.connect(self._on_reference_changed)
        palette_view.cluster_selected.connect(self._on_cluster_selected)

    @Slot(object)
    def _on_image_loaded(self, loaded: LoadedImage) -> None:
        from colorseg_gui.gui.qimage import ArrayImage

        self._labels = self._label_map = None
        picture = loaded.picture
        size = QSize(picture.width, picture.height)
        bigger = loaded.full.shape[:2] != loaded.display.shape[:2]
        full = ArrayImage(loaded.full) if bigger else None
        opaque = picture.alpha is None
        self._view.set_original(ArrayImage(loaded.screen, screen=opaque), full, size)
        self._palette_view.clear_palette()
        self._status.show_image(loaded)
        self.image_shown.emit(loaded)

    @Slot(object)
    def _on_run_started(self, run: CurrentRun) -> None:
        if run.plan is None:  # an edit or a k change keeps its clusters (ids) and rows
            self._palette_view.clear_highlight()  # cluster numbers mean nothing across runs
        self._rows_kept = run.plan is not None
        self.pinned = None
        self._shown = (True, float("inf"))

    @Slot(object)
    def _on_frame_ready(self, frame: PreviewFrame) -> None:
        if self.pinned is None and self._better(frame):
            self._paint_frame(frame)
            self.preview_shown.emit(int(frame.step.iteration))

    def _better(self, frame: PreviewFrame) -> bool:
        """The picture only gets better during a run: a frame farther from the image than
        the one on screen waits (the timeline still shows its step).  A sample's error is
        not the image's, so only frames measured on every colour compare."""
        was_sample, shown = self._shown
        if frame.of_sample or was_sample or frame.mse <= shown:
            self._shown = (frame.of_sample, frame.mse)
            return True
        return False

    def show_iteration(self, frame: PreviewFrame, last: int) -> None:
        """The timeline's choice: an earlier iteration, held until the timeline lets go."""
        self.pinned = int(frame.step.iteration)
        self._paint_frame(frame, keep_rows=True)
        self._status.show_scrubbed(frame, last)
        self.preview_shown.emit(self.pinned)

    def release(self) -> None:
        """Back to the live run, or to the result when there is one."""
        self.pinned = None
        outcome = self._model.outcome
        if outcome is not None:
            self._paint_outcome(outcome, keep_rows=True)
            self.preview_shown.emit(int(outcome.result.step.iteration))

    def _paint_frame(self, frame: PreviewFrame, keep_rows: bool = False) -> None:
        from colorseg_gui.gui.qimage import ArrayImage

        self._view.set_result(ArrayImage(frame.image, screen=frame.opaque), None)
        self._labels = None if frame.sampled else frame.step.labels
        # Rows stay put while steps arrive (the same run's clusters keep their numbers).
        keep = keep_rows or (self._rows_kept and not frame.sampled)
        step = frame.step
        self._palette_view.set_palette(step.palette, step.weights, keep_rows=keep,
                                       ids=step.ids, locked=step.locked)
        self._rows_kept = self._rows_kept or not frame.sampled
        self.refresh_highlight()
        cache, image = self._model.cache, self._model.image
        if cache is not None and image is not None:
            picture = image.picture
            self._status.show_colors(cache.histogram.n_colors, picture.width, picture.height)
        self._status.show_frame(frame)

    @Slot(object)
    def _on_outcome_changed(self, outcome: RunOutcome | None) -> None:
        if outcome is None:
            return  # a new run starts: the last picture stays until its first frame
        self.pinned = None
        self._paint_outcome(outcome)
        if self._model.reference is not None:  # B is now this result: its caption follows
            self._on_reference_changed(self._model.reference)
        self.result_shown.emit(outcome)

    def _paint_outcome(self, outcome: RunOutcome, keep_rows: bool = False) -> None:
        from colorseg_gui.gui.qimage import ArrayImage

        opaque = outcome.result.histogram.alpha is None
        small = ArrayImage(outcome.preview, screen=opaque)  # borrowed, not copied
        # Full resolution only where the preview is smaller: zooming in stays exact.
        bigger = outcome.preview.shape[:2] != outcome.image.shape[:2]
        self._view.set_result(small, ArrayImage(outcome.image) if bigger else None)
        self._labels = outcome.result.step.labels
        self._label_map = (self._labels, outcome.result.labels)
        step = outcome.result.step
        self._palette_view.set_palette(outcome.palette, outcome.weights, ids=step.ids,
                                       locked=step.locked,
                                       keep_rows=keep_rows or self._model.run.plan is not None)
        self.refresh_highlight()
        hist = outcome.result.histogram
        self._status.show_colors(hist.n_colors, hist.shape[1], hist.shape[0])
        self._status.show_outcome(outcome, live=not self._model.run.from_history)

    @Slot(object)
    def _on_reference_changed(self, entry: HistoryEntry | None) -> None:
        if entry is None:
            self._view.set_reference(None, None)
            return
        from colorseg_gui.gui.qimage import ArrayImage

        outcome = entry.outcome()
        opaque = outcome.result.histogram.alpha is None
        bigger = outcome.preview.shape[:2] != outcome.image.shape[:2]
        current = self._model.history.current
        self._view.set_reference(ArrayImage(outcome.preview, screen=opaque),
                                 ArrayImage(outcome.image) if bigger else None,
                                 f"A: {entry.label}",
                                 f"B: {current.label}" if current is not None else "B")

    @Slot(int)
    def _on_cluster_selected(self, cluster: int) -> None:
        self.refresh_highlight()

    def refresh_highlight(self) -> None:
        """Dim all but the palette's selected cluster, at full resolution."""
        cluster = self._palette_view.selected_cluster()
        cache = self._model.cache
        if cluster < 0 or self._labels is None or cache is None:
            self._view.set_highlight(None)
            return
        if self._label_map is None or self._label_map[0] is not self._labels:
            from colorseg_gui.engine import render_label_map

            # Made once per shown step, only while a colour is selected.
            self._label_map = (self._labels, render_label_map(cache.histogram, self._labels))
        self._view.set_highlight(self._label_map[1], cluster)
