"""The `colorseg` command, in-process through main(argv) and once as a real subprocess."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from colorseg_gui import __version__
from colorseg_gui.cli import build_parser, main, run

RNG = np.random.default_rng(5)


def _photo(path: Path, h: int = 24, w: int = 32, alpha: bool = False) -> Path:
    """Smooth gradients plus noise: many distinct colours, clear clusters."""
    y, x = np.mgrid[0:h, 0:w]
    rgb = np.stack([x * 255 // (w - 1), y * 255 // (h - 1), (x + y) * 255 // (w + h - 2)], -1)
    rgb = np.clip(rgb + RNG.integers(-6, 7, size=rgb.shape), 0, 255).astype(np.uint8)
    if alpha:
        a = np.full((h, w), 255, np.uint8)
        a[: h // 3] = 0
        a[h // 3 : h // 2] = 128
        Image.fromarray(np.dstack([rgb, a])).save(path)
    else:
        Image.fromarray(rgb).save(path)
    return path


def _read(path: Path) -> np.ndarray:
    with Image.open(path) as im:
        return np.asarray(im)


def _codes(rgb: np.ndarray) -> np.ndarray:
    c = rgb[..., :3].astype(np.uint32)
    return (c[..., 0] << 16) | (c[..., 1] << 8) | c[..., 2]


def _json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_single_input_with_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _photo(tmp_path / "in.png")
    out = tmp_path / "result.png"
    assert main([str(src), "-k", "5", "-o", str(out)]) == 0
    segmented = _read(out)
    assert segmented.shape == (24, 32, 3)
    assert len(np.unique(_codes(segmented))) <= 5
    captured = capsys.readouterr()
    assert captured.out.startswith(f"{src} -> {out}: k=5,") and captured.err == ""


def test_default_name_beside_input(tmp_path: Path) -> None:
    src = _photo(tmp_path / "holiday.png")
    assert main([str(src), "-k", "3", "-q"]) == 0
    assert (tmp_path / "holiday_cluster3.png").is_file()


def test_json_record_is_complete_and_true(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = _photo(tmp_path / "in.png")
    out = tmp_path / "o.png"
    assert main([str(src), "-k", "4", "-o", str(out), "--json", "--space", "lab",
                 "--seed", "3"]) == 0
    (record,) = _json_lines(capsys.readouterr().out)
    for key in ("input", "output", "width", "height", "k", "space", "seed", "iterations",
                "converged", "inertia", "mse_rgb", "seconds", "palette"):
        assert key in record
    assert (record["width"], record["height"], record["k"]) == (32, 24, 4)
    assert (record["space"], record["seed"], record["output"]) == ("lab", 3, str(out))
    assert {"load", "histogram", "kmeans", "render", "write", "total"} <= set(record["seconds"])
    palette = record["palette"]
    assert len(palette) == 4
    assert sum(p["pixels"] for p in palette) == 24 * 32
    assert sum(p["fraction"] for p in palette) == pytest.approx(1.0)
    fractions = [p["fraction"] for p in palette]
    assert fractions == sorted(fractions, reverse=True)  # largest share first
    # Recompute the error and the counts from the files themselves.
    original = _read(src).astype(np.float64)
    segmented = _read(out)
    mse = ((original - segmented) ** 2).sum(axis=2).mean()
    assert record["mse_rgb"] == pytest.approx(mse, rel=1e-6)
    for entry in palette:
        r, g, b = entry["rgb"]
        assert entry["hex"] == f"#{r:02x}{g:02x}{b:02x}"
        assert int((_codes(segmented) == (r << 16 | g << 8 | b)).sum()) == entry["pixels"]


def test_batch_reports_bad_input_and_runs_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good1 = _photo(tmp_path / "a.png")
    bad = tmp_path / "broken.jpg"
    bad.write_text("not really a jpeg")
    good2 = _photo(tmp_path / "b.png")
    outdir = tmp_path / "out"
    code = main([str(good1), str(bad), str(tmp_path / "missing.png"), str(good2), "-k", "3",
                 "-d", str(outdir), "--json"])
    assert code == 1
    captured = capsys.readouterr()
    records = _json_lines(captured.out)
    assert [r["input"] for r in records] == [str(good1), str(bad), str(tmp_path / "missing.png"),
                                             str(good2)]
    assert records[1] == {"input": str(bad), "error": "not an image (it is a text file)"}
    assert records[2] == {"input": str(tmp_path / "missing.png"), "error": "no such file"}
    assert sorted(p.name for p in outdir.iterdir()) == ["a_cluster3.png", "b_cluster3.png"]
    errors = captured.err.splitlines()
    assert errors == [f"colorseg: error: {bad}: not an image (it is a text file)",
                      f"colorseg: error: {tmp_path / 'missing.png'}: no such file"]
    assert "Traceback" not in captured.err


@pytest.mark.parametrize(
    "argv",
    [
        ["in.png"],  # -k missing
        ["in.png", "-k", "0"],
        ["in.png", "-k", "257"],
        ["in.png", "-k", "four"],
        ["a.png", "b.png", "-k", "3", "-o", "x.png"],
        ["in.png", "-k", "3", "-o", "x.png", "-d", "out"],
        ["in.png", "-k", "3", "-o", "x.jpg", "--indexed"],
        ["in.png", "-k", "3", "-o", "x.gif"],
        ["in.png", "-k", "3", "--palette", "p.xyz"],
        ["in.png", "-k", "3", "--space", "hsv"],
        ["in.png", "-k", "3", "--tol", "-1"],
        ["in.png", "-k", "3", "--max-iter", "0"],
        ["-k", "3"],
    ],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "usage: colorseg" in err and "Traceback" not in err


def test_help_documents_every_option_with_its_default(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    text = capsys.readouterr().out
    parser = build_parser()
    for action in parser._actions:
        for flag in action.option_strings:
            assert flag in text
        if action.option_strings and action.dest not in ("help", "version"):
            assert "default" in (action.help or "").lower() or action.required, action.dest
    for word in ("exit status", "{stem}", "_cluster<K>", "mse_rgb", "label map"):
        assert word in text


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"colorseg {__version__}"


def test_input_is_never_overwritten(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _photo(tmp_path / "in.png")
    before = src.read_bytes()
    assert main([str(src), "-k", "3", "-o", str(src)]) == 1
    assert src.read_bytes() == before
    assert "refusing to overwrite" in capsys.readouterr().err


def test_indexed_output_matches_rgb_output(tmp_path: Path) -> None:
    src = _photo(tmp_path / "in.png", alpha=True)
    rgb_out, idx_out = tmp_path / "rgb.png", tmp_path / "idx.png"
    assert main([str(src), "-k", "6", "-o", str(rgb_out), "-q"]) == 0
    assert main([str(src), "-k", "6", "-o", str(idx_out), "--indexed", "-q"]) == 0
    with Image.open(idx_out) as im:
        assert im.mode == "P"
        idx = np.asarray(im.convert("RGBA"))
    true_colour = _read(rgb_out)
    np.testing.assert_array_equal(idx[..., 3], true_colour[..., 3])
    np.testing.assert_array_equal(idx[..., :3], true_colour[..., :3])
    assert len(np.unique(_codes(idx))) <= 6


def test_palette_labels_and_masks_agree(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _photo(tmp_path / "in.png")
    out = tmp_path / "o.png"
    assert main([str(src), "-k", "5", "-o", str(out), "--palette", str(tmp_path / "p.json"),
                 "--labels", str(tmp_path / "labels.png"), "--masks", str(tmp_path / "m"),
                 "--json"]) == 0
    (record,) = _json_lines(capsys.readouterr().out)
    doc = json.loads((tmp_path / "p.json").read_text())
    assert [c["hex"] for c in doc["colors"]] == [p["hex"] for p in record["palette"]]
    assert (doc["iterations"], doc["seed"], doc["space"]) == (record["iterations"], 0, "rgb")
    labels = _read(tmp_path / "labels.png")
    segmented = _read(out)
    for cluster, colour in enumerate(doc["colors"]):
        np.testing.assert_array_equal(segmented[labels == cluster], np.array(colour["rgb"])[None]
                                      .repeat(int((labels == cluster).sum()), 0))
    masks = sorted((tmp_path / "m").iterdir())
    assert [m.name for m in masks] == [f"in_mask{i}.png" for i in range(5)]
    total = np.zeros(labels.shape, int)
    for cluster, mask in enumerate(masks):
        white = _read(mask).astype(bool)
        np.testing.assert_array_equal(white, labels == cluster)
        total += white
    assert (total == 1).all()


def test_several_inputs_get_their_own_palette_files(tmp_path: Path) -> None:
    a, b = _photo(tmp_path / "a.png"), _photo(tmp_path / "b.png")
    assert main([str(a), str(b), "-k", "3", "-q", "-d", str(tmp_path / "o"),
                 "--palette", str(tmp_path / "pal.gpl"),
                 "--labels", str(tmp_path / "{stem}-labels.png")]) == 0
    for stem in ("a", "b"):
        assert (tmp_path / f"pal_{stem}.gpl").read_text().startswith("GIMP Palette")
        assert (tmp_path / f"{stem}-labels.png").is_file()


def test_same_stem_in_batch_is_not_silently_overwritten(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    a, b = _photo(tmp_path / "x" / "p.png"), _photo(tmp_path / "y" / "p.png")
    assert main([str(a), str(b), "-k", "3", "-q", "-d", str(tmp_path / "o")]) == 1
    assert f"already the output of {a}" in capsys.readouterr().err


def test_same_seed_same_result(tmp_path: Path) -> None:
    src = _photo(tmp_path / "in.png", 40, 40)
    for name in ("one.png", "two.png"):
        assert main([str(src), "-k", "7", "--seed", "9", "--init", "random", "-q",
                     "-o", str(tmp_path / name)]) == 0
    np.testing.assert_array_equal(_read(tmp_path / "one.png"), _read(tmp_path / "two.png"))


def test_jpeg_output_and_max_pixels(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _photo(tmp_path / "in.png", alpha=True)
    assert main([str(src), "-k", "3", "--format", "jpg", "-q"]) == 0
    assert _read(tmp_path / "in_cluster3.jpg").shape == (24, 32, 3)
    assert main([str(src), "-k", "3", "--max-pixels", "100", "-q"]) == 1
    assert "too large" in capsys.readouterr().err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _args(argv: list[str]) -> tuple[object, str]:
    parser = build_parser()
    return parser.parse_args(argv), ".png"


def test_progress_only_on_a_terminal_and_not_when_quiet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "400")  # the line is cut to the terminal's width
    src = _photo(tmp_path / "in.png")
    for quiet, tty, expect in ((False, True, True), (False, False, False), (True, True, False)):
        argv = [str(src), "-k", "4", "-o", str(tmp_path / "o.png"), "--force"] + (
                ["-q"] if quiet else [])
        args, ext = _args(argv)
        err = _Terminal() if tty else io.StringIO()
        out = io.StringIO()
        assert run(args, ext, out, err) == 0  # type: ignore[arg-type]
        assert ("iteration 1, J = " in err.getvalue()) is expect
        assert "J = " not in out.getvalue()  # progress never pollutes stdout


def test_subprocess_json_and_exit_status(tmp_path: Path) -> None:
    src = _photo(tmp_path / "in.png")
    bad = tmp_path / "empty.png"
    bad.write_bytes(b"")
    result = subprocess.run(
        [sys.executable, "-m", "colorseg_gui.cli", str(src), str(bad), "-k", "4", "--json",
         "-d", str(tmp_path / "out")],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 1
    records = _json_lines(result.stdout)
    assert records[0]["k"] == 4
    assert records[1] == {"input": str(bad), "error": "empty file (0 bytes)"}
    assert result.stderr == f"colorseg: error: {bad}: empty file (0 bytes)\n"


def test_installed_script(tmp_path: Path) -> None:
    script = shutil.which("colorseg", path=os.pathsep.join([str(Path(sys.executable).parent),
                                                            os.environ.get("PATH", "")]))
    assert script, "the colorseg console script is not installed (pip install -e .)"
    src = _photo(tmp_path / "in.png")
    result = subprocess.run([script, str(src), "-k", "2", "-q"], capture_output=True,
                            text=True, timeout=120, check=False)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert (tmp_path / "in_cluster2.png").is_file()
    usage = subprocess.run([script, str(src)], capture_output=True, text=True, timeout=60,
                           check=False)
    assert usage.returncode == 2 and "-k" in usage.stderr


def test_batch_over_every_shared_image(
    shared_images: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The whole odd-and-broken set in one run: bad files reported, the rest written."""
    inputs = sorted(p for p in shared_images.iterdir() if p.name != "MANIFEST.tsv")
    outdir = tmp_path / "out"
    code = main([str(p) for p in inputs] + ["-k", "3", "-d", str(outdir), "--json",
                                            "--max-iter", "20"])
    assert code == 1
    captured = capsys.readouterr()
    records = _json_lines(captured.out)
    assert [r["input"] for r in records] == [str(p) for p in inputs]
    failed = [r for r in records if "error" in r]
    done = [r for r in records if "error" not in r]
    assert captured.err.splitlines() == [f"colorseg: error: {r['input']}: {r['error']}"
                                         for r in failed]
    manifest = (shared_images / "MANIFEST.tsv").read_text().splitlines()[1:]
    broken = {str(shared_images / line.split("\t")[0]) for line in manifest
              if line.split("\t")[4].startswith("error")}
    assert broken <= {r["input"] for r in failed}
    assert "Traceback" not in captured.err
    assert sorted(p.name for p in outdir.iterdir()) == sorted(
        f"{Path(r['input']).stem}_cluster3.png" for r in done)
    for record in done:
        assert len(np.unique(_codes(_read(Path(record["output"]))))) <= 3


def test_indexed_with_rich_alpha_says_it_rounded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rgb = RNG.integers(0, 256, size=(40, 40, 3), dtype=np.uint8)
    alpha = RNG.integers(0, 256, size=(40, 40), dtype=np.uint8)
    src = tmp_path / "glass.png"
    Image.fromarray(np.dstack([rgb, alpha])).save(src)
    assert main([str(src), "-k", "16", "--indexed", "-o", str(tmp_path / "i.png")]) == 0
    captured = capsys.readouterr()
    # One line per input: the note rides on the summary line, stderr stays for errors.
    (line,) = captured.out.splitlines()
    assert line.endswith("; note: indexed PNG: transparency rounded to 16 levels")
    assert captured.err == ""
