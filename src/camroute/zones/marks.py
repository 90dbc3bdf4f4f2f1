"""Protected-zone marks for a whole ``CameraIndex`` snapshot, made once per snapshot.

Pure. Only cameras whose range could reach a zone are looked at (the index's compiled grid
search, one query per zone); their views then meet the zones in one vectorised pass.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely
from numpy.typing import NDArray

from camroute.routing.index import CameraIndex
from camroute.routing.models import ProtectedHit
from camroute.zones.rules import MetricZones, Zone, zones_seen_by_many


def camera_views(index: CameraIndex, cams: NDArray[np.intp]) -> NDArray[np.object_]:
    """What cameras ``cams`` may see (metres): the viewshed, else the sector.

    A fixed camera whose heading is unknown could face anywhere: its whole range counts, so
    a missing heading never hides a protected zone.
    """
    views = np.array(index.views(cams), dtype=object)
    blind = ~index.can_have_viewshed()[cams]
    if blind.any():
        at = cams[blind]
        views[blind] = shapely.buffer(shapely.points(index.x[at], index.y[at]), index.range_m[at])
    return views


def _near_cameras(index: CameraIndex, zones: MetricZones) -> NDArray[np.intp]:
    bounds = shapely.bounds(zones.reach)
    cx, cy = (bounds[:, 0] + bounds[:, 2]) / 2.0, (bounds[:, 1] + bounds[:, 3]) / 2.0
    half = np.hypot(bounds[:, 2] - bounds[:, 0], bounds[:, 3] - bounds[:, 1]) / 2.0
    found = [
        index.candidates(x_m=float(x), y_m=float(y), radius_m=float(r))
        for x, y, r in zip(cx.tolist(), cy.tolist(), half.tolist(), strict=True)
    ]
    return np.unique(np.concatenate(found)).astype(np.intp) if found else np.empty(0, np.intp)


def protected_marks(
    index: CameraIndex, zones: Sequence[Zone]
) -> dict[str, tuple[ProtectedHit, ...]]:
    """Camera id -> the zones its view reaches, for every camera of ``index`` that reaches one.

    Examples
    --------
    >>> import geopandas as gpd
    >>> cams = gpd.GeoDataFrame({"id": ["N"], "lon": [105.0], "lat": [10.77],
    ...     "heading_deg": [0.0], "hfov_deg": [60.0], "range_m": [80.0]},
    ...     geometry=gpd.points_from_xy([105.0], [10.77]), crs=4326)
    >>> church = shapely.box(104.9999, 10.7703, 105.0001, 10.7704)
    >>> marks = protected_marks(CameraIndex.build(cams), [Zone("z", "C", "place_of_worship",
    ...     "never", church)])
    >>> [h.policy for h in marks["N"]]
    ['never']
    """
    if not zones or len(index) == 0:
        return {}
    metric = MetricZones.build(zones, index.projection)
    cams = _near_cameras(index, metric)
    hits = zones_seen_by_many(camera_views(index, cams), metric)
    return {str(index.ids[cams[v]]): tuple(found) for v, found in hits.items()}
