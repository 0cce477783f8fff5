"""`colorseg-gui --self-test`: the installed app opens, segments, saves and re-reads the sample."""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from colorseg_gui.gui.worker import RunOutcome

log = logging.getLogger(__name__)

K = 6
TIMEOUT_MS = 120_000  # a generous bound on a busy machine; a healthy run takes about a second


class SelfTestError(Exception):
    """One check failed; the message says which and why."""


def _headless_default() -> None:
    # A check run from a terminal without any display (CI, ssh) goes offscreen instead of
    # aborting in QApplication; with a display, the real platform plugin is part of the test.
    if sys.platform.startswith("linux") and not any(
        os.environ.get(name) for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")
    ):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"


def _user_settings_dir() -> Path:
    from PySide6.QtCore import QSettings

    probe = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "probe", "probe")
    return Path(probe.fileName()).parent.parent


def _set_settings_dir(folder: Path) -> None:
    from PySide6.QtCore import QSettings

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))


def _segment_sample(scratch: Path) -> str:
    """Open, cluster (k = 6), save and re-read the sample through the window's own code."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from colorseg_gui.engine import ImageLoadError, KMeansOptions, load_image
    from colorseg_gui.gui.export import save_result
    from colorseg_gui.gui.main_window import MainWindow
    from colorseg_gui.resources import SAMPLE_IMAGE, resource_path

    try:
        sample = resource_path(SAMPLE_IMAGE)
    except (FileNotFoundError, ValueError) as exc:
        raise SelfTestError(f"sample image: {exc}") from exc
    try:
        original = load_image(sample)
    except ImageLoadError as exc:
        raise SelfTestError(f"sample image does not load: {exc}") from exc

    started = time.perf_counter()
    window = MainWindow()  # built but not shown: every GUI module and plugin it needs loads
    outcomes: list[RunOutcome] = []
    errors: list[str] = []
    loop = QEventLoop()
    window.result_ready.connect(outcomes.append)
    window.result_ready.connect(loop.quit)
    window.controller.load_failed.connect(lambda message: errors.append(f"loading: {message}"))
    window.controller.run_failed.connect(lambda _g, message: errors.append(f"k-means: {message}"))
    window.controller.load_failed.connect(loop.quit)
    window.controller.run_failed.connect(loop.quit)
    timeout = QTimer()
    timeout.setSingleShot(True)
    timeout.timeout.connect(loop.quit)
    try:
        window.options_panel.set_options(KMeansOptions(k=K, seed=0))
        window.open_path(sample)  # the path every Open, drop and argv takes
        timeout.start(TIMEOUT_MS)
        loop.exec()
        timeout.stop()
    finally:
        window.close()  # joins the worker threads
        window.deleteLater()
        QApplication.processEvents()
    if errors:
        raise SelfTestError(errors[0])
    if not outcomes:
        raise SelfTestError(f"no result from the worker thread within {TIMEOUT_MS // 1000} s")
    outcome = outcomes[-1]
    seconds = time.perf_counter() - started

    saved = scratch / f"{sample.stem}_cluster{K}.png"
    try:
        save_result(outcome, saved, indexed=False, source=sample)
        reread = load_image(saved)
    except Exception as exc:
        raise SelfTestError(f"saving or re-reading {saved.name}: {exc}") from exc
    if (reread.width, reread.height) != (original.width, original.height):
        raise SelfTestError(
            f"{saved.name} is {reread.width}x{reread.height}, "
            f"the sample is {original.width}x{original.height}"
        )
    colors = np.unique(reread.rgb.reshape(-1, 3), axis=0)
    if not 1 < len(colors) <= K:
        raise SelfTestError(f"{saved.name} has {len(colors)} colours, expected 2 to {K}")
    palette = {tuple(int(v) for v in c) for c in np.asarray(outcome.palette)}
    if not {tuple(int(v) for v in c) for c in colors} <= palette:
        raise SelfTestError(f"{saved.name} holds colours that are not in the result's palette")
    regions = _clean_up(outcome)
    return (
        f"{sample.name} {original.width}x{original.height}, k={K}: {len(colors)} colours "
        f"after {outcome.result.iterations} iteration(s) ({outcome.result.stop_reason}) "
        f"in {seconds:.2f} s, saved and re-read; cleanup {regions}"
    )


def _clean_up(outcome: RunOutcome) -> str:
    """The region cleanup runs (its compiled connected-components library is bundled)."""
    from colorseg_gui.engine import CleanupOptions, MakeOptions, make_ready

    result = outcome.result
    try:
        made = make_ready(result.histogram, result.palette, result.step.labels,
                          MakeOptions(cleanup=CleanupOptions(min_area=50)))
    except Exception as exc:
        raise SelfTestError(f"region cleanup: {exc}") from exc
    counts = made.regions
    if counts is None or counts.small_after or counts.regions_after > counts.regions_before:
        raise SelfTestError(f"region cleanup left small regions: {counts}")
    return f"{counts.regions_before} -> {counts.regions_after} regions"


def run_self_test() -> int:
    """Check the installation end to end; print one line; 0 when everything worked."""
    from colorseg_gui import __version__

    _headless_default()
    try:
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "colorseg"])
        platform = QApplication.platformName()
        previous_settings = _user_settings_dir()
        with tempfile.TemporaryDirectory(prefix="colorseg-selftest-") as scratch:
            # The window remembers recent files and options: not in the user's settings.
            _set_settings_dir(Path(scratch) / "settings")
            try:
                summary = _segment_sample(Path(scratch))
            finally:
                _set_settings_dir(previous_settings)
        del app
    except SelfTestError as exc:
        return _report(f"colorseg self-test FAILED: {exc}", 1)
    except Exception as exc:  # any other failure is what the self-test exists to find
        log.exception("self-test crashed")
        return _report(f"colorseg self-test FAILED: {type(exc).__name__}: {exc}", 1)
    return _report(f"colorseg self-test ok: {summary} [{platform}, colorseg {__version__}]", 0)


def _report(line: str, status: int) -> int:
    (log.info if status == 0 else log.error)("%s", line)
    print(line, flush=True)
    return status
