"""Helpers several test modules share: an empty PostGIS database, one API key per role."""

from __future__ import annotations

from sqlalchemy import Engine, text

from camroute.auth.models import Role
from camroute.auth.service import create_api_key
from camroute.store import make_engine


def reset_postgres(url: str) -> None:
    """Drop every table of the PostGIS database at ``url`` (PostGIS's own table stays)."""
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            tables = conn.execute(
                text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                    "AND tablename <> 'spatial_ref_sys'"
                )
            ).scalars()
            for table in list(tables):
                conn.execute(text(f'DROP TABLE IF EXISTS "{table}" CASCADE'))
    finally:
        engine.dispose()


def role_api_keys(engine: Engine, prefix: str) -> dict[Role, str]:
    """A fresh API key for every role, named ``{prefix}-{role}``."""
    return {
        role: create_api_key(
            engine, name=f"{prefix}-{role.value}", role=role, actor="test", actor_role="test"
        ).key
        for role in Role
    }
