"""The window's actions, menus and tool bar."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QIcon, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QToolBar, QWidget

from colorseg_gui.gui import compare, icons, theme
from colorseg_gui.gui.segmented import SegmentedControl

MODE_ICONS = {
    compare.RESULT: "result",
    compare.ORIGINAL: "original",
    compare.SPLIT: "split",
    compare.SIDE_BY_SIDE: "side",
}


@dataclass
class Actions:
    open: QAction
    open_sample: QAction
    segment_many: QAction  # the batch window
    save: QAction
    save_as: QAction
    export_palette: QAction
    export_masks: QAction
    quit: QAction
    undo: QAction
    redo: QAction
    copy_result: QAction
    paste: QAction
    fit: QAction
    actual_size: QAction
    zoom_in: QAction
    zoom_out: QAction
    modes: dict[str, QAction]
    stop: QAction
    rerun: QAction
    new_seed: QAction
    about: QAction
    recent_menu: QMenu
    fit_enlarges: QAction
    themes: dict[str, QAction]

    def view_actions(self) -> list[QAction]:
        """What needs an image to act on."""
        return [self.fit, self.actual_size, self.zoom_in, self.zoom_out, *self.modes.values()]


def _action(
    window: QMainWindow,
    text: str,
    tip: str,
    shortcuts: list[QKeySequence] | None = None,
    icon: str | None = None,
    short: str | None = None,
) -> QAction:
    action = QAction(text, window)
    action.setStatusTip(tip)
    action.setToolTip(
        f"{tip} ({shortcuts[0].toString(QKeySequence.SequenceFormat.NativeText)})"
        if shortcuts
        else tip
    )
    if shortcuts:
        action.setShortcuts(shortcuts)
    if icon is not None:
        action.setIcon(icons.icon(icon))
    if short is not None:
        action.setIconText(short)  # tool bar label
    window.addAction(action)  # shortcuts work even when menus and tool bar are hidden
    return action


def _keys(*specs: str | QKeySequence.StandardKey) -> list[QKeySequence]:
    return [QKeySequence(spec) for spec in specs]


def create_actions(window: QMainWindow) -> Actions:
    modes: dict[str, QAction] = {}
    group = QActionGroup(window)
    group.setExclusive(True)
    for number, mode in enumerate(compare.MODES, start=1):
        action = _action(
            window, compare.MODE_LABELS[mode], compare.MODE_TIPS[mode], _keys(str(number)),
            MODE_ICONS[mode],
        )
        action.setCheckable(True)
        action.setIconVisibleInMenu(False)  # a checked row shows its check mark instead
        action.setData(mode)
        group.addAction(action)
        modes[mode] = action
    actions = Actions(
        open=_action(
            window,
            "&Open…",
            "Open an image",
            _keys(QKeySequence.StandardKey.Open),
            "open",
            "Open",
        ),
        open_sample=_action(window, "Open &Sample Image", "Open the bundled sample photo"),
        segment_many=_action(
            window,
            "Segment &Many Files…",
            "Segment many images with the current settings, in the background",
            _keys("Ctrl+Shift+O"),
        ),
        save=_action(
            window,
            "&Save Result",
            "Save the result beside the image as <name>_cluster<k>.png",
            _keys(QKeySequence.StandardKey.Save),
            "save",
            "Save",
        ),
        save_as=_action(
            window,
            "Save Result &As…",
            "Save the result, choosing name and format",
            _keys("Ctrl+Shift+S"),
        ),
        export_palette=_action(
            window,
            "Export &Palette…",
            "Write the palette as GIMP, JSON, CSS, hex or ASE file",
            _keys("Ctrl+Shift+E"),
            "palette",
        ),
        export_masks=_action(
            window, "Export &Masks…", "Write one black-and-white PNG mask per cluster into a folder"
        ),
        quit=_action(window, "&Quit", "Quit ColorSeg", _keys(QKeySequence.StandardKey.Quit)),
        undo=_action(
            window,
            "&Undo",
            "Back to the result before, without computing it again",
            _keys(QKeySequence.StandardKey.Undo),
        ),
        redo=_action(
            window,
            "&Redo",
            "Forward to the next result again",
            _keys("Ctrl+Shift+Z", "Ctrl+Y"),
        ),
        copy_result=_action(
            window,
            "&Copy Result",
            "Copy the segmented image",
            _keys(QKeySequence.StandardKey.Copy),
            "copy",
        ),
        paste=_action(
            window,
            "&Paste Image",
            "Open the image or image file on the clipboard",
            _keys(QKeySequence.StandardKey.Paste),
            "paste",
        ),
        fit=_action(
            window, "&Fit to Window", "Show the whole image", _keys("Ctrl+9"), "fit", "Fit"
        ),
        actual_size=_action(
            window,
            "&Actual Size (100 %)",
            "One image pixel per screen pixel",
            _keys("Ctrl+0"),
            "actual",
            "100 %",
        ),
        zoom_in=_action(
            window,
            "Zoom &In",
            "Zoom in",
            _keys(QKeySequence.StandardKey.ZoomIn, "Ctrl+="),
            "zoom_in",
        ),
        zoom_out=_action(
            window, "Zoom &Out", "Zoom out", _keys(QKeySequence.StandardKey.ZoomOut), "zoom_out"
        ),
        modes=modes,
        stop=_action(
            window, "S&top", "Stop the run and keep the current step", _keys("Esc"), "stop", "Stop"
        ),
        rerun=_action(
            window,
            "&Run Again",
            "Cluster the image again with the current options",
            _keys("F5"),
            "rerun",
            "Run Again",
        ),
        new_seed=_action(
            window, "&New Seed", "Run again from a new random seed", _keys("Ctrl+R"), "seed"
        ),
        about=_action(window, "&About ColorSeg", "Version and licence", icon="about"),
        recent_menu=QMenu("Open &Recent", window),
        fit_enlarges=_action(
            window,
            "Fit &Enlarges Small Images",
            "Fit to Window also enlarges images smaller than the window (crisp pixels)",
        ),
        themes=_theme_actions(window),
    )
    actions.undo.setObjectName("undoAction")
    actions.redo.setObjectName("redoAction")
    actions.fit_enlarges.setCheckable(True)
    actions.fit_enlarges.setChecked(True)
    actions.recent_menu.setToolTipsVisible(True)
    actions.quit.setMenuRole(QAction.MenuRole.QuitRole)
    actions.about.setMenuRole(QAction.MenuRole.AboutRole)
    return actions


def _theme_actions(window: QMainWindow) -> dict[str, QAction]:
    group = QActionGroup(window)
    group.setExclusive(True)
    themes: dict[str, QAction] = {}
    for name in theme.THEMES:
        action = QAction(theme.LABELS[name], window)
        action.setCheckable(True)
        action.setData(name)
        action.setStatusTip(
            "Follow the system's light or dark setting" if name == theme.SYSTEM
            else f"Always use the {name} theme"
        )
        group.addAction(action)
        themes[name] = action
    themes[theme.SYSTEM].setChecked(True)
    return themes


def build_menus(
    window: QMainWindow, actions: Actions, docks: list[QAction], zoom_box: QWidget
) -> QToolBar:
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    file_menu.addActions([actions.open])
    file_menu.addMenu(actions.recent_menu)
    file_menu.addAction(actions.open_sample)
    file_menu.addAction(actions.segment_many)
    file_menu.addSeparator()
    file_menu.addActions(
        [actions.save, actions.save_as, actions.export_palette, actions.export_masks]
    )
    file_menu.addSeparator()
    file_menu.addAction(actions.quit)
    edit_menu = bar.addMenu("&Edit")
    edit_menu.addActions([actions.undo, actions.redo])
    edit_menu.addSeparator()
    edit_menu.addActions([actions.copy_result, actions.paste])
    view_menu = bar.addMenu("&View")
    view_menu.addActions([actions.fit, actions.actual_size, actions.zoom_in, actions.zoom_out])
    view_menu.addAction(actions.fit_enlarges)
    view_menu.addSeparator()
    view_menu.addActions(list(actions.modes.values()))
    view_menu.addSeparator()
    view_menu.addActions(docks)
    view_menu.addSeparator()
    theme_menu = view_menu.addMenu("&Theme")
    theme_menu.addActions(list(actions.themes.values()))
    run_menu = bar.addMenu("&Run")
    run_menu.addActions([actions.stop, actions.rerun, actions.new_seed])
    help_menu = bar.addMenu("&Help")
    help_menu.addAction(actions.about)

    toolbar = QToolBar("Tool bar", window)
    toolbar.setObjectName("mainToolBar")
    toolbar.setAccessibleName("Tool bar")
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    toolbar.setMovable(False)
    toolbar.addActions([actions.open, actions.save])
    toolbar.addSeparator()
    compare_control = SegmentedControl(list(actions.modes.values()), "compareControl")
    compare_control.setToolTip("Compare: what the view shows")
    toolbar.addWidget(compare_control)
    toolbar.addSeparator()
    toolbar.addActions([actions.fit, actions.actual_size])
    toolbar.addWidget(zoom_box)
    toolbar.addSeparator()
    toolbar.addActions([actions.stop, actions.rerun])
    compare_control.fold_in(toolbar)
    window.addToolBar(toolbar)
    return toolbar


def app_icon() -> QIcon:
    """The application icon, or an empty icon when the resource is missing."""
    try:
        from colorseg_gui.resources import resource_path

        path = resource_path("icons/colorseg.png")
    except (ImportError, OSError, ValueError):
        return QIcon()
    return QIcon(str(path)) if path.is_file() else QIcon()


def menu_named(window: QMainWindow, title: str) -> QMenu | None:
    """The menu bar's menu with this title ("File", "&File": mnemonics do not count)."""
    for action in window.menuBar().actions():
        menu = action.menu()
        if action.text().replace("&", "") == title.replace("&", "") and isinstance(menu, QMenu):
            return menu
    return None


def add_after(menu: QMenu, after: QAction, actions: list[QAction]) -> None:
    """Put ``actions`` into ``menu`` just after ``after`` (at the end if it is not there)."""
    present = menu.actions()
    index = present.index(after) + 1 if after in present else len(present)
    if index < len(present):
        menu.insertActions(present[index], actions)
    else:
        menu.addActions(actions)
