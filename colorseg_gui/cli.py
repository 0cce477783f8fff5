"""The `colorseg` batch command: segment images by exact k-means colour clustering."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import textwrap
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from colorseg_gui import __version__
from colorseg_gui.batch_jobs import default_jobs
from colorseg_gui.batch_run import run
from colorseg_gui.cli_bundle import EPILOG as BUNDLE_EPILOG
from colorseg_gui.cli_bundle import add_bundle_arguments, check_bundle_arguments
from colorseg_gui.cli_make import EPILOG as MAKE_EPILOG
from colorseg_gui.cli_make import (
    add_make_arguments,
    add_owned_arguments,
    apply_recipe,
    check_make_arguments,
    owned_colours,
)
from colorseg_gui.cli_steer import EPILOG as STEER_EPILOG
from colorseg_gui.cli_steer import add_steer_arguments, steer_colours
from colorseg_gui.engine import (
    DEFAULT_MAX_PIXELS,
    INIT_METHODS,
    MAX_K,
    MIN_K,
    PALETTE_FORMATS,
    PALETTE_ORDERS,
    SPACES,
    RecipeError,
    read_recipe,
)

PROG = "colorseg"
OUTPUT_FORMATS = {"png": ".png", "jpg": ".jpg", "webp": ".webp", "tiff": ".tiff"}
__all__ = ["build_parser", "main", "run"]

DESCRIPTION = """\
Segment images by k-means clustering of their pixel colours: every pixel is replaced by
the mean colour of its cluster. The clustering is exact (Lloyd's algorithm on the distinct
colours, weighted by pixel count); transparent pixels weigh nothing and stay transparent."""

EPILOG = """\
output names: without -o, each result is written as <input stem>_cluster<K>.<format>
beside its input, or in OUTDIR with -d (below it, the subfolders of a folder given with -r).
An input file is never overwritten, and an existing output only with --force. With several
inputs, --palette and --labels may contain {stem} (the input's name without extension);
otherwise _<stem> is added before the extension. Cluster numbers in the label map, the masks
and the palette follow the palette order (--order).

label map: an 8-bit greyscale PNG whose pixel value is the cluster number (0..K-1).
masks: one 1-bit PNG per cluster, white where the cluster is, named <stem>_mask<N>.png.
palette files (by extension): """ + textwrap.fill(
    ", ".join(f"{ext} {what}" for ext, what in PALETTE_FORMATS.items()) + ".", width=90,
    initial_indent=" " * 30).lstrip() + """

--json prints one JSON object per input on stdout: input, output, width, height, k, space,
seed, iterations, converged, inertia (J), mse_rgb (mean squared RGB distance between input
and output), seconds {load, histogram, kmeans, render, write, total} and palette
[{hex, rgb, fraction, pixels}]; a failed input prints {input, error}.

folders: a folder given as INPUT stands for the images in it (by extension; with -r also in
its subfolders; hidden files are left out); other files are counted and named once at the end.

parallel: -j runs that many inputs at once, each in its own worker process (a file that crashes
a decoder or exceeds its memory budget fails alone); results are printed in input order unless
--unordered. Ctrl+C stops every job and leaves no partial or temporary file.

exit status: 0 every input done, 1 at least one input failed, 2 usage error, 130 interrupted."""


def _int_in(lo: int, hi: int | None, what: str) -> Any:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what} must be a whole number, got {text!r}") \
                from None
        if value < lo or (hi is not None and value > hi):
            bound = f"between {lo} and {hi}" if hi is not None else f"at least {lo}"
            raise argparse.ArgumentTypeError(f"{what} must be {bound}, got {value}")
        return value

    return parse


def _tolerance(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"tolerance must be a number, got {text!r}") from None
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"tolerance must be >= 0, got {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=PROG, description=DESCRIPTION,
        epilog="\n\n".join((EPILOG, MAKE_EPILOG, STEER_EPILOG, BUNDLE_EPILOG)),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("inputs", nargs="+", metavar="INPUT", type=Path,
                   help="image files (PNG, JPEG, WebP, AVIF, GIF, BMP, TIFF, ICO, TGA, PPM...) "
                        "or folders of them")
    p.add_argument("-k", dest="k", type=_int_in(MIN_K, MAX_K, "k"),
                   metavar="K", help=f"number of colours, {MIN_K}..{MAX_K}; an image with fewer "
                                     "distinct colours keeps them all exactly (default: none; "
                                     "required unless --replay gives it)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("-o", "--output", type=Path, metavar="OUTPUT",
                       help="output file, for a single input; its extension picks the format "
                            "(default: <stem>_cluster<K>.png beside the input)")
    where.add_argument("-d", "--outdir", type=Path, metavar="OUTDIR",
                       help="folder for the results of every input, created if missing "
                            "(default: beside each input)")
    where.add_argument("--bundle", type=Path, metavar="DIR",
                       help="write the maker bundle into the folder DIR (or DIR.zip): see "
                            "'maker bundle' below (default: none)")
    p.add_argument("--format", choices=sorted(OUTPUT_FORMATS), default="png",
                   help="image format of default-named outputs (default: png)")
    p.add_argument("--quality", type=_int_in(1, 100, "quality"), default=92, metavar="Q",
                   help="JPEG quality 1..100 (default: 92); JPEG has no alpha, so transparent "
                        "areas are composited on white")
    p.add_argument("--space", choices=SPACES, default="rgb",
                   help="colour space of the clustering: rgb (sRGB values, the classic "
                        "objective), lab (CIELAB, perceptual) or oklab (OKLab x 100, "
                        "perceptual with even hues) (default: rgb)")
    p.add_argument("--seed", type=_int_in(0, None, "seed"), default=0, metavar="N",
                   help="random seed of the initialisation; same seed, same result (default: 0)")
    p.add_argument("--max-iter", type=_int_in(1, None, "max-iter"), default=300, metavar="N",
                   help="maximum number of Lloyd iterations (default: 300)")
    p.add_argument("--tol", type=_tolerance, default=1e-4, metavar="T",
                   help="also stop when an iteration lowers the objective J by less than this "
                        "fraction of J; 0 runs until no pixel changes cluster (default: 1e-4)")
    p.add_argument("--init", choices=INIT_METHODS, default="k-means++",
                   help="initialisation (default: k-means++)")
    p.add_argument("--indexed", action="store_true",
                   help="write a palette PNG holding exactly the K colours (transparency via "
                        "tRNS) instead of a true-colour image (default: off)")
    p.add_argument("--palette", type=str, metavar="FILE",
                   help="also write the palette; the extension picks the format: "
                        + " ".join(PALETTE_FORMATS) + " (default: none)")
    p.add_argument("--order", choices=PALETTE_ORDERS, default="share",
                   help="palette order: share (largest pixel share first) or lightness "
                        "(dark to light, CIELAB L*) (default: share)")
    p.add_argument("--masks", type=str, metavar="DIR",
                   help="also write one mask PNG per cluster into DIR (default: none)")
    p.add_argument("--labels", type=str, metavar="FILE",
                   help="also write the label map, an 8-bit PNG of cluster numbers "
                        "(default: none)")
    p.add_argument("--max-pixels", type=_int_in(0, None, "max-pixels"),
                   default=DEFAULT_MAX_PIXELS, metavar="N",
                   help="refuse images with more pixels, checked before decoding; 0 means "
                        f"no limit (default: {DEFAULT_MAX_PIXELS})")
    p.add_argument("-r", "--recursive", action="store_true",
                   help="also take the images in the subfolders of folder inputs (default: off)")
    p.add_argument("-j", "--jobs", type=_int_in(1, None, "jobs"), default=None, metavar="N",
                   help="inputs processed at once, one worker process each "
                        f"(default: the number of cores, {default_jobs()} here)")
    p.add_argument("--unordered", action="store_true",
                   help="print each result as it finishes instead of in input order "
                        "(default: input order)")
    p.add_argument("--force", action="store_true",
                   help="replace outputs that already exist (default: such an input fails "
                        "with a line naming the file); inputs are never overwritten")
    p.add_argument("--json", action="store_true",
                   help="print one JSON object per input on stdout (default: a summary line)")
    p.add_argument("-q", "--quiet", action="store_true",
                   help="print nothing but errors (default: summary lines, and a progress "
                        "bar on stderr when it is a terminal)")
    p.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    add_make_arguments(p)
    add_owned_arguments(p)
    add_steer_arguments(p)
    add_bundle_arguments(p)
    p.add_argument("--replay", type=Path, default=None, metavar="RESULT",
                   help="take every setting from the recipe inside RESULT (a PNG, JPEG, WebP "
                        "or TIFF that ColorSeg wrote) and make it again from INPUT "
                        "(default: off)")
    return p


def _check_args(parser: argparse.ArgumentParser, args: argparse.Namespace) -> str:
    if args.replay is not None:
        try:
            apply_recipe(args, read_recipe(args.replay))
        except (RecipeError, ValueError, KeyError, TypeError) as exc:
            parser.error(f"--replay {args.replay}: {exc}")
    else:
        args.start_colours, args.locked_rows, args.lock_names = None, (), ()
        try:
            args.owned_palette = owned_colours(args)
            steer_colours(args)
        except ValueError as exc:
            parser.error(str(exc))
    if args.k is None and not args.suggest_k:
        parser.error("the following arguments are required: -k")
    if args.output is not None and (len(args.inputs) > 1 or args.inputs[0].is_dir()):
        parser.error("-o/--output takes a single input file; use -d OUTDIR for several")
    problem = check_bundle_arguments(args)
    if problem:
        parser.error(problem)
    if args.output is not None:
        ext = args.output.suffix.lower()
        if ext not in (".png", ".jpg", ".jpeg", ".webp", ".tif", ".tiff"):
            parser.error(f"-o {args.output}: unknown image type {ext or '(none)'}; "
                         "use .png, .jpg, .webp or .tiff")
        if args.indexed and ext != ".png":
            parser.error("--indexed writes a PNG: give -o a .png name")
    if args.indexed and args.output is None and args.format != "png":
        parser.error("--indexed writes a PNG: use --format png")
    if args.palette is not None and Path(args.palette).suffix.lower() not in PALETTE_FORMATS:
        parser.error(f"--palette {args.palette}: unknown palette type; use one of "
                     + ", ".join(PALETTE_FORMATS))
    problem = check_make_arguments(args)
    if problem:
        parser.error(problem)
    if args.error_map is not None and Path(args.error_map).suffix.lower() != ".png":
        parser.error(f"--error-map {args.error_map}: the error map is a PNG; name it .png")
    return OUTPUT_FORMATS[args.format]


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """`kill` (SIGTERM) stops a batch as cleanly as Ctrl+C does."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `colorseg`; returns the exit status (0 done, 1 failures, 2 usage)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        ext = _check_args(parser, args)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 for --help/--version
        return exc.code if isinstance(exc.code, int) else 2
    try:
        with _sigterm_as_interrupt():
            return run(args, ext, sys.stdout, sys.stderr)
    except BrokenPipeError:  # e.g. `colorseg ... --json | head -1`
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
