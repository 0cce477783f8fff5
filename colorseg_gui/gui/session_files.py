"""File > Save Session… and Open Session…: the work on one image, kept and replayed exactly.

A session holds the image's path and checksum and, for every run of it in the history, the
settings it ran with, its palette, cluster ids and J (engine/io/session.py); opening one
sets the options and the finishing panels, opens the image and runs again, which gives
the same labels and palette.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from colorseg_gui.gui.actions import add_after, menu_named
from colorseg_gui.gui.overwrite import confirm_replace

if TYPE_CHECKING:
    from colorseg_gui.engine import KMeansOptions, Session
    from colorseg_gui.gui.main_window import MainWindow
    from colorseg_gui.gui.run.replay import Recipe

SESSION_FILTER = "ColorSeg session (*.colorseg)"


def ask_session_save_path(parent: QWidget, suggested: Path) -> Path | None:
    """Where to save; None when cancelled (tests answer here)."""
    name, _ = QFileDialog.getSaveFileName(parent, "Save Session", str(suggested),
                                          SESSION_FILTER, "",
                                          QFileDialog.Option.DontConfirmOverwrite)
    if not name:
        return None
    path = Path(name)
    return path if path.suffix.lower() == ".colorseg" else path.with_name(path.name + ".colorseg")


def ask_session_open_path(parent: QWidget, folder: str) -> Path | None:
    name, _ = QFileDialog.getOpenFileName(parent, "Open Session", folder,
                                          f"{SESSION_FILTER};;All files (*)")
    return Path(name) if name else None


def ask_image_problem(parent: QWidget, problem: str, changed: bool) -> str:
    """What to do when the session's image is missing or changed: "locate", "open" (the
    changed image as it is now) or "cancel" (tests answer here)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Open Session")
    box.setText(problem[0].upper() + problem[1:] + ".")
    if changed:
        box.setInformativeText("Opening it as it is now gives a different result from the "
                               "one saved. You can also locate the original.")
    else:
        box.setInformativeText("Locate the image to replay the session.")
    locate = box.addButton("Locate…", QMessageBox.ButtonRole.AcceptRole)
    anyway = box.addButton("Open Anyway", QMessageBox.ButtonRole.DestructiveRole) if changed \
        else None
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(locate)
    box.setEscapeButton(cancel)
    box.exec()
    clicked = box.clickedButton()
    if clicked is locate:
        return "locate"
    if anyway is not None and clicked is anyway:
        return "open"
    return "cancel"


def ask_locate_image(parent: QWidget, name: str, folder: str) -> Path | None:
    from colorseg_gui.gui.files import open_filter

    picked, _ = QFileDialog.getOpenFileName(parent, f"Locate {name}", folder, open_filter())
    return Path(picked) if picked else None


class SessionCommands(QObject):
    """The Save Session and Open Session actions of a window."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.save_action = QAction("Save Sess&ion…", window)
        self.save_action.setObjectName("saveSessionAction")
        self.save_action.setStatusTip("Keep the work on this image (settings, colours and "
                                      "runs, not pixels) in a .colorseg file to replay later")
        self.save_action.triggered.connect(self._on_save)
        self.open_action = QAction("Open Sess&ion…", window)
        self.open_action.setObjectName("openSessionAction")
        self.open_action.setStatusTip("Open a .colorseg file: its image, settings and result")
        self.open_action.triggered.connect(self._on_open)
        self._add_to_file_menu()
        window.bundle_export.extra_files = self.bundle_files
        window.model.history_changed.connect(self._update_enabled)
        window.model.result_ready.connect(self._on_result_ready)
        self._pending: tuple[Recipe, KMeansOptions] | None = None
        self._update_enabled()

    def _add_to_file_menu(self) -> None:
        window = self._window
        menu = menu_named(window, "File")
        if menu is not None:
            add_after(menu, window.commands.save_as, [self.open_action, self.save_action])

    @Slot()
    def _update_enabled(self) -> None:
        model = self._window.model
        image = model.image
        self.save_action.setEnabled(image is not None and image.picture.path is not None
                                    and model.history.current is not None)

    # ----- saving -----------------------------------------------------------------------
    def session(self) -> Session | None:
        """The session of the image shown, or None (nothing run yet, or no file behind it)."""
        from colorseg_gui import __version__
        from colorseg_gui.engine import Session, SessionRun, file_sha256, hex_code
        from colorseg_gui.gui import export

        window = self._window
        model, loaded = window.model, window.model.image
        if loaded is None or loaded.picture.path is None or model.history.current is None:
            return None
        entries = [e for e in model.history.entries if e.image is loaded]
        if not entries or model.history.current not in entries:
            return None
        make = window.finishing.current_options()
        runs = []
        for entry in entries:
            step = entry.step
            runs.append(SessionRun(
                settings=export.settings(entry.options, make),
                palette=[hex_code(c) for c in step.palette],
                ids=[int(i) for i in step.ids],
                inertia=float(step.inertia),
                recipe=entry.recipe.to_dict(),
            ))
        path = loaded.picture.path
        try:
            digest = file_sha256(path)
        except OSError:
            return None  # the image went away since it was opened: nothing to tie a session to
        return Session(str(path.resolve()), digest, runs,
                       current=entries.index(model.history.current), app_version=__version__)

    def bundle_files(self) -> list[tuple[str, bytes]]:
        """The session, for the maker bundle."""
        import json

        from colorseg_gui.engine import session_document

        session = self.session()
        if session is None:
            return []
        stem = Path(session.image_path).stem
        return [(f"{stem}.colorseg", json.dumps(session_document(session), indent=1).encode())]

    @Slot()
    def _on_save(self) -> None:
        self.save()

    def save(self) -> Path | None:
        from colorseg_gui.engine import ExportError, write_session

        window = self._window
        session = self.session()
        if session is None:
            return None
        image = Path(session.image_path)
        path = ask_session_save_path(window, image.with_name(f"{image.stem}.colorseg"))
        if path is None:
            return None
        if path.exists() and not confirm_replace(window, [path]):
            return None
        try:
            written = write_session(path, session)
        except ExportError as exc:
            QMessageBox.warning(window, "Cannot save session", str(exc))
            return None
        window.statusBar().showMessage(f"Session saved to {written}")
        return written

    # ----- opening ----------------------------------------------------------------------
    @Slot()
    def _on_open(self) -> None:
        path = ask_session_open_path(self._window, self._window.settings.last_folder)
        if path is not None:
            self.open(path)

    def open(self, path: Path) -> bool:
        """Replay the session in ``path``; False (and one message) when it cannot be."""
        from colorseg_gui.batch import options_from_settings
        from colorseg_gui.engine import SessionError, image_problem, read_session

        window = self._window
        try:
            session = read_session(path)
            options = options_from_settings(session.run.settings)
        except (SessionError, ValueError) as exc:
            message = str(exc) if isinstance(exc, SessionError) else f"{path.name}: {exc}"
            QMessageBox.warning(window, "Cannot open session", message)
            return False
        image = Path(session.image_path)
        problem = image_problem(session)
        while problem is not None:
            changed = "has changed" in problem
            answer = ask_image_problem(window, problem, changed)
            if answer == "cancel":
                return False
            if answer == "open":
                break
            located = ask_locate_image(window, image.name, str(image.parent))
            if located is None:
                return False
            image = located
            problem = image_problem(session, located)
        try:
            recipe = _recipe(session.run.recipe, options.kmeans)
        except (KeyError, TypeError, ValueError) as exc:
            QMessageBox.warning(window, "Cannot open session",
                                f"{path.name}: its edits are damaged ({exc})")
            return False
        window.finishing.restore(options.make, options.owned)
        window.options_panel.set_options(recipe.options)
        if recipe.edits or recipe.stopped_at is not None:
            self._pending = (recipe, options.kmeans)  # once the first run has its histogram
        window.open_path(image)
        window.statusBar().showMessage(f"Replaying {path.name}…")
        return True

    @Slot(object)
    def _on_result_ready(self, _outcome: object) -> None:
        """The session's first run is in: remake its edits on top (the same engine calls as
        when they were made), as one step of the history."""
        if self._pending is None:
            return
        from colorseg_gui.gui.run.records import Plan

        recipe, options = self._pending
        self._pending = None
        self._window.options_panel.set_options(options)
        self._window.controller.run_plan(Plan(recipe, None), options)


def _recipe(saved: dict[str, Any] | None, options: KMeansOptions) -> Recipe:
    from colorseg_gui.gui.run.replay import Recipe

    return Recipe(options) if saved is None else Recipe.from_dict(saved)
