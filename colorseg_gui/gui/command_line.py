"""Edit > Copy as Command Line: the `colorseg` command that makes the current result."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from colorseg_gui.engine import KMeansOptions, MakeOptions


def command_line(image: Path | None, run: KMeansOptions, make: MakeOptions | None,
                 palette_file: Path | None, owned_names: list[str] | None,
                 all_owned: bool) -> tuple[str, list[str]]:
    """(the command, what it cannot say) for the window's current settings."""
    cannot: list[str] = []
    if image is None:
        cannot.append("the image was pasted or dropped as data: save it and put its name "
                      "in place of IMAGE")
    init = run.init if isinstance(run.init, str) else "k-means++"
    if not isinstance(run.init, str):
        cannot.append("the starting colours of the run")
    args = ["colorseg", str(image) if image is not None else "IMAGE", "-k", str(run.k),
            "--space", run.space, "--seed", str(run.seed), "--init", init,
            "--max-iter", str(run.max_iter), "--tol", f"{run.tol:g}"]
    if make is not None:
        cleanup = make.cleanup
        if cleanup.min_area > 1:
            args += ["--min-region", str(cleanup.min_area)]
        if cleanup.min_thickness > 1:
            args += ["--min-thickness", str(cleanup.min_thickness)]
        if cleanup.active and cleanup.connectivity != 4:
            args += ["--connectivity", str(cleanup.connectivity)]
        if cleanup.active and cleanup.protect_delta_e is not None:
            args += ["--protect-contrast", f"{cleanup.protect_delta_e:g}"]
        if make.dither is not None:
            args += ["--dither", make.dither, "--dither-strength", f"{make.dither_strength:g}"]
        if make.owned is not None:
            if palette_file is None:
                cannot.append("the owned colours come from no file")
            else:
                args += ["--palette-in", str(palette_file), "--mode", make.owned.mode,
                         "--metric", make.owned.metric]
                if not all_owned and owned_names:
                    args += ["--owned", ",".join(owned_names)]
    return shlex.join(args), cannot
