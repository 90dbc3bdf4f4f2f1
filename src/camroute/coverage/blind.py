"""Blind stretches: the pieces of street no camera sees, ranked by how often callers were there.

Pure, in metres. A way's blind pieces are its difference with the seen area, contiguous pieces
merged; a piece's call density is the number of incident places within ``near_m`` of it per
kilometre of piece. Pieces shorter than ``min_length_m`` are left out: a 3 m gap between two
views with one call near it would otherwise top the list at 333 calls per km; 50 m is half
a typical camera's reach, the shortest gap worth a new camera.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray
from pydantic import BaseModel, Field

NEAR_M = 30.0
MIN_LENGTH_M = 50.0


class BlindStretch(BaseModel):
    """One unseen piece of a street and the calls near it."""

    name: str
    way: int = Field(description="position of its way in the street list")
    length_m: float = Field(ge=0.0)
    incidents: int = Field(ge=0, description=f"incident places within {NEAR_M:.0f} m")
    per_km: float = Field(ge=0.0, description="incidents per km of the piece")
    geometry: shapely.Geometry = Field(exclude=True, description="the piece (metres)")

    model_config = {"arbitrary_types_allowed": True}


def _pieces(
    seen_m: shapely.Geometry, lines: NDArray[np.object_]
) -> tuple[NDArray[np.intp], NDArray[np.object_]]:
    """(way index, blind piece) for every contiguous unseen piece of every way."""
    parts = shapely.get_parts(seen_m)
    blind = lines.copy()
    if parts.size:
        # cut each way only by the union parts its box meets (see streets.seen_lengths_m);
        # most ways meet one part: those are cut in one vectorised call, the rest one by one
        line_i, part_i = shapely.STRtree(parts).query(lines, predicate="intersects")
        meets = np.bincount(line_i, minlength=lines.size)
        one = meets[line_i] == 1
        blind[line_i[one]] = shapely.difference(lines[line_i[one]], parts[part_i[one]])
        order = np.argsort(line_i, kind="stable")
        starts = np.concatenate(([0], np.cumsum(meets)))
        for i in np.flatnonzero(meets > 1).tolist():
            mine = parts[part_i[order[starts[i] : starts[i + 1]]]]
            blind[i] = shapely.difference(lines[i], shapely.union_all(mine))
    merged = shapely.line_merge(blind)
    pieces, way = shapely.get_parts(merged, return_index=True)
    keep = ~shapely.is_empty(pieces)
    return way[keep], pieces[keep]


def blind_stretches(
    seen_m: shapely.Geometry,
    lines_m: Sequence[shapely.Geometry] | NDArray[np.object_],
    names: Sequence[str],
    x_m: ArrayLike,
    y_m: ArrayLike,
    *,
    near_m: float = NEAR_M,
    min_length_m: float = MIN_LENGTH_M,
) -> list[BlindStretch]:
    """The unseen pieces of ``lines_m``, most incidents per km first (then longest).

    Examples
    --------
    >>> seen = shapely.box(40, -1, 60, 1)
    >>> way = [shapely.LineString([(0, 0), (100, 0)])]
    >>> rows = blind_stretches(seen, way, ["Lê Lợi"], [10, 20, 90], [5, -5, 900], min_length_m=0)
    >>> [(r.length_m, r.incidents, r.per_km) for r in rows]
    [(40.0, 2, 50.0), (40.0, 0, 0.0)]
    """
    if near_m < 0 or min_length_m < 0:
        raise ValueError(f"near_m {near_m} m and min_length_m {min_length_m} m must be >= 0")
    lines = np.asarray(lines_m, dtype=object)
    if lines.size == 0:
        return []
    way, pieces = _pieces(seen_m, lines)
    length = shapely.length(pieces)
    long_enough = length >= min_length_m
    way, pieces, length = way[long_enough], pieces[long_enough], length[long_enough]
    calls = np.zeros(pieces.size, dtype=np.int64)
    points = shapely.points(np.asarray(x_m, float), np.asarray(y_m, float))
    if pieces.size and points.size:
        _pt, hit = shapely.STRtree(pieces).query(points, predicate="dwithin", distance=near_m)
        calls = np.bincount(hit, minlength=pieces.size)
    rows = [
        BlindStretch(
            name=names[w],
            way=w,
            length_m=round(n_m, 1),
            incidents=c,
            per_km=round(c / (n_m / 1000.0), 1),
            geometry=g,
        )
        for w, g, n_m, c in zip(
            way.tolist(), pieces.tolist(), length.tolist(), calls.tolist(), strict=True
        )
    ]
    rows.sort(key=lambda r: (-r.per_km, -r.length_m, r.name, r.way))
    return rows
