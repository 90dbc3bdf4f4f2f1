"""PTZ tables: each camera's calibration, and who controls it now (the arbitration lock)."""

from __future__ import annotations

import sqlalchemy as sa

from camroute.store.metadata import metadata
from camroute.store.types import UtcDateTime

ptz_calibrations = sa.Table(
    "ptz_calibrations",
    metadata,
    sa.Column(
        "camera_id",
        sa.String(64),
        sa.ForeignKey("cameras.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("calibration", sa.JSON(), nullable=False),  # ptz.calibration.Calibration
    sa.Column("source", sa.String(16), nullable=False),  # measured
    sa.Column("fit_error_deg", sa.Float()),
    sa.Column("fitted_at", UtcDateTime(), nullable=False),
    sa.Column("fitted_by", sa.String(128), nullable=False),
    sa.CheckConstraint("source IN ('measured')", name="ck_ptz_calibrations_source"),
)

# One row per camera that was ever controlled or flagged: the lock and where the head is.
ptz_control = sa.Table(
    "ptz_control",
    metadata,
    sa.Column(
        "camera_id",
        sa.String(64),
        sa.ForeignKey("cameras.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("holder", sa.String(128)),
    sa.Column("holder_role", sa.String(32)),
    sa.Column("incident_id", sa.String(36)),
    sa.Column("ticket_id", sa.String(36)),
    sa.Column("lock_until", UtcDateTime()),
    # A camera on a city-traffic patrol tour: camroute never moves it.
    sa.Column("do_not_move", sa.Boolean(), nullable=False, server_default=sa.false()),
    # Moved by camroute and not yet sent home.
    sa.Column("away_from_home", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("position", sa.JSON()),  # the last read-back, device units
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Column("last_aim", sa.JSON()),  # the last AimResult (its ticket's tile shows it)
)

# Aim-follow, per live ticket: a location update of the incident re-aims the camera.
# ``followed_key`` is the incident version last followed, so one replica re-aims once.
ptz_follow = sa.Table(
    "ptz_follow",
    metadata,
    sa.Column(
        "ticket_id",
        sa.String(36),
        sa.ForeignKey("live_tickets.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("incident_id", sa.String(36), nullable=False),
    sa.Column("camera_id", sa.String(64), nullable=False),
    sa.Column("enabled", sa.Boolean(), nullable=False),
    sa.Column("followed_key", sa.String(64)),
    sa.Column("reason", sa.Text()),  # a supervisor's, for re-aims into supervisor zones
    sa.Column("updated_by", sa.String(128), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Index("ix_ptz_follow_incident_id", "incident_id"),
)
