"""Registry rules: import a file in one transaction, and create / change / delete cameras.

Optical defaults (per kind, marked ``assumed``) and provenance are decided here, so the API,
the CLI and the importers agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine

from camroute.audit.service import Action, record
from camroute.cameras import onvif_store, store
from camroute.cameras.bulk import ProgressFn, bulk_upsert
from camroute.cameras.fov import KIND_DEFAULTS
from camroute.cameras.importers import read_source
from camroute.cameras.mapping import Mapping, wanted_columns
from camroute.cameras.model import STREAM_FLAGS, CameraCreate, CameraUpdate
from camroute.cameras.networks import CameraNetworks
from camroute.cameras.normalise import RowIssue, normalise
from camroute.cameras.secrets import CredentialCipher
from camroute.cameras.streams import moves_credentials, origin

PTZ_LIMITS = ("pan_min_deg", "pan_max_deg", "tilt_min_deg", "tilt_max_deg")


@dataclass
class ImportReport:
    """What an import did (or, on a dry run, would do), and each row it refused and why."""

    total: int
    imported: int
    updated: int
    unchanged: int
    assumed_fov: int
    rejects: list[RowIssue]
    warnings: list[RowIssue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    dry_run: bool = False
    refused: bool = False
    credentials_cleared: int = 0

    def summary(self) -> dict[str, int]:
        """The one-line JSON summary of the CLI (its keys are an interface)."""
        return {
            "imported": self.imported,
            "updated": self.updated,
            "rejected": len(self.rejects),
            "assumed_fov": self.assumed_fov,
        }


class _DryRunRollbackError(Exception):
    """Raised inside the import transaction to roll a dry run back."""


def import_file(
    engine: Engine,
    path: Path,
    *,
    mapping: Mapping | None = None,
    source: str | None = None,
    dry_run: bool = False,
    strict: bool = False,
    actor: str = "cli",
    role: str = "gis_admin",
    progress: ProgressFn | None = None,
    cipher: CredentialCipher | None = None,
    networks: CameraNetworks | None = None,
) -> ImportReport:
    """Import ``path``: all accepted rows in one transaction, or nothing (also on a dry run).

    A dry run performs the same statements and rolls them back, so its counts are exact.
    ``strict`` writes nothing when any row is rejected (``report.refused``). With ``networks``
    (the caller's ``Settings.camera_allow_list()``), rows whose stream URL is an IP literal
    outside the camera networks are rejected, as the camera API refuses them.
    """
    source = (source or path.name)[:120]
    src = read_source(path, select=wanted_columns(mapping))
    result = normalise(src, mapping=mapping, source=source, networks=networks)
    del src
    rows = result.cameras  # the source columns are freed here: only camera rows stay
    if cipher is not None and "password" in rows.columns:
        rows["password"] = [
            cipher.seal(v) if isinstance(v, str) else None for v in rows["password"]
        ]
    report = ImportReport(
        total=result.total,
        imported=0,
        updated=0,
        unchanged=0,
        assumed_fov=int(rows["fov_assumed"].sum()) if len(rows) else 0,
        rejects=result.rejects,
        warnings=result.warnings,
        notes=result.notes,
        dry_run=dry_run,
        refused=strict and bool(result.rejects),
    )
    if report.refused:
        return report
    try:
        with engine.begin() as conn:
            counts = bulk_upsert(conn, rows, actor=actor, source=source, progress=progress)
            report.imported, report.updated = counts.imported, counts.updated
            report.unchanged = counts.unchanged
            report.credentials_cleared = counts.credentials_cleared
            details: dict[str, Any] = {**report.summary(), "source": source}
            if counts.credentials_cleared:
                details["credentials_cleared"] = counts.credentials_cleared
                report.notes.append(
                    f"credentials of {counts.credentials_cleared} camera(s) cleared: a stream "
                    "URL moved to another scheme/host/port and the row brought no credentials"
                )
            _audit(conn, actor=actor, role=role, op="import", details=details)
            if dry_run:
                raise _DryRunRollbackError
    except _DryRunRollbackError:
        pass
    return report


def _audit(
    conn: Connection,
    *,
    actor: str,
    role: str,
    op: str,
    subject: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """One ``registry_changed`` event on the hash-chained audit log, in the same transaction.

    The full before/after of each camera is in ``camera_history``; the audit event names the
    operation and the camera (or, for an import, the counts).
    """
    record(
        conn,
        actor=actor,
        role=role,
        action=Action.registry_changed,
        subject=subject,
        details={"op": op, **(details or {})},
    )


def _optics(values: dict[str, Any], current: dict[str, Any] | None) -> dict[str, Any]:
    """Fill per-kind defaults and provenance for the fields a create/update touches."""
    merged = {**(current or {}), **values}
    defaults = KIND_DEFAULTS[merged["kind"]]
    for name, src in (("hfov_deg", "hfov_source"), ("range_m", "range_source")):
        if name in values and values[name] is not None:
            values.setdefault(src, values.get(src) or "measured")
        elif merged.get(name) is None or merged.get(src) == "assumed":
            values[name], values[src] = getattr(defaults, name), "assumed"
    for name, src in (("heading_deg", "heading_source"), ("mount_height_m", "height_source")):
        if name in values:
            values[src] = None if values[name] is None else (values.get(src) or "measured")
    for fields, src in ((STREAM_FLAGS, "streams_source"), (("kind", *PTZ_LIMITS), "ptz_source")):
        if src not in values and any(name in values for name in fields):
            values[src] = None  # edited by hand: where the old value came from no longer holds
    if (
        merged["kind"] == "ptz"
        and merged.get("pan_min_deg") is None
        and merged.get("pan_max_deg") is None
    ):
        values["pan_min_deg"], values["pan_max_deg"] = defaults.pan_min_deg, defaults.pan_max_deg
    final = {**merged, **values}
    values["fov_assumed"] = "assumed" in (final.get("hfov_source"), final.get("range_source"))
    return values


def create_camera(
    conn: Connection,
    body: CameraCreate,
    *,
    actor: str,
    role: str = "gis_admin",
    cipher: CredentialCipher | None = None,
) -> dict[str, Any]:
    """Create a camera; unknown hfov/range get the per-kind default, marked ``assumed``."""
    values = body.model_dump(exclude={"credentials", "onvif_credentials"})
    given = {k: v for k, v in values.items() if v is not None or k in ("hfov_deg", "range_m")}
    values.update(_optics(given, None))
    row = store.insert_camera(conn, values, actor=actor)
    if body.credentials is not None:
        creds = body.credentials.model_dump()
        store.set_credentials(
            conn, body.id, username=creds.get("username"), password=_sealed(creds, cipher)
        )
    if body.onvif_credentials is not None:
        creds = body.onvif_credentials.model_dump()
        onvif_store.set_account(
            conn, body.id, username=creds.get("username"), password=_sealed(creds, cipher)
        )
    _audit(conn, actor=actor, role=role, op="create", subject=body.id)
    return row


@dataclass(frozen=True)
class CameraChange:
    """A stored camera after a write, and whether the write dropped its credentials."""

    row: dict[str, Any]
    credentials_cleared: bool = False


def update_camera(
    conn: Connection,
    camera_id: str,
    body: CameraUpdate,
    *,
    if_match: int,
    actor: str,
    role: str = "gis_admin",
    cipher: CredentialCipher | None = None,
) -> CameraChange:
    """Change the fields sent (``null`` clears); refused unless ``if_match`` is current.

    A stream URL moved to a new scheme/host/port drops the stored credentials unless the same
    request sends ``credentials`` (see :mod:`camroute.cameras.streams`).
    """
    current = store.require_camera(conn, camera_id)
    changes = body.model_dump(exclude_unset=True, exclude={"credentials", "onvif_credentials"})
    for required in ("lon", "lat", "kind", "status", "access_class"):
        if required in changes and changes[required] is None:
            changes.pop(required)
    changes = _optics(changes, current)
    had_credentials = store.has_credentials(conn, camera_id)
    row = store.update_camera(conn, camera_id, changes, if_match=if_match, actor=actor)
    cleared = False
    if "credentials" in body.model_fields_set:
        creds = body.credentials.model_dump() if body.credentials else {}
        store.set_credentials(
            conn, camera_id, username=creds.get("username"), password=_sealed(creds, cipher)
        )
    elif had_credentials:
        if moves_credentials(current, row):
            store.clear_credentials(conn, camera_id)
        # what the store now holds: on PostgreSQL a trigger applies the same rule to any edit
        cleared = not store.has_credentials(conn, camera_id)
    _onvif_account(conn, body, current, row, cipher)
    details = {"credentials_cleared": True} if cleared else None
    _audit(conn, actor=actor, role=role, op="update", subject=camera_id, details=details)
    return CameraChange(row, credentials_cleared=cleared)


def _onvif_account(
    conn: Connection,
    body: CameraUpdate,
    before: dict[str, Any],
    after: dict[str, Any],
    cipher: CredentialCipher | None,
) -> None:
    """Set the ONVIF account sent, or forget it when ``onvif_url`` moves to another origin.

    The same rule as the stream credentials: a new host must not receive the old password.
    """
    if "onvif_credentials" in body.model_fields_set:
        creds = body.onvif_credentials.model_dump() if body.onvif_credentials else {}
        onvif_store.set_account(
            conn, after["id"], username=creds.get("username"), password=_sealed(creds, cipher)
        )
    elif isinstance(url := after.get("onvif_url"), str) and (
        not isinstance(old := before.get("onvif_url"), str) or origin(old) != origin(url)
    ):
        onvif_store.clear_account(conn, after["id"])


def _sealed(creds: dict[str, Any], cipher: CredentialCipher | None) -> str | None:
    password: str | None = creds.get("password")
    return cipher.seal(password) if cipher is not None else password


def delete_camera(
    conn: Connection, camera_id: str, *, if_match: int, actor: str, role: str = "gis_admin"
) -> None:
    """Delete a camera; refused unless ``if_match`` is its current version."""
    store.delete_camera(conn, camera_id, if_match=if_match, actor=actor)
    _audit(conn, actor=actor, role=role, op="delete", subject=camera_id)
