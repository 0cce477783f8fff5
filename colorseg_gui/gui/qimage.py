"""The one numpy -> QImage conversion used by the window."""

from __future__ import annotations

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
    # QImage needs each row contiguous; rows may be padded, which strides[0] describes.
    if array.strides[-1] != 1 or (array.ndim == 3 and array.strides[1] != channels):
        array = np.ascontiguousarray(array)
    height, width = int(array.shape[0]), int(array.shape[1])
    image = QImage(array.data, width, height, int(array.strides[0]), _FORMATS[channels])
    return image.copy() if copy else image


class ArrayImage:
    """A QImage that borrows an array's pixels, holding the array so the buffer outlives it."""

    __slots__ = ("array", "image")

    def __init__(self, array: npt.NDArray[np.uint8]) -> None:
        self.array = np.ascontiguousarray(array)
        self.image = array_to_qimage(self.array, copy=False)

    @property
    def width(self) -> int:
        return self.image.width()

    @property
    def height(self) -> int:
        return self.image.height()
