"""Street coverage: how much of each named street lies inside what the cameras see.

Pure: shapely 2 over arrays, everything in the metric CRS of the camera index (metres). A
street's share is exact (line-polygon intersection), not sampled.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray
from pydantic import BaseModel, Field


class StreetSeen(BaseModel):
    """One named street: its length, the length inside the seen area, the share."""

    name: str
    length_m: float = Field(ge=0.0)
    seen_m: float = Field(ge=0.0)
    share: float = Field(ge=0.0, le=1.0)


class Coverage(BaseModel):
    """The seen area and the street figures (streets sorted by unseen length, largest first)."""

    cameras: int = Field(description="cameras with a view (known heading or all-round)")
    seen_area_m2: float
    street_length_m: float
    street_seen_m: float
    street_share: float = Field(ge=0.0, le=1.0)
    streets: list[StreetSeen]


def seen_area(views_m: Sequence[shapely.Geometry] | NDArray[np.object_]) -> shapely.Geometry:
    """The union of the camera views (metres); empty when there is none.

    Examples
    --------
    >>> a, b = shapely.box(0, 0, 2, 2), shapely.box(1, 0, 3, 2)
    >>> seen_area([a, b, None]).area
    6.0
    """
    views = np.asarray([v for v in views_m if v is not None and not v.is_empty], dtype=object)
    return shapely.union_all(views) if views.size else shapely.Polygon()


def seen_lengths_m(
    seen_m: shapely.Geometry, lines_m: Sequence[shapely.Geometry] | NDArray[np.object_]
) -> NDArray[np.float64]:
    """Length of each line inside ``seen_m``.

    The parts of a union are disjoint, so each line is cut only by the parts its box meets
    (an STRtree over the parts) and the pieces add up: against the whole city's union at once
    every cut would walk every part (44 s instead of under a second for 8,000 ways).

    Examples
    --------
    >>> seen = shapely.union_all([shapely.box(0, -1, 10, 1), shapely.box(20, -1, 30, 1)])
    >>> seen_lengths_m(seen, [shapely.LineString([(0, 0), (100, 0)])]).tolist()
    [20.0]
    """
    lines = np.asarray(lines_m, dtype=object)
    parts = shapely.get_parts(seen_m)
    if lines.size == 0 or parts.size == 0:
        return np.zeros(lines.size)
    line_i, part_i = shapely.STRtree(parts).query(lines, predicate="intersects")
    pieces = shapely.length(shapely.intersection(lines[line_i], parts[part_i]))
    return np.bincount(line_i, weights=pieces, minlength=lines.size).astype(float)


def points_seen(seen_m: shapely.Geometry, x_m: ArrayLike, y_m: ArrayLike) -> NDArray[np.bool_]:
    """Whether each point ``x_m, y_m`` lies inside ``seen_m`` (not on its edge, as contains_xy).

    Each point is tested only against the union's parts its position meets (an STRtree), not
    the whole union: 0.6 s instead of 6.4 s for 200,000 points in a 37,000-view city.

    Examples
    --------
    >>> seen = shapely.union_all([shapely.box(0, 0, 1, 1), shapely.box(5, 5, 6, 6)])
    >>> points_seen(seen, [0.5, 3, 5.5, 1], [0.5, 3, 5.5, 1]).tolist()
    [True, False, True, False]
    """
    x, y = np.asarray(x_m, float), np.asarray(y_m, float)
    inside = np.zeros(x.size, dtype=bool)
    parts = shapely.get_parts(seen_m)
    if x.size and parts.size:
        hit, _part = shapely.STRtree(parts).query(shapely.points(x, y), predicate="within")
        inside[hit] = True
    return inside


def street_coverage(
    seen_m: shapely.Geometry,
    streets_m: Sequence[shapely.Geometry],
    names: Sequence[str],
    *,
    cameras: int = 0,
) -> Coverage:
    """Length of each street name inside ``seen_m`` (all in metres).

    Ways with one name add up; a street counts once however many cameras see a stretch.

    Examples
    --------
    >>> seen = shapely.box(0, -1, 50, 1)
    >>> ways = [shapely.LineString([(0, 0), (100, 0)]), shapely.LineString([(0, 5), (10, 5)])]
    >>> cov = street_coverage(seen, ways, ["Lê Lợi", "Hẻm 1"])
    >>> [(s.name, s.seen_m, s.share) for s in cov.streets], cov.street_share
    ([('Lê Lợi', 50.0, 0.5), ('Hẻm 1', 0.0, 0.0)], 0.4545)
    """
    lines = np.asarray(streets_m, dtype=object)
    length = shapely.length(lines) if lines.size else np.empty(0)
    inside = seen_lengths_m(seen_m, lines)
    totals: dict[str, list[float]] = {}
    for name, total, seen in zip(names, length.tolist(), inside.tolist(), strict=True):
        entry = totals.setdefault(name, [0.0, 0.0])
        entry[0] += total
        entry[1] += seen
    streets = [
        StreetSeen(
            name=name,
            length_m=round(total, 1),
            seen_m=round(seen, 1),
            share=round(min(seen / total, 1.0), 4) if total > 0 else 0.0,
        )
        for name, (total, seen) in totals.items()
    ]
    streets.sort(key=lambda s: (-(s.length_m - s.seen_m), s.name))
    all_m, seen_all_m = float(length.sum()), float(inside.sum())
    return Coverage(
        cameras=cameras,
        seen_area_m2=round(float(seen_m.area), 1),
        street_length_m=round(all_m, 1),
        street_seen_m=round(seen_all_m, 1),
        street_share=round(min(seen_all_m / all_m, 1.0), 4) if all_m > 0 else 0.0,
        streets=streets,
    )
