"""The one numpy -> QImage conversion used by the window."""

from __future__ import annotations

import sys

import numpy as np
import numpy.typing as npt
from PySide6.QtGui import QImage

_FORMATS = {
    1: QImage.Format.Format_Grayscale8,
    3: QImage.Format.Format_RGB888,
    4: QImage.Format.Format_RGBA8888,
}


def array_to_qimage(array: npt.NDArray[np.uint8], *, copy: bool = True) -> QImage:
    """Wrap an H x W, H x W x 3 or H x W x 4 uint8 array in a QImage.

    With ``copy=True`` (the default) the QImage owns its pixels and the array may be
    dropped at once. With ``copy=False`` the QImage points into the array's buffer: the
    caller must keep the array alive (and unmodified) for as long as the QImage lives;
    :class:`ArrayImage` does exactly that and saves a full-size copy in the GUI thread.
    """
    if array.dtype != np.uint8:
        raise ValueError(f"expected uint8 pixels, got {array.dtype}")
    channels = 1 if array.ndim == 2 else int(array.shape[2])
    if array.ndim not in (2, 3) or channels not in _FORMATS:
        raise ValueError(f"expected H x W, H x W x 3 or H x W x 4, got shape {array.shape}")
    # A sliced array (padded rows) has no contiguous buffer to hand over: copy it first.
    # bytesPerLine still comes from strides[0], never from width * channels.
    if not array.flags.c_contiguous:
        array = np.ascontiguousarray(array)
    height, width = int(array.shape[0]), int(array.shape[1])
    image = QImage(array.data, width, height, int(array.strides[0]), _FORMATS[channels])
    return image.copy() if copy else image


class ArrayImage:
    """A QImage that borrows an array's pixels, holding the array so the buffer outlives it."""

    __slots__ = ("array", "image")

    def __init__(self, array: npt.NDArray[np.uint8], *, screen: bool | None = None) -> None:
        """``screen``: None for RGB/RGBA pixels, else True/False for an opaque/translucent
        array made by :func:`to_screen`."""
        self.array = np.ascontiguousarray(array)
        if screen is None:
            self.image = array_to_qimage(self.array, copy=False)
        else:
            self.image = screen_to_qimage(self.array, opaque=screen, copy=False)

    @property
    def width(self) -> int:
        return self.image.width()

    @property
    def height(self) -> int:
        return self.image.height()


_LITTLE_ENDIAN = sys.byteorder == "little"


def to_screen(array: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """RGB / RGBA pixels -> H x W x 4 in the memory order of QImage's 32-bit ARGB formats.

    Qt paints Format_RGB32 and Format_ARGB32_Premultiplied without converting every span
    (about three times faster than RGB888 when scaled), so the worker threads prepare
    what the window paints in this layout, and the GUI thread only wraps it.
    """
    height, width, channels = array.shape
    out = np.empty((height, width, 4), dtype=np.uint8)
    order = (2, 1, 0, 3) if _LITTLE_ENDIAN else (3, 0, 1, 2)  # B G R A  or  A R G B
    for source in range(3):
        out[..., order[source]] = array[..., source]
    if channels == 4:
        alpha = array[..., 3]
        out[..., order[3]] = alpha
        # Premultiply: c * a / 255, rounded.
        scaled = out.astype(np.uint16)
        for source in range(3):
            channel = order[source]
            scaled[..., channel] = (scaled[..., channel] * alpha + 127) // 255
        out = scaled.astype(np.uint8)
    else:
        out[..., order[3]] = 255
    return out


def screen_to_qimage(screen: npt.NDArray[np.uint8], *, opaque: bool, copy: bool = True) -> QImage:
    """Wrap an array made by :func:`to_screen`."""
    screen = np.ascontiguousarray(screen)
    height, width = int(screen.shape[0]), int(screen.shape[1])
    fmt = QImage.Format.Format_RGB32 if opaque else QImage.Format.Format_ARGB32_Premultiplied
    image = QImage(screen.data, width, height, int(screen.strides[0]), fmt)
    return image.copy() if copy else image


def qimage_to_array(image: QImage) -> npt.NDArray[np.uint8]:
    """A QImage (any format) -> H x W x 3 RGB, or H x W x 4 RGBA when it has alpha (a copy)."""
    alpha = image.hasAlphaChannel()
    fmt = QImage.Format.Format_RGBA8888 if alpha else QImage.Format.Format_RGB888
    converted = image.convertToFormat(fmt)
    channels = 4 if alpha else 3
    width, height = converted.width(), converted.height()
    if width == 0 or height == 0:
        return np.zeros((height, width, channels), dtype=np.uint8)
    rows = np.frombuffer(converted.constBits(), dtype=np.uint8).reshape(
        height, converted.bytesPerLine()
    )  # rows are padded to 4 bytes: cut each to its pixels
    return rows[:, : width * channels].reshape(height, width, channels).copy()
