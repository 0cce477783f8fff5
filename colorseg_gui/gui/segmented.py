"""A segmented control: exclusive checkable actions drawn as one joined row of buttons."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Slot
from PySide6.QtGui import QAction, QPalette
from PySide6.QtWidgets import QApplication, QHBoxLayout, QToolBar, QToolButton, QWidget

# Written against the palette of the moment; rebuilt when the palette changes (theme).
_STYLE = """
QToolButton {{
    border: 1px solid {border}; border-left-width: 0; padding: 3px 9px; margin: 0;
    background: {button}; color: {text}; border-radius: 0;
}}
QToolButton:hover {{ background: {hover}; }}
QToolButton:checked {{ background: {highlight}; color: {highlighted}; border-color: {highlight}; }}
QToolButton:disabled {{ color: {disabled}; }}
QToolButton#first {{ border-left-width: 1px; border-top-left-radius: 5px;
    border-bottom-left-radius: 5px; }}
QToolButton#last {{ border-top-right-radius: 5px; border-bottom-right-radius: 5px; }}
"""


class SegmentedControl(QWidget):
    """One button per action, joined; the checked one filled with the highlight colour."""

    def __init__(self, actions: list[QAction], name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.setSpacing(0)
        self.buttons: list[QToolButton] = []
        for index, action in enumerate(actions):
            button = QToolButton(self)
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            button.setAutoRaise(False)
            button.setAccessibleName(action.iconText())
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            if index == 0:
                button.setObjectName("first")
            elif index == len(actions) - 1:
                button.setObjectName("last")
            layout.addWidget(button)
            self.buttons.append(button)
        self.restyle()

    def compact(self) -> bool:
        return self.buttons[0].toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly

    def set_compact(self, compact: bool) -> None:
        style = (Qt.ToolButtonStyle.ToolButtonIconOnly if compact
                 else Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for button in self.buttons:
            button.setToolButtonStyle(style)

    def fold_in(self, toolbar: QToolBar) -> None:
        """Show icons only when ``toolbar`` is too narrow for the labels (800 px windows),
        rather than pushing Stop and the zoom field into its overflow menu."""
        self._toolbar = toolbar
        self._wide = 0
        toolbar.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self._toolbar:
            if not self.compact():
                self._wide = self._toolbar.sizeHint().width()
            self.set_compact(self._toolbar.width() < self._wide)
        return False

    @Slot()
    @Slot(bool)
    def restyle(self, *_: object) -> None:
        """Rewrite the style sheet for the palette now in use (call on a theme change: a
        widget with a style sheet gets no palette change events of its own)."""
        palette = QApplication.palette()
        role = QPalette.ColorRole
        button = palette.color(role.Button)
        self.setStyleSheet(
            _STYLE.format(
                border=palette.color(role.Mid).name() if button.lightness() > 128
                else palette.color(role.Light).name(),
                button=button.name(),
                hover=(button.darker(108) if button.lightness() > 128 else button.lighter(125))
                .name(),
                text=palette.color(role.ButtonText).name(),
                highlight=palette.color(role.Highlight).name(),
                highlighted=palette.color(role.HighlightedText).name(),
                disabled=palette.color(QPalette.ColorGroup.Disabled, role.ButtonText).name(),
            )
        )
