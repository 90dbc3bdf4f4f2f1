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
    )


def main() -> None:
    """Console entry point."""
    app()
