"""Hold Space to see the original, whichever control has focus, without pressing that control.

A focused button clicks on Space and a combo box opens on it: the application-wide filter
takes Space before any widget of the window sees it (text fields other than spin boxes keep
it, so a name or hex value can still be typed).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractSpinBox, QLineEdit, QPlainTextEdit, QTextEdit, QWidget

_KEY_EVENTS = (QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.ShortcutOverride)


def _types_text(widget: QWidget) -> bool:
    if isinstance(widget, QLineEdit):
        inside_spin_box = isinstance(widget.parentWidget(), QAbstractSpinBox)
        return not widget.isReadOnly() and not inside_spin_box
    return isinstance(widget, QTextEdit | QPlainTextEdit) and not widget.isReadOnly()


class HoldToCompare(QObject):
    """Installed on the application; ``show_original(bool)`` follows Space in ``window``."""

    def __init__(self, window: QWidget, show_original: Callable[[bool], None],
                 enabled: Callable[[], bool]) -> None:
        super().__init__(window)
        self._window = window
        self._show = show_original
        self._enabled = enabled
        self._held = False

    def also_requires(self, check: Callable[[], bool]) -> None:
        """Space holds the original only while ``check()`` too (Pause takes it during a run)."""
        enabled = self._enabled
        self._enabled = lambda: enabled() and check()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.WindowDeactivate and watched is self._window and self._held:
            self._release()  # the release would go to another application
            return False
        if kind not in _KEY_EVENTS or not isinstance(event, QKeyEvent):
            return False
        if event.key() != Qt.Key.Key_Space or event.modifiers() not in (
            Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier
        ):
            return False
        if not isinstance(watched, QWidget) or watched.window() is not self._window:
            return False
        if _types_text(watched) or not (self._held or self._enabled()):
            return False
        if kind == QEvent.Type.ShortcutOverride:
            event.accept()  # Space is ours: no shortcut of a focused control fires
        elif kind == QEvent.Type.KeyPress and not event.isAutoRepeat():
            self._held = True
            self._show(True)
        elif kind == QEvent.Type.KeyRelease and not event.isAutoRepeat():
            self._release()
        return True

    def _release(self) -> None:
        self._held = False
        self._show(False)
