"""Writing the current result: image formats, indexed PNG, palette files and masks."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from colorseg_gui.engine import (
    PALETTE_FORMATS,
    PALETTE_ORDER,
    MadeReady,
    MakeOptions,
    Numbered,
    init_name,
    number,
    paint,
    palette_entries,
    palette_title,
    run_meta,
    save_image,
    save_indexed_png,
    save_masks,
    write_palette,
)
from colorseg_gui.gui.run.records import RunOutcome

if TYPE_CHECKING:
    from colorseg_gui.batch import Options
    from colorseg_gui.engine import KMeansOptions

INDEXED_FILTER = "Indexed PNG, palette of k colours (*.png)"
IMAGE_FILTERS = {
    "PNG image (*.png)": ".png",
    INDEXED_FILTER: ".png",
    "JPEG image (*.jpg *.jpeg)": ".jpg",
    "WebP image (*.webp)": ".webp",
    "TIFF image (*.tif *.tiff)": ".tif",
}
PALETTE_FILTERS = {
    f"{description} (*{ext})": ext for ext, description in PALETTE_FORMATS.items() if ext != ".hex"
}


def _patterns(file_filter: str) -> list[str]:
    """'PNG image (*.png)' -> ['.png']."""
    inside = file_filter[file_filter.find("(") + 1 : file_filter.rfind(")")]
    return [p.lstrip("*").lower() for p in inside.split() if p.startswith("*.")]


def final_path(
    typed: Path, chosen_filter: str, filters: dict[str, str], writable: Iterable[str]
) -> tuple[Path, str]:
    """The file that will really be written, and the filter (format) it is written as.

    A typed extension that we can write picks the format, as GIMP's Export does (typing
    ``photo.jpg`` under the PNG filter writes a JPEG); the chosen filter only fills in a
    missing or unknown extension (``out`` -> ``out.png``, ``v1.2`` -> ``v1.2.png``).
    """
    ext = typed.suffix.lower()
    if ext in {e.lower() for e in writable}:
        if ext in _patterns(chosen_filter):
            return typed, chosen_filter
        matching = [f for f in filters if ext in _patterns(f)]
        return typed, matching[0] if matching else chosen_filter
    fallback = filters.get(chosen_filter) or next(iter(filters.values()))
    return typed.with_name(typed.name + fallback), chosen_filter


def numbered(outcome: RunOutcome, made: MadeReady | None = None) -> Numbered:
    """The result numbered as the `colorseg` command numbers it (engine.number): every
    export goes through here, so mask N, index N and palette colour N are one cluster."""
    result = outcome.result
    return number(result.histogram, result.palette, result.weights, result.step.labels,
                  made=made, order=PALETTE_ORDER)


def _command_options(run: KMeansOptions, make: MakeOptions | None) -> Options:
    """The command's options for a window run and its finishing (own colours included)."""
    from colorseg_gui.batch import Options

    make = make or MakeOptions()
    return Options(kmeans=run, order=PALETTE_ORDER, make=replace(make, owned=None),
                   owned=make.owned)


def settings(run: KMeansOptions, make: MakeOptions | None) -> dict[str, Any]:
    """The recipe's settings of a window run (sessions keep them per run)."""
    from colorseg_gui.batch import recipe_settings

    return recipe_settings(_command_options(run, make))


def recipe(outcome: RunOutcome, make: MakeOptions | None, made: MadeReady | None = None
           ) -> str:
    """The same recipe `colorseg` writes, so that `colorseg --replay` reads the window's too."""
    from colorseg_gui.batch import result_recipe

    options = _command_options(outcome.options, make)
    ordered = numbered(outcome, made)
    entries = palette_entries(ordered.palette, ordered.weights, ordered.counts,
                              order=PALETTE_ORDER, names=ordered.names)
    return result_recipe(options, entries)


def save_result(outcome: RunOutcome, path: Path, *, indexed: bool, source: Path | None,
                made: MadeReady | None = None, make: MakeOptions | None = None) -> Path:
    text = recipe(outcome, make if made is not None else None, made)
    if indexed:
        ordered = numbered(outcome, made)
        return save_indexed_png(
            ordered.label_map(), ordered.palette, path, alpha=ordered.histogram.alpha,
            source=source, recipe=text,
        )
    image = outcome.image if made is None else paint(
        made.palette, made.label_map, outcome.result.histogram.alpha)
    return save_image(image, path, source=source, recipe=text)


def export_palette(outcome: RunOutcome, path: Path, image_name: str,
                   made: MadeReady | None = None) -> Path:
    """The same file `colorseg --palette` writes: same order, keys and title."""
    result = outcome.result
    ordered = numbered(outcome, made)
    meta = run_meta(image_name, k=len(ordered.palette), space=result.space, seed=result.seed,
                    init=init_name(outcome.options), iterations=result.iterations,
                    converged=result.converged, stop_reason=result.stop_reason,
                    inertia=result.inertia)
    return write_palette(
        path, ordered.palette, ordered.weights, order=PALETTE_ORDER, meta=meta,
        counts=ordered.counts, name=palette_title(Path(image_name).stem, len(ordered.palette)),
        names=ordered.names,
    )


def export_masks(outcome: RunOutcome, folder: Path, stem: str,
                 made: MadeReady | None = None) -> list[Path]:
    ordered = numbered(outcome, made)
    return save_masks(ordered.label_map(), len(ordered.palette), folder, stem, ordered.names)
