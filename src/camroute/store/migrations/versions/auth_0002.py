"""Auth: every change to users or API keys is announced by trigger, on both stores.

Processes cache the principals they found (``camroute.auth.cache``) and must forget them when
a key or a user changes, whoever changed it: the API, the CLI in another process, or an
administrator's SQL. PostgreSQL: a statement trigger sends ``NOTIFY camroute_auth`` (delivered
at commit). SQLite has no notices: a trigger counts the changes in the one-row table
``auth_generation``, which every process reads before it trusts its cache.

Revision ID: auth_0002
Revises: auth_0001
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "auth_0002"
down_revision: str | Sequence[str] | None = "auth_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = ("users", "api_keys")
_EVENTS = ("insert", "update", "delete")

_NOTIFY = """
CREATE OR REPLACE FUNCTION auth_announce_change() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('camroute_auth', '');
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_NOTIFY)
        for table in _TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_announce_change "
                f"AFTER INSERT OR UPDATE OR DELETE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION auth_announce_change()"
            )
        return
    op.execute(
        "CREATE TABLE auth_generation ("
        "k INTEGER PRIMARY KEY CHECK (k = 1), generation INTEGER NOT NULL)"
    )
    op.execute("INSERT INTO auth_generation (k, generation) VALUES (1, 0)")
    for table in _TABLES:
        for event in _EVENTS:
            op.execute(
                f"CREATE TRIGGER {table}_{event}_counted AFTER {event.upper()} ON {table} "
                "BEGIN UPDATE auth_generation SET generation = generation + 1; END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in _TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_announce_change ON {table}")
        op.execute("DROP FUNCTION IF EXISTS auth_announce_change()")
        return
    for table in _TABLES:
        for event in _EVENTS:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_{event}_counted")
    op.execute("DROP TABLE IF EXISTS auth_generation")
