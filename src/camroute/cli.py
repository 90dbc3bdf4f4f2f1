"""The ``camroute`` command. Each domain adds its own sub-commands from ``<domain>/cli.py``."""

from __future__ import annotations

from typing import Annotated

import typer

from camroute.settings import Settings

app = typer.Typer(no_args_is_help=True, add_completion=False, help="camroute: cameras by sight.")

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL (default: CAMROUTE_DATABASE_URL, else sqlite file camroute.db here).",
    ),
]


@app.callback()
def _root() -> None:
    """camroute: route emergency calls to the cameras that can see the caller."""


def settings_for(db: str | None) -> Settings:
    """Settings from the environment, with ``--db`` taking precedence."""
    return Settings(database_url=db) if db else Settings()


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind.")] = None,
    port: Annotated[int | None, typer.Option(help="TCP port.")] = None,
    db: DbOption = None,
) -> None:
    """Serve the API and the dispatcher map."""
    import uvicorn

    from camroute.app import create_app

    settings = settings_for(db)
    uvicorn.run(
        create_app(settings),
        host=host or settings.host,
        port=port or settings.port,
        log_level="info",
        timeout_graceful_shutdown=5,  # open SSE / MJPEG streams never end by themselves
    )


from camroute.sim.cli import app as _sim_app  # noqa: E402

app.add_typer(_sim_app, name="sim")

from camroute.incidents.cli import app as _retention_app  # noqa: E402

app.add_typer(_retention_app, name="retention")

from camroute.cameras.cli import app as _cameras_app  # noqa: E402

app.add_typer(_cameras_app, name="cameras")

from camroute.audit.cli import app as _audit_app  # noqa: E402
from camroute.auth.cli import apikeys_app as _apikeys_app  # noqa: E402
from camroute.auth.cli import users_app as _users_app  # noqa: E402

app.add_typer(_users_app, name="users")
app.add_typer(_apikeys_app, name="apikeys")
app.add_typer(_audit_app, name="audit")

from camroute.demo.cli import demo as _demo  # noqa: E402

app.command(name="demo")(_demo)

from camroute.location.cli import locate as _locate  # noqa: E402

app.command(name="locate")(_locate)

from camroute.buildings.cli import app as _buildings_app  # noqa: E402
from camroute.routing.cli import route as _route  # noqa: E402

app.add_typer(_buildings_app, name="buildings")
app.command(name="route")(_route)

from camroute.areas.cli import register as _register_areas  # noqa: E402

_register_areas(app)


def main() -> None:
    """Console entry point."""
    app()
