"""Benchmark: Lloyd step times at k = 16 on photos, and the step cadence on uniform noise.

Run:  python tests/benchmarks/bench_steps.py [IMAGES...] [--seeds 3] [--no-noise]
(default images: every photo in ../shared/photos).  Not collected by pytest.

Per image and stopping rule (default tol, strict tol = 0) it prints the first exact step and
the median of the later ones over seeds 0..seeds-1 (the issue's target: <= 10 ms per step at
k = 16 on about 450 k colours).  Noise: a 4000 x 3000 uniform-noise image through
iter_segment (histogram included), twice in this process (the first run also pays for fresh
memory), with the time to the first step, the largest gap after it and every step's kind.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import numpy as np
from bench_kmeans import IMAGE_SUFFIXES, PHOTOS, load_rgb

from colorseg_gui.engine import build_histogram, iter_kmeans, iter_segment


def step_times(path: Path, seeds: int) -> str:
    hist = build_histogram(load_rgb(path))
    cells = []
    for tol in (1e-4, 0.0):
        first, later, iters = [], [], []
        for seed in range(seeds):
            ms = [s.timings["step"] * 1e3 for s in iter_kmeans(hist, 16, seed=seed, tol=tol)]
            first.append(ms[0])
            later.append(statistics.median(ms[1:]) if len(ms) > 1 else 0.0)
            iters.append(len(ms))
        rule = "default" if tol else "strict"
        cells.append(
            f"{rule}: {statistics.median(iters):4.0f} steps, first {statistics.median(first):5.1f}"
            f" ms, later median {statistics.median(later):5.1f} ms"
        )
    return f"{path.stem:>24} {hist.n_colors / 1e3:6.0f} k colours | " + " | ".join(cells)


def noise_cadence() -> str:
    rgb = np.random.default_rng(0).integers(0, 256, size=(3000, 4000, 3), dtype=np.uint8)
    t0 = time.perf_counter()
    times, kinds = [], []
    for step in iter_segment(rgb, 16):
        times.append(time.perf_counter())
        kinds.append("p" if step.is_preview else str(step.iteration))
    gaps = np.diff([t0, *times])
    return (
        f"noise 4000x3000 k=16: total {times[-1] - t0:.2f} s, first step after {gaps[0]:.2f} s,"
        f" largest gap after it {max(gaps[1:], default=0.0):.2f} s, steps "
        + " ".join(f"{k}@{t - t0:.2f}" for k, t in zip(kinds, times, strict=True))
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("images", nargs="*", type=Path)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--no-noise", action="store_true")
    args = parser.parse_args()
    images = args.images or sorted(
        p for p in PHOTOS.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES
    )
    for path in images:
        print(step_times(path, args.seeds), flush=True)
    if not args.no_noise:
        for _ in range(2):
            print(noise_cadence(), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
