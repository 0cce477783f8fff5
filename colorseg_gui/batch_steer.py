"""What steering adds to one input of the `colorseg` command: --suggest-k, locked names."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from colorseg_gui.engine import K_RANGE, ColorHistogram, KMeansStep, iter_k_table, suggest_k

if TYPE_CHECKING:  # batch imports this module
    from colorseg_gui.batch import Options


def locked_names(step: KMeansStep, names: tuple[str, ...]) -> list[str]:
    """A name per cluster: the locked colours' own (owned paints, or their hex), "" for the
    free ones."""
    found = [""] * len(step.palette)
    for row, name in zip(step.locked, names, strict=True):
        found[row] = name
    return found


def with_suggested_k(hist: ColorHistogram, options: Options) -> tuple[Options, dict[str, Any]]:
    """--suggest-k: the J-versus-k table, and the options with the suggested k (unless k was
    given); the recipe then holds that k, so a replay needs no table."""
    if options.suggest_k is None:
        return options, {}
    rows = sorted(iter_k_table(hist, options.kmeans, K_RANGE), key=lambda r: r.k)
    k = suggest_k(rows, options.suggest_k)
    record = {"k_table": [r.to_dict() for r in rows], "suggested_k": k,
              "suggest_threshold": options.suggest_k}
    if not options.k_given:
        chosen = k if k is not None else rows[-1].k
        options = replace(options, kmeans=options.kmeans.replace(k=chosen), k_given=True)
    return replace(options, suggest_k=None), record
