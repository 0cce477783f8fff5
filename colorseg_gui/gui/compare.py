"""Compare modes of the image view and where each shows the original and the result."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF

RESULT = "result"
ORIGINAL = "original"
SPLIT = "split"
SIDE_BY_SIDE = "side"
MODES: tuple[str, ...] = (RESULT, ORIGINAL, SPLIT, SIDE_BY_SIDE)
MODE_LABELS = {
    RESULT: "Result",
    ORIGINAL: "Original",
    SPLIT: "Split",
    SIDE_BY_SIDE: "Side by side",
}
MODE_TIPS = {
    RESULT: "Show the segmented result",
    ORIGINAL: "Show the original image",
    SPLIT: "Original left of a draggable divider, result right of it",
    SIDE_BY_SIDE: "Original and result side by side, zoomed and panned together",
}
GAP = 4.0  # logical pixels between the two panes of side-by-side


@dataclass(frozen=True)
class Pane:
    """One drawing of an image layer: its frame (the origin of the view transform) and clip."""

    frame: QRectF
    clip: QRectF
    layer: str  # ORIGINAL or RESULT
    caption: str


def pane_size(mode: str, width: float, height: float) -> tuple[float, float]:
    """The size the image is fitted into: half the width for side by side."""
    if mode == SIDE_BY_SIDE:
        return max(1.0, (width - GAP) / 2), height
    return width, height


def panes(mode: str, rect: QRectF, split: float, show_original: bool) -> list[Pane]:
    """The panes to paint for ``mode`` in the widget rectangle ``rect``."""
    if show_original or mode == ORIGINAL:
        return [Pane(rect, rect, ORIGINAL, "Original" if mode != ORIGINAL else "")]
    if mode == SPLIT:
        x = rect.left() + rect.width() * split
        left = QRectF(rect.left(), rect.top(), x - rect.left(), rect.height())
        right = QRectF(x, rect.top(), rect.right() - x, rect.height())
        return [Pane(rect, left, ORIGINAL, "Original"), Pane(rect, right, RESULT, "Result")]
    if mode == SIDE_BY_SIDE:
        width, height = pane_size(mode, rect.width(), rect.height())
        left = QRectF(rect.left(), rect.top(), width, height)
        right = QRectF(rect.right() - width, rect.top(), width, height)
        return [Pane(left, left, ORIGINAL, "Original"), Pane(right, right, RESULT, "Result")]
    return [Pane(rect, rect, RESULT, "")]
