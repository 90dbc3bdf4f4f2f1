"""Keep viewsheds in the store so restarts and replicas reuse them (and QGIS can show them).

A stored viewshed is valid while its camera keeps the same ``version`` and the building set
keeps the same generation (bumped by every import).
"""

from __future__ import annotations

import numpy as np
import shapely
import sqlalchemy as sa
from numpy.typing import NDArray
from sqlalchemy import Engine

from camroute.buildings.store import buildings_generation
from camroute.cameras.tables import cameras
from camroute.routing.index import CameraIndex
from camroute.routing.tables import camera_viewsheds
from camroute.store.meta import ZONES_GENERATION, bump_generation, generation

BATCH = 2000
VIEWSHEDS_KEY = "viewsheds_generation"  # bumped by a viewshed batch run outside the server


def buildings_key(engine: Engine) -> str:
    """Changes whenever footprints are imported or replaced (the buildings generation)."""
    return f"generation:{buildings_generation(engine)}"


def registry_fingerprint(engine: Engine) -> str:
    """Changes whenever any process changes a camera, the buildings or a protected zone.

    The snapshot carries the protected-zone marks, so a zone change rebuilds it too. Every
    camera write bumps that camera's ``version``, so count and version sum move together with
    any change; a CLI import or another replica's edit is seen without a notification.
    """
    query = sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(cameras.c.version), 0))
    with engine.connect() as conn:
        count, version_sum = conn.execute(query).one()
    batch = generation(engine, VIEWSHEDS_KEY)
    zones = generation(engine, ZONES_GENERATION)
    return (
        f"{int(count)}:{int(version_sum)}:{buildings_key(engine)}:viewsheds:{batch}:zones:{zones}"
    )


def mark_viewsheds_computed(engine: Engine) -> None:
    """Tell running servers that a batch stored new viewsheds (their poll then reloads)."""
    with engine.begin() as conn:
        bump_generation(conn, VIEWSHEDS_KEY)


def load_viewsheds(engine: Engine, *, key: str) -> dict[str, tuple[int, bytes]]:
    """``camera_id -> (camera_version, WGS84 WKB)`` for viewsheds computed on ``key``."""
    query = sa.select(
        camera_viewsheds.c.camera_id, camera_viewsheds.c.camera_version, camera_viewsheds.c.wkb
    ).where(camera_viewsheds.c.buildings_key == key)
    with engine.connect() as conn:
        return {r.camera_id: (int(r.camera_version), bytes(r.wkb)) for r in conn.execute(query)}


def stored_viewshed(
    engine: Engine, camera_id: str, *, camera_version: int
) -> shapely.Geometry | None:
    """The stored WGS84 viewshed of one camera, if made for this version and these buildings."""
    t = camera_viewsheds.c
    query = sa.select(t.wkb).where(
        t.camera_id == camera_id,
        t.camera_version == camera_version,
        t.buildings_key == buildings_key(engine),
    )
    with engine.connect() as conn:
        blob = conn.execute(query).scalar()
    return None if blob is None else shapely.from_wkb(bytes(blob))


def save_viewsheds(engine: Engine, index: CameraIndex, which: NDArray[np.intp], *, key: str) -> int:
    """Store the viewsheds of cameras ``which`` (WGS84), replacing older ones."""
    which = which[index.has_viewshed[which]]
    return save_given_viewsheds(engine, index, which, index.viewsheds[which], key=key)


def save_given_viewsheds(
    engine: Engine,
    index: CameraIndex,
    which: NDArray[np.intp],
    views: NDArray[np.object_],
    *,
    key: str,
) -> int:
    """Store ``views`` (metres, aligned with ``which``) as the viewsheds of those cameras."""
    wgs = [index.projection.geometry_to_wgs84(g) for g in views]
    blobs = shapely.to_wkb(np.asarray(wgs, dtype=object)) if wgs else []
    rows = [
        {
            "camera_id": str(index.ids[i]),
            "camera_version": int(index.versions[i]),
            "buildings_key": key,
            "wkb": blob,
        }
        for i, blob in zip(which.tolist(), blobs, strict=True)
    ]
    with engine.begin() as conn:
        for start in range(0, len(rows), BATCH):
            chunk = rows[start : start + BATCH]
            ids = [r["camera_id"] for r in chunk]
            conn.execute(camera_viewsheds.delete().where(camera_viewsheds.c.camera_id.in_(ids)))
            conn.execute(camera_viewsheds.insert(), chunk)
    return len(rows)


def still_valid(index: CameraIndex, stored: dict[str, tuple[int, bytes]]) -> NDArray[np.intp]:
    """Cameras of ``index`` whose stored viewshed was made for their current version."""
    versions = index.versions.tolist()
    return np.array(
        [
            i
            for i, cid in enumerate(index.ids.tolist())
            if cid in stored and stored[cid][0] == versions[i]
        ],
        np.intp,
    )


def with_stored_viewsheds(index: CameraIndex, stored: dict[str, tuple[int, bytes]]) -> CameraIndex:
    """``index`` with the stored viewsheds whose camera version still matches."""
    pos = still_valid(index, stored)
    if pos.size == 0:
        return index
    ids = index.ids[pos].tolist()
    geoms = shapely.from_wkb([stored[cid][1] for cid in ids])
    metric = np.asarray([index.projection.geometry_to_metric(g) for g in geoms], dtype=object)
    return index.with_given_viewsheds(pos, metric)
