"""The window's actions, menus and tool bar."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAction, QActionGroup, QIcon, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QStyle, QToolBar

from colorseg_gui.gui import compare


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


def _action(
    window: QMainWindow,
    text: str,
    tip: str,
    shortcuts: list[QKeySequence] | None = None,
    icon: QStyle.StandardPixmap | None = None,
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
        action.setIcon(window.style().standardIcon(icon))
    window.addAction(action)  # shortcuts work even when menus and tool bar are hidden
    return action


def _keys(*specs: str | QKeySequence.StandardKey) -> list[QKeySequence]:
    return [QKeySequence(spec) for spec in specs]


def create_actions(window: QMainWindow) -> Actions:
    sp = QStyle.StandardPixmap
    modes: dict[str, QAction] = {}
    group = QActionGroup(window)
    group.setExclusive(True)
    for number, mode in enumerate(compare.MODES, start=1):
        action = _action(
            window, compare.MODE_LABELS[mode], compare.MODE_TIPS[mode], _keys(str(number))
        )
        action.setCheckable(True)
        action.setData(mode)
        group.addAction(action)
        modes[mode] = action
    actions = Actions(
        open=_action(
            window,
            "&Open…",
            "Open an image",
            _keys(QKeySequence.StandardKey.Open),
            sp.SP_DialogOpenButton,
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
            sp.SP_DialogSaveButton,
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
        ),
        export_masks=_action(
            window, "Export &Masks…", "Write one black-and-white PNG mask per cluster into a folder"
        ),
        quit=_action(window, "&Quit", "Quit ColorSeg", _keys(QKeySequence.StandardKey.Quit)),
        copy_result=_action(
            window, "&Copy Result", "Copy the segmented image", _keys(QKeySequence.StandardKey.Copy)
        ),
        paste=_action(
            window,
            "&Paste Image",
            "Open the image or image file on the clipboard",
            _keys(QKeySequence.StandardKey.Paste),
        ),
        fit=_action(window, "&Fit to Window", "Show the whole image", _keys("Ctrl+9")),
        actual_size=_action(
            window, "&Actual Size (100 %)", "One image pixel per screen pixel", _keys("Ctrl+0")
        ),
        zoom_in=_action(
            window, "Zoom &In", "Zoom in", _keys(QKeySequence.StandardKey.ZoomIn, "Ctrl+=")
        ),
        zoom_out=_action(window, "Zoom &Out", "Zoom out", _keys(QKeySequence.StandardKey.ZoomOut)),
        modes=modes,
        stop=_action(
            window, "S&top", "Stop the run and keep the current step", _keys("Esc"), sp.SP_MediaStop
        ),
        rerun=_action(
            window,
            "&Run Again",
            "Cluster the image again with the current options",
            _keys("F5"),
            sp.SP_BrowserReload,
        ),
        new_seed=_action(window, "&New Seed", "Run again from a new random seed", _keys("Ctrl+R")),
        about=_action(window, "&About ColorSeg", "Version and licence"),
        recent_menu=QMenu("Open &Recent", window),
    )
    actions.recent_menu.setToolTipsVisible(True)
    actions.quit.setMenuRole(QAction.MenuRole.QuitRole)
    actions.about.setMenuRole(QAction.MenuRole.AboutRole)
    return actions


def build_menus(window: QMainWindow, actions: Actions, docks: list[QAction]) -> QToolBar:
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
    edit_menu.addActions([actions.copy_result, actions.paste])
    view_menu = bar.addMenu("&View")
    view_menu.addActions([actions.fit, actions.actual_size, actions.zoom_in, actions.zoom_out])
    view_menu.addSeparator()
    view_menu.addActions(list(actions.modes.values()))
    view_menu.addSeparator()
    view_menu.addActions(docks)
    run_menu = bar.addMenu("&Run")
    run_menu.addActions([actions.stop, actions.rerun, actions.new_seed])
    help_menu = bar.addMenu("&Help")
    help_menu.addAction(actions.about)

    toolbar = QToolBar("Tool bar", window)
    toolbar.setObjectName("mainToolBar")
    toolbar.setAccessibleName("Tool bar")
    toolbar.addActions([actions.open, actions.save])
    toolbar.addSeparator()
    toolbar.addActions(list(actions.modes.values()))
    toolbar.addSeparator()
    toolbar.addActions([actions.fit, actions.actual_size])
    toolbar.addSeparator()
    toolbar.addActions([actions.stop, actions.rerun])
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
