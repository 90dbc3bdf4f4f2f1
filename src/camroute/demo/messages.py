"""Caller-location messages the way the network sends them: AML SMS, PIDF-LO XML, JSON.

Pure builders used by the demo call generator (and handy in tests). Identifiers in the AML body
(IMSI ``si``, IMEI ``ei``) are obviously fake; camroute never keeps them anyway.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

PIDF_CONTENT_TYPE = "application/pidf+xml"
AML_CONTENT_TYPE = "text/plain"
FormatName = Literal["aml", "pidf-circle", "pidf-ellipse", "pidf-point", "json"]
FORMATS: tuple[FormatName, ...] = ("aml", "pidf-circle", "pidf-ellipse", "pidf-point", "json")

_PIDF_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<presence xmlns="urn:ietf:params:xml:ns:pidf"
    xmlns:gp="urn:ietf:params:xml:ns:pidf:geopriv10"
    xmlns:gml="http://www.opengis.net/gml"
    xmlns:gs="http://www.opengis.net/pidflo/1.0"
    xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model"
    entity="pres:caller@demo.invalid">
  <dm:device id="handset">
    <gp:geopriv>
      <gp:location-info>
"""
_PIDF_TAIL = """      </gp:location-info>
      <gp:usage-rules/>
      <gp:method>{method}</gp:method>
    </gp:geopriv>
    <dm:timestamp>{time}</dm:timestamp>
  </dm:device>
</presence>
"""
_SRS = 'srsName="urn:ogc:def:crs:EPSG::4326"'
_METRE = 'uom="urn:ogc:def:uom:EPSG::9001"'
_DEGREE = 'uom="urn:ogc:def:uom:EPSG::9102"'


def aml_sms(*, lon: float, lat: float, radius_m: float, at: datetime, confidence: int = 68) -> str:
    """An AML v1 SMS body; ``ml`` is the length of the whole message, itself included.

    Examples
    --------
    >>> body = aml_sms(lon=106.7009, lat=10.7769, radius_m=15, at=datetime(2026, 1, 1, tzinfo=UTC))
    >>> body[:48]
    'A"ML=1;lt=+10.77690;lg=+106.70090;rd=15;top=2026'
    >>> int(body.rsplit("ml=", 1)[1]) == len(body)
    True
    """
    head = (
        f'A"ML=1;lt={lat:+.5f};lg={lon:+.5f};rd={round(radius_m)};'
        f"top={at.astimezone(UTC):%Y%m%d%H%M%S};lc={confidence};pm=G;"
        "si=452040000000001;ei=350000000000001;mcc=452;mnc=04;ml="
    )
    length = len(head) + 3
    return f"{head}{length + len(str(length)) - 3}"


def _pidf(shape_xml: str, *, at: datetime, method: str) -> str:
    time = at.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return _PIDF_HEAD + shape_xml + _PIDF_TAIL.format(method=method, time=time)


def pidf_circle(*, lon: float, lat: float, radius_m: float, at: datetime) -> str:
    """PIDF-LO with a ``gs:Circle`` (RFC 5491: ``gml:pos`` is latitude first).

    Examples
    --------
    >>> xml = pidf_circle(lon=106.7, lat=10.77, radius_m=20, at=datetime(2026, 1, 1, tzinfo=UTC))
    >>> "<gml:pos>10.7700000 106.7000000</gml:pos>" in xml, "2026-01-01T00:00:00Z" in xml
    (True, True)
    """
    shape = (
        f"        <gs:Circle {_SRS}>\n          <gml:pos>{lat:.7f} {lon:.7f}</gml:pos>\n"
        f"          <gs:radius {_METRE}>{radius_m:.1f}</gs:radius>\n        </gs:Circle>\n"
    )
    return _pidf(shape, at=at, method="GPS")


def pidf_ellipse(
    *,
    lon: float,
    lat: float,
    semi_major_m: float,
    semi_minor_m: float,
    orientation_deg: float,
    at: datetime,
) -> str:
    """PIDF-LO with a ``gs:Ellipse`` (orientation clockwise from north, in degrees)."""
    shape = (
        f"        <gs:Ellipse {_SRS}>\n          <gml:pos>{lat:.7f} {lon:.7f}</gml:pos>\n"
        f"          <gs:semiMajorAxis {_METRE}>{semi_major_m:.1f}</gs:semiMajorAxis>\n"
        f"          <gs:semiMinorAxis {_METRE}>{semi_minor_m:.1f}</gs:semiMinorAxis>\n"
        f"          <gs:orientation {_DEGREE}>{orientation_deg:.1f}</gs:orientation>\n"
        "        </gs:Ellipse>\n"
    )
    return _pidf(shape, at=at, method="Cell")


def pidf_point(*, lon: float, lat: float, at: datetime) -> str:
    """PIDF-LO with a ``gml:Point`` (no uncertainty)."""
    shape = (
        f"        <gml:Point {_SRS}>\n          <gml:pos>{lat:.7f} {lon:.7f}</gml:pos>\n"
        "        </gml:Point>\n"
    )
    return _pidf(shape, at=at, method="GPS")


def location_payload(
    fmt: FormatName,
    *,
    lon: float,
    lat: float,
    radius_m: float,
    at: datetime,
    orientation_deg: float,
) -> dict[str, Any]:
    """The ``location`` (and ``content_type``) part of a ``POST /api/calls`` body.

    Examples
    --------
    >>> at = datetime(2026, 1, 1, tzinfo=UTC)
    >>> location_payload("json", lon=1.0, lat=2.0, radius_m=9.0, at=at, orientation_deg=0.0)
    {'location': {'lon': 1.0, 'lat': 2.0, 'uncertainty_m': 9.0}}
    >>> payload = location_payload("aml", lon=1, lat=2, radius_m=9, at=at, orientation_deg=0)
    >>> payload["content_type"], payload["location"][:6]
    ('text/plain', 'A"ML=1')
    """
    if fmt == "json":
        return {"location": {"lon": lon, "lat": lat, "uncertainty_m": radius_m}}
    if fmt == "aml":
        text = aml_sms(lon=lon, lat=lat, radius_m=radius_m, at=at)
        return {"location": text, "content_type": AML_CONTENT_TYPE}
    if fmt == "pidf-circle":
        text = pidf_circle(lon=lon, lat=lat, radius_m=radius_m, at=at)
    elif fmt == "pidf-ellipse":
        text = pidf_ellipse(
            lon=lon,
            lat=lat,
            semi_major_m=radius_m,
            semi_minor_m=max(radius_m * 0.5, 3.0),
            orientation_deg=orientation_deg,
            at=at,
        )
    else:
        text = pidf_point(lon=lon, lat=lat, at=at)
    return {"location": text, "content_type": PIDF_CONTENT_TYPE}
