"""Which source column feeds which camera field: built-in aliases, OSM tags, a mapping file.

A mapping file is JSON::

    {"id": "ma_camera", "lon": "kinh_do", "lat": "vi_do",
     "heading_deg": ["huong", "ghi_chu"],          # first readable value wins
     "kind_values": {"quay quét": "ptz"},          # extra words for ``kind``
     "defaults": {"owner": "CSGT Hải Phòng"},      # constants where the file has nothing
     "id_prefix": "hp-",
     "url_preset": "hikvision",                    # vendor URL templates (below)
     "url_templates": {"mjpeg_url": "http://{host}/cgi-bin/mjpg/video.cgi?channel={channel}"}}

A URL template fills ``snapshot_url`` / ``mjpeg_url`` / ``rtsp_url`` / ``rtsp_sub_url`` /
``onvif_url`` from the row's columns
(``{host}`` is the row's ``host`` cell, percent-encoded so it stays one part of the URL) where the
row has no URL of its own; a row with a template's column empty is rejected naming it.
``url_preset`` takes a vendor's usual paths from :data:`URL_PRESETS`; ``url_templates`` add to
or override them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from string import Formatter
from typing import Any, Final

import orjson

from camroute.cameras.importers import SourceFileError
from camroute.cameras.model import CAMERA_FIELDS, NOT_IMPORTED

# Built-in aliases (lower case), tried in order. Provenance columns are never taken by name:
# the importer writes ``imported:<source>`` itself.
ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "id": ("id", "camera_id", "cam_id", "code", "ma", "ma_camera", "ref"),
    "name": ("name", "camera_name", "ten", "title", "label"),
    "lon": ("lon", "lng", "long", "longitude", "x", "kinh_do"),
    "lat": ("lat", "latitude", "y", "vi_do"),
    "wkt": ("wkt", "geometry", "geom", "the_geom"),
    "heading_deg": (
        "heading_deg",
        "heading",
        "bearing",
        "azimuth",
        "camera:direction",
        "direction",
        "huong",
    ),
    "hfov_deg": ("hfov_deg", "hfov", "fov", "fov_deg", "field_of_view"),
    "range_m": ("range_m", "range", "view_distance_m"),
    "mount_height_m": ("mount_height_m", "height_m", "height", "camera:height"),
    "tilt_deg": ("tilt_deg", "tilt", "camera:angle"),
    "kind": ("kind", "camera_type", "camera:type", "ptz", "type"),
    "owner": ("owner", "operator", "agency"),
    "username": ("username", "user"),
    "password": ("password",),
    "nvr_channel": ("nvr_channel", "channel", "kenh"),
    "onvif_url": ("onvif_url", "onvif"),
}
SAME_NAME: Final = (
    "pan_min_deg",
    "pan_max_deg",
    "tilt_min_deg",
    "tilt_max_deg",
    "zoom_hfov_min_deg",
    "zoom_hfov_max_deg",
    "status",
    "last_seen",
    "snapshot_url",
    "mjpeg_url",
    "rtsp_url",
    "rtsp_sub_url",
    "access_class",
)
# OpenStreetMap tags (``camera:angle`` is tilt, never field of view).
OSM_TAGS: Final[dict[str, tuple[str, ...]]] = {
    "name": ("name",),
    "heading_deg": ("camera:direction", "direction"),
    "tilt_deg": ("camera:angle",),
    "mount_height_m": ("height", "camera:height"),
    "kind": ("camera:type",),
    "owner": ("operator",),
}
PREFERRED_HEADING_PREFIX: Final = "heading_deg_"
MAPPABLE: Final = frozenset(
    {*CAMERA_FIELDS, "id", "wkt", "username", "password"}
    - {"heading_source", "hfov_source", "range_source", "height_source", "fov_assumed"}
    - set(NOT_IMPORTED)
)
META_KEYS: Final = frozenset(
    {"defaults", "kind_values", "id_prefix", "url_preset", "url_templates"}
)
URL_FIELDS: Final = ("snapshot_url", "mjpeg_url", "rtsp_url", "rtsp_sub_url", "onvif_url")
# The vendors' own paths; ``{channel}`` is the channel number (1, 2, ...): a camera's own
# channel 1, or an NVR's channel, whose ONVIF address is the NVR's (the row's ``channel`` is
# then also its ``nvr_channel``). The ``-sub`` presets take the sub-stream (usually H.264,
# smaller) as the RTSP stream itself.
_HIK_SNAPSHOT: Final = "http://{host}/ISAPI/Streaming/channels/{channel}01/picture"
_DAHUA_SNAPSHOT: Final = "http://{host}/cgi-bin/snapshot.cgi?channel={channel}"
_HIK_RTSP: Final = "rtsp://{host}:554/Streaming/Channels/{channel}0"
_DAHUA_RTSP: Final = "rtsp://{host}:554/cam/realmonitor?channel={channel}&subtype="
_ONVIF: Final = "http://{host}/onvif/device_service"  # both vendors' (and their OEMs') path
URL_PRESETS: Final[dict[str, dict[str, str]]] = {
    "hikvision": {
        "snapshot_url": _HIK_SNAPSHOT,
        "rtsp_url": _HIK_RTSP + "1",
        "rtsp_sub_url": _HIK_RTSP + "2",
        "onvif_url": _ONVIF,
    },
    "hikvision-sub": {"snapshot_url": _HIK_SNAPSHOT, "rtsp_url": _HIK_RTSP + "2"},
    "dahua": {
        "snapshot_url": _DAHUA_SNAPSHOT,
        "rtsp_url": _DAHUA_RTSP + "0",
        "rtsp_sub_url": _DAHUA_RTSP + "1",
        "onvif_url": _ONVIF,
    },
    "dahua-sub": {"snapshot_url": _DAHUA_SNAPSHOT, "rtsp_url": _DAHUA_RTSP + "1"},
}


@dataclass(frozen=True)
class Mapping:
    """An explicit column mapping, read from a ``--mapping`` file."""

    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)
    kind_values: dict[str, str] = field(default_factory=dict)
    id_prefix: str = ""
    url_templates: dict[str, str] = field(default_factory=dict)


def template_columns(template: str) -> tuple[str, ...]:
    """The column names a URL template uses, in order; ``ValueError`` if it is not plain.

    Examples
    --------
    >>> template_columns(URL_PRESETS["hikvision"]["rtsp_url"])
    ('host', 'channel')
    >>> template_columns("http://{host!r}/")
    Traceback (most recent call last):
    ...
    ValueError: '{host!r}': only plain {column} fields are allowed
    """
    names: list[str] = []
    for _, name, spec, conversion in Formatter().parse(template):
        if name is None:
            continue
        if not name or spec or conversion or any(c in name for c in ".[]{}") or name.isdigit():
            shown = "{" + name + (f"!{conversion}" if conversion else "") + "}"
            raise ValueError(f"{shown!r}: only plain {{column}} fields are allowed")
        if name not in names:
            names.append(name)
    return tuple(names)


def _url_templates(doc: dict[str, Any], name: str) -> dict[str, str]:
    preset = doc.get("url_preset")
    if preset is not None and preset not in URL_PRESETS:
        raise SourceFileError(
            f"mapping {name}: unknown url_preset {preset!r}; valid: {sorted(URL_PRESETS)}",
            field="mapping",
        )
    given = doc.get("url_templates", {})
    if not isinstance(given, dict) or set(given) - set(URL_FIELDS):
        raise SourceFileError(
            f"mapping {name}: url_templates must map some of {list(URL_FIELDS)} to templates",
            field="mapping",
        )
    templates = {**URL_PRESETS.get(preset or "", {}), **{k: str(v) for k, v in given.items()}}
    for key, template in templates.items():
        try:
            template_columns(template)
        except ValueError as exc:
            raise SourceFileError(f"mapping {name}: {key} template {exc}", field="mapping") from exc
    return templates


def load_mapping(path: Path) -> Mapping:
    """Read and check a mapping file; unknown keys are an error naming the valid ones."""
    try:
        doc = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError) as exc:
        message = f"mapping {path.name}: not readable JSON ({exc})"
        raise SourceFileError(message, field="mapping") from exc
    if not isinstance(doc, dict):
        raise SourceFileError(f"mapping {path.name}: expected a JSON object", field="mapping")
    unknown = sorted(set(doc) - MAPPABLE - META_KEYS)
    if unknown:
        raise SourceFileError(
            f"mapping {path.name}: unknown keys {unknown}; valid: {sorted(MAPPABLE | META_KEYS)}",
            field="mapping",
        )
    columns = {
        k: (v,) if isinstance(v, str) else tuple(str(c) for c in v)
        for k, v in doc.items()
        if k in MAPPABLE
    }
    defaults = doc.get("defaults", {})
    bad = sorted(set(defaults) - MAPPABLE)
    if bad:
        raise SourceFileError(f"mapping {path.name}: unknown defaults {bad}", field="mapping")
    return Mapping(
        columns=columns,
        defaults=dict(defaults),
        kind_values={str(k).lower(): str(v) for k, v in doc.get("kind_values", {}).items()},
        id_prefix=str(doc.get("id_prefix", "")),
        url_templates=_url_templates(doc, path.name),
    )


def resolve_columns(
    columns: list[str], mapping: Mapping | None, *, is_osm: bool
) -> dict[str, tuple[str, ...]]:
    """Source columns per camera field, present in ``columns``; explicit mapping first.

    Examples
    --------
    >>> resolve_columns(["ID", "Heading_deg_2017", "direction"], None, is_osm=False)
    {'id': ('ID',), 'heading_deg': ('direction', 'Heading_deg_2017')}
    """
    by_lower = {c.lower(): c for c in columns}
    resolved: dict[str, tuple[str, ...]] = {}
    aliases = dict(ALIASES)
    if is_osm:
        aliases.update(OSM_TAGS)
    aliases.update({name: (name,) for name in SAME_NAME})
    for name, names in aliases.items():
        found = tuple(by_lower[a] for a in names if a in by_lower)
        if name == "heading_deg":
            found += tuple(c for c in columns if c.lower().startswith(PREFERRED_HEADING_PREFIX))
        if found:
            resolved[name] = found if name == "heading_deg" else found[:1]
    if mapping is not None:
        missing = [c for cols in mapping.columns.values() for c in cols if c not in columns]
        if missing:
            raise SourceFileError(
                f"mapping names columns the file does not have: {missing}; the file has {columns}",
                field="mapping",
            )
        resolved.update(mapping.columns)
    return resolved


def find_column(columns: list[str], name: str) -> str | None:
    """The file's column called ``name`` (exactly, else ignoring case), if it has one."""
    if name in columns:
        return name
    return next((c for c in columns if c.lower() == name.lower()), None)


OSM_EXTRA: Final = (
    "osm_id",
    "osm_type",
    "man_made",
    "surveillance",
    "surveillance:type",
    "revolving",
)


def wanted_columns(mapping: Mapping | None) -> Callable[[list[str]], list[str]]:
    """A column picker for :func:`camroute.cameras.importers.read_source`."""

    def pick(fields: list[str]) -> list[str]:
        osm = "man_made" in fields or "osm_id" in fields
        used = {c for cols in resolve_columns(fields, mapping, is_osm=osm).values() for c in cols}
        used |= {f for f in fields if f in OSM_EXTRA}
        for template in (mapping.url_templates if mapping else {}).values():
            used |= {find_column(fields, name) or "" for name in template_columns(template)}
        return [f for f in fields if f in used]

    return pick
