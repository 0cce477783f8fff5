"""No file drives the loader past a memory budget that follows from the image it shows.

Each file is loaded in a fresh interpreter that reports its peak RSS (VmHWM: Linux carries
ru_maxrss over from the forking parent) before and after the load, and what it printed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hostile_files import write_hostile
from PIL import Image

# Budget over the interpreter's own peak after importing the loader: a small factor of the
# pixels finally shown (Pillow's decoded image, our RGB array and alpha, one conversion copy)
# plus a fixed allowance for the decoder's own buffers.
BYTES_PER_PIXEL = 16
ALLOWANCE_MIB = 64

_CHILD = r"""
import json, re, sys
def peak_mib():
    return int(re.search(r"VmHWM:\s+(\d+)", open("/proc/self/status").read())[1]) // 1024
from colorseg_gui.engine.io.loading import ImageLoadError, load_image
before = peak_mib()
try:
    picture = load_image(sys.argv[1])
    said, pixels = "ok", picture.width * picture.height
except ImageLoadError as exc:
    said, pixels = str(exc), 0
print(json.dumps({"said": said, "pixels": pixels, "grew": peak_mib() - before}))
"""


def _load_in_child(path: Path) -> tuple[str, float, float, str]:
    """(what load_image said, peak growth in MiB, budget in MiB, stderr) for one file."""
    done = subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True,
                          text=True, timeout=120, check=True)
    result = json.loads(done.stdout)
    budget = result["pixels"] * BYTES_PER_PIXEL / 2**20 + ALLOWANCE_MIB
    return str(result["said"]), float(result["grew"]), budget, done.stderr


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_hostile(tmp_path_factory.mktemp("hostile"))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("icns_jp2_260gpx.icns", "too large: 260.1 gigapixels"),
        ("ico_png_3600mpx.ico", "too large: 3.6 gigapixels"),
        ("j2k_10gpx.j2k", "too large: 10.0 gigapixels"),
        ("jp2_box_4gib.jp2", "damaged JPEG 2000"),
        ("tiff_tile_4gpx.tif", "TIFF"),
        ("tiff_page2_10gpx.tif", "ok"),  # only the first page is decoded
        ("icns_jp2_150mpx.icns", "ICNS"),  # under the limit: decoded, and its data is fake
    ],
)
def test_hostile_files_stay_in_budget(
    hostile: dict[str, Path], name: str, expected: str
) -> None:
    said, grew, budget, stderr = _load_in_child(hostile[name])
    assert expected in said, said
    if said != "ok":
        assert said.startswith(f"{name}: ") and "\n" not in said
    assert grew <= budget, f"{name}: peak grew {grew} MiB, budget {budget:.0f} MiB"
    assert stderr == ""


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("blp_660MiB_spike.blp", "blp_660MiB_spike.blp: BLP game textures are not supported"),
        ("bomb_4gpx_44bytes.gif",
         "bomb_4gpx_44bytes.gif: too large: 4.4 gigapixels (the limit is 200 megapixels)"),
        ("photo_hopper.psd", "ok"),
    ],
)
def test_shared_spikes_stay_in_budget(shared_images: Path, name: str, expected: str) -> None:
    said, grew, budget, stderr = _load_in_child(shared_images / name)
    assert said == expected
    assert grew <= budget, f"{name}: peak grew {grew} MiB, budget {budget:.0f} MiB"
    assert stderr == ""


def _large_file(folder: Path, kind: str) -> Path:
    """A 6-megapixel file of one of the modes whose conversion costs the most."""
    rng = np.random.default_rng(0)
    height, width = 2000, 3000
    if kind == "float":
        path = folder / "float.tiff"
        values = rng.random((height, width), dtype=np.float32) * 3 - 1
        Image.fromarray(values, "F").save(path)
    elif kind == "grey16":
        path = folder / "grey16.png"
        Image.fromarray(rng.integers(0, 65535, (height, width), dtype=np.uint16)).save(path)
    else:
        rgba = rng.integers(0, 255, (height, width, 4), dtype=np.uint8)
        path = folder / f"{kind}.png"
        if kind == "rgba":
            Image.fromarray(rgba, "RGBA").save(path, compress_level=1)
        else:  # a palette image with one transparent index
            palette = Image.fromarray(rgba[:, :, :3]).convert("P")
            palette.save(path, compress_level=1, transparency=3)
    return path


@pytest.mark.parametrize("kind", ["float", "grey16", "rgba", "palette"])
def test_mode_conversions_stay_in_budget(tmp_path: Path, kind: str) -> None:
    said, grew, budget, stderr = _load_in_child(_large_file(tmp_path, kind))
    assert said == "ok"
    assert grew <= budget, f"{kind}: peak grew {grew} MiB, budget {budget:.0f} MiB"
    assert stderr == ""
