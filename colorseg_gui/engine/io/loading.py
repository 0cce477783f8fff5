"""One loading function for every entry point: file -> Picture (8-bit sRGB + alpha) or an error."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from PIL import Image

from colorseg_gui.engine.io.decode_guard import guarded_decode
from colorseg_gui.engine.io.load_errors import (
    ImageLoadError,
    describe_decode_error,
    describe_os_error,
    describe_pixels,
    describe_too_large,
    describe_unidentified,
    sniff_format,
)
from colorseg_gui.engine.io.pixel_modes import (
    apply_orientation,
    is_sixteen_bit_colour,
    to_rgb_alpha,
)

__all__ = [
    "ALLOWED_FORMATS",
    "DEFAULT_MAX_PIXELS",
    "SUPPORTED_EXTENSIONS",
    "ImageLoadError",
    "Picture",
    "is_supported_path",
    "load_image",
    "picture_from_array",
]

DEFAULT_MAX_PIXELS = 200_000_000

# Raster formats a user drops on an image tool. Left out on purpose: EPS/PDF/WMF (run other
# programs), BLP/FTEX (game textures; a 284-byte BLP makes Pillow allocate 660 MiB before it
# fails) and scientific containers (FITS, GRIB, HDF5...).
ALLOWED_FORMATS: tuple[str, ...] = (
    "PNG", "JPEG", "WEBP", "AVIF", "GIF", "BMP", "DIB", "TIFF", "ICO", "CUR", "ICNS",
    "TGA", "PPM", "QOI", "PCX", "SGI", "PSD", "JPEG2000", "DDS", "XBM", "XPM",
)

_EXIF_ORIENTATION = 0x0112


def _supported_extensions() -> tuple[str, ...]:
    Image.init()
    exts = {ext.lower() for ext, fmt in Image.registered_extensions().items()
            if fmt in ALLOWED_FORMATS}
    exts.add(".apng")
    return tuple(sorted(exts))


SUPPORTED_EXTENSIONS: tuple[str, ...] = _supported_extensions()


def is_supported_path(path: str | os.PathLike[str]) -> bool:
    """True when the file name has an extension load_image is meant to read."""
    return Path(path).suffix.lower() in SUPPORTED_EXTENSIONS


@dataclass(frozen=True, eq=False)
class Picture:
    """A loaded image: 8-bit sRGB pixels, optional alpha, and what loading had to do to it."""

    rgb: npt.NDArray[np.uint8]  # H x W x 3, C-contiguous
    alpha: npt.NDArray[np.uint8] | None  # H x W, None when every pixel is opaque
    path: Path | None
    name: str
    format: str
    mode: str  # Pillow's mode of the file as decoded (before conversion)
    n_frames: int = 1
    notes: tuple[str, ...] = ()

    @property
    def width(self) -> int:
        return int(self.rgb.shape[1])

    @property
    def height(self) -> int:
        return int(self.rgb.shape[0])

    @property
    def has_alpha(self) -> bool:
        return self.alpha is not None

    def as_array(self) -> npt.NDArray[np.uint8]:
        """HxWx3, or HxWx4 with alpha as the 4th channel (what segment() takes)."""
        if self.alpha is None:
            return self.rgb
        return np.concatenate([self.rgb, self.alpha[:, :, None]], axis=2)


def picture_from_array(array: npt.ArrayLike, name: str = "pasted image") -> Picture:
    """Wrap an HxWx3 / HxWx4 uint8 array (e.g. from the clipboard) as a Picture."""
    data = np.asarray(array)
    if data.dtype != np.uint8 or data.ndim != 3 or data.shape[2] not in (3, 4):
        raise ValueError(f"expected an HxWx3 or HxWx4 uint8 array, got {data.dtype} {data.shape}")
    if data.shape[0] == 0 or data.shape[1] == 0:
        raise ImageLoadError(Path(name), "empty image (0 pixels)")
    rgb = np.ascontiguousarray(data[:, :, :3])
    alpha = None
    if data.shape[2] == 4 and not bool((data[:, :, 3] == 255).all()):
        alpha = np.ascontiguousarray(data[:, :, 3])
    mode = "RGBA" if data.shape[2] == 4 else "RGB"
    return Picture(rgb=rgb, alpha=alpha, path=None, name=name, format="", mode=mode)


def _frame_notes(im: Image.Image) -> tuple[int, list[str]]:
    notes: list[str] = []
    layered = im.format == "PSD"  # Pillow counts a PSD's layers as its frames
    try:
        n_frames = int(getattr(im, "n_frames", 1) or 1)
    except Exception:  # counting frames reads the whole file; a broken later frame is harmless
        n_frames = 1
        notes.append("its layers could not be read; the merged image is shown" if layered
                     else "only the first frame could be read")
    if layered and n_frames > 1:
        notes.append(f"the merged image of {n_frames} layers")
    elif n_frames > 1:
        notes.append(f"first of {n_frames} frames")
    sizes = im.info.get("sizes")
    if im.format in ("ICO", "CUR", "ICNS") and sizes and len(sizes) > 1:
        notes.append(f"largest of {len(sizes)} sizes ({im.width}x{im.height})")
    return n_frames, notes


def _orientation(im: Image.Image) -> int:
    try:
        value = im.getexif().get(_EXIF_ORIENTATION, 1)
    except Exception:  # broken EXIF must not stop an otherwise good picture
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _check_size(path: Path, size: tuple[int, int], max_pixels: int | None, what: str) -> None:
    width, height = size
    pixels = width * height
    if pixels == 0:
        raise ImageLoadError(path, "empty image (0 pixels)")
    if max_pixels is not None and pixels > max_pixels:
        raise ImageLoadError(
            path,
            f"too large: {what}{describe_pixels(pixels)} ({width} x {height}; "
            f"the limit is {describe_pixels(max_pixels)})",
        )


def _decode(fh: Any, path: Path, max_pixels: int | None) -> Picture:
    im = Image.open(fh, formats=list(ALLOWED_FORMATS))
    with im:
        fmt, mode = str(im.format or ""), im.mode
        header_size = im.size
        _check_size(path, header_size, max_pixels, "")
        try:
            # Pillow opens every format at the frame it shows first (a PSD at its merged
            # image, which it numbers before layer 1): no seek, which a PSD would refuse.
            n_frames, notes = _frame_notes(im)
            if is_sixteen_bit_colour(im):
                notes.append("16 bits per channel reduced to 8 bits")
            im.load()
            if im.size != header_size:  # ICNS/ICO entries: the embedded image decides
                _check_size(path, im.size, max_pixels, "the image inside it is ")
            orientation = _orientation(im)
            rgb, alpha = to_rgb_alpha(im, notes)
        except (ImageLoadError, Image.DecompressionBombError):
            raise
        except Exception as exc:  # MemoryError, SyntaxError, struct.error... from the decoder
            raise ImageLoadError(path, describe_decode_error(exc, fmt, im.size)) from None
    if orientation != 1:
        rgb = apply_orientation(rgb, orientation)
        alpha = apply_orientation(alpha, orientation) if alpha is not None else None
        notes.append(f"rotated as its EXIF orientation ({orientation}) says")
    else:
        rgb = np.ascontiguousarray(rgb)
    if alpha is not None and bool((alpha == 255).all()):
        alpha = None  # opaque: nothing to weigh, and any output format can hold it
    elif alpha is not None:
        alpha = np.ascontiguousarray(alpha)
    return Picture(rgb=rgb, alpha=alpha, path=path, name=path.name, format=fmt, mode=mode,
                   n_frames=n_frames, notes=tuple(notes))


def load_image(
    path: str | os.PathLike[str], *, max_pixels: int | None = DEFAULT_MAX_PIXELS
) -> Picture:
    """Decode an image file; every failure is an ImageLoadError with a one-line reason.

    The pixel count is checked from the header before any pixel is decoded, and Pillow's own
    guard refuses embedded images (ICNS/ICO entries, TIFF tiles, MPO and GIF frames) over
    the same limit before they are decoded (``max_pixels=None`` disables both).
    """
    file_path = Path(path)
    guess = file_path.suffix.lstrip(".").upper()  # Pillow may fail before naming the format
    try:
        mode = file_path.stat().st_mode
        if stat.S_ISDIR(mode):
            raise ImageLoadError(file_path, "is a folder, not an image file")
        if not stat.S_ISREG(mode):  # a FIFO would block open(), a device never ends
            raise ImageLoadError(file_path, "not a regular file")
        with open(file_path, "rb") as fh:
            head = fh.read(64)
            if not head:
                raise ImageLoadError(file_path, "empty file (0 bytes)")
            fh.seek(0)
            guess = sniff_format(head) or guess
            with guarded_decode(file_path.name, max_pixels):
                try:
                    return _decode(fh, file_path, max_pixels)
                except Image.DecompressionBombError as exc:
                    raise ImageLoadError(
                        file_path, describe_too_large(exc, max_pixels)
                    ) from None
                except Image.UnidentifiedImageError:
                    raise ImageLoadError(
                        file_path, describe_unidentified(file_path, head, ALLOWED_FORMATS)
                    ) from None
    except ImageLoadError:
        raise
    except OSError as exc:
        if exc.filename is not None or isinstance(exc, FileNotFoundError | PermissionError):
            raise ImageLoadError(file_path, describe_os_error(exc)) from None
        raise ImageLoadError(file_path, describe_decode_error(exc, guess, None)) from None
    except Exception as exc:  # Pillow plugins raise SyntaxError, ValueError, struct.error...
        raise ImageLoadError(file_path, describe_decode_error(exc, guess, None)) from None
