"""The `colorseg` options that steer the clustering: locked colours, starting colours, k."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

EPILOG = """\
steering: --lock "#c0392b,#ffffff" keeps those colours exactly (bit for bit in every output,
in every --space); they count in K and the other clusters start from k-means++ around them.
--init-palette FILE starts from a palette file's colours (.gpl, .ase, .json, .hex/.txt, .csv;
K defaults to their count; a larger K adds k-means++ colours around them). --palette-in FILE
--mode lock locks the owned colours (all, or --owned NAMES) and lets the other K - n float;
their names go into the palette, the masks and the JSON record. --suggest-k runs k = 2..32,
each warm-started from its neighbour, prints J, MSE and the mean CIEDE2000 to the original
per k and the smallest k whose mean is under --suggest-threshold (default 3), then segments
with it unless -k is given (outputs without -k or -o are named <stem>_clusterauto). The JSON
record lists the locked colours ("locked") and, with --suggest-k, "k_table" and "suggested_k"."""

_HEX = re.compile(r"^#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")


def _threshold(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"suggest-threshold must be a number, got {text!r}") \
            from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"suggest-threshold must be more than 0, got {text}")
    return value


def add_steer_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("steering (off by default)")
    group.add_argument("--lock", type=str, default=None, metavar="COLOURS",
                       help='comma-separated hex colours kept exactly, counted in K, e.g. '
                            '"#c0392b,#ffffff" (default: none)')
    group.add_argument("--init-palette", type=Path, default=None, metavar="FILE",
                       help="start from the colours of a palette file; K defaults to their "
                            "count (default: k-means++)")
    group.add_argument("--suggest-k", action="store_true",
                       help="print J versus k for k = 2..32 and the suggested k, then segment "
                            "with it unless -k is given (default: off)")
    group.add_argument("--suggest-threshold", type=_threshold, default=3.0, metavar="DE",
                       help="--suggest-k picks the smallest k whose mean CIEDE2000 to the "
                            "original is under DE (default: 3)")


def parse_colours(text: str, what: str = "--lock") -> list[tuple[int, int, int]]:
    """Hex colours from a comma-separated list; a bad one is a ValueError naming it."""
    colours = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        found = _HEX.match(part)
        if found is None:
            raise ValueError(f"{what}: {part!r} is not a hex colour (#rrggbb or #rgb)")
        digits = found[1] if len(found[1]) == 6 else "".join(c * 2 for c in found[1])
        colours.append((int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)))
    if not colours:
        raise ValueError(f"{what}: no colours given")
    return colours


def steer_colours(args: argparse.Namespace) -> None:
    """Resolve --lock, --init-palette and --mode lock into args.start_colours (locked ones
    first), args.locked_rows and args.lock_names, and k when it can be inferred; a bad file
    or value raises ValueError with one line naming it."""
    locks: list[tuple[int, int, int]] = []
    names: list[str] = []
    if args.lock:
        locks = parse_colours(args.lock)
        from colorseg_gui.engine import hex_code

        names = [hex_code(c) for c in locks]
    if args.mode == "lock":
        if args.owned_palette is None:
            raise ValueError("--mode lock goes with --palette-in (the colours to lock)")
        colours, owned_names = args.owned_palette
        locks += [tuple(int(v) for v in c) for c in colours]  # type: ignore[misc]
        names += list(owned_names)
        args.owned_palette = None  # locked, not mapped afterwards
    start: list[tuple[int, int, int]] = []
    if args.init_palette is not None:
        from colorseg_gui.engine import PaletteError, read_palette

        try:
            found = read_palette(args.init_palette)
        except PaletteError as exc:
            raise ValueError(f"--init-palette {exc}") from None
        start = [tuple(int(v) for v in c) for c in found.colors]  # type: ignore[misc]
    colours = locks + start
    if len(set(locks)) < len(locks):
        raise ValueError("--lock: a colour is locked twice")
    if args.k is None and args.init_palette is not None and not args.suggest_k:
        args.k = len(colours)
    if args.k is None and not args.suggest_k:
        if locks:
            raise ValueError(f"-k is needed with locked colours: how many colours in all "
                             f"(at least {len(locks)})")
        return
    if args.k is not None and len(colours) > args.k:
        raise ValueError(f"-k {args.k} is fewer than the {len(colours)} starting colours "
                         "(locked and --init-palette colours count in K)")
    from colorseg_gui.engine import MAX_K

    if len(colours) > MAX_K:
        raise ValueError(f"{len(colours)} starting colours; at most {MAX_K}")
    args.start_colours = tuple(colours) or None
    args.locked_rows = tuple(range(len(locks)))
    args.lock_names = tuple(names)


def apply_steer_recipe(args: argparse.Namespace, settings: dict[str, Any]) -> None:
    """The starting colours, locks and their names of a recipe (for --replay)."""
    init = settings.get("init", "k-means++")
    args.start_colours = None if isinstance(init, str) else tuple(map(tuple, init))
    args.init = init if isinstance(init, str) else "k-means++"
    args.locked_rows = tuple(settings.get("locked", ()))
    args.lock_names = tuple(settings.get("lock_names", ()))
    args.suggest_k = False  # the recipe holds the k that was used
