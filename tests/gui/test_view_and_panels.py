"""Image view (zoom, pan, compare modes, Space), palette panel, settings, keyboard, a11y."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QGuiApplication, QImage, QWheelEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QListWidget,
)

from colorseg_gui.gui import MainWindow, compare
from colorseg_gui.gui.qimage import array_to_qimage, screen_to_qimage, to_screen


@pytest.fixture
def loaded(qtbot, window, photo, open_and_wait):  # type: ignore[no-untyped-def]
    return open_and_wait(photo)


def _pixel(window, x: int, y: int) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    color = window.view.grab().toImage().pixelColor(x, y)
    return color.red(), color.green(), color.blue()


def test_empty_window_invites_a_drop(window):
    assert not window.view.has_image()
    image = window.view.grab().toImage()
    assert not image.isNull()
    assert "Ctrl+O" in window.statusBar().currentMessage()


def test_public_hooks(window):
    from colorseg_gui.gui import MainWindow as exported

    assert exported is MainWindow
    assert window.findChild(QAbstractSlider, "kSlider") is window.options_panel.k_slider
    assert window.findChild(QAbstractSpinBox, "kSpinBox") is window.options_panel.k_spin
    assert window.findChild(type(window.view), "imageView") is window.view
    assert window.findChild(QListWidget, "paletteView") is window.palette_view


def test_zoom_actual_fit_and_wheel_keep_the_point_under_the_cursor(qtbot, window, loaded):
    view = window.view
    assert view.fitted and view.device_scale < 1.0  # 768 px wide image in a narrower view
    window.commands.actual_size.trigger()
    assert view.device_scale == pytest.approx(1.0)
    cursor = QPointF(100, 80)
    before = view.image_point(cursor)
    event = QWheelEvent(cursor, view.mapToGlobal(cursor), QPoint(), QPoint(0, 240),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(view, event)
    assert view.device_scale == pytest.approx(1.25**2)
    after = view.image_point(cursor)
    assert (after.x(), after.y()) == pytest.approx((before.x(), before.y()), abs=1e-6)
    window.commands.zoom_out.trigger()
    assert view.device_scale == pytest.approx(1.25)
    window.commands.fit.trigger()
    assert view.fitted


def test_drag_pans(qtbot, window, loaded):
    view = window.view
    window.commands.actual_size.trigger()
    start = view.image_point(QPointF(200, 200))
    qtbot.mousePress(view, Qt.MouseButton.LeftButton, pos=QPoint(200, 200))
    qtbot.mouseMove(view, QPoint(150, 170))
    qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, pos=QPoint(150, 170))
    moved = view.image_point(QPointF(200, 200))
    assert (moved.x() - start.x(), moved.y() - start.y()) == pytest.approx((50, 30), abs=1)


def test_compare_modes_show_original_and_result(qtbot, window, loaded):
    view = window.view
    window.commands.actual_size.trigger()
    original = window.loaded.picture.rgb
    result = loaded.image
    # Pixel (300, 200) of the image sits at view position offset + (300, 200) at 100 %.
    view.zoom_to(1.0)
    origin = view.image_point(QPointF(0, 0))
    x, y = int(300 - origin.x()), int(200 - origin.y())
    window.commands.modes[compare.RESULT].trigger()
    assert _pixel(window, x, y) == tuple(result[200, 300])
    window.commands.modes[compare.ORIGINAL].trigger()
    assert _pixel(window, x, y) == tuple(original[200, 300])
    window.commands.modes[compare.SPLIT].trigger()
    view.set_split(1.0)  # whole view is the "before" side
    assert _pixel(window, x, y) == tuple(original[200, 300])
    view.set_split(0.0)
    assert _pixel(window, x, y) == tuple(result[200, 300])
    assert window.settings.compare_mode == compare.SPLIT


def test_split_divider_is_draggable(qtbot, window, loaded):
    view = window.view
    window.commands.modes[compare.SPLIT].trigger()
    x = int(view.width() * view.split)
    qtbot.mousePress(view, Qt.MouseButton.LeftButton, pos=QPoint(x, 100))
    qtbot.mouseMove(view, QPoint(x - 100, 100))
    qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, pos=QPoint(x - 100, 100))
    assert view.split == pytest.approx((x - 100) / view.width(), abs=0.01)


def test_side_by_side_is_linked(qtbot, window, loaded):
    view = window.view
    window.commands.modes[compare.SIDE_BY_SIDE].trigger()
    half = (view.width() - compare.GAP) / 2
    left = view.image_point(QPointF(50, 60))
    right = view.image_point(QPointF(view.width() - half + 50, 60))
    assert (left.x(), left.y()) == pytest.approx((right.x(), right.y()))
    view.zoom_to(2.0, QPointF(50, 60))
    left = view.image_point(QPointF(50, 60))
    right = view.image_point(QPointF(view.width() - half + 50, 60))
    assert (left.x(), left.y()) == pytest.approx((right.x(), right.y()))


def test_holding_space_shows_the_original(qtbot, window, loaded):
    view = window.view
    view.zoom_to(1.0)
    origin = view.image_point(QPointF(0, 0))
    x, y = int(300 - origin.x()), int(200 - origin.y())
    view.setFocus()
    qtbot.keyPress(view, Qt.Key.Key_Space)
    assert _pixel(window, x, y) == tuple(window.loaded.picture.rgb[200, 300])
    qtbot.keyRelease(view, Qt.Key.Key_Space)
    assert _pixel(window, x, y) == tuple(loaded.image[200, 300])


def test_palette_click_highlights_and_copies_hex(qtbot, window, loaded):
    palette = window.palette_view
    assert window.view._overlay is None
    item = palette.item(0)
    rect = palette.visualItemRect(item)
    qtbot.mouseClick(palette.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    cluster = palette.selected_cluster()
    assert cluster == int(np.argmax(loaded.weights))
    assert window.view._overlay is not None
    # At 100 %, pixels of the chosen segment keep their colour and the others are dimmed.
    view = window.view
    view.zoom_to(1.0)
    origin = view.image_point(QPointF(0, 0))
    labels = loaded.result.labels
    ox, oy = origin.x(), origin.y()
    ys, xs = np.mgrid[0 : labels.shape[0], 0 : labels.shape[1]]
    on_screen = ((xs - ox >= 2) & (xs - ox < view.width() - 2)
                 & (ys - oy >= 2) & (ys - oy < view.height() - 2))
    for wanted, dimmed in ((labels == cluster, False), (labels != cluster, True)):
        candidates = np.argwhere(wanted & on_screen)
        y, x = candidates[len(candidates) // 2]
        shown = _pixel(window, int(x - ox), int(y - oy))
        assert (shown != tuple(int(v) for v in loaded.image[y, x])) == dimmed
    palette.setFocus()
    qtbot.keyClick(palette, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == item.text().split()[0]
    qtbot.keyClick(palette, Qt.Key.Key_Escape)
    assert palette.selected_cluster() == -1 and window.view._overlay is None


def test_settings_are_remembered(qtbot, window, loaded):
    window.options_panel.k_spin.setValue(11)
    window.commands.modes[compare.SIDE_BY_SIDE].trigger()
    window.close()
    again = MainWindow()
    qtbot.addWidget(again)
    assert again.options_panel.k_spin.value() == 11
    assert again.view.mode == compare.SIDE_BY_SIDE
    assert again.settings.recent_files[0].endswith("kodim23.png")


def test_every_control_has_a_tooltip_and_accessible_name(window):
    kinds = (QAbstractButton, QAbstractSlider, QAbstractSpinBox, QComboBox, QListWidget)
    controls = [w for kind in kinds for w in window.findChildren(kind)
                if w.isVisibleTo(window) and not w.objectName().startswith("qt_")]
    assert len(controls) >= 8
    for control in controls:
        described = control.toolTip() or (
            hasattr(control, "defaultAction") and control.defaultAction()
            and control.defaultAction().toolTip())
        assert described, f"{control!r} has no tooltip"
        named = control.accessibleName() or control.text() if hasattr(control, "text") \
            else control.accessibleName()
        assert named, f"{control!r} has no accessible name"
    for action in window.commands.modes.values():
        assert action.toolTip()


def test_keyboard_reaches_the_controls(qtbot, window):
    window.options_panel.k_spin.setFocus()
    seen = set()
    for _ in range(30):
        widget = QApplication.focusWidget()
        if widget is not None:
            seen.add(widget.objectName())
        window.focusNextChild()
    assert {"kSlider", "kSpinBox", "paletteView", "imageView"} <= seen


def test_qimage_helper_copies_and_respects_strides():
    base = np.arange(6 * 10 * 3, dtype=np.uint8).reshape(6, 10, 3)
    view = base[:, 2:9]  # rows padded: strides[0] is not width * 3
    image = array_to_qimage(view)
    base[:] = 0  # the QImage owns its copy
    assert (image.width(), image.height()) == (7, 6)
    expected = np.arange(6 * 10 * 3, dtype=np.uint8).reshape(6, 10, 3)[:, 2:9]
    assert image.pixelColor(3, 4).getRgb()[:3] == tuple(int(v) for v in expected[4, 3])
    rgba = np.zeros((2, 2, 4), dtype=np.uint8)
    rgba[0, 0] = (255, 0, 0, 128)
    screen = screen_to_qimage(to_screen(rgba), opaque=False)
    color = screen.convertToFormat(QImage.Format.Format_ARGB32).pixelColor(0, 0)
    assert (color.red(), color.alpha()) == (255, 128)
    with pytest.raises(ValueError):
        array_to_qimage(np.zeros((2, 2, 2), dtype=np.uint8))


def test_typing_digits_into_k_does_not_switch_compare_mode(qtbot, window):
    spin = window.options_panel.k_spin
    spin.setFocus()
    spin.selectAll()
    mode = window.view.mode
    qtbot.keyClicks(spin, "12")
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert spin.value() == 12
    assert window.view.mode == mode


def test_qimage_round_trip_with_odd_width():
    from colorseg_gui.gui.qimage import qimage_to_array

    rng = np.random.default_rng(3)
    rgb = rng.integers(0, 256, (5, 7, 3), dtype=np.uint8)  # 21-byte rows, padded in QImage
    assert np.array_equal(qimage_to_array(array_to_qimage(rgb)), rgb)
    rgba = rng.integers(0, 256, (3, 5, 4), dtype=np.uint8)
    assert np.array_equal(qimage_to_array(array_to_qimage(rgba)), rgba)
