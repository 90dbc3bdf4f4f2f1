"""``camroute sim``: run the camera simulator."""

from __future__ import annotations

from typing import Annotated

import typer

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
) -> None:
    """Serve /cameras/{id}/snapshot.jpg and /cameras/{id}/mjpeg with drawn, people-free frames."""
    import uvicorn

    from camroute.sim import SimulatorUnavailableError, require_pillow

    try:
        require_pillow()
    except SimulatorUnavailableError as exc:
        typer.echo(f"camroute sim cameras: {exc.detail}", err=True)
        raise typer.Exit(2) from exc
    from camroute.sim.cameras import create_sim_app

    uvicorn.run(create_sim_app(camera_ids=split_ids(ids), fps=fps), host=host, port=port)
