"""Copy the source tree as a clean checkout would have it (no build/, dist/, caches, venvs)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
_IGNORED = shutil.ignore_patterns(
    ".git", "build", "dist", ".venv", "venv", "__pycache__", "*.egg-info", ".*_cache",
    ".hypothesis",
)


def tracked_files(root: Path = REPO_ROOT) -> list[Path] | None:
    """Files git tracks or would add (untracked but not ignored); None outside a git work tree."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=root, capture_output=True, check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    names = [name for name in listed.decode("utf-8").split("\0") if name]
    return [Path(name) for name in names if (root / name).is_file()]


def copy_tree(target: Path, root: Path = REPO_ROOT) -> Path:
    """Copy the tree at `root` into `target` (created) and return `target`."""
    files = tracked_files(root)
    if files is None:
        shutil.copytree(root, target, ignore=_IGNORED)
        return target
    for rel in files:
        destination = target / rel
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / rel, destination)
    return target
