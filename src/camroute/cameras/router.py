"""``/api/cameras``: read, create, change and delete cameras, with version ETags.

Reads: dispatcher, supervisor, gis_admin, auditor. Writes: gis_admin, and only with
``If-Match: "<version>"`` (412 when stale, 428 when missing). Credentials are write-only;
stream URLs are read by GIS admins only (:func:`camera_read`), every other role sees
``has_snapshot`` / ``has_mjpeg`` / ``has_rtsp``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Header, Query, Request, Response

from camroute.api.deps import EngineDep, OffsetQuery
from camroute.auth.deps import Principal, Role, require_roles
from camroute.cameras import service, store
from camroute.cameras.changes import registry_changed
from camroute.cameras.model import (
    CameraAdminPage,
    CameraAdminRead,
    CameraCreate,
    CameraPage,
    CameraRead,
    CameraUpdate,
    CameraWritten,
    Status,
)
from camroute.cameras.networks import check_stream_urls
from camroute.cameras.onvif_model import ProbeResult
from camroute.cameras.secrets import CredentialCipher, cipher_for
from camroute.errors import CamrouteError, InvalidInputError, PreconditionFailedError

READ_ROLES = (Role.dispatcher, Role.supervisor, Role.gis_admin, Role.auditor)
# Who may see where a camera streams from: the URL opens it with no ticket and no audit.
STREAM_ROLES = frozenset({Role.gis_admin})
ReadDep = Depends(require_roles(*READ_ROLES))
ReaderDep = Annotated[Principal, ReadDep]
WriterDep = Annotated[Principal, Depends(require_roles(Role.gis_admin))]

router = APIRouter(prefix="/api/cameras", tags=["cameras"])


class PreconditionRequiredError(CamrouteError):
    """A write came without ``If-Match``: the client must say which version it changes."""

    status = 428
    code = "precondition_required"
    title = "Precondition required"


def parse_bbox(text: str | None) -> store.BBox | None:
    """``minlon,minlat,maxlon,maxlat`` in WGS84 degrees (422 naming the problem otherwise)."""
    if text is None:
        return None
    try:
        values = [float(v) for v in text.split(",")]
    except ValueError as exc:
        raise InvalidInputError(f"bbox {text!r} is not four numbers", field="bbox") from exc
    if len(values) != 4:
        raise InvalidInputError(
            f"bbox needs minlon,minlat,maxlon,maxlat, got {len(values)} numbers", field="bbox"
        )
    min_lon, min_lat, max_lon, max_lat = values
    if not all(-180 <= v <= 180 for v in (min_lon, max_lon)):
        raise InvalidInputError(
            f"bbox longitudes {min_lon}, {max_lon} not in [-180, 180]", field="bbox"
        )
    if not -90 <= min_lat <= max_lat <= 90:
        raise InvalidInputError(
            f"bbox latitudes {min_lat}, {max_lat} not ordered within [-90, 90]", field="bbox"
        )
    return min_lon, min_lat, max_lon, max_lat


def parse_if_match(value: str | None, *, current: int | None = None) -> int:
    """The version named by ``If-Match`` (``"3"``, ``W/"3"``; ``*`` means the current one)."""
    if value is None or not value.strip():
        raise PreconditionRequiredError(
            'send If-Match: "<version>" (the ETag you read) to change a camera', field="If-Match"
        )
    text = value.strip().removeprefix("W/").strip('"')
    if text == "*" and current is not None:
        return current
    # ASCII digits only (``isdigit`` admits "²"), and no longer than a stored version can be.
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        raise PreconditionFailedError(
            f"If-Match {value!r} is not a camera version", field="If-Match"
        )
    return int(text)


def sees_streams(principal: Principal) -> bool:
    """Whether ``principal`` may read stream URLs (GIS admins; API keys by their role too)."""
    return principal.role in STREAM_ROLES


def camera_read(row: Mapping[str, Any], principal: Principal) -> CameraRead:
    """``row`` as the read model ``principal`` is entitled to (URLs for GIS admins only)."""
    model = CameraAdminRead if sees_streams(principal) else CameraRead
    return model.model_validate(row)


def _etag(row: dict[str, Any]) -> str:
    return f'"{row["version"]}"'


def _changed(request: Request) -> None:
    registry_changed(request.app)


def _cipher(request: Request) -> CredentialCipher | None:
    return cipher_for(request.app.state.settings.credentials_key)


@router.get("", response_model=CameraAdminPage | CameraPage)
def list_cameras(
    engine: EngineDep,
    principal: ReaderDep,
    bbox: Annotated[str | None, Query(description="minlon,minlat,maxlon,maxlat")] = None,
    status: Status | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: OffsetQuery = 0,
) -> CameraAdminPage | CameraPage:
    """Cameras by id, optionally inside a bbox and with one status."""
    with engine.connect() as conn:
        rows, total = store.list_cameras(
            conn, bbox=parse_bbox(bbox), status=status, limit=limit, offset=offset
        )
    if sees_streams(principal):
        admin = [CameraAdminRead.model_validate(r) for r in rows]
        return CameraAdminPage(items=admin, total=total, limit=limit, offset=offset)
    items = [CameraRead.model_validate(r) for r in rows]
    return CameraPage(items=items, total=total, limit=limit, offset=offset)


@router.get("/{camera_id}", response_model=CameraAdminRead | CameraRead)
def get_camera(
    camera_id: str, engine: EngineDep, principal: ReaderDep, response: Response
) -> CameraRead:
    """One camera; its ``ETag`` is the version to send back in ``If-Match``."""
    with engine.connect() as conn:
        row = store.require_camera(conn, camera_id)
    response.headers["ETag"] = _etag(row)
    return camera_read(row, principal)


@router.post("", response_model=CameraWritten, status_code=201)
def create_camera(
    body: CameraCreate,
    engine: EngineDep,
    principal: WriterDep,
    request: Request,
    response: Response,
) -> CameraWritten:
    """Add a camera (409 when the id exists)."""
    check_stream_urls(body.model_dump(), request.app.state.settings.camera_allow_list())
    with engine.begin() as conn:
        row = service.create_camera(
            conn, body, actor=principal.name, role=principal.role.value, cipher=_cipher(request)
        )
    _changed(request)
    response.headers["ETag"] = _etag(row)
    # Percent-encoded: an id outside Latin-1 cannot go into a header as it is.
    response.headers["Location"] = f"/api/cameras/{quote(row['id'], safe='')}"
    return CameraWritten.model_validate(row)


@router.patch("/{camera_id}", response_model=CameraWritten)
def update_camera(
    camera_id: str,
    body: CameraUpdate,
    engine: EngineDep,
    principal: WriterDep,
    request: Request,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> CameraWritten:
    """Change the fields sent; refused (412) unless ``If-Match`` names the stored version.

    A stream URL moved to another scheme/host/port without ``credentials`` in the same body
    drops the stored ones (``credentials_cleared``), so they never reach a host they were not
    entered for.
    """
    check_stream_urls(body.model_dump(), request.app.state.settings.camera_allow_list())
    with engine.begin() as conn:
        current = store.require_camera(conn, camera_id)
        version = parse_if_match(if_match, current=current["version"])
        change = service.update_camera(
            conn,
            camera_id,
            body,
            if_match=version,
            actor=principal.name,
            role=principal.role.value,
            cipher=_cipher(request),
        )
    _changed(request)
    response.headers["ETag"] = _etag(change.row)
    return CameraWritten.model_validate(
        {**change.row, "credentials_cleared": change.credentials_cleared}
    )


@router.delete("/{camera_id}", status_code=204)
def delete_camera(
    camera_id: str,
    engine: EngineDep,
    principal: WriterDep,
    request: Request,
    if_match: Annotated[str | None, Header()] = None,
) -> Response:
    """Delete a camera; refused (412) unless ``If-Match`` names the stored version."""
    with engine.begin() as conn:
        current = store.require_camera(conn, camera_id)
        version = parse_if_match(if_match, current=current["version"])
        service.delete_camera(
            conn, camera_id, if_match=version, actor=principal.name, role=principal.role.value
        )
    _changed(request)
    return Response(status_code=204)


@router.post(
    "/{camera_id}/onvif-probe",
    response_model=ProbeResult,
    responses={502: {"description": "the camera failed"}, 504: {"description": "timeout"}},
)
def onvif_probe(
    camera_id: str,
    engine: EngineDep,
    principal: WriterDep,
    request: Request,
    dry_run: bool = False,
) -> ProbeResult:
    """Ask the camera over ONVIF and fill its streams and PTZ kind (provenance ``onvif``).

    ``dry_run`` asks and compares without writing. A camera that fails answers
    problem+json: 502 (unreachable, refused the account, malformed answer), 504 (timeout),
    404 / 409 (no such camera / no ``onvif_url``), 422 (outside the camera networks).
    """
    from camroute.cameras.onvif_errors import raise_for
    from camroute.cameras.onvif_probe import probe_cameras

    settings = request.app.state.settings
    [result] = probe_cameras(
        engine,
        [camera_id],
        dry_run=dry_run,
        cipher=_cipher(request),
        networks=settings.camera_allow_list(),
        concurrency=1,
        actor=principal.name,
        role=principal.role.value,
    )
    if result.written:
        _changed(request)
    return raise_for(result)
