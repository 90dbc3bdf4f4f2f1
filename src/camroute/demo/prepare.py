"""Rebuild the demo data shipped in ``camroute/demo/data`` from ``../shared/data`` (maintainers).

Run ``python -m camroute.demo.prepare ../shared/data``. Only sources whose licence allows
shipping are read (MIT traffic-camera list and ward centroids, ODbL OpenStreetMap); the 2017
``ketxe`` list (no licence) and every test-only folder are left out. Coordinates are rounded to
6 decimals (about 0.1 m). Everything not measured is marked ``assumed`` or ``illustrative``.
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import orjson
import pandas as pd
import shapely

from camroute.demo.illustrative import service_layers
from camroute.geo import bearing_deg, local_projection

DATA_DIR = Path(__file__).parent / "data"
DIGITS = 6
UIP_SOURCE = "UIP cameras_raw.json (2025-11)"


def _round(coords: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    return np.round(coords, DIGITS)


def _write(frame: gpd.GeoDataFrame, path: Path) -> None:
    """Compact GeoJSON (RFC 7946, WGS84), nulls dropped, coordinates on a 1e-6 degree grid."""
    frame = frame.copy()
    snapped = shapely.set_precision(frame.geometry.values, 10.0**-DIGITS)
    frame["geometry"] = shapely.transform(snapped, _round)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(orjson.dumps(frame.to_geo_dict(na="drop", drop_id=True)) + b"\n")


def hcmc_cameras(shared: Path) -> gpd.GeoDataFrame:
    """The 721 cameras of the 2025 portal list (MIT); FOV and range are left to the importer."""
    raw = gpd.read_file(shared / "hcmc_traffic_cameras" / "hcmc_traffic_cameras.geojson")
    raw = raw[raw["source"].str.startswith(UIP_SOURCE)].copy()
    code = raw["code"].fillna("").str.strip()
    label = np.where(code != "", raw["name"] + " (" + code + ")", raw["name"])
    return gpd.GeoDataFrame(
        {
            "id": "hcmc-" + raw["id"].astype(str),
            "name": label,
            "code": code,
            "kind": np.where(raw["ptz"].fillna(False).astype(bool), "ptz", "fixed"),
            "access_class": "public_space",
            "owner": "HCMC traffic portal (giaothong.hochiminhcity.gov.vn)",
        },
        geometry=raw.geometry.values,
        crs=4326,
    )


def hcmc_wards(shared: Path) -> gpd.GeoDataFrame:
    """The 168 HCMC units of the 2025 system as centroid points (approximate)."""
    table = pd.read_csv(shared / "vn_admin" / "wards_2025_hcmc_danang_haiphong.csv")
    table = table[table["provinceCode"] == 79]
    return gpd.GeoDataFrame(
        {
            "name": table["ward"],
            "code": table["wardCode"].astype(str),
            "ward_type": table["wardType"],
            "province": table["province"],
            "area_km2": table["wardAreaKm2"],
            "approximate": True,
        },
        geometry=gpd.points_from_xy(table["wardLon"], table["wardLat"]),
        crs=4326,
    )


def hcmc_ward_links(shared: Path) -> dict[str, Any]:
    """The dvhcvn old -> new ward links (MIT) of HCMC only (province code 79)."""
    data = orjson.loads(
        (shared / "vn_admin" / "dvhcvn_20250701_merges_new_to_old.json").read_bytes()
    )
    return {"data": [p for p in data["data"] if str(p.get("level1_id")) == "79"]}


def _facing_away_deg(cameras: gpd.GeoSeries, buildings: gpd.GeoSeries) -> np.ndarray[Any, Any]:
    """Heading pointing away from the nearest building wall (assumed: OSM has no direction)."""
    proj = local_projection(lon=float(cameras.x.mean()), lat=float(cameras.y.mean()))
    cams_m = proj.geometry_to_metric(shapely.GeometryCollection(list(cameras.values)))
    points = np.asarray(shapely.get_parts(cams_m))
    walls = np.asarray([proj.geometry_to_metric(b).boundary for b in buildings.values])
    tree = shapely.STRtree(walls)
    nearest = tree.nearest(points)
    wall_pts = shapely.shortest_line(walls[nearest], points)
    start = shapely.get_point(wall_pts, 0)
    inside = shapely.contains(
        np.asarray([proj.geometry_to_metric(b) for b in buildings.values])[nearest], points
    )
    lon_w, lat_w = proj.to_wgs84(shapely.get_x(start), shapely.get_y(start))
    lon_c, lat_c = cameras.x.to_numpy(), cameras.y.to_numpy()
    away = bearing_deg(from_lon=lon_w, from_lat=lat_w, to_lon=lon_c, to_lat=lat_c)
    heading = np.where(inside, (away + 180.0) % 360.0, away)
    return np.round(heading, 1)


def helsinki_cameras(shared: Path, buildings: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The 221 OSM cameras with an assumed heading (away from the nearest wall).

    Field of view and range are left out so the importer applies its per-kind defaults and
    marks them ``assumed``; the mount height is kept only where OSM tags it.
    """
    raw = gpd.read_file(shared / "helsinki_osm" / "surveillance.geojson")
    revolving = raw.get("revolving", pd.Series(index=raw.index)).eq("yes")
    dome = raw.get("camera:type", pd.Series(index=raw.index)).eq("dome")
    kind = np.where(revolving, "ptz", np.where(dome, "dome_360", "fixed"))
    height = pd.to_numeric(raw.get("height"), errors="coerce")
    return gpd.GeoDataFrame(
        {
            "id": "hel-osm-" + raw["osm_id"].astype(str),
            "name": "OSM surveillance " + raw["osm_id"].astype(str),
            "kind": kind,
            "heading_deg": _facing_away_deg(raw.geometry, buildings.geometry),
            "heading_note": "assumed: faces away from the nearest wall (OSM has no direction)",
            "mount_height_m": height,
            "access_class": "public_space",
            "owner": "OpenStreetMap contributors (ODbL)",
        },
        geometry=raw.geometry.values,
        crs=4326,
    )


BUILDING_KEEP = [
    "osm_area_id",
    "building",
    "building:part",
    "building:levels",
    "height",
    "min_height",
    "building:min_level",
    "name",
    "addr:street",
    "addr:housenumber",
]


def helsinki(shared: Path, out: Path) -> None:
    """Buildings, named streets, cameras and emergency POIs of central Helsinki (ODbL)."""
    src = shared / "helsinki_osm"
    buildings = gpd.read_file(src / "buildings.geojson")
    buildings = buildings[[c for c in BUILDING_KEEP if c in buildings] + ["geometry"]]
    _write(buildings, out / "buildings.geojson")
    streets = gpd.read_file(src / "highways.geojson")
    streets = streets[streets["name"].notna()][["osm_id", "name", "highway", "geometry"]]
    _write(streets, out / "streets.geojson")
    _write(helsinki_cameras(shared, buildings), out / "cameras.geojson")
    pois = gpd.read_file(src / "emergency_pois.geojson")
    keep = [c for c in ("osm_id", "name", "amenity", "emergency") if c in pois]
    pois = pois[[*keep, "geometry"]].copy()
    pois["name"] = pois.get("name", pd.Series(index=pois.index)).fillna(
        pois["amenity"].fillna(pois["emergency"])
    )
    _write(pois, out / "pois.geojson")


HCMC_BASEMAP = (
    "tan_dinh_export.osm",
    "district5_patch_export.osm",
    "hcmc_streets.geojson",
    "hcmc_water_parks.geojson",
    "hcmc_buildings.geojson",
    "PROVENANCE.md",
)


def hcmc_basemap(shared: Path, out: Path) -> None:
    """Copy the central-HCMC OSM files unchanged but gzipped (ODbL; the import reads .gz)."""
    out.mkdir(parents=True, exist_ok=True)
    for name in HCMC_BASEMAP:
        data = (shared / "hcmc_osm" / name).read_bytes()
        if name.endswith(".md"):
            (out / name).write_bytes(data)
        else:
            (out / f"{name}.gz").write_bytes(gzip.compress(data, compresslevel=9, mtime=0))


def build(shared: Path, out_dir: Path = DATA_DIR, *, basemap: bool = True) -> list[Path]:
    """Write every shipped demo data file (not the licences) under ``out_dir``.

    Returns the derived JSON files. ``basemap=False`` leaves out the HCMC OSM files, which are
    copied unchanged (gzipped) and whose sources are not among the tests' data.
    """
    hcmc_out, hel_out = out_dir / "hcmc", out_dir / "helsinki"
    _write(hcmc_cameras(shared), hcmc_out / "cameras.geojson")
    _write(hcmc_wards(shared), hcmc_out / "wards_2025.geojson")
    links = orjson.dumps(hcmc_ward_links(shared)) + b"\n"
    (hcmc_out / "ward_links_2025.json").write_bytes(links)
    for city, out in (("hcmc", hcmc_out), ("helsinki", hel_out)):
        for name, frame in service_layers(city).items():
            _write(frame, out / f"{name}.geojson")
    helsinki(shared, hel_out)
    if basemap:
        hcmc_basemap(shared, hcmc_out / "basemap")
    return sorted(out_dir.rglob("*.*json"))


if __name__ == "__main__":
    for written in build(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data")):
        print(f"{written.relative_to(DATA_DIR)}: {written.stat().st_size / 1024:.0f} KiB")
