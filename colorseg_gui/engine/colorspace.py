"""sRGB <-> CIELAB (D65) and OKLab conversions for clustering in a perceptual space.

OKLab coordinates are used x 100 (L 0..100, a and b within about +-40), the scale of CIELAB:
the same float32 error bounds then hold, and J reads in comparable units.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from colorseg_gui.engine.options import Space

# sRGB (IEC 61966-2-1) primaries to XYZ, D65 white.
_RGB_TO_XYZ = np.array(
    [
        [0.4124564, 0.3575761, 0.1804375],
        [0.2126729, 0.7151522, 0.0721750],
        [0.0193339, 0.1191920, 0.9503041],
    ]
)
_XYZ_TO_RGB = np.linalg.inv(_RGB_TO_XYZ)
_WHITE = _RGB_TO_XYZ.sum(axis=1)  # XYZ of sRGB white (D65, Y = 1)
_EPS = 216 / 24389
_KAPPA = 24389 / 27


def _linearize(rgb01: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    return np.where(rgb01 <= 0.04045, rgb01 / 12.92, ((rgb01 + 0.055) / 1.055) ** 2.4)


def _gamma(linear: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    linear = np.clip(linear, 0.0, 1.0)
    return np.where(linear <= 0.0031308, linear * 12.92, 1.055 * linear ** (1 / 2.4) - 0.055)


def srgb_to_lab(rgb: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Convert sRGB values on 0..255 (any leading shape, last axis 3) to CIELAB D65."""
    arr = np.asarray(rgb, dtype=np.float64) / 255.0
    xyz = _linearize(arr) @ _RGB_TO_XYZ.T / _WHITE
    f = np.where(xyz > _EPS, np.cbrt(xyz), (_KAPPA * xyz + 16) / 116)
    lab = np.empty_like(f)
    lab[..., 0] = 116 * f[..., 1] - 16
    lab[..., 1] = 500 * (f[..., 0] - f[..., 1])
    lab[..., 2] = 200 * (f[..., 1] - f[..., 2])
    return lab


def lab_to_srgb_float(lab: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Convert CIELAB D65 to sRGB on 0..255 as floats, clipped to the gamut."""
    arr = np.asarray(lab, dtype=np.float64)
    fy = (arr[..., 0] + 16) / 116
    fx = fy + arr[..., 1] / 500
    fz = fy - arr[..., 2] / 200
    f = np.stack([fx, fy, fz], axis=-1)
    xyz = np.where(f**3 > _EPS, f**3, (116 * f - 16) / _KAPPA) * _WHITE
    return _gamma(xyz @ _XYZ_TO_RGB.T) * 255.0


def lab_to_srgb(lab: npt.ArrayLike) -> npt.NDArray[np.uint8]:
    """Convert CIELAB D65 to sRGB uint8, out-of-gamut values clipped."""
    return np.clip(np.rint(lab_to_srgb_float(lab)), 0, 255).astype(np.uint8)


OKLAB_SCALE = 100.0


def to_space(colors: npt.ArrayLike, space: Space) -> npt.NDArray[np.float64]:
    """Coordinates of sRGB colours (0..255) in the clustering space, as float64."""
    if space == "rgb":
        return np.asarray(colors, dtype=np.float64).copy()
    if space == "lab":
        return srgb_to_lab(colors)
    if space == "oklab":
        from colorseg_gui.engine.oklab import srgb_to_oklab

        return srgb_to_oklab(colors) * OKLAB_SCALE
    raise ValueError(f"unknown colour space {space!r} (expected 'rgb', 'lab' or 'oklab')")


def palette_from_centroids(centroids: npt.ArrayLike, space: Space) -> npt.NDArray[np.uint8]:
    """The sRGB uint8 colours shown for centroids given in the clustering space."""
    if space == "rgb":
        return np.clip(np.rint(np.asarray(centroids, dtype=np.float64)), 0, 255).astype(np.uint8)
    if space == "lab":
        return lab_to_srgb(centroids)
    if space == "oklab":
        from colorseg_gui.engine.oklab import oklab_to_srgb

        return oklab_to_srgb(np.asarray(centroids, dtype=np.float64) / OKLAB_SCALE)
    raise ValueError(f"unknown colour space {space!r} (expected 'rgb', 'lab' or 'oklab')")
