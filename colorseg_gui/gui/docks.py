"""The window's panels as dock widgets, and the version of their saved layout."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget

# Raised when a dock is added or moves: a layout saved by an older ColorSeg would place a
# new dock beside an old one (or nowhere), so it is not restored and the first-start layout
# comes instead.  2: the history strip, Ready to Make, My Colours and the k chart.
LAYOUT_VERSION = 2


def add_dock(window: QMainWindow, title: str, name: str, widget: QWidget,
             area: Qt.DockWidgetArea = Qt.DockWidgetArea.RightDockWidgetArea) -> QDockWidget:
    dock = QDockWidget(title, window)
    dock.setObjectName(name)
    dock.setWidget(widget)
    dock.setAccessibleName(title)
    dock.setFeatures(
        QDockWidget.DockWidgetFeature.DockWidgetMovable
        | QDockWidget.DockWidgetFeature.DockWidgetClosable
        | QDockWidget.DockWidgetFeature.DockWidgetFloatable
    )
    window.addDockWidget(area, dock)
    dock.toggleViewAction().setToolTip(f"Show or hide the {title.lower()} panel")
    return dock
