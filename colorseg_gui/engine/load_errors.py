"""Say in user words why a file could not be loaded (Pillow exceptions, sniffed formats)."""

from __future__ import annotations

import errno
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


def _identify_other_format(path: Path, allowed: tuple[str, ...]) -> str | None:
    """Name the format of a file we refuse to decode, by reading only its header."""
    Image.init()
    others = [f for f in Image.OPEN if f not in allowed and f not in _NEVER_OPEN]
    try:
        with open(path, "rb") as fh, Image.open(fh, formats=others) as im:
            return str(im.format)
    except Exception:  # any failure just means "unknown": the caller has a fallback
        return None


def describe_unidentified(path: Path, head: bytes, allowed: tuple[str, ...]) -> str:
    """Reason for a file no allowed Pillow plugin recognised, from its first bytes."""
    if head.startswith((b"%!PS", b"\xc5\xd0\xd3\xc6")):
        return "EPS/PostScript is not supported (it would need Ghostscript); export it as PNG"
    if head.startswith(b"%PDF"):
        return "PDF is not supported; export the page as PNG or JPEG"
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return "HEIF/HEIC is not supported; convert it to JPEG or PNG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "damaged PNG (its header is corrupt)"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "TIFF variant not supported (for example floating-point colour)"
    if head.startswith(b"\xff\xd8\xff"):
        return "damaged JPEG (its header is corrupt)"
    if head.startswith(b"GIF8"):
        return "damaged GIF (its header is corrupt)"
    other = _identify_other_format(path, allowed)
    if other is not None:
        return f"format not supported ({other})"
    if _looks_like_text(head):
        return "not an image (it is a text file)"
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


def describe_decode_error(exc: BaseException, fmt: str, size: tuple[int, int] | None) -> str:
    """Reason for an exception raised by Pillow while opening or decoding."""
    text = str(exc).lower()
    if isinstance(exc, MemoryError):
        dims = f" ({size[0]} x {size[1]})" if size else ""
        return f"not enough memory to decode it{dims}"
    if isinstance(exc, Image.DecompressionBombError):
        return "too large (decompression bomb guard)"
    if isinstance(exc, EOFError) or "truncated" in text or "premature end" in text:
        return "truncated: the file ends before the image data does"
    if isinstance(exc, NotImplementedError):
        return f"{fmt or 'this'} variant not supported ({_detail(exc)})"
    if isinstance(exc, OSError) and exc.errno is not None:
        return describe_os_error(exc)
    if isinstance(exc, OSError | SyntaxError | ValueError | struct.error | IndexError | KeyError):
        return f"damaged {fmt + ' ' if fmt else ''}image data ({_detail(exc)})"
    return f"could not decode it ({type(exc).__name__}: {_detail(exc)})"
