"""Time what makes a result ready to make, on one photo: python bench_make.py [IMAGE] [-k K]

Prints one table: region cleanup (area, thickness, both), dithering (Floyd-Steinberg and
Bayer), the error map and the colour-vision check, each the median of five runs after the
k-means result exists (the clustering itself is not timed here: bench_kmeans.py does that).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from colorseg_gui.engine.io.loading import load_image
from colorseg_gui.engine.make.dither import dither_floyd_steinberg, dither_ordered
from colorseg_gui.engine.make.error_map import cluster_errors, error_picture, pixel_errors
from colorseg_gui.engine.make.regions import CleanupOptions, clean_regions
from colorseg_gui.engine.make.vision import confusable_pairs, simulate
from colorseg_gui.engine.render import render_segmented
from colorseg_gui.engine.segmentation import segment

SHARED = Path(__file__).resolve().parents[3] / "shared"


def _median_seconds(run: Callable[[], object], repeats: int = 5) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("image", nargs="?", default=str(SHARED / "photos" / "Shell_5120x2880.jpg"))
    parser.add_argument("-k", type=int, default=16)
    args = parser.parse_args()
    picture = load_image(args.image)
    result = segment(picture.rgb, k=args.k, seed=0)
    hist, palette, entry_labels = result.histogram, result.palette, result.step.labels
    label_map = result.labels
    segmented = render_segmented(hist, palette, entry_labels)
    print(f"{Path(args.image).name}: {picture.width} x {picture.height} "
          f"({picture.width * picture.height / 1e6:.1f} MP), k={args.k}, "
          f"{hist.n_colors} distinct colours")
    rows: list[tuple[str, float, str]] = []
    for name, options in [
        ("cleanup: area >= 50 px, 4-connected", CleanupOptions(min_area=50)),
        ("cleanup: area >= 50 px, 8-connected", CleanupOptions(min_area=50, connectivity=8)),
        ("cleanup: thickness >= 3 px", CleanupOptions(min_thickness=3)),
        ("cleanup: area >= 50 px + thickness >= 3 px",
         CleanupOptions(min_area=50, min_thickness=3)),
    ]:
        seconds, (_, counts) = _median_seconds(lambda o=options: clean_regions(label_map,
                                                                                palette, o))
        rows.append((name, seconds, f"regions {counts.regions_before} -> "
                     f"{counts.regions_after}, small {counts.small_before} -> "
                     f"{counts.small_after}, changes/row {counts.changes_per_row_before:.0f} "
                     f"-> {counts.changes_per_row_after:.0f}, max dE {counts.max_delta_e:.1f}"))
    seconds, _ = _median_seconds(
        lambda: dither_floyd_steinberg(picture.rgb, segmented, palette, 1.0))
    rows.append(("dither: Floyd-Steinberg, strength 1", seconds, ""))
    seconds, _ = _median_seconds(lambda: dither_ordered(picture.rgb, palette, 1.0))
    rows.append(("dither: Bayer 8x8, strength 1", seconds, ""))
    seconds, _ = _median_seconds(
        lambda: error_picture(pixel_errors(hist, palette, entry_labels)))
    summary = cluster_errors(hist, palette, entry_labels)
    rows.append(("error map: CIEDE2000 per pixel + picture", seconds,
                 f"mean dE {summary.overall_mean:.2f}, worst cluster mean "
                 f"{summary.mean.max():.2f}"))

    def vision() -> object:
        for kind in ("protanopia", "deuteranopia", "tritanopia"):
            render_segmented(hist, simulate(palette, kind), entry_labels)
        return confusable_pairs(palette)

    seconds, pairs = _median_seconds(vision)
    rows.append(("colour vision: 3 simulated views + confusable pairs", seconds,
                 f"{len(pairs)} confusable pairs"))  # type: ignore[arg-type]
    width = max(len(r[0]) for r in rows)
    print(f"{'step':>{width}} | median s | what it found")
    print("-" * (width + 1) + "+" + "-" * 10 + "+" + "-" * 40)
    for name, seconds, found in rows:
        print(f"{name:>{width}} | {seconds:8.3f} | {found}")


if __name__ == "__main__":
    main()
