"""The one place that picks metric CRSs, builds shapes in metres and measures bearings.

Pure: imports no web framework, database or settings.
"""

from camroute.geo.bearing import angle_diff_deg, bearing_deg
from camroute.geo.crs import LocalProjection, local_projection
from camroute.geo.shapes import arc_band, circle, ellipse, max_distance_m, sector

__all__ = [
    "LocalProjection",
    "angle_diff_deg",
    "arc_band",
    "bearing_deg",
    "circle",
    "ellipse",
    "local_projection",
    "max_distance_m",
    "sector",
]
