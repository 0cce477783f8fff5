"""Worst GUI-thread stall while the window decodes and clusters a big photo (goal <= 50 ms).

Run: python tests/benchmarks/gui_heartbeat.py [IMAGE] [--k K] [--runs N]
--k-change: times k -> k+1 in the window (cached histogram) against the CLI's k-means +
render of the same histogram, with the number of previews and the largest gap between them.
Prints the heartbeat gaps (a 5 ms QTimer in the GUI thread), when the original appeared,
how long after decoding the first segmented preview was painted, and the end of the run.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QSettings, QTimer
from PySide6.QtWidgets import QApplication

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
DEFAULT = SHARED / "photos" / "MilkyWay_5120x2880.png"


def one_run(app: QApplication, path: Path, k: int) -> dict[str, float]:
    from colorseg_gui.engine import KMeansOptions
    from colorseg_gui.gui import MainWindow

    window = MainWindow()
    window.resize(1400, 900)
    window.show()
    window.options_panel.set_options(KMeansOptions(k=k))
    ticks: list[float] = []
    marks: dict[str, float] = {}
    heartbeat = QTimer()
    heartbeat.setInterval(5)
    heartbeat.timeout.connect(lambda: ticks.append(time.perf_counter()))

    def on_loaded(gen: int, loaded: object) -> None:
        marks.setdefault("loaded", time.perf_counter())

    def on_preview(iteration: int) -> None:
        marks.setdefault("first_preview", time.perf_counter())
        if iteration > 0:
            marks.setdefault("first_exact_step", time.perf_counter())

    def on_result(outcome: object) -> None:
        marks["result"] = time.perf_counter()
        QTimer.singleShot(50, app.quit)  # a few more ticks after the end

    window.controller.image_loaded.connect(on_loaded)
    window.preview_shown.connect(on_preview)
    window.result_ready.connect(on_result)
    app.processEvents()
    heartbeat.start()
    start = time.perf_counter()
    window.open_path(path)
    app.exec()
    heartbeat.stop()
    window.close()
    gaps = [(b - a) * 1000 for a, b in itertools.pairwise(ticks)]
    worst_at = ticks[gaps.index(max(gaps))] - start  # when the worst stall began
    return {
        "worst_gap_at_s": worst_at,
        "worst_gap_ms": max(gaps),
        "p99_gap_ms": statistics.quantiles(gaps, n=100)[98] if len(gaps) > 100 else max(gaps),
        "decoded_s": marks["loaded"] - start,
        "preview_after_decode_ms": (marks["first_preview"] - marks["loaded"]) * 1000,
        "exact_step_after_decode_ms": (marks.get("first_exact_step", marks["result"])
                                       - marks["loaded"]) * 1000,
        "result_s": marks["result"] - start,
    }


def k_change_runs(app: QApplication, path: Path, k: int, runs: int) -> list[dict[str, float]]:
    """k -> k+1 in the window (histogram cached) against the CLI's k-means + render, A B A B.

    The window's time runs from the options panel's settled change (after the spin box's
    debounce) to result_ready; the CLI side is segment_histogram + render_segmented on the
    same cached histogram with the same options, in this process right after.
    """
    from colorseg_gui.engine import KMeansOptions, render_segmented, segment_histogram
    from colorseg_gui.gui import MainWindow

    window = MainWindow()
    window.resize(1400, 900)
    window.show()
    window.options_panel.set_options(KMeansOptions(k=k))
    done: list[float] = []
    previews: list[float] = []
    # A local event loop per phase: app.quit() would fire aboutToQuit, which shuts the
    # controller down for good.
    loop = QEventLoop()
    window.result_ready.connect(lambda outcome: (done.append(time.perf_counter()), loop.quit()))
    window.preview_shown.connect(lambda iteration: previews.append(time.perf_counter()))
    requested: list[float] = []
    window.options_panel.options_changed.connect(
        lambda options: requested.append(time.perf_counter())
    )
    window.open_path(path)
    loop.exec()
    cache = window.controller.cache
    assert cache is not None
    rows = []
    for run in range(runs):
        new_k = k + 1 + run % 2  # alternate so that every request is a change
        previews.clear()
        window.options_panel.k_spin.setValue(new_k)
        loop.exec()
        start = requested[-1]
        window_s = done[-1] - start
        marks = [start, *previews, done[-1]]
        gap = max(b - a for a, b in itertools.pairwise(marks))
        t0 = time.perf_counter()
        result = segment_histogram(cache.histogram, new_k)
        render_segmented(cache.histogram, result.palette, result.step.labels)
        cli_s = time.perf_counter() - t0
        rows.append(
            {
                "window_s": window_s,
                "cli_s": cli_s,
                "budget_s": 1.5 * cli_s + 0.2,
                "previews": float(len(previews)),
                "largest_gap_s": gap,
                "iterations": float(result.iterations),
            }
        )
    window.close()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("image", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--k", type=int, default=8)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--k-change", action="store_true", help="time k -> k+1 in the window against the CLI"
    )
    args = parser.parse_args()
    settings_dir = tempfile.mkdtemp(prefix="colorseg-bench-")
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, settings_dir)
    app = QApplication(sys.argv[:1])
    if args.k_change:
        rows = k_change_runs(app, args.image, args.k, args.runs)
        print(f"{args.image.name}: k change from {args.k} (histogram cached), {args.runs} runs")
        header = list(rows[0])
        print(" | ".join(f"{h:>14}" for h in header))
        for row in rows:
            print(" | ".join(f"{row[h]:>14.3f}" for h in header))
        return 0
    rows = [one_run(app, args.image, args.k) for _ in range(args.runs)]
    print(f"{args.image.name}, k={args.k}, {args.runs} runs, {os.cpu_count()} CPUs")
    header = list(rows[0])
    print(" | ".join(f"{h:>26}" for h in ["run", *header]))
    for i, row in enumerate(rows, 1):
        print(" | ".join([f"{i:>26}", *(f"{row[h]:>26.3f}" for h in header)]))
    worst = max(row["worst_gap_ms"] for row in rows)
    print("worst_gap_at_s: when the worst stall began, from the open request (compare the "
          "decoded_s and result_s columns)")
    print(f"worst GUI gap over all runs: {worst:.1f} ms (goal <= 50 ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
