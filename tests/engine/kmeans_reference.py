"""A plain per-pixel Lloyd, written for the tests: slow, obviously correct, no histogram.

It follows the engine's documented rules: ties go to the lowest centroid index; an empty
cluster takes the colour of the positive-weight pixel farthest from its centroid (all pixels
of that colour, since equal colours always share a cluster), taken only from clusters that
keep another colour; stop when no pixel changes cluster, when J drops by <= tol * J, or at
max_iter.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from colorseg_gui.engine import to_space


@dataclass
class RefStep:
    labels: np.ndarray  # per pixel
    centroids: np.ndarray
    inertia: float
    changed: int
    stop_reason: str


def pixels_of(image: np.ndarray, space: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(pixel colours uint8, coordinates in the clustering space, weights), row-major."""
    rgb = image[..., :3].reshape(-1, 3)
    if image.shape[2] == 4:
        weights = image[..., 3].reshape(-1).astype(np.float64) / 255.0
    else:
        weights = np.ones(rgb.shape[0])
    return rgb, to_space(rgb, space), weights  # type: ignore[arg-type]


def reference_lloyd(
    image: np.ndarray,
    centroids: np.ndarray,
    *,
    space: str = "rgb",
    max_iter: int = 300,
    tol: float = 0.0,
    locked: tuple[int, ...] = (),
) -> list[RefStep]:
    """Per-pixel Lloyd; `locked` centroids never move, are never reseeded, and no reseed
    takes a pixel whose colour equals a locked centroid."""
    rgb, x, w = pixels_of(image, space)
    codes = (rgb[:, 0].astype(np.int64) << 16) | (rgb[:, 1].astype(np.int64) << 8) | rgb[:, 2]
    c = np.array(centroids, dtype=np.float64)
    k = c.shape[0]
    previous = None
    previous_j = None
    steps = []
    for iteration in range(1, max_iter + 1):
        dist = ((x[:, None, :] - c[None, :, :]) ** 2).sum(axis=2)
        labels = dist.argmin(axis=1)
        inertia = float(np.sum(w * dist[np.arange(x.shape[0]), labels]))
        for cluster in range(k):
            if cluster in locked or w[labels == cluster].sum() > 0:
                continue
            own = dist[np.arange(x.shape[0]), labels]
            best, best_d = None, -1.0
            for p in range(x.shape[0]):
                if w[p] <= 0 or own[p] <= best_d:
                    continue
                if any(np.array_equal(x[p], c[j]) for j in locked):
                    continue
                others = codes[(labels == labels[p]) & (w > 0) & (codes != codes[p])]
                if others.size:
                    best, best_d = p, own[p]
            assert best is not None
            labels[codes == codes[best]] = cluster
        changed = x.shape[0] if previous is None else int(np.sum(labels != previous))
        new_c = np.array([(w[labels == j, None] * x[labels == j]).sum(axis=0) for j in range(k)])
        with np.errstate(invalid="ignore", divide="ignore"):  # empty locked clusters
            new_c /= np.array([w[labels == j].sum() for j in range(k)])[:, None]
        for j in range(k):
            if j in locked or not w[labels == j].sum() > 0:
                new_c[j] = c[j]
        reason = ""
        if changed == 0:
            reason = "converged"
        elif tol > 0 and previous_j is not None and previous_j - inertia <= tol * previous_j:
            reason = "tol"
        elif iteration == max_iter:
            reason = "max_iter"
        steps.append(RefStep(labels.copy(), new_c, inertia, changed, reason))
        if reason:
            break
        previous, previous_j, c = labels, inertia, new_c
    return steps
