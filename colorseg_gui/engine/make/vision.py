"""Colour-vision deficiency: how a palette looks to dichromats, and which colours they confuse.

Machado, Oliveira and Fernandes (2009), "A Physiologically-based Model for Simulation of
Color Vision Deficiency", severity 1.0 matrices, applied to linear sRGB.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from colorseg_gui.engine.make.color_difference import delta_e_2000_rgb

Deficiency = Literal["protanopia", "deuteranopia", "tritanopia"]
DEFICIENCIES: tuple[Deficiency, ...] = ("protanopia", "deuteranopia", "tritanopia")

_MACHADO_2009: dict[Deficiency, npt.NDArray[np.float64]] = {
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779],
                            [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}
DEFAULT_CONFUSION_DELTA_E = 5.0


def _linear(rgb: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    v = rgb / 255.0
    return np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)


def _encoded(linear: npt.NDArray[np.float64]) -> npt.NDArray[np.uint8]:
    v = np.clip(linear, 0.0, 1.0)
    v = np.where(v <= 0.0031308, v * 12.92, 1.055 * v ** (1 / 2.4) - 0.055)
    return np.clip(np.rint(v * 255.0), 0, 255).astype(np.uint8)


def simulate(colors: npt.ArrayLike, deficiency: Deficiency) -> npt.NDArray[np.uint8]:
    """sRGB colours (uint8, last axis 3, any shape) as a dichromat of that kind sees them.

    Meant for palettes and the distinct colours of a histogram (then rendered through the
    label map), not for whole images pixel by pixel.
    """
    matrix = _MACHADO_2009[deficiency]
    linear = _linear(np.asarray(colors, dtype=np.float64))
    return _encoded(np.einsum("...j,ij->...i", linear, matrix))


@dataclass(frozen=True)
class Confusion:
    """Two palette colours that look alike to one kind of viewer."""

    first: int
    second: int
    deficiency: Deficiency
    delta_e: float  # CIEDE2000 between the two as that viewer sees them


def confusable_pairs(
    palette: npt.ArrayLike, threshold: float = DEFAULT_CONFUSION_DELTA_E
) -> list[Confusion]:
    """Pairs of palette colours under ``threshold`` for a dichromat but not for full vision."""
    colours = np.asarray(palette, dtype=np.uint8).reshape(-1, 3)
    first, second = np.triu_indices(len(colours), k=1)
    normal = delta_e_2000_rgb(colours[first], colours[second])
    found = []
    for deficiency in DEFICIENCIES:
        seen = simulate(colours, deficiency)
        distance = delta_e_2000_rgb(seen[first], seen[second])
        for i in np.flatnonzero((distance < threshold) & (normal >= threshold)):
            found.append(Confusion(int(first[i]), int(second[i]), deficiency,
                                   float(distance[i])))
    return found
