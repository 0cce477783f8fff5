"""Importing what the first image needs in the background, while the empty window is up."""

from __future__ import annotations

import importlib
import logging
import threading

log = logging.getLogger(__name__)

# Pure Python/numpy/Pillow modules only (about 0.35 s together): nothing here defines Qt
# classes, which belong to the GUI thread. The GUI thread imports them itself when an image
# arrives first; Python's per-module import locks make it wait for a half-done import.
MODULES = ("numpy", "PIL.Image", "colorseg_gui.engine")
JOIN_TIMEOUT_S = 10.0


def _import_all() -> None:
    for name in MODULES:
        try:
            importlib.import_module(name)
        except Exception:  # the GUI thread's own import will report it where it matters
            log.exception("preloading %s failed", name)
            return


def start() -> threading.Thread:
    """Start importing MODULES in a daemon thread; join it before the interpreter exits."""
    thread = threading.Thread(target=_import_all, name="colorseg-preload", daemon=True)
    thread.start()
    return thread
