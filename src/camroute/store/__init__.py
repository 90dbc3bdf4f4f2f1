"""Persistence edge: engine, shared metadata, Alembic migrations.

SQLite file by default (WAL, full sync), PostgreSQL + PostGIS in production.
"""

from camroute.store.engine import is_postgres, make_engine, migrate
from camroute.store.metadata import metadata

__all__ = ["is_postgres", "make_engine", "metadata", "migrate"]
