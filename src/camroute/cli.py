"""The ``camroute`` command. Each domain adds its own sub-commands from ``<domain>/cli.py``."""

from __future__ import annotations

import inspect
import os
import re
from typing import Annotated, Any

import typer

from camroute.areas.cli import register as register_areas
from camroute.audit.cli import app as audit_app
from camroute.auth.cli import apikeys_app, users_app
from camroute.basemap.cli import app as basemap_app
from camroute.buildings.cli import app as buildings_app
from camroute.cameras.cli import app as cameras_app
from camroute.cli_options import DbOption, settings_for
from camroute.coverage.cli import app as coverage_app
from camroute.demo.cli import demo
from camroute.incidents.cli import app as retention_app
from camroute.location.cli import locate
from camroute.ptz.cli import register as register_ptz
from camroute.reports.cli import app as report_app
from camroute.routing.cli import route, viewsheds
from camroute.settings import Settings
from camroute.sim.cli import app as sim_app
from camroute.wiring import wire
from camroute.zones.cli import app as zones_app

app = typer.Typer(no_args_is_help=True, add_completion=False, help="camroute: cameras by sight.")

__all__ = ["DbOption", "app", "main", "settings_for"]


@app.callback()
def _root() -> None:
    """camroute: route emergency calls to the cameras that can see the caller."""
    wire()  # retention deletes expired tickets; disabling a user ends their live views


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind.")] = None,
    port: Annotated[int | None, typer.Option(help="TCP port.")] = None,
    db: DbOption = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1, help="Worker processes (more than one needs PostgreSQL: events cross them)."
        ),
    ] = 1,
) -> None:
    """Serve the API and the dispatcher map."""
    import uvicorn

    from camroute.app import create_app

    settings = settings_for(db)
    options: dict[str, Any] = {
        "host": host or settings.host,
        "port": port or settings.port,
        "log_level": "info",
        "timeout_graceful_shutdown": 5,  # open SSE / MJPEG streams never end by themselves
    }
    if workers == 1:
        uvicorn.run(create_app(settings), **options)
        return
    _prepare_workers(settings)
    # Each worker builds its app from the environment (``create_app()`` reads CAMROUTE_*).
    uvicorn.run(
        "camroute.app:create_app",
        factory=True,
        workers=workers,
        # A worker's start-up (imports, compiled routing kernels, the camera index) can hold
        # it busy for seconds; uvicorn's default 5 s health check would kill it as hung.
        timeout_worker_healthcheck=60,
        **options,
    )


def _prepare_workers(settings: Settings) -> None:
    """Check the store can serve several processes, migrate it once, export its URL.

    On SQLite the event bus and the write queue live in one process: a map connected to one
    worker would miss the calls another worker stored. PostgreSQL carries events between
    processes (LISTEN/NOTIFY) and queues writers itself.
    """
    from camroute.store import is_postgres, make_engine, migrate

    engine = make_engine(settings.database_url)
    try:
        if not is_postgres(engine):
            raise typer.BadParameter(
                "more than one worker needs PostgreSQL (on SQLite, events stay in one process)",
                param_hint="--workers",
            )
        migrate(engine)  # once, before the workers start at the same moment
    finally:
        engine.dispose()
    os.environ["CAMROUTE_DATABASE_URL"] = settings.database_url


app.command(name="demo")(demo)
app.command(name="locate")(locate)
app.command(name="route")(route)
app.command(name="viewsheds")(viewsheds)
register_areas(app)  # layers, lookup, geocode
register_ptz(cameras_app)  # calibrate, aim, do-not-move
app.add_typer(cameras_app, name="cameras")
app.add_typer(buildings_app, name="buildings")
app.add_typer(coverage_app, name="coverage")
app.add_typer(basemap_app, name="basemap")
app.add_typer(users_app, name="users")
app.add_typer(apikeys_app, name="apikeys")
app.add_typer(audit_app, name="audit")
app.add_typer(sim_app, name="sim")
app.add_typer(retention_app, name="retention")
app.add_typer(zones_app, name="zones")
app.add_typer(report_app, name="report")


def plain_help(doc: str | None) -> str | None:
    r"""A command docstring as ``--help`` text: paragraphs unwrapped, no reST literals.

    Typer joins the lines of the first paragraph only and prints the others with the source's
    line breaks, so a wrapped docstring came out broken mid-sentence.

    Examples
    --------
    >>> plain_help("Import.\n\nHeights from ``height``,\n    else levels.")
    'Import.\n\nHeights from height, else levels.'
    """
    if not doc:
        return doc
    paragraphs = inspect.cleandoc(doc).split("\n\n")
    text = "\n\n".join(" ".join(p.split()) for p in paragraphs)
    return re.sub(r"``([^`]+)``", r"\1", text)


def _plain_helps(typer_app: typer.Typer) -> None:
    for info in typer_app.registered_commands:
        doc = info.callback.__doc__ if info.callback is not None else None
        info.help = plain_help(info.help or doc)
    for group in typer_app.registered_groups:
        if group.typer_instance is not None:
            _plain_helps(group.typer_instance)


_plain_helps(app)


def main() -> None:
    """Console entry point."""
    app()
