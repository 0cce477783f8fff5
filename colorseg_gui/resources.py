"""Find files of the top-level resources/ folder from a source tree, a wheel or the frozen app."""

from __future__ import annotations

import sys
from pathlib import Path

APP_ID = "io.github.colorseg.ColorSeg"  # desktop file, AppStream id, macOS bundle identifier
SAMPLE_IMAGE = "sample_kodim23.png"
ICON_SVG = "icons/colorseg.svg"
ICON_PNG = "icons/colorseg.png"

_PACKAGE_DIR = Path(__file__).resolve().parent
# Where each layout keeps the folder: a PyInstaller bundle copies it to <_MEIPASS>/resources
# (build_installer.spec), a wheel installs it as the colorseg_gui/_resources package data
# (pyproject.toml), and a source checkout or editable install has it beside the package.
_WHEEL_DIR = _PACKAGE_DIR / "_resources"
_SOURCE_DIR = _PACKAGE_DIR.parent / "resources"


class ResourceNotFoundError(FileNotFoundError):
    """A bundled resource is missing: the installation is incomplete."""


def resources_dir() -> Path:
    """The resources folder of this installation (frozen, then wheel, then source tree)."""
    meipass = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and meipass:
        return Path(meipass) / "resources"
    if _WHEEL_DIR.is_dir():
        return _WHEEL_DIR
    return _SOURCE_DIR


def resource_path(relative: str) -> Path:
    """Absolute path of resources/<relative>; ResourceNotFoundError if it is not there."""
    rel = Path(relative)
    if rel.is_absolute() or ".." in rel.parts:
        raise ValueError(f"{relative}: a resource is named relative to the resources folder")
    path = resources_dir() / rel
    if not path.exists():
        raise ResourceNotFoundError(
            f"{relative}: not found in {resources_dir()} (the installation is incomplete)"
        )
    return path
