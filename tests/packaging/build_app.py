"""Build the double-clickable app: dist/ColorSeg/ (PyInstaller onedir) and its tar.xz archive.

    python tests/packaging/build_app.py [--dist DIR] [--work DIR] [--no-archive]

Prints the build time, the folder's size on disk and the archive's size.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "build_installer.spec"
APP_NAME = "ColorSeg"


def project_version(root: Path = ROOT) -> str:
    with open(root / "pyproject.toml", "rb") as fh:
        return str(tomllib.load(fh)["project"]["version"])


def archive_name(version: str) -> str:
    system = {"win32": "windows", "darwin": "macos"}.get(sys.platform, sys.platform)
    return f"{APP_NAME}-{version}-{system}-{platform.machine().lower()}.tar.xz"


def disk_usage(folder: Path) -> int:
    """Bytes the folder takes on disk (allocated blocks, like `du`), links not followed."""
    total = 0
    for path in [folder, *folder.rglob("*")]:
        st = path.lstat()
        total += getattr(st, "st_blocks", 0) * 512 or st.st_size
    return total


def build(dist: Path, work: Path) -> float:
    """Run PyInstaller on the spec; returns the seconds it took."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "PyInstaller", str(SPEC), "--noconfirm", "--clean",
         "--distpath", str(dist), "--workpath", str(work), "--log-level", "WARN"],
        cwd=ROOT, check=True,
    )
    return time.perf_counter() - started


def make_archive(folder: Path, target: Path) -> Path:
    """tar.xz of `folder` (kept as its top directory, symlinks kept as links)."""
    partial = target.with_name(target.name + ".part")
    tar, xz = shutil.which("tar"), shutil.which("xz")
    if tar and xz:  # xz -T0 compresses on every core; Python's lzma uses one
        with open(partial, "wb") as out:
            producer = subprocess.Popen(
                [tar, "-C", str(folder.parent), "-cf", "-", folder.name], stdout=subprocess.PIPE
            )
            assert producer.stdout is not None
            compressed = subprocess.run([xz, "-6", "-T0", "-c"], stdin=producer.stdout, stdout=out)
            producer.stdout.close()
            if producer.wait() != 0 or compressed.returncode != 0:
                partial.unlink(missing_ok=True)
                raise RuntimeError(f"tar | xz failed for {folder}")
    else:
        with tarfile.open(partial, "w:xz", preset=6) as archive:
            archive.add(folder, arcname=folder.name)
    os.replace(partial, target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder")
    parser.add_argument("--work", type=Path, default=ROOT / "build", help="PyInstaller work folder")
    parser.add_argument("--no-archive", action="store_true", help="skip the tar.xz")
    args = parser.parse_args(argv)
    dist, work = args.dist.resolve(), args.work.resolve()
    seconds = build(dist, work)
    app = dist / APP_NAME
    print(f"built {app} in {seconds:.0f} s; {disk_usage(app) / 1e6:.1f} MB on disk")
    if not args.no_archive:
        started = time.perf_counter()
        archive = make_archive(app, dist / archive_name(project_version()))
        print(
            f"archived {archive} ({archive.stat().st_size / 1e6:.1f} MB) "
            f"in {time.perf_counter() - started:.0f} s"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
