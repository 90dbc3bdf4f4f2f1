"""``camroute cameras calibrate / aim / do-not-move``: PTZ work for GIS staff, from a shell."""

from __future__ import annotations

import sys
from typing import Annotated

import orjson
import typer
from rich.console import Console

from camroute.cameras.secrets import cipher_for
from camroute.cli_options import DbOption, cli_actor, migrated_engine, settings_for
from camroute.errors import CamrouteError


def _numbers(text: str, count: int, what: str) -> list[float]:
    try:
        values = [float(v) for v in text.split(",")]
    except ValueError:
        values = []
    if len(values) != count:
        raise typer.BadParameter(f"{text!r} is not {what}")
    return values


def _fail(err: Console, verb: str, exc: CamrouteError) -> typer.Exit:
    err.print(f"cannot {verb}: {exc.detail}", markup=False, highlight=False)
    return typer.Exit(2 if exc.status < 500 else 1)


def calibrate_cmd(
    camera_id: Annotated[str, typer.Argument(help="Camera id.")],
    landmark: Annotated[
        list[str],
        typer.Option(
            "--landmark",
            help="LON,LAT,PAN,TILT: a known place and the camera's pan/tilt (device units, as "
            "GetStatus reads them) while it is centred on it. Two or three, spread round.",
        ),
    ],
    zoom: Annotated[
        list[str] | None,
        typer.Option("--zoom", help="ZOOM,HFOV_DEG: a measured field of view at a device zoom."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Fit the camera's PTZ calibration to landmarks; store it (measured); print it as JSON.

    The fit error (degrees, RMS over the landmarks) is printed on standard error too.
    """
    from camroute.ptz.admin import calibrate_camera
    from camroute.ptz.calibration import Landmark
    from camroute.ptz.models import CalibrationInput
    from camroute.ptz.zoom import ZoomPoint

    err = Console(stderr=True)
    marks = []
    for text in landmark:
        lon, lat, pan, tilt = _numbers(text, 4, "LON,LAT,PAN,TILT")
        marks.append(Landmark(lon=lon, lat=lat, pan=pan, tilt=tilt))
    points = [
        ZoomPoint(zoom=z, hfov_deg=h) for z, h in (_numbers(t, 2, "ZOOM,HFOV") for t in zoom or [])
    ]
    try:
        body = CalibrationInput(landmarks=marks, zoom_points=points or None)
        with migrated_engine(db) as engine:
            done = calibrate_camera(engine, camera_id, body, actor=cli_actor(), role="gis_admin")
    except CamrouteError as exc:
        raise _fail(err, "calibrate", exc) from exc
    except ValueError as exc:  # pydantic: too few landmarks, a zoom curve that widens
        err.print(f"cannot calibrate: {exc}", markup=False, highlight=False)
        raise typer.Exit(2) from exc
    cal = done.calibration
    err.print(
        f"{camera_id}: fit error {cal.fit_error_deg:.2f} deg over {len(marks)} landmarks; "
        f"pan 0 faces {cal.pan_offset_deg:.1f} deg, "
        f"{'clockwise' if cal.pan_sign > 0 else 'anticlockwise'}; tilt sign {cal.tilt_sign:+d}",
        markup=False,
        highlight=False,
    )
    sys.stdout.write(done.model_dump_json() + "\n")


def aim_cmd(
    camera_id: Annotated[str, typer.Argument(help="Camera id.")],
    lon: Annotated[float, typer.Option("--lon", min=-180, max=180, help="Target longitude.")],
    lat: Annotated[float, typer.Option("--lat", min=-90, max=90, help="Target latitude.")],
    uncertainty_m: Annotated[
        float, typer.Option("--uncertainty-m", min=0, help="Radius to frame, metres.")
    ] = 0.0,
    timeout_s: Annotated[float, typer.Option("--timeout-s", min=0.5, max=120)] = 10.0,
    db: DbOption = None,
) -> None:
    """Point a PTZ camera at LON,LAT (a GIS staff test, under the camera's control lock).

    Prints the AimResult as JSON: read-back position, residual_deg, share in picture.
    """
    from camroute.ptz.aim import Target
    from camroute.ptz.context import Actor, PtzContext, camera_setup
    from camroute.ptz.service import aim

    err = Console(stderr=True)
    settings = settings_for(db)
    try:
        with migrated_engine(db) as engine:
            ctx = PtzContext(engine, cipher_for(settings.credentials_key), timeout_s=timeout_s)
            with engine.connect() as conn:
                setup = camera_setup(conn, camera_id, cipher=ctx.cipher)
            target = Target(lon=lon, lat=lat, uncertainty_m=uncertainty_m)
            result = aim(
                ctx,
                setup,
                target,
                actor=Actor(cli_actor(), "gis_admin"),
                incident_id=None,
                ticket_id=None,
            )
    except CamrouteError as exc:
        raise _fail(err, "aim", exc) from exc
    if not result.calibrated:
        err.print(
            f"{camera_id} is not calibrated (chưa hiệu chỉnh): expect about "
            f"{result.expected_error_deg:g} deg of error",
            markup=False,
            highlight=False,
        )
    sys.stdout.write(result.model_dump_json() + "\n")


def do_not_move_cmd(
    camera_id: Annotated[str, typer.Argument(help="Camera id.")],
    clear: Annotated[bool, typer.Option("--clear", help="Allow moving it again.")] = False,
    db: DbOption = None,
) -> None:
    """Mark a PTZ camera camroute must never move (a traffic patrol tour), or --clear it."""
    from camroute.ptz.admin import mark_do_not_move

    try:
        with migrated_engine(db) as engine:
            mark_do_not_move(engine, camera_id, not clear, actor=cli_actor(), role="gis_admin")
    except CamrouteError as exc:
        raise _fail(Console(stderr=True), "mark", exc) from exc
    sys.stdout.write(
        orjson.dumps({"camera_id": camera_id, "do_not_move": not clear}).decode() + "\n"
    )


def register(cameras: typer.Typer) -> None:
    """Add the PTZ commands to ``camroute cameras``."""
    cameras.command("calibrate")(calibrate_cmd)
    cameras.command("aim")(aim_cmd)
    cameras.command("do-not-move")(do_not_move_cmd)
