"""Coverage per ward: street length seen and incident places seen, inside each ward's polygon.

Pure, in metres. Wards are the 2025 units (``admin`` features of level ``ward``). Where only a
ward's point is known (the HCMC demo ships points), :func:`ward_cells` stands in the Voronoi
cell of the point, and the figures are flagged approximate.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray
from pydantic import BaseModel, Field

from camroute.coverage.streets import points_seen, seen_lengths_m


class WardCoverage(BaseModel):
    """One ward: its street length and incident places, and how much of each a camera saw."""

    code: str
    name: str
    street_length_m: float = Field(ge=0.0)
    street_seen_m: float = Field(ge=0.0)
    street_share: float = Field(ge=0.0, le=1.0)
    incidents: int = Field(ge=0)
    incidents_seen: int = Field(ge=0)
    incident_share: float = Field(ge=0.0, le=1.0)
    approximate: bool = Field(description="the ward's area is a Voronoi cell of its point")


def ward_cells(
    points_m: Sequence[shapely.Geometry] | NDArray[np.object_], extent_m: shapely.Geometry
) -> NDArray[np.object_]:
    """The Voronoi cell of each point, clipped to ``extent_m``, in the points' order.

    Examples
    --------
    >>> cells = ward_cells([shapely.Point(0, 0), shapely.Point(10, 0)], shapely.box(-5, -5, 15, 5))
    >>> [c.area for c in cells]
    [100.0, 100.0]
    """
    points = np.asarray(points_m, dtype=object)
    if points.size == 0:
        return np.empty(0, dtype=object)
    if points.size == 1:
        return np.asarray([extent_m], dtype=object)
    hull = shapely.multipoints(points)
    cells = shapely.get_parts(shapely.voronoi_polygons(hull, extend_to=extent_m))
    # voronoi_polygons does not keep the input order: match each point to the cell holding it
    pt, cell = shapely.STRtree(cells).query(points, predicate="intersects")
    first = np.unique(pt, return_index=True)[1]
    ordered = np.empty(points.size, dtype=object)
    ordered[pt[first]] = cells[cell[first]]
    return np.asarray(shapely.intersection(ordered, extent_m), dtype=object)


def _share(part: float, whole: float) -> float:
    return round(min(part / whole, 1.0), 4) if whole > 0 else 0.0


def ward_coverage(
    seen_m: shapely.Geometry,
    wards_m: Sequence[shapely.Geometry] | NDArray[np.object_],
    codes: Sequence[str],
    names: Sequence[str],
    lines_m: Sequence[shapely.Geometry] | NDArray[np.object_],
    x_m: ArrayLike,
    y_m: ArrayLike,
    *,
    approximate: bool = False,
) -> list[WardCoverage]:
    """Per ward: the street length inside it and inside ``seen_m`` too; the same for incidents.

    Wards with the most unseen street first. A street crossing two wards counts in each for
    the part inside it; an incident on a shared border counts in both.

    Examples
    --------
    >>> wards = [shapely.box(0, -5, 50, 5), shapely.box(50, -5, 100, 5)]
    >>> seen = shapely.box(0, -1, 75, 1)
    >>> rows = ward_coverage(seen, wards, ["1", "2"], ["A", "B"],
    ...     [shapely.LineString([(0, 0), (100, 0)])], [10, 90], [0, 0])
    >>> [(w.code, w.street_seen_m, w.street_share, w.incidents_seen) for w in rows]
    [('2', 25.0, 0.5, 0), ('1', 50.0, 1.0, 1)]
    """
    wards = np.asarray(wards_m, dtype=object)
    lines = np.asarray(lines_m, dtype=object)
    total: NDArray[np.float64] = np.zeros(wards.size)
    seen: NDArray[np.float64] = np.zeros(wards.size)
    if wards.size and lines.size:
        ward_i, line_i = shapely.STRtree(lines).query(wards, predicate="intersects")
        pieces = shapely.intersection(lines[line_i], wards[ward_i])
        total = np.bincount(ward_i, shapely.length(pieces), wards.size).astype(float)
        seen = np.bincount(ward_i, seen_lengths_m(seen_m, pieces), wards.size).astype(float)
    x, y = np.asarray(x_m, float), np.asarray(y_m, float)
    calls: NDArray[np.int64] = np.zeros(wards.size, np.int64)
    calls_seen: NDArray[np.int64] = np.zeros(wards.size, np.int64)
    if wards.size and x.size:
        points = shapely.points(x, y)
        pt, ward = shapely.STRtree(wards).query(points, predicate="intersects")
        inside = points_seen(seen_m, x, y)
        calls = np.bincount(ward, minlength=wards.size).astype(np.int64)
        calls_seen = np.bincount(ward, weights=inside[pt], minlength=wards.size).astype(np.int64)
    rows = [
        WardCoverage(
            code=code,
            name=name,
            street_length_m=round(t, 1),
            street_seen_m=round(s, 1),
            street_share=_share(s, t),
            incidents=n,
            incidents_seen=k,
            incident_share=_share(k, n),
            approximate=approximate,
        )
        for code, name, t, s, n, k in zip(
            codes, names, total.tolist(), seen.tolist(), calls.tolist(), calls_seen.tolist(),
            strict=True,
        )
    ]  # fmt: skip
    rows.sort(key=lambda w: (-(w.street_length_m - w.street_seen_m), w.code))
    return rows
