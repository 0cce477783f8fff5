"""Reading the palettes users own: GIMP/Inkscape/Krita/Lospec .gpl, Adobe .ase, our .json,
.hex/.txt lists and CSV with name + hex columns. Colour names are kept."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from colorseg_gui.engine.colorspace import lab_to_srgb
from colorseg_gui.engine.io.ase import (
    ASE_SIGNATURE,
    BLOCK_COLOR,
)
from colorseg_gui.engine.io.palette_files import hex_code

READ_FORMATS: dict[str, str] = {
    ".gpl": "GIMP / Inkscape / Krita / Lospec palette",
    ".ase": "Adobe Swatch Exchange",
    ".json": "JSON (ColorSeg's palette file, or a list of hex colours)",
    ".hex": "hex colours, one per line",
    ".txt": "hex colours, one per line",
    ".csv": "CSV with a name and a hex column",
}
MAX_BYTES = 8 << 20  # thread charts and paint ranges are kilobytes; anything bigger is not one
MAX_COLOURS = 4096
_HEX = re.compile(r"^#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")


class PaletteError(Exception):
    """A palette file that could not be read; ``str()`` is one line naming the file."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = " ".join(reason.split())
        super().__init__(f"{path.name}: {self.reason}")


@dataclass(frozen=True, eq=False)
class OwnedPalette:
    """Colours a user owns (paints, threads, filaments, inks) with their names."""

    name: str
    colors: npt.NDArray[np.uint8]  # M x 3 sRGB
    names: tuple[str, ...]  # M, never empty strings (unnamed colours are named by their hex)
    path: Path | None = None

    def __len__(self) -> int:
        return int(self.colors.shape[0])

    def subset(self, keep: npt.ArrayLike) -> OwnedPalette:
        """The colours at the indices (or mask) ``keep``, names with them."""
        index = np.arange(len(self))[np.asarray(keep)]
        return OwnedPalette(self.name, self.colors[index], tuple(self.names[i] for i in index),
                            self.path)

    def indices_of(self, names: list[str]) -> list[int]:
        """Indices of the colours with these names (case and spaces ignored); unknown raise."""
        wanted = {_key(n): n for n in names}
        found = [i for i, n in enumerate(self.names) if _key(n) in wanted]
        missing = set(wanted) - {_key(self.names[i]) for i in found}
        if missing:
            listed = ", ".join(sorted(wanted[m] for m in missing))
            raise KeyError(f"not in {self.name}: {listed}")
        return found


def _key(name: str) -> str:
    return " ".join(name.lower().split())


def _parse_hex(text: str) -> tuple[int, int, int] | None:
    found = _HEX.match(text.strip())
    if found is None:
        return None
    digits = found[1]
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def _gpl(text: str) -> tuple[str | None, list[tuple[tuple[int, int, int], str]]]:
    lines = text.splitlines()
    if not lines or not lines[0].strip().startswith("GIMP Palette"):
        raise ValueError("it does not start with 'GIMP Palette'")
    title, colours = None, []
    for line in lines[1:]:
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.lower().startswith("name:"):
            title = stripped[5:].strip() or None
            continue
        if stripped.lower().startswith("columns:"):
            continue
        parts = stripped.split(None, 3)
        if len(parts) < 3 or not all(p.lstrip("-").isdigit() for p in parts[:3]):
            raise ValueError(f"a colour line is not 'R G B name': {stripped[:40]!r}")
        rgb = tuple(int(p) for p in parts[:3])
        if not all(0 <= c <= 255 for c in rgb):
            raise ValueError(f"a colour value is outside 0..255: {stripped[:40]!r}")
        name = parts[3].strip() if len(parts) > 3 else ""
        colours.append(((rgb[0], rgb[1], rgb[2]), name))
    return title, colours


def _ase_string(data: bytes, at: int) -> tuple[str, int]:
    (units,) = struct.unpack_from(">H", data, at)
    raw = data[at + 2 : at + 2 + 2 * units]
    return raw.decode("utf-16-be", "replace").rstrip("\x00"), at + 2 + 2 * units


def _ase(data: bytes) -> tuple[str | None, list[tuple[tuple[int, int, int], str]]]:
    if not data.startswith(ASE_SIGNATURE):
        raise ValueError("it does not start with the ASEF signature")
    (count,) = struct.unpack_from(">I", data, 8)
    at, colours = 12, []
    for _ in range(count):
        kind, length = struct.unpack_from(">HI", data, at)
        body = data[at + 6 : at + 6 + length]
        if len(body) < length:
            raise ValueError("a block runs past the end of the file")
        at += 6 + length
        if kind != BLOCK_COLOR:
            continue
        name, pos = _ase_string(body, 0)
        model = body[pos : pos + 4]
        pos += 4
        if model == b"RGB ":
            values = struct.unpack_from(">fff", body, pos)
            rgb = tuple(round(min(max(v, 0.0), 1.0) * 255) for v in values)
        elif model == b"CMYK":
            c, m, y, k = struct.unpack_from(">ffff", body, pos)
            rgb = tuple(round(255 * (1 - v) * (1 - k)) for v in (c, m, y))
        elif model == b"Gray":
            (g,) = struct.unpack_from(">f", body, pos)
            rgb = (round(min(max(g, 0.0), 1.0) * 255),) * 3
        elif model == b"LAB ":
            lightness, a, b = struct.unpack_from(">fff", body, pos)
            rgb = tuple(int(v) for v in lab_to_srgb(np.array([lightness * 100, a, b])))
        else:
            raise ValueError(f"colour model {model!r} is not one ASE files use")
        colours.append(((rgb[0], rgb[1], rgb[2]), name))
    return None, colours


def _json(text: str) -> tuple[str | None, list[tuple[tuple[int, int, int], str]]]:
    document: Any = json.loads(text)
    title = None
    if isinstance(document, dict):
        title = document.get("name") if isinstance(document.get("name"), str) else None
        document = document.get("colors", document.get("colours"))
    if not isinstance(document, list):
        raise ValueError("it holds no list of colours ('colors')")
    colours = []
    for entry in document:
        name = ""
        if isinstance(entry, str):
            rgb = _parse_hex(entry)
        elif isinstance(entry, dict):
            name = str(entry.get("name") or "")
            rgb = _parse_hex(str(entry.get("hex", ""))) if "hex" in entry else None
            if rgb is None and isinstance(entry.get("rgb"), list) and len(entry["rgb"]) == 3:
                rgb = tuple(int(v) for v in entry["rgb"])  # type: ignore[assignment]
        else:
            rgb = None
        if rgb is None or not all(0 <= c <= 255 for c in rgb):
            raise ValueError(f"an entry is not a colour: {str(entry)[:40]!r}")
        colours.append((rgb, name))
    return title, colours


def _hex_lines(text: str) -> tuple[str | None, list[tuple[tuple[int, int, int], str]]]:
    colours = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith(("//", ";")) or (
                stripped.startswith("#") and _parse_hex(stripped.split()[0]) is None):
            continue
        first, _, rest = stripped.partition(" ")
        rgb = _parse_hex(first)
        if rgb is None:
            raise ValueError(f"a line is not a hex colour: {stripped[:40]!r}")
        colours.append((rgb, rest.strip()))
    return None, colours


def _csv(text: str) -> tuple[str | None, list[tuple[tuple[int, int, int], str]]]:
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise ValueError("it is empty")
    header = [h.strip().lower() for h in rows[0]]
    hex_column = next((i for i, h in enumerate(header)
                       if h in ("hex", "color", "colour", "rgb hex", "hex code", "code")), None)
    name_column = next((i for i, h in enumerate(header)
                        if h in ("name", "color name", "colour name", "description")), None)
    if hex_column is None:
        raise ValueError("it has no 'hex' column (a header row with name and hex)")
    colours = []
    for row in rows[1:]:
        if not row or all(not cell.strip() for cell in row):
            continue
        rgb = _parse_hex(row[hex_column]) if hex_column < len(row) else None
        if rgb is None:
            raise ValueError(f"a row's hex value is not a colour: {','.join(row)[:40]!r}")
        name = row[name_column].strip() if name_column is not None and name_column < len(
            row) else ""
        colours.append((rgb, name))
    return None, colours


def read_palette(path: str | os.PathLike[str]) -> OwnedPalette:
    """Read a palette file (see READ_FORMATS); every failure is a one-line PaletteError."""
    source = Path(path)
    ext = source.suffix.lower()
    if ext not in READ_FORMATS:
        known = ", ".join(sorted(READ_FORMATS))
        raise PaletteError(source, f"not a palette file ColorSeg reads (use {known})")
    try:
        size = source.stat().st_size
        if size > MAX_BYTES:
            raise PaletteError(source, f"too large for a palette ({size / 1e6:.1f} MB)")
        data = source.read_bytes()
    except FileNotFoundError:
        raise PaletteError(source, "no such file") from None
    except OSError as exc:
        raise PaletteError(source, f"could not read it ({exc.strerror or exc})") from None
    try:
        if ext == ".ase":
            title, colours = _ase(data)
        else:
            text = data.decode("utf-8-sig")
            reader = {".gpl": _gpl, ".json": _json, ".csv": _csv}.get(ext, _hex_lines)
            title, colours = reader(text)
    except UnicodeDecodeError:
        raise PaletteError(source, "not a text file") from None
    except (ValueError, struct.error, json.JSONDecodeError) as exc:
        what = READ_FORMATS[ext].split(" (")[0]
        raise PaletteError(source, f"not a valid {what} file: {exc}") from None
    if not colours:
        raise PaletteError(source, "holds no colours")
    if len(colours) > MAX_COLOURS:
        raise PaletteError(source, f"holds {len(colours)} colours; at most {MAX_COLOURS}")
    rgb = np.array([c for c, _ in colours], dtype=np.uint8)
    names = tuple(name or hex_code(c) for c, name in colours)
    return OwnedPalette(title or source.stem, rgb, names, source)
