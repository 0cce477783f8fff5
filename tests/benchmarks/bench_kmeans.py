"""Benchmark: ColorSeg's exact histogram k-means against scikit-learn on the same pixels.

Run:  python tests/benchmarks/bench_kmeans.py [IMAGES...] [--quick] [--no-sklearn] ...
(default images: every photo in ../shared/photos).  Not collected by pytest.

Per image it runs, both with the default stopping rule and with strict convergence
(tol = 0 on both sides: no pixel changes cluster):
  ours:  build_histogram, iter_kmeans to the end, render_segmented; times exclude decoding.
  sklearn: KMeans(n_clusters=k, n_init=1, init="k-means++", algorithm="lloyd") fitted on all
           pixels as a float32 N x 3 array (float32 is sklearn's faster path; converting the
           pixels is not timed).  sklearn's default tol is 1e-4 x mean variance on centre
           shifts; ours is a 1e-4 relative drop of J.
MSE is the mean over all pixels of ||pixel - palette[label]||^2 in sRGB 0..255 with the
palette rounded to uint8 (what the exported image shows), computed the same way for both.
At k = 16 (default rule) every number is the median over --seeds seeds.
Strict sklearn is slow (hundreds of full passes over 15 MP), so by default it runs only on
images up to --sklearn-strict-max-mp megapixels; --sklearn-max-iter caps its iterations.
Peak memory: each image is segmented again at k = 16 in a fresh subprocess (decode included)
and its peak RSS is compared with 2.5 x the decoded RGB + 200 MB.
CQ100: then bench_cq100.py's table (quality and time on the CQ100 images, with scikit-learn
on the same weighted distinct colours, pngquant where installed and Pillow; --no-cq100).
Worst case: a 4000 x 3000 uniform-noise image at k = 16 through iter_segment (histogram
included): total time, time to the first step and the largest gap between steps.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

from colorseg_gui.engine import build_histogram, iter_kmeans, iter_segment, render_segmented

PHOTOS = Path(__file__).resolve().parents[2].parent / "shared" / "photos"
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff", ".bmp"}


def load_rgb(path: Path) -> np.ndarray:
    with Image.open(path) as im:
        return np.ascontiguousarray(np.asarray(im.convert("RGB")))


def mse_of(pixels: np.ndarray, palette: np.ndarray, labels: np.ndarray) -> float:
    """Mean squared RGB error of every pixel against its cluster's uint8 colour (chunked)."""
    total = 0.0
    pal = palette.astype(np.int32)
    for start in range(0, pixels.shape[0], 1 << 20):
        diff = (
            pixels[start : start + (1 << 20)].astype(np.int32)
            - pal[labels[start : start + (1 << 20)]]
        )
        total += float(np.einsum("ij,ij->", diff, diff, dtype=np.int64))
    return total / pixels.shape[0]


def run_ours(rgb: np.ndarray, k: int, seed: int, tol: float) -> dict:
    t0 = time.perf_counter()
    hist = build_histogram(rgb)
    t1 = time.perf_counter()
    last = None
    for step in iter_kmeans(hist, k, seed=seed, tol=tol):
        last = step
    t2 = time.perf_counter()
    assert last is not None
    render_segmented(hist, last.palette, last.labels)
    t3 = time.perf_counter()
    init = last.timings["init"]
    flat = rgb.reshape(-1, 3)
    return {
        "hist": t1 - t0,
        "init": init,
        "iters": last.iteration,
        "ms_iter": (t2 - t1 - init) * 1e3 / max(1, last.iteration),
        "render": t3 - t2,
        "cluster": t2 - t0,
        "total": t3 - t0,
        "mse": mse_of(flat, last.palette, last.labels[hist.index]),
        "colors": hist.n_colors,
        "reason": last.stop_reason,
    }


def run_sklearn(rgb: np.ndarray, k: int, seed: int, tol: float, max_iter: int) -> dict:
    from sklearn.cluster import KMeans

    flat = rgb.reshape(-1, 3)
    x = flat.astype(np.float32)
    t0 = time.perf_counter()
    model = KMeans(
        n_clusters=k,
        n_init=1,
        init="k-means++",
        algorithm="lloyd",
        random_state=seed,
        tol=tol,
        max_iter=max_iter,
    ).fit(x)
    elapsed = time.perf_counter() - t0
    palette = np.clip(np.rint(model.cluster_centers_), 0, 255).astype(np.uint8)
    return {
        "total": elapsed,
        "iters": int(model.n_iter_),
        "mse": mse_of(flat, palette, model.labels_),
    }


def median_runs(runs: list[dict]) -> dict:
    out = dict(runs[0])
    for key in ("hist", "init", "iters", "ms_iter", "render", "cluster", "total", "mse"):
        if key in out:
            out[key] = statistics.median(r[key] for r in runs)
    return out


def peak_memory(path: Path) -> tuple[float, float]:
    """(peak RSS MB of a fresh process that decodes and segments at k=16, budget MB).

    Read from VmHWM: ru_maxrss of a spawned child starts at its parent's RSS on Linux.
    """
    code = (
        "import json, sys\n"
        "from pathlib import Path\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from bench_kmeans import load_rgb\n"
        "from colorseg_gui.engine import segment\n"
        f"rgb = load_rgb(Path({str(path)!r}))\n"
        "r = segment(rgb, 16)\n"
        "status = Path('/proc/self/status').read_text().split('\\n')\n"
        "hwm = next(int(l.split()[1]) for l in status if l.startswith('VmHWM:'))\n"
        "print(json.dumps([hwm / 1024, rgb.nbytes / 2**20]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    peak, rgb_mb = json.loads(out.stdout)
    return peak, 2.5 * rgb_mb + 200


def noise_case(k: int = 16) -> dict:
    rgb = np.random.default_rng(0).integers(0, 256, size=(3000, 4000, 3), dtype=np.uint8)
    t0 = time.perf_counter()
    times = []
    last = None
    for step in iter_segment(rgb, k):
        times.append(time.perf_counter())
        last = step
    assert last is not None
    gaps = np.diff([t0, *times])
    return {
        "total": times[-1] - t0,
        "first": gaps[0],
        "max_gap_after_first": max(gaps[1:], default=0),
        "iters": last.iteration,
        "reason": last.stop_reason,
        "colors": int(np.unique(rgb.reshape(-1, 3) @ np.array([65536, 256, 1])).size),
    }


def fmt_row(cells: list[str], widths: list[int]) -> str:
    return " | ".join(c.rjust(w) for c, w in zip(cells, widths, strict=True))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("images", nargs="*", type=Path)
    parser.add_argument(
        "--quick", action="store_true", help="k=16 only, one seed, no strict, no noise"
    )
    parser.add_argument("--ks", default="8,16,64")
    parser.add_argument("--seeds", type=int, default=3, help="seeds for the k=16 median")
    parser.add_argument("--no-sklearn", action="store_true")
    parser.add_argument("--sklearn-max-iter", type=int, default=300)
    parser.add_argument("--sklearn-strict-max-mp", type=float, default=5.0)
    parser.add_argument("--no-noise", action="store_true")
    parser.add_argument("--no-memory", action="store_true")
    parser.add_argument("--no-cq100", action="store_true", help="skip the CQ100 quality table")
    parser.add_argument("--cq100-ks", default="16,64")
    args = parser.parse_args(argv)

    paths = args.images or sorted(p for p in PHOTOS.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    ks = [16] if args.quick else [int(v) for v in args.ks.split(",")]
    seeds = 1 if args.quick else args.seeds
    rules = [("default", 1e-4)] if args.quick else [("default", 1e-4), ("strict", 0.0)]

    head = [
        "image",
        "MP",
        "colours",
        "k",
        "rule",
        "hist s",
        "init s",
        "iters x ms",
        "render s",
        "ours s",
        "ours MSE",
        "sk iters",
        "sk s",
        "time x",
        "x w/ render",
        "MSE ratio",
        "peak/budget MB",
    ]
    widths = [22, 5, 7, 3, 7, 6, 6, 13, 8, 6, 8, 8, 7, 6, 11, 9, 14]
    print(
        "sklearn: KMeans(n_init=1, init='k-means++', algorithm='lloyd') on float32 pixels;"
        f" strict sklearn only up to {args.sklearn_strict_max_mp} MP;"
        f" k=16 default rule = median of {seeds} seeds; 'ours s' = histogram + init +"
        " iterations (sklearn's fit likewise ends with a label per pixel); 'x w/ render' also"
        " counts rendering the segmented image",
        flush=True,
    )
    print(fmt_row(head, widths), flush=True)
    print("-+-".join("-" * w for w in widths), flush=True)
    for path in paths:
        rgb = load_rgb(path)
        mp = rgb.shape[0] * rgb.shape[1] / 1e6
        memory = None if args.no_memory else peak_memory(path)
        for rule, tol in rules:
            for k in ks:
                if rule == "strict" and k != 16:
                    continue
                n_seeds = seeds if (k == 16 and rule == "default") else 1
                ours = median_runs([run_ours(rgb, k, s, tol) for s in range(n_seeds)])
                sk = None
                if not args.no_sklearn and (rule == "default" or mp <= args.sklearn_strict_max_mp):
                    sk = median_runs(
                        [run_sklearn(rgb, k, s, tol, args.sklearn_max_iter) for s in range(n_seeds)]
                    )
                mem = "-"
                if memory is not None and k == 16 and rule == "default":
                    mem = f"{memory[0]:.0f}/{memory[1]:.0f}"
                cells = [
                    path.stem[:22],
                    f"{mp:.1f}",
                    f"{ours['colors'] // 1000}k",
                    str(k),
                    rule,
                    f"{ours['hist']:.3f}",
                    f"{ours['init']:.3f}",
                    f"{ours['iters']:.0f} x {ours['ms_iter']:.1f}",
                    f"{ours['render']:.3f}",
                    f"{ours['cluster']:.2f}",
                    f"{ours['mse']:.2f}",
                    f"{sk['iters']:.0f}" if sk else "-",
                    f"{sk['total']:.1f}" if sk else "-",
                    f"{sk['total'] / ours['cluster']:.0f}x" if sk else "-",
                    f"{sk['total'] / ours['total']:.0f}x" if sk else "-",
                    f"{ours['mse'] / sk['mse']:.4f}" if sk else "-",
                    mem,
                ]
                print(fmt_row(cells, widths), flush=True)
    if not (args.quick or args.no_noise):
        noise = noise_case()
        print(
            f"worst case 4000x3000 uniform noise ({noise['colors'] / 1e6:.1f} M colours), k=16,"
            f" histogram included: total {noise['total']:.2f} s, {noise['iters']} steps"
            f" ({noise['reason']}), first step after {noise['first']:.2f} s, largest gap"
            f" between steps {noise['max_gap_after_first']:.2f} s",
            flush=True,
        )
    if not args.no_cq100:
        import bench_cq100

        bench_cq100.run([int(v) for v in args.cq100_ks.split(",")])
    return 0


if __name__ == "__main__":
    sys.exit(main())
