"""Typed schemas of the ``cameras`` collection, so GIS clients get numbers as numbers.

Without a schema a client guesses each property's type from the first page of features, and a
property that is null there (``tilt_deg``, ``mount_height_m``) becomes a string column. Two
renderings of the same field list (the API's camera model):

- ``returnables_schema``: OGC API - Features Part 5 (``/collections/cameras/schema``), JSON
  Schema 2020-12 over the feature's properties, nullable ones as ``"type": ["number", "null"]``.
- ``feature_schema``: the collection's ``describedby`` document, a whole GeoJSON Feature as an
  OpenAPI 3.0 schema object (scalar ``type`` plus ``nullable``). GDAL's OAPIF driver (and so
  QGIS) reads this one, and only a scalar ``type``.

Pure: pydantic only.
"""

from __future__ import annotations

from typing import Any, Final

from pydantic import BaseModel

JSON_SCHEMA_2020: Final = "https://json-schema.org/draft/2020-12/schema"
# Keywords carried over from the model's schema; titles and the rest stay in the OpenAPI doc.
KEPT: Final = ("type", "format", "enum", "description")


def property_types(model: type[BaseModel]) -> dict[str, tuple[dict[str, Any], bool]]:
    """Each field of ``model``: its non-null JSON schema, and whether it may be null.

    Examples
    --------
    >>> class M(BaseModel):
    ...     a: float | None
    ...     b: int
    >>> property_types(M)
    {'a': ({'type': 'number'}, True), 'b': ({'type': 'integer'}, False)}
    """
    out: dict[str, tuple[dict[str, Any], bool]] = {}
    for name, spec in model.model_json_schema()["properties"].items():
        options = spec.get("anyOf", [spec])
        nullable = any(o.get("type") == "null" for o in options)
        (value,) = [o for o in options if o.get("type") != "null"]
        out[name] = ({k: value[k] for k in KEPT if k in value}, nullable)
    return out


def returnables_schema(model: type[BaseModel], *, schema_id: str, title: str) -> dict[str, Any]:
    """The OGC API - Features Part 5 schema of a point collection's features.

    Examples
    --------
    >>> class M(BaseModel):
    ...     id: str
    ...     tilt_deg: float | None
    >>> props = returnables_schema(M, schema_id="u", title="t")["properties"]
    >>> props["tilt_deg"], props["id"]["x-ogc-role"], props["geometry"]["format"]
    ({'type': ['number', 'null']}, 'id', 'geometry-point')
    """
    properties: dict[str, Any] = {
        "geometry": {"format": "geometry-point", "x-ogc-role": "primary-geometry"}
    }
    for name, (value, nullable) in property_types(model).items():
        spec = dict(value)
        if nullable:
            spec["type"] = [spec["type"], "null"]
        if name == "id":
            spec["x-ogc-role"] = "id"
        properties[name] = spec
    return {
        "$schema": JSON_SCHEMA_2020,
        "$id": schema_id,
        "title": title,
        "type": "object",
        "properties": properties,
    }


def feature_schema(model: type[BaseModel], *, title: str) -> dict[str, Any]:
    """A GeoJSON point Feature whose ``properties`` are ``model``'s fields (OpenAPI 3.0 dialect).

    Examples
    --------
    >>> class M(BaseModel):
    ...     tilt_deg: float | None
    >>> feature_schema(M, title="t")["properties"]["properties"]["properties"]
    {'tilt_deg': {'type': 'number', 'nullable': True}}
    """
    # ``id`` is the Feature's own member: GDAL takes the ``id`` column from the features and
    # would add a second one from the schema.
    properties = {
        name: {**value, "nullable": True} if nullable else value
        for name, (value, nullable) in property_types(model).items()
        if name != "id"
    }
    point = {
        "type": "object",
        "required": ["type", "coordinates"],
        "properties": {
            "type": {"type": "string", "enum": ["Point"]},
            "coordinates": {
                "type": "array",
                "items": {"type": "number"},
                "minItems": 2,
                "maxItems": 2,
            },
        },
    }
    return {
        "title": title,
        "type": "object",
        "required": ["type", "id", "geometry", "properties"],
        "properties": {
            "type": {"type": "string", "enum": ["Feature"]},
            "id": {"type": "string"},
            "geometry": point,
            "properties": {"type": "object", "properties": properties},
        },
    }
