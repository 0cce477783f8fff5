"""One input of the `colorseg` command: load, cluster, write every requested output, report."""

from __future__ import annotations

import logging
import os
import time
import traceback
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from colorseg_gui import __version__
from colorseg_gui.batch_steer import locked_names, with_suggested_k
from colorseg_gui.bundle import (
    Bundle,
    BundleContent,
    PrintSize,
    existing,
    is_zip,
    session_file,
    write_bundle,
)
from colorseg_gui.engine import (
    CleanupOptions,
    ColorHistogram,
    ExportError,
    ImageLoadError,
    KMeansOptions,
    KMeansStep,
    MadeReady,
    MakeOptions,
    OwnedColours,
    build_histogram,
    error_picture,
    folded,
    hex_code,
    in_owned_colours,
    init_name,
    load_image,
    make_ready,
    mask_names,
    mse_rgb,
    number,
    paint,
    palette_entries,
    palette_title,
    pixel_errors,
    recipe_text,
    render_segmented,
    run_kmeans,
    run_meta,
    save_image,
    save_indexed_png,
    save_label_map,
    save_masks,
    write_palette,
)

Progress = Callable[[KMeansStep], None]

log = logging.getLogger(__name__)
# A library's convention: without this, a warning logged here while no handler is set up (the
# CLI) would reach logging's last-resort handler and print on stderr; the app's file handler
# on the root logger still receives everything.
logging.getLogger("colorseg_gui").addHandler(logging.NullHandler())

EXISTS = "already exists; add --force to replace it"


@dataclass(frozen=True)
class Options:
    """Settings shared by every input of one command line."""

    kmeans: KMeansOptions
    indexed: bool = False
    quality: int = 92
    order: str = "share"
    max_pixels: int | None = 200_000_000
    force: bool = False  # replace existing outputs (inputs are never written, whatever this is)
    make: MakeOptions = field(default_factory=MakeOptions)  # cleanup and dithering
    owned: OwnedColours | None = None  # paint with these colours only (map or pick)
    owned_file: str = ""
    merge_delta_e: float = 0.0  # fold clusters closer than this CIEDE2000
    merge_share: float = 0.0  # fold clusters under this share of the pixels
    suggest_k: float | None = None  # mean CIEDE2000 threshold of --suggest-k (None: off)
    k_given: bool = True  # False: --suggest-k chooses k per image
    lock_names: tuple[str, ...] = ()  # names of kmeans.locked's colours (hex or owned names)
    print_dpi: float | None = None  # the bundle legend's print resolution (None: 300)
    print_width_cm: float | None = None  # ... or the printed width it follows from


@dataclass(frozen=True)
class Targets:
    """Where one input's results go (None: not requested)."""

    image: Path
    palette: Path | None = None
    masks: Path | None = None
    labels: Path | None = None
    error_map: Path | None = None
    bundle: Path | None = None  # the maker bundle's folder or .zip (image is then inside it)
    protected: frozenset[Path] = field(default_factory=frozenset)  # inputs: never written

    def known_paths(self) -> list[Path]:
        """Every output path known before clustering (mask names depend on the final k)."""
        return [p for p in (self.image, self.palette, self.labels, self.error_map)
                if p is not None]


def _guard(path: Path, protected: frozenset[Path], force: bool = True) -> Path:
    if path.resolve() in protected:
        raise ExportError(path, "refusing to overwrite an input image; choose another name")
    if not force and (path.exists() or path.is_symlink()):
        raise ExportError(path, EXISTS)
    return path


@contextmanager
def warnings_to_log() -> Iterator[None]:
    """Library warnings while processing one input go to the log, never to the terminal."""

    def show(message: Warning | str, category: type[Warning], filename: str, lineno: int,
             file: object = None, line: str | None = None) -> None:
        log.warning("%s: %s (%s:%d)", category.__name__, message, filename, lineno)

    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.showwarning = show
        yield


@dataclass(frozen=True, eq=False)
class _Found:
    palette: npt.NDArray[np.uint8]
    weights: npt.NDArray[np.float64]
    labels: npt.NDArray[np.uint8]  # per histogram entry


def _recolour(hist: ColorHistogram, last: KMeansStep, options: Options
              ) -> tuple[_Found, list[str] | None, dict[str, Any]]:
    """The clusters after folding near-duplicates and moving to owned colours (if asked)."""
    palette, labels, names = last.palette, last.labels, None
    if options.lock_names and len(options.lock_names) == len(last.locked):
        names = locked_names(last, options.lock_names)
    record: dict[str, Any] = {}
    if options.merge_delta_e > 0 or options.merge_share > 0:
        names = None  # folded clusters are new ones
        fold = folded(hist, palette, labels, last.weights, options.merge_delta_e,
                      options.merge_share)
        palette, labels = fold.palette, fold.entry_labels
        record["merged"] = {"clusters_before": len(last.palette), "clusters_after": len(palette)}
    owned = options.owned
    if owned is not None:
        recoloured, fit = in_owned_colours(hist, palette, owned.colors, list(owned.names),
                                           owned.mode, owned.metric)
        palette, labels, names = recoloured.palette, recoloured.entry_labels, recoloured.names
        record["owned"] = {"file": options.owned_file, "mode": owned.mode,
                           "metric": owned.metric, "colours_owned": len(owned.names),
                           "chosen": names, "mean_error": round(fit.error, 4)}
    weights = np.bincount(labels, weights=hist.weights, minlength=len(palette)).astype(
        np.float64)
    return _Found(palette, weights, labels), names, record


def recipe_settings(options: Options) -> dict[str, Any]:
    """Every option the pixels of a result depend on, for its recipe (--replay reads it)."""
    cleanup = options.make.cleanup
    owned = None
    if options.owned is not None:
        owned = {"mode": options.owned.mode, "metric": options.owned.metric,
                 "names": list(options.owned.names),
                 "colors": [hex_code(c) for c in options.owned.colors]}
    return {
        **options.kmeans.to_dict(), "order": options.order,
        "min_area": cleanup.min_area, "min_thickness": cleanup.min_thickness,
        "connectivity": cleanup.connectivity, "protect_delta_e": cleanup.protect_delta_e,
        "dither": options.make.dither, "dither_strength": options.make.dither_strength,
        "merge_delta_e": options.merge_delta_e, "merge_share": options.merge_share,
        "owned": owned, "lock_names": list(options.lock_names),
    }


def options_from_settings(settings: dict[str, Any]) -> Options:
    """recipe_settings() read back (recipes, sessions); a bad value raises ValueError."""
    try:
        owned = None
        if settings.get("owned"):
            found = settings["owned"]
            colours = np.array([[int(h[i:i + 2], 16) for i in (1, 3, 5)]
                                for h in found["colors"]], dtype=np.uint8).reshape(-1, 3)
            owned = OwnedColours(colours, tuple(found["names"]), found["mode"],
                                 found["metric"])
        cleanup = CleanupOptions(min_area=int(settings["min_area"]),
                                 min_thickness=int(settings["min_thickness"]),
                                 connectivity=settings["connectivity"],
                                 protect_delta_e=settings["protect_delta_e"])
        make = MakeOptions(cleanup=cleanup, dither=settings["dither"],
                           dither_strength=float(settings["dither_strength"]))
        return Options(kmeans=KMeansOptions.from_dict(settings), order=settings["order"],
                       make=make, owned=owned, merge_delta_e=float(settings["merge_delta_e"]),
                       merge_share=float(settings["merge_share"]),
                       lock_names=tuple(settings.get("lock_names", ())))
    except (KeyError, TypeError, IndexError) as exc:
        raise ValueError(f"the settings are incomplete or damaged ({exc})") from None


def result_recipe(options: Options, entries: list[dict[str, Any]]) -> str:
    """The recipe a result carries: its settings and its palette (hex and names)."""
    return recipe_text(recipe_settings(options),
                       [{key: e[key] for key in ("name", "hex") if key in e} for e in entries],
                       __version__)


def _make_record(make: MakeOptions, made: MadeReady | None) -> dict[str, Any]:
    """What the cleanup and the dithering did, for the JSON record (nothing when off)."""
    record: dict[str, Any] = {}
    if made is not None and made.regions is not None:
        regions = asdict(made.regions)
        record["regions"] = {key: round(value, 3) if isinstance(value, float) else value
                             for key, value in regions.items()}
        record["cleanup"] = {"min_area": make.cleanup.min_area,
                             "min_thickness": make.cleanup.min_thickness,
                             "connectivity": make.cleanup.connectivity,
                             "protect_delta_e": make.cleanup.protect_delta_e}
    if make.dither is not None:
        record["dither"] = {"method": make.dither, "strength": make.dither_strength}
    return record


def error_record(source: Path, exc: BaseException) -> dict[str, Any]:
    """The one-line {input, error} record of an input that failed."""
    if isinstance(exc, ImageLoadError):
        message = exc.reason
    elif isinstance(exc, ExportError):
        message = f"cannot write {exc.path}: {exc.reason}"
    elif isinstance(exc, MemoryError):
        message = "not enough memory for this image"
    else:
        message = f"internal error ({type(exc).__name__}: {exc})"
    return {"input": str(source), "error": " ".join(message.split())}


def _bundle(targets: Targets, content: BundleContent, options: Options, source: Path,
            last: KMeansStep) -> Bundle:
    """Write the maker bundle, refusing (before writing any of it) what exists unless forced."""
    assert targets.bundle is not None
    extras = [session_file(source, recipe_settings(options), last, __version__)]
    for path in existing(targets.bundle, content, extras):
        _guard(path, targets.protected, options.force)
    return write_bundle(targets.bundle, content,
                        PrintSize(dpi=options.print_dpi, width_cm=options.print_width_cm),
                        extras=extras, protected=targets.protected)


def run_one(source: Path, targets: Targets, options: Options,
            progress: Progress | None = None) -> dict[str, Any]:
    """process(), with every failure turned into an error record (a bug must not stop a batch)."""
    try:
        with warnings_to_log():
            return process(source, targets, options, progress)
    except (ImageLoadError, ExportError, MemoryError) as exc:
        return error_record(source, exc)
    except Exception as exc:
        log.exception("internal error on %s", source)
        if os.environ.get("COLORSEG_DEBUG"):
            traceback.print_exc()
        return error_record(source, exc)


def process(
    source: Path, targets: Targets, options: Options, progress: Progress | None = None
) -> dict[str, Any]:
    """Run one input end to end; raises ImageLoadError / ExportError with one-line messages."""
    for path in targets.known_paths():  # before any work: refuse early, write nothing
        _guard(path, targets.protected, options.force)
    seconds: dict[str, float] = {}
    start = clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[name] = round(now - clock, 4)
        clock = now

    picture = load_image(source, max_pixels=options.max_pixels)
    lap("load")
    hist = build_histogram(picture.rgb, picture.alpha)
    alpha, width, height = picture.alpha, picture.width, picture.height
    notes = list(picture.notes)
    del picture  # the histogram holds all we need: drop the pixels before rendering (memory)
    lap("histogram")
    options, suggested = with_suggested_k(hist, options)
    if suggested:
        lap("suggest_k")
    last: KMeansStep | None = None
    for step in run_kmeans(hist, options.kmeans):
        last = step
        if progress is not None:
            progress(step)
    if last is None:  # cannot happen without should_stop; keeps the type checker honest
        raise RuntimeError("clustering produced no result")
    lap("kmeans")
    found, names, owned_record = _recolour(hist, last, options)
    made = None
    if options.make.active:
        made = make_ready(hist, found.palette, found.labels, options.make)
        lap("make_ready")
    ordered = number(hist, found.palette, found.weights, found.labels, made=made, names=names,
                     order=options.order)
    palette, weights, counts, names = ordered.palette, ordered.weights, ordered.counts, \
        ordered.names
    if made is not None:
        error = made.mse_rgb
        segmented = paint(made.palette, made.label_map, alpha)
    else:
        error = mse_rgb(hist, palette, ordered.entry_labels)
        segmented = render_segmented(hist, palette, ordered.entry_labels)
    label_map = ordered.label_map() if (
        made is not None or options.indexed or targets.masks or targets.labels) else None
    lap("render")

    if targets.masks is not None:
        for name in mask_names(source.stem, len(palette), names):
            _guard(targets.masks / name, targets.protected, options.force)
    out = _guard(targets.image, targets.protected, options.force)
    entries = palette_entries(palette, weights, counts, order=options.order, names=names)
    recipe = result_recipe(options, entries)
    meta = run_meta(source.name, k=len(palette), space=options.kmeans.space,
                    seed=options.kmeans.seed, init=init_name(options.kmeans),
                    iterations=last.iteration, converged=last.converged,
                    stop_reason=last.stop_reason, inertia=last.inertia)
    if targets.bundle is not None:
        content = BundleContent(
            stem=source.stem, source_name=source.name, image=segmented,
            label_map=label_map if label_map is not None else ordered.label_map(),
            palette=palette, weights=weights, counts=counts, recipe=recipe, meta=meta,
            order=options.order, names=names, alpha=alpha, notes=notes)
        bundle = _bundle(targets, content, options, source, last)
    elif options.indexed:
        assert label_map is not None
        save_indexed_png(label_map, palette, out, alpha=alpha, source=source, notes=notes,
                         recipe=recipe)
    else:
        save_image(segmented, out, quality=options.quality, source=source, recipe=recipe)
    record: dict[str, Any] = {"input": str(source), "output": str(out)}
    if targets.bundle is not None:
        record["output"] = str(bundle.path if is_zip(bundle.path)
                               else bundle.path / bundle.files[0])
        record["bundle"] = str(bundle.path)
        record["bundle_files"] = list(bundle.files)
    if targets.palette is not None:
        write_palette(_guard(targets.palette, targets.protected, options.force), palette, weights,
                      order=options.order, meta=meta, counts=counts,
                      name=palette_title(source.stem, len(palette)), names=names)
        record["palette_file"] = str(targets.palette)
    if targets.labels is not None and label_map is not None:
        save_label_map(label_map, _guard(targets.labels, targets.protected, options.force))
        record["labels"] = str(targets.labels)
    if targets.masks is not None and label_map is not None:
        masks = save_masks(label_map, len(palette), targets.masks, source.stem, names)
        record["masks"] = [str(p) for p in masks]
    if targets.error_map is not None:
        errors = pixel_errors(hist, palette, ordered.entry_labels,
                              label_map if made is not None else None)
        save_image(error_picture(errors),
                   _guard(targets.error_map, targets.protected, options.force), source=source)
        record["error_map"] = str(targets.error_map)
        record["mean_delta_e"] = round(float(errors.mean()), 4)
    lap("write")
    seconds["total"] = round(time.perf_counter() - start, 4)

    record.update({
        "width": width, "height": height, "k": len(palette),
        "k_requested": options.kmeans.k, "space": options.kmeans.space,
        "seed": options.kmeans.seed, "init": init_name(options.kmeans),
        "iterations": last.iteration, "converged": bool(last.converged),
        "stop_reason": str(last.stop_reason or ""), "inertia": float(last.inertia),
        "mse_rgb": round(error, 6), "distinct_colors": hist.n_colors,
        "seconds": seconds, "notes": notes, **_make_record(options.make, made),
        "palette": [{key: e[key] for key in ("name", "hex", "rgb", "fraction", "pixels")
                     if key in e} for e in entries],
        **owned_record, **suggested,
    })
    if options.kmeans.locked:
        record["locked"] = [hex_code(c) for c in options.kmeans.locked_colours()]
    return record

