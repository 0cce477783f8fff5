"""Every file that cannot be opened gets one plain line that names it, and the format if known.

Table tests over every file of ../shared/images and over files damaged here (truncated, bytes
flipped in the header and in the data) in the formats users drop most.
"""

from __future__ import annotations

import io
import logging
import re
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from colorseg_gui.engine.io.loading import ImageLoadError, load_image

# Decoder jargon that must never stand in our own words (the library's own words may follow
# in parentheses).
JARGON = re.compile(
    r"decoder|object|errno|invalid argument|max_text|error -?\d|struct|buffer|tile|"
    r"syntaxerror|oserror|valueerror|traceback|dos attack", re.IGNORECASE)
# Formats and the names a message must use for them.
FORMATS = {"png": "PNG", "jpg": "JPEG", "gif": "GIF", "tif": "TIFF", "bmp": "BMP",
           "webp": "WebP", "ico": "ICO", "psd": "PSD"}
# Reasons that are right without naming a format.
GENERIC = ("too large", "empty file", "not an image")


def _outside_parentheses(reason: str) -> str:
    return re.sub(r"\([^)]*\)", "", reason)


def _check_message(path: Path, error: ImageLoadError) -> str:
    message = str(error)
    assert message.startswith(f"{path.name}: ") and "\n" not in message, message
    assert not JARGON.search(_outside_parentheses(error.reason)), message
    return error.reason


def _encoded(fmt: str) -> bytes:
    rng = np.random.default_rng(1)
    pixels = rng.integers(0, 256, (48, 64, 3), np.uint8)
    pixels[:24] = 40
    image = Image.fromarray(pixels)
    buffer = io.BytesIO()
    if fmt == "psd":  # Pillow writes no PSD: a minimal uncompressed RGB one, by hand
        header = b"8BPS" + struct.pack(">H6xHIIHH", 1, 3, 48, 64, 8, 3)
        planes = b"".join(pixels[:, :, c].tobytes() for c in range(3))
        return header + struct.pack(">III", 0, 0, 0) + struct.pack(">H", 0) + planes
    if fmt == "gif":
        image.convert("P").save(buffer, "GIF")
    elif fmt == "ico":
        image.save(buffer, "ICO", sizes=[(32, 32), (16, 16)])
    elif fmt == "tif":
        image.save(buffer, "TIFF", compression="tiff_lzw")
    else:
        image.save(buffer, FORMATS[fmt], **({"lossless": True} if fmt == "webp" else {}))
    return buffer.getvalue()


def _damaged(data: bytes) -> dict[str, bytes]:
    n = len(data)
    variants = {f"cut{pct}": data[: max(1, n * pct // 100)] for pct in (2, 10, 50, 90)}
    for pos in (0, 4, 8, 12, 16, 20, 24, 30, 40):
        flipped = bytearray(data)
        flipped[pos] ^= 0xFF
        flipped[pos + 1] ^= 0x55
        variants[f"head{pos}"] = bytes(flipped)
    for pct in (30, 60, 80):
        flipped = bytearray(data)
        at = n * pct // 100
        flipped[at : at + 16] = bytes(b ^ 0xA5 for b in flipped[at : at + 16])
        variants[f"data{pct}"] = bytes(flipped)
    return variants


@pytest.mark.parametrize("ext", sorted(FORMATS))
def test_damaged_files_get_one_plain_line_naming_the_format(
    tmp_path: Path, ext: str, capfd: pytest.CaptureFixture[str]
) -> None:
    data = _encoded(ext)
    assert load_image(_write(tmp_path / f"intact.{ext}", data)).height > 0
    failures = 0
    for variant, damaged in _damaged(data).items():
        for path in (tmp_path / f"{variant}.{ext}", tmp_path / f"{variant}_{ext}"):
            try:
                load_image(_write(path, damaged))
            except ImageLoadError as error:
                failures += 1
                reason = _check_message(path, error)
                if path.suffix:  # named by its extension at least: the format is known
                    assert FORMATS[ext] in reason or reason.startswith(GENERIC), str(error)
                assert "text file" not in reason, str(error)
    assert failures >= 10  # the damage really reached the decoder
    assert capfd.readouterr().err == ""  # libtiff's and Pillow's chatter went to the log


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_every_shared_file_loads_or_gets_one_plain_line(shared_images: Path) -> None:
    checked = 0
    for path in sorted(shared_images.iterdir()):
        if path.name == "MANIFEST.tsv":
            continue
        try:
            load_image(path)
        except ImageLoadError as error:
            _check_message(path, error)
            checked += 1
    assert checked >= 12


def test_libtiff_chatter_goes_to_the_log(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    data = bytearray(_encoded("tif"))
    for i in range(200, 600):  # LZW codes libtiff complains about on stderr
        data[i] ^= 0x5A
    path = _write(tmp_path / "noisy.tif", bytes(data))
    caplog.set_level(logging.INFO, logger="colorseg_gui")
    with pytest.raises(ImageLoadError) as info:
        load_image(path)
    assert str(info.value) == "noisy.tif: damaged TIFF image: its pixel data is corrupt"
    assert capfd.readouterr().err == ""
    assert any("noisy.tif" in r.getMessage() and "decoder" in r.getMessage()
               for r in caplog.records), [r.getMessage() for r in caplog.records]


def _bmp_with_compression(compression: int) -> bytes:
    info = struct.pack("<IiiHHIIiiII", 40, 4, 4, 1, 24, compression, 48, 2835, 2835, 0, 0)
    return b"BM" + struct.pack("<IHHI", 14 + 40 + 48, 0, 0, 54) + info + b"\x00" * 48


def _png_with_huge_text() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(
            ">I", zlib.crc32(kind + body))

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (9, 9, 9)).save(buffer, "PNG")
    png = buffer.getvalue()
    text = chunk(b"zTXt", b"Comment\x00\x00" + zlib.compress(b"x" * (8 << 20)))
    return png[:33] + text + png[33:]


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("odd.bmp", _bmp_with_compression(4), "BMP variant not supported"),
        ("a.pam", b"P7\nWIDTH 2\nHEIGHT 2\nDEPTH 3\nMAXVAL 255\nTUPLTYPE RGB\nENDHDR\n"
         + bytes(12), "PAM images are not supported"),
        ("sky.hdr", b"#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y 2 +X 2\n" + bytes(16),
         "Radiance HDR images are not supported"),
        ("star.fits", b"SIMPLE  =                    T" + b" " * 50 + b"END" + b" " * 77,
         "FITS"),
        ("broken.ppm", b"P6\n2 2\n255\n" + bytes(3), "PPM"),
        ("noext", b"\x89PNG\r\n\x1a\n" + bytes(30), "damaged PNG"),
        ("big_text.png", _png_with_huge_text(), "text metadata"),
    ],
)
def test_unusual_files_are_described_for_what_they_are(
    tmp_path: Path, name: str, data: bytes, expected: str
) -> None:
    path = _write(tmp_path / name, data)
    with pytest.raises(ImageLoadError) as info:
        load_image(path)
    reason = _check_message(path, info.value)
    assert expected in reason, reason
    assert "text file" not in reason and "damaged BMP" not in reason
