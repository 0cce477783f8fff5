"""The window's "Ready to make" side: its panel, View > Show, and painting finished results."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QAction, QActionGroup, QColor, QImage, QLinearGradient, QPainter, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QVBoxLayout, QWidget

from colorseg_gui.gui.actions import menu_named
from colorseg_gui.gui.docks import add_dock
from colorseg_gui.gui.finishing import SHOW_CHOICES, SHOW_ERRORS, SHOW_RESULT, Finished, Finisher
from colorseg_gui.gui.make_panel import MakePanel
from colorseg_gui.gui.own_colours_panel import OwnColoursPanel
from colorseg_gui.gui.palette_view import CLUSTER_ROLE, hex_color

if TYPE_CHECKING:
    from colorseg_gui.engine import KMeansOptions, MadeReady, MakeOptions, OwnedColours
    from colorseg_gui.gui.main_window import MainWindow
    from colorseg_gui.gui.run.records import RunOutcome

_DEFICIENCY_WORDS = {"protanopia": "protanopia (no red cones)",
                     "deuteranopia": "deuteranopia (no green cones)",
                     "tritanopia": "tritanopia (no blue cones)"}


def _legend() -> QLabel:
    """ΔE 0 [viridis gradient] 20+: what the error map's colours mean."""
    from colorseg_gui.engine import LUT, SCALE_MAX

    image = QImage(128, 10, QImage.Format.Format_RGB32)
    gradient = QLinearGradient(0, 0, 128, 0)
    for i in range(0, 256, 32):
        r, g, b = (int(v) for v in LUT[i])
        gradient.setColorAt(i / 255, QColor(r, g, b))
    gradient.setColorAt(1.0, QColor(*(int(v) for v in LUT[255])))
    painter = QPainter(image)
    painter.fillRect(image.rect(), gradient)
    painter.end()
    label = QLabel()
    label.setObjectName("errorLegend")
    label.setTextFormat(Qt.TextFormat.RichText)
    pixmap = QPixmap.fromImage(image)
    label.setPixmap(pixmap)
    label.setToolTip(f"Error map: CIEDE2000 to the original, from 0 (dark violet) to "
                     f"{SCALE_MAX:g} and more (yellow); about 2.3 is just noticeable")
    return label


class FinishView(QObject):
    """Wires the Finisher between the run display and the view, palette, status and saves."""

    locks_changed = Signal()  # My Colours locks (or stops locking) owned colours in the run

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.finisher = Finisher(self)
        self.panel = MakePanel()
        self.notes = QLabel()
        self.notes.setObjectName("makeNotes")
        self.notes.setWordWrap(True)
        self.notes.setTextFormat(Qt.TextFormat.PlainText)
        holder = QWidget()
        layout = QVBoxLayout(holder)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.panel)
        layout.addWidget(self.notes)
        layout.addStretch(1)
        self.dock = add_dock(window, "Ready to Make", "makeDock", holder)
        self.own_colours = OwnColoursPanel()
        self.own_dock = add_dock(window, "My Colours", "ownColoursDock", self.own_colours)
        window.tabifyDockWidget(self.dock, self.own_dock)
        self.dock.raise_()
        self._make: MakeOptions | None = None
        self._owned: OwnedColours | None = None
        self.legend = QWidget()  # filled when the error map is first shown (numpy is lazy)
        self.legend.setObjectName("errorLegendHolder")
        QHBoxLayout(self.legend).setContentsMargins(0, 0, 0, 0)
        self.legend.setVisible(False)
        window.statusBar().addPermanentWidget(self.legend)
        self.show_actions = self._show_menu(window)
        self.copy_command = QAction("Copy as Command &Line", window)
        self.copy_command.setObjectName("copyCommandLineAction")
        self.copy_command.setToolTip("Copy the colorseg command that makes this result")
        self.copy_command.triggered.connect(self._on_copy_command)
        edit_menu = menu_named(window, "Edit")
        if edit_menu is not None:
            edit_menu.addAction(self.copy_command)
        self.panel.make_options_changed.connect(self._on_options_changed)
        self.own_colours.owned_changed.connect(self._on_owned_changed)
        self.finisher.finished.connect(self._on_finished)
        self.finisher.failed.connect(self._on_failed)
        window.model.outcome_changed.connect(self._on_result_shown)
        window.options_panel.options_changed.connect(self._on_run_changed)

    def _show_menu(self, window: MainWindow) -> dict[str, QAction]:
        view_menu = menu_named(window, "View")
        menu = QMenu("&Show", window)
        group = QActionGroup(window)
        actions: dict[str, QAction] = {}
        for value, text in SHOW_CHOICES:
            action = QAction(text, window)
            action.setCheckable(True)
            action.setData(value)
            action.setObjectName(f"show_{value}_action")
            action.setToolTip({SHOW_RESULT: "Show the result",
                               SHOW_ERRORS: "Shade every pixel by its colour error"}.get(
                value, f"Show the result as a person with {value} sees it"))
            group.addAction(action)
            menu.addAction(action)
            action.triggered.connect(self._on_show_action)
            actions[value] = action
        actions[SHOW_RESULT].setChecked(True)
        actions[SHOW_ERRORS].setShortcut("Ctrl+E")
        if isinstance(view_menu, QMenu):
            view_menu.addSeparator()
            view_menu.addMenu(menu)
            view_menu.addAction(self.dock.toggleViewAction())
            view_menu.addAction(self.own_dock.toggleViewAction())
        return actions

    # ----- what the saves write --------------------------------------------------------
    def made_for(self, outcome: RunOutcome) -> MadeReady | None:
        """The cleaned or dithered map of ``outcome``, when it is ready and was asked for."""
        current = self.finisher.current
        if current is None or current.outcome is not outcome:
            return None
        return current.made

    def options_for(self, outcome: RunOutcome) -> MakeOptions | None:
        """The finishing options ``outcome`` was made ready with (None: none applied)."""
        current = self.finisher.current
        if current is None or current.outcome is not outcome or current.made is None:
            return None
        return current.options

    def flush(self) -> None:
        self.panel.flush()
        self.own_colours.flush()

    def current_options(self) -> MakeOptions:
        """What the panels ask for now (a session keeps it; the result may still be made)."""
        self.flush()
        return self._options()

    def restore(self, make: MakeOptions, owned: OwnedColours | None) -> None:
        """Set both panels to what a session ran with."""
        self.panel.set_make_options(make)
        self.own_colours.set_owned(owned, "Colours of the session")

    def shutdown(self) -> None:
        self.finisher.shutdown()

    # ----- slots ----------------------------------------------------------------------
    @Slot()
    def _on_copy_command(self) -> None:
        from PySide6.QtGui import QGuiApplication

        from colorseg_gui.gui.command_line import command_line

        window = self._window
        loaded = window.loaded
        image = loaded.picture.path if loaded is not None else None
        panel = self.own_colours
        palette = panel.loaded_palette
        ticked = [panel.colours.item(i).text() for i in range(panel.colours.count())
                  if panel.colours.item(i).checkState() == Qt.CheckState.Checked]
        run = window.options_panel.options()
        run = run.replace(k=self.with_owned_locks(run).k)  # locks are said by --mode lock
        make = dataclasses.replace(self._options(), owned=self._owned)
        text, cannot = command_line(image, run, make,
                                    palette.path if palette is not None else None, ticked,
                                    palette is not None and len(ticked) == len(palette))
        QGuiApplication.clipboard().setText(text)
        said = "Copied the command line" + (f" (it cannot say: {'; '.join(cannot)})"
                                            if cannot else "")
        window.statusBar().showMessage(said, 8000)

    @Slot(object)
    def _on_result_shown(self, outcome: RunOutcome | None) -> None:
        self.finisher.set_outcome(outcome)

    @Slot(object)
    def _on_run_changed(self, _options: object) -> None:
        self.finisher.set_outcome(None)
        self.notes.clear()

    @Slot(object)
    def _on_options_changed(self, options: MakeOptions) -> None:
        self._make = options
        self._send()

    @Slot(object)
    def _on_owned_changed(self, owned: OwnedColours | None) -> None:
        locking = (self._owned is not None and self._owned.mode == "lock") or (
            owned is not None and owned.mode == "lock")
        self._owned = owned
        self._send()
        if locking:
            self.locks_changed.emit()  # the run itself changes: the window runs again

    def _send(self) -> None:
        self.finisher.set_options(self._options())

    def _options(self) -> MakeOptions:
        """The panels' settings as one MakeOptions (cleanup and dithering, own colours)."""
        from colorseg_gui.engine import MakeOptions

        owned = self._owned if self._owned is None or self._owned.mode != "lock" else None
        return dataclasses.replace(self._make or MakeOptions(), owned=owned)

    def with_owned_locks(self, options: KMeansOptions) -> KMeansOptions:
        """``options`` with the owned colours locked when My Colours says "lock" (they
        count in k, which grows to hold them all; the others start from k-means++)."""
        owned = self._owned
        if owned is None or owned.mode != "lock":
            return options
        colours = tuple((float(r), float(g), float(b)) for r, g, b in owned.colors)
        return options.replace(k=max(options.k, len(colours)), init=colours,
                               locked=tuple(range(len(colours))))

    @Slot()
    def _on_show_action(self) -> None:
        action = self.sender()
        value = action.data() if isinstance(action, QAction) else None
        if isinstance(value, str):
            layout = self.legend.layout()
            if value == SHOW_ERRORS and layout is not None and layout.count() == 0:
                from colorseg_gui.engine import SCALE_MAX

                layout.addWidget(QLabel("ΔE 0"))
                layout.addWidget(_legend())
                layout.addWidget(QLabel(f"{SCALE_MAX:g}+"))
            self.legend.setVisible(value == SHOW_ERRORS)
            self.finisher.set_show(value)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self._window.statusBar().showMessage(f"Could not finish the result: {message}", 8000)

    @Slot(object)
    def _on_finished(self, finished: Finished) -> None:
        from colorseg_gui.gui.qimage import ArrayImage

        window = self._window
        if window.model.outcome is not finished.outcome:
            return
        outcome = finished.outcome
        opaque = outcome.result.histogram.alpha is None or finished.show == SHOW_ERRORS
        bigger = finished.preview.shape[:2] != finished.image.shape[:2]
        window.view.set_result(ArrayImage(finished.preview, screen=opaque),
                               ArrayImage(finished.image) if bigger else None)
        step = outcome.result.step
        if finished.palette.shape == step.palette.shape and (finished.palette ==
                                                             step.palette).all():
            # The run's own colours: they keep their ids, locks and rows.
            window.palette_view.set_palette(finished.palette, finished.weights, keep_rows=True,
                                            ids=step.ids, locked=step.locked)
        else:
            window.palette_view.set_palette(finished.palette, finished.weights)
        self._describe_clusters(finished)
        window.status.show_names(finished.names, finished.palette, finished.weights)
        self.notes.setText(self._notes(finished))
        if finished.made is not None and finished.made.regions is not None:
            window.statusBar().showMessage(self._regions_line(finished), 10_000)

    def _describe_clusters(self, finished: Finished) -> None:
        palette_view = self._window.palette_view
        palette = finished.palette
        errors = finished.errors
        alike: dict[int, list[str]] = {}
        for confusion in finished.confusions:  # both colours of a pair get the warning
            for this, other in ((confusion.first, confusion.second),
                                (confusion.second, confusion.first)):
                alike.setdefault(this, []).append(
                    f"looks like {hex_color(palette[other])} with {confusion.deficiency}")
        for row in range(palette_view.count()):
            item = palette_view.item(row)
            cluster = item.data(CLUSTER_ROLE)
            if not isinstance(cluster, int) or cluster >= len(errors.mean):
                continue
            if finished.names is not None and cluster < len(finished.names):
                item.setText(f"{item.text()}   {finished.names[cluster]}")
            lines = [item.toolTip().split("\n")[0],
                     f"Colour error (CIEDE2000): mean {errors.mean[cluster]:.1f}, "
                     f"largest {errors.max[cluster]:.1f}"]
            if cluster == finished.split_cluster:
                lines.append("Adding one colour here cuts the error most")
            if cluster in alike:
                lines += [f"⚠ {warning}" for warning in alike[cluster]]
                item.setText(f"{item.text()}  ⚠")
            item.setToolTip("\n".join(lines))

    @staticmethod
    def _regions_line(finished: Finished) -> str:
        regions = finished.made.regions if finished.made is not None else None
        if regions is None:
            return ""
        kept = (f"; {regions.small_after} small kept for contrast" if regions.small_after
                else "")
        return (f"Regions {regions.regions_before:,} → {regions.regions_after:,}"
                f" ({regions.small_before:,} under the limit before{kept}); colour changes "
                f"per row {regions.changes_per_row_before:.0f} → "
                f"{regions.changes_per_row_after:.0f}; largest change ΔE "
                f"{regions.max_delta_e:.1f}")

    @staticmethod
    def _notes(finished: Finished) -> str:
        palette = finished.palette
        lines = [f"Mean colour error: ΔE {finished.mean_delta_e:.1f}",
                 f"Adding one colour would help most at "
                 f"{hex_color(palette[finished.split_cluster])}"]
        seen: set[tuple[int, int]] = set()
        for confusion in finished.confusions:
            pair = (confusion.first, confusion.second)
            if pair in seen:
                continue
            seen.add(pair)
            lines.append(f"⚠ {hex_color(palette[confusion.first])} and "
                         f"{hex_color(palette[confusion.second])} look alike with "
                         f"{_DEFICIENCY_WORDS[confusion.deficiency]}")
        return "\n".join(lines)
