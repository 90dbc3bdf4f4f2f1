"""``camroute sim``: run the camera simulator."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from camroute.sim.rtsp import RtspCamera

app: typer.Typer = typer.Typer(
    no_args_is_help=True, add_completion=False, help="Simulators for demo and tests."
)


def split_ids(values: list[str] | None) -> list[str]:
    """Camera ids from repeated and/or comma-separated ``--ids`` values.

    Examples
    --------
    >>> split_ids(["A,B", " C ", ""])
    ['A', 'B', 'C']
    """
    return [part.strip() for value in values or [] for part in value.split(",") if part.strip()]


@app.command()
def cameras(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8554,
    ids: Annotated[
        list[str] | None,
        typer.Option("--ids", help="Camera ids to serve (repeat or comma-separate; default all)."),
    ] = None,
    fps: Annotated[float, typer.Option(help="MJPEG frames per second.")] = 5.0,
    rtsp_port: Annotated[
        int,
        typer.Option(help="RTSP port (H.264 test pattern per id; needs --ids and GStreamer)."),
    ] = 8555,
    no_rtsp: Annotated[bool, typer.Option("--no-rtsp", help="Serve no RTSP.")] = False,
) -> None:
    """Serve /cameras/{id}/snapshot.jpg and /cameras/{id}/mjpeg with drawn, people-free frames.

    With --ids, also RTSP at rtsp://HOST:RTSP_PORT/cameras/{id}/Streaming/Channels/101 (H.264;
    102 is the sub-stream), when GStreamer's RTSP server is installed.
    """
    import uvicorn

    from camroute.sim import SimulatorUnavailableError, require_pillow

    try:
        require_pillow()
    except SimulatorUnavailableError as exc:
        typer.echo(f"camroute sim cameras: {exc.detail}", err=True)
        raise typer.Exit(2) from exc
    from camroute.sim.cameras import create_sim_app

    camera_ids = split_ids(ids)
    rtsp: list[RtspCamera | None] = []  # started beside HTTP, which need not wait for it
    if not no_rtsp:
        threading.Thread(
            target=lambda: rtsp.append(_rtsp(camera_ids, host=host, port=rtsp_port)), daemon=True
        ).start()
    try:
        uvicorn.run(create_sim_app(camera_ids=camera_ids, fps=fps), host=host, port=port)
    finally:
        for running in rtsp:
            if running is not None:
                running.stop()


def _rtsp(camera_ids: list[str], *, host: str, port: int) -> RtspCamera | None:
    """The RTSP simulator started for ``camera_ids``, or None (and why) when it cannot run."""
    from camroute.sim.rtsp import RtspCamera, gstreamer_missing

    why = gstreamer_missing() or (None if camera_ids else "RTSP needs the camera ids (--ids)")
    if why is not None:
        typer.echo(f"camroute sim cameras: no RTSP, MJPEG only: {why}", err=True)
        return None
    try:
        rtsp = RtspCamera(camera_ids, host=host, port=port).start()
    except RuntimeError as exc:
        typer.echo(f"camroute sim cameras: no RTSP, MJPEG only: {exc}", err=True)
        return None
    typer.echo(f"RTSP: rtsp://{host}:{rtsp.port}/cameras/<id>/Streaming/Channels/101 (H.264)")
    return rtsp
