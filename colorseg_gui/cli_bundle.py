"""The `colorseg` options of the maker bundle (--bundle DIR, --zip, the legend's print size)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

EPILOG = """\
maker bundle: --bundle DIR writes into the folder DIR, as one unit: the result PNG, the indexed
PNG, the label map (<stem>_labels.png), one mask per colour in DIR/masks named after it
(<stem>_mask03_burnt-sienna.png with own colours, <stem>_mask03_c81e1e.png without), the
palette as .gpl, .json, .css, .txt and .ase with names and shares, and <stem>_legend.pdf: the
result and numbered swatches with name, hex, share and area in cm² and in² at --print-dpi N
(default: --dpi, else 300) or --print-width CM. A DIR ending in .zip, or --zip, writes one .zip
instead. With several inputs, each gets DIR/<stem> (or DIR/<stem>.zip with --zip). Existing
bundle files are replaced only with --force; the bundle is written beside DIR first and moved
into place, so a failure leaves no half bundle."""


def _positive_number(what: str) -> Any:
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what} must be a number, got {text!r}") from None
        if not value > 0:
            raise argparse.ArgumentTypeError(f"{what} must be more than 0, got {text}")
        return value

    return parse


def add_bundle_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("maker bundle (with --bundle DIR)")
    group.add_argument("--zip", action="store_true",
                       help="write the bundle as one .zip file (default: a folder, unless DIR "
                            "ends in .zip)")
    size = group.add_mutually_exclusive_group()
    size.add_argument("--print-dpi", type=_positive_number("print-dpi"), default=None,
                      metavar="N", help="print resolution the legend gives sizes and areas "
                                        "at (default: --dpi, else 300)")
    size.add_argument("--print-width", type=_positive_number("print-width"), default=None,
                      metavar="CM", help="printed width of the result in cm; the legend's "
                                         "resolution follows from it (default: none)")


def check_bundle_arguments(args: argparse.Namespace) -> str:
    """A usage error in words, or ''; fills in the legend's default print resolution."""
    if args.bundle is None:
        for name, flag in (("zip", "--zip"), ("print_dpi", "--print-dpi"),
                           ("print_width", "--print-width")):
            if getattr(args, name):
                return f"{flag} goes with --bundle DIR"
        return ""
    several = len(args.inputs) > 1 or any(Path(p).is_dir() for p in args.inputs)
    if several and Path(args.bundle).suffix.lower() == ".zip":
        return (f"--bundle {args.bundle}: one .zip holds one input's bundle; for several "
                "inputs give a folder (add --zip for one .zip per input)")
    if args.indexed:
        return "--bundle writes the indexed PNG as well as the result: leave out --indexed"
    if args.format != "png":
        return "--bundle writes PNG files: leave out --format"
    if args.print_dpi is None and args.print_width is None:
        args.print_dpi = getattr(args, "dpi", None)
    return ""
