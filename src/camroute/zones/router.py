"""``/api/zones``: protected zones for GIS admins, with version ETags like the cameras.

Reads: dispatcher, supervisor, gis_admin, auditor (the zones are what the ranking's badges
name). Writes: gis_admin, with ``If-Match: "<version>"`` on change and delete (412 when
stale, 428 when missing). Every write is audited and re-marks the routing snapshot.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Header, Query, Request, Response

from camroute.api.deps import EngineDep, OffsetQuery
from camroute.auth.deps import Principal, Role, require_roles
from camroute.cameras.changes import registry_changed
from camroute.cameras.router import PreconditionRequiredError
from camroute.errors import PreconditionFailedError
from camroute.store.txn import writing
from camroute.zones import service, store
from camroute.zones.models import ZoneCreate, ZonePage, ZoneRead, ZoneUpdate

READ_ROLES = (Role.dispatcher, Role.supervisor, Role.gis_admin, Role.auditor)
ReaderDep = Annotated[Principal, Depends(require_roles(*READ_ROLES))]
WriterDep = Annotated[Principal, Depends(require_roles(Role.gis_admin))]

router = APIRouter(prefix="/api/zones", tags=["zones"])


def zone_version(value: str | None, *, current: int) -> int:
    """The version named by ``If-Match`` (``"3"``, ``W/"3"``; ``*`` means the current one)."""
    if value is None or not value.strip():
        raise PreconditionRequiredError(
            'send If-Match: "<version>" (the ETag you read) to change a zone', field="If-Match"
        )
    text = value.strip().removeprefix("W/").strip('"')
    if text == "*":
        return current
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        raise PreconditionFailedError(f"If-Match {value!r} is not a zone version", field="If-Match")
    return int(text)


def _etag(row: Mapping[str, Any]) -> str:
    return f'"{row["version"]}"'


@router.get("", response_model=ZonePage)
def list_zones(
    engine: EngineDep,
    _: ReaderDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: OffsetQuery = 0,
) -> ZonePage:
    """Protected zones by id."""
    with engine.connect() as conn:
        rows, total = store.list_zones(conn, limit=limit, offset=offset)
    items = [service.zone_read(r) for r in rows]
    return ZonePage(items=items, total=total, limit=limit, offset=offset)


@router.get("/{zone_id}", response_model=ZoneRead)
def get_zone(zone_id: str, engine: EngineDep, _: ReaderDep, response: Response) -> ZoneRead:
    """One zone; its ``ETag`` is the version to send back in ``If-Match``."""
    with engine.connect() as conn:
        row = store.require_zone(conn, zone_id)
    response.headers["ETag"] = _etag(row)
    return service.zone_read(row)


@router.post("", response_model=ZoneRead, status_code=201)
def create_zone(
    body: ZoneCreate, engine: EngineDep, principal: WriterDep, request: Request, response: Response
) -> ZoneRead:
    """Add a protected zone (409 when the id exists); cameras seeing into it are marked."""
    with writing(engine) as conn:
        row = service.create_zone(conn, body, actor=principal.name, role=principal.role.value)
    registry_changed(request.app)
    response.headers["ETag"] = _etag(row)
    response.headers["Location"] = f"/api/zones/{quote(row['id'], safe='')}"
    return service.zone_read(row)


@router.patch("/{zone_id}", response_model=ZoneRead)
def update_zone(
    zone_id: str,
    body: ZoneUpdate,
    engine: EngineDep,
    principal: WriterDep,
    request: Request,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> ZoneRead:
    """Change the fields sent; refused (412) unless ``If-Match`` names the stored version."""
    with writing(engine) as conn:
        current = store.require_zone(conn, zone_id)
        version = zone_version(if_match, current=current["version"])
        row = service.update_zone(
            conn, zone_id, body, if_match=version, actor=principal.name, role=principal.role.value
        )
    registry_changed(request.app)
    response.headers["ETag"] = _etag(row)
    return service.zone_read(row)


@router.delete("/{zone_id}", status_code=204)
def delete_zone(
    zone_id: str,
    engine: EngineDep,
    principal: WriterDep,
    request: Request,
    if_match: Annotated[str | None, Header()] = None,
) -> Response:
    """Delete a zone; refused (412) unless ``If-Match`` names the stored version."""
    with writing(engine) as conn:
        current = store.require_zone(conn, zone_id)
        version = zone_version(if_match, current=current["version"])
        service.delete_zone(
            conn, zone_id, if_match=version, actor=principal.name, role=principal.role.value
        )
    registry_changed(request.app)
    return Response(status_code=204)
