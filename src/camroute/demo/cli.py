"""``camroute demo``: the one-command demo on real city data."""

from __future__ import annotations

from typing import Annotated, Literal

import typer


def demo(
    host: Annotated[str, typer.Option(help="Interface to serve the map on.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option(help="TCP port of the map and API.", min=1, max=65535)
    ] = 8000,
    db: Annotated[
        str | None,
        typer.Option(
            "--db", help="Database URL (default: a fresh SQLite file in a temporary directory)."
        ),
    ] = None,
    city: Annotated[
        Literal["hcmc", "helsinki"],
        typer.Option(help="hcmc: real HCMC traffic cameras; helsinki: OSM buildings and cameras."),
    ] = "hcmc",
    calls_per_minute: Annotated[
        float, typer.Option(help="Simulated 113/114/115 calls per minute.", min=0.1, max=6000)
    ] = 6.0,
    seed: Annotated[
        int | None, typer.Option(help="Seed the call generator (repeatable runs).")
    ] = None,
) -> None:
    """Load a city, simulate cameras and calls, create demo logins and serve the map.

    Without --db the store is a fresh SQLite file in a temporary directory, removed on exit.
    Ctrl-C stops everything.
    """
    from camroute.demo.runner import DemoOptions, run_demo
    from camroute.errors import CamrouteError

    options = DemoOptions(
        host=host, port=port, db=db, city=city, calls_per_minute=calls_per_minute, seed=seed
    )
    try:
        code = run_demo(options)
    except CamrouteError as exc:
        typer.echo(f"camroute demo: {exc.detail}", err=True)
        raise typer.Exit(2) from exc
    raise typer.Exit(code)
