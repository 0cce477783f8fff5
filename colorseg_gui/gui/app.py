"""`colorseg-gui [FILES]`: start the desktop app (also --sample, --self-test, --version).

Reading the command line imports neither Qt nor numpy nor Pillow, so `--version` and
`--help` answer at once; launch.py holds the Qt side.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any


class _VersionAction(argparse.Action):
    """--version, reading the version (importlib.metadata) only when it is asked for."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        kwargs.setdefault("help", "show the version and exit")
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *_: Any) -> None:
        from colorseg_gui import __version__

        # The app's name, not the command's: the same line from `colorseg-gui`, `ColorSeg`
        # (the bundle) and `python -m colorseg_gui`. stdout, like argparse's own action.
        print(f"ColorSeg {__version__}")
        parser.exit()


def parse_args(argv: Sequence[str]) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(
        prog="colorseg-gui",
        description="Segment an image by k-means colour clustering and watch it refine live.",
    )
    parser.add_argument("files", nargs="*", type=Path, help="image to open")
    parser.add_argument("--sample", action="store_true", help="open the bundled sample photo")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check the installation headlessly and exit with its status",
    )
    parser.add_argument("--version", action=_VersionAction)
    # Unknown options (Qt's own, such as -platform or -style) go on to QApplication.
    return parser.parse_known_args(list(argv))


def main(argv: Sequence[str] | None = None) -> int:
    args, qt_args = parse_args(sys.argv[1:] if argv is None else argv)
    from colorseg_gui import applog

    applog.setup_logging()
    applog.install_excepthook()
    if args.self_test:
        from colorseg_gui.gui.selftest import run_self_test

        return run_self_test()

    from colorseg_gui.gui.launch import run

    return run(args, qt_args)


if __name__ == "__main__":
    raise SystemExit(main())
