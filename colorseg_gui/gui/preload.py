"""Importing what the first image needs in the background, while the empty window is up."""

from __future__ import annotations

import importlib
import logging
import threading

log = logging.getLogger(__name__)

# Pure Python/numpy/Pillow modules only (about 0.35 s together on an idle machine, seconds on
# a busy one): nothing here defines Qt classes, which belong to the GUI thread. The GUI
# thread imports them itself when an image arrives first; Python's per-module import locks
# make it wait for a half-done import. Listed one by one so that a quit stops between them.
MODULES = (
    "numpy",
    "PIL.Image",
    "PIL.PngImagePlugin",
    "PIL.JpegImagePlugin",
    "colorseg_gui.engine.cluster.histogram",
    "colorseg_gui.engine.io.loading",
    "colorseg_gui.engine",
)
JOIN_TIMEOUT_S = 10.0


class Preloader:
    """A daemon thread importing MODULES until done or asked to stop."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._import_all, name="colorseg-preload",
                                       daemon=True)

    def _import_all(self) -> None:
        for name in MODULES:
            if self._stop.is_set():
                return  # quitting: the rest would only delay the exit
            try:
                importlib.import_module(name)
            except Exception:  # the GUI thread's own import will report it where it matters
                log.exception("preloading %s failed", name)
                return

    def stop(self) -> None:
        """Quit: finish the module being imported (never leave an import half done while
        the interpreter shuts down), skip the rest, and join."""
        self._stop.set()
        self.thread.join(JOIN_TIMEOUT_S)

    def join(self, timeout: float | None = None) -> None:
        self.thread.join(timeout)


def start() -> Preloader:
    """Start importing MODULES in a daemon thread; stop() it before the interpreter exits."""
    loader = Preloader()
    loader.thread.start()
    return loader
