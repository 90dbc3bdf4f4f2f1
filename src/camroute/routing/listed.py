"""The Python values of the cameras an answer lists, made once per snapshot and then reused.

Each listed camera's row needs some twenty of its columns as Python values and its cone as a
GeoJSON object. Neither depends on the query, only on the camera in this snapshot, yet they
were made for every answer: a gather and a ``tolist`` per column (about 20 numpy calls a
query), and an ``orjson`` parse of the cone's bytes (about 4 µs a camera, a fifth of a disc
answer). Both are now made the first time an answer lists the camera and kept in the
snapshot's memos (:class:`camroute.routing.memo.Memo`, filled by
:mod:`camroute.routing.rows`), bounded by ``LISTED_MAX`` cameras.

A kept cone is shared by every answer that lists the camera, so it is frozen: its arrays are
tuples. The answer's validation copies the top-level dict (``dict[str, Any]``), so nothing
an answer's holder does can reach the kept cone, and the JSON is the same bytes as the list
form's (JSON has only arrays).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from camroute.routing.models import ProtectedHit

# Listed cameras kept per snapshot: a frozen cone is about 3.6 KB (three times its bytes) and
# a camera's values 0.7 KB on the benchmark city, so at most about 35 MB; a district stays in.
LISTED_MAX = 8192

GeoJSON = dict[str, Any]


class ListedCamera(NamedTuple):
    """One camera's columns a result row is made of, as Python values."""

    camera_id: str
    name: str
    lon: float
    lat: float
    x: float
    y: float
    convergence: float
    heading_grid: float
    half_fov: float
    range_m: float
    height: float
    zoom_min: float
    zoom_max: float
    fov_assumed: bool
    heading_estimated: bool
    offline: bool
    status: str
    kind: str
    access_class: str
    protected: tuple[ProtectedHit, ...]
    cone: GeoJSON | None  # frozen; None where the camera has no cone


def frozen(value: Any) -> Any:
    """``value`` (parsed GeoJSON) with every array a tuple, so it can be shared safely.

    A polygon's positions are frozen in C (``map(tuple, ring)``: GeoJSON positions hold
    numbers only) rather than one call per number: a cone takes about 2 µs instead of 15.

    Examples
    --------
    >>> frozen({"type": "Polygon", "coordinates": [[[0.0, 0.0], [1.0, 0.0], [0.0, 0.0]]]})
    {'type': 'Polygon', 'coordinates': (((0.0, 0.0), (1.0, 0.0), (0.0, 0.0)),)}
    >>> frozen({"type": "GeometryCollection", "geometries": [{"type": "Point",
    ...     "coordinates": [1.0, 2.0]}]})
    {'type': 'GeometryCollection', 'geometries': ({'type': 'Point', 'coordinates': (1.0, 2.0)},)}
    """
    if isinstance(value, dict):
        kind, coords = value.get("type"), value.get("coordinates")
        if len(value) == 2 and kind in _RING_DEPTH and isinstance(coords, list):
            return {"type": kind, "coordinates": _rings(coords, _RING_DEPTH[kind])}
        return {k: frozen(v) for k, v in value.items()}
    if isinstance(value, list):
        return tuple(frozen(v) for v in value)
    return value


# Nesting above the rings' positions: a polygon is a list of rings, a multi-polygon of those.
_RING_DEPTH = {"Polygon": 1, "MultiPolygon": 2}


def _rings(coords: list[Any], depth: int) -> tuple[Any, ...]:
    if depth == 0:  # a ring: its positions
        return tuple(map(tuple, coords))
    return tuple(_rings(c, depth - 1) for c in coords)
