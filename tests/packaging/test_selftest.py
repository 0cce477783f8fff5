"""`colorseg-gui --self-test` from the source tree: offscreen, on a real X server, and failing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from xvfb_server import xvfb_display

from colorseg_gui import resources
from colorseg_gui.gui.selftest import run_self_test

OK = "colorseg self-test ok: "
FAILED = "colorseg self-test FAILED: "
OFFSCREEN_NOISE = "This plugin does not support"


def _run_source_self_test(env_update: dict[str, str], tmp_path: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env.update(env_update, COLORSEG_LOG_DIR=str(tmp_path / "logs"),
               XDG_CONFIG_HOME=str(tmp_path / "config"))
    result = subprocess.run(
        [sys.executable, "-m", "colorseg_gui", "--self-test"],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith(OK), result.stdout
    # Nothing of the run lands in the user's config: the window's settings went to a temp dir.
    assert not (tmp_path / "config").exists()
    assert lines[0] in (tmp_path / "logs" / "colorseg.log").read_text(encoding="utf-8")
    return lines[0]


def test_self_test_offscreen(tmp_path: Path) -> None:
    line = _run_source_self_test({"QT_QPA_PLATFORM": "offscreen"}, tmp_path)
    assert "[offscreen, colorseg " in line
    assert "sample_kodim23.png 768x512, k=6: 6 colours" in line


def test_self_test_without_any_display_goes_offscreen(tmp_path: Path) -> None:
    env = {"DISPLAY": "", "WAYLAND_DISPLAY": ""}
    assert "[offscreen, " in _run_source_self_test(env, tmp_path)


def test_self_test_on_a_real_x_server(tmp_path: Path) -> None:
    with xvfb_display() as display:
        line = _run_source_self_test({**display, "QT_QPA_PLATFORM": "xcb"}, tmp_path)
    assert "[xcb, colorseg " in line


@pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)
def test_missing_sample_fails_with_a_line_naming_it(
    qapp: object, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(resources, "SAMPLE_IMAGE", "no-such-sample.png")
    assert run_self_test() == 1
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 and out[0].startswith(FAILED)
    assert "no-such-sample.png: not found in" in out[0]


@pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)
def test_unreadable_sample_fails_with_the_loader_reason(
    qapp: object, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(resources, "SAMPLE_IMAGE", "icons/colorseg.svg")  # not a raster image
    assert run_self_test() == 1
    out = capsys.readouterr().out.strip()
    assert out.startswith(FAILED + "sample image does not load: colorseg.svg")


@pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)
def test_self_test_in_process_leaves_the_settings_location_alone(
    qapp: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from PySide6.QtCore import QSettings

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))
    assert run_self_test() == 0
    assert capsys.readouterr().out.startswith(OK)
    probe = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "a", "b")
    assert Path(probe.fileName()).parent.parent == tmp_path
    assert not list(tmp_path.rglob("*.ini"))  # the run's own settings went elsewhere
