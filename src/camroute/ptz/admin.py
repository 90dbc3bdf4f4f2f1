"""Calibrating a camera and marking it "do not move" (GIS staff; audited)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, Engine

from camroute.audit.service import record
from camroute.auth.models import Principal
from camroute.cameras.store import require_camera
from camroute.errors import InvalidInputError
from camroute.ptz import store
from camroute.ptz.calibration import Calibration, CalibrationError, fit
from camroute.ptz.context import DEFAULT_MOUNT_HEIGHT_M, calibration_for, device_ranges
from camroute.ptz.follow import control_read
from camroute.ptz.geometry import CameraPose
from camroute.ptz.models import CalibrationInput, CalibrationRead, ControlRead, PtzAction
from camroute.store.txn import writing


def _fit(conn: Connection, camera_id: str, body: CalibrationInput) -> Calibration:
    camera = require_camera(conn, camera_id)
    height = camera["mount_height_m"]
    pose = CameraPose(
        lon=camera["lon"],
        lat=camera["lat"],
        mount_height_m=height if height and height > 0 else DEFAULT_MOUNT_HEIGHT_M,
    )
    try:
        return fit(
            pose,
            body.landmarks,
            zoom_points=body.zoom_points,
            ranges=body.ranges or device_ranges(conn, camera_id),
            hfov_wide_deg=camera["zoom_hfov_max_deg"],
            hfov_tele_deg=camera["zoom_hfov_min_deg"],
        )
    except (CalibrationError, ValueError) as exc:
        raise InvalidInputError(str(exc), field="landmarks") from exc


def preview_calibration(engine: Engine, camera_id: str, body: CalibrationInput) -> Calibration:
    """Fit the landmarks without storing anything (the page shows the fit error first)."""
    with engine.connect() as conn:
        return _fit(conn, camera_id, body)


def calibrate_camera(
    engine: Engine, camera_id: str, body: CalibrationInput, *, actor: str, role: str
) -> CalibrationRead:
    """Fit ``camera_id``'s calibration to the landmarks and store it (provenance measured)."""
    now = datetime.now(UTC)
    with writing(engine) as conn:
        cal = _fit(conn, camera_id, body)
        store.save_calibration(conn, camera_id, cal, at=now, by=actor)
        if store.ensure_control(conn, camera_id, now=now).holder == actor:
            store.release(conn, camera_id, now=now)  # done steering: dispatchers may aim it
        record(
            conn,
            actor=actor,
            role=role,
            action=PtzAction.calibrated,
            subject=camera_id,
            details={
                "landmarks": len(body.landmarks),
                "fit_error_deg": round(cal.fit_error_deg or 0.0, 3),
                "pan_sign": cal.pan_sign,
                "tilt_sign": cal.tilt_sign,
            },
        )
    return CalibrationRead(
        camera_id=camera_id, source="measured", calibration=cal, fitted_at=now, fitted_by=actor
    )


def read_calibration(engine: Engine, camera_id: str) -> CalibrationRead:
    """The camera's stored calibration, or the uncalibrated assumption (source assumed)."""
    with engine.connect() as conn:
        camera = require_camera(conn, camera_id)
        stored = store.get_calibration(conn, camera_id)
        if stored is None:
            return CalibrationRead(
                camera_id=camera_id, source="assumed", calibration=calibration_for(conn, camera)
            )
    cal, at, by = stored
    return CalibrationRead(
        camera_id=camera_id, source="measured", calibration=cal, fitted_at=at, fitted_by=by
    )


def mark_do_not_move(engine: Engine, camera_id: str, value: bool, *, actor: str, role: str) -> None:
    """Mark (or clear) a camera camroute must never move."""
    now = datetime.now(UTC)
    with writing(engine) as conn:
        require_camera(conn, camera_id)
        store.set_do_not_move(conn, camera_id, value, now=now)
        record(
            conn,
            actor=actor,
            role=role,
            action=PtzAction.do_not_move,
            subject=camera_id,
            details={"do_not_move": value},
        )


def set_do_not_move(
    engine: Engine, camera_id: str, value: bool, *, actor: Principal
) -> ControlRead:
    """:func:`mark_do_not_move` for a logged-in user; the camera's control state after it."""
    mark_do_not_move(engine, camera_id, value, actor=actor.name, role=actor.role.value)
    now = datetime.now(UTC)
    with writing(engine) as conn:
        control = store.ensure_control(conn, camera_id, now=now)
    return control_read(control, actor.name, now=now)
