"""The main window: wires the view, panels, actions and the segmentation controller."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QSize, Qt, Signal, Slot
from PySide6.QtGui import (
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QImage,
)
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMessageBox, QWidget

from colorseg_gui.engine import KMeansOptions
from colorseg_gui.gui import about, compare, drop, files, theme
from colorseg_gui.gui.actions import Actions, app_icon, build_menus, create_actions
from colorseg_gui.gui.bundle_export import BundleExport
from colorseg_gui.gui.controller import SegmentationController
from colorseg_gui.gui.finish_view import FinishView
from colorseg_gui.gui.hold_compare import HoldToCompare
from colorseg_gui.gui.image_view import ImageView
from colorseg_gui.gui.options_panel import OptionsPanel
from colorseg_gui.gui.palette_view import PaletteView
from colorseg_gui.gui.run_display import RunDisplay
from colorseg_gui.gui.segmented import SegmentedControl
from colorseg_gui.gui.settings import Settings
from colorseg_gui.gui.status import StatusBar, StatusFields, plural
from colorseg_gui.gui.tasks import TaskRunner
from colorseg_gui.gui.zoom_box import ZoomBox

if TYPE_CHECKING:
    from colorseg_gui.engine import Picture
    from colorseg_gui.gui.batch_dialog import BatchDialog
    from colorseg_gui.gui.worker import LoadedImage, RunOutcome

# numpy, Pillow, the engine and the worker are imported where they are first needed (an
# image arrives), not with the window, which then appears in about half the time; launch.py
# preloads them in the background once the window is up.

log = logging.getLogger(__name__)
APP_NAME = "ColorSeg"


class MainWindow(QMainWindow):
    """Drop an image, move k, watch the segmentation refine live."""

    preview_shown = Signal(int)  # iteration of each intermediate result painted
    result_ready = Signal(object)  # RunOutcome of the current request, when it ends
    files_written = Signal(object)  # Path (or list of mask paths) once a save/export is done

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_NAME)
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)
        self.settings = Settings()
        self.controller = SegmentationController(self)
        self.tasks = TaskRunner(self)
        self._ignored = 0  # files dropped together with the one being opened
        self.batch_dialog: BatchDialog | None = None  # offered when several files arrive

        self.view = ImageView()
        self.setCentralWidget(self.view)
        self._hold_compare = HoldToCompare(self, self.view.set_show_original,
                                           self.view.has_image)
        app = QCoreApplication.instance()
        if app is not None:  # on the application: Space must reach it before any control
            app.installEventFilter(self._hold_compare)
        self.options_panel = OptionsPanel(self.settings.run_options())
        self.palette_view = PaletteView()
        options_dock = self._dock("Options", "optionsDock", self.options_panel)
        palette_dock = self._dock("Palette", "paletteDock", self.palette_view)
        self._docks = [options_dock, palette_dock]
        self.commands: Actions = create_actions(self)
        self.zoom_box = ZoomBox()
        build_menus(
            self,
            self.commands,
            [options_dock.toggleViewAction(), palette_dock.toggleViewAction()],
            self.zoom_box,
        )
        self.setStatusBar(StatusBar())
        self.status = StatusFields(self.statusBar())
        self.display = RunDisplay(self.controller, self.view, self.palette_view, self.status, self)
        self.finishing = FinishView(self)  # cleanup, dithering, error map, colour vision
        self.bundle_export = BundleExport(self)  # File > Export Bundle
        self._connect()
        app = QCoreApplication.instance()
        if app is not None:  # safety net: a quit that bypasses closeEvent still joins workers
            app.aboutToQuit.connect(self.controller.shutdown)
            app.aboutToQuit.connect(self.tasks.shutdown)
            app.aboutToQuit.connect(self.finishing.shutdown)
        self._restore()
        self.theme = theme.attach(
            self.commands.themes, self.settings, self.findChild(SegmentedControl, "compareControl")
        )
        self.commands.stop.setEnabled(False)  # nothing runs yet
        self._update_enabled()
        self.statusBar().showMessage("Drop an image, or press Ctrl+O to open one")

    def _dock(self, title: str, name: str, widget: QWidget) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setAccessibleName(title)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        dock.toggleViewAction().setToolTip(f"Show or hide the {title.lower()} panel")
        return dock

    def _connect(self) -> None:
        a, c = self.commands, self.controller
        a.open.triggered.connect(self._on_open)
        a.open_sample.triggered.connect(self.open_sample)
        a.segment_many.triggered.connect(self._on_segment_many)
        a.save.triggered.connect(self._on_save)
        a.save_as.triggered.connect(self._on_save_as)
        a.export_palette.triggered.connect(self._on_export_palette)
        a.export_masks.triggered.connect(self._on_export_masks)
        a.quit.triggered.connect(self.close)
        a.copy_result.triggered.connect(self.copy_result)
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
        a.about.triggered.connect(self._on_about)
        a.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self.tasks.succeeded.connect(self._on_task_succeeded)
        self.tasks.failed.connect(self._on_task_failed)
        self.display.image_shown.connect(self._on_image_shown)
        self.display.preview_shown.connect(self.preview_shown)
        self.display.result_shown.connect(self._on_result_shown)
        c.load_failed.connect(self._on_load_failed)
        c.run_failed.connect(self._on_run_failed)
        c.busy_changed.connect(self._on_busy_changed)
        self.options_panel.options_changed.connect(self._on_options_changed)
        self.view.zoom_changed.connect(self._on_zoom_changed)
        self.view.mode_changed.connect(self._on_view_mode_changed)

    def _restore(self) -> None:
        geometry, state = self.settings.geometry(), self.settings.window_state()
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(QSize(1280, 820))
        if state is None or not self.restoreState(state):
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
        return self.controller.open_path(path, self.options_panel.options())

    def open_picture(self, picture: Picture) -> int:
        self.statusBar().showMessage(f"Opening {picture.name}…")
        self.status.begin()
        return self.controller.open_picture(picture, self.options_panel.options())

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
        from colorseg_gui.gui.batch_dialog import BatchDialog

        current = self.batch_dialog
        if current is not None and current.runner.running:
            current.raise_()
            return current
        if current is not None:
            current.deleteLater()
        dialog = BatchDialog(paths, self.options_panel.options, self)
        self.options_panel.options_changed.connect(dialog.refresh_settings)
        self.batch_dialog = dialog
        dialog.show()
        return dialog

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
        mime = QGuiApplication.clipboard().mimeData()
        paths = drop.openable_paths(mime) or drop.path_from_text(mime)
        if paths:
            self.open_paths(paths)
        elif mime is not None and mime.hasImage():
            image = QGuiApplication.clipboard().image()
            if image.isNull():
                self._show_error("Cannot paste", "the clipboard image could not be read")
                return
            self.open_qimage(image, "pasted image")
        else:
            self.statusBar().showMessage("The clipboard holds no image or image file", 5000)

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

    def _fill_recent_menu(self) -> None:
        menu = self.commands.recent_menu
        menu.clear()
        for entry in self.settings.recent_files:
            action = menu.addAction(Path(entry).name)
            action.setData(entry)
            action.setToolTip(entry)
            action.triggered.connect(self._on_recent)
        if menu.isEmpty():
            menu.addAction("No recent files").setEnabled(False)
        else:
            menu.addSeparator()
            menu.addAction("Clear Menu").triggered.connect(self.settings.clear_recent)

    @Slot()
    def _on_recent(self) -> None:
        action = self.sender()
        entry = action.data() if action is not None else None  # type: ignore[attr-defined]
        if not isinstance(entry, str):
            return
        if not Path(entry).exists():  # moved or deleted since: it leaves the menu
            self.settings.remove_recent(entry)
            self._on_load_failed(f"{Path(entry).name}: no such file (removed from Open Recent)")
            return
        self.open_path(entry)

    # ----- drag and drop -----------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        # Ignoring the event is what shows the refusing cursor.
        if drop.can_open(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    dragMoveEvent = dragEnterEvent  # type: ignore[assignment]  # same rule while moving

    def dropEvent(self, event: QDropEvent) -> None:
        mime = event.mimeData()
        paths = drop.openable_paths(mime)
        if paths:
            event.acceptProposedAction()
            self.open_paths(paths)
        elif mime is not None and mime.hasImage():
            event.acceptProposedAction()
            image = mime.imageData()
            if isinstance(image, QImage) and not image.isNull():
                self.open_qimage(image, "dropped image")
        else:
            event.ignore()

    # ----- controller signals (the display paints the run; see run_display.py) -----------
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

    @Slot(object)
    def _on_result_shown(self, outcome: RunOutcome) -> None:
        self._update_enabled()
        self.result_ready.emit(outcome)

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
    @Slot(object)
    def _on_options_changed(self, options: KMeansOptions) -> None:
        self.settings.save_run_options(options)
        if self.controller.set_options(options) is not None:
            self.status.begin()
            self.display.outcome = None
            self._update_enabled()

    @Slot()
    def _on_rerun(self) -> None:
        self.options_panel.flush()
        if self.controller.set_options(self.options_panel.options()) is not None:
            self.status.begin()
        self.display.outcome = None
        self._update_enabled()

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

    # ----- saving and exporting ---------------------------------------------------------------
    @property
    def outcome(self) -> RunOutcome | None:
        return self.display.outcome

    def _update_enabled(self) -> None:
        has_result = self.display.outcome is not None
        for action in (
            self.commands.save,
            self.commands.save_as,
            self.commands.export_palette,
            self.commands.export_masks,
            self.bundle_export.action,
            self.commands.copy_result,
        ):
            action.setEnabled(has_result)
        self.commands.rerun.setEnabled(self.display.loaded is not None)
        has_image = self.view.has_image()
        for action in self.commands.view_actions():
            action.setEnabled(has_image)
        self.zoom_box.setEnabled(has_image)

    @Slot()
    def _on_save(self) -> None:
        files.save(self)

    @Slot()
    def _on_save_as(self) -> None:
        files.save_as(self)

    @Slot()
    def _on_export_palette(self) -> None:
        files.export_palette_dialog(self)

    @Slot()
    def _on_export_masks(self) -> None:
        files.export_masks_dialog(self)

    @Slot(str, object)
    def _on_task_succeeded(self, tag: str, value: object) -> None:
        self.statusBar().showMessage(files.describe_written(tag, value), 8000)
        self.files_written.emit(value)

    @Slot(str, str)
    def _on_task_failed(self, tag: str, message: str) -> None:
        self.statusBar().showMessage(message, 8000)
        self._show_error(files.FAILURE_TITLES.get(tag, "Cannot write file"), message)

    @Slot()
    def copy_result(self) -> None:
        outcome = self.display.outcome
        if outcome is not None:
            from colorseg_gui.gui.qimage import array_to_qimage

            QGuiApplication.clipboard().setImage(array_to_qimage(outcome.image))
            self.statusBar().showMessage("Result copied to the clipboard", 4000)

    @property
    def loaded(self) -> LoadedImage | None:
        return self.display.loaded

    @Slot()
    def _on_about(self) -> None:
        about.show_about(self)

    # ----- closing ----------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        self.options_panel.flush_silently()
        # Remembered even if never run.
        self.settings.save_run_options(self.options_panel.options())
        self.settings.save_window(self.saveGeometry(), self.saveState())
        app = QCoreApplication.instance()
        if app is not None:
            app.removeEventFilter(self._hold_compare)
        self.settings.sync()
        if self.batch_dialog is not None:
            self.batch_dialog.shutdown()  # ends the batch's worker processes, joins its thread
        self.controller.shutdown()  # interrupts and joins every worker thread
        self.finishing.shutdown()
        self.tasks.shutdown()  # lets a save in progress finish writing
        super().closeEvent(event)
