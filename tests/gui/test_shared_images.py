"""Every readable shared test file opens and segments in the window; the rest fail politely."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QMessageBox

_SHARED = Path(os.environ.get("COLORSEG_SHARED") or Path(__file__).resolve().parents[3] / "shared")
_MANIFEST = _SHARED / "images" / "MANIFEST.tsv"


def _rows() -> list[dict[str, str]]:
    if not _MANIFEST.is_file():  # the shared_dir fixture fails the run with a clear message
        return [{"file": "MANIFEST.tsv missing"}]
    with _MANIFEST.open(newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


@pytest.mark.parametrize("row", _rows(), ids=lambda row: row["file"])
def test_shared_image(qtbot, window, shared_images, monkeypatch, row):
    errors: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        staticmethod(lambda parent, title, text, *a: errors.append(text)))
    path = shared_images / row["file"]
    with _Either(qtbot, window):
        window.open_path(path)
    if row.get("pillow_outcome") == "ok":  # Pillow opens it (a PSD too): so must the window
        assert window.outcome is not None, errors
    if window.outcome is not None:
        outcome = window.outcome
        picture = window.loaded.picture
        assert outcome.image.shape[:2] == (picture.height, picture.width)
        assert not errors
        used = np.unique(outcome.result.labels)
        assert len(window.palette_view.entries()) == outcome.k >= len(used)
    else:
        assert len(errors) == 1 and row["file"] in errors[0]
        assert window.loaded is None


class _Either:
    """Wait until the window either has a result or reported a load failure."""

    def __init__(self, qtbot, window) -> None:  # type: ignore[no-untyped-def]
        self.qtbot, self.window, self.failed = qtbot, window, False

    def __enter__(self) -> _Either:
        self.window.controller.load_failed.connect(self._on_failed)
        return self

    def _on_failed(self, message: str) -> None:
        self.failed = True

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self.qtbot.waitUntil(lambda: self.failed or self.window.outcome is not None,
                                 timeout=120_000)
        self.window.controller.load_failed.disconnect(self._on_failed)
