"""Own colours on CQ100: best N against mapping the k-means result, for the note's table.

python bench_palette.py [FOLDER]: for each image, a 64-colour palette is built from its k=256
result (every 4th colour by share); at N = 8 and 16 it prints the mean error (CIEDE2000 and
OKLab x 100 per pixel) of mapping the k=N k-means colours to their nearest owned colour and
of picking the best N owned colours, and the time of each.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np

from colorseg_gui.engine.io.loading import load_image
from colorseg_gui.engine.make.palette_fit import best_from_palette, map_to_palette
from colorseg_gui.engine.segmentation import segment

FOLDER = Path(__file__).resolve().parents[3] / "shared" / "cq100"


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else FOLDER
    rows: dict[tuple[str, int], list[tuple[float, float, float, float]]] = {}
    for path in sorted(folder.glob("*.png")):
        picture = load_image(path)
        big = segment(picture.rgb, k=256, seed=0)
        owned = big.palette[np.argsort(-big.weights, kind="stable")][::4][:64]
        for n in (8, 16):
            kmeans = segment(picture.rgb, k=n, seed=0).palette
            for metric in ("de2000", "oklab"):
                start = time.perf_counter()
                mapped = map_to_palette(big.histogram, kmeans, owned, metric)
                map_s = time.perf_counter() - start
                start = time.perf_counter()
                best = best_from_palette(big.histogram, owned, n, metric, start_colors=kmeans)
                best_s = time.perf_counter() - start
                assert set(best.chosen.tolist()) <= set(range(len(owned)))
                rows.setdefault((metric, n), []).append(
                    (mapped.error, best.error, map_s, best_s))
    print(f"{len(rows[('de2000', 8)])} images of {folder}")
    print("metric |  N | map error | best-N error | ratio | best wins | map s | best s")
    for (metric, n), values in sorted(rows.items()):
        mapped = statistics.mean(v[0] for v in values)
        best = statistics.mean(v[1] for v in values)
        wins = sum(v[1] < v[0] for v in values)
        print(f"{metric:>6} | {n:2d} | {mapped:9.3f} | {best:12.3f} | {best / mapped:5.3f} | "
              f"{wins:3d}/{len(values)} | {statistics.median(v[2] for v in values):5.2f} | "
              f"{statistics.median(v[3] for v in values):6.2f}")


if __name__ == "__main__":
    main()
