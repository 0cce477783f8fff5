"""Edits on a step, resuming from them exactly, stable ids, warm starts and J versus k."""

from __future__ import annotations

import numpy as np
import pytest
from kmeans_reference import pixels_of, reference_lloyd
from test_kmeans_exact import _assert_same, _image

from colorseg_gui.engine import (
    Edited,
    EditError,
    KMeansOptions,
    KRow,
    StepKind,
    build_histogram,
    iter_k_table,
    iter_kmeans,
    resume,
    run_kmeans,
    suggest_k,
    warm_run,
)

OPTIONS = KMeansOptions(k=6, seed=4, tol=0.0)


def _final(hist, options=OPTIONS):
    return list(run_kmeans(hist, options))[-1]


@pytest.fixture(scope="module")
def image() -> np.ndarray:
    return _image(12, (30, 40), n_colors=250)


EDITS = {
    "merge": lambda e: e.merge(0, 3),
    "split": lambda e: e.split(),
    "set": lambda e: e.set(2, (250, 10, 10)),
    "add": lambda e: e.add((5, 200, 30)),
    "remove": lambda e: e.remove(1),
    "lock": lambda e: e.lock(4).merge(4, 0),
}


@pytest.mark.parametrize("space", ["rgb", "lab", "oklab"])
@pytest.mark.parametrize("edit", sorted(EDITS))
def test_a_resumed_run_is_a_fresh_exact_run_from_the_edited_centroids(image, space, edit):
    hist = build_histogram(image)
    options = OPTIONS.replace(space=space)
    edited = EDITS[edit](Edited.from_step(hist, _final(hist, options)))
    steps = list(resume(hist, edited, options))
    assert steps[0].kind is StepKind.WARM and steps[0].iteration == 0
    assert np.array_equal(steps[0].centroids, edited.centroids)
    rows = edited.locked_rows
    fresh = list(iter_kmeans(hist, edited.k, space=space, init=edited.centroids, tol=0.0,
                             refine=False, locked=rows,
                             locked_palette=edited.palette[list(rows)] if rows else None))
    assert len(steps) == len(fresh) + 1
    for a, b in zip(steps[1:], fresh, strict=True):
        assert np.array_equal(a.labels, b.labels) and np.array_equal(a.centroids, b.centroids)
        assert a.inertia == b.inertia and a.ids == edited.ids
    # ... and the same as Lloyd on every pixel from those centroids.
    ref = reference_lloyd(image, edited.centroids, space=space, tol=0.0, locked=rows)
    _, x, w = pixels_of(image, space)
    _assert_same(steps[1:], ref, hist, scale=float(w @ (x * x).sum(axis=1)))
    for row in rows:
        assert np.array_equal(steps[-1].palette[row], edited.palette[row])


def test_ids_follow_clusters_through_edits(image):
    hist = build_histogram(image)
    start = Edited.from_step(hist, _final(hist))
    assert start.ids == (0, 1, 2, 3, 4, 5) and start.next_id == 6
    split = start.split(2)
    assert split.ids == (0, 1, 2, 3, 4, 5, 6)
    merged = split.merge(0, 1)
    heavier = 0 if split.weights[0] >= split.weights[1] else 1
    assert merged.ids == tuple(i for i in split.ids if i != 1 - heavier)
    assert merged.weights.sum() == pytest.approx(split.weights.sum())
    removed = merged.remove(0).add((1, 2, 3))
    assert removed.ids[-1] == 7 and removed.k == 6  # ids are never reused
    last = list(resume(hist, removed, OPTIONS))[-1]
    assert last.ids == removed.ids


def test_merge_is_the_weighted_mean_and_split_follows_the_principal_axis():
    # Two tight blobs in one cluster: the split finds them.
    image = np.zeros((10, 10, 3), np.uint8)
    image[:, :6] = (20, 20, 20)
    image[:, 6:] = (220, 30, 30)
    image[0, 0] = (21, 20, 20)
    image[9, 9] = (219, 30, 30)
    hist = build_histogram(image)
    one = list(iter_kmeans(hist, 1, init=np.array([[100.0, 20, 20]]), tol=0.0))[-1]
    halves = Edited.from_step(hist, one).split()
    assert halves.k == 2
    assert set(map(tuple, halves.palette)) == {(20, 20, 20), (220, 30, 30)}
    back = halves.merge(0, 1)
    assert np.allclose(back.centroids[0], one.centroids[0])
    with pytest.raises(EditError, match="single colour"):
        Edited.from_step(hist, one).split().split(0).split(0).split(0)


def test_edit_errors_say_what_is_wrong(image):
    hist = build_histogram(image)
    edited = Edited.from_step(hist, _final(hist)).lock(0).lock(1)
    with pytest.raises(EditError, match="two locked colours"):
        edited.merge(0, 1)
    with pytest.raises(EditError, match="locked colour cannot be split"):
        edited.split(0)
    with pytest.raises(EditError, match="no cluster 9"):
        edited.remove(9)
    with pytest.raises(EditError, match="sRGB"):
        edited.set(2, (300, 0, 0))


@pytest.mark.parametrize("new_k", [7, 5, 9, 3])
def test_warm_start_keeps_the_other_ids(image, new_k):
    hist = build_histogram(image)
    previous = _final(hist)
    steps = list(warm_run(hist, previous, new_k, OPTIONS.replace(k=new_k)))
    last = steps[-1]
    assert last.final and last.k == new_k and steps[0].kind is StepKind.WARM
    kept = set(previous.ids) & set(last.ids)
    assert len(kept) == min(6, new_k)
    if new_k > 6:
        assert set(last.ids) - kept == set(range(6, new_k))


def test_warm_start_keeps_locks(image):
    hist = build_histogram(image)
    options = KMeansOptions(k=5, init=((250, 0, 0), (0, 0, 250)), locked=(0, 1), seed=2)
    previous = _final(hist, options)
    for k in (6, 4):
        last = list(warm_run(hist, previous, k, options))[-1]
        locked = [last.palette[r].tolist() for r in last.locked]
        assert sorted(locked) == [[0, 0, 250], [250, 0, 0]]


def test_k_table_and_its_suggestion(image):
    hist = build_histogram(image)
    rows = list(iter_k_table(hist, OPTIONS, range(2, 9)))
    assert sorted(r.k for r in rows) == list(range(2, 9))
    by_k = {r.k: r for r in rows}
    assert by_k[8].mean_delta_e < by_k[2].mean_delta_e and by_k[8].mse < by_k[2].mse
    # From a current result the table goes both ways.
    around = list(iter_k_table(hist, OPTIONS, range(2, 9), start=_final(hist)))
    assert [r.k for r in around] == [6, 7, 8, 5, 4, 3, 2]
    got: list[KRow] = []
    for found in iter_k_table(hist, OPTIONS, range(2, 9), should_stop=lambda: len(got) >= 3):
        got.append(found)
    assert len(got) == 3  # cancelled: the rows so far, no more
    table = [KRow(k, 0.0, 0.0, de, 0.0) for k, de in ((2, 9.0), (3, 4.0), (4, 2.9), (5, 1.0))]
    assert suggest_k(table) == 4 and suggest_k(table, 1.5) == 5 and suggest_k(table, 0.5) is None


@pytest.mark.parametrize("new_k", [7, 5, 8])
def test_a_held_warm_start_keeps_the_other_colours_within_delta_e_2(new_k):
    from colorseg_gui.engine import StopReason
    from colorseg_gui.engine.make.color_difference import delta_e_2000_rgb

    hist = build_histogram(_image(21, (50, 60), n_colors=900))
    previous = _final(hist, OPTIONS.replace(tol=1e-4))
    held = list(warm_run(hist, previous, new_k, OPTIONS.replace(k=new_k, tol=1e-4)))
    free = list(warm_run(hist, previous, new_k, OPTIONS.replace(k=new_k, tol=1e-4), hold=None))
    last = held[-1]
    assert last.final and sum(s.final for s in held) == 1
    assert free[-1].stop_reason in (StopReason.CONVERGED, StopReason.TOL)
    assert last.inertia >= free[-1].inertia * (1 - 1e-12)
    rows = {cid: row for row, cid in enumerate(last.ids)}
    moved = [float(delta_e_2000_rgb(previous.palette[r], last.palette[rows[c]]))
             for r, c in enumerate(previous.ids) if c in rows]
    # A split moves its cluster, a merge drops one and moves the other: the rest stay.
    edited = abs(new_k - 6) * (1 if new_k > 6 else 2)
    assert sum(d <= 2.0 for d in moved) >= 6 - edited
    if last.stop_reason is StopReason.HELD:
        assert [s.iteration for s in held if s.kind is StepKind.LLOYD] == list(
            range(1, last.iteration + 1)) or last.kind is StepKind.WARM


@pytest.mark.parametrize("space", ["rgb", "lab"])
def test_cluster_errors_from_the_step_and_the_edits_equal_a_full_pass(image, space):
    from dataclasses import replace

    hist = build_histogram(image)
    edited = Edited.from_step(hist, _final(hist, OPTIONS.replace(space=space)))
    for state in (edited, edited.split(), edited.split().merge(0, 2), edited.lock(1).merge(1, 3)):
        if state.sse is None:
            continue
        full = replace(state, sse=None).errors()
        np.testing.assert_allclose(state.errors(), full, rtol=1e-7, atol=1e-6)
