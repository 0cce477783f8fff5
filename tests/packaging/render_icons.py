"""Render resources/icons/colorseg.svg into the PNG, ICO and ICNS icons the platforms want.

Run after editing the SVG: `python tests/packaging/render_icons.py` (needs PySide6 with
QtSvg, which PySide6-Essentials ships). Every size is rendered from the vector drawing,
not downscaled from one bitmap, so the small icons stay sharp.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

from PIL import Image

ICONS = Path(__file__).resolve().parents[2] / "resources" / "icons"
SVG = ICONS / "colorseg.svg"
HICOLOR_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)


def render(svg: Path, size: int) -> Image.Image:
    """The SVG drawn at size x size pixels, antialiased, as an RGBA Pillow image."""
    from PySide6.QtCore import QBuffer, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    if QGuiApplication.instance() is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        render.app = QGuiApplication(sys.argv[:1])  # type: ignore[attr-defined]
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg.name}: not a valid SVG drawing")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs want bytes, PySide a str
    return Image.open(io.BytesIO(bytes(buffer.data().data()))).convert("RGBA")


def write_all(svg: Path = SVG, out: Path = ICONS) -> list[Path]:
    """Write every icon file next to the SVG; returns the paths written."""
    sizes = sorted(set(HICOLOR_SIZES) | set(ICO_SIZES) | set(ICNS_SIZES))
    rendered = {size: render(svg, size) for size in sizes}
    written: list[Path] = []
    for size in HICOLOR_SIZES:
        path = out / "hicolor" / f"{size}x{size}" / "apps" / "colorseg.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        rendered[size].save(path, optimize=True)
        written.append(path)
    main_png = out / "colorseg.png"
    rendered[256].save(main_png, optimize=True)
    ico = out / "colorseg.ico"
    rendered[256].save(
        ico,
        sizes=[(s, s) for s in ICO_SIZES],
        append_images=[rendered[s] for s in ICO_SIZES if s != 256],
    )
    icns = out / "colorseg.icns"
    rendered[1024].save(icns, append_images=[rendered[s] for s in ICNS_SIZES if s != 1024])
    return [*written, main_png, ico, icns]


if __name__ == "__main__":
    for written_path in write_all():
        print(written_path)
