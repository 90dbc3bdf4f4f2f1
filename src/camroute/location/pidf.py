"""PIDF-LO (RFC 4119 / 5491), LoST ``findService`` and bare GML shapes -> ``CallerLocation``.

A document may carry several location objects (tuples, ``dm:device``, ``dm:person``). The most
precise geodetic one is kept: the smallest region in square metres; a point (uncertainty
unknown) only when there is nothing else; ties go to device, then tuple, then person, then
document order. The civic address of the same ``location-info`` is kept, else the first one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from xml.etree.ElementTree import Element

from camroute.location import gml
from camroute.location.civic import is_civic, parse_civic
from camroute.location.errors import LocationParseError, NeedsGeocodingError
from camroute.location.models import CallerLocation
from camroute.location.regions import Extras, to_location
from camroute.location.values import (
    check_confidence,
    clean_text,
    iso_time,
    number,
    time_warnings,
)
from camroute.location.xmlsafe import parse_xml

PIDF = "urn:ietf:params:xml:ns:pidf"
GP = "urn:ietf:params:xml:ns:pidf:geopriv10"
DM = "urn:ietf:params:xml:ns:pidf:data-model"
CON = "urn:ietf:params:xml:ns:geopriv:conf"
LOST = "urn:ietf:params:xml:ns:lost1"
_CARRIER_RANK = {(DM, "device"): 0, (PIDF, "tuple"): 1, (DM, "person"): 2}


@dataclass(frozen=True)
class _Candidate:
    shape: gml.GmlShape
    container: Element | None
    carrier: Element | None
    order: int

    def key(self) -> tuple[bool, float, int, int]:
        rank = _CARRIER_RANK.get(gml.split_tag(self.carrier.tag), 3) if self.carrier else 3
        is_point = self.shape.region.shape == "point"
        return (is_point, self.shape.region.area_m2, rank, self.order)


def parse_pidf(body: bytes) -> CallerLocation:
    """Parse a PIDF-LO / LoST / GML document into one :class:`CallerLocation`.

    Examples
    --------
    >>> doc = (
    ...     b'<gs:Circle xmlns:gs="http://www.opengis.net/pidflo/1.0" '
    ...     b'xmlns:gml="http://www.opengis.net/gml" srsName="urn:ogc:def:crs:EPSG::4326">'
    ...     b"<gml:pos>10.7725 106.698</gml:pos>"
    ...     b'<gs:radius uom="urn:ogc:def:uom:EPSG::9001">35</gs:radius></gs:Circle>'
    ... )
    >>> loc = parse_pidf(doc)
    >>> loc.shape, loc.lat, loc.lon, round(loc.uncertainty_m, 2)
    ('circle', 10.7725, 106.698, 35.0)
    """
    warnings: list[str] = []
    root = parse_xml(body, warnings=warnings)
    parents = {child: parent for parent in root.iter() for child in parent}
    containers = _containers(root, warnings)
    candidates: list[_Candidate] = []
    civics: list[tuple[Element | None, Element]] = []
    for container in containers:
        for element in _location_elements(container, root):
            if is_civic(element):
                civics.append((container, element))
            else:
                shape = gml.parse_shape(element, warnings=warnings)
                carrier = _carrier(container, parents)
                candidates.append(_Candidate(shape, container, carrier, len(candidates)))
    civic = _civic(civics, candidates, warnings)
    if not candidates:
        if civic:
            raise NeedsGeocodingError(
                "document holds a civic address but no geodetic location",
                field="civic",
                civic=civic,
            )
        raise LocationParseError("document holds no location", field="location-info")
    best = min(candidates, key=_Candidate.key)
    if len(candidates) > 1:
        warnings.append(
            f"{len(candidates)} location objects; kept the most precise ({best.shape.name})"
        )
    extras = Extras(civic=civic, altitude_m=best.shape.altitude_m, warnings=warnings)
    if best.container is not None:
        extras.confidence = _confidence(best.container)
        extras.method = _method(best.container, parents, warnings)
    extras.time = _time(best.carrier, warnings)
    return to_location(best.shape.region, fmt="pidf-lo", extras=extras)


def _containers(root: Element, warnings: list[str]) -> list[Element | None]:
    """The elements whose children are location objects (``None``: the root is one)."""
    ns, local = gml.split_tag(root.tag)
    if (ns, local) == (PIDF, "presence"):
        return list(root.iter(f"{{{GP}}}location-info"))
    if (ns, local) == (LOST, "findService"):
        return list(root.iter(f"{{{LOST}}}location"))
    if ns == LOST:
        raise LocationParseError(
            f"LoST {local} carries no caller location (only findService does)", field="body"
        )
    if gml.is_shape(root) or is_civic(root):
        return [None]
    holders = [el for el in root.iter() if any(gml.is_shape(c) or is_civic(c) for c in el)]
    if holders:
        warnings.append(f"no PIDF-LO wrapper: shapes read from <{local[:40]}>")
    return list(holders)


def _location_elements(container: Element | None, root: Element) -> list[Element]:
    if container is None:
        return [root]
    return [c for c in container if gml.is_shape(c) or is_civic(c)]


def _carrier(container: Element | None, parents: dict[Element, Element]) -> Element | None:
    node = container
    while node is not None:
        if gml.split_tag(node.tag) in _CARRIER_RANK:
            return node
        node = parents.get(node)
    return None


def _civic(
    civics: list[tuple[Element | None, Element]],
    candidates: list[_Candidate],
    warnings: list[str],
) -> dict[str, str] | None:
    if not civics:
        return None
    best_container = min(candidates, key=_Candidate.key).container if candidates else None
    same = [el for container, el in civics if container is best_container]
    return parse_civic((same or [civics[0][1]])[0], warnings=warnings)


def _confidence(container: Element) -> float | None:
    found = container.findall(f"{{{CON}}}confidence")
    if not found:
        return None
    text = (found[0].text or "").strip()
    if text.lower() == "unknown":
        return None
    return check_confidence(number(text, field="confidence"), field="confidence")


def _method(container: Element, parents: dict[Element, Element], warnings: list[str]) -> str | None:
    geopriv = parents.get(container)
    if geopriv is None:
        return None
    methods = geopriv.findall(f"{{{GP}}}method")
    if methods:
        return clean_text(methods[0].text, field="method")
    if any(gml.split_tag(c.tag)[1] == "method" for c in geopriv):
        warnings.append("method: element outside the geopriv namespace ignored")
    return None


def _time(carrier: Element | None, warnings: list[str]) -> datetime | None:
    if carrier is None:
        return None
    stamps = carrier.findall(f"{{{DM}}}timestamp") or carrier.findall(f"{{{PIDF}}}timestamp")
    if not stamps:
        return None
    try:
        time = iso_time(stamps[0].text or "", field="timestamp")
    except LocationParseError as exc:
        warnings.append(f"{exc.detail}; time unknown")
        return None
    warnings.extend(time_warnings(time))
    return time
