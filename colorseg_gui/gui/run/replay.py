"""How a state of the clustering was made, and remaking it bit for bit (no Qt, no widgets).

A state is a recipe: the options a fresh run started from, then a log of edits, each
applied to the step of the run before it whose iteration it names (a run paused at
iteration 5 and merged there: ``at`` is 5), each followed by the run the window made
from it (``pipeline.resume``, or ``pipeline.warm_run`` for a k change).  The window makes
its runs through :func:`segment_steps` and :func:`edit_steps`, and :func:`replay` goes
through the very same calls, so a session file holding (options, edits) remakes the
labels and the palette exactly.  Clusters are named by id, never by row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from colorseg_gui.engine import ColorHistogram, Edited, KMeansOptions, KMeansStep

OPS = ("merge", "split", "set", "add", "remove", "lock", "unlock", "k")
RECIPE_VERSION = 1


@dataclass(frozen=True)
class Edit:
    """One edit, JSON-ready: ``{"op": "merge", "ids": [3, 5], "at": 7}``."""

    op: str
    at: int  # iteration of the step it was applied to (0: the edited state of an edit before)
    ids: tuple[int, ...] = ()  # the clusters it works on (split: empty = the worst one)
    colour: tuple[int, int, int] | None = None  # set, add (sRGB 0-255)
    locked: bool = False  # add: the new colour is locked
    k: int | None = None  # "k": warm start at this k
    hold: float | None = None  # "k": warm_run's hold (None: to convergence, a cold-start k)

    def __post_init__(self) -> None:
        if self.op not in OPS:
            raise ValueError(f"unknown edit {self.op!r} (expected one of {', '.join(OPS)})")

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"op": self.op, "at": self.at}
        if self.ids:
            out["ids"] = list(self.ids)
        if self.colour is not None:
            out["colour"] = list(self.colour)
        if self.op in ("add", "set"):
            out["locked"] = self.locked
        if self.op == "k":
            out["k"] = self.k
            out["hold"] = self.hold
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Edit:
        colour = data.get("colour")
        return cls(op=str(data["op"]), at=int(data["at"]),
                   ids=tuple(int(i) for i in data.get("ids", ())),
                   colour=None if colour is None else (int(colour[0]), int(colour[1]),
                                                       int(colour[2])),
                   locked=bool(data.get("locked", False)),
                   k=None if data.get("k") is None else int(data["k"]),
                   hold=None if data.get("hold") is None else float(data["hold"]))

    def describe(self) -> str:
        """A few words for the history strip and the status bar."""
        if self.op == "k":
            return f"k → {self.k}"
        names = {"merge": "Merge", "split": "Split", "set": "Set colour", "add": "Add colour",
                 "remove": "Delete", "lock": "Lock", "unlock": "Unlock"}
        return names[self.op]


@dataclass(frozen=True)
class Recipe:
    """Everything a state of the clustering is made from, besides the image."""

    options: KMeansOptions  # what the first, fresh run started from
    edits: tuple[Edit, ...] = ()
    stopped_at: int | None = None  # the last run was stopped (or paused) at this iteration

    def then(self, edit: Edit) -> Recipe:
        """This recipe, run to its step ``edit.at``, edited, and run on from there."""
        return Recipe(self.options, (*self.edits, edit), None)

    def stopped(self, iteration: int | None) -> Recipe:
        return Recipe(self.options, self.edits, iteration)

    def to_dict(self) -> dict[str, Any]:
        return {"version": RECIPE_VERSION, "options": self.options.to_dict(),
                "edits": [e.to_dict() for e in self.edits], "stopped_at": self.stopped_at}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Recipe:
        from colorseg_gui.engine import KMeansOptions

        if int(data.get("version", RECIPE_VERSION)) > RECIPE_VERSION:
            raise ValueError("this recipe comes from a newer ColorSeg")
        stopped = data.get("stopped_at")
        return cls(KMeansOptions.from_dict(data["options"]),
                   tuple(Edit.from_dict(e) for e in data.get("edits", ())),
                   None if stopped is None else int(stopped))


def segment_steps(hist: ColorHistogram, options: KMeansOptions,
                  should_stop: Callable[[], bool] | None = None,
                  previews: bool = False) -> Iterator[KMeansStep]:
    """The fresh run a recipe starts with (the window's first run of an image)."""
    from colorseg_gui.engine import run_kmeans

    return run_kmeans(hist, options, should_stop=should_stop, previews=previews)


def edited_state(hist: ColorHistogram, step: KMeansStep, edit: Edit,
                 next_id: int | None) -> Edited:
    """``step`` with ``edit`` applied (not for "k"); raises EditError with a one-line reason."""
    from colorseg_gui.engine import Edited, EditError

    state = Edited.from_step(hist, step, next_id)
    rows = {cid: row for row, cid in enumerate(state.ids)}
    try:
        picked = [rows[i] for i in edit.ids]
    except KeyError:
        raise EditError("that colour is no longer in the palette") from None
    if edit.op == "merge":
        if len(picked) != 2:
            raise EditError("select two colours to merge")
        return state.merge(*picked)
    if edit.op == "split":
        return state.split(picked[0] if picked else None)
    if edit.op in ("set", "add") and edit.colour is None:
        raise EditError(f"{edit.op} needs a colour")
    if edit.op == "set":
        state = state.set(picked[0], edit.colour)  # type: ignore[arg-type]
        return state.lock(picked[0]) if edit.locked else state
    if edit.op == "add":
        return state.add(edit.colour, locked=edit.locked)  # type: ignore[arg-type]
    if edit.op == "remove":
        return state.remove(picked[0])
    if edit.op in ("lock", "unlock"):
        for row in picked:
            state = state.lock(row, edit.op == "lock")
        return state
    raise EditError(f"{edit.op} is not an edit of the centroids")


def edit_steps(hist: ColorHistogram, step: KMeansStep, edit: Edit, options: KMeansOptions,
               next_id: int | None, should_stop: Callable[[], bool] | None = None,
               state: Edited | None = None) -> tuple[Iterator[KMeansStep], int]:
    """The run that follows ``edit`` on ``step``, and the next free id after it (``state``:
    the edit already applied to ``step``, when the caller made it)."""
    from colorseg_gui.engine import resume, warm_run

    if edit.op == "k":
        assert edit.k is not None
        first = max(step.ids, default=-1) + 1 if next_id is None else next_id
        after = first + max(0, edit.k - len(step.ids))
        return warm_run(hist, step, edit.k, options, should_stop=should_stop,
                        next_id=first, hold=edit.hold), after
    if state is None:
        state = edited_state(hist, step, edit, next_id)
    return resume(hist, state, options, should_stop=should_stop), state.next_id


def take(steps: Iterator[KMeansStep], at: int | None) -> KMeansStep:
    """The step of iteration ``at`` (previews skipped; the last one of that number), or the
    last step when ``at`` is None or the run ends first."""
    last: KMeansStep | None = None
    for step in steps:
        if step.is_preview:
            continue
        if at is not None and step.iteration > at:
            break
        last = step
        if at is not None and step.iteration == at and step.kind.value != "warm":
            break
    if last is None:
        raise ValueError("the run made no step")
    return last


def replay(hist: ColorHistogram, recipe: Recipe) -> KMeansStep:
    """The final step of ``recipe`` on ``hist``: its labels and palette, bit for bit.

    SegmentResult.from_step(hist, step) makes the result (label map, counts) from it."""
    ats = [e.at for e in recipe.edits] + [recipe.stopped_at]
    step = take(segment_steps(hist, recipe.options), ats[0])
    next_id: int | None = None
    for edit, at in zip(recipe.edits, ats[1:], strict=True):
        steps, next_id = edit_steps(hist, step, edit, recipe.options, next_id)
        step = take(steps, at)
    return step
