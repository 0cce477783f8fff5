"""Where a result is wrong: CIEDE2000 of every pixel to the original, per cluster, as a picture.

Computed on the distinct colours of the histogram (a 15 MP photo has a few hundred thousand)
and painted through its index, so the map costs about as much as rendering the result.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from colorseg_gui.engine.cluster.histogram import ColorHistogram
from colorseg_gui.engine.colorspace import srgb_to_lab
from colorseg_gui.engine.make.color_difference import delta_e_2000
from colorseg_gui.engine.render import entry_table

# The scale of the picture: CIEDE2000 0 (black-violet) to 20 and above (yellow). About 2.3 is
# a just-noticeable difference; above 10 colours read as different ones.
SCALE_MAX = 20.0
# Viridis (perceptually uniform, readable in greyscale and by dichromats), nine stops.
_VIRIDIS = np.array([
    (68, 1, 84), (71, 44, 122), (59, 81, 139), (44, 113, 142), (33, 144, 141),
    (39, 173, 129), (92, 200, 99), (170, 220, 50), (253, 231, 37),
], dtype=np.float64)
_LUT = np.stack([np.interp(np.linspace(0, 1, 256), np.linspace(0, 1, len(_VIRIDIS)),
                           _VIRIDIS[:, c]) for c in range(3)], axis=1)
LUT: npt.NDArray[np.uint8] = np.rint(_LUT).astype(np.uint8)  # 256 x 3


def _delta_e(colours: npt.NDArray[np.uint8], palette: npt.NDArray[np.floating]
             ) -> npt.NDArray[np.float64]:
    return delta_e_2000(srgb_to_lab(colours), srgb_to_lab(palette))


def entry_errors(
    hist: ColorHistogram, palette: npt.NDArray[np.uint8], entry_labels: npt.NDArray[np.integer]
) -> npt.NDArray[np.float64]:
    """CIEDE2000 of each distinct colour to the palette colour of its cluster."""
    return delta_e_2000(srgb_to_lab(hist.colors), srgb_to_lab(palette)[entry_labels])


def pixel_errors(
    hist: ColorHistogram,
    palette: npt.NDArray[np.uint8],
    entry_labels: npt.NDArray[np.integer],
    label_map: npt.NDArray[np.integer] | None = None,
) -> npt.NDArray[np.float32]:
    """H x W CIEDE2000 of every pixel; ``label_map`` when a cleanup moved some pixels."""
    per_entry = entry_errors(hist, palette, entry_labels).astype(np.float32)
    errors = per_entry[hist.index]
    if label_map is not None:
        flat = np.asarray(label_map).reshape(-1)
        moved = np.flatnonzero(flat != np.asarray(entry_labels)[hist.index])
        # Dithered: most pixels moved. One CIEDE2000 per distinct colour and palette colour,
        # then a lookup per pixel.
        table = entry_table(hist, palette, _delta_e) if moved.size > hist.n_colors else None
        if table is not None:
            errors[moved] = table[hist.index[moved], flat[moved]]
        elif moved.size:
            colours = hist.colors[hist.index[moved]]
            errors[moved] = delta_e_2000(srgb_to_lab(colours), srgb_to_lab(palette[flat[moved]]))
    return errors.reshape(hist.shape)


def error_picture(errors: npt.NDArray[np.floating], scale_max: float = SCALE_MAX
                  ) -> npt.NDArray[np.uint8]:
    """H x W x 3 picture of an error map on the viridis scale, 0 .. ``scale_max``."""
    steps = np.clip(np.asarray(errors, dtype=np.float32) * (255.0 / scale_max), 0, 255)
    return LUT[np.rint(steps).astype(np.uint8)]


@dataclass(frozen=True)
class ClusterErrors:
    """Per cluster: mean (pixel-weighted) and largest CIEDE2000 to the original colours."""

    mean: npt.NDArray[np.float64]  # k
    max: npt.NDArray[np.float64]  # k
    overall_mean: float


def cluster_errors(
    hist: ColorHistogram, palette: npt.NDArray[np.uint8], entry_labels: npt.NDArray[np.integer]
) -> ClusterErrors:
    labels = np.asarray(entry_labels, dtype=np.intp)
    k = len(palette)
    errors = entry_errors(hist, palette, labels)
    weight = np.bincount(labels, weights=hist.weights, minlength=k)
    total = np.bincount(labels, weights=hist.weights * errors, minlength=k)
    largest = np.zeros(k)
    np.maximum.at(largest, labels, np.where(hist.weights > 0, errors, 0.0))
    mean = np.divide(total, weight, out=np.zeros(k), where=weight > 0)
    overall = float(total.sum() / weight.sum()) if weight.sum() > 0 else 0.0
    return ClusterErrors(mean=mean, max=largest, overall_mean=overall)
