"""Folders as inputs (-r), the end-of-run note on skipped files, and --force for every output."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from batch_helpers import json_lines, leftovers, photo

from colorseg_gui.cli import build_parser, main, run


def _folder(root: Path, shared_images: Path) -> Path:
    """Two photos, a broken one, a text file, a decompression bomb, a hidden file, a subfolder."""
    folder = root / "photos"
    photo(folder / "a.png")
    photo(folder / "c.png")
    shutil.copy(shared_images / "truncated.jpg", folder / "b_broken.jpg")
    shutil.copy(shared_images / "bomb_4gpx_44bytes.gif", folder / "bomb.gif")
    (folder / "notes.txt").write_text("shot list\n")
    (folder / ".hidden.png").write_bytes(b"")
    photo(folder / "sub" / "d.png")
    (folder / "sub" / "thumbs.db").write_bytes(b"\0" * 10)
    return folder


def test_folder_gives_its_images_and_one_note_at_the_end(
    tmp_path: Path, shared_images: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _folder(tmp_path, shared_images)
    assert main([str(folder), "-k", "3", "-d", str(tmp_path / "out"), "--json"]) == 1
    captured = capsys.readouterr()
    records = json_lines(captured.out)
    assert [Path(r["input"]).name for r in records] == ["a.png", "b_broken.jpg", "bomb.gif",
                                                        "c.png"]
    assert records[1]["error"].startswith("truncated")
    assert records[2]["error"].startswith("too large: 4.4 gigapixels")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a_cluster3.png",
                                                                    "c_cluster3.png"]
    assert captured.err.splitlines() == [
        f"colorseg: error: {folder / 'b_broken.jpg'}: {records[1]['error']}",
        f"colorseg: error: {folder / 'bomb.gif'}: {records[2]['error']}",
        "colorseg: note: 1 file skipped: not images",
    ]


def test_recursive_keeps_the_subfolders_under_outdir(
    tmp_path: Path, shared_images: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _folder(tmp_path, shared_images)
    out = tmp_path / "out"
    assert main([str(folder), "-r", "-k", "3", "-d", str(out), "-q", "-j", "2"]) == 1
    captured = capsys.readouterr()
    assert (out / "sub" / "d_cluster3.png").is_file()
    assert len(captured.err.splitlines()) == 2  # the two bad files; -q drops the note


def test_rerun_in_place_does_not_take_its_results_as_inputs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "f"
    photo(folder / "a.png")
    photo(folder / "b.png")
    assert main([str(folder), "-k", "4", "-q"]) == 0
    assert main([str(folder), "-k", "4", "--force", "--json"]) == 0
    captured = capsys.readouterr()
    assert [Path(r["input"]).name for r in json_lines(captured.out)] == ["a.png", "b.png"]
    assert captured.err == "colorseg: note: 2 files skipped: results of other inputs of this run\n"


def test_an_empty_folder_is_one_plain_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "e").mkdir()
    assert main([str(tmp_path / "e"), "-k", "3"]) == 1
    assert capsys.readouterr().err == f"colorseg: error: no images in {tmp_path / 'e'}\n"


def test_output_for_a_folder_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    photo(tmp_path / "f" / "a.png")
    assert main([str(tmp_path / "f"), "-k", "3", "-o", str(tmp_path / "x.png")]) == 2
    assert "usage: colorseg" in capsys.readouterr().err


@pytest.mark.parametrize("which", ["image", "palette", "labels", "masks", "indexed"])
def test_an_existing_output_is_kept_unless_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], which: str
) -> None:
    src = photo(tmp_path / "in.png")
    argv = [str(src), "-k", "3", "-o", str(tmp_path / "res.png"),
            "--palette", str(tmp_path / "pal.gpl"), "--labels", str(tmp_path / "lab.png"),
            "--masks", str(tmp_path / "m")]
    if which == "indexed":
        argv.append("--indexed")
    existing = {"image": tmp_path / "res.png", "indexed": tmp_path / "res.png",
                "palette": tmp_path / "pal.gpl", "labels": tmp_path / "lab.png",
                "masks": tmp_path / "m" / "in_mask1.png"}[which]
    existing.parent.mkdir(exist_ok=True)
    existing.write_bytes(b"the user's own file")
    assert main(argv) == 1
    captured = capsys.readouterr()
    assert captured.err == (f"colorseg: error: {src}: cannot write {existing}: already exists; "
                            "add --force to replace it\n")
    assert existing.read_bytes() == b"the user's own file"
    # Refused before writing anything: no half set of results either.
    written = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert written == sorted({Path("in.png"), existing.relative_to(tmp_path)})
    assert main([*argv, "--force"]) == 0
    assert existing.read_bytes() != b"the user's own file"
    assert leftovers(tmp_path) == []


def test_force_never_overwrites_an_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = photo(tmp_path / "a.png"), photo(tmp_path / "b.png")
    before = a.read_bytes(), b.read_bytes()
    assert main([str(a), str(b), "-k", "3", "--force", "--labels", str(tmp_path / "{stem}.png"),
                 "-q", "-d", str(tmp_path / "o")]) == 1
    assert (a.read_bytes(), b.read_bytes()) == before
    assert capsys.readouterr().err.count("refusing to overwrite an input image") == 2


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_batch_progress_bar_only_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    inputs = [str(photo(tmp_path / f"p{i}.png")) for i in range(3)]
    for tty, quiet in ((True, False), (False, False), (True, True)):
        args = build_parser().parse_args([*inputs, "-k", "3", "-d", str(tmp_path / "o"),
                                          "--force", "-j", "2"] + (["-q"] if quiet else []))
        err, out = (_Terminal() if tty else io.StringIO()), io.StringIO()
        assert run(args, ".png", out, err) == 0
        text = err.getvalue()
        if tty and not quiet:
            assert "3/3 " in text and "100%" in text and " elapsed, ETA 0:00" in text
            assert text.endswith("\r")  # the bar is wiped at the end
        else:
            assert text == ""
        assert "elapsed" not in out.getvalue() and "\r" not in out.getvalue()


def test_same_names_in_two_subfolders_do_not_share_palette_or_masks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """-r mirrors images under OUTDIR, but one --masks folder and a {stem} palette would
    make the second p.png replace the first's files even with --force: refused up front."""
    photo(tmp_path / "f" / "x" / "p.png")
    photo(tmp_path / "f" / "y" / "p.png")
    assert main([str(tmp_path / "f"), "-r", "-k", "3", "-d", str(tmp_path / "o"), "--force",
                 "--masks", str(tmp_path / "m"), "--json"]) == 1
    records = json_lines(capsys.readouterr().out)
    assert "error" not in records[0]
    assert records[1]["error"] == (
        f"cannot write {tmp_path / 'm' / 'p_mask*.png'}: already the output of "
        f"{tmp_path / 'f' / 'x' / 'p.png'}; give the inputs different names or folders")
    assert (tmp_path / "o" / "y").exists() is False
