"""Options every data command shares: the ``--db`` convention.

Kept apart from ``camroute.cli`` so domain command modules can import it without a cycle.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from sqlalchemy.exc import OperationalError

from camroute.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL (default: CAMROUTE_DATABASE_URL, else sqlite file camroute.db here).",
    ),
]


def settings_for(db: str | None) -> Settings:
    """Settings from the environment, with ``--db`` taking precedence."""
    return Settings(database_url=db) if db else Settings()


def shown_url(url: str) -> str:
    """``url`` as it may be printed: the password replaced by ``***``."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _missing_sqlite_file(url: str) -> Path | None:
    """The SQLite file ``url`` names when it does not exist (None: it exists, or not SQLite)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    path = Path(parsed.database)
    return None if path.exists() else path


@contextmanager
def migrated_engine(db: str | None, *, create: bool = True) -> Iterator[Engine]:
    """An engine on ``--db`` (else the settings' store), migrated, disposed on exit.

    ``create=False`` is for commands that only read: a SQLite file that does not exist is
    not created (an empty database would only answer "nothing here"); the command exits 1
    saying where it looked. Disposing matters even on error: a pool left to the garbage
    collector leaves its PostgreSQL connections open until the process ends.
    """
    from camroute.store import make_engine, migrate  # the store's imports are slow

    url = settings_for(db).database_url
    if not create and (missing := _missing_sqlite_file(url)) is not None:
        typer.echo(
            f"error: no database at {shown_url(url)} (file {missing} does not exist; "
            "--db, else CAMROUTE_DATABASE_URL, else camroute.db in this folder): nothing has "
            "been imported there",
            err=True,
        )
        raise typer.Exit(1)
    engine = make_engine(url)
    try:
        try:
            migrate(engine)
        except OperationalError as exc:  # unreachable server, unknown database, bad password
            reason = str(exc.orig or exc).strip().splitlines()[0]
            typer.echo(f"error: cannot open the database at {shown_url(url)}: {reason}", err=True)
            raise typer.Exit(1) from None
        yield engine
    finally:
        engine.dispose()
