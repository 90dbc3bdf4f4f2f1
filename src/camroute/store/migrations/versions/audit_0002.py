"""Audit log: ``audit_append``, the chain's append as one PostgreSQL statement.

The caller sends each event's hashed text in three parts (``camroute.audit.chain.hash_parts``);
the function takes the head row's lock, numbers the events, fills in the id and the previous
hash, and hashes and inserts them. Sent together with the COMMIT, the lock is held for no
client round trip. SQLite has no such function and appends from Python.

Revision ID: audit_0002
Revises: audit_0001
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "audit_0002"
down_revision: str | Sequence[str] | None = "audit_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# One JSON array in (objects with the parts and the columns): psycopg dumps it as one text,
# where eleven arrays went through its per-element dumpers.
_APPEND = """
CREATE OR REPLACE FUNCTION audit_append(events json) RETURNS bigint AS $$
DECLARE
    first_id bigint;
    next_id bigint;
    prev text;
    digest text;
    e json;
BEGIN
    SELECT last_id + 1, last_hash INTO first_id, prev FROM audit_head WHERE k = 1 FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'the audit head row is gone';
    END IF;
    next_id := first_id;
    FOR e IN SELECT value FROM json_array_elements(events) LOOP
        digest := encode(sha256(convert_to(
            (e->>'head') || next_id::text || (e->>'middle') || prev || (e->>'tail'), 'UTF8'
        )), 'hex');
        INSERT INTO audit_events (
            id, time, actor, role, action, subject, incident_id, purpose, details,
            prev_hash, hash
        ) VALUES (
            next_id, (e->>'time')::timestamptz, e->>'actor', e->>'role', e->>'action',
            e->>'subject', e->>'incident_id', e->>'purpose',
            CASE WHEN json_typeof(e->'details') = 'null' THEN NULL ELSE e->'details' END,
            prev, digest
        );
        prev := digest;
        next_id := next_id + 1;
    END LOOP;
    UPDATE audit_head SET last_id = next_id - 1, last_hash = prev WHERE k = 1;
    RETURN first_id;
END;
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_APPEND)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS audit_append(json)")
