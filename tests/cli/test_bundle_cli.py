"""`colorseg --bundle`: the maker bundle of a photo, as a folder and as a .zip, as one unit.

Run as a real process: the legend starts its own offscreen QGuiApplication, which must not
be the one the GUI tests of this session later find.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import numpy as np
import pytest
from batch_helpers import cli, json_lines, leftovers
from PIL import Image

from colorseg_gui.engine import file_sha256, read_palette, read_session

K = 6
PHOTO = "Autumn_2560x1600.jpg"


@pytest.fixture
def photo(tmp_path: Path, shared_photos: Path) -> Path:
    target = tmp_path / "in" / PHOTO
    target.parent.mkdir()
    shutil.copy(shared_photos / PHOTO, target)
    return target


def rendered_legend(pdf: Path, out: Path) -> np.ndarray:
    """The legend's page as pixels, through poppler (what a reader or a print shop sees)."""
    assert shutil.which("pdftoppm"), "pdftoppm missing: install poppler-utils (.ci list)"
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-singlefile", str(pdf), str(out)],
                   check=True, capture_output=True, timeout=60)
    with Image.open(out.with_suffix(".png")) as page:
        return np.asarray(page.convert("RGB"))


def check_bundle(folder: Path, stem: str, k: int, tmp_path: Path) -> None:
    """Every file opens; masks partition the image; palettes read back; the legend renders."""
    with Image.open(folder / f"{stem}_cluster{k}.png") as result:
        pixels = np.asarray(result.convert("RGB"))
        assert "colorseg:recipe" in result.info
    height, width = pixels.shape[:2]
    with Image.open(folder / f"{stem}_cluster{k}_indexed.png") as indexed:
        assert indexed.mode == "P" and indexed.size == (width, height)
        assert np.array_equal(np.asarray(indexed.convert("RGB")), pixels)
    with Image.open(folder / f"{stem}_labels.png") as labels:
        assert labels.mode == "L"
        label_map = np.asarray(labels)
    assert set(np.unique(label_map)) <= set(range(k))
    masks = sorted((folder / "masks").glob("*.png"))
    assert len(masks) == k
    for number, mask_file in enumerate(masks):
        with Image.open(mask_file) as mask:
            assert np.array_equal(np.asarray(mask.convert("L")) > 0, label_map == number)
    palettes = sorted(folder.glob(f"{stem}_palette.*"))
    assert {p.suffix for p in palettes} == {".gpl", ".json", ".css", ".txt", ".ase"}
    colours = {tuple(c) for c in pixels.reshape(-1, 3)}
    for palette in palettes:
        if palette.suffix == ".css":
            assert palette.read_text().count("--colorseg-") == k
            continue
        read = read_palette(palette)
        assert len(read) == k and {tuple(c) for c in read.colors} == colours
    session = read_session(folder / f"{stem}.colorseg")  # the window opens and replays it
    assert session.run.settings["k"] == k and len(session.run.palette) == k
    assert session.image_sha256 == file_sha256(session.image_path)
    page = rendered_legend(folder / f"{stem}_legend.pdf", tmp_path / "page")
    assert page.shape[0] > page.shape[1] > 350  # one A4 page, portrait
    assert page.std() > 20 and len(np.unique(page.reshape(-1, 3), axis=0)) > 50  # not blank


def test_bundle_of_a_photo_opens_everywhere(photo: Path, tmp_path: Path) -> None:
    out = tmp_path / "bundle"
    done = cli(photo, "-k", K, "--bundle", out, "--json", "--print-width", "20")
    assert done.returncode == 0, done.stderr
    record = json_lines(done.stdout)[0]
    assert record["bundle"] == str(out) and record["k"] == K
    assert len(record["bundle_files"]) == sum(1 for p in out.rglob("*") if p.is_file())
    check_bundle(out, photo.stem, K, tmp_path)
    assert sorted(p.name for p in photo.parent.iterdir()) == [PHOTO]  # nothing beside it
    assert leftovers(tmp_path) == []


def test_an_existing_bundle_is_replaced_only_with_force(photo: Path, tmp_path: Path) -> None:
    out = tmp_path / "bundle"
    assert cli(photo, "-k", K, "--bundle", out, "-q").returncode == 0
    legend = out / f"{photo.stem}_legend.pdf"
    legend.write_bytes(b"the user's own notes")
    mine = out / "notes.txt"
    mine.write_text("keep")
    refused = cli(photo, "-k", K, "--bundle", out, "-q")
    assert refused.returncode == 1
    line, = refused.stderr.splitlines()
    assert str(photo) in line and "already exists" in line and "--force" in line
    assert legend.read_bytes() == b"the user's own notes"
    forced = cli(photo, "-k", K, "--bundle", out, "-q", "--force")
    assert forced.returncode == 0, forced.stderr
    assert legend.read_bytes().startswith(b"%PDF") and mine.read_text() == "keep"
    assert leftovers(tmp_path) == []


def test_zip_bundle(photo: Path, tmp_path: Path) -> None:
    target = tmp_path / "for-the-shop.zip"
    done = cli(photo, "-k", K, "--bundle", target, "-q")
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
        assert all(name.startswith("for-the-shop/") for name in names)
        archive.extractall(tmp_path / "unzipped")
    check_bundle(tmp_path / "unzipped" / "for-the-shop", photo.stem, K, tmp_path)
    again = cli(photo, "-k", K, "--bundle", target, "-q")
    assert again.returncode == 1 and "already exists" in again.stderr
    assert leftovers(tmp_path) == []


def test_several_inputs_get_a_bundle_each(photo: Path, tmp_path: Path) -> None:
    small = photo.with_name("small.png")
    with Image.open(photo) as image:
        image.reduce(8).save(small)
    out = tmp_path / "bundles"
    done = cli(photo, small, "-k", 4, "--bundle", out, "--zip", "-q")
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted([f"{photo.stem}.zip", "small.zip"])
    one_zip = cli(photo, small, "-k", 4, "--bundle", tmp_path / "one.zip")
    assert one_zip.returncode == 2 and "several inputs" in one_zip.stderr


def test_bundle_usage_errors_are_one_line(photo: Path, tmp_path: Path) -> None:
    for argv, words in [(["--zip"], "--zip goes with --bundle"),
                        (["--bundle", tmp_path / "b", "--indexed"], "leave out --indexed"),
                        (["--bundle", tmp_path / "b", "-o", tmp_path / "x.png"], "not allowed")]:
        done = cli(photo, "-k", 3, *argv)
        assert done.returncode == 2 and words in done.stderr.splitlines()[-1]
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    done = cli(photo, "-k", 3, "--bundle", a_file, "-q")
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"colorseg: error: {photo}: cannot write {a_file}: is a file, not a folder; choose a "
        "folder name or a .zip"]
