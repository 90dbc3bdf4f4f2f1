"""Greedy coverage: the at most ``k`` cameras whose views together see most of the region.

Greedy maximum coverage is within ``1 - 1/e`` of the optimum and exact for ``k = 1``.
"""

from __future__ import annotations

import numpy as np
import shapely
from numpy.typing import NDArray


def greedy_cover_samples(seen: NDArray[np.bool_], *, k: int) -> tuple[list[int], float]:
    """Pick rows of ``seen`` (camera x sample) greedily; return rows and the covered share.

    Rows are expected in rank order: on a tie the earlier (better ranked) row wins.

    Examples
    --------
    >>> seen = np.array([[1, 1, 0, 0], [0, 1, 1, 0], [0, 0, 1, 1]], bool)
    >>> greedy_cover_samples(seen, k=2)
    ([0, 2], 1.0)
    >>> greedy_cover_samples(seen, k=0)
    ([], 0.0)
    """
    if seen.size == 0 or k <= 0:
        return [], 0.0
    covered = np.zeros(seen.shape[1], bool)
    chosen: list[int] = []
    for _ in range(min(k, seen.shape[0])):
        gain = (seen & ~covered).sum(axis=1)
        best = int(np.argmax(gain))
        if gain[best] == 0:
            break
        chosen.append(best)
        covered |= seen[best]
    return chosen, float(covered.mean())


def greedy_cover_polygons(
    seen: NDArray[np.object_], *, region_area_m2: float, k: int
) -> tuple[list[int], float]:
    """Pick polygons greedily by the area they add to the union; exact areas.

    Examples
    --------
    >>> seen = np.array([shapely.box(0, 0, 2, 1), shapely.box(1, 0, 3, 1), shapely.box(2, 0, 4, 1)])
    >>> greedy_cover_polygons(seen, region_area_m2=4.0, k=3)
    ([0, 2], 1.0)
    """
    if seen.size == 0 or k <= 0 or region_area_m2 <= 0:
        return [], 0.0
    union: shapely.Geometry = shapely.Polygon()
    chosen: list[int] = []
    area = 0.0
    for _ in range(min(k, seen.shape[0])):
        if area >= region_area_m2 * (1.0 - 1e-9):
            break  # the region is covered: no camera can add anything
        merged = shapely.union(union, seen) if chosen else seen  # round one needs no union
        gain = shapely.area(merged) - area
        gain[chosen] = 0.0
        best = int(np.flatnonzero(gain >= gain.max() - 1e-9 * region_area_m2)[0])  # ties: rank
        if gain[best] <= 1e-9 * region_area_m2:
            break
        chosen.append(best)
        union = shapely.union(union, seen[best])
        area = float(shapely.area(union))
    return chosen, min(area / region_area_m2, 1.0)
