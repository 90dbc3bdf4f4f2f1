"""The Python values of the cameras an answer lists, made once per snapshot and then reused.

Each listed camera's row needs some twenty of its columns as Python values and its cone as a
GeoJSON object. Neither depends on the query, only on the camera in this snapshot, yet they
were made for every answer: a gather and a ``tolist`` per column (about 20 numpy calls a
query), and an ``orjson`` parse of the cone's bytes (about 4 µs a camera, a fifth of a disc
answer). Both are now made the first time an answer lists the camera and kept in the
snapshot's memos (:class:`camroute.routing.memo.Memo`), bounded by ``LISTED_MAX`` cameras.

A kept cone is shared by every answer that lists the camera, so it is frozen: its arrays are
tuples. The answer's validation copies the top-level dict (``dict[str, Any]``), so nothing
an answer's holder does can reach the kept cone, and the JSON is the same bytes as the list
form's (JSON has only arrays).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import orjson
from numpy.typing import NDArray

from camroute.routing.models import ProtectedHit

if TYPE_CHECKING:
    from camroute.routing.index import CameraIndex

# Listed cameras kept per snapshot: a frozen cone is about 6 KB (three times its bytes) and a
# camera's values under 1 KB, so at most about 55 MB; a district's cameras stay in.
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


def listed_cameras(index: CameraIndex, cams: list[int]) -> list[ListedCamera]:
    """The values of cameras ``cams`` (rows of ``index``), kept after the first time."""
    return index.listed_memo.get_many(cams, lambda missing: _gather(index, missing))


def listed_cones(index: CameraIndex, cams: list[int]) -> list[GeoJSON | None]:
    """The cones of cameras ``cams`` as frozen GeoJSON (WGS84); None where there is none."""

    def parse(missing: list[int]) -> list[GeoJSON | None]:
        texts = index.cone_json(np.asarray(missing, np.intp))
        return [None if t is None else _frozen(orjson.loads(t)) for t in texts]

    return index.cone_memo.get_many(cams, parse)


def _gather(index: CameraIndex, cams: list[int]) -> list[ListedCamera]:
    at: NDArray[np.intp] = np.asarray(cams, np.intp)
    ids: list[str] = index.ids[at].tolist()
    columns = (
        ids,
        index.names[at].tolist(),
        index.lon[at].tolist(),
        index.lat[at].tolist(),
        index.x[at].tolist(),
        index.y[at].tolist(),
        index.convergence_deg[at].tolist(),
        index.heading_grid_deg[at].tolist(),
        index.half_fov_deg[at].tolist(),
        index.range_m[at].tolist(),
        index.height_m[at].tolist(),
        index.zoom_min_deg[at].tolist(),
        index.zoom_max_deg[at].tolist(),
        index.fov_assumed[at].tolist(),
        index.heading_estimated[at].tolist(),
        index.offline[at].tolist(),
        index.statuses[at].tolist(),
        index.kinds[at].tolist(),
        index.access[at].tolist(),
        [tuple(index.protected.get(i, ())) for i in ids],
    )
    return [ListedCamera._make(values) for values in zip(*columns, strict=True)]


def _frozen(value: Any) -> Any:
    """``value`` (parsed JSON) with every array a tuple, so it can be shared safely."""
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return {k: _frozen(v) for k, v in value.items()}
    return value
