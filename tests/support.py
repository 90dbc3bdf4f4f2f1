"""Helpers several test modules share: an empty PostGIS database, one API key per role."""

from __future__ import annotations

from sqlalchemy import Engine, text

from camroute.auth.models import Role
from camroute.auth.service import create_api_key
from camroute.store import make_engine
from camroute.zones.models import ZoneCreate


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


def school_zone(
    zone_id: str, *, lon: float, lat: float, d_lon: float, d_lat: float, policy: str
) -> ZoneCreate:
    """A rectangular school zone "Trường <zone_id>", ``d_lon`` x ``d_lat`` degrees either side."""
    ring = [
        (lon - d_lon, lat - d_lat),
        (lon + d_lon, lat - d_lat),
        (lon + d_lon, lat + d_lat),
        (lon - d_lon, lat + d_lat),
        (lon - d_lon, lat - d_lat),
    ]
    return ZoneCreate.model_validate(
        {
            "id": zone_id,
            "kind": "school",
            "name": f"Trường {zone_id}",
            "policy": policy,
            "geometry": {"type": "Polygon", "coordinates": [ring]},
        }
    )
