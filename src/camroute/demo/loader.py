"""Load a demo city shipped in ``camroute/demo/data`` into the store with the real importers.

The cameras go through the cameras importer (their snapshot/MJPEG URLs pointed at the local
simulator first), wards, ward links, service areas, stations, streets and POIs through the
areas importer, buildings through the buildings importer (see :mod:`camroute.demo.adapters`).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from urllib.parse import quote

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from sqlalchemy import Engine

from camroute.basemap.service import import_basemap
from camroute.basemap.store import has_basemap, read_features
from camroute.demo import adapters
from camroute.demo.callgen import SeeingCamera
from camroute.geo import local_projection
from camroute.web.mapconfig import Credit, record_credits, record_start_view

DATA_DIR = Path(__file__).parent / "data"
CITY_TITLES = {"hcmc": "Ho Chi Minh City", "helsinki": "Helsinki (OpenStreetMap)"}
# The basemap files of a city in import order: the OSM exports first (every tag), then the
# GeoJSON cut from the same ways (only what the exports lack is added).
BASEMAP_FILES = {
    "hcmc": (
        "basemap/tan_dinh_export.osm.gz",
        "basemap/district5_patch_export.osm.gz",
        "basemap/hcmc_streets.geojson.gz",
        "basemap/hcmc_water_parks.geojson.gz",
        "basemap/hcmc_buildings.geojson.gz",
    ),
    # Helsinki's OSM layers carry their tags (highway, building): the same files draw the map.
    "helsinki": ("streets.geojson", "buildings.geojson"),
}
# Where the map opens: District 1 around Nguyễn Huệ and Đồng Khởi (W, S, E, N).
START_VIEWS = {"hcmc": (106.6960, 10.7700, 106.7080, 10.7810)}
STREET_M = 40.0  # calls are placed at cameras this close to a basemap road
# Cities whose basemap covers only part of their cameras (HCMC: District 1 and around of a
# city-wide camera list): calls go where the map can show the street.
CALLS_ON_BASEMAP = frozenset({"hcmc"})
HOTLINES = ("113", "114", "115")
_ILLUSTRATIVE = Credit(
    vi="khu vực và trạm 113/114/115: minh họa", en="113/114/115 areas and stations: illustrative"
)
# What the map footer credits for each city (the licences are in data/ATTRIBUTION.md).
CITY_CREDITS = {
    "hcmc": [
        Credit(
            vi="Camera TP.HCM: cổng thông tin giao thông thành phố qua UIP (MIT)",
            en="HCMC cameras: city traffic portal via UIP (MIT)",
        ),
        Credit(
            vi="Phường/xã 2025: vietnamadminunits, dvhcvn (MIT)",
            en="2025 wards: vietnamadminunits, dvhcvn (MIT)",
        ),
        Credit(
            vi="Bản đồ nền © những người đóng góp OpenStreetMap, ODbL",
            en="Basemap © OpenStreetMap contributors, ODbL",
        ),
        _ILLUSTRATIVE,
    ],
    "helsinki": [
        Credit(
            vi="Dữ liệu bản đồ © những người đóng góp OpenStreetMap (ODbL)",
            en="Map data © OpenStreetMap contributors (ODbL)",
        ),
        _ILLUSTRATIVE,
    ],
}


@dataclass(frozen=True)
class DemoDataset:
    """What was loaded: cameras (with simulator URLs), which can see, and a summary to print."""

    city: str
    cameras: gpd.GeoDataFrame
    seeing_cameras: tuple[SeeingCamera, ...]
    summary: tuple[str, ...]

    @property
    def camera_ids(self) -> tuple[str, ...]:
        """Ids of every demo camera (the simulator serves exactly these)."""
        return tuple(self.cameras["id"].astype(str))


def city_dir(city: str) -> Path:
    """The shipped folder of ``city``; unknown cities are refused."""
    path = DATA_DIR / city
    if city not in CITY_TITLES or not path.is_dir():
        raise ValueError(f"unknown demo city {city!r}; choose one of {sorted(CITY_TITLES)}")
    return path


def demo_cameras(
    city: str, *, sim_base_url: str, rtsp_base_url: str | None = None
) -> gpd.GeoDataFrame:
    """The shipped cameras of ``city`` with snapshot/MJPEG (and RTSP) URLs on the simulators.

    Examples
    --------
    >>> cams = demo_cameras("hcmc", sim_base_url="http://127.0.0.1:9")
    >>> len(cams), cams.crs.to_epsg()
    (721, 4326)
    >>> cams["snapshot_url"].iloc[0]
    'http://127.0.0.1:9/cameras/hcmc-0/snapshot.jpg'
    """
    cameras = gpd.read_file(city_dir(city) / "cameras.geojson")
    base = sim_base_url.rstrip("/")
    quoted = [quote(str(i), safe="") for i in cameras["id"]]
    cameras["snapshot_url"] = [f"{base}/cameras/{q}/snapshot.jpg" for q in quoted]
    cameras["mjpeg_url"] = [f"{base}/cameras/{q}/mjpeg" for q in quoted]
    if rtsp_base_url:  # the RTSP simulator's Hikvision-style main stream of each camera
        rtsp = rtsp_base_url.rstrip("/")
        cameras["rtsp_url"] = [f"{rtsp}/cameras/{q}/Streaming/Channels/101" for q in quoted]
    cameras["status"] = "online"  # the simulator serves every one of them
    return cameras


def seeing_cameras(cameras: pd.DataFrame) -> tuple[SeeingCamera, ...]:
    """Cameras a call can be put in front of: PTZ/360 ones, and fixed ones with a heading.

    A fixed camera whose heading is unknown is never assumed to see anything.

    Examples
    --------
    >>> table = pd.DataFrame({"id": ["a", "b", "c"], "kind": ["ptz", "fixed", "fixed"],
    ...     "heading_deg": [None, None, 90.0], "geometry": None})
    >>> table["geometry"] = [shapely.Point(1, 2)] * 3
    >>> [c.id for c in seeing_cameras(table)]
    ['a', 'c']
    """
    heading = cameras.get("heading_deg", pd.Series(np.nan, index=cameras.index))
    heading = pd.to_numeric(heading, errors="coerce")
    chosen = (cameras["kind"].isin(["ptz", "dome_360"]) | heading.notna()).to_numpy()
    points = np.asarray(cameras["geometry"].to_numpy()[chosen])
    return tuple(
        SeeingCamera(
            id=str(camera_id),
            lon=float(lon),
            lat=float(lat),
            heading_deg=None if np.isnan(h) else float(h),
        )
        for camera_id, lon, lat, h in zip(
            cameras["id"].to_numpy()[chosen],
            shapely.get_x(points),
            shapely.get_y(points),
            heading.to_numpy(float)[chosen],
            strict=True,
        )
    )


Step = tuple[str, Callable[[Engine], int]]


def _area_steps(folder: Path) -> list[Step]:
    steps: list[Step] = []
    wards, links = folder / "wards_2025.geojson", folder / "ward_links_2025.json"
    if wards.exists():
        steps.append(
            ("2025 wards (centroids: approximate)", lambda e: adapters.import_wards(e, wards))
        )
    if links.exists():
        steps.append(("old -> new ward links", lambda e: adapters.import_ward_links(e, links)))
    for hotline in HOTLINES:
        for kind, stem in (("service-areas", "service_areas"), ("stations", "stations")):
            path = folder / f"{stem}_{hotline}.geojson"
            label = f"{hotline} {kind.replace('-', ' ')} (illustrative)"
            steps.append(
                (label, partial(adapters.import_layer, kind=kind, path=path, service=hotline))
            )
    for kind in ("streets", "pois"):
        path = folder / f"{kind}.geojson"
        if path.exists():
            steps.append(
                (f"{kind} (OpenStreetMap)", partial(adapters.import_layer, kind=kind, path=path))
            )
    return steps


def _import_cameras(engine: Engine, city: str, cameras: gpd.GeoDataFrame) -> int:
    """Import through a temporary GeoJSON (the importer reads files); mark assumed headings."""
    with tempfile.TemporaryDirectory(prefix="camroute-demo-") as tmp:
        path = Path(tmp) / f"{city}_cameras.geojson"
        cameras.drop(columns=["heading_note"], errors="ignore").to_file(path, driver="GeoJSON")
        count = adapters.import_cameras(engine, path, source=f"camroute-demo-{city}")
    if "heading_note" in cameras:
        assumed = cameras.loc[cameras["heading_note"].fillna("").str.startswith("assumed"), "id"]
        adapters.mark_headings_assumed(engine, [str(i) for i in assumed])
    return count


def on_streets(
    cameras: tuple[SeeingCamera, ...], roads: list[shapely.Geometry], *, max_m: float = STREET_M
) -> tuple[SeeingCamera, ...]:
    """The cameras within ``max_m`` of a road (all of them when there is no road).

    Examples
    --------
    >>> cams = (SeeingCamera("near", 106.7000, 10.7760, None),
    ...         SeeingCamera("far", 106.7100, 10.7760, None))
    >>> road = shapely.LineString([(106.6995, 10.7763), (106.7005, 10.7763)])
    >>> [c.id for c in on_streets(cams, [road])]
    ['near']
    """
    if not roads or not cameras:
        return cameras
    proj = local_projection(lon=cameras[0].lon, lat=cameras[0].lat)
    lines = proj.geometry_to_metric(np.array(roads, dtype=object))
    points = proj.geometry_to_metric(shapely.points([(c.lon, c.lat) for c in cameras]))
    hits, _ = shapely.STRtree(lines).query(points, predicate="dwithin", distance=max_m)
    kept = set(hits.tolist())
    return tuple(c for i, c in enumerate(cameras) if i in kept)


def _basemap(engine: Engine, city: str, folder: Path) -> str:
    files = [folder / name for name in BASEMAP_FILES.get(city, ())]
    if not files:
        return "none shipped"
    if has_basemap(engine):
        return "already in this database, kept as it is"
    summary = import_basemap(engine, files)
    layers = ", ".join(f"{k} {v}" for k, v in summary.layers.items() if v)
    return f"{summary.stored} features ({layers}); {summary.named_streets} named streets"


def load_city(
    engine: Engine, city: str, *, sim_base_url: str, rtsp_base_url: str | None = None
) -> DemoDataset:
    """Import every shipped layer of ``city`` into ``engine`` (migrated) and describe it."""
    folder = city_dir(city)
    cameras = demo_cameras(city, sim_base_url=sim_base_url, rtsp_base_url=rtsp_base_url)
    summary = [f"city: {CITY_TITLES[city]} (sources: camroute/demo/data/ATTRIBUTION.md)"]
    count = _import_cameras(engine, city, cameras)
    summary.append(f"  cameras: {count} (positions real; field of view and range assumed)")
    if adapters.has_area_layers(engine):
        summary.append("  area layers: already in this database, kept as they are")
    else:
        for label, step in _area_steps(folder):
            summary.append(f"  {label}: {step(engine)}")
    buildings = folder / "buildings.geojson"
    if buildings.exists():
        summary.append(
            f"  buildings (OpenStreetMap): {adapters.import_buildings(engine, buildings)}"
        )
    summary.append(f"  basemap (OpenStreetMap, ODbL): {_basemap(engine, city, folder)}")
    record_credits(engine, CITY_CREDITS[city])
    if city in START_VIEWS:
        record_start_view(engine, START_VIEWS[city])
    seeing = seeing_cameras(cameras)
    where = ""
    if city in CALLS_ON_BASEMAP:
        seeing = on_streets(seeing, [f.geometry for f in read_features(engine, layers=("roads",))])
        where = " on the basemap's streets"
    summary.append(
        f"  calls are placed in front of {len(seeing)} cameras that can see"
        f" (PTZ/360 or known heading){where}"
    )
    return DemoDataset(city=city, cameras=cameras, seeing_cameras=seeing, summary=tuple(summary))
