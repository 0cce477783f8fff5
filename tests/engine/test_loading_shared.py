"""Every file of ../shared/images through load -> segment -> save, or its clear error."""

from __future__ import annotations

import csv
import os
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageOps

from colorseg_gui.engine.cluster.histogram import build_histogram
from colorseg_gui.engine.cluster.kmeans import iter_kmeans
from colorseg_gui.engine.io.loading import ImageLoadError, Picture, load_image
from colorseg_gui.engine.io.writers import save_image
from colorseg_gui.engine.render import render_segmented

# What load_image must say about each file Pillow cannot (or must not) decode.
EXPECTED_ERRORS = {
    "apng_syntaxerror.png": "damaged PNG image data",
    "badcrc_ihdr.png": "damaged PNG",
    "blp_660MiB_spike.blp": "BLP game textures are not supported",
    "bomb_4gpx_44bytes.gif": "too large: 4.4 gigapixels (the limit is 200 megapixels)",
    "dds_notimplemented.dds": "DDS variant not supported",
    "empty_0bytes.png": "empty file",
    "eps_needs_ghostscript.eps": "EPS/PostScript is not supported",
    "float32_rgb_unsupported.tiff": "TIFF variant not supported (32-bit floating-point colour)",
    "heif_unsupported.heif": "HEIF/HEIC is not supported",
    "text_renamed.png": "not an image",
    "truncated.jpg": "truncated JPEG file",
    "truncated.png": "truncated PNG file",
}
# Files whose alpha channel really has transparent pixels (opaque alpha is dropped).
WITH_ALPHA = {"rgba_alpha.png", "la_gray_alpha.png", "palette_trns.png", "ico_3sizes.ico",
              "webp_animated_6frames.webp"}
GREY = {"gray_8bit.jpg", "gray16_I16.png", "la_gray_alpha.png", "bilevel_1bit.png",
        "badcrc_idat.png", "float32_F.tiff"}


def _manifest_rows() -> list[dict[str, str]]:
    # Parameters are collected before fixtures exist, so this mirrors conftest's lookup
    # (COLORSEG_SHARED, else ../shared beside the checkout). When the folder is missing a
    # placeholder row runs and fails through the shared_images fixture: never a skip.
    override = os.environ.get("COLORSEG_SHARED")
    candidates = [Path(override)] if override else []
    candidates.append(Path(__file__).resolve().parents[3] / "shared")
    found = [c / "images" / "MANIFEST.tsv" for c in candidates
             if (c / "images" / "MANIFEST.tsv").is_file()]
    if not found:
        return [{"file": "<shared images missing>", "pillow_outcome": "ok", "notes": ""}]
    manifest = found[0]
    with open(manifest, newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


ROWS = _manifest_rows()


def test_manifest_matches_folder(shared_images: Path) -> None:
    listed = {row["file"] for row in ROWS}
    present = {p.name for p in shared_images.iterdir() if p.name != "MANIFEST.tsv"}
    assert listed == present
    failing = {row["file"] for row in ROWS if row["pillow_outcome"] != "ok"}
    # Every file Pillow fails on has a specific expected message (BLP fails only on load,
    # which we never attempt).
    assert failing <= set(EXPECTED_ERRORS)


def _expected_size(row: dict[str, str]) -> tuple[int, int]:
    match = re.search(r"(\d+)x(\d+)", row["notes"])
    assert match, row["notes"]
    width, height = int(match[1]), int(match[2])
    orientation = re.search(r"EXIF orientation (\d)", row["notes"])
    if orientation and int(orientation[1]) in (5, 6, 7, 8):
        width, height = height, width
    return width, height


def _check_picture(pic: Picture, row: dict[str, str], path: Path) -> None:
    name = row["file"]
    assert (pic.width, pic.height) == _expected_size(row)
    assert pic.rgb.dtype == np.uint8 and pic.rgb.shape == (pic.height, pic.width, 3)
    assert pic.rgb.flags.c_contiguous
    if name in WITH_ALPHA:
        assert pic.alpha is not None and pic.alpha.shape == (pic.height, pic.width)
        assert pic.alpha.min() < 255
    else:
        assert pic.alpha is None
    if name in GREY:
        assert (pic.rgb[..., 0] == pic.rgb[..., 1]).all()
        assert (pic.rgb[..., 1] == pic.rgb[..., 2]).all()
    frames = re.search(r"(\d+) frames", row["notes"])
    if frames:
        assert pic.n_frames == int(frames[1])
        assert f"first of {frames[1]} frames" in pic.notes
    with Image.open(path) as im:
        if "EXIF orientation" in row["notes"]:
            expected = np.asarray(ImageOps.exif_transpose(im).convert("RGB"))
            np.testing.assert_array_equal(pic.rgb, expected)
        elif im.mode in ("RGB", "L", "CMYK", "P") and not im.info.get("icc_profile") \
                and name not in WITH_ALPHA:
            np.testing.assert_array_equal(pic.rgb, np.asarray(im.convert("RGB")))
        elif im.mode in ("RGBA", "LA", "P") and name in WITH_ALPHA:
            rgba = np.asarray(im.convert("RGBA"))
            np.testing.assert_array_equal(pic.alpha, rgba[..., 3])
    if name == "gray16_I16.png":
        with Image.open(path) as im:
            raw = np.asarray(im).astype(np.uint32)
        np.testing.assert_array_equal(pic.rgb[..., 0], (raw * 255 + 32767) // 65535)
    if name == "rgb48_16bit.png":
        assert "16 bits per channel reduced to 8 bits" in pic.notes
    if name == "bilevel_1bit.png":
        assert set(np.unique(pic.rgb)) <= {0, 255}
    if name == "float32_F.tiff":
        assert pic.rgb.min() == 0 and pic.rgb.max() == 255


@pytest.mark.parametrize("row", ROWS, ids=[row["file"] for row in ROWS])
def test_shared_image(row: dict[str, str], shared_images: Path, tmp_path: Path) -> None:
    name = row["file"]
    path = shared_images / name
    if name in EXPECTED_ERRORS:
        with pytest.raises(ImageLoadError) as info:
            load_image(path)
        message = str(info.value)
        assert message.startswith(f"{name}: ") and "\n" not in message
        assert EXPECTED_ERRORS[name] in info.value.reason, message
        return
    pic = load_image(path)
    _check_picture(pic, row, path)

    hist = build_histogram(pic.rgb, pic.alpha)
    steps = list(iter_kmeans(hist, 4, seed=1, max_iter=50))
    final = steps[-1]
    assert final.final
    out = render_segmented(hist, final.palette, final.labels)
    written = save_image(out, tmp_path / f"{Path(name).stem}_cluster4.png")
    with Image.open(written) as im:
        back = np.asarray(im)
    assert back.shape == (pic.height, pic.width, 4 if pic.alpha is not None else 3)
    np.testing.assert_array_equal(back, out)
    rgb = back[..., :3].astype(np.uint32)
    codes = (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]
    assert len(np.unique(codes)) <= 4
    if pic.alpha is not None:
        np.testing.assert_array_equal(back[..., 3], pic.alpha)  # transparency kept
