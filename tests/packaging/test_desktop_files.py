"""The Linux desktop entry and AppStream metainfo validate and agree with the app."""

from __future__ import annotations

import configparser
import mimetypes
import shutil
import subprocess
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from colorseg_gui.engine.io.loading import SUPPORTED_EXTENSIONS
from colorseg_gui.resources import APP_ID

REPO_ROOT = Path(__file__).resolve().parents[2]
RESOURCES = REPO_ROOT / "resources"
DESKTOP = RESOURCES / f"{APP_ID}.desktop"
METAINFO = RESOURCES / f"{APP_ID}.metainfo.xml"
MIME_GLOBS = Path("/usr/share/mime/globs2")


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed (Debian packages desktop-file-utils, appstream)")
    return path


def _entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


def _listed(value: str) -> list[str]:
    return [item for item in value.split(";") if item]


def test_desktop_file_validates() -> None:
    result = subprocess.run(
        [_tool("desktop-file-validate"), str(DESKTOP)], capture_output=True, text=True
    )
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_metainfo_validates() -> None:
    result = subprocess.run(
        [_tool("appstreamcli"), "validate", "--no-net", "--explain", str(METAINFO)],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # Warnings and errors fail; infos and pedantic notes pass (as `appstreamcli validate`).
    assert not [line for line in result.stdout.splitlines() if line[:2] in ("W:", "E:")]


def test_desktop_entry_launches_the_gui_with_files() -> None:
    entry = _entry()
    assert entry["Type"] == "Application"
    assert entry["Exec"] == "colorseg-gui %F"
    assert entry["TryExec"] == "colorseg-gui"
    assert "Graphics" in _listed(entry["Categories"])
    assert entry["Terminal"] == "false"
    assert entry["Icon"] == "colorseg"
    hicolor = RESOURCES / "icons" / "hicolor"
    assert (hicolor / "256x256" / "apps" / "colorseg.png").is_file()
    assert (hicolor / "48x48" / "apps" / "colorseg.png").is_file()


def _image_mime_types(ext: str) -> set[str]:
    """MIME types a Linux desktop gives files with this extension (shared-mime-info)."""
    found = set()
    guessed = mimetypes.guess_type(f"x{ext}", strict=False)[0]
    if guessed:
        found.add(guessed)
    if not MIME_GLOBS.is_file():
        pytest.fail(f"{MIME_GLOBS} is missing (Debian package shared-mime-info, via appstream)")
    for line in MIME_GLOBS.read_text(encoding="utf-8").splitlines():
        fields = line.split(":")
        if len(fields) >= 3 and fields[2].lower() == f"*{ext}":
            found.add(fields[1])
    return {mime for mime in found if mime.startswith("image/")}


def test_every_openable_extension_has_its_mime_type_listed() -> None:
    listed = set(_listed(_entry()["MimeType"]))
    assert {"image/png", "image/jpeg", "image/webp", "image/tiff", "image/bmp"} <= listed
    unlisted = {
        ext: sorted(mimes)
        for ext in SUPPORTED_EXTENSIONS
        if (mimes := _image_mime_types(ext)) and not mimes & listed
    }
    assert not unlisted, f"extensions the app opens but the desktop entry does not: {unlisted}"
    assert all(mime.startswith("image/") for mime in listed)


def test_metainfo_matches_the_desktop_entry_and_the_project() -> None:
    root = ET.parse(METAINFO).getroot()
    assert root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    launchable = root.find("launchable")
    assert launchable is not None and launchable.text == DESKTOP.name
    with open(REPO_ROOT / "pyproject.toml", "rb") as fh:
        project = tomllib.load(fh)["project"]
    releases = [release.get("version") for release in root.iter("release")]
    assert releases and releases[0] == project["version"], "add a <release> for this version"
    assert root.findtext("project_license") == project["license"]
    binaries = {b.text for b in root.iter("binary")}
    assert {"colorseg-gui", "colorseg"} <= binaries
    assert binaries <= set(project["scripts"]) | set(project["gui-scripts"])
    listed = set(_listed(_entry()["MimeType"]))
    assert {m.text for m in root.iter("mediatype")} <= listed
