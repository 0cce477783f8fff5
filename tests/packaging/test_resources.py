"""resource_path() finds resources/ from the source tree and a frozen bundle's layout."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from colorseg_gui import resources
from colorseg_gui.resources import (
    ICON_PNG,
    ICON_SVG,
    SAMPLE_IMAGE,
    ResourceNotFoundError,
    resource_path,
    resources_dir,
)

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_source_tree_finds_the_top_level_resources_folder() -> None:
    assert resources_dir() == REPO_ROOT / "resources"
    sample = resource_path(SAMPLE_IMAGE)
    assert sample == REPO_ROOT / "resources" / SAMPLE_IMAGE
    assert sample.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    for icon in (ICON_PNG, ICON_SVG):
        assert resource_path(icon).is_file()


def test_frozen_layout_is_read_from_meipass(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "resources" / "icons").mkdir(parents=True)
    (tmp_path / "resources" / "icons" / "colorseg.svg").write_text("<svg/>")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources_dir() == tmp_path / "resources"
    assert resource_path(ICON_SVG) == tmp_path / "resources" / "icons" / "colorseg.svg"
    # The source tree's copy is not used as a fallback: a bundle missing a file is broken.
    with pytest.raises(ResourceNotFoundError, match=SAMPLE_IMAGE):
        resource_path(SAMPLE_IMAGE)


def test_installed_layout_wins_over_the_source_tree(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    wheel_dir = tmp_path / "_resources"
    wheel_dir.mkdir()
    (wheel_dir / SAMPLE_IMAGE).write_bytes(b"png")
    monkeypatch.setattr(resources, "_WHEEL_DIR", wheel_dir)
    assert resource_path(SAMPLE_IMAGE) == wheel_dir / SAMPLE_IMAGE


@pytest.mark.parametrize("name", ["../pyproject.toml", "/etc/passwd", "icons/../../README.md"])
def test_names_outside_the_folder_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match="relative to the resources folder"):
        resource_path(name)


def test_missing_resource_names_the_file_and_the_folder() -> None:
    with pytest.raises(ResourceNotFoundError) as caught:
        resource_path("icons/no-such-icon.png")
    message = str(caught.value)
    assert "icons/no-such-icon.png" in message
    assert str(resources_dir()) in message
    assert isinstance(caught.value, FileNotFoundError)  # callers catching OSError see it
