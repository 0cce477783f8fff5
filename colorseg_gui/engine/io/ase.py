"""Adobe Swatch Exchange (.ase) encoding: big-endian blocks of UTF-16 names and float colours."""

from __future__ import annotations

import struct
from collections.abc import Sequence

ASE_SIGNATURE = b"ASEF"
ASE_VERSION = (1, 0)
BLOCK_GROUP_START = 0xC001
BLOCK_GROUP_END = 0xC002
BLOCK_COLOR = 0x0001
COLOR_TYPE_GLOBAL, COLOR_TYPE_SPOT, COLOR_TYPE_NORMAL = 0, 1, 2


def _name(text: str) -> bytes:
    """uint16 length in UTF-16 code units (terminating NUL included), then UTF-16BE + NUL."""
    encoded = text.encode("utf-16-be") + b"\x00\x00"
    return struct.pack(">H", len(encoded) // 2) + encoded


def _block(kind: int, body: bytes) -> bytes:
    return struct.pack(">HI", kind, len(body)) + body


def encode_ase(group: str, colors: Sequence[tuple[str, tuple[int, int, int]]]) -> bytes:
    """One named group of RGB swatches; ``colors`` holds (name, (r, g, b) 0..255) pairs."""
    blocks = [_block(BLOCK_GROUP_START, _name(group))]
    for name, (r, g, b) in colors:
        body = (
            _name(name)
            + b"RGB "
            + struct.pack(">fff", r / 255.0, g / 255.0, b / 255.0)
            + struct.pack(">H", COLOR_TYPE_NORMAL)
        )
        blocks.append(_block(BLOCK_COLOR, body))
    blocks.append(_block(BLOCK_GROUP_END, b""))
    header = ASE_SIGNATURE + struct.pack(">HHI", *ASE_VERSION, len(blocks))
    return header + b"".join(blocks)
