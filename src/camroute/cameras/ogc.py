"""OGC API - Features (Part 1 core + GeoJSON) over the camera registry, so QGIS can add it.

Landing page ``/api``, ``/api/conformance``, ``/api/collections``, the ``cameras`` collection,
its items (``bbox``, ``limit``, ``offset``) and its typed schemas (Part 5 ``schema`` and the
``describedby`` Feature schema GDAL/QGIS read). Same roles as the camera reads.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

import sqlalchemy as sa
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from camroute.api.deps import EngineDep, OffsetQuery
from camroute.auth.deps import Principal
from camroute.cameras import store
from camroute.cameras.model import CameraAdminRead, CameraRead
from camroute.cameras.ogc_schema import feature_schema, returnables_schema
from camroute.cameras.router import ReadDep, ReaderDep, camera_read, parse_bbox, sees_streams
from camroute.cameras.tables import cameras

GEOJSON = "application/geo+json"
SCHEMA_JSON = "application/schema+json"
REL_SCHEMA = "http://www.opengis.net/def/rel/ogc/1.0/schema"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
]

router = APIRouter(prefix="/api", tags=["ogc-features"], dependencies=[ReadDep])


def _link(href: str, rel: str, media: str = "application/json", title: str = "") -> dict[str, str]:
    link = {"href": href, "rel": rel, "type": media}
    if title:
        link["title"] = title
    return link


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/") + "/api"


@router.get("")
def landing(request: Request) -> dict[str, Any]:
    """Landing page: where the conformance classes and the collections are."""
    base = _base(request)
    return {
        "title": "camroute",
        "description": "Camera registry as OGC API - Features",
        "links": [
            _link(base, "self"),
            _link(f"{base}/conformance", "conformance"),
            _link(f"{base}/collections", "data"),
            _link(
                str(request.base_url).rstrip("/") + "/openapi.json",
                "service-desc",
                "application/vnd.oai.openapi+json;version=3.0",
            ),
        ],
    }


@router.get("/conformance")
def conformance() -> dict[str, list[str]]:
    """The conformance classes implemented."""
    return {"conformsTo": CONFORMANCE}


def _collection(request: Request, engine: Any) -> dict[str, Any]:
    base = _base(request)
    with engine.connect() as conn:
        bounds = conn.execute(
            sa.select(
                sa.func.min(cameras.c.lon),
                sa.func.min(cameras.c.lat),
                sa.func.max(cameras.c.lon),
                sa.func.max(cameras.c.lat),
            )
        ).one()
    bbox = [float(v) for v in bounds] if bounds[0] is not None else [-180.0, -90.0, 180.0, 90.0]
    return {
        "id": "cameras",
        "title": "Cameras",
        "description": "Registered cameras (position, heading, field of view, range, status)",
        "itemType": "feature",
        "crs": [CRS84],
        "extent": {"spatial": {"bbox": [bbox], "crs": CRS84}},
        "links": [
            _link(f"{base}/collections/cameras", "self"),
            _link(f"{base}/collections/cameras/items", "items", GEOJSON),
            _link(f"{base}/collections/cameras/schema", REL_SCHEMA, SCHEMA_JSON, "Properties"),
            # Link relations compare case-insensitively (RFC 8288); GDAL before 3.8 or so
            # matches only this spelling.
            _link(
                f"{base}/collections/cameras/feature-schema",
                "describedBy",
                SCHEMA_JSON,
                "GeoJSON Feature",
            ),
        ],
    }


@router.get("/collections")
def collections(request: Request, engine: EngineDep) -> dict[str, Any]:
    """The one collection: ``cameras``."""
    base = _base(request)
    return {
        "collections": [_collection(request, engine)],
        "links": [_link(f"{base}/collections", "self")],
    }


@router.get("/collections/cameras")
def camera_collection(request: Request, engine: EngineDep) -> dict[str, Any]:
    """The ``cameras`` collection's metadata."""
    return _collection(request, engine)


@router.get(
    "/collections/cameras/schema",
    response_class=JSONResponse,
    responses={200: {"content": {SCHEMA_JSON: {}}}},
)
def camera_schema(request: Request, principal: ReaderDep) -> JSONResponse:
    """The features' properties with their types (OGC API - Features Part 5, JSON Schema)."""
    url = f"{_base(request)}/collections/cameras/schema"
    body = returnables_schema(_model(principal), schema_id=url, title="Cameras")
    return JSONResponse(body, media_type=SCHEMA_JSON)


@router.get(
    "/collections/cameras/feature-schema",
    response_class=JSONResponse,
    responses={200: {"content": {SCHEMA_JSON: {}}}},
)
def camera_feature_schema(principal: ReaderDep) -> JSONResponse:
    """One camera Feature, typed (the collection's ``describedby``, which GDAL reads)."""
    body = feature_schema(_model(principal), title="Camera")
    return JSONResponse(body, media_type=SCHEMA_JSON)


def _model(principal: Principal) -> type[CameraRead]:
    # The schema describes the items this reader gets: stream URLs for GIS admins only.
    return CameraAdminRead if sees_streams(principal) else CameraRead


def feature(row: dict[str, Any], principal: Principal) -> dict[str, Any]:
    """A camera as a GeoJSON Feature (WGS84 ``lon, lat``; stream URLs for GIS admins only)."""
    props = camera_read(row, principal).model_dump(mode="json")
    return {
        "type": "Feature",
        "id": row["id"],
        "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
        "properties": props,
    }


@router.get("/collections/cameras/items")
def items(
    request: Request,
    engine: EngineDep,
    principal: ReaderDep,
    bbox: Annotated[str | None, Query(description="minlon,minlat,maxlon,maxlat")] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 100,
    offset: OffsetQuery = 0,
) -> JSONResponse:
    """A page of camera features with ``numberMatched``, ``numberReturned`` and paging links."""
    box = parse_bbox(bbox)
    with engine.connect() as conn:
        rows, total = store.list_cameras(conn, bbox=box, limit=limit, offset=offset)
    url = f"{_base(request)}/collections/cameras/items"
    query = {"bbox": bbox} if bbox else {}
    links = [
        _link(f"{url}?{urlencode({**query, 'limit': limit, 'offset': offset})}", "self", GEOJSON)
    ]
    if offset + len(rows) < total:
        nxt = urlencode({**query, "limit": limit, "offset": offset + limit})
        links.append(_link(f"{url}?{nxt}", "next", GEOJSON))
    if offset > 0:
        prev = urlencode({**query, "limit": limit, "offset": max(0, offset - limit)})
        links.append(_link(f"{url}?{prev}", "prev", GEOJSON))
    body = {
        "type": "FeatureCollection",
        "features": [feature(r, principal) for r in rows],
        "numberMatched": total,
        "numberReturned": len(rows),
        "timeStamp": datetime.now(UTC).isoformat(),
        "links": links,
    }
    return JSONResponse(body, media_type=GEOJSON)


@router.get("/collections/cameras/items/{camera_id}")
def item(request: Request, camera_id: str, engine: EngineDep, principal: ReaderDep) -> JSONResponse:
    """One camera feature."""
    with engine.connect() as conn:
        row = store.require_camera(conn, camera_id)
    body = feature(row, principal)
    url = f"{_base(request)}/collections/cameras"
    body["links"] = [
        _link(f"{url}/items/{camera_id}", "self", GEOJSON),
        _link(url, "collection"),
    ]
    return JSONResponse(body, media_type=GEOJSON, headers={"ETag": f'"{row["version"]}"'})
