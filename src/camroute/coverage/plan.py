"""Where to put the next cameras: greedy choice of candidate views.

Each pick adds the most incident-weighted street length not yet seen. Pure, in metres. Greedy
maximum coverage is within 1 - 1/e of the best choice of ``budget`` views; each step
recomputes every remaining candidate's gain against what is covered so far, so overlapping
candidates are never counted twice.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray
from pydantic import BaseModel, Field

from camroute.coverage.streets import seen_lengths_m

NEAR_WAY_M = 30.0  # an incident this close to a way counts for it


class Pick(BaseModel):
    """One chosen candidate and what it adds."""

    candidate: int = Field(description="position in the candidate list")
    gain_m: float = Field(description="street length newly seen")
    weighted_gain: float = Field(description="the same, each way weighted by its incidents")


def way_weights(
    lines_m: Sequence[shapely.Geometry], x_m: ArrayLike, y_m: ArrayLike
) -> NDArray[np.float64]:
    """1 + the number of incident places within ``NEAR_WAY_M`` of each way.

    Examples
    --------
    >>> ways = [shapely.LineString([(0, 0), (100, 0)]), shapely.LineString([(0, 500), (1, 500)])]
    >>> way_weights(ways, [10, 20, 900], [5, -5, 900]).tolist()
    [3.0, 1.0]
    """
    lines = np.asarray(lines_m, dtype=object)
    points = shapely.points(np.asarray(x_m, float), np.asarray(y_m, float))
    weights = np.ones(lines.size)
    if lines.size and points.size:
        _pt, way = shapely.STRtree(lines).query(points, predicate="dwithin", distance=NEAR_WAY_M)
        np.add.at(weights, way, 1.0)
    return weights


def greedy_plan(
    candidates_m: Sequence[shapely.Geometry] | NDArray[np.object_],
    lines_m: Sequence[shapely.Geometry],
    weights: ArrayLike,
    *,
    seen_m: shapely.Geometry | None = None,
    budget: int,
) -> list[Pick]:
    """Pick at most ``budget`` candidate views, each adding the most weighted unseen length.

    Stops early when no candidate adds anything.

    Examples
    --------
    >>> street = [shapely.LineString([(0, 0), (100, 0)])]
    >>> views = [shapely.box(0, -1, 60, 1), shapely.box(40, -1, 100, 1), shapely.box(0, -1, 10, 1)]
    >>> [(p.candidate, p.gain_m) for p in greedy_plan(views, street, [1.0], budget=3)]
    [(0, 60.0), (1, 40.0)]
    """
    views = np.asarray(candidates_m, dtype=object)
    lines = np.asarray(lines_m, dtype=object)
    w = np.asarray(weights, float)
    covered = list(shapely.get_parts(seen_m)) if seen_m is not None else []
    street_tree = shapely.STRtree(lines)
    picks: list[Pick] = []
    free = np.ones(views.size, bool)
    for _ in range(max(budget, 0)):
        best, best_gain, best_raw = -1, 0.0, 0.0
        parts = np.asarray(covered, dtype=object)
        covered_tree = shapely.STRtree(parts)
        for i in np.flatnonzero(free).tolist():
            # only the covered pieces near this view: the city-wide union would make every
            # difference walk all of it
            local = parts[covered_tree.query(views[i], predicate="intersects")]
            new = shapely.difference(views[i], shapely.union_all(local)) if local.size else views[i]
            near = street_tree.query(new, predicate="intersects")
            if near.size == 0:
                continue
            raw = seen_lengths_m(new, lines[near])
            gain = float(raw @ w[near])
            if gain > best_gain + 1e-9:
                best, best_gain, best_raw = i, gain, float(raw.sum())
        if best < 0:
            break
        free[best] = False
        covered.append(views[best])
        picks.append(
            Pick(candidate=best, gain_m=round(best_raw, 1), weighted_gain=round(best_gain, 1))
        )
    return picks
