"""gui/run/replay.py: a recipe (options + edits at their iterations) remakes a state exactly,
without Qt."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
from PIL import Image

from colorseg_gui.engine import (
    Edited,
    KMeansOptions,
    build_histogram,
    resume,
    run_kmeans,
)
from colorseg_gui.gui.run.replay import Edit, Recipe, replay


def _hist(shared_images):
    rgb = np.asarray(Image.open(shared_images / "photo_kodim23.png").convert("RGB"))
    return build_histogram(np.ascontiguousarray(rgb))


def _last(steps):
    last = None
    for step in steps:
        last = step
    return last


def test_a_lock_a_merge_and_a_split_replay_bit_for_bit(shared_images):
    hist = _hist(shared_images)
    options = KMeansOptions(k=8, space="lab", seed=3, tol=0.0)
    # By hand: stop the first run at iteration 2, lock cluster 2 there; run to the end,
    # merge two clusters, split the worst one.
    first = [s for s in run_kmeans(hist, options) if not s.is_preview]
    at2 = next(s for s in first if s.iteration == 2)
    locked = _last(resume(hist, Edited.from_step(hist, at2).lock(2), options))
    merged_state = Edited.from_step(hist, locked)
    rows = {cid: r for r, cid in enumerate(merged_state.ids)}
    merged = _last(resume(hist, merged_state.merge(rows[5], rows[6]), options))
    split = _last(resume(hist, Edited.from_step(hist, merged).split(), options))
    recipe = Recipe(options, (
        Edit("lock", 2, (2,)),
        Edit("merge", int(locked.iteration), (5, 6)),
        Edit("split", int(merged.iteration)),
    ))
    for again in (replay(hist, recipe), replay(hist, Recipe.from_dict(recipe.to_dict()))):
        np.testing.assert_array_equal(again.labels, split.labels)
        np.testing.assert_array_equal(again.palette, split.palette)
        assert again.ids == split.ids and again.locked == split.locked
    row = split.ids.index(2)
    np.testing.assert_array_equal(split.palette[row], at2.palette[2])  # the lock held


def test_replay_imports_no_qt():
    code = ("import sys; sys.modules['PySide6'] = None; "
            "import colorseg_gui.gui.run.replay as r; print(r.replay.__name__)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
