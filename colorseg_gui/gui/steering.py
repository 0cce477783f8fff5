"""Steering a run: Pause and Resume, and the edits of its colours (lock, merge, split, set,
delete, the eyedropper), each a step of the history that Undo takes back."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, Slot
from PySide6.QtGui import QAction, QColor, QKeySequence, QMouseEvent
from PySide6.QtWidgets import (
    QColorDialog,
    QDockWidget,
    QLineEdit,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from colorseg_gui.gui import icons
from colorseg_gui.gui.actions import menu_named
from colorseg_gui.gui.run.replay import Edit

if TYPE_CHECKING:
    from colorseg_gui.engine import Edited, KMeansOptions, KMeansStep
    from colorseg_gui.gui.k_sweep import KSweep
    from colorseg_gui.gui.main_window import MainWindow

log = logging.getLogger(__name__)
HEX = re.compile(r"^#?([0-9a-fA-F]{6})$")
COLD_KEY = "run/cold_start"
NOT_NOW = "Pause the run (Space) or let it finish to edit its colours"


class Steering(QObject):
    """The window's steering actions; every edit becomes a run of the controller (a Plan)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._model = window.model
        self._controller = window.controller
        self._palette = window.palette_view
        self.pause = self._action("&Pause", "Hold the run at its current step; Resume "
                                  "continues it exactly (Space while a run is under way)",
                                  "pauseAction", "Space", "pause")
        self.pause.setCheckable(True)
        self.lock = self._action("&Lock Colour", "Lock or unlock the selected colours: a "
                                 "locked colour never moves", "lockAction", "Ctrl+L", "lock")
        self.merge = self._action("&Merge Colours", "Merge the two selected colours into one",
                                  "mergeAction", "Ctrl+M")
        self.split = self._action("S&plit Colour", "Split the selected colour in two (with "
                                  "none selected: the one with the largest error)",
                                  "splitAction", "Ctrl+D")
        self.remove = self._action("&Delete Colour", "Delete the selected colour: its pixels go "
                                   "to the nearest other colour", "deleteAction",
                                   QKeySequence(QKeySequence.StandardKey.Delete))
        self.set_colour = self._action("Set &Colour…", "Choose the selected colour exactly "
                                       "(it is then locked)", "setColourAction", "Ctrl+K")
        self.eyedropper = self._action("&Pick from Image", "Click a pixel of the image: it "
                                       "becomes a new colour, or the selected one",
                                       "eyedropperAction", "I", "eyedropper")
        self.eyedropper.setCheckable(True)
        self.cold = self._action("Cold Start on k &Change", "A new k clusters from scratch "
                                 "instead of keeping the colours of the result shown",
                                 "coldStartAction")
        self.cold.setCheckable(True)
        self.cold.setChecked(window.settings.flag(COLD_KEY))
        self._controller.warm_k = not self.cold.isChecked()
        self.hex = QLineEdit()
        self.hex.setObjectName("hexField")
        self.hex.setPlaceholderText("#rrggbb")
        self.hex.setToolTip("Type a hex colour and press Enter: the selected colour takes it "
                            "(locked), or it is added when none is selected")
        self.hex.setMaximumWidth(90)
        self._place()
        self._connect()
        self._update()

    # ----- building ------------------------------------------------------------------------
    def _action(self, text: str, tip: str, name: str, key: str | QKeySequence | None = None,
                icon: str | None = None) -> QAction:
        action = QAction(text, self._window)
        action.setObjectName(name)
        action.setStatusTip(tip)
        if key is not None:
            action.setShortcut(QKeySequence(key))
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(f"{tip} ({keys})")
        else:
            action.setToolTip(tip)
        if icon is not None:
            action.setIcon(icons.icon(icon))
        self._window.addAction(action)  # shortcuts work with the menus hidden too
        return action

    def _place(self) -> None:
        window = self._window
        run_menu = menu_named(window, "&Run")
        edits = [self.lock, self.merge, self.split, self.remove, self.set_colour,
                 self.eyedropper]
        if run_menu is not None:
            if run_menu.actions():
                run_menu.insertAction(run_menu.actions()[0], self.pause)
            else:
                run_menu.addAction(self.pause)
            run_menu.addSeparator()
            run_menu.addActions(edits)
            run_menu.addSeparator()
            run_menu.addAction(self.cold)
        toolbar = window.findChild(QToolBar, "mainToolBar")
        stop = window.commands.stop
        if toolbar is not None:
            toolbar.insertAction(stop, self.pause)
        self.pause.setIconText("Pause")
        # Above the swatches: the edits in reach of the palette they work on.
        strip = QToolBar("Palette edits")
        strip.setObjectName("paletteEdits")
        strip.setIconSize(strip.iconSize() * 0.75)
        strip.addActions([self.lock, self.eyedropper])
        for action in (self.merge, self.split, self.remove):
            action.setIconText(action.text().replace("&", "").split()[0])
            strip.addAction(action)
        strip.addWidget(self.hex)
        dock = window.findChild(QDockWidget, "paletteDock")
        if dock is not None:
            box = QWidget()
            layout = QVBoxLayout(box)
            layout.setContentsMargins(0, 0, 0, 0)
            layout.setSpacing(0)
            layout.addWidget(strip)
            layout.addWidget(self._palette)
            dock.setWidget(box)
        self._palette.addActions([self.lock, self.merge, self.split, self.remove,
                                  self.set_colour])

    def _connect(self) -> None:
        m = self._model
        self.pause.toggled.connect(self._on_pause_toggled)
        self.lock.triggered.connect(self._on_lock)
        self.merge.triggered.connect(self._on_merge)
        self.split.triggered.connect(self._on_split)
        self.remove.triggered.connect(self._on_remove)
        self.set_colour.triggered.connect(self._on_set_colour)
        self.eyedropper.toggled.connect(self._on_eyedropper_toggled)
        self.cold.toggled.connect(self._on_cold_toggled)
        self.hex.returnPressed.connect(self._on_hex)
        self._palette.lock_clicked.connect(self._on_lock_clicked)
        self._palette.itemSelectionChanged.connect(self._update)
        for signal in (m.run_started, m.paused_changed, m.result_ready, m.history_changed,
                       m.outcome_changed):
            signal.connect(self._update)
        self._window.view.installEventFilter(self)
        self._window.hold_compare.also_requires(lambda: not self._model.running)

    # ----- state ---------------------------------------------------------------------------
    def source(self) -> tuple[KMeansStep, int | None] | None:
        """The step an edit applies to now (paused, or the result shown), and its next id."""
        m = self._model
        if m.run.paused is not None:
            return m.run.paused, m.run.paused_next_id
        current = m.history.current
        if m.running or current is None or current.image is not m.image or m.cache is None:
            return None
        return current.step, current.next_id

    @Slot()
    def _update(self) -> None:
        m = self._model
        source = self.source()
        self.pause.setEnabled(m.running and not m.run.from_history)
        if not m.running and self.pause.isChecked():
            self.pause.blockSignals(True)
            self.pause.setChecked(False)
            self.pause.blockSignals(False)
        k = 0 if source is None else len(source[0].ids)
        chosen = self._palette.selected_ids()
        self._palette.locking = source is not None
        self.lock.setEnabled(source is not None and bool(chosen))
        self.merge.setEnabled(source is not None and len(chosen) == 2)
        self.split.setEnabled(source is not None and len(chosen) <= 1 and k < 256)
        self.remove.setEnabled(source is not None and len(chosen) == 1 and k > 1)
        self.set_colour.setEnabled(source is not None and len(chosen) == 1)
        self.eyedropper.setEnabled(source is not None)
        self.hex.setEnabled(source is not None)
        if source is None and self.eyedropper.isChecked():
            self.eyedropper.setChecked(False)
        if len(chosen) == 1 and not self.hex.hasFocus() and source is not None:
            row = source[0].ids.index(chosen[0]) if chosen[0] in source[0].ids else -1
            if row >= 0:
                r, g, b = (int(v) for v in source[0].palette[row])
                self.hex.setText(f"#{r:02x}{g:02x}{b:02x}")

    # ----- pause ---------------------------------------------------------------------------
    @Slot(bool)
    def _on_pause_toggled(self, paused: bool) -> None:
        if paused:
            if self._controller.pause():
                self._say("Paused: edit the colours, or press Space to resume")
            else:
                self.pause.setChecked(False)
        else:
            self._model.resumed()
            self._controller.resume()
        self.pause.setText("&Resume" if paused else "&Pause")
        self.pause.setIconText("Resume" if paused else "Pause")

    # ----- the edits -----------------------------------------------------------------------
    def apply(self, edit: Edit) -> bool:
        """Apply ``edit`` to the paused step or the result shown and run on from it: the
        edited state is painted at once, then Lloyd refines it live.  False (and a one-line
        reason in the status bar) when it cannot be made."""
        from colorseg_gui.engine import EditError
        from colorseg_gui.gui.run.records import Plan
        from colorseg_gui.gui.run.replay import edited_state

        m, source = self._model, self.source()
        if source is None or m.cache is None:
            self._say(NOT_NOW)
            return False
        step, next_id = source
        try:
            state = edited_state(m.cache.histogram, step, edit, next_id)
        except EditError as exc:
            self._say(str(exc))
            return False
        entry = m.keep_paused() if m.run.paused is not None else m.history.current
        assert entry is not None
        self._uncheck_pause()
        # The edited state goes with the plan: the worker resumes from it, not from a copy.
        plan = Plan(entry.recipe.then(edit), entry.step, entry.next_id, state)
        options = _with_k(entry.options, state.k)
        self._window.options_panel.set_options(options)  # shows k; starts nothing
        self._window.status.begin()  # the time shown is this run's
        self._controller.run_plan(plan, options)
        self._show_edited(state)
        self._say(f"{edit.describe()}: k is {state.k}; refining from the edited colours")
        return True

    def _show_edited(self, state: Edited) -> None:
        """The edited colours with the labels the edit left, painted before any Lloyd step."""
        from colorseg_gui.engine import KMeansStep, StepKind, mse_rgb
        from colorseg_gui.gui.qimage import to_screen
        from colorseg_gui.gui.run.records import PreviewFrame

        cache = self._model.cache
        assert cache is not None
        hist = cache.histogram
        step = KMeansStep(iteration=0, centroids=state.centroids, palette=state.palette,
                          weights=state.weights, labels=state.labels,
                          inertia=float(state.sse.sum()) if state.sse is not None else 0.0,
                          changed=0, converged=False, space=state.space, k=state.k,
                          kind=StepKind.WARM, ids=state.ids, locked=state.locked_rows)
        image = to_screen(cache.preview.render(state.palette, state.labels))
        self._model.show_frame(PreviewFrame(step, image, mse_rgb(hist, state.palette,
                                                                 state.labels),
                                            hist.total_weight, opaque=hist.alpha is None))

    def _uncheck_pause(self) -> None:
        self.pause.blockSignals(True)
        self.pause.setChecked(False)
        self.pause.blockSignals(False)
        self.pause.setText("&Pause")
        self.pause.setIconText("Pause")

    @Slot(int)
    def _on_lock_clicked(self, cid: int) -> None:
        self.apply(Edit("unlock" if self._palette.is_locked(cid) else "lock", self._at(),
                        (cid,)))

    @Slot()
    def _on_lock(self) -> None:
        chosen = self._palette.selected_ids()
        if not chosen:
            self._say("Select a colour to lock it")
            return
        unlock = all(self._palette.is_locked(cid) for cid in chosen)
        self.apply(Edit("unlock" if unlock else "lock", self._at(), tuple(chosen)))

    @Slot()
    def _on_merge(self) -> None:
        chosen = self._palette.selected_ids()
        if len(chosen) != 2:
            self._say("Select two colours to merge (Ctrl+click the second)")
            return
        self.apply(Edit("merge", self._at(), tuple(chosen)))

    @Slot()
    def _on_split(self) -> None:
        chosen = self._palette.selected_ids()
        if len(chosen) > 1:
            self._say("Select one colour to split (or none: the one with the largest error)")
            return
        self.apply(Edit("split", self._at(), tuple(chosen)))

    @Slot()
    def _on_remove(self) -> None:
        chosen = self._palette.selected_ids()
        if len(chosen) != 1:
            self._say("Select one colour to delete")
            return
        self.apply(Edit("remove", self._at(), tuple(chosen)))

    @Slot()
    def _on_set_colour(self) -> None:
        chosen = self._palette.selected_ids()
        source = self.source()
        if len(chosen) != 1 or source is None:
            self._say("Select one colour to set it" if source is not None else NOT_NOW)
            return
        r, g, b = (int(v) for v in source[0].palette[source[0].ids.index(chosen[0])])
        colour = QColorDialog.getColor(QColor(r, g, b), self._window, "Set Colour")
        if colour.isValid():
            self.set_selected((colour.red(), colour.green(), colour.blue()))

    def set_selected(self, rgb: tuple[int, int, int]) -> bool:
        """The selected colour takes ``rgb``, locked (a colour you chose stays chosen: left
        free, the next Lloyd step would pull it back to the mean of its pixels); with none
        selected, ``rgb`` is added as a new, free colour that Lloyd grows a cluster around."""
        chosen = self._palette.selected_ids()
        if len(chosen) == 1:
            return self.apply(Edit("set", self._at(), (chosen[0],), colour=rgb, locked=True))
        return self.apply(Edit("add", self._at(), colour=rgb))

    @Slot()
    def _on_hex(self) -> None:
        match = HEX.match(self.hex.text().strip())
        if match is None:
            self._say("A hex colour is six digits 0-9 a-f, like #c0392b")
            return
        value = int(match.group(1), 16)
        self.set_selected(((value >> 16) & 255, (value >> 8) & 255, value & 255))

    # ----- the eyedropper ------------------------------------------------------------------
    @Slot(bool)
    def _on_eyedropper_toggled(self, armed: bool) -> None:
        view = self._window.view
        if armed:
            view.setCursor(Qt.CursorShape.CrossCursor)
            self._say("Click a pixel of the image (I again to cancel)")
        else:
            view.unsetCursor()

    def pick(self, x: int, y: int) -> bool:
        """The eyedropper's click at image pixel (x, y) of the original."""
        image = self._model.image
        if image is None:
            return False
        rgb = image.picture.rgb
        if not (0 <= y < rgb.shape[0] and 0 <= x < rgb.shape[1]):
            self._say("That point is outside the image")
            return False
        self.eyedropper.setChecked(False)
        r, g, b = (int(v) for v in rgb[y, x])
        return self.set_selected((r, g, b))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (self.eyedropper.isChecked() and event.type() == QEvent.Type.MouseButtonPress
                and isinstance(event, QMouseEvent)
                and event.button() == Qt.MouseButton.LeftButton):
            point = self._window.view.image_point(event.position())
            self.pick(int(point.x()), int(point.y()))
            return True
        return False

    # ----- helpers -------------------------------------------------------------------------
    @Slot(bool)
    def _on_cold_toggled(self, cold: bool) -> None:
        self._controller.warm_k = not cold
        self._window.settings.set_flag(COLD_KEY, cold)

    def _at(self) -> int:
        source = self.source()
        return int(source[0].iteration) if source is not None else 0

    def _say(self, message: str) -> None:
        self._window.statusBar().showMessage(message, 5000)


def _with_k(options: KMeansOptions, k: int) -> KMeansOptions:
    """What the options panel shows of an edited state: its own k."""
    try:
        return options.replace(k=k)
    except ValueError:  # more starting colours than the edited k: the panel shows no colours
        return options.replace(k=k, init="k-means++", locked=())


def attach_steering(window: MainWindow) -> tuple[Steering, KSweep]:
    """The steering actions and the colours-for-each-k dock of ``window``."""
    from colorseg_gui.gui.k_sweep import KSweep

    return Steering(window), KSweep(window)
