"""Basemap HTTP: vector tiles (login required, like every data route) and label glyphs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response

from camroute.api.deps import EngineDep
from camroute.auth.deps import Role, require_roles
from camroute.basemap.cache import TileCache
from camroute.basemap.glyphs import glyph_range
from camroute.basemap.tiles import MAX_ZOOM
from camroute.errors import InvalidInputError

MVT_TYPE = "application/vnd.mapbox-vector-tile"
READERS = (Role.dispatcher, Role.supervisor, Role.gis_admin, Role.auditor)

router = APIRouter(tags=["basemap"])
glyph_router = APIRouter(tags=["basemap"], include_in_schema=False)


def _tiles(request: Request) -> TileCache:
    cache: TileCache = request.app.state.basemap_tiles
    return cache


@router.get(
    "/api/basemap/tiles/{z}/{x}/{y}.mvt",
    dependencies=[Depends(require_roles(*READERS))],
    responses={200: {"content": {MVT_TYPE: {}}, "description": "Mapbox Vector Tile"}},
    response_class=Response,
)
def get_tile(
    request: Request,
    engine: EngineDep,
    z: Annotated[int, Path(ge=0, le=MAX_ZOOM)],
    x: Annotated[int, Path(ge=0)],
    y: Annotated[int, Path(ge=0)],
) -> Response:
    """One tile of the imported basemap (roads, water, parks, buildings, POIs, ...)."""
    if x >= 1 << z or y >= 1 << z:
        raise InvalidInputError(f"tile {z}/{x}/{y} is outside zoom {z}", field="x")
    generation, body = _tiles(request).tile(engine, z, x, y)
    return Response(
        body,
        media_type=MVT_TYPE,
        headers={"Cache-Control": "private, max-age=300", "ETag": f'"{generation}"'},
    )


@glyph_router.get("/basemap/glyphs/{fontstack}/{glyphs}.pbf")
def get_glyphs(fontstack: str, glyphs: str) -> Response:
    """A range of label glyphs (public: a font, no data)."""
    return Response(
        glyph_range(fontstack, glyphs),
        media_type="application/x-protobuf",
        headers={"Cache-Control": "public, max-age=86400"},
    )
