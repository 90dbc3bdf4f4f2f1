"""The demo's only contact with the importers of other packages: one small function each.

Each returns how many features were stored. Areas layers are appended by their importer, so the
loader skips them when a kept database (``--db``) already holds layers.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine

from camroute.areas.importers import ImportOptions
from camroute.areas.service import import_layer as areas_import_layer
from camroute.areas.store import read_features
from camroute.buildings.importer import read_buildings
from camroute.buildings.store import replace_buildings
from camroute.cameras.model import CameraUpdate
from camroute.cameras.service import import_file, update_camera
from camroute.cameras.store import get_camera

ACTOR = "camroute-demo"
REFORM_2025 = datetime(2025, 7, 1, tzinfo=UTC)


def import_cameras(engine: Engine, path: Path, *, source: str) -> int:
    """Import a camera file through the registry importer; return accepted rows."""
    report = import_file(engine, path, source=source, actor=ACTOR)
    return report.imported + report.updated + report.unchanged


def _assume_heading(conn: Connection, camera_id: str) -> None:
    current = get_camera(conn, camera_id)
    if current is None or current.get("heading_deg") is None:
        return
    if current.get("heading_source") == "assumed":
        return
    body = CameraUpdate(heading_deg=current["heading_deg"], heading_source="assumed")
    update_camera(conn, camera_id, body, if_match=int(current["version"]), actor=ACTOR)


def mark_headings_assumed(engine: Engine, camera_ids: list[str]) -> int:
    """Record that these cameras' headings are assumed (the importer says ``imported:``)."""
    with engine.begin() as conn:
        for camera_id in camera_ids:
            _assume_heading(conn, camera_id)
    return len(camera_ids)


def has_area_layers(engine: Engine) -> bool:
    """True when the store already holds area layers (a kept ``--db``)."""
    return bool(read_features(engine))


def import_layer(engine: Engine, kind: str, path: Path, *, service: str | None = None) -> int:
    """Import an areas layer (service areas, stations, streets, POIs)."""
    summary = areas_import_layer(engine, path, ImportOptions(kind=kind, service=service))
    return summary.imported


def import_wards(engine: Engine, path: Path) -> int:
    """The 2025 wards (centroid points) valid from the 1 July 2025 reform."""
    options = ImportOptions(kind="admin", level="ward", valid_from=REFORM_2025)
    return areas_import_layer(engine, path, options).imported


def import_ward_links(engine: Engine, path: Path) -> int:
    """The dvhcvn old -> new ward links (legacy ward/district in lookups)."""
    return areas_import_layer(engine, path, ImportOptions(kind="admin-links")).imported


def import_buildings(engine: Engine, path: Path) -> int:
    """Replace the stored building footprints with ``path``."""
    return replace_buildings(engine, read_buildings(path))
