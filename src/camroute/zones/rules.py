"""Which protected zones a camera's view reaches: by its viewshed, never by distance alone.

Pure. A viewshed is the ground the camera sees (its sector minus the shadows of buildings), so
a zone drawn on a building footprint is reached where the viewshed meets its walls: zones are
grown by ``EDGE_M`` so that a wall the camera faces counts as seen. A zone behind another
building, however near, is not reached.

Thread safety: the viewsheds are shared with request threads and must never be prepared, so
the candidate search uses the tree's bounding boxes only and the exact test is the plain
(unprepared) ``shapely.intersects``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from numpy.typing import NDArray

from camroute.geo import LocalProjection
from camroute.routing import reason
from camroute.routing.models import ProtectedHit
from camroute.zones.kinds import ZoneKind, ZonePolicy

ZoneHit = ProtectedHit  # what a camera's view reaches (PTZ aiming asks zones_seen the same)
EDGE_M = 0.5  # a viewshed ending this close to a zone sees into it (its facing wall)
_POLICY_ORDER = {"never": 0, "supervisor": 1}


@dataclass(frozen=True)
class Zone:
    """One protected zone as the rules see it (geometry in WGS84 ``lon, lat``)."""

    zone_id: str
    name: str
    kind: ZoneKind
    policy: ZonePolicy
    geometry: shapely.Geometry


@dataclass(frozen=True, eq=False)
class MetricZones:
    """Zones in one metric CRS, grown by ``EDGE_M``, with a bounding-box tree."""

    zones: tuple[Zone, ...]
    reach: NDArray[np.object_]
    tree: shapely.STRtree

    @classmethod
    def build(cls, zones: Sequence[Zone], projection: LocalProjection) -> MetricZones:
        """Project ``zones`` with ``projection`` and index them.

        Examples
        --------
        >>> from camroute.geo import local_projection
        >>> z = Zone("z1", "school", "school", "never", shapely.box(105.0, 10.77, 105.001, 10.771))
        >>> len(MetricZones.build([z], local_projection(lon=105.0, lat=10.77)))
        1
        """
        metric = [projection.geometry_to_metric(z.geometry) for z in zones]
        reach = shapely.buffer(np.asarray(metric, dtype=object), EDGE_M, quad_segs=2)
        reach = np.asarray(reach, dtype=object).reshape(-1)
        return cls(zones=tuple(zones), reach=reach, tree=shapely.STRtree(reach))

    def __len__(self) -> int:
        return len(self.zones)


def hit(zone: Zone) -> ProtectedHit:
    """The ranking's and the ticket rules' record of a camera reaching ``zone``."""
    return ProtectedHit(
        zone_id=zone.zone_id,
        name=zone.name,
        kind=zone.kind,
        policy=zone.policy,
        reason=reason.protected(kind=zone.kind, policy=zone.policy),
    )


def zone_named(hit: ProtectedHit) -> str:
    """A zone as a refusal names it.

    Examples
    --------
    >>> zone_named(hit(Zone("z1", "Trường A", "place_of_worship", "never", shapely.Point(0, 0))))
    "'Trường A' (place of worship, zone z1)"
    """
    return f"{hit.name!r} ({hit.kind.replace('_', ' ')}, zone {hit.zone_id})"


def zone_details(hits: Sequence[ProtectedHit]) -> list[dict[str, str]]:
    """The zones as audit details and problem members (no geometry, no reason text)."""
    return [
        {"zone_id": h.zone_id, "name": h.name, "kind": h.kind, "policy": h.policy} for h in hits
    ]


def ordered(hits: Sequence[ProtectedHit]) -> list[ProtectedHit]:
    """``never`` zones first (they decide), then by name."""
    return sorted(hits, key=lambda h: (_POLICY_ORDER[h.policy], h.name, h.zone_id))


def zones_seen(viewshed_m: shapely.Geometry, zones: MetricZones) -> list[ProtectedHit]:
    """The zones the camera's ``viewshed_m`` (metres, the zones' CRS) reaches into.

    PTZ aiming can ask the same question of the view it is about to point at.

    Examples
    --------
    >>> from camroute.geo import local_projection
    >>> proj = local_projection(lon=105.0, lat=10.77)
    >>> x, y = proj.to_metric(105.0, 10.77)
    >>> school = proj.geometry_to_wgs84(shapely.box(x + 10, y - 5, x + 20, y + 5))
    >>> zones = MetricZones.build([Zone("z1", "Trường A", "school", "supervisor", school)], proj)
    >>> [h.reason.en for h in zones_seen(shapely.box(x, y - 5, x + 9.8, y + 5), zones)]
    ['looks into a school zone — supervisor needed']
    >>> zones_seen(shapely.box(x, y - 5, x + 9.0, y + 5), zones)
    []
    """
    if len(zones) == 0 or viewshed_m is None or shapely.is_empty(viewshed_m):
        return []
    near = zones.tree.query(viewshed_m)  # bounding boxes only: nothing gets prepared
    seen = near[shapely.intersects(zones.reach[near], viewshed_m)]
    return ordered([hit(zones.zones[int(j)]) for j in seen.tolist()])


def zones_seen_by_many(
    views_m: NDArray[np.object_], zones: MetricZones
) -> dict[int, list[ProtectedHit]]:
    """``zones_seen`` for many views at once: view position -> its hits (views that hit only)."""
    if len(zones) == 0 or views_m.size == 0:
        return {}
    pairs = zones.tree.query(views_m)  # (view, zone) pairs whose bounding boxes meet
    if pairs.shape[1] == 0:
        return {}
    views, zone_ids = pairs
    real = shapely.intersects(views_m[views], zones.reach[zone_ids])
    out: dict[int, list[ProtectedHit]] = {}
    for v, j in zip(views[real].tolist(), zone_ids[real].tolist(), strict=True):
        out.setdefault(v, []).append(hit(zones.zones[j]))
    return {v: ordered(hits) for v, hits in out.items()}
