"""Live-view tickets: one row per ticket, so closing an incident can revoke its views."""

from __future__ import annotations

import sqlalchemy as sa

from camroute.store.metadata import metadata
from camroute.store.types import UtcDateTime

live_tickets = sa.Table(
    "live_tickets",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column(
        "incident_id",
        sa.String(36),
        sa.ForeignKey("incidents.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("camera_id", sa.String(128), nullable=False),
    sa.Column("user_name", sa.String(128), nullable=False),
    sa.Column("role", sa.String(32), nullable=False),
    sa.Column("purpose", sa.Text(), nullable=False),
    sa.Column("reason", sa.Text(), nullable=True),
    sa.Column("issued_at", UtcDateTime(), nullable=False),
    sa.Column("expires_at", UtcDateTime(), nullable=False),
    sa.Column("revoked_at", UtcDateTime(), nullable=True),
    sa.Column("revoked_because", sa.String(64), nullable=True),
    sa.Column("renewals", sa.Integer(), nullable=False),
    # The holder's login-session epoch when issued (None: an API key holder); the relay
    # refuses the ticket once the holder's sessions have ended (logout, password reset).
    sa.Column("session_epoch", sa.Integer(), nullable=True),
    # When a stream client last used the ticket; one unused for the orphan grace is ended.
    sa.Column("last_seen_at", UtcDateTime(), nullable=True),
    sa.Index("ix_live_tickets_incident_id", "incident_id"),
    sa.Index("ix_live_tickets_user_name", "user_name"),
    sa.Index("ix_live_tickets_expires_at", "expires_at"),
)
