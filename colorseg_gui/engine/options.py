"""The options of one clustering run, validated once, shared by the engine, CLI and window."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:  # numpy is imported by the run, not with the window's options panel
    import numpy as np
    import numpy.typing as npt

Space = Literal["rgb", "lab", "oklab"]
SPACES: tuple[Space, ...] = ("rgb", "lab", "oklab")
INIT_METHODS = ("k-means++", "random")
MIN_K = 1
MAX_K = 256
MAX_SEED = 2**31 - 1
MAX_ITER = 10_000

Colour = tuple[float, float, float]


def clamp_k(k: int) -> int:
    return max(MIN_K, min(MAX_K, int(k)))


def _colours(value: object) -> tuple[Colour, ...]:
    if hasattr(value, "tolist"):  # a numpy array
        value = value.tolist()
    try:
        rows = [tuple(float(c) for c in row) for row in value]  # type: ignore[attr-defined]
    except (TypeError, ValueError) as exc:
        raise ValueError(f"starting colours are not numeric: {exc}") from None
    if any(len(row) != 3 for row in rows):
        raise ValueError("starting colours must have three values (R, G, B) each")
    if any(not 0 <= c <= 255 for row in rows for c in row):  # also refuses NaN
        raise ValueError("starting colours must be sRGB values from 0 to 255")
    return tuple((r, g, b) for r, g, b in rows)


@dataclass(frozen=True)
class KMeansOptions:
    """Everything a clustering run depends on besides the image.

    init is a method name or the starting colours (sRGB 0-255, one row per cluster; with
    fewer than k, the other clusters start from k-means++ around them, seeded); locked
    names rows of those colours that never move (counted in k).
    """

    k: int = 8
    space: Space = "rgb"
    seed: int | None = 0
    init: str | tuple[Colour, ...] = "k-means++"
    max_iter: int = 300
    tol: float = 1e-4  # relative J improvement below which the run ends; 0 = strict
    locked: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if isinstance(self.k, bool) or not hasattr(self.k, "__index__"):
            raise ValueError(f"k must be a whole number, got {self.k!r}")
        if not MIN_K <= int(self.k) <= MAX_K:
            raise ValueError(f"k must be from {MIN_K} to {MAX_K}, got {self.k}")
        object.__setattr__(self, "k", int(self.k))
        if self.space not in SPACES:
            raise ValueError(f"unknown colour space {self.space!r} (expected one of "
                             f"{', '.join(SPACES)})")
        if self.seed is not None and not 0 <= int(self.seed) <= MAX_SEED:
            raise ValueError(f"seed must be from 0 to {MAX_SEED}, got {self.seed}")
        if not 1 <= int(self.max_iter) <= MAX_ITER:
            raise ValueError(f"max_iter must be from 1 to {MAX_ITER}, got {self.max_iter}")
        object.__setattr__(self, "max_iter", int(self.max_iter))
        if not 0 <= self.tol < math.inf:
            raise ValueError(f"tol must be >= 0, got {self.tol}")
        object.__setattr__(self, "tol", float(self.tol))
        if isinstance(self.init, str):
            if self.init not in INIT_METHODS:
                raise ValueError(f"unknown init {self.init!r} (expected one of "
                                 f"{', '.join(INIT_METHODS)} or starting colours)")
        else:
            colours = _colours(self.init)
            if not 1 <= len(colours) <= self.k:
                raise ValueError(f"{len(colours)} starting colours but k is {self.k}")
            object.__setattr__(self, "init", colours)
        locked = tuple(sorted({int(i) for i in self.locked}))
        if locked and isinstance(self.init, str):
            raise ValueError("locked colours need starting colours (init)")
        if locked and not 0 <= locked[0] <= locked[-1] < len(self.init):
            raise ValueError(f"locked rows must be rows of the starting colours (0 to "
                             f"{len(self.init) - 1}), got {list(locked)}")
        object.__setattr__(self, "locked", locked)

    def replace(self, **changes: Any) -> KMeansOptions:
        return dataclasses.replace(self, **changes)

    def init_colours(self) -> npt.NDArray[np.float64] | None:
        """The starting colours as a k x 3 sRGB array, or None for a named init."""
        if isinstance(self.init, str):
            return None
        import numpy as np

        return np.array(self.init, dtype=np.float64).reshape(-1, 3)

    def locked_colours(self) -> npt.NDArray[np.float64]:
        """The locked starting colours (n x 3 sRGB, in row order; 0 x 3 without locks)."""
        import numpy as np

        colours = self.init_colours()
        if colours is None:
            return np.zeros((0, 3))
        return colours[list(self.locked)]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (settings, sessions, recipes); from_dict reads it back."""
        init: Any = self.init if isinstance(self.init, str) else [list(c) for c in self.init]
        return {"k": self.k, "space": self.space, "seed": self.seed, "init": init,
                "max_iter": self.max_iter, "tol": self.tol, "locked": list(self.locked)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> KMeansOptions:
        """Options from to_dict's output; unknown keys are ignored, bad values raise."""
        fields = {f.name for f in dataclasses.fields(cls)}
        values = {key: value for key, value in data.items() if key in fields}
        init = values.get("init")
        if init is not None and not isinstance(init, str):
            values["init"] = _colours(init)
        if "locked" in values:
            values["locked"] = tuple(values["locked"])
        return cls(**values)



def init_name(options: KMeansOptions) -> str:
    """How a run started, in one word for records: the method, or "colours"."""
    return options.init if isinstance(options.init, str) else "colours"
