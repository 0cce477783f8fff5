"""The main window: wires the view, panels and actions to the run model and its controller."""

from __future__ import annotations

import logging
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QSize, Qt, Slot
from PySide6.QtGui import (
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QImage,
)
from PySide6.QtWidgets import QMainWindow, QMessageBox, QWidget

from colorseg_gui.engine import KMeansOptions
from colorseg_gui.gui import about, compare, drop, files, theme
from colorseg_gui.gui.actions import Actions, app_icon, build_menus, create_actions
from colorseg_gui.gui.bundle_export import BundleExport
from colorseg_gui.gui.controller import SegmentationController
from colorseg_gui.gui.docks import LAYOUT_VERSION, add_dock
from colorseg_gui.gui.finish_view import FinishView
from colorseg_gui.gui.hold_compare import HoldToCompare
from colorseg_gui.gui.image_view import ImageView
from colorseg_gui.gui.options_panel import OptionsPanel
from colorseg_gui.gui.palette_view import PaletteView
from colorseg_gui.gui.recent_menu import RecentMenu
from colorseg_gui.gui.run.commands import HistoryCommands
from colorseg_gui.gui.run.display import RunDisplay
from colorseg_gui.gui.run.history_view import HistoryView
from colorseg_gui.gui.run.model import RunModel
from colorseg_gui.gui.run.timeline import TimelineView, stacked
from colorseg_gui.gui.segmented import SegmentedControl
from colorseg_gui.gui.session_files import SessionCommands
from colorseg_gui.gui.settings import Settings
from colorseg_gui.gui.status import StatusBar, StatusFields, plural
from colorseg_gui.gui.steering import attach_steering
from colorseg_gui.gui.zoom_box import ZoomBox

if TYPE_CHECKING:
    from colorseg_gui.engine import Picture
    from colorseg_gui.gui.batch_dialog import BatchDialog
    from colorseg_gui.gui.run.records import LoadedImage, RunOutcome

# numpy, Pillow, the engine and the worker are imported where they are first needed (an
# image arrives), not with the window, which then appears in about half the time; launch.py
# preloads them in the background once the window is up.

log = logging.getLogger(__name__)
APP_NAME = "ColorSeg"


class MainWindow(QMainWindow):
    """Drop an image, move k, watch the segmentation refine live, go back through results.

    What is open and what was made of it lives in ``self.model`` (gui/run/model.py); the
    window's own public signals are the model's and the display's, not relays of them:
    ``preview_shown(int)`` (a frame painted, live or from the timeline), ``result_ready``
    (a run ended and is painted), ``files_written`` (a save or export is done).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_NAME)
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)
        self.settings = Settings()
        self.model = RunModel(self)
        self.controller = SegmentationController(self.model, self)
        self._ignored = 0  # files dropped together with the one being opened
        self.batch_dialog: BatchDialog | None = None  # offered when several files arrive

        self.view = ImageView()
        self.hold_compare = HoldToCompare(self, self.view.set_show_original,
                                           self.view.has_image)
        app = QCoreApplication.instance()
        if app is not None:  # on the application: Space must reach it before any control
            app.installEventFilter(self.hold_compare)
        self.options_panel = OptionsPanel(self.settings.run_options())
        self.palette_view = PaletteView()
        options_dock = add_dock(self, "Options", "optionsDock", self.options_panel)
        palette_dock = add_dock(self, "Palette", "paletteDock", self.palette_view)
        self._docks = [options_dock, palette_dock]
        self.history_view = HistoryView(self.model)
        # The strip runs under the view only: the panels on the right keep their full height.
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        history_dock = add_dock(self, "History", "historyDock", self.history_view,
                                  Qt.DockWidgetArea.BottomDockWidgetArea)
        self.commands: Actions = create_actions(self)
        self.zoom_box = ZoomBox()
        build_menus(
            self,
            self.commands,
            [d.toggleViewAction() for d in (options_dock, palette_dock, history_dock)],
            self.zoom_box,
        )
        self.setStatusBar(StatusBar())
        self.status = StatusFields(self.statusBar())
        self.display = RunDisplay(self.model, self.view, self.palette_view, self.status, self)
        self.timeline = TimelineView(self.model, self.display)
        self.setCentralWidget(stacked(self.view, self.timeline))
        self.finishing = FinishView(self)  # cleanup, dithering, error map, colour vision
        self.file_commands = files.FileCommands(
            self, self.model, self.settings, self.finishing,
            lambda: self.options_panel.options().k, self.statusBar().showMessage)
        self.tasks = self.file_commands.tasks
        self.history = HistoryCommands(self.model, self.controller, self.options_panel,
                                       self.commands.undo, self.commands.redo,
                                       self.history_view, self.statusBar().showMessage)
        self.preview_shown = self.display.preview_shown
        self.result_ready = self.model.result_ready
        self.files_written = self.file_commands.written
        self.bundle_export = BundleExport(self)  # File > Export Bundle
        self.sessions = SessionCommands(self)  # File > Save Session, Open Session
        self._connect()
        # Pause, lock, merge, split, set, delete, the eyedropper; the colours-for-each-k dock.
        self.steering, self.k_sweep = attach_steering(self)
        app = QCoreApplication.instance()
        if app is not None:  # safety net: a quit that bypasses closeEvent still joins workers
            for shutdown in (self.controller.shutdown, self.file_commands.shutdown,
                             self.finishing.shutdown, self.timeline.shutdown):
                app.aboutToQuit.connect(shutdown)
        self._restore()
        self.theme = theme.attach(
            self.commands.themes, self.settings, self.findChild(SegmentedControl, "compareControl")
        )
        self.commands.stop.setEnabled(False)  # nothing runs yet
        self._update_enabled()
        self.statusBar().showMessage("Drop an image, or press Ctrl+O to open one")

    def _connect(self) -> None:
        a, c = self.commands, self.controller
        a.open.triggered.connect(self._on_open)
        a.open_sample.triggered.connect(self.open_sample)
        a.segment_many.triggered.connect(self._on_segment_many)
        f = self.file_commands
        a.save.triggered.connect(f.save)
        a.save_as.triggered.connect(f.save_as)
        a.export_palette.triggered.connect(f.export_palette)
        a.export_masks.triggered.connect(f.export_masks)
        a.quit.triggered.connect(self.close)
        a.copy_result.triggered.connect(f.copy_result)
        a.paste.triggered.connect(self.paste)
        a.fit.triggered.connect(self.view.fit_to_window)
        a.fit_enlarges.toggled.connect(self.view.set_fit_enlarges)
        self.zoom_box.fit_requested.connect(self.view.fit_to_window)
        self.zoom_box.zoom_requested.connect(self.view.zoom_to)
        a.actual_size.triggered.connect(self.view.zoom_actual)
        a.zoom_in.triggered.connect(self.view.zoom_in)
        a.zoom_out.triggered.connect(self.view.zoom_out)
        for action in a.modes.values():
            action.triggered.connect(self._on_mode_action)
        a.stop.triggered.connect(self.stop)
        a.rerun.triggered.connect(self._on_rerun)
        a.new_seed.triggered.connect(self.options_panel.new_seed)
        a.about.triggered.connect(partial(about.show_about, self))
        self._recent = RecentMenu(a.recent_menu, self.settings, self.open_path,
                                  self._on_load_failed)
        self.display.image_shown.connect(self._on_image_shown)
        self.model.outcome_changed.connect(self._update_enabled)
        c.load_failed.connect(self._on_load_failed)
        c.run_failed.connect(self._on_run_failed)
        c.busy_changed.connect(self._on_busy_changed)
        self.model.paused_changed.connect(lambda step: self.status.set_paused(step is not None))
        self.options_panel.options_changed.connect(self._on_options_changed)
        self.finishing.locks_changed.connect(self._on_rerun)
        self.view.zoom_changed.connect(self._on_zoom_changed)
        self.view.mode_changed.connect(self._on_view_mode_changed)

    def _restore(self) -> None:
        geometry, state = self.settings.geometry(), self.settings.window_state()
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(QSize(1280, 820))
        if state is None or not self.restoreState(state, LAYOUT_VERSION):
            # First start: the options need little height, the palette gets the rest.
            self.resizeDocks(self._docks, [230, 600], Qt.Orientation.Vertical)
        mode = self.settings.compare_mode
        self.view.set_mode(mode if mode in compare.MODES else compare.RESULT)
        self.commands.modes[self.view.mode].setChecked(True)

    # ----- the one loading path -----------------------------------------------------------
    def open_path(self, path: str | Path) -> int:
        """Open an image file (dialog, drop, paste, argv, recent, Open With all come here)."""
        path = Path(path)
        self.statusBar().showMessage(f"Opening {path.name}…")
        self.status.begin()
        return self.controller.open_path(path, self.run_options())

    def open_picture(self, picture: Picture) -> int:
        self.statusBar().showMessage(f"Opening {picture.name}…")
        self.status.begin()
        return self.controller.open_picture(picture, self.run_options())

    def open_paths(self, paths: list[Path]) -> int | None:
        """Open the first of several files, and offer to segment them all (the batch window)."""
        if not paths:
            return None
        gen = self.open_path(paths[0])
        self._ignored = len(paths) - 1
        if len(paths) > 1:
            self.offer_batch(paths)
        return gen

    @Slot()
    def _on_segment_many(self) -> None:
        from colorseg_gui.gui.batch_dialog import ask_batch_paths

        paths = ask_batch_paths(self, self.settings.last_folder)
        if paths:
            self.offer_batch(paths)

    def offer_batch(self, paths: list[Path]) -> BatchDialog:
        """The batch window for these files, non-modal; a running batch is never replaced."""
        from colorseg_gui.gui.batch_dialog import offer

        self.batch_dialog = offer(self, self.batch_dialog, paths, self.options_panel)
        return self.batch_dialog

    def open_sample(self) -> int | None:
        try:
            from colorseg_gui.resources import SAMPLE_IMAGE, resource_path

            return self.open_path(resource_path(SAMPLE_IMAGE))
        except OSError as exc:
            self._show_error("Cannot open the sample image", str(exc))
            return None

    @Slot()
    def _on_open(self) -> None:
        path = files.ask_open_path(self, self.settings.last_folder)
        if path is not None:
            self.open_path(path)

    @Slot()
    def paste(self) -> None:
        clipboard = QGuiApplication.clipboard()
        found = drop.to_open(clipboard.mimeData(), text_paths=True)
        if isinstance(found, list):
            self.open_paths(found)
        elif found is None:
            self.statusBar().showMessage("The clipboard holds no image or image file", 5000)
        elif clipboard.image().isNull():
            self._show_error("Cannot paste", "the clipboard image could not be read")
        else:
            self.open_qimage(clipboard.image(), "pasted image")

    def open_qimage(self, image: QImage, name: str) -> int | None:
        """Open pasted or dropped image data (not a file) through the same path."""
        from colorseg_gui.engine import ImageLoadError, picture_from_array
        from colorseg_gui.gui.qimage import qimage_to_array

        array = qimage_to_array(image)
        try:
            return self.open_picture(picture_from_array(array, name=name))
        except (ImageLoadError, ValueError) as exc:
            self._show_error("Cannot paste", str(exc))
            return None

    # ----- drag and drop -----------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        # Ignoring the event is what shows the refusing cursor.
        if drop.can_open(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    dragMoveEvent = dragEnterEvent  # type: ignore[assignment]  # same rule while moving

    def dropEvent(self, event: QDropEvent) -> None:
        found = drop.to_open(event.mimeData())
        if found is None:
            event.ignore()
            return
        event.acceptProposedAction()
        if isinstance(found, list):
            self.open_paths(found)
        elif not found.isNull():
            self.open_qimage(found, "dropped image")

    # ----- model and controller signals (the display paints the run: gui/run/display.py) --
    @Slot(object)
    def _on_image_shown(self, loaded: LoadedImage) -> None:
        picture = loaded.picture
        self.setWindowTitle(f"{picture.name} — {APP_NAME}")
        if picture.path is not None:
            self.settings.add_recent(str(picture.path))
            self.settings.last_folder = str(picture.path.parent)
        notes = "; ".join(picture.notes)
        if self._ignored:
            ignored = f"{plural(self._ignored, 'more file')} not opened: see the batch window"
            notes = "; ".join(filter(None, [notes, ignored]))
            self._ignored = 0
        # Short: the state of the run (counting colours, refining...) shows once it goes.
        self.statusBar().showMessage(
            f"Opened {picture.name}" + (f" ({notes})" if notes else ""), 4000 if notes else 2000
        )
        self._update_enabled()

    @Slot(str)
    def _on_load_failed(self, message: str) -> None:
        self.statusBar().showMessage(f"Could not open: {message}", 8000)
        self._show_error("Cannot open image", message)

    @Slot(int, str)
    def _on_run_failed(self, gen: int, message: str) -> None:
        self.status.show_failed(message)
        self._show_error("Segmentation failed", message)

    @Slot(bool)
    def _on_busy_changed(self, busy: bool) -> None:
        self.commands.stop.setEnabled(busy)
        self.status.set_busy(busy)

    @Slot(float)
    def _on_zoom_changed(self, scale: float) -> None:
        self.zoom_box.show_zoom(scale, self.view.fitted)

    def _show_error(self, title: str, message: str) -> None:
        QMessageBox.warning(self, title, message)

    # ----- options, run control -------------------------------------------------------------
    def run_options(self) -> KMeansOptions:
        """The options panel's, with the owned colours My Colours locks."""
        return self.finishing.with_owned_locks(self.options_panel.options())

    @Slot(object)
    def _on_options_changed(self, options: KMeansOptions) -> None:
        self.settings.save_run_options(options)
        if self.controller.set_options(self.finishing.with_owned_locks(options)) is not None:
            self.status.begin()

    @Slot()
    def _on_rerun(self) -> None:
        self.options_panel.flush()
        if self.controller.set_options(self.run_options()) is not None:
            self.status.begin()

    @Slot()
    def stop(self) -> None:
        if self.controller.stop():
            self.statusBar().showMessage("Stopping; the current step is kept", 4000)

    @Slot()
    def _on_mode_action(self) -> None:
        action = self.sender()
        mode = action.data() if action is not None else None  # type: ignore[attr-defined]
        if isinstance(mode, str):
            self.view.set_mode(mode)

    @Slot(str)
    def _on_view_mode_changed(self, mode: str) -> None:
        self.commands.modes[mode].setChecked(True)
        self.settings.compare_mode = mode

    # ----- what is open and what was made of it (the model's) ---------------------------------
    @property
    def outcome(self) -> RunOutcome | None:
        return self.model.outcome

    @property
    def loaded(self) -> LoadedImage | None:
        return self.model.image

    @Slot()
    def _update_enabled(self) -> None:
        a = self.commands
        for action in (a.save, a.save_as, a.export_palette, a.export_masks,
                       self.bundle_export.action, a.copy_result):
            action.setEnabled(self.model.outcome is not None)
        self.commands.rerun.setEnabled(self.model.image is not None)
        has_image = self.view.has_image()
        for action in self.commands.view_actions():
            action.setEnabled(has_image)
        self.zoom_box.setEnabled(has_image)

    # ----- closing ----------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        self.options_panel.flush_silently()
        # Remembered even if never run.
        self.settings.save_run_options(self.options_panel.options())
        self.settings.save_window(self.saveGeometry(), self.saveState(LAYOUT_VERSION))
        app = QCoreApplication.instance()
        if app is not None:
            app.removeEventFilter(self.hold_compare)
        self.settings.sync()
        if self.batch_dialog is not None:
            self.batch_dialog.shutdown()  # ends the batch's worker processes, joins its thread
        self.controller.shutdown()  # interrupts and joins every worker thread
        self.finishing.shutdown()
        self.timeline.shutdown()
        self.file_commands.shutdown()  # lets a save in progress finish writing
        super().closeEvent(event)
