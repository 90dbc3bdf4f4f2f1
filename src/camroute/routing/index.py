"""``CameraIndex``: an immutable, query-ready snapshot of the cameras and the buildings.

Cameras are kept as numpy arrays in one metric CRS (picked by ``camroute.geo`` from the
cameras' median position) with a grid over their points searched in compiled code
(:mod:`camroute.routing.grid`); buildings as compact metric footprints with heights
(:mod:`camroute.routing.footprints`). Viewsheds (sector minus building shadows) are computed
in a batch step off the request path (:meth:`CameraIndex.with_viewsheds`) which returns a new
index; queries fall back to per-sample line of sight for cameras without one.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache

import geopandas as gpd
import numpy as np
import shapely
from numpy.typing import NDArray
from pyproj import Transformer
from rich.progress import track

from camroute.geo import LocalProjection
from camroute.geo.crs import (
    MAX_EASTING_OFFSET_M,
    UTM_FALSE_EASTING_M,
    UTM_MAX_LAT_DEG,
    UTM_MIN_LAT_DEG,
)
from camroute.routing.cones import cone_texts
from camroute.routing.footprints import Footprints
from camroute.routing.frame import (
    OFFLINE_STATUSES,
    FloatArray,
    ObjArray,
    central_projection,
    floats,
    lon_lat,
    metric_buildings,
    optics_columns,
    strings,
    usable,
)
from camroute.routing.grid import PointGrid
from camroute.routing.listed import LISTED_MAX, ListedCamera
from camroute.routing.memo import Memo
from camroute.routing.models import ProtectedHit
from camroute.routing.rings import RingStore
from camroute.routing.sector import sector_polygons
from camroute.routing.viewshed import viewshed

MIN_CELL_M = 50.0  # grid cells no smaller, whatever the longest range
# Up to this many cameras, cones are written with the viewsheds (about 1.2 KB each: 45 MB for
# a 37k city); above, when a query first lists the camera (a national registry would need GB).
EAGER_CONES_MAX = 200_000


@dataclass(frozen=True, eq=False)
class CameraIndex:
    """Immutable snapshot; build it with :meth:`CameraIndex.build`."""

    projection: LocalProjection
    ids: ObjArray
    names: ObjArray
    kinds: ObjArray
    statuses: ObjArray
    access: ObjArray
    lon: FloatArray
    lat: FloatArray
    x: FloatArray
    y: FloatArray
    heading_deg: FloatArray
    heading_grid_deg: FloatArray
    convergence_deg: FloatArray  # true bearing = grid bearing + this, at each camera
    hfov_deg: FloatArray
    half_fov_deg: FloatArray
    range_m: FloatArray
    height_m: FloatArray
    fov_assumed: NDArray[np.bool_]
    heading_estimated: NDArray[np.bool_]  # the heading is assumed or suggested, not measured
    zoom_min_deg: FloatArray
    zoom_max_deg: FloatArray
    grid: PointGrid  # the camera points (metres), for the candidate search
    max_range_m: float
    buildings: Footprints
    viewsheds: ObjArray
    view_rings: RingStore  # the same viewsheds as flat rings, for exact disc areas
    has_viewshed: NDArray[np.bool_]
    offline: NDArray[np.bool_]
    versions: NDArray[np.int64]
    # each camera's cone as GeoJSON bytes (None: not written yet, or no cone); see cones.py
    cones: ObjArray
    # cameras left out: the index's metric CRS is not fit for where they are (never ranked)
    excluded_ids: tuple[str, ...] = ()
    # camera id -> the protected zones its view reaches, worked out once per snapshot and
    # zone-layer version (``zones_key``) off the request path; a ranked row only looks it up
    protected: Mapping[str, tuple[ProtectedHit, ...]] = field(default_factory=dict)
    zones_key: str = ""
    # the listed cameras' Python values and frozen cones, made when a query first lists them
    # or when the snapshot is primed (see listed.py); each snapshot starts an empty one, so it
    # always matches its columns
    listed_memo: Memo[ListedCamera] = field(
        default_factory=lambda: Memo(limit=LISTED_MAX), init=False, repr=False
    )

    def __len__(self) -> int:
        return int(self.x.shape[0])

    @classmethod
    def build(
        cls,
        cameras: gpd.GeoDataFrame,
        buildings: gpd.GeoDataFrame | None = None,
        *,
        projection: LocalProjection | None = None,
    ) -> CameraIndex:
        """Snapshot ``cameras`` (registry camera schema, WGS84) and ``buildings`` (footprints).

        Examples
        --------
        >>> cams = gpd.GeoDataFrame({"id": ["C1"], "lon": [106.7], "lat": [10.77],
        ...     "heading_deg": [90.0], "hfov_deg": [60.0], "range_m": [80.0], "kind": ["fixed"]},
        ...     geometry=gpd.points_from_xy([106.7], [10.77]), crs=4326)
        >>> index = CameraIndex.build(cams)
        >>> len(index), index.projection.epsg, index.max_range_m
        (1, 32648, 80.0)

        Cameras the metric CRS is not fit for (:meth:`LocalProjection.covers`: a registry row
        on the other side of the globe) are left out and listed in ``excluded_ids``: one bad
        row must not stop the index, and so the routing of the whole city.
        """
        lon, lat = lon_lat(cameras)
        if projection is None:
            projection, ok = central_projection(lon, lat)
        else:
            ok = projection.covers(lon, lat)
        cameras, lon, lat, excluded = usable(cameras, projection, ok, lon, lat)
        x, y = projection.to_metric(lon, lat)
        optics = optics_columns(cameras, projection, lon, lat)
        bld, bld_h = metric_buildings(buildings, projection)
        return cls(
            projection=projection,
            ids=strings(cameras, "id", ""),
            names=strings(cameras, "name", ""),
            kinds=optics.pop("kinds"),
            statuses=strings(cameras, "status", "unknown"),
            access=strings(cameras, "access_class", "public_space"),
            lon=lon,
            lat=lat,
            x=x,
            y=y,
            grid=PointGrid.build(
                x, y, cell_m=max(float(np.max(optics["range_m"], initial=0.0)), MIN_CELL_M)
            ),
            max_range_m=float(np.max(optics["range_m"])) if lon.size else 0.0,
            buildings=Footprints.from_polygons(bld, bld_h),
            viewsheds=np.full(lon.shape, None, dtype=object),
            view_rings=RingStore.empty(lon.size),
            has_viewshed=np.zeros(lon.shape, bool),
            offline=np.isin(strings(cameras, "status", "unknown"), list(OFFLINE_STATUSES)),
            versions=floats(cameras, "version", 0.0).astype(np.int64),
            cones=np.full(lon.shape, None, dtype=object),
            excluded_ids=excluded,
            **optics,
        )

    def covers(self, *, lon: float, lat: float) -> bool:
        """Whether the index's metric CRS is fit for ``lon, lat`` (else no camera is near)."""
        return self.covered_xy(lon=lon, lat=lat) is not None

    def covered_xy(self, *, lon: float, lat: float) -> tuple[float, float] | None:
        """``lon, lat`` in the index's metres, or None where its metric CRS is not fit.

        :meth:`LocalProjection.covers` for one point, on the scalar fast path (about 1 µs
        instead of 12), and the point it projected: a query needs both, and the one
        transform is most of the cost.
        """
        if not (abs(lon) <= 180.0 and UTM_MIN_LAT_DEG <= lat <= UTM_MAX_LAT_DEG):
            return None
        if abs((lon - self.projection.central_meridian_deg + 180.0) % 360.0 - 180.0) > 90.0:
            return None
        x, y = _forward(self.projection.epsg).transform(lon, lat)
        if (
            math.isfinite(x)
            and math.isfinite(y)
            and abs(x - UTM_FALSE_EASTING_M) <= MAX_EASTING_OFFSET_M
        ):
            return float(x), float(y)
        return None

    def to_metric_xy(self, *, lon: float, lat: float) -> tuple[float, float]:
        """One WGS84 point in the index's metric CRS (scalar fast path, about 1 µs)."""
        x, y = _forward(self.projection.epsg).transform(lon, lat, errcheck=True)
        return float(x), float(y)

    def candidates(self, *, x_m: float, y_m: float, radius_m: float) -> NDArray[np.intp]:
        """Cameras whose range could reach a disc of ``radius_m`` about ``x_m, y_m``."""
        return self.grid.within(x_m=x_m, y_m=y_m, radius_m=radius_m + self.max_range_m)

    def sectors(self, idx: NDArray[np.intp]) -> ObjArray:
        """Plain view sectors (metres) of cameras ``idx``; all-round cameras get a disc."""
        return sector_polygons(
            x_m=self.x[idx],
            y_m=self.y[idx],
            heading_deg=np.nan_to_num(self.heading_grid_deg[idx]),
            hfov_deg=np.minimum(2.0 * self.half_fov_deg[idx], 360.0),
            range_m=self.range_m[idx],
        )

    def views(self, idx: NDArray[np.intp]) -> ObjArray:
        """What cameras ``idx`` see: the viewshed where computed, else the plain sector."""
        stored = self.viewsheds[idx]
        missing = ~self.has_viewshed[idx]
        if missing.any():
            stored = stored.copy()
            stored[missing] = self.sectors(idx[missing])
        return stored

    def cone_json(self, idx: NDArray[np.intp]) -> list[bytes | None]:
        """The cones of cameras ``idx`` as GeoJSON bytes (WGS84); None without a heading.

        Written once and kept on the snapshot (:mod:`camroute.routing.cones`); a camera
        without a cone is kept as ``b""`` so it is not looked at again. Two threads may both
        write a missing one: they store the same bytes, so no lock is needed.
        """
        texts: list[bytes | None] = self.cones[idx].tolist()
        if None in texts:
            miss = idx[[j for j, t in enumerate(texts) if t is None]]
            able = np.isfinite(self.heading_grid_deg[miss]) | (self.half_fov_deg[miss] >= 180.0)
            self.cones[miss[~able]] = b""
            self.cones[miss[able]] = cone_texts(self.projection, self.views(miss[able]))
            texts = self.cones[idx].tolist()
        return [t or None for t in texts] if b"" in texts else texts

    def can_have_viewshed(self) -> NDArray[np.bool_]:
        """Cameras that get a viewshed: a known heading, or able to look all round.

        A fixed camera whose heading is unknown cannot be said to see anything.
        """
        result: NDArray[np.bool_] = np.isfinite(self.heading_grid_deg) | (
            self.half_fov_deg >= 180.0
        )
        return result

    def compute_viewsheds(self, which: NDArray[np.intp], *, progress: bool = False) -> ObjArray:
        """The viewsheds (metres) of cameras ``which``, each able to have one; none stored.

        One camera at a time, each vectorised over its buildings; the batch step
        (:mod:`camroute.routing.batch` runs it in several processes).
        """
        sectors = self.sectors(which)
        out = np.empty(which.size, dtype=object)
        steps: Iterable[tuple[int, tuple[int, shapely.Geometry]]] = enumerate(
            zip(which.tolist(), sectors, strict=True)
        )
        if progress:
            steps = track(steps, total=which.size, description="viewsheds", transient=True)
        for j, (i, sec) in steps:
            out[j] = viewshed(
                sec,
                x_m=float(self.x[i]),
                y_m=float(self.y[i]),
                height_m=float(self.height_m[i]),
                range_m=float(self.range_m[i]),
                footprints=self.buildings,
            )
        return out

    def with_viewsheds(
        self, which: NDArray[np.intp] | None = None, *, progress: bool = False
    ) -> CameraIndex:
        """A new index with viewsheds computed for cameras ``which`` (default: all).

        Cameras that cannot have one (see :meth:`can_have_viewshed`) are left without.
        """
        idx = np.arange(len(self)) if which is None else np.asarray(which, np.intp)
        idx = idx[self.can_have_viewshed()[idx]]
        return self.with_given_viewsheds(idx, self.compute_viewsheds(idx, progress=progress))

    def with_given_viewsheds(self, which: NDArray[np.intp], views: ObjArray) -> CameraIndex:
        """A new index with ``views`` (metres) as the viewsheds of cameras ``which``."""
        out = self.viewsheds.copy()
        ready = self.has_viewshed.copy()
        out[which] = views
        ready[which] = True
        cones = self.cones.copy()
        cones[which] = (
            cone_texts(self.projection, np.asarray(views, dtype=object))
            if len(self) <= EAGER_CONES_MAX
            else None
        )
        # Never shapely.prepare these: snapshots and request threads share them, and GEOS
        # prepared geometries mutate inside a predicate (two threads crashed the process).
        return replace(
            self,
            viewsheds=out,
            has_viewshed=ready,
            view_rings=self._rings_with(which, views),
            cones=cones,
        )

    def with_protected(
        self, marks: Mapping[str, tuple[ProtectedHit, ...]], *, zones_key: str
    ) -> CameraIndex:
        """A new index whose ranked rows carry ``marks`` (made for zone layer ``zones_key``)."""
        return replace(self, protected=dict(marks), zones_key=zones_key)

    def _rings_with(self, which: NDArray[np.intp], views: ObjArray) -> RingStore:
        rings = RingStore.from_polygons(views, anchor_x_m=self.x[which], anchor_y_m=self.y[which])
        return self.view_rings.replaced(which, rings)


@lru_cache(maxsize=16)
def _forward(epsg: int) -> Transformer:
    return Transformer.from_crs(4326, epsg, always_xy=True)
