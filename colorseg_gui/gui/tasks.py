"""One-off background jobs (saving and exporting) on their own QThread, joined on close."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, Slot

from colorseg_gui.gui import controller as controller_module

log = logging.getLogger(__name__)


class _TaskWorker(QObject):
    succeeded = Signal(str, object)
    failed = Signal(str, str)
    done = Signal()

    def __init__(self, tag: str, function: Callable[..., Any], args: tuple[Any, ...]) -> None:
        super().__init__()
        self._tag = tag
        self._function = function
        self._args = args

    @Slot()
    def run(self) -> None:
        from colorseg_gui.engine import ExportError  # not with the window: start-up time

        try:
            self.succeeded.emit(self._tag, self._function(*self._args))
        except (ExportError, OSError, ValueError) as exc:
            self.failed.emit(self._tag, str(exc))
        except MemoryError:
            self.failed.emit(self._tag, "not enough memory to write this file")
        except Exception as exc:
            log.exception("background task failed")
            self.failed.emit(self._tag, f"{type(exc).__name__}: {exc}")
        finally:
            app = QCoreApplication.instance()
            if app is not None:
                self.moveToThread(app.thread())  # freed by the runner in the GUI thread
            self.done.emit()


class TaskRunner(QObject):
    """Runs a function off the GUI thread and reports back with plain data."""

    succeeded = Signal(str, object)  # tag, what the function returned
    failed = Signal(str, str)  # tag, one-line message

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._running: dict[QThread, _TaskWorker] = {}

    def run(self, tag: str, function: Callable[..., Any], *args: Any) -> None:
        thread = QThread()
        thread.setObjectName(f"task-{tag}")
        worker = _TaskWorker(tag, function, args)
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.done.connect(thread.quit)
        worker.succeeded.connect(self._on_succeeded)
        worker.failed.connect(self._on_failed)
        thread.finished.connect(self._on_thread_finished)
        self._running[thread] = worker
        controller_module.register_thread(thread)
        thread.start()

    @property
    def busy(self) -> bool:
        return bool(self._running)

    @Slot(str, object)
    def _on_succeeded(self, tag: str, value: object) -> None:
        self.succeeded.emit(tag, value)

    @Slot(str, str)
    def _on_failed(self, tag: str, message: str) -> None:
        self.failed.emit(tag, message)

    @Slot()
    def _on_thread_finished(self) -> None:
        thread = self.sender()
        if isinstance(thread, QThread):
            thread.wait()
            self._running.pop(thread, None)
            controller_module.forget_thread(thread)

    def shutdown(self) -> None:
        """Let every write finish (they are atomic and short), then join the threads.

        quit() is called here, not left to the queued done -> quit connection: that one
        needs the GUI event loop, which is blocked in this very wait().
        """
        for thread in list(self._running):
            thread.quit()  # the loop ends once run() has returned: the write completes
            thread.wait()
            controller_module.forget_thread(thread)
