"""Which dropped or pasted things the window can open (local image files, folders, image data)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QUrl
from PySide6.QtGui import QImage


def is_supported_path(path: Path) -> bool:
    # The engine (numpy, Pillow) loads on first use, not with the window (start-up time).
    from colorseg_gui.engine import is_supported_path as supported

    return supported(path)


# A dropped folder contributes its images (not recursively); enough to pick one and to
# decide the drag cursor without listing a huge directory in the GUI thread.
_FOLDER_SCAN_LIMIT = 2000


def _folder_images(folder: Path) -> list[Path]:
    found: list[Path] = []
    try:
        for count, entry in enumerate(folder.iterdir()):
            if count >= _FOLDER_SCAN_LIMIT:
                break
            if entry.is_file() and is_supported_path(entry):
                found.append(entry)
    except OSError:
        return []
    return sorted(found, key=lambda p: p.name.lower())


def openable_paths(mime: QMimeData | None) -> list[Path]:
    """Local image files named by the mime data, folders replaced by the images they hold."""
    if mime is None or not mime.hasUrls():
        return []
    paths: list[Path] = []
    for url in mime.urls():
        if not url.isLocalFile():
            continue
        path = Path(url.toLocalFile())
        if path.is_dir():
            paths.extend(_folder_images(path))
        elif path.is_file() and is_supported_path(path):
            paths.append(path)
    return paths


def can_open(mime: QMimeData | None) -> bool:
    """True when a drop of this data would open something (decides the drag cursor)."""
    if mime is None:
        return False
    return bool(openable_paths(mime)) or (mime.hasImage() and not mime.hasUrls())


def path_from_text(mime: QMimeData | None) -> list[Path]:
    """A copied path or file:// URL in plain text (as file managers and terminals copy it)."""
    if mime is None or not mime.hasText():
        return []
    text = mime.text().strip()
    if not text or "\n" in text or len(text) > 4096:
        return []
    if text.startswith("file://"):
        text = QUrl(text).toLocalFile()
    path = Path(text).expanduser()
    try:
        return [path] if path.is_file() and is_supported_path(path) else []
    except OSError:
        return []


def to_open(mime: QMimeData | None, text_paths: bool = False) -> list[Path] | QImage | None:
    """What a drop or a paste brings: image files (or, pasting, paths written as text),
    image data (possibly unreadable: isNull), or None for nothing the window opens."""
    paths = openable_paths(mime) or (path_from_text(mime) if text_paths else [])
    if paths:
        return paths
    if mime is None or not mime.hasImage():
        return None
    image = mime.imageData()
    return image if isinstance(image, QImage) else QImage()
