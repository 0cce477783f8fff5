"""What a batch runs on: folders expanded to the images they hold, and where each result goes."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from colorseg_gui.engine import is_supported_path


@dataclass(frozen=True)
class Input:
    """One file to segment; ``subdir`` is its folder below the folder that was given (-r)."""

    path: Path
    subdir: Path = Path()
    from_folder: bool = False  # found in a folder, not named by the user


@dataclass(frozen=True)
class Expanded:
    inputs: list[Input]
    skipped: int  # files in the given folders that are not images (by their extension)
    empty_folders: list[Path]


def _walk(folder: Path, recursive: bool) -> tuple[list[Input], int]:
    found: list[Input] = []
    skipped = 0
    # Hidden files and folders (.git, .thumbnails, our own .*.tmp) are nobody's photos.
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")) if recursive else []
        base = Path(root)
        for name in sorted(names, key=str.lower):
            if name.startswith("."):
                continue
            path = base / name
            if is_supported_path(path) and not path.is_dir():
                found.append(Input(path, base.relative_to(folder), from_folder=True))
            else:
                skipped += 1
    return found, skipped


def expand(paths: Sequence[Path], recursive: bool) -> Expanded:
    """Files stay as given (a bad one gets its error later); folders give their images."""
    inputs: list[Input] = []
    skipped = 0
    empty: list[Path] = []
    for path in paths:
        if path.is_dir():
            found, not_images = _walk(path, recursive)
            inputs.extend(found)
            skipped += not_images
            if not found:
                empty.append(path)
        else:
            inputs.append(Input(path))
    return Expanded(inputs, skipped, empty)


def drop_own_results(inputs: list[Input], image_target: Callable[[Input], Path]
                     ) -> tuple[list[Input], int]:
    """Leave out files found in a folder that another input of this run writes (a rerun of
    ``colorseg photos/`` must not segment last run's results, nor refuse them as inputs)."""
    targets = {image_target(i).resolve() for i in inputs}
    kept = [i for i in inputs if not (i.from_folder and i.path.resolve() in targets)]
    return kept, len(inputs) - len(kept)
