"""OGC API - Features over the registry: what QGIS asks for, in the media types it expects."""

from __future__ import annotations

from typing import Any

from .conftest import Api

GEOJSON = "application/geo+json"


def _seed(api: Api) -> None:
    for i, lon in enumerate([106.70, 106.71, 106.72, 106.90]):
        body: dict[str, Any] = {"id": f"C{i}", "lon": lon, "lat": 10.77, "heading_deg": 45.0}
        assert (
            api.client.post("/api/cameras", json=body, headers=api.as_("gis_admin")).status_code
            == 201
        )


def test_landing_conformance_and_collections(api: Api) -> None:
    _seed(api)
    headers = api.as_("dispatcher")
    landing = api.client.get("/api", headers=headers).json()
    assert {"conformance", "data"} <= {link["rel"] for link in landing["links"]}
    conf = api.client.get("/api/conformance", headers=headers).json()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson" in conf
    colls = api.client.get("/api/collections", headers=headers).json()["collections"]
    assert [c["id"] for c in colls] == ["cameras"]
    bbox = colls[0]["extent"]["spatial"]["bbox"][0]
    assert bbox == [106.70, 10.77, 106.90, 10.77]


def test_items_with_bbox_and_paging(api: Api) -> None:
    _seed(api)
    resp = api.client.get(
        "/api/collections/cameras/items",
        params={"bbox": "106.69,10.7,106.75,10.8", "limit": 2},
        headers=api.as_("gis_admin"),
    )
    assert resp.status_code == 200
    assert resp.headers["content-type"] == GEOJSON
    body = resp.json()
    assert body["type"] == "FeatureCollection"
    assert (body["numberMatched"], body["numberReturned"]) == (3, 2)
    assert [f["id"] for f in body["features"]] == ["C0", "C1"]
    assert body["features"][0]["geometry"] == {"type": "Point", "coordinates": [106.70, 10.77]}
    assert body["features"][0]["properties"]["heading_deg"] == 45.0
    nxt = next(link["href"] for link in body["links"] if link["rel"] == "next")
    assert "offset=2" in nxt
    assert "bbox=" in nxt
    second = api.client.get(nxt, headers=api.as_("gis_admin")).json()
    assert [f["id"] for f in second["features"]] == ["C2"]
    assert "next" not in {link["rel"] for link in second["links"]}


def test_item_and_missing_item(api: Api) -> None:
    _seed(api)
    headers = api.as_("auditor")
    one = api.client.get("/api/collections/cameras/items/C3", headers=headers)
    assert one.status_code == 200
    assert one.headers["content-type"] == GEOJSON
    assert one.json()["id"] == "C3"
    assert one.headers["etag"] == '"1"'
    missing = api.client.get("/api/collections/cameras/items/NOPE", headers=headers)
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"


def test_items_need_a_reading_role(api: Api) -> None:
    assert api.client.get("/api/collections/cameras/items").status_code == 401
    resp = api.client.get("/api/collections/cameras/items", headers=api.as_("integration"))
    assert resp.status_code == 403


def test_collection_links_its_typed_schemas(api: Api) -> None:
    coll = api.client.get("/api/collections/cameras", headers=api.as_("dispatcher")).json()
    links = {link["rel"]: link for link in coll["links"]}
    schema = links["http://www.opengis.net/def/rel/ogc/1.0/schema"]
    described = links["describedBy"]
    assert schema["type"] == described["type"] == "application/schema+json"
    assert schema["href"].endswith("/api/collections/cameras/schema")
    assert described["href"].endswith("/api/collections/cameras/feature-schema")


def test_schema_types_nullable_numbers_as_numbers(api: Api) -> None:
    resp = api.client.get("/api/collections/cameras/schema", headers=api.as_("gis_admin"))
    assert resp.status_code == 200
    assert resp.headers["content-type"] == "application/schema+json"
    props = resp.json()["properties"]
    assert props["tilt_deg"]["type"] == ["number", "null"]
    assert props["mount_height_m"]["type"] == ["number", "null"]
    assert props["range_m"]["type"] == "number"
    assert props["version"]["type"] == "integer"
    assert props["fov_assumed"]["type"] == "boolean"
    assert props["last_seen"] == {"type": ["string", "null"], "format": "date-time"}
    assert props["status"]["enum"] == ["online", "offline", "maintenance", "unknown"]
    assert props["id"]["x-ogc-role"] == "id"
    assert props["geometry"]["x-ogc-role"] == "primary-geometry"


def test_schema_lists_every_item_property(api: Api) -> None:
    _seed(api)
    headers = api.as_("gis_admin")
    item = api.client.get("/api/collections/cameras/items/C0", headers=headers).json()
    schema = api.client.get("/api/collections/cameras/schema", headers=headers).json()
    feature = api.client.get("/api/collections/cameras/feature-schema", headers=headers).json()
    assert set(item["properties"]) <= set(schema["properties"])
    typed = feature["properties"]["properties"]["properties"]
    assert set(item["properties"]) - {"id"} <= set(typed)
    assert typed["tilt_deg"] == {"type": "number", "nullable": True}


def test_schema_needs_a_reading_role(api: Api) -> None:
    assert api.client.get("/api/collections/cameras/schema").status_code == 401
    resp = api.client.get("/api/collections/cameras/schema", headers=api.as_("integration"))
    assert resp.status_code == 403
