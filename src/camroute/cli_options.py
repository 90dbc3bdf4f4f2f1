"""Options every data command shares: the ``--db`` convention.

Kept apart from ``camroute.cli`` so domain command modules can import it without a cycle.
"""

from __future__ import annotations

from typing import Annotated

import typer

from camroute.settings import Settings

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
