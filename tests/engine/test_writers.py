"""Writers: every image format read back, indexed PNG, label map, masks, atomicity, errors."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from colorseg_gui.engine.io import writers
from colorseg_gui.engine.io.writers import (
    ExportError,
    atomic_write,
    default_output_name,
    save_image,
    save_indexed_png,
    save_label_map,
    save_masks,
)

RNG = np.random.default_rng(11)


def _segmented(h: int = 12, w: int = 17, k: int = 5) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    labels = RNG.integers(0, k, size=(h, w)).astype(np.uint8)
    palette = RNG.integers(0, 256, size=(k, 3)).astype(np.uint8)
    return labels, palette, palette[labels]


def test_default_output_name() -> None:
    assert default_output_name("/a/b/photo.jpg", 8) == Path("/a/b/photo_cluster8.png")
    assert default_output_name(Path("x.y.tiff"), 3, ".webp") == Path("x.y_cluster3.webp")


@pytest.mark.parametrize("ext", [".png", ".webp", ".tif", ".tiff"])
def test_lossless_formats_round_trip_with_alpha(tmp_path: Path, ext: str) -> None:
    _, _, rgb = _segmented()
    alpha = RNG.integers(0, 256, size=rgb.shape[:2]).astype(np.uint8)
    rgba = np.dstack([rgb, alpha])
    path = save_image(rgba, tmp_path / f"out{ext}")
    with Image.open(path) as im:
        assert im.mode == "RGBA"
        back = np.asarray(im)
    np.testing.assert_array_equal(back[..., 3], alpha)
    visible = alpha > 0  # WebP may drop the colour of fully transparent pixels
    np.testing.assert_array_equal(back[..., :3][visible], rgb[visible])


@pytest.mark.parametrize("ext", [".png", ".webp", ".tiff", ".jpg"])
def test_rgb_round_trip(tmp_path: Path, ext: str) -> None:
    rgb = np.zeros((16, 16, 3), np.uint8)
    rgb[:8] = (200, 30, 40)
    rgb[8:] = (20, 90, 240)
    path = save_image(rgb, tmp_path / f"out{ext}", quality=95)
    with Image.open(path) as im:
        assert im.mode == "RGB"
        back = np.asarray(im).astype(int)
    tolerance = 6 if ext == ".jpg" else 0
    assert np.abs(back - rgb).max() <= tolerance


def test_jpeg_composites_transparency_on_white(tmp_path: Path) -> None:
    rgba = np.zeros((8, 8, 4), np.uint8)
    rgba[..., :3] = (0, 0, 0)
    rgba[:, :4, 3] = 0  # transparent black -> white
    rgba[:, 4:, 3] = 255  # opaque black stays black
    path = save_image(rgba, tmp_path / "flat.jpeg", quality=100)
    with Image.open(path) as im:
        back = np.asarray(im).astype(int)
    assert back[:, :3].min() >= 250 and back[:, 5:].max() <= 5


def test_jpeg_quality_changes_the_file(tmp_path: Path) -> None:
    rgb = RNG.integers(0, 256, size=(64, 64, 3)).astype(np.uint8)
    low = save_image(rgb, tmp_path / "low.jpg", quality=20).stat().st_size
    high = save_image(rgb, tmp_path / "high.jpg", quality=95).stat().st_size
    assert low < high


def test_unknown_extension_is_an_export_error(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match=r"unknown image type \.bmpx"):
        save_image(np.zeros((2, 2, 3), np.uint8), tmp_path / "a.bmpx")


@pytest.mark.parametrize("k", [1, 2, 3, 5, 16, 17, 256])
def test_indexed_png_holds_exactly_the_k_colours(tmp_path: Path, k: int) -> None:
    labels, palette, rgb = _segmented(20, 20, k)
    labels.flat[:k] = np.arange(k)  # every cluster used at least once
    rgb = palette[labels]
    path = save_indexed_png(labels, palette, tmp_path / "idx.png")
    with Image.open(path) as im:
        assert im.mode == "P"
        assert len(im.getpalette() or []) // 3 == k
        assert "transparency" not in im.info
        np.testing.assert_array_equal(np.asarray(im.convert("RGB")), rgb)
        assert len(im.convert("RGB").getcolors(maxcolors=1 << 24) or []) <= k


def test_indexed_png_with_binary_alpha_uses_trns(tmp_path: Path) -> None:
    labels, palette, rgb = _segmented(10, 10, 4)
    alpha = np.where(RNG.random((10, 10)) < 0.3, 0, 255).astype(np.uint8)
    path = save_indexed_png(labels, palette, tmp_path / "idx.png", alpha=alpha)
    with Image.open(path) as im:
        assert im.mode == "P" and "transparency" in im.info
        back = np.asarray(im.convert("RGBA"))
        entries = len(im.getpalette() or []) // 3
    np.testing.assert_array_equal(back[..., 3], alpha)
    np.testing.assert_array_equal(back[..., :3], rgb)
    assert len({tuple(c) for c in back[..., :3].reshape(-1, 3)}) <= 4
    assert entries == len(np.unique(labels.astype(int) * 256 + alpha))  # one per colour+alpha


def test_indexed_png_keeps_partial_alpha_when_it_fits(tmp_path: Path) -> None:
    labels, palette, rgb = _segmented(8, 8, 3)
    alpha = RNG.choice(np.array([0, 60, 128, 255], np.uint8), size=(8, 8))
    path = save_indexed_png(labels, palette, tmp_path / "idx.png", alpha=alpha)
    with Image.open(path) as im:
        back = np.asarray(im.convert("RGBA"))
    np.testing.assert_array_equal(back[..., 3], alpha)
    np.testing.assert_array_equal(back[..., :3], rgb)


def test_indexed_png_rounds_alpha_when_too_many_levels(tmp_path: Path) -> None:
    labels, palette, rgb = _segmented(64, 64, 8)
    alpha = RNG.integers(0, 256, size=(64, 64)).astype(np.uint8)
    alpha[0, :2] = (0, 255)
    notes: list[str] = []
    path = save_indexed_png(labels, palette, tmp_path / "idx.png", alpha=alpha, notes=notes)
    with Image.open(path) as im:
        back = np.asarray(im.convert("RGBA"))
        assert len(im.getpalette() or []) // 3 <= 256
    assert notes == ["indexed PNG: transparency rounded to 32 levels"]
    assert np.abs(back[..., 3].astype(int) - alpha).max() <= 255 / 31 / 2 + 0.5
    assert tuple(back[0, :2, 3]) == (0, 255)
    assert len(np.unique(back[..., 3])) <= 32
    np.testing.assert_array_equal(back[..., :3], rgb)


def test_indexed_png_many_colours_share_one_transparent_entry(tmp_path: Path) -> None:
    k = 200
    labels = (np.arange(400) % k).astype(np.uint8).reshape(20, 20)
    palette = RNG.integers(0, 256, size=(k, 3)).astype(np.uint8)
    alpha = np.full((20, 20), 255, np.uint8)
    alpha[::2] = RNG.integers(0, 256, size=(10, 20))
    notes: list[str] = []
    path = save_indexed_png(labels, palette, tmp_path / "idx.png", alpha=alpha, notes=notes)
    with Image.open(path) as im:
        back = np.asarray(im.convert("RGBA"))
        entries = len(im.getpalette() or []) // 3
    assert entries == len(np.unique(labels[alpha >= 128])) + 1  # + the shared transparent one
    assert notes == ["indexed PNG: transparency reduced to opaque or transparent"]
    np.testing.assert_array_equal(back[..., 3], np.where(alpha >= 128, 255, 0))
    visible = alpha >= 128
    np.testing.assert_array_equal(back[..., :3][visible], palette[labels][visible])


def test_indexed_png_with_256_colours_and_transparency_is_refused(tmp_path: Path) -> None:
    labels = np.arange(256, dtype=np.uint8).reshape(16, 16).repeat(2, axis=0)
    palette = RNG.integers(0, 256, size=(256, 3)).astype(np.uint8)
    alpha = np.full(labels.shape, 255, np.uint8)
    alpha[::2] = 0  # every colour appears both opaque and transparent: 512 entries needed
    with pytest.raises(ExportError, match="256-entry palette"):
        save_indexed_png(labels, palette, tmp_path / "idx.png", alpha=alpha)
    assert list(tmp_path.iterdir()) == []


def test_label_map_is_8_bit_cluster_indices(tmp_path: Path) -> None:
    labels, _, _ = _segmented(9, 13, 7)
    path = save_label_map(labels, tmp_path / "labels.png")
    with Image.open(path) as im:
        assert im.mode == "L"
        np.testing.assert_array_equal(np.asarray(im), labels)


@pytest.mark.parametrize("k", [1, 4, 12])
def test_masks_partition_the_image(tmp_path: Path, k: int) -> None:
    labels, _, _ = _segmented(10, 11, k)
    paths = save_masks(labels, k, tmp_path / "masks" / "deep", "photo")
    assert len(paths) == k
    assert [p.name for p in paths] == sorted(p.name for p in paths)
    assert paths[0].name == ("photo_mask0.png" if k <= 10 else "photo_mask00.png")
    total = np.zeros(labels.shape, int)
    for cluster, path in enumerate(paths):
        with Image.open(path) as im:
            white = np.asarray(im.convert("L")) == 255
        np.testing.assert_array_equal(white, labels == cluster)
        total += white
    assert (total == 1).all()


def test_input_is_never_overwritten(tmp_path: Path) -> None:
    source = tmp_path / "photo.png"
    Image.new("RGB", (4, 4), (1, 2, 3)).save(source)
    before = source.read_bytes()
    with pytest.raises(ExportError, match="refusing to overwrite the input"):
        save_image(np.zeros((4, 4, 3), np.uint8), source, source=source)
    with pytest.raises(ExportError, match="refusing to overwrite the input"):
        save_indexed_png(np.zeros((4, 4), np.uint8), np.zeros((1, 3), np.uint8),
                         tmp_path / "." / "photo.png", source=source)
    assert source.read_bytes() == before


def test_failed_encode_leaves_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.png"
    target.write_bytes(b"old")

    def explode(fh: object) -> None:
        raise RuntimeError("encoder broke")

    with pytest.raises(ExportError, match="could not encode"):
        atomic_write(target, explode)
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.png"]


def test_disk_full_leaves_no_partial_file(tmp_path: Path) -> None:
    target = tmp_path / "out.png"

    def half_then_enospc(fh: object) -> None:
        fh.write(b"x" * 100)  # type: ignore[attr-defined]
        raise OSError(28, "No space left on device")

    with pytest.raises(ExportError, match="the disk is full"):
        atomic_write(target, half_then_enospc)
    assert list(tmp_path.iterdir()) == []


def test_missing_folder_and_file_as_folder(tmp_path: Path) -> None:
    rgb = np.zeros((2, 2, 3), np.uint8)
    with pytest.raises(ExportError, match="the folder does not exist"):
        save_image(rgb, tmp_path / "nope" / "a.png")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ExportError, match="not a folder"):
        save_image(rgb, blocker / "a.png")
    (tmp_path / "dir.png").mkdir()
    with pytest.raises(ExportError, match="is a folder"):
        save_image(rgb, tmp_path / "dir.png")


def test_unwritable_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_open = os.open

    def refuse(path: str | os.PathLike[str], flags: int, mode: int = 0o777) -> int:
        if Path(path).parent == tmp_path:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, mode)

    # Tests may run as root, where chmod cannot make a folder unwritable.
    monkeypatch.setattr(writers.os, "open", refuse)
    with pytest.raises(ExportError) as info:
        save_image(np.zeros((2, 2, 3), np.uint8), tmp_path / "a.png")
    reason = "permission denied (the folder or file is not writable)"
    assert str(info.value) == f"{tmp_path / 'a.png'}: {reason}"


def test_written_files_follow_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        path = save_image(np.zeros((2, 2, 3), np.uint8), tmp_path / "a.png")
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644


def test_interrupt_mid_write_leaves_nothing(tmp_path: Path) -> None:
    def interrupted(fh: object) -> None:
        fh.write(b"partial")  # type: ignore[attr-defined]
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write(tmp_path / "out.png", interrupted)
    assert list(tmp_path.iterdir()) == []
