"""Field of view: per-kind defaults, direction text to a heading, view-cone polygons.

Pure: no web framework, no database. Headings are degrees clockwise from true north in
[0, 360); an unreadable direction is ``None`` (unknown), never a guess.

Per-kind defaults (marked ``assumed`` wherever they are used):

========  =========  ========  ===========================================================
kind      hfov_deg   range_m   why
========  =========  ========  ===========================================================
fixed     60         100       a 6 mm lens on a 1/2.8" sensor sees ~55-60 deg; beyond
                               ~100 m a 2 MP image no longer shows a person usefully
ptz       60         150       hfov at the widest zoom; zoom reaches further, pan 0-360
dome_360  360        50        fisheye: all round, but pixels spread thin with distance
========  =========  ========  ===========================================================
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Final

import shapely

from camroute.geo.shapes import circle, sector


@dataclass(frozen=True)
class KindDefaults:
    """Assumed optics for a camera kind when the source does not say."""

    hfov_deg: float
    range_m: float
    pan_min_deg: float | None = None
    pan_max_deg: float | None = None


KIND_DEFAULTS: Final[dict[str, KindDefaults]] = {
    "fixed": KindDefaults(hfov_deg=60.0, range_m=100.0),
    "ptz": KindDefaults(hfov_deg=60.0, range_m=150.0, pan_min_deg=0.0, pan_max_deg=360.0),
    "dome_360": KindDefaults(hfov_deg=360.0, range_m=50.0),
}

# 16-point compass rose plus English and Vietnamese words; a whole value only.
_POINTS: tuple[str, ...] = ("N", "NNE", "NE", "ENE", "E", "ESE", "SE", "SSE")
_POINTS += ("S", "SSW", "SW", "WSW", "W", "WNW", "NW", "NNW")
COMPASS_DEG: Final[dict[str, float]] = {p.lower(): i * 22.5 for i, p in enumerate(_POINTS)}
COMPASS_DEG.update(
    {
        "north": 0.0,
        "northeast": 45.0,
        "east": 90.0,
        "southeast": 135.0,
        "south": 180.0,
        "southwest": 225.0,
        "west": 270.0,
        "northwest": 315.0,
        "bắc": 0.0,
        "đôngbắc": 45.0,
        "đông": 90.0,
        "đôngnam": 135.0,
        "nam": 180.0,
        "tâynam": 225.0,
        "tây": 270.0,
        "tâybắc": 315.0,
    }
)

_NUMBER = re.compile(r"^\s*([+-]?\d{1,3}(?:\.\d+)?)\s*(?:°|deg|độ)?\s*$", re.IGNORECASE)
# A bearing written in text: a number of at most three digits followed by a degree sign
# or "độ", not the tail of a decimal (coordinates such as "20.826396°N" are not bearings).
_IN_TEXT = re.compile(r"(?<![\d.,])(\d{1,3}(?:[.,]\d+)?)\s*(?:°|º|độ\b)", re.IGNORECASE)


def _normalise(value: float) -> float | None:
    if not math.isfinite(value) or abs(value) > 360.0:
        return None
    return value % 360.0


def parse_direction_deg(value: object) -> float | None:
    """Heading in [0, 360) read from a number, a compass word or free text; else ``None``.

    A plain number is taken modulo 360 (OSM writes 360 for north, some mappers write
    negative bearings); one number followed by ``°`` or ``độ`` inside free text is taken;
    several different ones, a list (``"90;180"``), a range (``"190-100"``) or text with no
    bearing give ``None``. Compass words count only as the whole value, because in
    Vietnamese text they are also place names ("Hướng đi Bắc Ninh").

    Examples
    --------
    >>> parse_direction_deg("307° NW, Hướng về TTTP")
    307.0
    >>> parse_direction_deg(360), parse_direction_deg("-90"), parse_direction_deg("NW")
    (0.0, 270.0, 315.0)
    >>> parse_direction_deg("Hướng đi Bắc Ninh") is None
    True
    >>> parse_direction_deg("Toạ độ: 20.721519°N, 106.783750°E") is None
    True
    >>> parse_direction_deg("90;160;270") is None, parse_direction_deg("190-100") is None
    (True, True)
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return _normalise(float(value))
    text = str(value).strip()
    if not text:
        return None
    plain = _NUMBER.match(text)
    if plain:
        return _normalise(float(plain.group(1)))
    word = COMPASS_DEG.get("".join(text.lower().replace("-", " ").replace("_", " ").split()))
    if word is not None:
        return word
    found = {float(m.group(1).replace(",", ".")) for m in _IN_TEXT.finditer(text)}
    found = {v for v in found if v <= 360.0}
    if len(found) != 1:
        return None
    return _normalise(found.pop())


def view_cone(
    *,
    lon: float,
    lat: float,
    kind: str,
    heading_deg: float | None,
    hfov_deg: float,
    range_m: float,
    pan_min_deg: float | None = None,
    pan_max_deg: float | None = None,
) -> shapely.Polygon | None:
    """The area a camera can be pointed at, in WGS84; ``None`` when the heading is unknown.

    A 360 deg lens, or a PTZ camera that pans all round, covers the disc of its range; any
    other camera needs a heading, since drawing a cone in a guessed direction would mislead.

    Examples
    --------
    >>> cone = view_cone(lon=0.0, lat=0.0, kind="fixed", heading_deg=90.0, hfov_deg=60.0,
    ...                  range_m=100.0)
    >>> cone.centroid.x > 0  # looks east
    True
    >>> view_cone(lon=0.0, lat=0.0, kind="fixed", heading_deg=None, hfov_deg=60.0,
    ...           range_m=100.0) is None
    True
    >>> ptz = view_cone(lon=0.0, lat=0.0, kind="ptz", heading_deg=None, hfov_deg=60.0,
    ...                 range_m=150.0, pan_min_deg=0.0, pan_max_deg=360.0)
    >>> round(abs(ptz.centroid.x) * 1e6) == 0  # a disc about the camera
    True
    """
    full_pan = (
        kind == "ptz"
        and pan_min_deg is not None
        and pan_max_deg is not None
        and pan_max_deg - pan_min_deg >= 360.0
    )
    if hfov_deg >= 360.0 or full_pan:
        return circle(lon=lon, lat=lat, radius_m=range_m)
    if heading_deg is None:
        return None
    return sector(lon=lon, lat=lat, heading_deg=heading_deg, hfov_deg=hfov_deg, range_m=range_m)
