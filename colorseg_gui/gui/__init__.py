"""The PySide6 desktop window of ColorSeg."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from colorseg_gui.gui.main_window import MainWindow

__all__ = ["MainWindow"]


def __getattr__(name: str) -> object:
    # Lazy, so that `colorseg-gui --version` and the submodules load without the window.
    if name == "MainWindow":
        from colorseg_gui.gui.main_window import MainWindow

        return MainWindow
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
