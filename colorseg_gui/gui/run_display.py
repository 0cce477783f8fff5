"""What the window shows of a run: the original, live previews, the result, palette, highlight."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSize, Signal, Slot

from colorseg_gui.gui.controller import SegmentationController
from colorseg_gui.gui.image_view import ImageView
from colorseg_gui.gui.palette_view import PaletteView
from colorseg_gui.gui.status import StatusFields

if TYPE_CHECKING:
    import numpy as np

    from colorseg_gui.gui.worker import LoadedImage, PreviewFrame, RunOutcome


class RunDisplay(QObject):
    """Paints what the controller reports into the view, the palette and the status bar.

    Holds what is on screen (image, final result, the labels behind the palette) and the
    generation last painted, so that an older request never paints over a newer one.
    """

    image_shown = Signal(object)  # LoadedImage, once its original is on screen
    preview_shown = Signal(int)  # iteration of each intermediate result painted
    result_shown = Signal(object)  # RunOutcome of the current request, once painted

    def __init__(
        self,
        controller: SegmentationController,
        view: ImageView,
        palette_view: PaletteView,
        status: StatusFields,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._controller = controller
        self._view = view
        self._palette_view = palette_view
        self._status = status
        self.loaded: LoadedImage | None = None
        self.outcome: RunOutcome | None = None  # None again once options change
        self._labels: np.ndarray | None = None  # per-colour labels of what the view shows
        self._painted_generation = 0
        self._rows_kept = False  # the palette shows exact steps of the painted run
        controller.image_loaded.connect(self._on_image_loaded)
        controller.preview_ready.connect(self._on_preview_ready)
        controller.result_ready.connect(self._on_result_ready)
        palette_view.cluster_selected.connect(self._on_cluster_selected)

    @Slot(int, object)
    def _on_image_loaded(self, gen: int, loaded: LoadedImage) -> None:
        from colorseg_gui.gui.qimage import ArrayImage

        self.loaded, self.outcome, self._labels = loaded, None, None
        picture = loaded.picture
        size = QSize(picture.width, picture.height)
        bigger = loaded.full.shape[:2] != loaded.display.shape[:2]
        full = ArrayImage(loaded.full) if bigger else None
        opaque = picture.alpha is None
        self._view.set_original(ArrayImage(loaded.screen, screen=opaque), full, size)
        self._palette_view.clear_palette()
        self._status.show_image(loaded)
        self.image_shown.emit(loaded)

    @Slot(int, object)
    def _on_preview_ready(self, gen: int, frame: PreviewFrame) -> None:
        from colorseg_gui.gui.qimage import ArrayImage

        if gen < self._painted_generation:
            return  # never paint an older request over a newer one
        if gen > self._painted_generation:
            self._palette_view.clear_highlight()  # cluster numbers mean nothing across runs
            self._rows_kept = False
        same_generation = gen == self._painted_generation
        self._painted_generation = gen
        self._view.set_result(ArrayImage(frame.image, screen=frame.opaque), None)
        self._labels = None if frame.sampled else frame.step.labels
        # Rows stay put while steps arrive (the same run's clusters keep their numbers).
        same_run = same_generation and not frame.sampled
        self._palette_view.set_palette(frame.step.palette, frame.step.weights,
                                       keep_rows=same_run and self._rows_kept)
        self._rows_kept = not frame.sampled
        self.refresh_highlight()
        cache = self._controller.cache
        if cache is not None and self.loaded is not None:
            picture = self.loaded.picture
            self._status.show_colors(cache.histogram.n_colors, picture.width, picture.height)
        self._status.show_frame(frame)
        self.preview_shown.emit(int(frame.step.iteration))

    @Slot(int, object)
    def _on_result_ready(self, gen: int, outcome: RunOutcome) -> None:
        from colorseg_gui.gui.qimage import ArrayImage

        if gen < self._painted_generation:
            return
        self._painted_generation = gen
        self.outcome = outcome
        opaque = outcome.result.histogram.alpha is None
        small = ArrayImage(outcome.preview, screen=opaque)  # borrowed, not copied
        # Full resolution only where the preview is smaller: zooming in stays exact.
        bigger = outcome.preview.shape[:2] != outcome.image.shape[:2]
        self._view.set_result(small, ArrayImage(outcome.image) if bigger else None)
        self._labels = outcome.result.step.labels
        self._palette_view.set_palette(outcome.palette, outcome.weights)
        self.refresh_highlight()
        hist = outcome.result.histogram
        self._status.show_colors(hist.n_colors, hist.shape[1], hist.shape[0])
        self._status.show_outcome(outcome)
        self.result_shown.emit(outcome)

    @Slot(int)
    def _on_cluster_selected(self, cluster: int) -> None:
        self.refresh_highlight()

    def refresh_highlight(self) -> None:
        """Dim all but the palette's selected cluster, at the best resolution there is."""
        cluster = self._palette_view.selected_cluster()
        cache = self._controller.cache
        if cluster < 0 or self._labels is None:
            self._view.set_highlight(None)
        elif self.outcome is not None and self.outcome.result.step.labels is self._labels:
            self._view.set_highlight(self.outcome.result.labels, cluster)  # full resolution
        elif cache is not None:
            import numpy as np

            preview = cache.preview
            index = preview.index[:: preview.samples, :: preview.samples]
            self._view.set_highlight(np.asarray(self._labels, dtype=np.uint8)[index], cluster)
        else:
            self._view.set_highlight(None)
