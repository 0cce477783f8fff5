"""The maker bundle: every file a print shop or a pattern needs, written as one folder or .zip.

Shared by File > Export Bundle and `colorseg --bundle`. The files are the ones the separate
exports write (same writers, names and order); the legend PDF is drawn by Qt (legend_pdf),
imported only when a bundle is written, so that the command stays Qt-free until then.
"""

from __future__ import annotations

import os
import secrets
import shutil
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from colorseg_gui.engine import KMeansStep

from colorseg_gui.engine import (
    PALETTE_FORMATS,
    ExportError,
    atomic_write,
    hex_code,
    mask_names,
    palette_title,
    save_image,
    save_indexed_png,
    save_masks,
    write_palette,
)

DEFAULT_DPI = 300.0
MASKS_FOLDER = "masks"
# One file per palette format: .txt and .hex are the same list of hex codes, so the bundle
# has the first of them only.
BUNDLE_PALETTE_FORMATS = tuple({description: ext for ext, description
                                in reversed(PALETTE_FORMATS.items())}.values())[::-1]
# Files that are already compressed gain nothing from deflate (and cost time to try).
_STORED = (".png", ".pdf")

ExtraFiles = Sequence[tuple[str, bytes]]
"""(name, bytes) written beside the others: the hook for the session file (.colorseg)."""


@dataclass(frozen=True)
class PrintSize:
    """How large the legend says the result prints: a resolution, or a printed width."""

    dpi: float | None = None
    width_cm: float | None = None

    def __post_init__(self) -> None:
        if self.dpi is not None and not self.dpi > 0:
            raise ValueError("the print resolution must be more than 0 dpi")
        if self.width_cm is not None and not self.width_cm > 0:
            raise ValueError("the printed width must be more than 0 cm")

    def dpi_for(self, width_px: int) -> float:
        if self.width_cm is not None:
            return width_px / (self.width_cm / 2.54)
        return self.dpi if self.dpi is not None else DEFAULT_DPI


def print_areas(pixels: npt.ArrayLike, dpi: float) -> tuple[npt.NDArray[np.float64],
                                                            npt.NDArray[np.float64]]:
    """(cm², in²) that ``pixels`` cover printed at ``dpi`` (regions.CleanupOptions.area_from_mm2
    the other way round)."""
    px = np.asarray(pixels, dtype=np.float64)
    return px * (2.54 / dpi) ** 2, px / dpi**2


@dataclass(frozen=True, eq=False)
class BundleContent:
    """One result as every bundle file is written from it: clusters in palette order."""

    stem: str  # names every file: the input's name without extension
    source_name: str  # the image's file name, as the palette files and the legend say it
    image: npt.NDArray[np.uint8]  # H x W x 3 (or x 4): the result as shown
    label_map: npt.NDArray[np.integer]  # H x W: palette index of every pixel
    palette: npt.NDArray[np.uint8]  # k x 3, in palette order
    weights: npt.NDArray[np.float64]  # k: alpha-weighted pixels (shares, printed areas)
    counts: npt.NDArray[np.int64]  # k: pixels
    recipe: str  # engine.recipe text, inside the result and the indexed PNG
    meta: dict[str, Any]  # palette_files.run_meta of the run
    order: str = "share"
    names: list[str] | None = None  # own colours' names, in palette order
    alpha: npt.NDArray[np.uint8] | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def k(self) -> int:
        return len(self.palette)

    def colour_names(self) -> list[str]:
        """What each mask is named after: its own colour's name, else its hex code."""
        hexes = [hex_code(c).lstrip("#") for c in self.palette]
        if self.names is None:
            return hexes
        return [name or code for name, code in zip(self.names, hexes, strict=True)]


def file_names(content: BundleContent, extras: ExtraFiles = ()) -> list[str]:
    """Every file of the bundle, relative to its folder (masks in a subfolder)."""
    stem, k = content.stem, content.k
    names = [f"{stem}_cluster{k}.png", f"{stem}_cluster{k}_indexed.png", f"{stem}_labels.png"]
    names += [f"{MASKS_FOLDER}/{m}" for m in mask_names(stem, k, content.colour_names())]
    names += [f"{stem}_palette{ext}" for ext in BUNDLE_PALETTE_FORMATS]
    names.append(f"{stem}_legend.pdf")
    for name, _ in extras:
        if not name or Path(name).name != name or name.startswith("."):
            raise ValueError(f"an extra bundle file needs a plain file name, not {name!r}")
        if name in names:
            raise ValueError(f"the extra file {name!r} would replace a bundle file")
        names.append(name)
    return names


def is_zip(path: Path) -> bool:
    return path.suffix.lower() == ".zip"


def planned_paths(target: Path, content: BundleContent, extras: ExtraFiles = ()) -> list[Path]:
    """What writing the bundle to ``target`` creates or replaces on disk."""
    if is_zip(target):
        return [target]
    return [target / name for name in file_names(content, extras)]


def existing(target: Path, content: BundleContent, extras: ExtraFiles = ()) -> list[Path]:
    """The planned paths that are there already: what the overwrite question names."""
    return [p for p in planned_paths(target, content, extras) if p.exists() or p.is_symlink()]


@dataclass(frozen=True)
class Bundle:
    """A bundle written: the folder or .zip, and the files in it."""

    path: Path
    files: tuple[str, ...]


def _label_png(label_map: npt.NDArray[np.integer], k: int, path: Path) -> None:
    """8-bit greyscale label map; 16-bit when more than 256 colours ever need numbers."""
    from PIL import Image

    if k <= 256:
        image = Image.fromarray(np.ascontiguousarray(label_map, dtype=np.uint8))
    else:
        image = Image.fromarray(np.ascontiguousarray(label_map, dtype=np.uint16))  # I;16
    atomic_write(path, lambda fh: image.save(fh, "PNG"))


def _legend_bytes(content: BundleContent, print_size: PrintSize) -> bytes:
    from colorseg_gui.legend_pdf import Legend, LegendRow, legend_pdf

    width = content.label_map.shape[1]
    dpi = print_size.dpi_for(width)
    cm2, in2 = print_areas(content.weights, dpi)
    total = float(content.weights.sum())
    rows = [LegendRow(number=i, name=(content.names[i] if content.names else ""),
                      hex=hex_code(rgb), rgb=(int(rgb[0]), int(rgb[1]), int(rgb[2])),
                      share=float(content.weights[i] / total) if total > 0 else 0.0,
                      area_cm2=float(cm2[i]), area_in2=float(in2[i]))
            for i, rgb in enumerate(content.palette)]
    return legend_pdf(Legend(title=content.source_name, image=content.image, dpi=dpi,
                             rows=rows, about=_about(content.meta)))


def _about(meta: dict[str, Any]) -> str:
    space = {"rgb": "sRGB", "lab": "CIELAB", "oklab": "OKLab"}.get(str(meta.get("space")),
                                                                   str(meta.get("space")))
    return f"k-means in {space}, seed {meta.get('seed')}, {meta.get('iterations')} iterations"


def _write_files(folder: Path, content: BundleContent, print_size: PrintSize,
                 extras: ExtraFiles) -> None:
    stem, k = content.stem, content.k
    save_image(content.image, folder / f"{stem}_cluster{k}.png", recipe=content.recipe)
    if k <= 256:
        save_indexed_png(content.label_map, content.palette, folder / f"{stem}_cluster{k}"
                         "_indexed.png", alpha=content.alpha, notes=list(content.notes),
                         recipe=content.recipe)
    _label_png(content.label_map, k, folder / f"{stem}_labels.png")
    save_masks(content.label_map, k, folder / MASKS_FOLDER, stem, content.colour_names())
    for ext in BUNDLE_PALETTE_FORMATS:
        write_palette(folder / f"{stem}_palette{ext}", content.palette, content.weights,
                      order=content.order, meta=content.meta, counts=content.counts,
                      name=palette_title(stem, k), names=content.names)
    legend = _legend_bytes(content, print_size)
    for name, data in [(f"{stem}_legend.pdf", legend), *extras]:
        atomic_write(folder / name, _bytes_writer(data))


def _bytes_writer(data: bytes) -> Any:
    def write(fh: IO[bytes]) -> None:
        fh.write(data)

    return write


def _zip_writer(folder: Path, top: str, names: list[str]) -> Any:
    def write(fh: IO[bytes]) -> None:
        with zipfile.ZipFile(fh, "w") as archive:
            for name in names:
                method = zipfile.ZIP_STORED if name.endswith(_STORED) else zipfile.ZIP_DEFLATED
                archive.write(folder / name, f"{top}/{name}", compress_type=method)

    return write


def _check_protected(paths: list[Path], protected: frozenset[Path]) -> None:
    for path in paths:
        if path.resolve() in protected:
            raise ExportError(path, "refusing to overwrite an input image; choose another name")


def write_bundle(target: str | os.PathLike[str], content: BundleContent,
                 print_size: PrintSize | None = None, *, extras: ExtraFiles = (),
                 protected: frozenset[Path] = frozenset()) -> Bundle:
    """Write the bundle into the folder ``target`` (or the .zip it names), as one unit.

    Everything is written into a temporary folder beside ``target`` first; only then does it
    move into place (a new folder by one rename, an existing one file by file, a .zip by one
    rename), so a failure leaves nothing half-written. The caller has asked before replacing
    what ``existing()`` names; ``protected`` (resolved inputs) is never written whatever.
    ``extras`` are (name, bytes) files to add, e.g. the session file.
    """
    where = Path(target)
    names = file_names(content, extras)
    _check_protected(planned_paths(where, content, extras), protected)
    if where.exists() and not where.is_dir() and not is_zip(where):
        raise ExportError(where, "is a file, not a folder; choose a folder name or a .zip")
    if is_zip(where) and where.is_dir():
        raise ExportError(where, "is a folder")
    if not where.parent.is_dir():
        raise ExportError(where, "the folder it goes in does not exist")
    scratch = where.with_name(f".{where.name}.{secrets.token_hex(4)}.tmp")
    try:
        try:
            scratch.mkdir()
        except OSError as exc:
            raise ExportError(where, exc.strerror or str(exc)) from None
        _write_files(scratch, content, print_size or PrintSize(), extras)
        if is_zip(where):
            atomic_write(where, _zip_writer(scratch, where.stem, names))
        elif not where.exists():
            _rename(scratch, where)
        else:
            _move_into(scratch, where, names)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return Bundle(where, tuple(names))


def _rename(scratch: Path, where: Path) -> None:
    try:
        os.rename(scratch, where)
    except OSError as exc:
        raise ExportError(where, exc.strerror or str(exc)) from None


def _move_into(scratch: Path, where: Path, names: list[str]) -> None:
    current = where / MASKS_FOLDER
    try:
        current.mkdir(exist_ok=True)
        for name in names:  # each replace is atomic: a file is the old one or the new one
            current = where / name
            os.replace(scratch / name, current)
    except OSError as exc:
        raise ExportError(current, exc.strerror or str(exc)) from None


def session_file(source: Path, settings: dict[str, Any], step: KMeansStep, version: str
                 ) -> tuple[str, bytes]:
    """The session of a command's run, for its bundle: the window opens it and replays it."""
    import json

    from colorseg_gui.engine import Session, SessionRun, file_sha256, session_document

    run = SessionRun(settings, [hex_code(c) for c in step.palette],
                     [int(i) for i in step.ids], float(step.inertia))
    session = Session(str(source.resolve()), file_sha256(source), [run], 0, version)
    return f"{source.stem}.colorseg", json.dumps(session_document(session), indent=1).encode()
