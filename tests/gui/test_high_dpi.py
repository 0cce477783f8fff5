"""On a 2x screen, 100 % puts every image pixel on exactly one device pixel (crisp)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

_SCRIPT = textwrap.dedent(
    """
    import os, sys, tempfile
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    os.environ["QT_SCALE_FACTOR"] = "2"
    from PySide6.QtCore import QPointF, QSettings
    from PySide6.QtWidgets import QApplication
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    app = QApplication([])
    from colorseg_gui.gui import MainWindow
    from colorseg_gui.gui.qimage import qimage_to_array
    window = MainWindow()
    window.resize(900, 700)
    window.show()
    results = []
    window.result_ready.connect(lambda outcome: (results.append(outcome), app.quit()))
    window.open_path(sys.argv[1])
    app.exec()
    view = window.view
    assert view.devicePixelRatioF() == 2.0, view.devicePixelRatioF()
    window.commands.actual_size.trigger()
    shot = qimage_to_array(view.grab().toImage())[..., :3]
    origin = view.image_point(QPointF(0, 0))
    image = results[0].image
    checked = 0
    for y in range(40, 400, 23):
        for x in range(40, 700, 29):
            dx = int((x - origin.x()) * view.device_scale)
            dy = int((y - origin.y()) * view.device_scale)
            if 0 <= dx < shot.shape[1] and 0 <= dy < shot.shape[0]:
                assert tuple(shot[dy, dx]) == tuple(image[y, x]), (x, y)
                checked += 1
    assert checked > 50, checked
    window.close()
    print("ok", checked)
    """
)


def test_actual_size_is_one_device_pixel_per_image_pixel(sample_image_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-c", _SCRIPT, str(sample_image_path)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.startswith("ok")
