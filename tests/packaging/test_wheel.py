"""The wheel carries every module and the resources/ folder, and finds them once installed."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from source_tree import REPO_ROOT, copy_tree

SHIPPED_RESOURCE_SUFFIXES = {".png", ".svg", ".ico", ".icns", ".desktop", ".xml"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from a clean copy of the tree (the build writes nothing into ours)."""
    source = copy_tree(tmp_path_factory.mktemp("tree") / "colorseg")
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(source)],
        check=True, capture_output=True,
    )
    (built,) = out.glob("colorseg-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Python of a fresh virtual environment with the wheel installed (no dependencies)."""
    venv = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "--no-index", "--quiet", str(wheel)],
        check=True, capture_output=True,
    )
    return python


def _source_modules() -> set[str]:
    return {
        path.relative_to(REPO_ROOT).as_posix()
        for path in (REPO_ROOT / "colorseg_gui").rglob("*.py")
        if "__pycache__" not in path.parts
    }


def _source_resources() -> set[str]:
    folder = REPO_ROOT / "resources"
    return {
        "colorseg_gui/_resources/" + path.relative_to(folder).as_posix()
        for path in folder.rglob("*")
        if path.is_file()
        and path.suffix in SHIPPED_RESOURCE_SUFFIXES
        and "screenshots" not in path.relative_to(folder).parts
    }


def test_wheel_holds_every_module_of_the_package(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = _source_modules() - names
    assert not missing, f"modules left out of the wheel (add their package to pyproject): {missing}"


def test_wheel_holds_the_resources_folder(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = _source_resources()
    assert "colorseg_gui/_resources/sample_kodim23.png" in expected
    assert "colorseg_gui/_resources/icons/colorseg.ico" in expected
    assert expected <= names, f"missing from the wheel: {expected - names}"
    assert not [n for n in names if n.startswith("resources/")], "resources installed top-level"


def test_installed_wheel_finds_its_resources(installed: Path, tmp_path: Path) -> None:
    probe = (
        "import colorseg_gui.resources as r, sys\n"
        "print(r.resources_dir())\n"
        "print(r.resource_path(r.SAMPLE_IMAGE))\n"
        "print(r.resource_path(r.ICON_SVG))\n"
        "assert not any(m.startswith('PySide6') for m in sys.modules)\n"
    )
    # Run from elsewhere so that the source tree cannot be imported by accident.
    result = subprocess.run(
        [str(installed), "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    folder, sample, svg = (Path(line) for line in result.stdout.split())
    assert folder.name == "_resources" and folder.parent.name == "colorseg_gui"
    assert "site-packages" in folder.parts
    assert REPO_ROOT not in folder.parents
    assert sample.read_bytes() == (REPO_ROOT / "resources" / "sample_kodim23.png").read_bytes()
    assert svg.read_text(encoding="utf-8") == (
        REPO_ROOT / "resources" / "icons" / "colorseg.svg"
    ).read_text(encoding="utf-8")
