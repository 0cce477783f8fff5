"""`colorseg -j N`: the same bytes as one job, records in input order, crashes stay alone."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from batch_helpers import cli, json_lines, leftovers, photo

from colorseg_gui.cli import main


def _inputs(folder: Path, n: int) -> list[Path]:
    # Varied sizes so that jobs finish out of order on two workers.
    return [photo(folder / f"img{i:02d}.png", 20 + 37 * (i % 3), 30 + 41 * (i % 4))
            for i in range(n)]


def test_two_jobs_write_the_same_bytes_as_one_in_input_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = _inputs(tmp_path / "in", 9)
    records = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"j{jobs}"
        assert main([*map(str, inputs), "-k", "5", "-d", str(out), "--json", "-j", jobs,
                     "--palette", str(out / "{stem}.gpl")]) == 0
        captured = capsys.readouterr()
        assert captured.err == ""
        records[jobs] = json_lines(captured.out)
        assert [r["input"] for r in records[jobs]] == [str(p) for p in inputs]
    for name in sorted(p.name for p in (tmp_path / "j1").iterdir()):
        assert (tmp_path / "j1" / name).read_bytes() == (tmp_path / "j2" / name).read_bytes()
    strip = [{k: v for k, v in r.items() if k not in ("seconds", "output", "palette_file")}
             for r in records["1"]]
    assert strip == [{k: v for k, v in r.items() if k not in ("seconds", "output", "palette_file")}
                     for r in records["2"]]


def test_unordered_streams_every_record_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = _inputs(tmp_path, 6)
    assert main([*map(str, inputs), "-k", "3", "-d", str(tmp_path / "o"), "--json", "-j", "2",
                 "--unordered"]) == 0
    records = json_lines(capsys.readouterr().out)
    assert sorted(r["input"] for r in records) == sorted(str(p) for p in inputs)


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(c) for c in text.split()]


def _wait_for(predicate, timeout: float = 60.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)  # polling another process: there is no signal to wait on
    raise AssertionError("timed out")


def _workers(pid: int) -> list[int]:
    # spawn also starts a resource tracker, and a child is briefly a copy of its parent
    # before it execs: only a child already running spawn_main is a worker.
    found = []
    for child in _children(pid):
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"spawn_main" in cmdline:
            found.append(child)
    return found


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
def test_a_worker_killed_mid_job_fails_only_its_input(
    shared_photos: Path, tmp_path: Path
) -> None:
    """What a decoder crash or the kernel's OOM killer does: the worker vanishes mid-job."""
    big = sorted(shared_photos.glob("*_2560x1600.jpg"))[:4]
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "colorseg_gui.cli", *map(str, big), "-k", "16",
                             "-d", str(out), "--json", "-j", "2", "--tol", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    victim = _wait_for(lambda: (_workers(proc.pid) or [None])[0])
    time.sleep(0.3)  # let it reach its first job's decoding; any moment of the job will do
    os.kill(victim, signal.SIGKILL)
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 1, stderr
    records = json_lines(stdout)
    assert [r["input"] for r in records] == [str(p) for p in big]
    failed = [r for r in records if "error" in r]
    assert len(failed) == 1
    assert "worker process ended with signal SIGKILL" in failed[0]["error"]
    assert stderr == f"colorseg: error: {failed[0]['input']}: {failed[0]['error']}\n"
    assert len(list(out.glob("*.png"))) == 3
    assert leftovers(out) == []


@pytest.mark.parametrize("whole_group", [False, True], ids=["parent-only", "process-group"])
def test_ctrl_c_ends_every_job_and_leaves_no_partial_file(
    shared_photos: Path, tmp_path: Path, whole_group: bool
) -> None:
    """SIGINT to the command (kill -INT) or to its group (Ctrl+C in a terminal)."""
    photos = sorted(shared_photos.glob("*.jpg")) + sorted(shared_photos.glob("*.png"))
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "colorseg_gui.cli", *map(str, photos * 2),
                             "-k", "24", "-d", str(out), "-j", "2", "--tol", "0",
                             "--format", "tiff", "--masks", str(out / "masks")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    _wait_for(lambda: len(_workers(proc.pid)) == 2)
    time.sleep(1.5)  # mid-run: decoding, clustering or writing
    if whole_group:
        os.killpg(proc.pid, signal.SIGINT)
    else:
        os.kill(proc.pid, signal.SIGINT)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130
    assert stderr.splitlines()[-1].startswith("colorseg: interrupted after ")
    assert "Traceback" not in stderr
    assert _workers(proc.pid) == []
    assert leftovers(out) == [] if out.exists() else True
    from PIL import Image

    for result in out.rglob("*.*"):  # whatever is there is whole
        with Image.open(result) as im:
            im.load()


def test_every_shared_image_gives_one_line_and_nothing_else(shared_images: Path,
                                                            tmp_path: Path) -> None:
    files = sorted(p for p in shared_images.iterdir())
    result = cli(*files, "-k", "3", "-d", tmp_path / "o", "--max-iter", "20", "-j", "2",
                 "--palette", tmp_path / "p" / "{stem}.gpl")
    assert result.returncode == 1
    lines = result.stdout.splitlines() + result.stderr.splitlines()
    assert len(lines) == len(files)
    for path, line in zip(files, sorted(lines, key=lambda s: s.removeprefix("colorseg: error: ")),
                          strict=True):
        assert line.startswith((f"{path} -> ", f"colorseg: error: {path}: ")), line
