"""Time from launching the app to its first window being mapped on a real (Xvfb) X server.

    python tests/packaging/measure_startup.py [COMMAND...] [--runs N]

COMMAND defaults to dist/ColorSeg/ColorSeg. Polls the X server (xwininfo) every few
milliseconds for a viewable top-level window named "ColorSeg"; the first run is the cold
start (the first launch after a build), the others are warm.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from xvfb_server import xvfb_display

ROOT = Path(__file__).resolve().parents[2]
WINDOW_NAME = "ColorSeg"
TIMEOUT = 60.0


def _viewable(env: dict[str, str]) -> bool:
    found = subprocess.run(
        ["xwininfo", "-name", WINDOW_NAME], env=env, capture_output=True, text=True
    )
    return found.returncode == 0 and "IsViewable" in found.stdout


def time_to_window(command: list[str], env: dict[str, str]) -> float:
    """Seconds from starting `command` until its window is viewable; the app is then ended."""
    started = time.perf_counter()
    app = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        while not _viewable(env):
            if app.poll() is not None:
                err = app.stderr.read().decode(errors="replace") if app.stderr else ""
                raise RuntimeError(f"the app exited ({app.returncode}) first: {err[-500:]}")
            if time.perf_counter() - started > TIMEOUT:
                raise RuntimeError(f"no window within {TIMEOUT:.0f} s")
            time.sleep(0.002)
        return time.perf_counter() - started
    finally:
        app.terminate()
        try:
            app.wait(timeout=10)
        except subprocess.TimeoutExpired:
            app.kill()
            app.wait()


def measure(command: list[str], runs: int) -> list[float]:
    if shutil.which("xwininfo") is None:
        raise RuntimeError("xwininfo is needed (Debian package x11-utils)")
    with xvfb_display() as display, tempfile.TemporaryDirectory() as home:
        env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
        # A fresh user: no saved window state, settings and logs kept out of the real home.
        env.update(display, QT_QPA_PLATFORM="xcb", XDG_CONFIG_HOME=f"{home}/config",
                   XDG_STATE_HOME=f"{home}/state", COLORSEG_LOG_DIR=f"{home}/logs")
        return [time_to_window(command, env) for _ in range(runs)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = [str(ROOT / "dist" / "ColorSeg" / "ColorSeg")]
    parser.add_argument("command", nargs="*", default=default, help="what to launch")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    times = measure(args.command, args.runs)
    print(f"first window after {times[0]:.3f} s on the first run (cold); "
          f"median of {len(times)} runs {statistics.median(times):.3f} s, "
          f"min {min(times):.3f} s, max {max(times):.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
