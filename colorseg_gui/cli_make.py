"""The `colorseg` options that make a result ready to make: region cleanup, dithering, error map."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from colorseg_gui.engine import DITHERS, CleanupOptions, MakeOptions

EPILOG = """\
ready to make: --min-region / --min-area merge every connected region smaller than that into
the neighbouring region of the closest colour (CIEDE2000); --min-thickness gives the parts of
a region that a square brush of that width cannot reach to the closest-coloured region beside
them; --protect-contrast keeps small regions that differ from everything around them by more
than that CIEDE2000 (eyes, highlights). --dither spreads the error over the palette colours
(fs: Floyd-Steinberg, bayer: ordered 8x8). The label map, masks, indexed PNG and palette
shares follow the cleaned and dithered result; the k-means palette itself does not change.
--error-map writes a picture of the CIEDE2000 of every pixel to the original (0 dark violet,
20 and over yellow); the JSON record gets the region counts and the mean error."""


def _positive(kind: type, what: str, upper: float | None = None) -> Any:
    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what} must be a number, got {text!r}") from None
        if value < 0 or (upper is not None and value > upper):
            bound = f"between 0 and {upper}" if upper is not None else "0 or more"
            raise argparse.ArgumentTypeError(f"{what} must be {bound}, got {text}")
        return value

    return parse


def add_make_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("ready to make (all off by default)")
    area = group.add_mutually_exclusive_group()
    area.add_argument("--min-region", type=_positive(int, "min-region"), default=0,
                      metavar="PX", help="smallest region kept, in pixels (default: 0, off)")
    area.add_argument("--min-area", type=_positive(float, "min-area"), default=None,
                      metavar="MM2",
                      help="smallest region kept, in square millimetres at --dpi (default: off)")
    group.add_argument("--dpi", type=_positive(float, "dpi"), default=None, metavar="N",
                       help="print resolution for --min-area (default: none)")
    group.add_argument("--min-thickness", type=_positive(int, "min-thickness"), default=0,
                       metavar="PX", help="narrowest part of a region kept: the widest brush "
                                          "or nozzle that must fit, in pixels (default: 0, off)")
    group.add_argument("--connectivity", type=int, choices=(4, 8), default=4,
                       help="regions touch by their sides (4) or corners too (8) (default: 4)")
    group.add_argument("--protect-contrast", type=_positive(float, "protect-contrast"),
                       default=None, metavar="DE",
                       help="keep small regions differing from all around by more than DE "
                            "(default: none kept)")
    group.add_argument("--dither", choices=DITHERS, default=None,
                       help="dither the output to its palette: fs or bayer (default: off)")
    group.add_argument("--dither-strength", type=_positive(float, "dither-strength", 1.0),
                       default=1.0, metavar="S", help="dithering strength 0..1 (default: 1)")
    group.add_argument("--error-map", type=str, default=None, metavar="FILE",
                       help="also write the error map picture, a PNG (default: none)")


def check_make_arguments(args: argparse.Namespace) -> str:
    """A usage error in words, or ''."""
    if args.min_area is not None and args.dpi is None:
        return "--min-area needs --dpi (the print resolution the area is measured at)"
    if args.dpi is not None and args.min_area is None:
        return "--dpi goes with --min-area"
    if args.dpi is not None and args.dpi <= 0:
        return "--dpi must be more than 0"
    if args.protect_contrast is not None and args.protect_contrast <= 0:
        return "--protect-contrast must be more than 0"
    return ""


def make_options(args: argparse.Namespace) -> MakeOptions:
    area = args.min_region
    if args.min_area is not None:
        area = CleanupOptions.area_from_mm2(args.min_area, args.dpi)
    cleanup = CleanupOptions(min_area=area, min_thickness=args.min_thickness,
                             connectivity=args.connectivity,
                             protect_delta_e=args.protect_contrast)
    return MakeOptions(cleanup=cleanup, dither=args.dither,
                       dither_strength=args.dither_strength)


def add_owned_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("your own colours (off by default)")
    group.add_argument("--palette-in", type=Path, default=None, metavar="FILE",
                       help="colours you own: .gpl, .ase, .json, .hex/.txt or CSV with name "
                            "and hex columns (default: none)")
    group.add_argument("--mode", choices=("map", "pick", "lock"), default="map",
                       help="map: each of the K colours to its nearest owned colour; pick: "
                            "the best K owned colours for the image; lock: the owned colours "
                            "are locked and the other K - n float (default: map)")
    owned = group.add_mutually_exclusive_group()
    owned.add_argument("--owned", type=str, default=None, metavar="NAMES",
                       help="comma-separated names of the palette's colours you have "
                            "(default: all of them)")
    owned.add_argument("--owned-file", type=Path, default=None, metavar="FILE",
                       help="a text file with one owned colour name per line (default: all)")
    group.add_argument("--metric", choices=("de2000", "oklab"), default="de2000",
                       help="colour distance for --palette-in: CIEDE2000 or OKLab "
                            "(default: de2000)")
    group.add_argument("--merge-delta-e", type=_positive(float, "merge-delta-e"), default=0.0,
                       metavar="DE", help="fold clusters closer than this CIEDE2000 into "
                                          "each other (default: 0, off)")
    group.add_argument("--merge-share", type=_positive(float, "merge-share", 1.0),
                       default=0.0, metavar="F",
                       help="fold clusters under this share of the pixels (0..1) into their "
                            "nearest colour (default: 0, off)")


def owned_colours(args: argparse.Namespace) -> tuple[Any, list[str]] | None:
    """(colours, names) the user owns, or None; a bad file or name is a usage error."""
    if args.palette_in is None:
        if args.owned or args.owned_file:
            raise ValueError("--owned and --owned-file go with --palette-in")
        return None
    from colorseg_gui.engine import PaletteError, read_palette

    try:
        owned = read_palette(args.palette_in)
    except PaletteError as exc:
        raise ValueError(str(exc)) from None
    wanted: list[str] = []
    if args.owned:
        wanted = [n.strip() for n in args.owned.split(",") if n.strip()]
    elif args.owned_file is not None:
        try:
            text = args.owned_file.read_text(encoding="utf-8")
        except OSError as exc:
            raise ValueError(f"{args.owned_file.name}: {exc.strerror or exc}") from None
        wanted = [line.strip() for line in text.splitlines() if line.strip()]
    if wanted:
        try:
            owned = owned.subset(owned.indices_of(wanted))
        except KeyError as exc:
            raise ValueError(str(exc.args[0])) from None
    return owned.colors, list(owned.names)


def apply_recipe(args: argparse.Namespace, document: dict[str, Any]) -> None:
    """Set the run's options from a result's recipe (engine.recipe), for --replay."""
    from colorseg_gui.batch import options_from_settings
    from colorseg_gui.cli_steer import apply_steer_recipe

    settings = document["settings"]
    apply_steer_recipe(args, settings)
    for name in ("k", "space", "seed", "max_iter", "tol", "order", "min_thickness",
                 "connectivity", "dither", "dither_strength", "merge_delta_e",
                 "merge_share"):
        setattr(args, name, settings[name])
    args.min_region, args.min_area, args.dpi = settings["min_area"], None, None
    args.protect_contrast = settings["protect_delta_e"]
    owned = options_from_settings(settings).owned
    if owned is not None:
        args.owned_palette = (owned.colors, list(owned.names))
        args.mode, args.metric = owned.mode, owned.metric
    else:
        args.owned_palette = None
