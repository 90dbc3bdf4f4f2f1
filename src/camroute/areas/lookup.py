"""``lookup`` (point to words) and ``geocode`` (words to points) over loaded ``AreaLayers``."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import numpy as np

from camroute.areas.errors import AreaQueryError
from camroute.areas.gazetteer import pair_score
from camroute.areas.layers import AreaLayers, Snapshot
from camroute.areas.models import GeocodeCandidate, GeocodeResult, LocationReport
from camroute.areas.spatial import QueryPoint
from camroute.areas.textnorm import ParsedQuery, normalise, parse_coordinates, parse_query
from camroute.geo.crs import local_projection

MAX_LIMIT = 50
CONTEXT_RADIUS_M = 10_000.0
_OUTSIDE = "outside every loaded administrative unit"


def _check_point(lon: float, lat: float) -> None:
    if not (math.isfinite(lon) and -180.0 <= lon <= 180.0):
        raise AreaQueryError(f"lon must be in [-180, 180] degrees, got {lon}", field="lon")
    if not (math.isfinite(lat) and -90.0 <= lat <= 90.0):
        raise AreaQueryError(f"lat must be in [-90, 90] degrees, got {lat}", field="lat")


def _check_time(at: datetime | None) -> datetime:
    if at is None:
        return datetime.now(UTC)
    if at.tzinfo is None or at.utcoffset() is None:
        raise AreaQueryError(f"at must carry a UTC offset, got {at.isoformat()}", field="at")
    return at.astimezone(UTC)


def lookup(
    *, lon: float, lat: float, at: datetime | None = None, layers: AreaLayers
) -> LocationReport:
    """Admin units (at time ``at``, default now), responsible units, street, corner, landmark.

    A point no unit holds (and no centroid reaches) has an empty ``admin`` and
    ``inside_admin`` false, with a note saying so.
    """
    _check_point(lon, lat)
    when = _check_time(at)
    snap = layers.current
    point = QueryPoint(lon, lat)
    admin = snap.admin.resolve(point, when)
    current = [u for u in admin.values() if not u.level.startswith("legacy_")]
    notes = [] if current else [_OUTSIDE]
    return LocationReport(
        lon=lon,
        lat=lat,
        at=when,
        admin=admin,
        inside_admin=bool(current),
        services=snap.services.resolve(point),
        street=snap.streets.street(point),
        intersection=snap.streets.intersection(point),
        poi=snap.streets.poi(point),
        notes=notes,
    )


def _candidates(
    snap: Snapshot,
    hits: list[tuple[int, float]],
    *,
    kind: str | None = None,
    label: str = "{}",
) -> list[GeocodeCandidate]:
    out = []
    for entry_id, score in hits:
        entry = snap.names.entries[entry_id]
        out.append(
            GeocodeCandidate(
                label=label.format(entry.label),
                kind=kind or entry.kind,
                lon=entry.lon,
                lat=entry.lat,
                score=round(score / 100.0, 3),
            )
        )
    return out


def _intersection_hits(
    snap: Snapshot, streets: tuple[str, ...], limit: int
) -> list[tuple[int, float]]:
    key = " ".join(streets)
    if len(streets) != 2:
        return snap.names.search(key, kinds={"intersection"}, limit=limit)
    pair = (streets[0], streets[1])
    wide = snap.names.search(key, kinds={"intersection"}, limit=limit * 5, min_score=50.0)
    scored = [(i, pair_score(pair, snap.names.entries[i].parts)) for i, _ in wide]
    kept = sorted((h for h in scored if h[1] > 0.0), key=lambda h: -h[1])
    return kept[:limit]


def _context_points(snap: Snapshot, context: tuple[str, ...]) -> list[tuple[float, float]]:
    points = []
    for part in context:
        for i, _ in snap.names.search(part, kinds={"admin_unit"}, limit=3, min_score=90.0):
            entry = snap.names.entries[i]
            points.append((entry.lon, entry.lat))
    return points


def _near_context_first(
    snap: Snapshot, hits: list[tuple[int, float]], context: tuple[str, ...], limit: int
) -> list[tuple[int, float]]:
    """Put first the hits within ``CONTEXT_RADIUS_M`` of a unit the text names after a comma.

    ``"Lê Lợi, P. Bến Thành, Q.1"``: of several streets named Lê Lợi, the one near Bến Thành
    ward / Quận 1 comes first. Scores are left as matched.
    """
    points = _context_points(snap, context) if context and len(hits) > 1 else []
    if not points:
        return hits[:limit]
    proj = local_projection(lon=points[0][0], lat=points[0][1])
    entries = [snap.names.entries[i] for i, _ in hits]
    ex, ey = proj.to_metric([e.lon for e in entries], [e.lat for e in entries])
    px, py = proj.to_metric([p[0] for p in points], [p[1] for p in points])
    dist_m = np.hypot(ex[:, None] - px[None, :], ey[:, None] - py[None, :]).min(axis=1)
    near = dist_m <= CONTEXT_RADIUS_M
    order = sorted(range(len(hits)), key=lambda k: (not near[k], -hits[k][1]))
    return [hits[k] for k in order][:limit]


def _search(snap: Snapshot, parsed: ParsedQuery, limit: int) -> list[GeocodeCandidate]:
    names = snap.names
    wide = limit * 4 if parsed.context else limit
    if parsed.intersection is not None:
        hits = _intersection_hits(snap, parsed.intersection, limit)
        if hits:
            return _candidates(snap, hits)
        # "Phường Văn Miếu - Quốc Tử Giám", "Xã Giao Ninh": a name, not two streets
        return _candidates(snap, names.search(normalise(parsed.raw), limit=limit))
    if parsed.house_number is not None:
        hits = names.search(parsed.key, kinds={"street"}, limit=wide)
        hits = _near_context_first(snap, hits, parsed.context, limit)
        if hits:
            label = f"{{}} (street of house number {parsed.house_number}; number not located)"
            return _candidates(snap, hits, kind="street_of_address", label=label)
        return _candidates(snap, names.search(f"{parsed.house_number} {parsed.key}", limit=limit))
    kinds = {"poi", "admin_unit", "street"} if parsed.near else None
    hits = names.search(parsed.key, kinds=kinds, limit=wide)
    return _candidates(snap, _near_context_first(snap, hits, parsed.context, limit))


def geocode(text: str, *, layers: AreaLayers, limit: int = 5) -> GeocodeResult:
    """Ranked places for Vietnamese address text; an empty list when nothing matches.

    Understands typed coordinates, intersections (``"ngã tư A B"``, ``"A - B"``), house
    numbers (answered with the street, and said so), landmarks (``"gần chợ Bến Thành"``),
    abbreviations, missing diacritics and typos.
    """
    if not 1 <= limit <= MAX_LIMIT:
        raise AreaQueryError(f"limit must be in [1, {MAX_LIMIT}], got {limit}", field="limit")
    if len(text) > 500:
        raise AreaQueryError(f"q is {len(text)} characters, at most 500 allowed", field="q")
    coords = parse_coordinates(text)
    if coords is not None:
        lon, lat = coords
        label = f"{lat:.6f}, {lon:.6f} (typed coordinates)"
        hit = GeocodeCandidate(label=label, kind="coordinates", lon=lon, lat=lat, score=1.0)
        return GeocodeResult(query=text, candidates=[hit])
    found = _search(layers.current, parse_query(text), limit)
    return GeocodeResult(query=text, candidates=found)
