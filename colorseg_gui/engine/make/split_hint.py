"""Which cluster to split to cut the error most: the one whose split lowers J most."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt


def split_gains(
    coords: npt.ArrayLike, weights: npt.ArrayLike, labels: npt.ArrayLike, k: int
) -> npt.NDArray[np.float64]:
    """For each cluster, how much J drops when it is cut in two across its principal axis.

    ``coords`` are the distinct colours in the clustering space (N x 3), ``weights`` their
    pixel weights, ``labels`` their clusters. J of a set is sum(w |x|^2) - |sum(w x)|^2 / sum(w):
    both halves come from the same sums, so each cluster costs one eigenvector and a sign.
    """
    x = np.asarray(coords, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    lab = np.asarray(labels, dtype=np.intp)
    sums = np.stack([np.bincount(lab, weights=w * x[:, c], minlength=k) for c in range(3)], 1)
    total = np.bincount(lab, weights=w, minlength=k)
    mean = np.divide(sums, total[:, None], out=np.zeros_like(sums), where=total[:, None] > 0)
    centred = x - mean[lab]
    gains = np.zeros(k)
    order = np.argsort(lab, kind="stable")
    bounds = np.searchsorted(lab[order], np.arange(k + 1))
    for cluster in range(k):
        members = order[bounds[cluster]:bounds[cluster + 1]]
        if members.size < 2 or total[cluster] <= 0:
            continue
        d, mw = centred[members], w[members]
        covariance = (d * mw[:, None]).T @ d
        axis = np.linalg.eigh(covariance)[1][:, -1]
        side = d @ axis > 0
        for half in (side, ~side):
            hw = mw[half].sum()
            if hw > 0:
                s = (d[half] * mw[half, None]).sum(axis=0)
                gains[cluster] += float(s @ s) / hw  # J drop: |sum w d|^2 / w per half
    return gains
