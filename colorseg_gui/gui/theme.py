"""Light and dark: follow the system colour scheme, or the one chosen under View > Theme."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QAction, QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

if TYPE_CHECKING:
    from colorseg_gui.gui.segmented import SegmentedControl
    from colorseg_gui.gui.settings import Settings

SYSTEM, LIGHT, DARK = "system", "light", "dark"
THEMES: tuple[str, ...] = (SYSTEM, LIGHT, DARK)
LABELS = {SYSTEM: "&System", LIGHT: "&Light", DARK: "&Dark"}

_R, _G = QPalette.ColorRole, QPalette.ColorGroup
_DARK = {
    _R.Window: "#2b2b2e", _R.WindowText: "#e8e8e8", _R.Base: "#1f1f22",
    _R.AlternateBase: "#29292c", _R.ToolTipBase: "#3b3b40", _R.ToolTipText: "#f0f0f0",
    _R.PlaceholderText: "#8c8c90", _R.Text: "#e8e8e8", _R.Button: "#38383c",
    _R.ButtonText: "#e8e8e8", _R.BrightText: "#ff6b6b", _R.Light: "#505055",
    _R.Midlight: "#444448", _R.Mid: "#2f2f33", _R.Dark: "#1a1a1c", _R.Shadow: "#0a0a0a",
    _R.Highlight: "#3a7fd5", _R.HighlightedText: "#ffffff", _R.Link: "#7ab4ff",
    _R.LinkVisited: "#b197fc", _R.Accent: "#3a7fd5",
}
_DARK_DISABLED = {
    _R.WindowText: "#7c7c80", _R.Text: "#7c7c80", _R.ButtonText: "#7c7c80",
    _R.Highlight: "#4a4a50", _R.HighlightedText: "#b0b0b0", _R.Base: "#252528",
}


def dark_palette() -> QPalette:
    """A neutral dark palette for styles (Fusion on Linux) that have none of their own."""
    palette = QPalette()
    for role, color in _DARK.items():
        palette.setColor(role, QColor(color))
    for role, color in _DARK_DISABLED.items():
        palette.setColor(_G.Disabled, role, QColor(color))
    return palette


def is_dark(palette: QPalette) -> bool:
    return palette.color(_R.Window).lightness() < 128


class ThemeManager(QObject):
    """Applies the chosen theme to the application and keeps following the system's."""

    changed = Signal(bool)  # True when the palette now in use is dark

    def __init__(self, app: QApplication, choice: str = SYSTEM) -> None:
        super().__init__(app)
        self._app = app
        self._choice = choice if choice in THEMES else SYSTEM
        # The palette the platform gave us: what "System" goes back to on a light desktop.
        self._system_palette = QPalette(app.palette())
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._on_scheme_changed)

    @property
    def choice(self) -> str:
        return self._choice

    def set_choice(self, choice: str) -> None:
        if choice in THEMES:
            self._choice = choice
            self.apply()

    def dark(self) -> bool:
        return is_dark(self._app.palette())

    def apply(self) -> None:
        hints = QGuiApplication.styleHints()
        wanted = {LIGHT: Qt.ColorScheme.Light, DARK: Qt.ColorScheme.Dark}.get(
            self._choice, Qt.ColorScheme.Unknown
        )
        # Native styles (Windows 11, macOS) switch their own palette on this request; the
        # generic Linux theme ignores it, so the palette below is set by hand where needed.
        hints.setColorScheme(wanted)
        if self._choice == SYSTEM:
            scheme = hints.colorScheme()
            dark = scheme == Qt.ColorScheme.Dark or (
                scheme == Qt.ColorScheme.Unknown and is_dark(self._system_palette)
            )
        else:
            dark = self._choice == DARK
        # The platform's own palette when it already has the wanted lightness (native
        # styles answer the request above), else one of ours.
        if is_dark(self._system_palette) == dark:
            palette = self._system_palette
        elif dark:
            palette = dark_palette()
        else:
            palette = self._app.style().standardPalette()
        self._app.setPalette(palette)
        self.changed.emit(dark)

    @Slot(Qt.ColorScheme)
    def _on_scheme_changed(self, scheme: Qt.ColorScheme) -> None:
        if self._choice == SYSTEM:
            self.apply()


_MANAGERS: dict[int, ThemeManager] = {}


def manager(app: QApplication) -> ThemeManager:
    """The application's one theme manager (made on first use, with the app as parent)."""
    found = _MANAGERS.get(id(app))
    if found is None or found.parent() is not app:
        found = ThemeManager(app)
        _MANAGERS[id(app)] = found
    return found


def attach(
    actions: dict[str, QAction], settings: Settings, control: SegmentedControl | None
) -> ThemeManager | None:
    """Apply the remembered theme, and let View > Theme's ``actions`` change and store it."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return None
    found = manager(app)
    if control is not None:  # a widget with a style sheet hears no palette change itself
        found.changed.connect(control.restyle)
    found.set_choice(settings.theme)
    actions[found.choice].setChecked(True)
    for name, action in actions.items():
        action.triggered.connect(_Choose(found, settings, name, action).choose)
    return found


class _Choose(QObject):
    """One theme action's slot (a QObject, so it goes when the window's actions go)."""

    def __init__(self, found: ThemeManager, settings: Settings, name: str, parent: QAction):
        super().__init__(parent)
        self._manager, self._settings, self._name = found, settings, name

    @Slot()
    def choose(self) -> None:
        self._manager.set_choice(self._name)
        self._settings.theme = self._name
