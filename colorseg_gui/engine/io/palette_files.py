"""Palette files (GIMP .gpl, JSON, CSS, hex list, Adobe .ase) and the palette order they share."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import IO, Any

import numpy as np
import numpy.typing as npt

from colorseg_gui.engine.colorspace import srgb_to_lab
from colorseg_gui.engine.io.ase import encode_ase
from colorseg_gui.engine.io.writers import ExportError, atomic_write

__all__ = [
    "PALETTE_FORMATS",
    "PALETTE_ORDERS",
    "hex_code",
    "palette_entries",
    "palette_order",
    "palette_title",
    "reorder_clusters",
    "run_meta",
    "write_palette",
]

PALETTE_FORMATS: dict[str, str] = {
    ".gpl": "GIMP palette",
    ".json": "JSON (hex, rgb, CIELAB, share and pixel count per colour, run settings)",
    ".css": "CSS custom properties",
    ".txt": "plain list of hex colours",
    ".hex": "plain list of hex colours",
    ".ase": "Adobe Swatch Exchange",
}
PALETTE_ORDERS = ("share", "lightness")


def palette_order(
    palette: npt.ArrayLike, weights: npt.ArrayLike, by: str = "share"
) -> npt.NDArray[np.intp]:
    """Cluster indices in display order.

    ``share``: largest pixel share first (ties keep cluster order); ``lightness``: CIELAB L*
    from dark to light (ties by share).
    """
    pal = np.asarray(palette, dtype=np.uint8).reshape(-1, 3)
    w = np.asarray(weights, dtype=np.float64).reshape(-1)
    if len(w) != len(pal):
        raise ValueError(f"{len(pal)} colours but {len(w)} weights")
    if by == "share":
        return np.argsort(-w, kind="stable")
    if by == "lightness":
        lightness = srgb_to_lab(pal)[:, 0]
        return np.lexsort((-w, np.round(lightness, 6)))
    raise ValueError(f"unknown palette order {by!r}; use one of {PALETTE_ORDERS}")


def reorder_clusters(
    palette: npt.ArrayLike, weights: npt.ArrayLike, labels: npt.ArrayLike, by: str = "share"
) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.float64], npt.NDArray[np.uint8]]:
    """Renumber clusters into palette order: (palette, weights, labels) with cluster 0 first.

    ``labels`` may be per pixel or per histogram entry. Exporting the renumbered result makes
    mask N, label-map value N and the Nth colour of a palette file the same cluster.
    """
    pal = np.asarray(palette, dtype=np.uint8).reshape(-1, 3)
    w = np.asarray(weights, dtype=np.float64).reshape(-1)
    perm = palette_order(pal, w, by)
    rank = np.empty_like(perm)
    rank[perm] = np.arange(len(perm))
    new_labels = rank[np.asarray(labels, dtype=np.intp)].astype(np.uint8)
    return pal[perm], w[perm], new_labels


def run_meta(source: str, *, k: int, space: str, seed: int | None, init: str,
             iterations: int, converged: bool, stop_reason: str | None, inertia: float
             ) -> dict[str, Any]:
    """What a palette file says about the run that made it: the same keys from the window
    and the command (`source` is the image's file name)."""
    return {"source": source, "k": int(k), "space": space, "seed": seed, "init": init,
            "iterations": int(iterations), "converged": bool(converged),
            "stop_reason": str(stop_reason or ""), "inertia": float(inertia)}


def palette_title(stem: str, k: int) -> str:
    """The palette's name inside the file: ``<image stem> k=<k>``."""
    return f"{stem} k={k}"


def hex_code(rgb: npt.ArrayLike) -> str:
    """(200, 30, 30) -> '#c81e1e'."""
    return "#{:02x}{:02x}{:02x}".format(*(int(c) for c in np.asarray(rgb).reshape(3)))


def palette_entries(
    palette: npt.ArrayLike,
    weights: npt.ArrayLike,
    counts: npt.ArrayLike | None = None,
    *,
    order: str = "share",
    names: list[str] | None = None,
) -> list[dict[str, Any]]:
    """One dict per colour in ``order``: cluster, hex, rgb, lab, fraction, pixels.

    ``fraction`` is the share of the clustering weight (transparent pixels weigh nothing);
    ``pixels`` counts pixels (``counts``, or the rounded weights when not given).
    """
    pal = np.asarray(palette, dtype=np.uint8).reshape(-1, 3)
    w = np.asarray(weights, dtype=np.float64).reshape(-1)
    n = np.rint(w).astype(np.int64) if counts is None else np.asarray(counts, dtype=np.int64)
    total = float(w.sum())
    lab = srgb_to_lab(pal)
    entries = []
    for i in palette_order(pal, w, order):
        entries.append({
            "cluster": int(i),
            "hex": hex_code(pal[i]),
            "rgb": [int(c) for c in pal[i]],
            "lab": [round(float(c), 3) for c in lab[i]],
            "fraction": float(w[i] / total) if total > 0 else 0.0,
            "pixels": int(n[i]),
        })
        if names is not None:  # the paint, thread or filament this colour is
            entries[-1]["name"] = names[i]
    return entries


def _gpl(name: str, entries: list[dict[str, Any]], meta: dict[str, Any]) -> str:
    lines = ["GIMP Palette", f"Name: {name}", f"Columns: {min(len(entries), 16)}"]
    lines += [f"# {key}: {value}" for key, value in meta.items()]
    lines.append("#")
    for e in entries:
        r, g, b = e["rgb"]
        label = f"{e['name']} " if "name" in e else ""
        lines.append(f"{r:3d} {g:3d} {b:3d}\t{label}{e['hex']} {100 * e['fraction']:.2f}%")
    return "\n".join(lines) + "\n"


def _css(name: str, entries: list[dict[str, Any]], meta: dict[str, Any]) -> str:
    about = ", ".join(f"{k}={v}" for k, v in meta.items())
    lines = [f"/* ColorSeg palette {name}{': ' + about if about else ''} */", ":root {"]
    for i, e in enumerate(entries, start=1):
        lines.append(f"  --colorseg-{i}: {e['hex']}; /* {100 * e['fraction']:.2f}% */")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _json(name: str, entries: list[dict[str, Any]], meta: dict[str, Any], order: str) -> str:
    document = {"name": name, "k": len(entries), **meta, "order": order, "colors": entries}
    return json.dumps(document, indent=2) + "\n"


def write_palette(
    path: str | os.PathLike[str],
    palette: npt.ArrayLike,
    weights: npt.ArrayLike,
    *,
    fmt: str | None = None,
    order: str = "share",
    meta: dict[str, Any] | None = None,
    counts: npt.ArrayLike | None = None,
    name: str | None = None,
    names: list[str] | None = None,
) -> Path:
    """Write the palette as ``fmt`` or the file extension says (see PALETTE_FORMATS).

    ``meta`` (e.g. k, space, seed, iterations, inertia) goes into the JSON document and into
    the comments of .gpl and .css files.
    """
    target = Path(path)
    ext = (fmt if fmt is not None else target.suffix).lower()
    ext = ext if ext.startswith(".") else "." + ext
    if ext not in PALETTE_FORMATS:
        known = ", ".join(sorted(PALETTE_FORMATS))
        raise ExportError(target, f"unknown palette type {ext!r}; use {known}")
    if order not in PALETTE_ORDERS:
        raise ValueError(f"unknown palette order {order!r}; use one of {PALETTE_ORDERS}")
    entries = palette_entries(palette, weights, counts, order=order, names=names)
    info = dict(meta or {})
    title = name or target.stem
    data: bytes
    if ext == ".gpl":
        data = _gpl(title, entries, info).encode("utf-8")
    elif ext == ".css":
        data = _css(title, entries, info).encode("utf-8")
    elif ext == ".json":
        data = _json(title, entries, info, order).encode("utf-8")
    elif ext == ".ase":
        swatches = [(e.get("name", e["hex"]), (e["rgb"][0], e["rgb"][1], e["rgb"][2]))
                    for e in entries]
        data = encode_ase(title, swatches)
    else:
        data = "".join(e["hex"] + "\n" for e in entries).encode("ascii")

    def write(fh: IO[bytes]) -> None:
        fh.write(data)

    return atomic_write(target, write)
