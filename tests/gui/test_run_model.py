"""The run model's data without widgets: step summaries, the history, its memory budget."""

from __future__ import annotations

import numpy as np
import pytest

from colorseg_gui.engine import (
    KMeansOptions,
    PreviewIndex,
    SegmentResult,
    build_histogram,
    iter_kmeans,
    mse_rgb,
    paint_label_map,
    picture_from_array,
)
from colorseg_gui.gui.qimage import to_screen
from colorseg_gui.gui.run.history import History, HistoryEntry
from colorseg_gui.gui.run.records import ImageCache, LoadedImage, RunOutcome
from colorseg_gui.gui.run.steps import StepTrail, summarise


def _image(seed: int = 3, height: int = 96, width: int = 128) -> LoadedImage:
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    rgb = np.stack([255 * x / width, 255 * y / height, 128 + 0 * x], axis=-1)
    rgb = np.clip(rgb + rng.normal(0, 12, rgb.shape), 0, 255).astype(np.uint8)
    picture = picture_from_array(rgb, name="test")
    return LoadedImage(picture, rgb, rgb, to_screen(rgb))


def _cache(image: LoadedImage) -> ImageCache:
    hist = build_histogram(image.picture.rgb, image.picture.alpha)
    return ImageCache(hist, PreviewIndex.build(hist, 64, samples=1), 0.0, image.picture)


def _run(image: LoadedImage, cache: ImageCache, **options: object) -> tuple[RunOutcome, list]:
    opts = KMeansOptions(**options)  # type: ignore[arg-type]
    hist = cache.histogram
    steps = list(iter_kmeans(hist, opts.k, space=opts.space, seed=opts.seed, tol=opts.tol,
                             max_iter=opts.max_iter))
    last = steps[-1]
    result = SegmentResult.from_step(hist, last, seed=opts.seed)
    outcome = RunOutcome(
        result=result, image=paint_label_map(result.labels, result.palette, hist.alpha),
        preview=to_screen(cache.preview.render(last.palette, last.labels)),
        mse=mse_rgb(hist, last.palette, last.labels), options=opts, stopped=False,
        elapsed=0.1,
    )
    return outcome, steps


def _entry(image: LoadedImage, cache: ImageCache, **options: object) -> HistoryEntry:
    outcome, steps = _run(image, cache, **options)
    trail = StepTrail()
    previous = None
    for step in steps:
        trail.append(summarise(step, previous, cache.histogram.total_weight))
        if not step.is_preview:
            previous = step.labels
    return HistoryEntry.from_outcome(outcome, image, cache, trail.frozen())


def test_the_trail_rebuilds_every_steps_labels_exactly():
    image = _image()
    cache = _cache(image)
    _, steps = _run(image, cache, k=6, tol=0.0)
    exact = [s for s in steps if not s.is_preview]
    assert len(exact) >= 5
    trail, previous = StepTrail(), None
    for step in steps:
        trail.append(summarise(step, previous, cache.histogram.total_weight))
        if not step.is_preview:
            previous = step.labels
    assert [s.iteration for s in trail] == [s.iteration for s in exact]
    for position, step in enumerate(exact):
        np.testing.assert_array_equal(trail.labels_at(position), step.labels)
    # Later steps move few colours: the deltas are far smaller than whole label arrays.
    assert trail.nbytes < sum(s.labels.nbytes for s in exact)


def test_a_new_entry_after_undo_drops_the_redo_tail():
    image = _image()
    cache = _cache(image)
    history = History()
    entries = [_entry(image, cache, k=k) for k in (3, 4, 5)]
    for entry in entries:
        history.push(entry)
    assert history.go(0) is entries[0] and history.can_redo() and not history.can_undo()
    other = _entry(image, cache, k=7)
    history.push(other)
    assert history.entries == [entries[0], other]
    assert history.index == 1 and not history.can_redo()


def test_the_budget_drops_the_oldest_renders_first_and_re_renders_the_same_pixels():
    image = _image()
    cache = _cache(image)
    entries = [_entry(image, cache, k=k, seed=k) for k in (3, 4, 5, 6, 7)]
    originals = [(e.outcome().image.copy(), e.outcome().preview.copy(),
                  e.outcome().result.labels.copy()) for e in entries]
    one_render = entries[0].render_bytes()
    one_map = entries[0].map_bytes()
    # Room for the current entry, two more renders and every label map.
    history = History(budget=3 * one_render + 5 * one_map)
    for entry in entries:
        history.push(entry)
    assert [e.rendered for e in entries] == [False, False, True, True, True]
    assert all(e.has_label_map for e in entries)
    # Tighter: the label maps go too, the oldest first; the current entry keeps everything.
    history.budget = one_render + one_map + one_map
    history.enforce_budget()
    assert [e.has_label_map for e in entries] == [False, False, False, True, True]
    assert entries[-1].rendered
    for entry, (image_px, preview_px, labels) in zip(entries, originals, strict=True):
        back = history.go(history.index_of(entry)).outcome()
        np.testing.assert_array_equal(back.image, image_px)
        np.testing.assert_array_equal(back.preview, preview_px)
        np.testing.assert_array_equal(back.result.labels, labels)
        assert back.options == entry.options and back.mse == entry.mse
    assert history.current is entries[-1] and entries[-1].rendered


def test_other_images_leave_the_history_when_the_budget_needs_their_memory():
    first, second = _image(1), _image(2)
    first_cache, second_cache = _cache(first), _cache(second)
    history = History(budget=10**12)
    old = _entry(first, first_cache, k=3)
    history.push(old)
    new = _entry(second, second_cache, k=3)
    history.push(new)
    assert len(history) == 2
    history.budget = new.render_bytes() + new.map_bytes()  # no room for the first image
    history.enforce_budget()
    assert history.entries == [new] and history.current is new


@pytest.mark.parametrize("space", ["rgb", "lab"])
def test_entries_say_what_tells_runs_apart(space):
    image = _image()
    entry = _entry(image, _cache(image), k=4, space=space, seed=11)
    assert entry.label == f"k 4 · {'RGB' if space == 'rgb' else 'Lab'} · seed 11"
