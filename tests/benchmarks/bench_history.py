"""Memory of a 20-run history on a 15 MP photo, and the time from Ctrl+Z to the painted result.

Run: python tests/benchmarks/bench_history.py [PHOTO] [--runs 20] [--megapixels 15]
The photo (default: Autumn from ../shared/photos) is upscaled to the given size into a
temporary file (never into the repository). The window runs offscreen; each run changes k
(cached histogram), as a user trying sizes would. Prints the process's resident memory
before and after the runs, what the history holds and keeps in full, and for every Ctrl+Z
the time from the key press to the end of the view's paint, split by whether the entry's
full-resolution render was still kept or had to be re-rendered from its labels.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
DEFAULT = SHARED / "photos" / "Autumn_2560x1600.jpg"
MiB = 2**20


def trimmed_rss() -> int:
    """Resident memory after glibc hands its free heap pages back: what is really held,
    not what worker threads' arenas keep cached from earlier allocations."""
    import ctypes

    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    return rss()


def rss() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def upscaled(photo: Path, megapixels: float, folder: Path) -> Path:
    from PIL import Image

    with Image.open(photo) as image:
        scale = math.sqrt(megapixels * 1e6 / (image.width * image.height))
        size = (round(image.width * scale), round(image.height * scale))
        big = image.convert("RGB").resize(size, Image.Resampling.BICUBIC)
    target = folder / f"{photo.stem}_{size[0]}x{size[1]}.png"
    big.save(target, compress_level=1)
    return target


def wait_for(app: QApplication, done, timeout: float = 600.0) -> None:  # type: ignore[no-untyped-def]
    end = time.perf_counter() + timeout
    while not done():
        if time.perf_counter() > end:
            raise TimeoutError("the window did not get there in time")
        app.processEvents()
        time.sleep(0.001)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("photo", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--megapixels", type=float, default=15.0)
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as scratch:
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, scratch)
        path = upscaled(args.photo, args.megapixels, Path(scratch))
        return measure(app, path, args.runs)  # type: ignore[arg-type]


def measure(app: QApplication, path: Path, runs: int) -> int:
    from colorseg_gui.engine import KMeansOptions
    from colorseg_gui.gui import MainWindow
    from colorseg_gui.gui.run.history import image_bytes

    window = MainWindow()
    window.resize(1400, 900)
    window.show()
    window.options_panel.set_options(KMeansOptions(k=6))
    results: list[int] = []  # counts only: holding the outcomes would keep their renders
    window.result_ready.connect(lambda outcome: results.append(outcome.k))
    app.processEvents()
    before = trimmed_rss()
    tracemalloc.start()  # numpy reports its arrays to it: the bytes really alive
    window.open_path(path)
    wait_for(app, lambda: len(results) == 1 and not window.controller.busy)

    def idle() -> bool:
        return not window.controller.busy and not window.finishing.finisher.busy

    wait_for(app, idle)
    one, one_traced = rss(), tracemalloc.get_traced_memory()[0]
    one_trimmed = trimmed_rss()
    for run in range(1, runs):
        window.options_panel.k_spin.setValue(6 + run)
        wait_for(app, lambda run=run: len(results) == run + 1 and idle())
    wait_for(app, idle)
    app.processEvents()
    after, after_traced = rss(), tracemalloc.get_traced_memory()[0]
    after_trimmed = trimmed_rss()
    tracemalloc.stop()
    history = window.model.history
    current = history.current
    assert current is not None
    entries = history.entries
    print(f"{path.name}: {current.image.picture.width} x {current.image.picture.height} px, "
          f"{current.cache.histogram.n_colors:,} distinct colours, {len(entries)} runs "
          f"(k 6-{5 + runs}), budget {history.budget / MiB:.0f} MiB")
    print()
    print(f"{'memory':<46}{'MiB':>10}")
    rows = [
        ("process before opening (resident)", before),
        ("after the first result: resident", one),
        ("  resident after malloc_trim", one_trimmed),
        ("  alive (tracemalloc, numpy included)", one_traced),
        (f"after {runs} results: resident", after),
        ("  resident after malloc_trim", after_trimmed),
        ("  alive (tracemalloc, numpy included)", after_traced),
        (f"alive: growth from result 1 to {runs}", after_traced - one_traced),
        ("image + histogram (shared by all runs)", image_bytes(current.image, current.cache)),
        ("history: renders, label maps, steps", history.nbytes()),
        ("  of which renders kept", sum(e.render_bytes() for e in entries)),
        ("  of which label maps kept", sum(e.map_bytes() for e in entries)),
        ("  of which always kept (labels, steps)", sum(e.kept_bytes() for e in entries)),
    ]
    for label, value in rows:
        print(f"{label:<46}{value / MiB:>10.1f}")
    print(f"entries with their render: {sum(e.rendered for e in entries)} of {len(entries)}, "
          f"with their label map: {sum(e.has_label_map for e in entries)}")
    print()

    painted: list[float] = []
    original_paint = window.view.paintEvent

    def paint(event):  # type: ignore[no-untyped-def]
        original_paint(event)
        painted.append(time.perf_counter())

    window.view.paintEvent = paint  # type: ignore[method-assign]
    window.view.setFocus()
    print(f"{'Ctrl+Z to':<14}{'kept':>6}{'ms':>10}")
    times: dict[bool, list[float]] = {True: [], False: []}
    for step in range(runs - 1):
        target = history.entries[history.index - 1]
        kept = target.rendered
        # As a user would: after the window has settled (the last result's finishing, error
        # figures and colour-vision checks, runs on a task thread).
        wait_for(app, lambda: not window.finishing.finisher.busy, 60)
        painted.clear()
        start = time.perf_counter()
        QTest.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        wait_for(app, lambda: bool(painted), 30)
        elapsed = (painted[0] - start) * 1000
        assert window.model.outcome is target.outcome()
        times[kept].append(elapsed)
        print(f"k {target.options.k:<12}{'yes' if kept else 'no':>6}{elapsed:>10.1f}")
        del step
    for kept, label in ((True, "render kept"), (False, "re-rendered")):
        if times[kept]:
            print(f"median, {label}: {statistics.median(times[kept]):.1f} ms "
                  f"(max {max(times[kept]):.1f}, {len(times[kept])} undos)")
    # Ctrl+Shift+Z held down: each press as soon as the one before has painted, without
    # waiting for the finishing (error figures) of the result it showed.
    held: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(runs - 1):
        target = history.entries[history.index + 1]
        kept = target.rendered
        painted.clear()
        start = time.perf_counter()
        QTest.keyClick(window.view, Qt.Key.Key_Z,
                       Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
        wait_for(app, lambda: bool(painted), 30)
        held[kept].append((painted[0] - start) * 1000)
    for kept, label in ((True, "render kept"), (False, "re-rendered")):
        if held[kept]:
            print(f"redo held down, {label}: median {statistics.median(held[kept]):.1f} ms "
                  f"(max {max(held[kept]):.1f}, {len(held[kept])} redos)")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
