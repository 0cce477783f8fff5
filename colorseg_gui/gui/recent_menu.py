"""File > Open Recent: filled from the settings each time it opens."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QMenu

from colorseg_gui.gui.settings import Settings


class RecentMenu(QObject):
    """Lists the recent files; a chosen one that has gone leaves the menu with a message."""

    def __init__(self, menu: QMenu, settings: Settings, open_path: Callable[[str], object],
                 report_missing: Callable[[str], None]) -> None:
        super().__init__(menu)
        self._menu = menu
        self._settings = settings
        self._open = open_path
        self._report_missing = report_missing
        menu.aboutToShow.connect(self.fill)

    @Slot()
    def fill(self) -> None:
        menu = self._menu
        menu.clear()
        for entry in self._settings.recent_files:
            action = menu.addAction(Path(entry).name)
            action.setData(entry)
            action.setToolTip(entry)
            action.triggered.connect(self._on_recent)
        if menu.isEmpty():
            menu.addAction("No recent files").setEnabled(False)
        else:
            menu.addSeparator()
            menu.addAction("Clear Menu").triggered.connect(self._settings.clear_recent)

    @Slot()
    def _on_recent(self) -> None:
        action = self.sender()
        entry = action.data() if action is not None else None  # type: ignore[attr-defined]
        if not isinstance(entry, str):
            return
        if not Path(entry).exists():  # moved or deleted since: it leaves the menu
            self._settings.remove_recent(entry)
            self._report_missing(f"{Path(entry).name}: no such file (removed from Open Recent)")
            return
        self._open(entry)
