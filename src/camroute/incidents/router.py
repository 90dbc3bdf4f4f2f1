"""HTTP edge of incidents: ``POST /api/calls`` and ``/api/incidents``."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Annotated, Any

from anyio import to_thread
from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from camroute.api.body import read_limited_body
from camroute.api.deps import EngineDep, OffsetQuery
from camroute.auth.deps import Principal, PrincipalDep, Role, require_roles
from camroute.errors import InvalidInputError
from camroute.incidents import calls, service
from camroute.incidents.locate import locate
from camroute.incidents.models import (
    CallCreate,
    Hotline,
    IncidentPage,
    IncidentRead,
    IncidentUpdate,
    Status,
)
from camroute.settings import Settings

router = APIRouter(tags=["incidents"])
CALLERS = (Role.integration, Role.dispatcher, Role.supervisor)
READERS = (Role.dispatcher, Role.supervisor, Role.integration)
HANDLERS = (Role.dispatcher, Role.supervisor)
# The principal and the role check in one dependency: a route that also asked for
# PrincipalDep had FastAPI solve the credential dependencies twice on every call.
CallerDep = Annotated[Principal, Depends(require_roles(*CALLERS))]


def _parse_call(raw: bytes) -> CallCreate:
    try:
        return CallCreate.model_validate_json(raw)
    except ValidationError as exc:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
        ) from None


def _locator(request: Request) -> partial[Any]:
    holder = getattr(request.app.state, "camera_index", None)
    index = holder.current if holder is not None else None
    layers = getattr(request.app.state, "area_layers", None)
    key = request.app.state.settings.aml_hmac_key_bytes()
    return partial(locate, index=index, layers=layers, aml_hmac_key=key)


@router.post(
    "/api/calls",
    status_code=201,
    response_model=IncidentRead,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": CallCreate.model_json_schema()}},
        }
    },
    responses={200: {"model": IncidentRead, "description": "location update or repeat"}},
)
async def post_call(request: Request, response: Response, principal: CallerDep) -> IncidentRead:
    """Open the incident of a call (201), or record a location update / repeat (200)."""
    settings: Settings = request.app.state.settings
    raw = await read_limited_body(request, max_bytes=settings.max_body_bytes)
    call = _parse_call(raw)
    receive = partial(
        calls.receive_call,
        call,
        engine=request.app.state.engine,
        locate=_locator(request),
        actor=principal,
        bus=request.app.state.events,
    )
    # A few calls at once (CAMROUTE_CALL_THREADS); the others wait their turn in the loop.
    outcome = await to_thread.run_sync(receive, limiter=request.app.state.call_slots)
    if not outcome.created:
        response.status_code = 200
    return outcome.incident


@router.get(
    "/api/incidents",
    response_model=IncidentPage,
    dependencies=[Depends(require_roles(*READERS))],
)
def get_incidents(
    engine: EngineDep,
    status: Status | None = None,
    hotline: Hotline | None = None,
    open_only: Annotated[bool, Query(alias="open")] = False,
    since: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: OffsetQuery = 0,
) -> IncidentPage:
    """Incidents, open ones first, newest first; filter by status, hotline, open, since."""
    if since is not None and since.tzinfo is None:
        raise InvalidInputError("since must carry a time zone (e.g. Z)", field="since")
    return service.list_incidents(
        engine,
        status=status,
        hotline=hotline,
        open_only=open_only,
        since=since,
        limit=limit,
        offset=offset,
    )


@router.get(
    "/api/incidents/{incident_id}",
    response_model=IncidentRead,
    dependencies=[Depends(require_roles(*READERS))],
)
def get_incident(incident_id: str, engine: EngineDep) -> IncidentRead:
    """One incident with its location history, lookup and ranked cameras."""
    return service.get_incident(engine, incident_id)


@router.patch(
    "/api/incidents/{incident_id}",
    response_model=IncidentRead,
    dependencies=[Depends(require_roles(*HANDLERS))],
)
def patch_incident(
    incident_id: str,
    body: IncidentUpdate,
    request: Request,
    engine: EngineDep,
    principal: PrincipalDep,
) -> IncidentRead:
    """Change the status; ``closed`` is final and revokes every live view of the incident."""
    return service.change_status(
        engine, incident_id, body.status, actor=principal, bus=request.app.state.events
    )
