"""The cone the map draws for a camera, as GeoJSON text made once per camera snapshot.

A cone is the camera's viewshed where computed, else its plain sector, in WGS84. It only
changes with the camera (its version) or the buildings, which both make a new index; so its
GeoJSON is written when the viewshed is set (:meth:`CameraIndex.with_given_viewsheds`) and
kept on the index, instead of unprojecting and writing the polygon on every query (about
80 % of a point query's whole answer before). Sectors of cameras without a viewshed are
written the first time a query lists them and kept too.

Kept as UTF-8 bytes: a third of the memory of the parsed dict, immutable so snapshots and
threads can share them. The cameras that answers list get them parsed once more, frozen, in a
bounded memo (:mod:`camroute.routing.listed`).

A cone is drawn, not measured (shares and covers use the metric viewshed), so it is written
simplified to ``CONE_TOLERANCE_M``: a viewshed cut by buildings carries runs of nearly
collinear vertices from its overlay, and dropping them took the benchmark city's cones from
46 to 30 vertices on average (1.9 to 1.2 KB), which every answer parses, keeps and sends.
"""

from __future__ import annotations

import numpy as np
import shapely
from numpy.typing import NDArray

from camroute.geo import LocalProjection

ObjArray = NDArray[np.object_]
# No vertex of a cone is moved by more than this: under a pixel at the map's street zooms.
CONE_TOLERANCE_M = 0.1


def cone_texts(projection: LocalProjection, views: ObjArray) -> ObjArray:
    """GeoJSON (WGS84, UTF-8 bytes) of metric polygons ``views``; ``None`` stays ``None``.

    Each polygon is simplified to ``CONE_TOLERANCE_M`` in metres, keeping it valid. One
    simplification, unprojection and GEOS write for the whole array: the text is the same,
    byte for byte, as writing each polygon on its own.

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
    drawn = shapely.simplify(np.asarray(views[present], dtype=object), CONE_TOLERANCE_M)
    wgs = projection.geometry_to_wgs84(drawn)
    texts = shapely.to_geojson(wgs, indent=None)
    out[present] = [t.encode() for t in texts.tolist()]
    return out
