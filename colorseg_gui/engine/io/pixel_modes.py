"""Turn a decoded Pillow image of any mode into 8-bit sRGB + optional alpha numpy arrays."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageCms

RGBArray = npt.NDArray[np.uint8]

# Modes whose last band is (possibly premultiplied) alpha; Pillow un-premultiplies in convert.
_ALPHA_MODES = {"RGBA": "RGB", "RGBa": "RGB", "LA": "L", "La": "L", "PA": "RGB"}
_HIGH_DEPTH_GREY = ("I;16", "I;16L", "I;16B", "I;16N", "I", "F")


def is_sixteen_bit_colour(im: Image.Image) -> bool:
    """Pillow decodes 16-bit-per-channel colour to 8 bits silently; the tile's rawmode tells.

    Call before load(): loading clears the tile list.
    """
    for tile in getattr(im, "tile", None) or ():
        args = tile.args
        rawmode = args if isinstance(args, str) else (args[0] if args else "")
        if isinstance(rawmode, str) and "16" in rawmode and im.mode in ("RGB", "RGBA"):
            return True
    return False


def _strips(im: Image.Image) -> Iterator[tuple[int, int, npt.NDArray[Any]]]:
    """(top, bottom, pixels) strip by strip: whole-image temporaries of a 200 MP float
    image in float64 would take 1.6 GB each."""
    width, height = im.size
    rows = max(1, _STRIP_BYTES // max(1, width * 8))
    for top in range(0, height, rows):
        bottom = min(height, top + rows)
        yield top, bottom, np.asarray(im.crop((0, top, width, bottom)))


def _scale_high_depth(im: Image.Image, notes: list[str]) -> npt.NDArray[np.uint8]:
    """16-bit, 32-bit integer and float greys to 0..255 (Pillow's own convert clips instead)."""
    width, height = im.size
    out = np.empty((height, width), dtype=np.uint8)
    if im.mode.startswith("I;16"):
        notes.append("16-bit grey reduced to 8 bits")
        for top, bottom, values in _strips(im):
            out[top:bottom] = (values.astype(np.uint32) * 255 + 32767) // 65535
        return out
    lo, hi, non_finite = np.inf, -np.inf, False
    for _, _, values in _strips(im):
        finite = np.isfinite(values)
        if not finite.all():
            non_finite = True
            values = values[finite]
        if values.size:
            lo, hi = min(lo, float(values.min())), max(hi, float(values.max()))
    if non_finite:
        notes.append("non-finite values shown as black")
    if lo > hi:  # nothing finite at all
        lo = hi = 0.0
    kind = "floating-point" if im.mode == "F" else "32-bit integer"
    if im.mode == "F" and lo >= 0.0 and hi <= 1.0:
        notes.append(f"{kind} values 0..1 scaled to 0..255")
        offset, scale = 0.0, 255.0
    elif lo >= 0.0 and hi <= 255.0:
        offset, scale = 0.0, 1.0
        if im.mode == "F":
            notes.append(f"{kind} values used as 0..255")
    elif lo >= 0.0 and hi <= 65535.0 and im.mode == "I":
        notes.append(f"{kind} values 0..65535 scaled to 0..255")
        offset, scale = 0.0, 255.0 / 65535.0
    else:
        notes.append(f"{kind} values {lo:g}..{hi:g} stretched to 0..255")
        offset, scale = lo, 255.0 / (hi - lo if hi > lo else 1.0)
    for top, bottom, values in _strips(im):
        data = values.astype(np.float64)
        data[~np.isfinite(data)] = offset  # shown as black (0 after the offset)
        out[top:bottom] = np.clip(np.rint((data - offset) * scale), 0, 255)
    return out


def _to_srgb(colour: Image.Image, icc: bytes | None, notes: list[str]) -> Image.Image:
    """Colour part (L, RGB or CMYK) to sRGB RGB, through the embedded ICC profile if any."""
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            description = (ImageCms.getProfileDescription(source) or "").strip()
            if description.lower().startswith("srgb") and colour.mode == "RGB":
                return colour  # already sRGB: a transform would only add rounding noise
            target = ImageCms.createProfile("sRGB")
            # Relative colorimetric with black-point compensation, as Photoshop and most
            # viewers display: SWOP 0/100/100/0 becomes (237, 28, 36).
            transform = ImageCms.buildTransform(
                source, target, colour.mode, "RGB",
                renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
                flags=ImageCms.Flags.BLACKPOINTCOMPENSATION,
            )
            converted = ImageCms.applyTransform(colour, transform)
            if converted is not None:
                notes.append(f"colour profile '{description or 'embedded'}' converted to sRGB")
                return converted
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError) as exc:
            notes.append(f"embedded colour profile ignored ({_short(exc)})")
    if colour.mode == "CMYK":
        notes.append("CMYK converted to RGB without a colour profile (approximate)")
    return colour if colour.mode == "RGB" else colour.convert("RGB")


_DIRECT_BYTES = 64 << 20
_STRIP_BYTES = 4 << 20


def image_to_array(im: Image.Image) -> npt.NDArray[np.uint8]:
    """8-bit Pillow image -> numpy; big images strip by strip.

    np.asarray(im) goes through im.tobytes(), whose chunks and their join coexist: two
    copies at the peak (84 MiB over the decoded image for 15 MP RGB; 1.2 GB at 200 MP).
    Strips keep the peak near one copy for about twice the (small) conversion time, so they
    are used only above 64 MiB.
    """
    width, height = im.size
    bands = len(im.getbands())
    if width * height * bands <= _DIRECT_BYTES:
        return np.asarray(im)
    out = np.empty((height, width, bands) if bands > 1 else (height, width), dtype=np.uint8)
    rows = max(1, _STRIP_BYTES // (width * bands))
    for top in range(0, height, rows):
        bottom = min(height, top + rows)
        out[top:bottom] = np.asarray(im.crop((0, top, width, bottom)))
    return out


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:80]


def to_rgb_alpha(im: Image.Image, notes: list[str]) -> tuple[RGBArray, RGBArray | None]:
    """Decoded image -> (HxWx3 uint8 sRGB, HxW uint8 alpha or None); appends what it did."""
    icc = im.info.get("icc_profile") or None
    alpha: RGBArray | None = None
    mode = im.mode
    if mode in _HIGH_DEPTH_GREY:
        grey = _scale_high_depth(im, notes)
        return np.repeat(grey[:, :, None], 3, axis=2), None
    if mode == "1":
        colour: Image.Image = im.convert("L")
    elif mode == "P":
        # convert() applies the tRNS / GIF transparency entry or an RGBA palette.
        palette_alpha = im.palette is not None and im.palette.mode == "RGBA"
        if "transparency" in im.info or palette_alpha:
            full = im.convert("RGBA")
            alpha = image_to_array(full.getchannel("A"))
            colour = full.convert("RGB")
        else:
            colour = im.convert("RGB")
    elif mode in _ALPHA_MODES:
        # RGBa/La are premultiplied: convert() un-premultiplies them.
        target = "LA" if _ALPHA_MODES[mode] == "L" else "RGBA"
        full = im if mode == target else im.convert(target)
        alpha = image_to_array(full.getchannel("A"))
        colour = full.convert(_ALPHA_MODES[mode])
    elif mode in ("L", "RGB", "CMYK"):
        colour = im
        if "transparency" in im.info and mode != "CMYK":  # tRNS: one transparent grey/RGB
            alpha = image_to_array(im.convert("RGBA").getchannel("A"))
    else:  # YCbCr, LAB, HSV and rarer modes Pillow knows how to convert
        colour = im.convert("RGB")
        notes.append(f"{mode} converted to RGB")
        icc = None  # a profile describes the file's own mode, not the RGB made from it
    rgb_image = _to_srgb(colour, icc, notes)
    rgb = image_to_array(rgb_image)
    if rgb.ndim == 2:
        rgb = np.repeat(rgb[:, :, None], 3, axis=2)
    return rgb, alpha


# EXIF orientation tag value -> numpy transform (same result as ImageOps.exif_transpose).
def apply_orientation(array: npt.NDArray[np.uint8], orientation: int) -> npt.NDArray[np.uint8]:
    """Rotate/flip an HxW[xC] array as EXIF orientation 1..8 says; returns a C-contiguous copy."""
    if orientation == 2:
        out = array[:, ::-1]
    elif orientation == 3:
        out = array[::-1, ::-1]
    elif orientation == 4:
        out = array[::-1]
    elif orientation == 5:
        out = array.swapaxes(0, 1)
    elif orientation == 6:
        out = np.rot90(array, -1)
    elif orientation == 7:
        out = array[::-1, ::-1].swapaxes(0, 1)
    elif orientation == 8:
        out = np.rot90(array, 1)
    else:
        out = array
    return np.ascontiguousarray(out)
