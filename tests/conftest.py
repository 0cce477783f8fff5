"""Suite-wide set-up: Qt runs offscreen, and the shared test images are found, not guessed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Must happen before any QApplication exists (pytest-qt creates it lazily in qapp).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO_ROOT = Path(__file__).resolve().parent.parent


def _shared_dir() -> Path | None:
    override = os.environ.get("COLORSEG_SHARED")
    candidates = [Path(override)] if override else []
    candidates.append(REPO_ROOT.parent / "shared")
    for candidate in candidates:
        if (candidate / "images" / "MANIFEST.tsv").is_file():
            return candidate
    return None


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The shared/ folder laid beside the checkout (CI lays a copy there too)."""
    found = _shared_dir()
    if found is None:
        pytest.fail(
            f"shared test data not found beside {REPO_ROOT} (set COLORSEG_SHARED to its path)"
        )
    return found


@pytest.fixture(scope="session")
def shared_images(shared_dir: Path) -> Path:
    return shared_dir / "images"


@pytest.fixture(scope="session")
def shared_photos(shared_dir: Path) -> Path:
    return shared_dir / "photos"


@pytest.fixture(scope="session")
def sample_image_path() -> Path:
    return REPO_ROOT / "resources" / "sample_kodim23.png"
