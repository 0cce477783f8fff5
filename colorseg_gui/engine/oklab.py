"""OKLab (Bjorn Ottosson, 2020): a perceptual space where Euclidean distance tracks how
different two colours look, cheaper than CIEDE2000 and without its discontinuities."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

_RGB_TO_LMS = np.array([[0.4122214708, 0.5363325363, 0.0514459929],
                        [0.2119034982, 0.6806995451, 0.1073969566],
                        [0.0883024619, 0.2817188376, 0.6299787005]])
_LMS_TO_LAB = np.array([[0.2104542553, 0.7936177850, -0.0040720468],
                        [1.9779984951, -2.4285922050, 0.4505937099],
                        [0.0259040371, 0.7827717662, -0.8086757660]])
_LAB_TO_LMS = np.linalg.inv(_LMS_TO_LAB)
_LMS_TO_RGB = np.linalg.inv(_RGB_TO_LMS)


def srgb_to_oklab(rgb: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """sRGB on 0..255 (any leading shape, last axis 3) to OKLab (L 0..1)."""
    v = np.asarray(rgb, dtype=np.float64) / 255.0
    linear = np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)
    return np.asarray(np.cbrt(linear @ _RGB_TO_LMS.T) @ _LMS_TO_LAB.T)


def oklab_to_srgb_float(lab: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """OKLab to sRGB on 0..255 as floats, clipped to the gamut."""
    lms = (np.asarray(lab, dtype=np.float64) @ _LAB_TO_LMS.T) ** 3
    linear = np.clip(lms @ _LMS_TO_RGB.T, 0.0, 1.0)
    encoded = np.where(linear <= 0.0031308, linear * 12.92, 1.055 * linear ** (1 / 2.4) - 0.055)
    return np.asarray(encoded * 255.0)


def oklab_to_srgb(lab: npt.ArrayLike) -> npt.NDArray[np.uint8]:
    return np.clip(np.rint(oklab_to_srgb_float(lab)), 0, 255).astype(np.uint8)
