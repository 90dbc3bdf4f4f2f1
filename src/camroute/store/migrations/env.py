"""Alembic environment: runs on the engine handed over by ``camroute.store.migrate``."""

from __future__ import annotations

from alembic import context

from camroute.store.metadata import metadata

engine = context.config.attributes["engine"]
with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    context.run_migrations()
