"""Images and runs shared by the batch tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

RNG = np.random.default_rng(11)


def photo(path: Path, h: int = 40, w: int = 56) -> Path:
    """Gradients plus noise: many distinct colours, a few iterations of work."""
    y, x = np.mgrid[0:h, 0:w]
    rgb = np.stack([x * 255 // (w - 1), y * 255 // (h - 1), (x + y) * 255 // (w + h - 2)], -1)
    rgb = np.clip(rgb + RNG.integers(-9, 10, size=rgb.shape), 0, 255).astype(np.uint8)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(rgb).save(path)
    return path


def json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def cli(*argv: str | Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """`python -m colorseg_gui.cli ARGV` as a real process."""
    return subprocess.run([sys.executable, "-m", "colorseg_gui.cli", *map(str, argv)],
                          capture_output=True, text=True, timeout=timeout, check=False,
                          env={**os.environ, "PYTHONWARNINGS": "error"})


def leftovers(folder: Path) -> list[Path]:
    """Temporary files of the atomic writer anywhere below folder."""
    return sorted(p for p in folder.rglob(".*.tmp"))


def run_main(*argv: str | Path) -> tuple[int, list[dict[str, Any]], str]:
    """`colorseg ARGV` in this process: (exit status, its JSON records, what went to stderr)."""
    import contextlib
    import io

    from colorseg_gui.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in argv])
    return code, json_lines(out.getvalue()), err.getvalue()
