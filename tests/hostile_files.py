"""Small files whose headers lie about what they hold, built byte by byte for the memory tests.

Each declares far more pixels somewhere inside than its outer header (or its size on disk)
suggests: the loader must refuse them, or decode them, within a memory budget that follows
from the image it finally shows.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

from PIL import Image


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_declaring(width: int, height: int) -> bytes:
    """A PNG whose IHDR declares width x height RGB, with a few bytes of pixel data."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr)
            + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + _png_chunk(b"IEND", b""))


def j2k_declaring(width: int, height: int) -> bytes:
    """A JPEG 2000 codestream whose SIZ marker declares width x height, 3 components."""
    components = b"".join(struct.pack(">BBB", 7, 1, 1) for _ in range(3))
    siz = struct.pack(">HIIIIIIIIH", 0, width, height, 0, 0, width, height, 0, 0, 3)
    siz_segment = b"\xff\x51" + struct.pack(">H", 2 + len(siz) + len(components)) + siz
    return b"\xff\x4f" + siz_segment + components + b"\xff\xd9"


def icns_with_jpeg2000(width: int, height: int) -> bytes:
    """An ICNS whose 512x512 entry ('ic09') is a JPEG 2000 declaring width x height."""
    payload = j2k_declaring(width, height)
    entry = b"ic09" + struct.pack(">I", 8 + len(payload)) + payload
    return b"icns" + struct.pack(">I", 8 + len(entry)) + entry


def ico_with_png(width: int, height: int) -> bytes:
    """An ICO whose one 16x16 entry is a PNG declaring width x height."""
    payload = png_declaring(width, height)
    header = struct.pack("<HHH", 0, 1, 1)
    entry = struct.pack("<BBBBHHII", 16, 16, 0, 0, 1, 32, len(payload), 6 + 16)
    return header + entry + payload


def jp2_with_huge_box() -> bytes:
    """A JP2 file whose header box claims a length just under 4 GiB."""
    signature = struct.pack(">I", 12) + b"jP  " + b"\r\n\x87\n"
    ftyp = struct.pack(">I", 20) + b"ftyp" + b"jp2 " + struct.pack(">I", 0) + b"jp2 "
    jp2h = struct.pack(">I", 0xFFFFFFF0) + b"jp2h" + b"\x00" * 64
    return signature + ftyp + jp2h


def tiff_with_huge_second_page(width: int, height: int) -> bytes:
    """A two-page TIFF: a small first page, then a page declaring width x height."""
    small = Image.new("RGB", (8, 8), (200, 30, 30))
    big = Image.new("L", (1, 1))
    buffer = io.BytesIO()
    small.save(buffer, "TIFF", save_all=True, append_images=[big])
    data = bytearray(buffer.getvalue())
    # Rewrite the second directory's ImageWidth/ImageLength (tags 256/257) in place.
    first_ifd = struct.unpack_from("<I", data, 4)[0]
    count = struct.unpack_from("<H", data, first_ifd)[0]
    second_ifd = struct.unpack_from("<I", data, first_ifd + 2 + 12 * count)[0]
    count = struct.unpack_from("<H", data, second_ifd)[0]
    for i in range(count):
        at = second_ifd + 2 + 12 * i
        tag, kind = struct.unpack_from("<HH", data, at)
        if tag in (256, 257):
            value = width if tag == 256 else height
            struct.pack_into("<HHII", data, at, tag, 4, 1, value)  # LONG
            del kind
    return bytes(data)


def tiff_with_huge_tiles(width: int, height: int, tile: int) -> bytes:
    """A little-endian TIFF of width x height whose single tile declares tile x tile."""
    entries = [
        (256, 4, 1, width), (257, 4, 1, height), (258, 3, 1, 8), (259, 3, 1, 1),
        (262, 3, 1, 1), (277, 3, 1, 1), (322, 4, 1, tile), (323, 4, 1, tile),
        (324, 4, 1, 8 + 2 + 12 * 10 + 4), (325, 4, 1, 16),
    ]
    ifd = struct.pack("<H", len(entries))
    for tag, kind, count, value in entries:
        ifd += struct.pack("<HHII", tag, kind, count, value)
    ifd += struct.pack("<I", 0)
    return b"II*\x00" + struct.pack("<I", 8) + ifd + b"\x00" * 16


HOSTILE: dict[str, Callable[[], bytes]] = {
    "icns_jp2_260gpx.icns": lambda: icns_with_jpeg2000(510_000, 510_000),
    "icns_jp2_150mpx.icns": lambda: icns_with_jpeg2000(15_000, 10_000),
    "ico_png_3600mpx.ico": lambda: ico_with_png(60_000, 60_000),
    "jp2_box_4gib.jp2": jp2_with_huge_box,
    "j2k_10gpx.j2k": lambda: j2k_declaring(100_000, 100_000),
    "tiff_page2_10gpx.tif": lambda: tiff_with_huge_second_page(100_000, 100_000),
    "tiff_tile_4gpx.tif": lambda: tiff_with_huge_tiles(16, 16, 65_536),
}


def write_hostile(folder: Path) -> dict[str, Path]:
    """Write every hostile file into ``folder``; returns name -> path."""
    paths = {}
    for name, build in HOSTILE.items():
        path = folder / name
        path.write_bytes(build())
        paths[name] = path
    return paths
