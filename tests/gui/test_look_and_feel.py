"""How the window looks: status bar words, themes and icons, zoom, checkerboard, idle state."""

from __future__ import annotations

import platform
import shutil
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPointF, QSize, Qt, qVersion
from PySide6.QtGui import QColor, QIcon, QImage, QPalette
from PySide6.QtWidgets import QApplication, QMessageBox, QToolButton

from colorseg_gui import __version__
from colorseg_gui.engine import KMeansOptions, StopReason
from colorseg_gui.gui import MainWindow, status, theme, view_paint
from colorseg_gui.gui.qimage import qimage_to_array
from colorseg_gui.gui.segmented import SegmentedControl

_DEFAULTS = KMeansOptions()
WORDS = {reason.describe(tol=_DEFAULTS.tol, max_iter=_DEFAULTS.max_iter) for reason in StopReason}


@pytest.fixture
def rgba_image(tmp_path: Path, shared_images: Path) -> Path:
    target = tmp_path / "rgba.png"
    shutil.copy(shared_images / "rgba_alpha.png", target)
    return target


def _set_theme(window: MainWindow, name: str) -> None:
    window.commands.themes[name].trigger()
    QApplication.processEvents()


@pytest.fixture(autouse=True)
def light_again(qapp):  # type: ignore[no-untyped-def]
    """The theme is application-wide: every test starts and ends on the system one."""
    yield
    theme.manager(qapp).set_choice(theme.SYSTEM)


def test_plurals():
    assert status.plural(1, "colour") == "1 colour"
    assert status.plural(2, "colour") == "2 colours"
    assert status.plural(1024, "file") == "1,024 files"


def test_idle_window_disables_what_needs_an_image_and_explains_the_palette(window):
    commands = window.commands
    assert not commands.stop.isEnabled()
    for action in commands.view_actions():
        assert not action.isEnabled(), action.text()
    assert not window.zoom_box.isEnabled()
    assert commands.open.isEnabled()
    # The empty palette panel says what will appear there: text pixels in its viewport.
    palette = window.palette_view
    shot = qimage_to_array(palette.viewport().grab().toImage())[..., :3].astype(int)
    base = palette.palette().color(QPalette.ColorRole.Base)
    differs = np.abs(shot - np.array([base.red(), base.green(), base.blue()])).sum(axis=2) > 60
    assert differs.sum() > 200


def test_status_bar_words_and_nothing_elided_at_800_px(qtbot, window, small_photo, open_and_wait):
    window.resize(800, 600)
    outcome = open_and_wait(small_photo)
    fields = window.status
    qtbot.waitUntil(lambda: not window.statusBar().currentMessage(), timeout=10_000)
    assert fields.state_text() in WORDS
    assert fields.message.text() == fields.state_text()  # shown whole, not elided
    assert fields.iteration.text() == f"8 colours · iteration {outcome.result.step.iteration}"
    assert fields.error.text() == f"error {np.sqrt(outcome.mse):.1f}"
    assert fields.elapsed.text().endswith(" s")
    for label in fields.fields():
        assert label.isVisible()
        room = label.contentsRect().width()
        assert label.fontMetrics().horizontalAdvance(label.text()) <= room, label.objectName()
    # The tool bar keeps Stop and the zoom field on screen (no overflow menu) at 800 px.
    button = window.findChild(QToolButton, "qt_toolbar_ext_button")
    assert button is None or not button.isVisible()


def test_strict_stopping_rule_says_converged(qtbot, window, small_photo, open_and_wait):
    combo = window.options_panel.stop_combo
    combo.setCurrentIndex(combo.findData(0.0))
    outcome = open_and_wait(small_photo)
    assert outcome.result.stop_reason == "converged"
    assert window.status.state_text() == "Converged: no pixel changes colour"


def test_one_k_says_one_colour(qtbot, window, small_photo, open_and_wait):
    open_and_wait(small_photo)
    with qtbot.waitSignal(window.result_ready, timeout=60_000):
        window.options_panel.k_spin.setValue(1)
    assert window.status.iteration.text().startswith("1 colour ·")


def _icon_contrast(button: QToolButton) -> float:
    """Lightness difference between the icon's opaque pixels and the button's background."""
    icon: QIcon = button.icon()
    image = icon.pixmap(QSize(24, 24)).toImage().convertToFormat(QImage.Format.Format_ARGB32)
    pixels = [image.pixelColor(x, y) for y in range(image.height()) for x in range(image.width())]
    ink = [c.lightness() for c in pixels if c.alpha() > 200]
    background = button.palette().color(QPalette.ColorRole.Window).lightness()
    return abs(float(np.mean(ink)) - background)


def _segment_lightness(control: SegmentedControl) -> int:
    """Lightness of an unchecked segment's background, just inside its edge."""
    shot = control.grab().toImage()
    last = control.buttons[-1]
    return shot.pixelColor(last.x() + 4, last.y() + last.height() // 2).lightness()


def test_dark_theme_from_the_menu_keeps_icons_visible_and_persists(qtbot, window):
    toolbar_buttons = [b for b in window.findChildren(QToolButton)
                       if b.defaultAction() is window.commands.stop]
    assert toolbar_buttons
    button = toolbar_buttons[0]
    window.commands.stop.setEnabled(True)  # the Normal-mode icon
    control = window.findChild(SegmentedControl, "compareControl")
    _set_theme(window, theme.DARK)
    assert view_paint.is_dark(QApplication.palette())
    assert _icon_contrast(button) > 100
    assert _segment_lightness(control) < 100  # the compare control follows the theme
    _set_theme(window, theme.LIGHT)
    assert not view_paint.is_dark(QApplication.palette())
    assert _icon_contrast(button) > 100
    assert _segment_lightness(control) > 150
    _set_theme(window, theme.DARK)
    window.close()
    again = MainWindow()
    qtbot.addWidget(again)
    assert again.commands.themes[theme.DARK].isChecked()
    assert view_paint.is_dark(QApplication.palette())


def test_checkerboard_behind_transparent_pixels(qtbot, window, rgba_image, open_and_wait):
    outcome = open_and_wait(rgba_image)
    alpha = window.loaded.picture.alpha
    assert alpha is not None and (alpha == 0).any()
    view = window.view
    view.zoom_to(8.0)  # one image pixel = 8 x 8 device pixels = one checker square
    shot = view.grab().toImage()
    origin = view.image_point(QPointF(0, 0))
    squares = view_paint._CHECKER_COLORS[view_paint.is_dark(view.palette())]
    light, dark = (QColor(c) for c in squares)
    assert outcome.image.shape[2] == 4  # the result keeps the transparency too
    ys, xs = np.nonzero(alpha == 0)
    seen = set()
    for y, x in zip(ys[:40], xs[:40], strict=True):
        px = int((x - origin.x()) * 8 + 4)
        py = int((y - origin.y()) * 8 + 4)
        if 0 <= px < shot.width() and 0 <= py < shot.height():
            seen.add(shot.pixelColor(px, py).name())
    assert seen <= {light.name(), dark.name()} and len(seen) == 2, seen


def test_fit_enlarges_small_images_crisply_and_can_be_turned_off(qtbot, window, small_photo,
                                                                  open_and_wait):
    open_and_wait(small_photo)  # 128 x 128 in a ~650 px high view
    view = window.view
    assert view.fitted and view.device_scale >= 2 and view.device_scale == int(view.device_scale)
    window.commands.fit_enlarges.trigger()
    assert view.device_scale == pytest.approx(1.0)
    window.commands.fit_enlarges.trigger()
    assert view.device_scale >= 2


def test_zoom_field_presets_and_typed_percent(qtbot, window, small_photo, open_and_wait):
    open_and_wait(small_photo)
    box, view = window.zoom_box, window.view
    assert box.isEnabled() and box.currentText().startswith("Fit")
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), "250 %")
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Return)
    assert view.device_scale == pytest.approx(2.5) and not view.fitted
    index = box.findText("800 %")
    box.activated.emit(index)
    assert view.device_scale == pytest.approx(8.0)
    window.view.setFocus()
    assert box.currentText() == "800 %"
    box.activated.emit(box.findText("Fit"))
    assert view.fitted


def test_pixel_grid_from_800_percent(qtbot, window, small_photo, open_and_wait):
    outcome = open_and_wait(small_photo)
    view = window.view

    def boundary_differs(scale: float) -> int:
        view.zoom_to(scale)
        shot = view.grab().toImage()
        origin = view.image_point(QPointF(0, 0))
        step = int(scale)
        count = 0
        for x in range(50, 80):  # around the centre, which zoom_to keeps in view
            for y in range(58, 66):
                sx, sy = int((x - origin.x()) * step), int((y - origin.y()) * step)
                if not (0 <= sx < shot.width() - step and 0 <= sy < shot.height() - step):
                    continue
                line = shot.pixelColor(sx, sy + step // 2)
                inside = shot.pixelColor(sx + step // 2, sy + step // 2)
                count += line != inside
        return count

    assert outcome.image.shape[:2] == (128, 128)
    assert boundary_differs(4.0) == 0  # below 800 %: pixels only, no lines
    assert boundary_differs(8.0) > 200


def test_highlight_contrasts_with_light_and_dark_segments(qtbot, window, small_photo,
                                                          open_and_wait):
    outcome = open_and_wait(small_photo)
    view, palette = window.view, window.palette_view
    view.zoom_to(1.0)
    origin = view.image_point(QPointF(0, 0))
    labels = outcome.result.labels
    lightness = [QColor(*(int(v) for v in rgb)).lightness() for rgb in outcome.palette]
    for cluster, washed_lighter in ((int(np.argmin(lightness)), True),
                                    (int(np.argmax(lightness)), False)):
        palette.select_cluster(cluster)
        shot = view.grab().toImage()
        ys, xs = np.nonzero(labels != cluster)
        changes = []
        for y, x in list(zip(ys, xs, strict=True))[:: max(1, len(ys) // 50)]:
            shown = shot.pixelColor(int(x - origin.x()), int(y - origin.y())).lightness()
            changes.append(shown - QColor(*(int(v) for v in outcome.image[y, x][:3])).lightness())
        mean = float(np.mean(changes))
        assert (mean > 40) if washed_lighter else (mean < -40), (cluster, mean)


def test_about_names_versions_licence_and_log(qtbot, window):
    window.commands.about.trigger()
    box = window.findChild(QMessageBox, "aboutBox")
    assert box is not None and box.isVisible()
    text = box.text()
    for needle in (f"ColorSeg {__version__}", qVersion(), platform.python_version(), "MIT",
                   "Log", "https://"):
        assert needle in text, needle
    box.close()
