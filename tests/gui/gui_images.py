"""Test images made on the fly for the GUI tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image


def make_gradient(path: Path, width: int = 320, height: int = 200) -> Path:
    """A smooth two-axis gradient with noise: many distinct colours, slow to converge."""
    rng = np.random.default_rng(7)
    y, x = np.mgrid[0:height, 0:width]
    rgb = np.stack(
        [255 * x / width, 255 * y / height, 255 * (x + y) / (width + height)], axis=-1
    )
    rgb = np.clip(rgb + rng.normal(0, 6, rgb.shape), 0, 255).astype(np.uint8)
    Image.fromarray(rgb).save(path)
    return path
