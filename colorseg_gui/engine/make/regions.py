"""Regions someone can paint, stitch, cut or print: small and thin regions join a neighbour.

Runs after the clustering and never changes it: it takes the label map and the palette and
gives a cleaned label map. Connected components come from cc3d (connected-components-3d:
a small, well-kept C++ library; numpy alone needs a Python loop per region or per pixel row).
A region under the minimum area joins the neighbouring region whose colour is closest
(CIEDE2000), preferring neighbours that are themselves large enough; a part of a region
thinner than the minimum thickness (a square brush of that width does not fit) goes to the
closest-coloured region beside it. High-contrast small regions (eyes, highlights) can be
protected: those whose every neighbour differs by more than a CIEDE2000 threshold stay.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import cc3d
import numpy as np
import numpy.typing as npt

from colorseg_gui.engine.make.color_difference import palette_distances

Connectivity = Literal[4, 8]
_MAX_ROUNDS = 12  # merging rounds; each one at least halves what is left in practice


@dataclass(frozen=True)
class CleanupOptions:
    """What counts as too small or too thin (0 turns a rule off)."""

    min_area: int = 0  # pixels
    min_thickness: int = 0  # pixels: the widest brush or nozzle that must fit
    connectivity: Connectivity = 4
    protect_delta_e: float | None = None  # keep small regions this different from all around

    def __post_init__(self) -> None:
        if self.min_area < 0 or self.min_thickness < 0:
            raise ValueError("minimum area and thickness must be 0 or more")
        if self.connectivity not in (4, 8):
            raise ValueError(f"connectivity must be 4 or 8, not {self.connectivity}")
        if self.protect_delta_e is not None and self.protect_delta_e <= 0:
            raise ValueError("the protecting CIEDE2000 threshold must be positive")

    @property
    def active(self) -> bool:
        return self.min_area > 1 or self.min_thickness > 1

    @staticmethod
    def area_from_mm2(mm2: float, dpi: float) -> int:
        """Pixels covering ``mm2`` square millimetres at ``dpi`` dots per inch."""
        if mm2 < 0 or dpi <= 0:
            raise ValueError("the area must be 0 or more and the DPI positive")
        return int(np.ceil(mm2 * (dpi / 25.4) ** 2))


@dataclass(frozen=True)
class RegionCounts:
    """What the status bar and the JSON record say about the regions."""

    regions_before: int
    regions_after: int
    small_before: int  # regions under the minimum area before the cleanup
    small_after: int  # ... after it (only protected ones, or 0)
    protected: int
    changes_per_row_before: float  # colour changes along a scan line, mean over rows
    changes_per_row_after: float
    pixels_changed: int
    max_delta_e: float  # the largest CIEDE2000 between a moved pixel's old and new colour


def count_regions(label_map: npt.NDArray[np.integer], connectivity: Connectivity = 4) -> int:
    return int(_components(label_map, connectivity)[1])


def _components(label_map: npt.NDArray[np.integer], connectivity: Connectivity
                ) -> tuple[npt.NDArray[np.unsignedinteger], int]:
    # cc3d treats 0 as background: cluster 0 is a colour like any other, so shift by one.
    shifted = label_map.astype(np.uint16) + 1
    # 64-bit ids: numpy counts and indexes with them directly (32-bit ids are copied first).
    components, n = cc3d.connected_components(shifted, connectivity=connectivity,
                                              return_N=True, out_dtype=np.uint64)
    return components.view(np.int64), int(n)


def _pairs_from_small(components: npt.NDArray[np.unsignedinteger], small: npt.NDArray[np.bool_],
                      connectivity: Connectivity
                      ) -> tuple[npt.NDArray[np.unsignedinteger], npt.NDArray[np.unsignedinteger]]:
    """(a, b) for every pair of touching pixels where region a is small and b another region."""
    shifts = [(components[:, :-1], components[:, 1:]), (components[:-1, :], components[1:, :])]
    if connectivity == 8:
        shifts += [(components[:-1, :-1], components[1:, 1:]),
                   (components[:-1, 1:], components[1:, :-1])]
    firsts, seconds = [], []
    for a, b in shifts:
        differ = a != b
        a, b = a[differ], b[differ]
        # Along a border the same two regions touch pixel after pixel: keep the first of
        # each run (an O(n) pass; the rest of the duplicates cost nothing but a little time).
        new = np.ones(a.size, dtype=bool)
        new[1:] = (a[1:] != a[:-1]) | (b[1:] != b[:-1])
        a, b = a[new], b[new]
        for x, y in ((a, b), (b, a)):
            keep = small[x]
            firsts.append(x[keep])
            seconds.append(y[keep])
    return np.concatenate(firsts), np.concatenate(seconds)


def _union(parent: npt.NDArray[np.intp], u: npt.NDArray[np.intp], v: npt.NDArray[np.intp]
           ) -> npt.NDArray[np.intp]:
    """Join the sets of u[i] and v[i] for every i (hooking on the smaller root, then pointer
    jumping); returns a parent array in which every element points straight at its root."""
    parent = parent.copy()
    while True:
        ru, rv = parent[u], parent[v]
        low, high = np.minimum(ru, rv), np.maximum(ru, rv)
        apart = low != high
        if not apart.any():
            return parent
        np.minimum.at(parent, high[apart], low[apart])
        while True:
            jumped = parent[parent]
            if np.array_equal(jumped, parent):
                break
            parent = jumped


@dataclass(frozen=True)
class _Merged:
    label_map: npt.NDArray[np.uint8]
    regions_before: int
    regions: int
    small_before: int
    small: int  # regions still under the limit (protected, or with no neighbour at all)
    protected: int


def _merge_small(label_map: npt.NDArray[np.uint8], distances: npt.NDArray[np.float64],
                 options: CleanupOptions) -> _Merged:
    """Every region under the minimum area joins its best neighbour, round after round.

    The pixels are looked at once: the first round's components, and the pairs of touching
    pixels where one side is small. Later rounds work on that region graph (a region still
    small after a round touches only regions listed there), then one lookup paints the map.
    """
    components, n = _components(label_map, options.connectivity)
    flat = components.reshape(-1)
    sizes = np.bincount(flat, minlength=n + 1).astype(np.float64)
    colour = np.zeros(n + 1, dtype=np.intp)
    colour[flat] = label_map.reshape(-1)
    del flat
    sizes[0] = np.inf  # id 0 is not a region (cc3d's background, empty after the shift)
    small_before = int((sizes < options.min_area).sum())
    if small_before == 0:
        return _Merged(label_map, n, n, 0, 0, 0)
    a, b = _pairs_from_small(components, sizes < options.min_area, options.connectivity)
    # One entry per pair of regions, not per pair of pixels: the rounds work on that graph.
    pairs = np.unique(a * (n + 1) + b)
    a, b = pairs // (n + 1), pairs % (n + 1)
    group = np.arange(n + 1)
    protected = np.zeros(n + 1, dtype=bool)
    for _ in range(_MAX_ROUNDS):
        size = np.bincount(group, weights=sizes, minlength=n + 1)
        small = (size > 0) & (size < options.min_area)
        ga, gb = group[a], group[b]
        keep = (ga != gb) & small[ga]
        ga, gb = ga[keep], gb[keep]
        if ga.size == 0:
            break
        cost = distances[colour[ga], colour[gb]]
        closest = np.full(n + 1, np.inf)
        np.minimum.at(closest, ga, cost)
        if options.protect_delta_e is not None:
            protected = small & np.isfinite(closest) & (closest > options.protect_delta_e)
        # Best neighbour: a large one first, then the closest colour (CIEDE2000 stays < 200).
        score = cost + np.where(small[gb], 1000.0, 0.0)
        best = np.full(n + 1, np.inf)
        np.minimum.at(best, ga, score)
        winners = score == best[ga]
        target = colour.copy()
        target[ga[winners]] = colour[gb[winners]]  # ties: any of the equally good ones
        movers = small & ~protected & np.isfinite(best)
        if not movers.any():
            break
        colour = np.where(movers, target, colour)
        joined = colour[ga] == colour[gb]
        group = _union(group, ga[joined], gb[joined])[group]
        colour = colour[group]  # a group's colour is its root's (all its members share it)
    size = np.bincount(group, weights=sizes, minlength=n + 1)
    roots = np.flatnonzero((group == np.arange(n + 1)) & (size > 0))
    roots = roots[roots > 0]
    still_small = int((size[roots] < options.min_area).sum())
    cleaned = colour[group].astype(np.uint8)[components]
    return _Merged(cleaned, n, int(roots.size), small_before, still_small,
                   int(protected[roots].sum()))


def _along(array: npt.NDArray[np.bool_], axis: int, start: int, stop: int
           ) -> npt.NDArray[np.bool_]:
    index: list[slice] = [slice(None)] * array.ndim
    index[axis] = slice(start, stop)
    return array[tuple(index)]


def _window(mask: npt.NDArray[np.bool_], length: int, axis: int, all_of: bool
            ) -> npt.NDArray[np.bool_]:
    """all() or any() of every window of ``length`` along ``axis`` (window starting at i):
    doubling spans with boolean ANDs/ORs, a few passes over the image whatever the length."""
    combine = np.logical_and if all_of else np.logical_or
    n = mask.shape[axis]
    out, span = mask, 1
    while span * 2 <= length:
        out = combine(_along(out, axis, 0, out.shape[axis] - span),
                      _along(out, axis, span, out.shape[axis]))
        span *= 2
    size = n - length + 1
    if span < length:  # two overlapping windows of ``span`` cover ``length``
        rest = length - span
        return combine(_along(out, axis, 0, size), _along(out, axis, rest, rest + size))
    return _along(out, axis, 0, size)


def _fits_brush(label_map: npt.NDArray[np.uint8], size: int) -> npt.NDArray[np.bool_]:
    """True where a size x size square of one colour covers the pixel (a morphological
    opening of every colour at once: a uniform window's colour is its centre's colour)."""
    height, width = label_map.shape
    if size <= 1:
        return np.ones_like(label_map, dtype=bool)
    if size > height or size > width:
        return np.zeros_like(label_map, dtype=bool)
    same_x = label_map[:, 1:] == label_map[:, :-1]  # pixel j+1 like pixel j
    same_y = label_map[1:, :] == label_map[:-1, :]
    row_uniform = _window(same_x, size - 1, 1, all_of=True)  # H x (W - size + 1)
    column_uniform = _window(same_y[:, : width - size + 1], size - 1, 0, all_of=True)
    uniform = _window(row_uniform, size, 0, all_of=True) & column_uniform  # top-left corners
    # Every pixel a uniform window covers: windows starting up to size - 1 before it.
    pad_x = np.pad(uniform, ((0, 0), (size - 1, size - 1)))
    covered_x = _window(pad_x, size, 1, all_of=False)  # (H - size + 1) x W
    pad_y = np.pad(covered_x, ((size - 1, size - 1), (0, 0)))
    return _window(pad_y, size, 0, all_of=False)


def _absorb_thin(label_map: npt.NDArray[np.uint8], distances: npt.NDArray[np.float64],
                 size: int) -> npt.NDArray[np.uint8]:
    """Pixels no brush of ``size`` reaches take the closest colour of a reached neighbour of
    another colour, from the outside in (every pass reaches one pixel further)."""
    height, width = label_map.shape
    reached = _fits_brush(label_map, size).reshape(-1)
    out = label_map.copy().reshape(-1)
    todo = np.flatnonzero(~reached)
    column = todo % width
    last = height * width - width
    for _ in range(2 * size + 2):
        if todo.size == 0:
            break
        current = out[todo]
        best_cost = np.full(todo.size, np.inf)
        best = current.copy()
        for offset, valid in ((1, column < width - 1), (-1, column > 0),
                              (width, todo < last), (-width, todo >= width)):
            neighbour = np.where(valid, todo + offset, todo)
            colour = out[neighbour]
            # Another region's colour: the thin part is absorbed, not kept by its own body.
            ok = valid & reached[neighbour] & (colour != current)
            cost = np.where(ok, distances[current, colour], np.inf)
            better = cost < best_cost
            best_cost = np.where(better, cost, best_cost)
            best = np.where(better, colour, best)
        done = np.isfinite(best_cost)
        out[todo[done]] = best[done]
        reached[todo[done]] = True
        todo, column = todo[~done], column[~done]
    return out.reshape(height, width)


def _changes_per_row(label_map: npt.NDArray[np.uint8]) -> float:
    if label_map.shape[1] < 2:
        return 0.0
    return float((label_map[:, 1:] != label_map[:, :-1]).sum() / label_map.shape[0])


def clean_regions(label_map: npt.ArrayLike, palette: npt.ArrayLike, options: CleanupOptions
                  ) -> tuple[npt.NDArray[np.uint8], RegionCounts]:
    """The cleaned H x W label map and what changed; the input map is left as it is.

    Small regions go first (most thin bits are speckle), then thin parts, then whatever the
    thinning left small.
    """
    before = np.ascontiguousarray(np.asarray(label_map, dtype=np.uint8))
    colours = np.asarray(palette, dtype=np.uint8).reshape(-1, 3)
    distances = palette_distances(colours)
    cleaned, small_before, small_after, protected = before, 0, 0, 0
    if options.min_area > 1:
        merged = _merge_small(cleaned, distances, options)
        cleaned, regions_after = merged.label_map, merged.regions
        small_after, protected = merged.small, merged.protected
        small_before, regions_before = merged.small_before, merged.regions_before
    else:
        regions_before = regions_after = count_regions(before, options.connectivity)
    if options.min_thickness > 1:
        cleaned = _absorb_thin(cleaned, distances, options.min_thickness)
        if options.min_area > 1:
            merged = _merge_small(cleaned, distances, options)
            cleaned, regions_after = merged.label_map, merged.regions
            small_after, protected = merged.small, merged.protected
        else:
            regions_after = count_regions(cleaned, options.connectivity)
    moved = cleaned != before
    largest = float(distances[before[moved], cleaned[moved]].max()) if moved.any() else 0.0
    counts = RegionCounts(
        regions_before=regions_before, regions_after=regions_after,
        small_before=small_before, small_after=small_after, protected=protected,
        changes_per_row_before=_changes_per_row(before),
        changes_per_row_after=_changes_per_row(cleaned),
        pixels_changed=int(moved.sum()), max_delta_e=largest,
    )
    return cleaned, counts
