"""CIEDE2000 colour differences (Sharma, Wu and Dalal 2005), vectorised over any shape."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from colorseg_gui.engine.colorspace import srgb_to_lab

FloatArray = npt.NDArray[np.float64]

_25_POW_7 = 25.0**7


def delta_e_2000(lab1: npt.ArrayLike, lab2: npt.ArrayLike) -> FloatArray:
    """CIEDE2000 between CIELAB colours (last axis L, a, b); shapes broadcast.

    kL = kC = kH = 1 (graphic arts). Follows the paper's notes on the hue angle of achromatic
    colours and on the mean hue, so that its 34 test pairs come out to four decimals.
    """
    a = np.asarray(lab1, dtype=np.float64)
    b = np.asarray(lab2, dtype=np.float64)
    l1, a1, b1 = a[..., 0], a[..., 1], a[..., 2]
    l2, a2, b2 = b[..., 0], b[..., 1], b[..., 2]
    c_mean = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    c7 = c_mean**7
    g = 0.5 * (1 - np.sqrt(c7 / (c7 + _25_POW_7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.where((a1p == 0) & (b1 == 0), 0.0, np.degrees(np.arctan2(b1, a1p)) % 360)
    h2p = np.where((a2p == 0) & (b2 == 0), 0.0, np.degrees(np.arctan2(b2, a2p)) % 360)
    chroma_product = c1p * c2p
    dh = h2p - h1p
    dh = np.where(dh > 180, dh - 360, np.where(dh < -180, dh + 360, dh))
    dh = np.where(chroma_product == 0, 0.0, dh)
    d_l = l2 - l1
    d_c = c2p - c1p
    d_h = 2 * np.sqrt(chroma_product) * np.sin(np.radians(dh / 2))
    l_mean = (l1 + l2) / 2
    cp_mean = (c1p + c2p) / 2
    h_sum = h1p + h2p
    h_mean = np.where(
        chroma_product == 0, h_sum,
        np.where(np.abs(h1p - h2p) <= 180, h_sum / 2,
                 np.where(h_sum < 360, (h_sum + 360) / 2, (h_sum - 360) / 2)),
    )
    t = (1 - 0.17 * np.cos(np.radians(h_mean - 30)) + 0.24 * np.cos(np.radians(2 * h_mean))
         + 0.32 * np.cos(np.radians(3 * h_mean + 6)) - 0.20 * np.cos(np.radians(4 * h_mean - 63)))
    d_theta = 30 * np.exp(-(((h_mean - 275) / 25) ** 2))
    cp7 = cp_mean**7
    r_c = 2 * np.sqrt(cp7 / (cp7 + _25_POW_7))
    l50 = (l_mean - 50) ** 2
    s_l = 1 + 0.015 * l50 / np.sqrt(20 + l50)
    s_c = 1 + 0.045 * cp_mean
    s_h = 1 + 0.015 * cp_mean * t
    r_t = -np.sin(np.radians(2 * d_theta)) * r_c
    return np.asarray(np.sqrt(
        (d_l / s_l) ** 2 + (d_c / s_c) ** 2 + (d_h / s_h) ** 2
        + r_t * (d_c / s_c) * (d_h / s_h)
    ))


def delta_e_2000_rgb(rgb1: npt.ArrayLike, rgb2: npt.ArrayLike) -> FloatArray:
    """CIEDE2000 between sRGB colours on 0..255 (last axis 3)."""
    return delta_e_2000(srgb_to_lab(rgb1), srgb_to_lab(rgb2))


def palette_distances(palette: npt.ArrayLike) -> FloatArray:
    """k x k CIEDE2000 distances between the colours of an sRGB palette."""
    lab = srgb_to_lab(palette)
    return delta_e_2000(lab[:, None, :], lab[None, :, :])
