"""Say in user words why a file could not be loaded (Pillow exceptions, sniffed formats)."""

from __future__ import annotations

import errno
import re
import struct
from pathlib import Path

from PIL import Image

# Formats that run other programs (EPS/PS via Ghostscript) are never handed to Pillow.
_NEVER_OPEN = frozenset({"EPS", "PDF", "WMF"})
_HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs",
                b"mif1", b"msf1")


class ImageLoadError(Exception):
    """A file that could not be loaded; ``str()`` is one line: "<file name>: <reason>"."""

    def __init__(self, path: Path | str | None, reason: str) -> None:
        self.path = Path(path) if path is not None else None
        self.reason = " ".join(reason.split())  # one line whatever Pillow said
        name = self.path.name if self.path is not None else "image"
        super().__init__(f"{name}: {self.reason}")


def describe_pixels(n: int) -> str:
    """4364696535 -> '4.4 gigapixels'; 250_000_000 -> '250 megapixels'."""
    if n >= 1_000_000_000:
        return f"{n / 1e9:.1f} gigapixels"
    if n >= 10_000_000:
        return f"{n / 1e6:.0f} megapixels"
    return f"{n / 1e6:.1f} megapixels"


def _detail(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:100] if text else type(exc).__name__


def _looks_like_text(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
    return printable >= 0.95 * len(text)


# Magic numbers of the formats users meet, to name a format Pillow could not (or must not)
# open, including for files with no extension. Longest prefixes first where they overlap.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"), (b"II*\x00", "TIFF"), (b"MM\x00*", "TIFF"), (b"II+\x00", "BigTIFF"),
    (b"MM\x00+", "BigTIFF"), (b"BM", "BMP"), (b"8BPS", "PSD"), (b"icns", "ICNS"),
    (b"\x00\x00\x01\x00", "ICO"), (b"\x00\x00\x02\x00", "CUR"), (b"qoif", "QOI"),
    (b"\x00\x00\x00\x0cjP  \r\n\x87\n", "JPEG 2000"), (b"\xff\x4f\xff\x51", "JPEG 2000"),
    (b"DDS ", "DDS"), (b"\x01\xda", "SGI"), (b"/* XPM */", "XPM"), (b"#define", "XBM"),
    (b"P7", "PAM"), (b"Pf", "PFM"), (b"PF", "PFM"), (b"P1", "PBM"), (b"P2", "PGM"),
    (b"P3", "PPM"), (b"P4", "PBM"), (b"P5", "PGM"), (b"P6", "PPM"),
    (b"#?RADIANCE", "Radiance HDR"), (b"#?RGBE", "Radiance HDR"), (b"SIMPLE  =", "FITS"),
    (b"\x76\x2f\x31\x01", "OpenEXR"), (b"BLP1", "BLP"), (b"BLP2", "BLP"),
    (b"\x0a\x05", "PCX"), (b"\x0a\x02", "PCX"), (b"\x0a\x03", "PCX"),
)
# Formats no Pillow plugin of ours reads: what to tell the user to do instead.
_UNSUPPORTED_ADVICE = {
    "PAM": "PAM images are not supported; convert it to PNG",
    "PFM": "floating-point PFM images are not supported; convert it to PNG or TIFF",
    "Radiance HDR": "Radiance HDR images are not supported; tone-map it to PNG or JPEG",
    "FITS": "FITS (astronomy) images are not supported; export it as PNG or TIFF",
    "OpenEXR": "OpenEXR images are not supported; export it as PNG or TIFF",
    "BigTIFF": "BigTIFF files are not supported; save it as a regular TIFF or PNG",
    "BLP": "BLP game textures are not supported",
}
# Containers whose header would be named "damaged" when Pillow cannot open them at all.
_DAMAGED_IF_UNREAD = frozenset({
    "PNG", "JPEG", "GIF", "BMP", "PSD", "ICNS", "ICO", "CUR", "QOI", "JPEG 2000", "DDS",
    "SGI", "XPM", "PBM", "PGM", "PPM", "PCX",
})


_DISPLAY_NAMES = {"WEBP": "WebP", "JPEG2000": "JPEG 2000", "JPG": "JPEG", "TIF": "TIFF",
                  "JPE": "JPEG", "JFIF": "JPEG", "J2K": "JPEG 2000", "JP2": "JPEG 2000"}


def display_format(fmt: str) -> str:
    """Pillow's or an extension's format name as users know it: WEBP -> WebP, TIF -> TIFF."""
    return _DISPLAY_NAMES.get(fmt.upper(), fmt.upper()) if fmt else ""


def sniff_format(head: bytes) -> str | None:
    """The format a file's first bytes announce, or None."""
    for magic, name in _MAGIC:
        if head.startswith(magic):
            if name in ("PBM", "PGM", "PPM", "PAM", "PFM") and head[2:3] not in b" \t\r\n#":
                continue  # "P5" followed by anything but white space is not a PNM header
            return name
    if head[4:8] == b"ftyp":
        return "HEIF" if head[8:12] in _HEIF_BRANDS else "AVIF" if head[8:12] in (
            b"avif", b"avis") else None
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "WebP"
    return None


def _identify_other_format(path: Path, allowed: tuple[str, ...]) -> str | None:
    """Name the format of a file we refuse to decode, by reading only its header."""
    Image.init()
    others = [f for f in Image.OPEN if f not in allowed and f not in _NEVER_OPEN]
    try:
        with open(path, "rb") as fh, Image.open(fh, formats=others) as im:
            return str(im.format)
    except Exception:  # any failure just means "unknown": the caller has a fallback
        return None


def _tiff_variant(path: Path) -> str:
    """Why Pillow refused a TIFF whose first directory reads: its colour layout, or damage."""
    from PIL import TiffImagePlugin

    try:
        with open(path, "rb") as fh:
            prefix = fh.read(8)
            ifd = TiffImagePlugin.ImageFileDirectory_v2(prefix)
            if ifd.next + 2 > path.stat().st_size:
                return "truncated TIFF: the file ends before its image directory"
            fh.seek(ifd.next)
            ifd.load(fh)
    except Exception:  # the header or first directory is unreadable: that is the answer
        return "damaged TIFF (its header is corrupt)"
    if not ifd.get(256) or not ifd.get(257):
        return "damaged TIFF (its header has no image size)"
    bits, formats = ifd.get(258, (1,)), ifd.get(339, (1,))
    first_bits = bits[0] if isinstance(bits, tuple) else bits
    first_format = formats[0] if isinstance(formats, tuple) else formats
    samples = ifd.get(277, 1)
    if first_format == 3:
        return f"TIFF variant not supported ({first_bits}-bit floating-point colour)"
    if (first_bits, samples) in {(1, 1), (2, 1), (4, 1), (8, 1), (8, 2), (8, 3), (8, 4),
                                 (16, 1), (16, 3), (16, 4)}:
        return "damaged TIFF (its header is inconsistent)"
    unit = "bit" if first_bits == 1 else "bits"
    return f"TIFF variant not supported ({samples} channels of {first_bits} {unit})"


def describe_unidentified(path: Path, head: bytes, allowed: tuple[str, ...]) -> str:
    """Reason for a file no allowed Pillow plugin recognised, from its first bytes."""
    if head.startswith((b"%!PS", b"\xc5\xd0\xd3\xc6")):
        return "EPS/PostScript is not supported (it would need Ghostscript); export it as PNG"
    if head.startswith(b"%PDF"):
        return "PDF is not supported; export the page as PNG or JPEG"
    fmt = sniff_format(head)
    if fmt == "HEIF":
        return "HEIF/HEIC is not supported; convert it to JPEG or PNG"
    if fmt in _UNSUPPORTED_ADVICE:
        return _UNSUPPORTED_ADVICE[fmt]
    if fmt == "TIFF":
        return _tiff_variant(path)
    if fmt in _DAMAGED_IF_UNREAD:
        return f"damaged {fmt} (its header is corrupt)"
    other = _identify_other_format(path, allowed)
    if other is not None:
        return f"{other} images are not supported"
    if fmt is not None:
        return f"{fmt} file that ColorSeg cannot read (damaged, or a variant it does not know)"
    if _looks_like_text(head):
        return "not an image (it is a text file)"
    Image.init()
    named = display_format(Image.registered_extensions().get(path.suffix.lower(), ""))
    if named:  # the name promises a format whose first bytes are not there
        return f"damaged, or not really {named}: it does not start as {named} files do"
    return "not an image, or a format ColorSeg cannot read"


def describe_os_error(exc: OSError) -> str:
    """File-system errors (opening, reading) in words."""
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    if isinstance(exc, IsADirectoryError):
        return "is a folder, not an image file"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if exc.errno == errno.EIO:
        return "read error (the disk or network share failed)"
    return f"could not read the file ({exc.strerror or _detail(exc)})"


def describe_too_large(exc: BaseException, max_pixels: int | None) -> str:
    """Pillow's bomb guard refused an image (or one embedded in it) over our limit."""
    found = re.search(r"\((\d+) pixels\)", str(exc))
    limit = f" (the limit is {describe_pixels(max_pixels)})" if max_pixels else ""
    if found is None:
        return f"too large: it declares more pixels than ColorSeg opens{limit}"
    return f"too large: {describe_pixels(int(found[1]))}{limit}"


# Pillow's words for corrupt pixel data ("decoding error", "decoder error -2 when reading",
# "broken data stream", "buffer overrun") and for a codec it cannot set up.
_CORRUPT_DATA = ("decoding error", "decoder error", "broken data stream", "buffer overrun",
                 "unknown error", "bad configuration", "invalid", "corrupt", "bad ")
_CANNOT_DECODE = ("could not create decoder", "decoder ", "not available", "unknown raw mode",
                  "unrecognized", "unknown compression")


def _with_format(fmt: str) -> str:
    return f"{display_format(fmt)} " if fmt else ""


def describe_decode_error(exc: BaseException, fmt: str, size: tuple[int, int] | None) -> str:
    """Reason for an exception raised by Pillow while opening or decoding."""
    text = str(exc).lower()
    kind = _with_format(fmt)
    if isinstance(exc, MemoryError) or "out of memory" in text:
        dims = f" ({size[0]} x {size[1]})" if size else ""
        return f"not enough memory to decode it{dims}"
    if isinstance(exc, Image.DecompressionBombError):
        return describe_too_large(exc, None)
    if isinstance(exc, EOFError) or "truncated" in text or "premature end" in text:
        return f"truncated {kind}file: it ends before its image data does"
    if "max_text_chunk" in text or "max_text_memory" in text:
        return (f"damaged or unusual {kind}file: its text metadata is larger than "
                "ColorSeg reads (over 1 MB decompressed)")
    if isinstance(exc, NotImplementedError) or "unsupported" in text or "not supported" in text:
        return f"{kind}variant not supported ({_detail(exc)})"
    if isinstance(exc, OSError) and exc.errno == errno.EIO:
        return describe_os_error(exc)
    if isinstance(exc, OSError) and exc.errno is not None:  # a seek or read past the data
        return f"damaged {kind}image: it points to data that is not in the file"
    if any(words in text for words in _CORRUPT_DATA):
        return f"damaged {kind}image: its pixel data is corrupt"
    if any(words in text for words in _CANNOT_DECODE):
        return (f"{kind}file that ColorSeg cannot decode (damaged, or a compression or "
                "pixel layout it does not support)")
    if isinstance(exc, OSError | SyntaxError | ValueError | struct.error | IndexError | KeyError):
        return f"damaged {kind}image data ({_detail(exc)})"
    return f"could not decode it ({type(exc).__name__}: {_detail(exc)})"
