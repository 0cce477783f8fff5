"""The worker's frame renderer: the Lloyd loop never waits for a preview frame."""

from __future__ import annotations

import threading

from colorseg_gui.gui.worker import FrameRenderer


def test_offer_never_waits_and_the_newest_step_wins(qtbot) -> None:  # type: ignore[no-untyped-def]
    started, release = threading.Event(), threading.Event()
    rendered: list[object] = []

    def render(step: object) -> None:
        rendered.append(step)
        started.set()
        release.wait(10)

    frames = FrameRenderer(render, 0.0)  # type: ignore[arg-type]
    steps = [object() for _ in range(10)]
    try:
        frames.offer(steps[0])  # type: ignore[arg-type]
        assert started.wait(10)
        # The first frame is still being rendered: these return at once, each replacing the
        # step before it.
        for step in steps[1:]:
            frames.offer(step)  # type: ignore[arg-type]
        assert rendered == [steps[0]]
        release.set()
        qtbot.waitUntil(lambda: len(rendered) == 2)
        assert rendered == [steps[0], steps[-1]]
    finally:
        release.set()
        frames.close()
    assert not frames._thread.is_alive()


def test_close_drops_a_waiting_step_and_joins(qtbot) -> None:  # type: ignore[no-untyped-def]
    rendered: list[object] = []
    frames = FrameRenderer(rendered.append, 3600.0)  # type: ignore[arg-type]
    first, second = object(), object()
    frames.offer(first)  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: rendered == [first])
    frames.offer(second)  # type: ignore[arg-type]  # not due for an hour
    frames.close()
    assert rendered == [first]
    assert not frames._thread.is_alive()
