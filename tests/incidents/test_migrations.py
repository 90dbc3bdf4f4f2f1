"""Incident migrations keep the incidents and drop what could give a location away."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command

from camroute.incidents.tables import incident_locations, incidents
from camroute.store import migrate
from camroute.store.engine import alembic_config, make_engine


def test_0002_keeps_every_row_and_drops_the_unkeyed_fingerprints(store_url: str) -> None:
    engine = make_engine(store_url)
    command.upgrade(alembic_config(engine), "incidents_0001")
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO incidents (id, call_id, hotline, status, created_at, updated_at,"
                " location_count, fingerprint, lon, lat) VALUES ('i-1', 'c-1', '113', 'new',"
                " '2026-01-01 00:00:00+00', '2026-01-01 00:00:00+00', 1, 'plain-sha', 106.7, 10.7)"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO incident_locations (incident_id, received_at, fingerprint)"
                " VALUES ('i-1', '2026-01-01 00:00:00+00', 'plain-sha')"
            )
        )
    migrate(engine)
    with engine.connect() as conn:
        kept = conn.execute(sa.select(incidents.c.lon, incidents.c.fingerprint)).all()
        history = conn.execute(sa.select(incident_locations.c.fingerprint)).all()
    engine.dispose()
    assert kept == [(106.7, None)]
    assert history == [(None,)]  # a rebuilt incidents table would have cascaded it away
