"""The dispatcher page at ``/``, its assets at ``/static/``, Leaflet at ``/static/leaflet/``.

The page and its assets are public (they hold no data); every data call the page makes goes
to ``/api/...`` routes that require a login. Nothing is fetched from another origin: Leaflet
comes from the ``xstatic-leaflet`` package and the optional tile server is the only other
origin the Content-Security-Policy admits.
"""

from __future__ import annotations

import html
import importlib.util
from functools import lru_cache
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

import orjson
import xstatic.pkg.leaflet as xstatic_leaflet
import xstatic.pkg.mapbox_gl_leaflet as xstatic_gl_leaflet
from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from camroute.api.deps import EngineDep, SettingsDep
from camroute.auth.deps import Role, require_roles
from camroute.web.layers import MAX_FEATURES, LayerCache, layer, parse_bbox
from camroute.web.mapconfig import MapConfig, map_config

STATIC_DIR = Path(__file__).resolve().parent / "static"
LEAFLET_DIR = Path(xstatic_leaflet.BASE_DIR)
# The basemap's renderer: MapLibre GL JS as shipped in the ``maplibre`` package (found without
# importing its Python side), hosted in Leaflet by the mapbox-gl-leaflet plugin (xstatic).
GL_LEAFLET_DIR = Path(xstatic_gl_leaflet.BASE_DIR)


def _maplibre_dir() -> Path:
    spec = importlib.util.find_spec("maplibre")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the maplibre package (MapLibre GL JS) is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "srcjs"


TILE_URL_MARKER = "{{tile_url}}"

router = APIRouter(tags=["web"], include_in_schema=False)
layers_router = APIRouter(tags=["web"])
LAYER_READERS = (Role.dispatcher, Role.supervisor, Role.gis_admin, Role.auditor)


@lru_cache(maxsize=1)
def _index_template() -> str:
    return (STATIC_DIR / "index.html").read_text(encoding="utf-8")


def tile_origin(tile_url: str | None) -> str:
    """The ``scheme://host[:port]`` of a tile URL template, or ``""`` when unset or relative.

    Examples
    --------
    >>> tile_origin("https://tiles.city.vn/osm/{z}/{x}/{y}.png")
    'https://tiles.city.vn'
    >>> tile_origin("/tiles/{z}/{x}/{y}.png")
    ''
    >>> tile_origin(None)
    ''
    """
    if not tile_url:
        return ""
    parts = urlsplit(tile_url)
    if not parts.scheme or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(*, tile_url: str | None) -> str:
    """The page's CSP: same origin only, plus the tile server's origin for images.

    Examples
    --------
    >>> "connect-src 'self'" in content_security_policy(tile_url=None)
    True
    >>> "img-src 'self' data: blob: https://t.vn;" in content_security_policy(
    ...     tile_url="https://t.vn/{z}/{x}/{y}.png")
    True
    """
    extra = tile_origin(tile_url)
    img_src = f"'self' data: blob: {extra}".rstrip()
    return (
        "default-src 'self'; "
        "script-src 'self'; "
        # No 'unsafe-inline': Leaflet positions and sizes through the CSSOM (element.style),
        # which CSP does not govern; only style attributes and <style> blocks in markup are.
        "style-src 'self'; "
        f"img-src {img_src}; "
        "media-src 'self' blob:; "  # live video: a MediaSource object URL
        "connect-src 'self'; "
        # MapLibre decodes tiles in web workers it starts from a blob: URL of its own code.
        "worker-src 'self' blob:; child-src 'self' blob:; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    )


@router.get("/", response_class=HTMLResponse)
def index(settings: SettingsDep) -> HTMLResponse:
    """The dispatcher map page (public: it carries no data, only the tile URL template)."""
    body = _index_template().replace(
        TILE_URL_MARKER, html.escape(settings.tile_url or "", quote=True)
    )
    headers = {
        "Content-Security-Policy": content_security_policy(tile_url=settings.tile_url),
        "Cache-Control": "no-cache",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    }
    return HTMLResponse(body, headers=headers)


@layers_router.get(
    "/api/layers/{name}",
    dependencies=[Depends(require_roles(*LAYER_READERS))],
    responses={200: {"content": {"application/geo+json": {}}}},
    response_class=Response,
)
def get_layer(
    name: str,
    request: Request,
    engine: EngineDep,
    bbox: Annotated[str, Query(description="minlon,minlat,maxlon,maxlat (WGS84)")],
    limit: Annotated[int, Query(ge=1, le=MAX_FEATURES)] = MAX_FEATURES,
) -> Response:
    """A base layer (admin, service-areas, stations, streets, pois, buildings) in the bbox."""
    cache: LayerCache = request.app.state.web_layers
    body = layer(engine, cache, name, parse_bbox(bbox), limit=limit)
    return Response(
        orjson.dumps(body),
        media_type="application/geo+json",
        headers={"Cache-Control": "private, max-age=60"},
    )


@layers_router.get(
    "/api/map/config",
    dependencies=[Depends(require_roles(*LAYER_READERS))],
    response_model=MapConfig,
)
def get_map_config(request: Request, engine: EngineDep) -> MapConfig:
    """Where the map opens (the extent of the loaded data) and the credits of that data."""
    return map_config(engine, request.app.state.web_layers)


def install_web(app: FastAPI) -> None:
    """Add the page and layer routes and mount the static assets (Leaflet first)."""
    app.state.web_layers = LayerCache()
    app.include_router(router)
    app.include_router(layers_router)
    app.mount("/static/leaflet", StaticFiles(directory=LEAFLET_DIR), name="leaflet")
    app.mount("/static/maplibre", StaticFiles(directory=_maplibre_dir()), name="maplibre")
    app.mount("/static/mapbox-gl-leaflet", StaticFiles(directory=GL_LEAFLET_DIR), name="gl-leaflet")
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="web-static")
