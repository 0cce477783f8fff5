"""install-desktop-entry.sh puts an unpacked bundle into the menu and "Open With", and out again."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from colorseg_gui.resources import APP_ID

REPO_ROOT = Path(__file__).resolve().parents[2]
SCRIPT = REPO_ROOT / "resources" / "install-desktop-entry.sh"


def _fake_bundle(parent: Path) -> Path:
    """The layout of dist/ColorSeg with a stand-in executable (no PyInstaller build needed)."""
    folder = parent / "ColorSeg"
    resources = folder / "_internal" / "resources"
    shutil.copytree(REPO_ROOT / "resources" / "icons", resources / "icons")
    shutil.copy(REPO_ROOT / "resources" / f"{APP_ID}.desktop", resources)
    exe = folder / "ColorSeg"
    exe.write_text("#!/bin/sh\nexit 0\n")
    exe.chmod(0o755)
    shutil.copy2(SCRIPT, folder / SCRIPT.name)
    return folder


def _run(folder: Path, data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(data.parent),
           "XDG_DATA_HOME": str(data)}
    return subprocess.run(["sh", str(folder / SCRIPT.name), *args], env=env,
                          capture_output=True, text=True, timeout=60)


def test_entry_points_at_the_unpacked_folder_and_validates(tmp_path: Path) -> None:
    folder = _fake_bundle(tmp_path / "My Apps")  # a space in the path, as users have
    data = tmp_path / "home" / "share"
    result = _run(folder, data)
    assert result.returncode == 0, result.stderr
    entry = data / "applications" / f"{APP_ID}.desktop"
    lines = entry.read_text(encoding="utf-8").splitlines()
    assert f'Exec="{folder / "ColorSeg"}" %F' in lines
    assert f"TryExec={folder / 'ColorSeg'}" in lines
    original = (REPO_ROOT / "resources" / f"{APP_ID}.desktop").read_text().splitlines()
    assert [x for x in lines if x.startswith("MimeType=")] == [
        x for x in original if x.startswith("MimeType=")
    ]
    validate = shutil.which("desktop-file-validate")
    assert validate, "desktop-file-validate missing (Debian package desktop-file-utils)"
    checked = subprocess.run([validate, str(entry)], capture_output=True, text=True)
    assert checked.returncode == 0 and not checked.stdout.strip(), checked.stdout
    icons = data / "icons" / "hicolor"
    assert (icons / "256x256" / "apps" / "colorseg.png").is_file()
    assert (icons / "16x16" / "apps" / "colorseg.png").is_file()
    assert (icons / "scalable" / "apps" / "colorseg.svg").is_file()


def test_uninstall_removes_what_install_added(tmp_path: Path) -> None:
    folder = _fake_bundle(tmp_path)
    data = tmp_path / "home" / "share"
    assert _run(folder, data).returncode == 0
    result = _run(folder, data, "--uninstall")
    assert result.returncode == 0, result.stderr
    left = [p for p in data.rglob("*") if p.is_file() and "colorseg" in p.name.lower()]
    left += [p for p in data.rglob(f"{APP_ID}*")]
    assert not left, left


@pytest.mark.parametrize("bad", ["price$5", "100%", 'say"hi"'])
def test_paths_the_desktop_format_cannot_hold_are_refused(tmp_path: Path, bad: str) -> None:
    folder = _fake_bundle(tmp_path / bad)
    data = tmp_path / "home" / "share"
    result = _run(folder, data)
    assert result.returncode == 1
    assert "move ColorSeg to a folder" in result.stderr
    assert not (data / "applications").exists()


def test_script_outside_a_bundle_says_so(tmp_path: Path) -> None:
    lone = tmp_path / "lone"
    lone.mkdir()
    shutil.copy2(SCRIPT, lone / SCRIPT.name)
    result = _run(lone, tmp_path / "share")
    assert result.returncode == 1 and "must be beside this script" in result.stderr
