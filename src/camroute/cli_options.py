"""Options every data command shares: the ``--db`` convention.

Kept apart from ``camroute.cli`` so domain command modules can import it without a cycle.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

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


@contextmanager
def migrated_engine(db: str | None) -> Iterator[Engine]:
    """An engine on ``--db`` (else the settings' store), migrated, disposed on exit.

    Disposing matters even on error: a pool left to the garbage collector leaves its
    PostgreSQL connections open until the process ends.
    """
    from camroute.store import make_engine, migrate  # the store's imports are slow

    engine = make_engine(settings_for(db).database_url)
    try:
        migrate(engine)
        yield engine
    finally:
        engine.dispose()
