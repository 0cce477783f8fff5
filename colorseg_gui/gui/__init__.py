"""The PySide6 desktop window of ColorSeg."""

from colorseg_gui.gui.main_window import MainWindow

__all__ = ["MainWindow"]
