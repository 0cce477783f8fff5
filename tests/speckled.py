"""A test picture with a known answer for the region tests: two flat halves, 40 one-pixel
white specks and one 4 x 4 white block (43 regions; 41 of them under 20 pixels)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image


def speckled(path: Path, left: tuple[int, int, int], right: tuple[int, int, int],
             alpha: bool = False) -> Path:
    rgb = np.zeros((60, 80, 3), np.uint8)
    rgb[:, :40] = left
    rgb[:, 40:] = right
    for y in (5, 15, 25, 35, 45):
        for x in range(3, 75, 9):
            rgb[y, x] = (250, 250, 250)
    rgb[10:14, 10:14] = (250, 250, 250)
    if alpha:  # the first five columns transparent
        a = np.full((60, 80), 255, np.uint8)
        a[:, :5] = 0
        Image.fromarray(np.dstack([rgb, a])).save(path)
    else:
        Image.fromarray(rgb).save(path)
    return path
