"""load_image on synthetic files: every mode, orientation, ICC, frames, guards and errors."""

from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageCms, ImageOps

from colorseg_gui.engine.io.loading import (
    DEFAULT_MAX_PIXELS,
    SUPPORTED_EXTENSIONS,
    ImageLoadError,
    is_supported_path,
    load_image,
    picture_from_array,
)

RNG = np.random.default_rng(7)


def _rgb(h: int = 6, w: int = 9) -> np.ndarray:
    return RNG.integers(0, 256, size=(h, w, 3), dtype=np.uint8)


def _save(image: Image.Image, path: Path, fmt: str | None = None, **options: object) -> Path:
    image.save(path, fmt, **options)
    return path


def test_rgb_png_is_returned_exactly(tmp_path: Path) -> None:
    data = _rgb()
    pic = load_image(_save(Image.fromarray(data), tmp_path / "a.png"))
    assert pic.rgb.dtype == np.uint8 and pic.rgb.flags.c_contiguous
    np.testing.assert_array_equal(pic.rgb, data)
    assert pic.alpha is None
    assert (pic.width, pic.height, pic.format, pic.mode, pic.name) == (9, 6, "PNG", "RGB", "a.png")
    assert pic.notes == () and pic.n_frames == 1


def test_rgba_keeps_partial_alpha_and_as_array_stacks_it(tmp_path: Path) -> None:
    data = np.dstack([_rgb(), RNG.integers(0, 256, size=(6, 9), dtype=np.uint8)])
    data[0, 0, 3] = 0
    pic = load_image(_save(Image.fromarray(data), tmp_path / "a.png"))
    assert pic.alpha is not None
    np.testing.assert_array_equal(pic.alpha, data[:, :, 3])
    np.testing.assert_array_equal(pic.rgb, data[:, :, :3])
    np.testing.assert_array_equal(pic.as_array(), data)


def test_fully_opaque_alpha_is_dropped(tmp_path: Path) -> None:
    data = np.dstack([_rgb(), np.full((6, 9), 255, np.uint8)])
    pic = load_image(_save(Image.fromarray(data), tmp_path / "a.png"))
    assert pic.alpha is None
    assert pic.as_array().shape == (6, 9, 3)


def test_grey_and_bilevel_become_equal_channels(tmp_path: Path) -> None:
    grey = RNG.integers(0, 256, size=(5, 7), dtype=np.uint8)
    pic = load_image(_save(Image.fromarray(grey), tmp_path / "g.png"))
    for c in range(3):
        np.testing.assert_array_equal(pic.rgb[:, :, c], grey)
    bits = Image.fromarray(grey > 128)
    assert bits.mode == "1"
    pic = load_image(_save(bits, tmp_path / "b.png"))
    np.testing.assert_array_equal(pic.rgb[:, :, 0], np.where(grey > 128, 255, 0))


def test_la_splits_grey_and_alpha(tmp_path: Path) -> None:
    grey = RNG.integers(0, 256, size=(4, 4), dtype=np.uint8)
    alpha = np.array([[0, 50, 200, 255]] * 4, np.uint8)
    image = Image.merge("LA", [Image.fromarray(grey), Image.fromarray(alpha)])
    pic = load_image(_save(image, tmp_path / "la.png"))
    np.testing.assert_array_equal(pic.rgb[:, :, 1], grey)
    np.testing.assert_array_equal(pic.alpha, alpha)


def test_palette_with_transparent_index(tmp_path: Path) -> None:
    index = np.array([[0, 1, 2], [2, 1, 0]], np.uint8)
    image = Image.frombytes("P", (3, 2), index.tobytes())
    image.putpalette([10, 20, 30, 200, 100, 0, 0, 0, 255])
    pic = load_image(_save(image, tmp_path / "p.png", transparency=1))
    assert pic.alpha is not None
    np.testing.assert_array_equal(pic.alpha, np.where(index == 1, 0, 255))
    np.testing.assert_array_equal(pic.rgb[0, 0], [10, 20, 30])
    np.testing.assert_array_equal(pic.rgb[0, 2], [0, 0, 255])


def test_sixteen_bit_grey_is_scaled_not_clipped(tmp_path: Path) -> None:
    values = np.array([[0, 257, 32768, 65535]], np.uint16)
    pic = load_image(_save(Image.fromarray(values), tmp_path / "g16.png"))
    np.testing.assert_array_equal(pic.rgb[0, :, 0], [0, 1, 128, 255])
    assert any("16-bit" in n for n in pic.notes)


@pytest.mark.parametrize(
    ("values", "expected", "note"),
    [
        ([0.0, 0.5, 1.0], [0, 128, 255], "0..1 scaled"),
        ([0.0, 100.0, 255.0], [0, 100, 255], "used as 0..255"),
        ([-2.0, 0.0, 2.0], [0, 128, 255], "stretched"),
        ([np.nan, 0.0, 10.0], [0, 0, 10], "non-finite"),
    ],
)
def test_float_images_are_scaled_sensibly(
    tmp_path: Path, values: list[float], expected: list[int], note: str
) -> None:
    image = Image.fromarray(np.array([values], np.float32))
    assert image.mode == "F"
    pic = load_image(_save(image, tmp_path / "f.tiff"))
    np.testing.assert_array_equal(pic.rgb[0, :, 0], expected)
    assert any(note in n for n in pic.notes), pic.notes


def test_32_bit_integer_image(tmp_path: Path) -> None:
    image = Image.fromarray(np.array([[0, 1000, 70000]], np.int32))
    assert image.mode == "I"
    pic = load_image(_save(image, tmp_path / "i.tiff"))
    np.testing.assert_array_equal(pic.rgb[0, :, 0], [0, 4, 255])


def test_cmyk_jpeg_converts_to_rgb(tmp_path: Path) -> None:
    cmyk = Image.new("CMYK", (8, 8), (0, 255, 255, 0))  # pure red ink
    pic = load_image(_save(cmyk, tmp_path / "c.jpg", quality=100))
    r, g, b = (int(v) for v in pic.rgb[4, 4])
    assert r > 240 and g < 15 and b < 15
    assert any("CMYK" in n for n in pic.notes)


def _swapped_rg_profile() -> bytes:
    """sRGB with its red and green primaries swapped: a profile nobody can mistake."""
    data = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    tags = {bytes(data[132 + 12 * i : 136 + 12 * i]): 132 + 12 * i
            for i in range(int.from_bytes(data[128:132], "big"))}
    r, g = tags[b"rXYZ"], tags[b"gXYZ"]
    data[r + 4 : r + 8], data[g + 4 : g + 8] = data[g + 4 : g + 8], data[r + 4 : r + 8]
    return bytes(data.replace("sRGB".encode("utf-16-be"), "Swap".encode("utf-16-be")))


def test_embedded_icc_profile_is_converted_to_srgb(tmp_path: Path) -> None:
    data = np.zeros((4, 4, 3), np.uint8)
    data[..., 0] = 200
    path = _save(Image.fromarray(data), tmp_path / "icc.png", icc_profile=_swapped_rg_profile())
    pic = load_image(path)
    np.testing.assert_array_equal(pic.rgb[0, 0], [0, 200, 0])
    assert any("converted to sRGB" in n for n in pic.notes)


def test_srgb_profile_leaves_pixels_alone(tmp_path: Path) -> None:
    data = _rgb()
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    pic = load_image(_save(Image.fromarray(data), tmp_path / "s.png", icc_profile=srgb))
    np.testing.assert_array_equal(pic.rgb, data)


def test_broken_icc_profile_is_ignored_with_a_note(tmp_path: Path) -> None:
    data = _rgb()
    pic = load_image(_save(Image.fromarray(data), tmp_path / "b.png", icc_profile=b"junk" * 40))
    np.testing.assert_array_equal(pic.rgb, data)
    assert any("profile ignored" in n for n in pic.notes)


@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientation_matches_pillow_exif_transpose(tmp_path: Path, orientation: int) -> None:
    data = np.dstack([_rgb(4, 7), RNG.integers(0, 256, size=(4, 7), dtype=np.uint8)])
    image = Image.fromarray(data)
    exif = Image.Exif()
    exif[0x0112] = orientation
    path = _save(image, tmp_path / "o.png", exif=exif)
    expected = np.asarray(ImageOps.exif_transpose(Image.open(path)))
    pic = load_image(path)
    np.testing.assert_array_equal(pic.as_array(), expected)
    assert pic.rgb.flags.c_contiguous
    assert pic.alpha is not None and pic.alpha.flags.c_contiguous


def test_multi_frame_gif_gives_first_frame_and_says_so(tmp_path: Path) -> None:
    frames = [Image.new("RGB", (5, 5), c) for c in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    path = tmp_path / "anim.gif"
    frames[0].save(path, save_all=True, append_images=frames[1:])
    pic = load_image(path)
    assert pic.n_frames == 3 and "first of 3 frames" in pic.notes
    np.testing.assert_array_equal(pic.rgb[2, 2], [255, 0, 0])


def _png_header_only(path: Path, width: int, height: int) -> Path:
    """A PNG whose header declares a size and whose data never comes: the guard must not decode."""
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)  # a few bytes of a row: decoding would fail, or explode
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    path.write_bytes(png)
    return path


def test_pixel_limit_is_checked_before_decoding(tmp_path: Path) -> None:
    path = _png_header_only(tmp_path / "huge.png", 100_000, 50_000)
    with pytest.raises(ImageLoadError) as info:
        load_image(path)
    assert str(info.value) == (
        "huge.png: too large: 5.0 gigapixels (the limit is 200 megapixels)"
    )
    assert DEFAULT_MAX_PIXELS == 200_000_000


def test_pixel_limit_is_configurable(tmp_path: Path) -> None:
    path = _save(Image.fromarray(_rgb(10, 10)), tmp_path / "a.png")
    with pytest.raises(ImageLoadError, match="too large"):
        load_image(path, max_pixels=99)
    assert load_image(path, max_pixels=100).width == 10
    assert load_image(path, max_pixels=None).width == 10


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("missing.png", None, "no such file"),
        ("folder.png", "DIR", "is a folder"),
        ("e.png", b"", "empty file"),
        ("t.jpg", b"hello, world\n" * 20, "not an image (it is a text file)"),
        ("x.pdf", b"%PDF-1.4\n" + b"0" * 100, "PDF is not supported"),
        ("r.bin", bytes(range(256)), "not an image, or a format ColorSeg cannot read"),
        ("h.heic", b"\x00\x00\x00\x18ftypheic" + b"\x00" * 60, "HEIF/HEIC is not supported"),
    ],
)
def test_errors_are_one_line_and_name_the_file(
    tmp_path: Path, name: str, content: bytes | str | None, reason: str
) -> None:
    path = tmp_path / name
    if content == "DIR":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    with pytest.raises(ImageLoadError) as info:
        load_image(path)
    message = str(info.value)
    assert message.startswith(f"{name}: ") and "\n" not in message
    assert reason in info.value.reason
    assert info.value.path == path


def test_permission_denied_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _save(Image.fromarray(_rgb()), tmp_path / "locked.png")

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    # Running as root makes chmod useless, so the refusal is simulated at the open() call.
    monkeypatch.setattr("colorseg_gui.engine.io.loading.open", refuse, raising=False)
    with pytest.raises(ImageLoadError, match=r"locked\.png: permission denied"):
        load_image(path)


def test_truncated_png_is_reported_as_truncated(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    Image.fromarray(_rgb(64, 64)).save(buffer, "PNG")
    path = tmp_path / "cut.png"
    path.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
    with pytest.raises(ImageLoadError, match=r"cut\.png: truncated"):
        load_image(path)


def test_refused_formats_are_not_decoded(tmp_path: Path) -> None:
    path = tmp_path / "a.eps"
    path.write_bytes(b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n")
    with pytest.raises(ImageLoadError, match="EPS/PostScript is not supported"):
        load_image(path)


def test_picture_from_array() -> None:
    data = np.dstack([_rgb(), np.full((6, 9), 255, np.uint8)])
    data[0, 0, 3] = 10
    pic = picture_from_array(data)
    assert pic.name == "pasted image" and pic.path is None
    np.testing.assert_array_equal(pic.as_array(), data)
    assert picture_from_array(data[:, :, :3]).alpha is None
    with pytest.raises(ValueError):
        picture_from_array(np.zeros((2, 2), np.uint8))
    with pytest.raises(ImageLoadError, match="empty image"):
        picture_from_array(np.zeros((0, 3, 3), np.uint8))


def test_supported_extensions() -> None:
    for ext in (".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp", ".tif", ".tiff", ".avif",
                ".ico", ".tga", ".ppm", ".apng"):
        assert ext in SUPPORTED_EXTENSIONS
        assert is_supported_path(f"x/photo{ext.upper()}")
    for ext in (".eps", ".pdf", ".blp", ".txt"):
        assert not is_supported_path(f"a{ext}")


def test_spike_file_keeps_memory_low(shared_images: Path) -> None:
    """A 284-byte BLP makes a bare Pillow allocate 660 MiB; loading it must stay small."""
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the forking parent (pytest).
    code = (
        "import re, sys\n"
        "from colorseg_gui.engine.io.loading import load_image, ImageLoadError\n"
        "try:\n    load_image(sys.argv[1])\nexcept ImageLoadError as e:\n    print(e)\n"
        "status = open('/proc/self/status').read()\n"
        "print(int(re.search(r'VmHWM:\\s+(\\d+)', status)[1]) // 1024)\n"
    )
    target = shared_images / "blp_660MiB_spike.blp"
    out = subprocess.run([sys.executable, "-c", code, str(target)], capture_output=True,
                         text=True, check=True, timeout=120).stdout.splitlines()
    assert out[0] == "blp_660MiB_spike.blp: BLP game textures are not supported"
    assert int(out[1]) < 200, f"peak RSS {out[1]} MiB"


def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    with pytest.raises(ImageLoadError, match=r"pipe\.png: not a regular file"):
        load_image(fifo)


@pytest.mark.parametrize("mode", ["RGB", "L", "RGBA"])
def test_strip_conversion_equals_asarray(monkeypatch: pytest.MonkeyPatch, mode: str) -> None:
    from colorseg_gui.engine.io import pixel_modes

    bands = len(mode)
    data = RNG.integers(0, 256, size=(37, 23, bands), dtype=np.uint8)
    image = Image.fromarray(data[:, :, 0] if bands == 1 else data)
    monkeypatch.setattr(pixel_modes, "_DIRECT_BYTES", 0)
    monkeypatch.setattr(pixel_modes, "_STRIP_BYTES", 23 * bands * 5)  # 5 rows per strip
    np.testing.assert_array_equal(pixel_modes.image_to_array(image), np.asarray(image))


def test_rarer_modes_convert_to_srgb_and_alpha() -> None:
    from colorseg_gui.engine.io.pixel_modes import to_rgb_alpha

    rgba = Image.new("RGBA", (4, 3), (200, 100, 50, 128))
    cases: dict[str, Image.Image | None] = {
        "RGBa": rgba.convert("RGBa"),
        "La": rgba.convert("LA").convert("La"),
        "PA": rgba.convert("P").convert("PA"),
        "YCbCr": rgba.convert("RGB").convert("YCbCr"),
        "HSV": rgba.convert("RGB").convert("HSV"),
    }
    transform = ImageCms.buildTransform(ImageCms.createProfile("sRGB"),
                                        ImageCms.createProfile("LAB"), "RGB", "LAB")
    cases["LAB"] = ImageCms.applyTransform(rgba.convert("RGB"), transform)  # real CIELAB values
    grey = int(np.asarray(rgba.convert("L"))[0, 0])
    for mode, image in cases.items():
        assert image is not None and image.mode == mode
        notes: list[str] = []
        rgb, alpha = to_rgb_alpha(image, notes)
        expected = [grey] * 3 if mode == "La" else [200, 100, 50]
        assert np.abs(rgb[0, 0].astype(int) - expected).max() <= 2, (mode, rgb[0, 0])
        if mode in ("RGBa", "La", "PA"):
            assert alpha is not None and abs(int(alpha[0, 0]) - 128) <= 1, mode
        else:
            assert alpha is None and not any("profile" in n for n in notes), (mode, notes)


@pytest.mark.parametrize(
    ("exc", "reason"),
    [
        (MemoryError(), "not enough memory to decode it (9 x 6)"),
        (SyntaxError("broken chunk"), "damaged PNG image data (broken chunk)"),
        (ValueError("unexpected end of row"), "damaged PNG image data (unexpected end of row)"),
        (OSError("decoder error -2 when reading image file"),
         "damaged PNG image: its pixel data is corrupt"),
        (OSError("could not create decoder object"), "PNG file that ColorSeg cannot decode"),
        (OSError(22, "Invalid argument"), "it points to data that is not in the file"),
        (OSError(5, "Input/output error"), "read error (the disk or network share failed)"),
        (struct.error("unpack requires a buffer"), "damaged PNG image data"),
        (EOFError(), "truncated"),
        (OSError("image file is truncated (3 bytes not processed)"), "truncated"),
        (NotImplementedError("unsupported pixel format"), "PNG variant not supported"),
        (Image.DecompressionBombError("bomb"), "too large"),
        (ZeroDivisionError("division by zero"), "could not decode it (ZeroDivisionError"),
    ],
)
def test_every_decoder_exception_becomes_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exc: BaseException, reason: str
) -> None:
    path = _save(Image.fromarray(_rgb()), tmp_path / "a.png")

    def fail(*_args: object) -> None:
        raise exc

    monkeypatch.setattr("colorseg_gui.engine.io.loading.to_rgb_alpha", fail)
    with pytest.raises(ImageLoadError) as info:
        load_image(path)
    assert reason in info.value.reason
    assert str(info.value).startswith("a.png: ") and "\n" not in str(info.value)


def test_cursor_and_xpm_files_open(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    Image.new("RGBA", (32, 32), (10, 200, 30, 255)).save(buffer, "ICO", sizes=[(32, 32)],
                                                         bitmap_format="bmp")
    cursor = bytearray(buffer.getvalue())
    cursor[2] = 2  # an ICO with type 2 and a hotspot is a Windows cursor
    struct.pack_into("<HH", cursor, 10, 3, 5)
    cur = load_image(_write_bytes(tmp_path / "pointer.cur", bytes(cursor)))
    assert (cur.format, cur.width, tuple(cur.rgb[0, 0])) == ("CUR", 32, (10, 200, 30))
    xpm_text = (
        '/* XPM */\nstatic char *icon[] = {\n"4 2 2 1",\n"a c #FF0000",\n"b c #0000FF",\n'
        '"abab",\n"baba"\n};\n'
    )
    xpm = load_image(_write_bytes(tmp_path / "icon.xpm", xpm_text.encode()))
    assert xpm.format == "XPM" and (xpm.width, xpm.height) == (4, 2)
    assert tuple(xpm.rgb[0, 0]) == (255, 0, 0) and tuple(xpm.rgb[0, 1]) == (0, 0, 255)
    assert is_supported_path("pointer.cur") and is_supported_path("icon.xpm")


def test_photoshop_file_opens_at_its_merged_image(shared_images: Path) -> None:
    picture = load_image(shared_images / "photo_hopper.psd")
    with Image.open(shared_images / "photo_hopper.psd") as im:
        expected = np.asarray(im.convert("RGB"))  # Pillow's first frame: the composite
    assert (picture.format, picture.width, picture.height) == ("PSD", 128, 128)
    np.testing.assert_array_equal(picture.rgb, expected)
    assert picture.notes == ("the merged image of 2 layers",)


def _write_bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
