"""Write results atomically: segmented images, indexed PNG, label map and per-cluster masks."""

from __future__ import annotations

import errno
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import IO

import numpy as np
import numpy.typing as npt
from PIL import Image, PngImagePlugin

from colorseg_gui.engine.io.indexed_png import indexed_entries

__all__ = [
    "IMAGE_FORMATS",
    "ExportError",
    "atomic_write",
    "default_output_name",
    "save_image",
    "save_indexed_png",
    "save_label_map",
    "save_masks",
]

# extension -> (Pillow format, can hold alpha)
IMAGE_FORMATS: dict[str, tuple[str, bool]] = {
    ".png": ("PNG", True),
    ".jpg": ("JPEG", False),
    ".jpeg": ("JPEG", False),
    ".webp": ("WEBP", True),
    ".tif": ("TIFF", True),
    ".tiff": ("TIFF", True),
}


class ExportError(Exception):
    """A file that could not be written; ``str()`` is one line naming it."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = " ".join(reason.split())
        super().__init__(f"{self.path}: {self.reason}")


def default_output_name(input_path: str | os.PathLike[str], k: int, ext: str = ".png") -> Path:
    """``<stem>_cluster<k><ext>`` beside the input, as the original tool named its output."""
    source = Path(input_path)
    return source.with_name(f"{source.stem}_cluster{k}{ext}")


def _describe(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied (the folder or file is not writable)"
    if isinstance(exc, FileNotFoundError):
        return "the folder does not exist"
    if isinstance(exc, IsADirectoryError):
        return "is a folder"
    if isinstance(exc, NotADirectoryError):
        return "part of the path is a file, not a folder"
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    if exc.errno == errno.EROFS:
        return "the disk is read-only"
    return exc.strerror or str(exc) or type(exc).__name__


def _check_target(path: Path, source: str | os.PathLike[str] | None) -> None:
    if source is not None:
        src = Path(source)
        same = (path.exists() and src.exists() and os.path.samefile(path, src)) or (
            path.resolve() == src.resolve()
        )
        if same:
            raise ExportError(path, "refusing to overwrite the input image; choose another name")
    if path.is_dir():
        raise ExportError(path, "is a folder")


def atomic_write(
    path: str | os.PathLike[str],
    write: Callable[[IO[bytes]], None],
    *,
    source: str | os.PathLike[str] | None = None,
) -> Path:
    """Write through ``write(fileobj)`` to a temporary file beside ``path``, then rename.

    A failure leaves the old file (if any) untouched and no partial file behind.
    ``source``, when given, is an input that must never be overwritten.
    """
    target = Path(path)
    _check_target(target, source)
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        # os.open with 0o666 lets the umask decide the final permissions, like a plain open().
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        raise ExportError(target, _describe(exc)) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ExportError(target, _describe(exc)) from None
    except ExportError:
        tmp.unlink(missing_ok=True)
        raise
    except Exception as exc:  # an encoder failure must not leave the temporary file behind
        tmp.unlink(missing_ok=True)
        raise ExportError(target, f"could not encode the image ({exc})") from None
    except BaseException:  # Ctrl-C mid-write: no stray temporary file either
        tmp.unlink(missing_ok=True)
        raise
    return target


def _format_for(path: Path) -> tuple[str, bool]:
    try:
        return IMAGE_FORMATS[path.suffix.lower()]
    except KeyError:
        known = ", ".join(sorted({e.lstrip(".") for e in IMAGE_FORMATS}))
        raise ExportError(path, f"unknown image type {path.suffix or '(none)'}; use {known}") \
            from None


def _flatten_on_white(array: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """RGBA -> RGB composited on white (what a viewer shows), for formats without alpha."""
    alpha = array[:, :, 3:4].astype(np.uint16)
    rgb = array[:, :, :3].astype(np.uint16)
    return ((rgb * alpha + 255 * (255 - alpha) + 127) // 255).astype(np.uint8)


def save_image(
    array: npt.NDArray[np.uint8],
    path: str | os.PathLike[str],
    *,
    quality: int = 92,
    source: str | os.PathLike[str] | None = None,
    recipe: str | None = None,
) -> Path:
    """Save HxWx3 / HxWx4 uint8 as PNG, JPEG, WebP or TIFF (chosen by the extension).

    ``recipe`` (engine.recipe) goes into the file's own place for text.

    Alpha is kept by PNG, WebP and TIFF; JPEG cannot hold it, so transparent areas are
    composited on white. WebP is written lossless: lossy WebP would add colours that are
    not in the palette. ``quality`` (1-100) applies to JPEG.
    """
    target = Path(path)
    fmt, keeps_alpha = _format_for(target)
    data = np.ascontiguousarray(array)
    if data.dtype != np.uint8 or data.ndim != 3 or data.shape[2] not in (3, 4):
        raise ValueError(f"expected HxWx3 or HxWx4 uint8, got {data.dtype} {data.shape}")
    if data.shape[2] == 4 and not keeps_alpha:
        data = _flatten_on_white(data)
    image = Image.fromarray(data)  # RGB or RGBA from the shape
    options: dict[str, object] = {}
    if fmt == "JPEG":
        options = {"quality": max(1, min(100, int(quality))), "subsampling": 0}
    elif fmt == "WEBP":
        options = {"lossless": True, "quality": 100, "method": 4}
    elif fmt == "TIFF":
        options = {"compression": "tiff_adobe_deflate"}
    elif fmt == "PNG":
        options = {"compress_level": 6}
    if recipe is not None:
        options.update(_recipe_options(fmt, recipe))
    return atomic_write(target, lambda fh: image.save(fh, fmt, **options), source=source)


def _recipe_options(fmt: str, recipe: str) -> dict[str, object]:
    from colorseg_gui.engine.io.recipe import RECIPE_KEY, xmp_packet

    if fmt == "PNG":
        info = PngImagePlugin.PngInfo()
        info.add_itxt(RECIPE_KEY, recipe, zip=True)
        return {"pnginfo": info}
    if fmt == "JPEG":
        return {"comment": recipe.encode("utf-8")}
    if fmt == "WEBP":
        return {"xmp": xmp_packet(recipe)}
    exif = Image.Exif()
    exif[270] = recipe  # TIFF ImageDescription
    return {"exif": exif}


def save_indexed_png(
    labels: npt.NDArray[np.integer],
    palette: npt.NDArray[np.uint8],
    path: str | os.PathLike[str],
    alpha: npt.NDArray[np.uint8] | None = None,
    *,
    source: str | os.PathLike[str] | None = None,
    notes: list[str] | None = None,
    recipe: str | None = None,
) -> Path:
    """Palette PNG holding exactly the k cluster colours (1/2/4/8 bits as k needs).

    With alpha, entries pair a colour with an alpha level and carry tRNS values; see
    indexed_entries for how alpha is rounded when the pairs exceed 256 (``notes`` says so).
    """
    target = Path(path)
    pal = np.asarray(palette, dtype=np.uint8).reshape(-1, 3)
    lab = np.asarray(labels)
    if lab.ndim != 2 or len(pal) == 0 or len(pal) > 256:
        raise ValueError(f"need HxW labels and 1..256 colours, got {lab.shape}, {pal.shape}")
    if lab.size and int(lab.max()) >= len(pal):
        raise ValueError(f"label {int(lab.max())} has no palette entry (k = {len(pal)})")
    try:
        index, colours, trns = indexed_entries(lab.astype(np.uint8), pal, alpha, notes)
    except ValueError as exc:
        raise ExportError(target, str(exc)) from None
    height, width = index.shape
    image = Image.frombytes("P", (width, height), np.ascontiguousarray(index).tobytes())
    image.putpalette(colours.tobytes(), "RGB")  # exactly len(colours) PLTE entries
    options: dict[str, object] = {"optimize": False}
    if trns is not None:
        options["transparency"] = trns
    if recipe is not None:
        options.update(_recipe_options("PNG", recipe))
    return atomic_write(target, lambda fh: image.save(fh, "PNG", **options), source=source)


def save_label_map(labels: npt.NDArray[np.integer], path: str | os.PathLike[str]) -> Path:
    """8-bit greyscale PNG whose pixel value is the cluster index (0..k-1, k <= 256)."""
    lab = np.asarray(labels)
    if lab.ndim != 2 or (lab.size and (int(lab.min()) < 0 or int(lab.max()) > 255)):
        raise ValueError("a label map needs HxW labels in 0..255")
    image = Image.fromarray(np.ascontiguousarray(lab.astype(np.uint8)))  # mode L
    return atomic_write(path, lambda fh: image.save(fh, "PNG"))


def _png_writer(image: Image.Image) -> Callable[[IO[bytes]], None]:
    def write(fh: IO[bytes]) -> None:
        image.save(fh, "PNG")

    return write


def _slug(name: str) -> str:
    """'Burnt Sienna (W 074)' -> 'burnt-sienna-w-074': safe in a file name everywhere."""
    words = "".join(c.lower() if c.isalnum() else " " for c in name).split()
    return "-".join(words)[:40]


def mask_names(stem: str, k: int, names: list[str] | None = None) -> list[str]:
    """File names of the k masks; zero-padded so they sort in cluster order, and with the
    colour's name when it has one (``<stem>_mask03_burnt-sienna.png``)."""
    width = len(str(max(k - 1, 0)))
    tails = [f"_{_slug(n)}" if names and _slug(n) else "" for n in (names or [""] * k)]
    return [f"{stem}_mask{i:0{width}d}{tails[i]}.png" for i in range(k)]


def save_masks(
    labels: npt.NDArray[np.integer], k: int, outdir: str | os.PathLike[str], stem: str,
    names: list[str] | None = None,
) -> list[Path]:
    """One 1-bit PNG per cluster, white where the cluster is; creates ``outdir`` if needed."""
    folder = Path(outdir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(folder, _describe(exc)) from None
    lab = np.asarray(labels)
    written = []
    for cluster, name in enumerate(mask_names(stem, k, names)):
        mask = Image.fromarray(np.ascontiguousarray(lab == cluster))  # mode "1"
        written.append(atomic_write(folder / name, _png_writer(mask)))
    return written
