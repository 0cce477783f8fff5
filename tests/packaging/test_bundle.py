"""Build the PyInstaller bundle from a clean copy of the tree and run the frozen app."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from build_app import APP_NAME, archive_name, disk_usage, project_version
from source_tree import REPO_ROOT, copy_tree
from xvfb_server import xvfb_display

pytestmark = pytest.mark.bundle

MAX_ONEDIR_BYTES = 200_000_000
MAX_ARCHIVE_BYTES = 70_000_000
OK = "colorseg self-test ok: "
QT_KEPT = [
    "platforms/libqxcb.so", "platforms/libqwayland.so", "platforms/libqoffscreen.so",
    "imageformats/libqjpeg.so", "imageformats/libqsvg.so", "iconengines/libqsvgicon.so",
    "platformthemes/libqxdgdesktopportal.so", "platformthemes/libqgtk3.so",
    "platforminputcontexts/libcomposeplatforminputcontextplugin.so",
    "wayland-shell-integration/libxdg-shell.so",
]
QT_DROPPED = [
    "platforms/libqeglfs.so", "platforms/libqvnc.so", "platforms/libqlinuxfb.so",
    "platforms/libqminimal.so", "imageformats/libqpdf.so", "tls", "networkinformation",
    "qmltooling", "sqldrivers", "printsupport", "egldeviceintegrations",
]


@dataclass(frozen=True)
class Bundle:
    folder: Path
    exe: Path
    archive: Path
    build_seconds: float


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Bundle:
    """dist/ColorSeg and its archive, built with the one command the README gives."""
    if not sys.platform.startswith("linux"):
        pytest.fail("the bundle test runs on Linux (CI); build by hand elsewhere")
    source = copy_tree(tmp_path_factory.mktemp("tree") / "colorseg")
    started = time.perf_counter()
    built = subprocess.run(
        [sys.executable, str(source / "tests" / "packaging" / "build_app.py")],
        cwd=tmp_path_factory.mktemp("elsewhere"),  # the spec must not depend on the cwd
        capture_output=True, text=True, timeout=3000,
    )
    seconds = time.perf_counter() - started
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-5000:]
    folder = source / "dist" / APP_NAME
    archive = source / "dist" / archive_name(project_version(source))
    return Bundle(folder, folder / APP_NAME, archive, seconds)


def _frozen_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "PYTHONPATH")}
    env.update(COLORSEG_LOG_DIR=str(tmp_path / "logs"), XDG_CONFIG_HOME=str(tmp_path / "cfg"))
    env.update(extra)
    return env


def _self_test(exe: Path, env: dict[str, str], cwd: Path) -> str:
    result = subprocess.run(
        [str(exe), "--self-test"], env=env, cwd=cwd, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith(OK), result.stdout + result.stderr
    return lines[0]


def test_archive_unpacks_and_self_tests_offscreen(bundle: Bundle, tmp_path: Path) -> None:
    """What a user does: unpack the archive anywhere and start the app."""
    with tarfile.open(bundle.archive) as archive:
        names = archive.getnames()
        assert f"{APP_NAME}/{APP_NAME}" in names
        assert all(n == APP_NAME or n.startswith(f"{APP_NAME}/") for n in names)
        archive.extractall(tmp_path / "unpacked", filter="tar")
    exe = tmp_path / "unpacked" / APP_NAME / APP_NAME
    line = _self_test(exe, _frozen_env(tmp_path, QT_QPA_PLATFORM="offscreen"), tmp_path)
    assert "[offscreen, colorseg " in line
    assert "sample_kodim23.png 768x512, k=6: " in line
    log = (tmp_path / "logs" / "colorseg.log").read_text(encoding="utf-8")
    assert line in log  # the windowed build's log file was written
    # "Open With" for the unpacked copy: the entry points at where it was unpacked.
    data = tmp_path / "share"
    installed = subprocess.run(
        [str(exe.parent / "install-desktop-entry.sh")],
        env=_frozen_env(tmp_path, XDG_DATA_HOME=str(data)),
        capture_output=True, text=True, timeout=60,
    )
    assert installed.returncode == 0, installed.stderr
    entry = (data / "applications" / "io.github.colorseg.ColorSeg.desktop").read_text()
    assert f'Exec="{exe}" %F' in entry.splitlines()


def test_frozen_self_test_on_a_real_x_server(bundle: Bundle, tmp_path: Path) -> None:
    with xvfb_display() as display:
        env = _frozen_env(tmp_path, QT_QPA_PLATFORM="xcb", **display)
        line = _self_test(bundle.exe, env, tmp_path)
    assert "[xcb, colorseg " in line


def test_xcb_platform_plugin_finds_every_library(bundle: Bundle) -> None:
    (plugin,) = bundle.folder.glob("_internal/**/platforms/libqxcb.so")
    result = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True, check=True)
    missing = [line.strip() for line in result.stdout.splitlines() if "not found" in line]
    assert not missing, f"libraries libqxcb.so needs (install them on the build machine): {missing}"


def test_bundle_keeps_the_qt_plugins_we_use_and_drops_the_rest(bundle: Bundle) -> None:
    (plugins,) = bundle.folder.glob("_internal/**/Qt/plugins")
    absent = [name for name in QT_KEPT if not (plugins / name).exists()]
    assert not absent, f"needed Qt plugins missing from the bundle: {absent}"
    present = [name for name in QT_DROPPED if (plugins / name).exists()]
    assert not present, f"unused Qt plugins bundled: {present}"
    internal = bundle.folder / "_internal"
    unwanted = [p.name for p in internal.rglob("libQt6*") if any(
        m in p.name for m in ("Network", "Qml", "Quick", "Pdf", "VirtualKeyboard"))]
    assert not unwanted, unwanted
    assert not list(internal.rglob("*.qm")), "Qt translations bundled"
    # resources/ is there, minus the README screenshots.
    assert (internal / "resources" / "sample_kodim23.png").is_file()
    assert (internal / "resources" / "icons" / "colorseg.svg").is_file()
    assert not (internal / "resources" / "screenshots").exists()
    assert not (internal / "resources" / "install-desktop-entry.sh").exists()
    assert os.access(bundle.folder / "install-desktop-entry.sh", os.X_OK)


def test_frozen_version_is_the_project_version(bundle: Bundle, tmp_path: Path) -> None:
    result = subprocess.run(
        [str(bundle.exe), "--version"], env=_frozen_env(tmp_path), capture_output=True,
        text=True, timeout=120, check=True,
    )
    assert result.stdout.strip() == f"ColorSeg {project_version(REPO_ROOT)}"


def test_sizes_stay_within_budget(bundle: Bundle) -> None:
    onedir, archive = disk_usage(bundle.folder), bundle.archive.stat().st_size
    # Shown with -s (and kept in the README): the numbers the budgets are about.
    print(json.dumps({"onedir_mb": round(onedir / 1e6, 1), "tar_xz_mb": round(archive / 1e6, 1),
                      "build_and_archive_s": round(bundle.build_seconds)}))
    assert onedir <= MAX_ONEDIR_BYTES, f"dist/{APP_NAME} takes {onedir / 1e6:.1f} MB"
    assert archive <= MAX_ARCHIVE_BYTES, f"{bundle.archive.name} is {archive / 1e6:.1f} MB"
