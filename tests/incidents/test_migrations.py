"""Incident migrations keep the incidents and drop what could give a location away."""

from __future__ import annotations

import pytest
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


@pytest.mark.postgres
def test_0003_compresses_a_calls_large_json_with_lz4(pg_database: str) -> None:
    engine = make_engine(pg_database)
    migrate(engine)
    region = {"type": "Polygon", "coordinates": [[[106.7 + i * 1e-6, 10.77] for i in range(400)]]}
    with engine.begin() as conn:
        conn.execute(
            sa.insert(incidents).values(
                id="lz4-1",
                call_id="lz4-c-1",
                hotline="113",
                status="new",
                created_at=sa.func.now(),
                updated_at=sa.func.now(),
                location_count=1,
                location=region,
                cameras={"ranking": [region]},
            )
        )
    methods = sa.text(
        "SELECT pg_column_compression(location), pg_column_compression(cameras) FROM incidents"
        " WHERE id = 'lz4-1'"
    )
    with engine.connect() as conn:
        assert conn.execute(methods).one() == ("lz4", "lz4")
        read_back = conn.execute(
            sa.select(incidents.c.location).where(incidents.c.id == "lz4-1")
        ).scalar_one()
    assert read_back == region
    command.downgrade(alembic_config(engine), "incidents_0002")
    with engine.connect() as conn:
        declared = conn.execute(
            sa.text(
                "SELECT attcompression FROM pg_attribute"
                " WHERE attrelid = 'incidents'::regclass AND attname = 'location'"
            )
        ).scalar_one()
        conn.execute(sa.text("DELETE FROM incidents WHERE id = 'lz4-1'"))
        conn.commit()
    migrate(engine)
    engine.dispose()
    assert declared == ""  # the server's default again
