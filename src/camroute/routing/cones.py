"""The cone the map draws for a camera, as GeoJSON text made once per camera snapshot.

A cone is the camera's viewshed where computed, else its plain sector, in WGS84. It only
changes with the camera (its version) or the buildings, which both make a new index; so its
GeoJSON is written when the viewshed is set (:meth:`CameraIndex.with_given_viewsheds`) and
kept on the index, instead of unprojecting and writing the polygon on every query (about
80 % of a point query's whole answer before). Sectors of cameras without a viewshed are
written the first time a query lists them and kept too.

Kept as UTF-8 bytes: a third of the memory of the parsed dict (1.9 KB against 6.5 KB a cone
on the benchmark city), immutable so snapshots and threads can share them. The cameras that
answers list get them parsed once more, frozen, in a bounded memo (:mod:`camroute.routing.listed`).
"""

from __future__ import annotations

import numpy as np
import shapely
from numpy.typing import NDArray

from camroute.geo import LocalProjection

ObjArray = NDArray[np.object_]


def cone_texts(projection: LocalProjection, views: ObjArray) -> ObjArray:
    """GeoJSON (WGS84, UTF-8 bytes) of metric polygons ``views``; ``None`` stays ``None``.

    One unprojection and one GEOS write for the whole array: the text is the same, byte for
    byte, as writing each polygon on its own.

    Examples
    --------
    >>> from camroute.geo import local_projection
    >>> p = local_projection(lon=106.7, lat=10.77)
    >>> x, y = p.to_metric(106.7, 10.77)
    >>> texts = cone_texts(p, np.array([shapely.box(x, y, x + 10, y + 10), None]))
    >>> texts[0][:30], texts[1]
    (b'{"type":"Polygon","coordinates', None)
    """
    out = np.full(len(views), None, dtype=object)
    present = np.flatnonzero(~shapely.is_missing(views))
    if present.size == 0:
        return out
    wgs = projection.geometry_to_wgs84(np.asarray(views[present], dtype=object))
    texts = shapely.to_geojson(wgs, indent=None)
    out[present] = [t.encode() for t in texts.tolist()]
    return out
