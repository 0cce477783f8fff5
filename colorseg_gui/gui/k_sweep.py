"""The "Colours for each k" dock: the J-versus-k table computed in the background after the
first result (engine elbow.iter_k_table), drawn by kChartView; a click on a k sets it."""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QDockWidget

from colorseg_gui.gui.actions import menu_named
from colorseg_gui.gui.controller import forget_thread, register_thread
from colorseg_gui.gui.docks import add_dock
from colorseg_gui.gui.k_chart import DEFAULT_THRESHOLD, KChartPanel

if TYPE_CHECKING:
    from colorseg_gui.engine import ColorHistogram, KMeansOptions, KMeansStep, KRow
    from colorseg_gui.gui.main_window import MainWindow
    from colorseg_gui.gui.run.model import CurrentRun
    from colorseg_gui.gui.run.records import RunOutcome

log = logging.getLogger(__name__)
K_LAST = 32
THRESHOLD_KEY = "kchart/threshold"
JOIN_TIMEOUT_MS = 30_000


class SweepWorker(QObject):
    """Runs iter_k_table on its own thread; waits (inside should_stop, between Lloyd
    iterations) while the window's own run is under way, so it never competes with it."""

    row_ready = Signal(int, object)  # generation, KRow
    done = Signal()

    def __init__(self, generation: int, hist: ColorHistogram, options: KMeansOptions,
                 start: KMeansStep) -> None:
        super().__init__()
        self.generation = generation
        self._hist, self._options, self._start = hist, options, start
        self.cancelled = threading.Event()
        self.go = threading.Event()  # clear: hold still (a run of the window is under way)
        self.go.set()

    def cancel(self) -> None:
        self.cancelled.set()
        self.go.set()

    def _should_stop(self) -> bool:
        while not self.go.is_set() and not self._stopping():
            self.go.wait(0.05)
        return self._stopping()

    def _stopping(self) -> bool:
        return self.cancelled.is_set() or QThread.currentThread().isInterruptionRequested()

    @Slot()
    def run(self) -> None:
        from colorseg_gui.engine import iter_k_table

        try:
            # Linux nice is per thread: this one yields to the run and the window.
            with contextlib.suppress(AttributeError, OSError):
                os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
            for row in iter_k_table(self._hist, self._options, range(2, K_LAST + 1),
                                    start=self._start, should_stop=self._should_stop):
                if self._stopping():
                    break
                self.row_ready.emit(self.generation, row)
        except Exception:  # the table is a help, never a reason for the window to fail
            log.exception("the k sweep failed")
        finally:
            app = QCoreApplication.instance()
            if app is not None:
                self.moveToThread(app.thread())
            self.done.emit()


class KSweep(QObject):
    """Owns the dock and the sweep's thread; follows the run model."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._model = window.model
        self.panel = KChartPanel()
        self.chart = self.panel.chart
        settings = window.settings
        self.panel.threshold.setValue(settings.number(THRESHOLD_KEY, DEFAULT_THRESHOLD, 0.5,
                                                      20.0))
        self.panel.threshold.valueChanged.connect(
            lambda value: settings.set_number(THRESHOLD_KEY, value))
        # Beside the history strip, under the view: the panels on the right keep their height
        # (the palette needs it most).
        self.dock = add_dock(window, "Colours for each k", "kChartDock", self.panel,
                             Qt.DockWidgetArea.BottomDockWidgetArea)
        history = window.findChild(QDockWidget, "historyDock")
        if history is not None:
            window.splitDockWidget(history, self.dock, Qt.Orientation.Horizontal)
            window.resizeDocks([history, self.dock], [3, 2], Qt.Orientation.Horizontal)
        view_menu = menu_named(window, "&View")
        if view_menu is not None:
            shown = view_menu.actions()
            docks = [i for i, a in enumerate(shown) if a.text() == "History"]
            if docks and docks[0] + 1 < len(shown):
                view_menu.insertAction(shown[docks[0] + 1], self.dock.toggleViewAction())
            else:
                view_menu.addAction(self.dock.toggleViewAction())
        self._threads: dict[QThread, SweepWorker] = {}
        self._generation = 0
        self._key: tuple[object, KMeansOptions] | None = None  # what the rows were made for
        self._closed = False
        self.panel.k_chosen.connect(self._on_k_chosen)
        m = self._model
        m.image_loaded.connect(self._on_image_loaded)
        m.run_started.connect(self._on_run_started)
        m.result_ready.connect(self._on_result_ready)
        m.outcome_changed.connect(self._on_outcome_changed)
        m.history_changed.connect(self._resume_if_idle)
        # Joined when the window closes (before its own closeEvent) or the application quits.
        window.installEventFilter(self)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() == QEvent.Type.Close:
            self.shutdown()
        return False

    # ----- state -------------------------------------------------------------------------
    def running_threads(self) -> list[QThread]:
        return [t for t in self._threads if t.isRunning()]

    @property
    def active(self) -> bool:
        return any(w.generation == self._generation and not w.cancelled.is_set()
                   for w in self._threads.values())

    # ----- model signals ---------------------------------------------------------------------
    @Slot(object)
    def _on_image_loaded(self, _loaded: object) -> None:
        self._cancel()
        self._key = None
        self.panel.clear()

    @Slot(object)
    def _on_run_started(self, run: CurrentRun) -> None:
        options = run.options
        if (self._key is not None and options is not None and not run.from_history
                and run.plan is None and options.replace(k=2) != self._key[1]):
            self._cancel()  # other options: the rows so far are of another table
            self._key = None
        for worker in self._threads.values():
            worker.go.clear()  # the window's run goes first

    @Slot()
    def _resume_if_idle(self) -> None:
        if not self._model.running:
            for worker in self._threads.values():
                worker.go.set()

    @Slot(object)
    def _on_outcome_changed(self, outcome: RunOutcome | None) -> None:
        if outcome is not None:
            self.chart.set_current_k(outcome.k)

    @Slot(object)
    def _on_result_ready(self, outcome: RunOutcome) -> None:
        self._resume_if_idle()
        m = self._model
        entry = m.history.current
        if self._closed or m.cache is None or entry is None or m.running:
            return
        # The table depends on the image and every option but k (a k change keeps it).
        key = (m.cache, outcome.options.replace(k=2))
        if key == self._key:
            return
        self._cancel()
        self._key = key
        self.panel.clear()
        self.panel.set_state("Working out the error for each k…")
        self._generation += 1
        worker = SweepWorker(self._generation, m.cache.histogram,
                             entry.recipe.options, entry.step)
        thread = QThread()
        thread.setObjectName(f"k-sweep-{self._generation}")
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.done.connect(thread.quit)
        thread.finished.connect(self._on_thread_finished)
        worker.row_ready.connect(self._on_row_ready)
        self._threads[thread] = worker
        register_thread(thread)
        thread.start(QThread.Priority.LowestPriority)

    @Slot(int, object)
    def _on_row_ready(self, generation: int, row: KRow) -> None:
        if generation == self._generation:
            self.panel.add_row(row, K_LAST)
            # Rows come up from the current k, then down: say how many, not which is next.
            done = len(self.chart.rows())
            self.panel.set_state(f"{done} of {K_LAST - 1} values of k worked out…")

    @Slot()
    def _on_thread_finished(self) -> None:
        thread = self.sender()
        if isinstance(thread, QThread):
            thread.wait()
            worker = self._threads.pop(thread, None)
            forget_thread(thread)
            if worker is not None and worker.generation == self._generation:
                self.panel.set_state("")  # done (or as far as the image's colours go)

    @Slot(int)
    def _on_k_chosen(self, k: int) -> None:
        # Through the k spin box, as if typed: debounced, then a warm start from the result.
        self._window.options_panel.k_spin.setValue(k)

    # ----- ending ------------------------------------------------------------------------
    def _cancel(self) -> None:
        for thread, worker in self._threads.items():
            worker.cancel()
            thread.requestInterruption()

    def shutdown(self) -> None:
        """Interrupt and join the sweep (window closing); never terminates it."""
        self._closed = True
        self._cancel()
        for thread in list(self._threads):
            thread.quit()
            if not thread.wait(JOIN_TIMEOUT_MS):
                log.error("the k sweep did not stop within %d ms", JOIN_TIMEOUT_MS)
                continue
            self._threads.pop(thread, None)
            forget_thread(thread)
