"""Benchmark: colour-quantisation quality and k-means time on the CQ100 images.

Run:  python tests/benchmarks/bench_cq100.py [--ks 16,64] [--limit N] [--seed 0]
(images: every PNG in ../shared/cq100, or COLORSEG_SHARED/cq100).  Not collected by pytest;
bench_kmeans.py prints this table after its own.

Per image and k, side by side in one run (A B A B, so that both share the machine's load):
  ours:     iter_kmeans with its defaults on the image's weighted distinct colours
  sklearn:  KMeans(n_init=1, init="k-means++", algorithm="lloyd", same seed) fitted on the
            same distinct colours (float32) with their pixel counts as sample_weight
  pngquant: `pngquant --nofs --speed 1 K` (where installed), the whole command timed
  median cut, octree: Pillow's Image.quantize, no dithering
MSE: mean over pixels of the squared RGB error summed over the three channels, palette
rounded to 8 bits; PSNR = 10 log10(255^2 / (MSE / 3)) dB of the mean MSE.  Times are
seconds per image; for ours and sklearn the clustering only (both get the same histogram).
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

from colorseg_gui.engine import build_histogram, iter_kmeans

_SHARED = Path(
    os.environ.get("COLORSEG_SHARED", Path(__file__).resolve().parents[2].parent / "shared")
)
CQ100 = _SHARED / "cq100"


def _mse_hist(hist, palette: np.ndarray, labels: np.ndarray) -> float:  # type: ignore[no-untyped-def]
    pal = np.clip(np.rint(palette), 0, 255).astype(np.float64)
    diff = hist.colors.astype(np.float64) - pal[labels]
    return float(hist.weights @ np.einsum("ij,ij->i", diff, diff) / hist.weights.sum())


def _mse_image(rgb: np.ndarray, out: np.ndarray) -> float:
    diff = (rgb.astype(np.int32) - out.astype(np.int32)).reshape(-1, 3)
    return float(np.einsum("ij,ij->", diff, diff, dtype=np.int64)) / diff.shape[0]


def _ours(hist, k: int, seed: int) -> tuple[float, float, int]:  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    last = None
    for step in iter_kmeans(hist, k, seed=seed):
        last = step
    elapsed = time.perf_counter() - t0
    assert last is not None
    return _mse_hist(hist, last.palette, last.labels), elapsed, last.iteration


def _sklearn(hist, k: int, seed: int) -> tuple[float, float, int]:  # type: ignore[no-untyped-def]
    from sklearn.cluster import KMeans

    x = hist.colors.astype(np.float32)
    t0 = time.perf_counter()
    model = KMeans(n_clusters=k, n_init=1, init="k-means++", algorithm="lloyd", random_state=seed)
    model.fit(x, sample_weight=hist.weights)
    elapsed = time.perf_counter() - t0
    return _mse_hist(hist, model.cluster_centers_, model.labels_), elapsed, int(model.n_iter_)


def _pngquant(path: Path, rgb: np.ndarray, k: int) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "q.png"
        t0 = time.perf_counter()
        subprocess.run(
            [
                "pngquant",
                "--nofs",
                "--speed",
                "1",
                "--force",
                "--output",
                str(out),
                str(k),
                "--",
                str(path),
            ],
            check=True,
            capture_output=True,
        )
        elapsed = time.perf_counter() - t0
        with Image.open(out) as im:
            result = np.asarray(im.convert("RGB"))
    return _mse_image(rgb, result), elapsed


def _pillow(rgb: np.ndarray, k: int, method: Image.Quantize) -> tuple[float, float]:
    im = Image.fromarray(rgb)
    t0 = time.perf_counter()
    quantised = im.quantize(colors=k, method=method, dither=Image.Dither.NONE)
    elapsed = time.perf_counter() - t0
    return _mse_image(rgb, np.asarray(quantised.convert("RGB"))), elapsed


def _psnr(mse: float) -> float:
    return 10 * math.log10(255.0**2 / (mse / 3.0)) if mse > 0 else math.inf


def run(ks: list[int], limit: int | None = None, seed: int = 0, out=sys.stdout) -> None:  # type: ignore[no-untyped-def]
    paths = sorted(CQ100.glob("*.png"))[:limit]
    if not paths:
        print(f"no CQ100 images in {CQ100}", file=out)
        return
    has_pngquant = shutil.which("pngquant") is not None
    methods = (
        ["ours", "sklearn"] + (["pngquant"] if has_pngquant else []) + ["median cut", "octree"]
    )
    rows: dict[tuple[str, int], list[tuple[float, float, int]]] = {
        (m, k): [] for m in methods for k in ks
    }
    colours = []
    for path in paths:
        with Image.open(path) as im:
            rgb = np.ascontiguousarray(np.asarray(im.convert("RGB")))
        hist = build_histogram(rgb)
        colours.append(hist.n_colors)
        for k in ks:
            rows["ours", k].append(_ours(hist, k, seed))
            rows["sklearn", k].append(_sklearn(hist, k, seed))
            if has_pngquant:
                rows["pngquant", k].append((*_pngquant(path, rgb, k), 0))
            rows["median cut", k].append((*_pillow(rgb, k, Image.Quantize.MEDIANCUT), 0))
            rows["octree", k].append((*_pillow(rgb, k, Image.Quantize.FASTOCTREE), 0))
    missing = "" if has_pngquant else "; pngquant not installed"
    print(
        f"\nCQ100: {len(paths)} images (768 x 512), {np.mean(colours) / 1e3:.0f} k distinct colours"
        f" on average; seed {seed}; MSE = mean RGB squared error per pixel (3 channels), PSNR in"
        " dB; s = seconds per image (ours and sklearn: clustering of the same weighted distinct"
        f" colours; pngquant: the whole command){missing}",
        file=out,
    )
    head = [
        "method",
        "k",
        "mean MSE",
        "PSNR",
        "MSE / sklearn",
        "iters",
        "s / image",
        "sklearn s / ours s",
    ]
    widths = [10, 3, 9, 6, 13, 6, 9, 18]
    print(" | ".join(h.rjust(w) for h, w in zip(head, widths, strict=True)), file=out)
    print("-+-".join("-" * w for w in widths), file=out)
    for k in ks:
        sk_mse = float(np.mean([r[0] for r in rows["sklearn", k]]))
        sk_time = float(np.sum([r[1] for r in rows["sklearn", k]]))
        for method in methods:
            data = rows[method, k]
            mse = float(np.mean([r[0] for r in data]))
            seconds = float(np.sum([r[1] for r in data]))
            iters = f"{np.mean([r[2] for r in data]):.1f}" if method in ("ours", "sklearn") else "-"
            cells = [
                method,
                str(k),
                f"{mse:.1f}",
                f"{_psnr(mse):.2f}",
                f"{mse / sk_mse:.4f}",
                iters,
                f"{seconds / len(data):.3f}",
                f"{sk_time / seconds:.1f}x" if method in ("ours",) else "-",
            ]
            print(
                " | ".join(c.rjust(w) for c, w in zip(cells, widths, strict=True)),
                file=out,
                flush=True,
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ks", default="16,64")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    run([int(v) for v in args.ks.split(",")], args.limit, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
