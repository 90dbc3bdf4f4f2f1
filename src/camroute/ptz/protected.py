"""Protected zones and PTZ cameras: judge a view by where the head points, not where it could.

A PTZ camera could turn to see almost anything in its range circle, so the ranking marks it
with every zone in that circle. What a viewer sees, though, is the picture at the head's
aim: the sector at the bearing it faces, as wide as the zoomed field of view plus the
calibration's expected error on each side (an uncalibrated head may stop that far off), as
far as the camera's range, minus the shadows of buildings (the routing snapshot's
footprints). So a move is judged by the view it would give (:func:`zones_in_view`), and so is
a ticket on a PTZ camera whose circle reaches a zone (by the aim ``GetStatus`` reads now).

Policies as for tickets: a ``never`` zone refuses everyone; a ``supervisor`` zone refuses a
dispatcher and asks a supervisor for a written reason.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

import numpy as np
import shapely
from sqlalchemy import Engine

from camroute.cameras.fov import KIND_DEFAULTS
from camroute.errors import PermissionDeniedError
from camroute.geo import LocalProjection, local_projection, sector
from camroute.live.models import MIN_REASON_CHARS
from camroute.ptz.aim import PtzPosition
from camroute.ptz.calibration import Calibration
from camroute.routing.index import CameraIndex
from camroute.routing.models import ProtectedHit
from camroute.routing.sector import sector_polygons
from camroute.routing.viewshed import viewshed
from camroute.zones.rules import MetricZones, zone_details, zone_named, zones_seen
from camroute.zones.store import zones_overlapping

IndexFn = Callable[[], CameraIndex]


class PtzProtectedZoneError(PermissionDeniedError):
    """The move would point the camera into a protected zone whose policy refuses this user."""

    code: ClassVar[str] = "ptz_protected_zone"
    title: ClassVar[str] = "The camera would look into a protected zone"

    def __init__(self, detail: str, *, zones: Sequence[ProtectedHit]) -> None:
        super().__init__(detail, field="target")
        self.zones = list(zones)

    def to_problem(self) -> dict[str, Any]:
        """The problem with the zones the move would reach (``never`` first)."""
        body = super().to_problem()
        body["zones"] = zone_details(self.zones)
        return body


def aimed_at(calibration: Calibration, position: PtzPosition) -> tuple[float, float]:
    """The true bearing and the field of view widened by the expected error, at ``position``."""
    bearing, _tilt = calibration.direction(pan=position.pan, tilt=position.tilt)
    hfov = calibration.zoom_curve.hfov_deg(position.zoom)
    return bearing, min(hfov + 2.0 * calibration.expected_error_deg, 360.0)


def swept(calibration: Calibration, start: PtzPosition, goal: PtzPosition) -> tuple[float, float]:
    """The middle bearing and the opening the picture sweeps turning from ``start`` to ``goal``.

    The head pans straight from one pan value to the other (the device's own space, which may
    span more than a turn), so the picture sweeps the bearings between, each side widened by
    the wider field of view of the two (zoom changes on the way) and the expected error.

    Examples
    --------
    >>> from camroute.ptz.calibration import uncalibrated
    >>> cal = uncalibrated(heading_deg=90.0)  # pan 0 faces east; pan grows clockwise
    >>> mid, opening = swept(cal, PtzPosition(pan=0.0, tilt=0.0, zoom=0.0),
    ...                      PtzPosition(pan=0.5, tilt=0.0, zoom=0.0))
    >>> round(mid), opening > 90.0
    (135, True)
    """
    start_deg, _tilt = calibration.direction(pan=start.pan, tilt=start.tilt)
    turn_deg = calibration.pan_sign * calibration.pan_deg_per_unit * (goal.pan - start.pan)
    hfov = max(aimed_at(calibration, start)[1], aimed_at(calibration, goal)[1])
    return (start_deg + turn_deg / 2.0) % 360.0, min(abs(turn_deg) + hfov, 360.0)


def _range_m(camera: Mapping[str, Any]) -> float:
    defaults = KIND_DEFAULTS.get(str(camera["kind"]), KIND_DEFAULTS["fixed"])
    return float(camera["range_m"] or defaults.range_m)


def view_m(
    camera: Mapping[str, Any], *, bearing_deg: float, hfov_deg: float, index: CameraIndex | None
) -> tuple[shapely.Geometry, LocalProjection]:
    """The ground the camera sees facing ``bearing_deg`` with ``hfov_deg`` (metres), and its CRS.

    With the routing snapshot the buildings' shadows are cut out; a camera the snapshot does
    not hold (yet) gets the plain sector: wider than what it sees, never narrower.
    """
    at = np.flatnonzero(index.ids == camera["id"]) if index is not None else np.array([], int)
    if index is None or at.size == 0:
        projection = local_projection(lon=float(camera["lon"]), lat=float(camera["lat"]))
        plain = sector(
            lon=float(camera["lon"]),
            lat=float(camera["lat"]),
            heading_deg=bearing_deg,
            hfov_deg=hfov_deg,
            range_m=_range_m(camera),
        )
        return projection.geometry_to_metric(plain), projection
    i = int(at[0])
    x_m, y_m, range_m = float(index.x[i]), float(index.y[i]), float(index.range_m[i])
    grid_heading = bearing_deg - float(index.convergence_deg[i])
    (sec,) = sector_polygons(
        x_m=[x_m], y_m=[y_m], heading_deg=[grid_heading], hfov_deg=[hfov_deg], range_m=[range_m]
    )
    seen = viewshed(
        sec,
        x_m=x_m,
        y_m=y_m,
        height_m=float(index.height_m[i]),
        range_m=range_m,
        footprints=index.buildings,
    )
    return seen, index.projection


def zones_in_view(
    engine: Engine,
    camera: Mapping[str, Any],
    *,
    bearing_deg: float,
    hfov_deg: float,
    index: CameraIndex | None,
) -> list[ProtectedHit]:
    """The protected zones the camera would see facing ``bearing_deg`` (``never`` first)."""
    seen, projection = view_m(camera, bearing_deg=bearing_deg, hfov_deg=hfov_deg, index=index)
    if shapely.is_empty(seen):
        return []
    with engine.connect() as conn:
        zones = zones_overlapping(conn, projection.geometry_to_wgs84(seen).bounds)
    if not zones:
        return []
    return zones_seen(seen, MetricZones.build(zones, projection))


def move_refusal(
    hits: Sequence[ProtectedHit],
    *,
    supervisor: bool,
    reason: str | None,
    on_the_way: bool = False,
) -> str | None:
    """Why the zones the move would reach refuse it (None when they allow it).

    ``on_the_way``: the zones are those the picture passes over while the head turns.

    Examples
    --------
    >>> from camroute.zones.rules import Zone, hit
    >>> school = hit(Zone("z1", "Trường A", "school", "supervisor", shapely.Point(0, 0)))
    >>> move_refusal([school], supervisor=False, reason=None)[:44]
    "the camera would look into protected zone 'T"
    >>> move_refusal([school], supervisor=True, reason="a child is missing here") is None
    True
    """
    looks = "would sweep over" if on_the_way else "would look into"
    never = [h for h in hits if h.policy == "never"]
    if never:
        return (
            f"the camera {looks} protected zone {zone_named(never[0])}, whose policy is "
            "never: nobody may point it there"
        )
    if not hits:
        return None
    named = ", ".join(zone_named(h) for h in hits)
    if not supervisor:
        return (
            f"the camera {looks} protected zone {named}: only a supervisor may point it "
            "there, with a written reason"
        )
    if not reason or len(reason.strip()) < MIN_REASON_CHARS:
        return (
            f"the camera {looks} protected zone {named}: a written reason of at least "
            f"{MIN_REASON_CHARS} characters is required"
        )
    return None
