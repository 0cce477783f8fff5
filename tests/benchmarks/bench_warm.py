"""Benchmark: k -> k+1 warm-started (split the worst cluster, then Lloyd) against a cold run.

Run:  python tests/benchmarks/bench_warm.py [IMAGES...] [-k 8] [--down]
(default images: every photo in ../shared/photos, plus Autumn upscaled to 15 MP in a temp
dir).  Not collected by pytest.  The histogram is built once per image and not timed (the
window caches it).  Per image: the cold run at k+1 and the warm run from the k result
(seconds to its final step, and to its first, WARM, step: the edited palette with exact
labels), J warm / J cold, and how many of the k previous colours stay within CIEDE2000 2
of where they were, by cluster id (the issue's goal: warm <= 0.3 s on 15 MP, >= k - 1 kept).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from bench_kmeans import IMAGE_SUFFIXES, PHOTOS, load_rgb
from PIL import Image

from colorseg_gui.engine import KMeansOptions, KMeansStep, build_histogram, run_kmeans, warm_run
from colorseg_gui.engine.make.color_difference import delta_e_2000_rgb

UPSCALE_FROM = "Autumn_2560x1600.jpg"
TARGET_PIXELS = 15_000_000


def _timed(steps: Iterator[KMeansStep]) -> tuple[KMeansStep, float, float]:
    """The final step, seconds to the first step and to the last."""
    start = time.perf_counter()
    first = 0.0
    last = None
    for step in steps:
        first = first or time.perf_counter() - start
        last = step
    assert last is not None and last.final
    return last, first, time.perf_counter() - start


def kept_colours(previous: KMeansStep, now: KMeansStep, limit: float = 2.0) -> int:
    """Previous clusters whose id survives with its colour within CIEDE2000 `limit`."""
    rows = {cid: row for row, cid in enumerate(now.ids)}
    kept = 0
    for row, cid in enumerate(previous.ids):
        if cid in rows:
            de = float(delta_e_2000_rgb(previous.palette[row], now.palette[rows[cid]]))
            kept += de <= limit
    return kept


def measure(path: Path, k: int, step: int) -> str:
    hist = build_histogram(load_rgb(path))
    options = KMeansOptions(k=k, seed=0)
    previous, _, _ = _timed(run_kmeans(hist, options))
    new_k = k + step
    cold, _, cold_s = _timed(run_kmeans(hist, options.replace(k=new_k)))
    warm, first_s, warm_s = _timed(warm_run(hist, previous, new_k, options.replace(k=new_k)))
    with Image.open(path) as im:
        size = f"{im.width}x{im.height}"
    return (f"{path.stem[:22]:>22} {size:>9} {hist.n_colors / 1e3:5.0f}k | "
            f"cold {cold_s:5.2f} s ({cold.iteration:3d} it) | warm {warm_s:5.2f} s "
            f"({warm.iteration:3d} it, first {first_s:4.2f} s) x{cold_s / warm_s:4.1f} | "
            f"J warm/cold {warm.inertia / cold.inertia:6.4f} | kept {kept_colours(previous, warm)}"
            f"/{k}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("images", nargs="*", type=Path)
    parser.add_argument("-k", type=int, default=8)
    parser.add_argument("--down", action="store_true", help="k -> k-1 instead of k+1")
    args = parser.parse_args()
    step = -1 if args.down else 1
    with tempfile.TemporaryDirectory() as tmp:
        images = args.images
        if not images:
            images = sorted(p for p in PHOTOS.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
            with Image.open(PHOTOS / UPSCALE_FROM) as im:
                scale = (TARGET_PIXELS / (im.width * im.height)) ** 0.5
                big = im.convert("RGB").resize((round(im.width * scale),
                                                round(im.height * scale)), Image.BICUBIC)
            upscaled = Path(tmp) / f"{Path(UPSCALE_FROM).stem}_15MP.png"
            big.save(upscaled, compress_level=1)
            images.append(upscaled)
        print(f"k = {args.k} -> {args.k + step}, seed 0, default tol; histogram cached")
        for path in images:
            print(measure(path, args.k, step), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
