"""PTZ: turning aim-follow on or off is announced by trigger, so replicas keep who follows.

Every replica hears every location update and asked the store which tickets of the incident
follow it: a statement per update per replica, though follows are rare. Each replica now keeps
the followed incidents and reads them again only after ``ptz_follow`` gained, lost or switched
a row (``camroute.store.watch``): PostgreSQL sends ``NOTIFY camroute_follow``; SQLite counts
the changes in the one-row table ``follow_generation``. Marking a follow done
(``followed_key``) does not count: it changes nobody's following.

Revision ID: ptz_0003
Revises: ptz_0002
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "ptz_0003"
down_revision: str | Sequence[str] | None = "ptz_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_EVENTS = {"insert": "INSERT", "delete": "DELETE", "switch": "UPDATE OF enabled"}

_NOTIFY = """
CREATE OR REPLACE FUNCTION ptz_follow_announce() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('camroute_follow', '');
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_NOTIFY)
        op.execute(
            "CREATE TRIGGER ptz_follow_announce AFTER INSERT OR DELETE OR UPDATE OF enabled "
            "ON ptz_follow FOR EACH STATEMENT EXECUTE FUNCTION ptz_follow_announce()"
        )
        return
    op.execute(
        "CREATE TABLE follow_generation ("
        "k INTEGER PRIMARY KEY CHECK (k = 1), generation INTEGER NOT NULL)"
    )
    op.execute("INSERT INTO follow_generation (k, generation) VALUES (1, 0)")
    for name, event in _EVENTS.items():
        op.execute(
            f"CREATE TRIGGER ptz_follow_{name}_counted AFTER {event} ON ptz_follow "
            "BEGIN UPDATE follow_generation SET generation = generation + 1; END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS ptz_follow_announce ON ptz_follow")
        op.execute("DROP FUNCTION IF EXISTS ptz_follow_announce()")
        return
    for name in _EVENTS:
        op.execute(f"DROP TRIGGER IF EXISTS ptz_follow_{name}_counted")
    op.execute("DROP TABLE IF EXISTS follow_generation")
