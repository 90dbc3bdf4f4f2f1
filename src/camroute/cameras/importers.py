"""Read a camera file into a plain table of source columns plus WGS84 point coordinates.

GeoJSON, GeoPackage, Shapefile and OSM XML are read by GDAL through pyogrio; CSV row by row
(:mod:`camroute.cameras.csvfile`); Overpass JSON (a list of OSM elements) is loaded with orjson
into pandas. Nothing here interprets the
columns (that is :mod:`camroute.cameras.mapping`); a file that cannot be read at all raises
:class:`SourceFileError`, a feature whose geometry is unusable gets a per-row reason.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import orjson
import pandas as pd
import pyogrio
import shapely
from numpy.typing import NDArray

from camroute.cameras.csvfile import CsvHeaderError, read_csv_rows
from camroute.errors import InvalidInputError

OSM_CONFIG = Path(__file__).with_name("osmconf.ini")
TEXT_SUFFIXES = {".csv", ".geojson", ".json", ".osm", ".txt"}
OSM_SUFFIXES = {".osm", ".pbf"}


class SourceFileError(InvalidInputError):
    """The file as a whole cannot be imported (unreadable, not UTF-8, unknown CRS ...)."""

    code = "unreadable_file"
    title = "Unreadable camera file"


@dataclass
class SourceFrame:
    """Source columns (strings/numbers as read), one row per feature, in file order.

    ``lon``/``lat`` are NaN where the feature had no usable point (``geom_reason`` says
    why) or where the format carries coordinates in columns (CSV, ``has_geometry`` False).
    ``row_reason`` (empty: none) rejects a whole row the reader could not read whole.
    """

    frame: pd.DataFrame
    lon: NDArray[np.float64]
    lat: NDArray[np.float64]
    geom_reason: list[str | None]
    row_label: str
    row_numbers: NDArray[np.int64]
    has_geometry: bool
    is_osm: bool = False
    notes: list[str] = field(default_factory=list)
    row_reason: list[str | None] = field(default_factory=list)


def _check_utf8(path: Path) -> None:
    data = path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceFileError(
            f"{path.name} is not UTF-8 text: byte 0x{data[exc.start]:02x} at line {line} "
            f"(byte offset {exc.start}); re-save the file as UTF-8",
            field="file",
        ) from exc


def read_source(
    path: Path, *, select: Callable[[list[str]], list[str]] | None = None
) -> SourceFrame:
    """Read ``path`` (format chosen by its suffix and, for ``.json``, its content).

    ``select`` picks, from the file's field names, the ones worth reading (GDAL formats);
    a wide inventory then costs no memory for columns no camera field uses.
    """
    if not path.is_file():
        raise SourceFileError(f"{path} does not exist or is not a file", field="file")
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        _check_utf8(path)
    if suffix == ".csv":
        return _read_csv(path)
    if suffix in OSM_SUFFIXES:
        return _read_osm(path)
    if suffix == ".json" and _looks_like_overpass(path):
        return _read_overpass(path)
    return _read_vector(path, select)


def _read_frame(path: Path, **kwargs: object) -> gpd.GeoDataFrame | pd.DataFrame:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return pyogrio.read_dataframe(path, **kwargs)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise SourceFileError(f"{path.name}: GDAL cannot read it ({exc})", field="file") from exc
    except UnicodeDecodeError as exc:
        raise SourceFileError(
            f"{path.name}: text is not UTF-8 ({exc.reason})", field="file"
        ) from exc


def _read_csv(path: Path) -> SourceFrame:
    try:
        rows = read_csv_rows(path.read_bytes().decode("utf-8"))
    except CsvHeaderError as exc:
        raise SourceFileError(f"{path.name}: {exc}", field="file") from exc
    n = len(rows.frame)
    return SourceFrame(
        frame=rows.frame,
        lon=np.full(n, np.nan),
        lat=np.full(n, np.nan),
        geom_reason=[None] * n,
        row_label="line",
        row_numbers=rows.row_numbers,
        has_geometry=False,
        row_reason=rows.reasons,
    )


def _read_vector(path: Path, select: Callable[[list[str]], list[str]] | None) -> SourceFrame:
    columns = None
    if select is not None:
        try:
            fields = [str(f) for f in pyogrio.read_info(path)["fields"]]
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
            raise SourceFileError(
                f"{path.name}: GDAL cannot read it ({exc})", field="file"
            ) from exc
        columns = select(fields)
    gdf = _read_frame(path, columns=columns)
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise SourceFileError(f"{path.name} has no geometry column", field="file")
    gdf, notes = _to_wgs84(gdf, path.name)
    lon, lat, reasons = points_of(gdf.geometry.array)
    frame = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    osm = "man_made" in frame.columns or "osm_id" in frame.columns
    return _frame(frame, lon, lat, reasons, label="feature", osm=osm, notes=notes)


def _frame(
    frame: pd.DataFrame,
    lon: NDArray[np.float64],
    lat: NDArray[np.float64],
    reasons: list[str | None],
    *,
    label: str,
    osm: bool,
    notes: list[str],
) -> SourceFrame:
    return SourceFrame(
        frame=frame.reset_index(drop=True),
        lon=lon,
        lat=lat,
        geom_reason=reasons,
        row_label=label,
        row_numbers=np.arange(1, len(frame) + 1, dtype=np.int64),
        has_geometry=True,
        is_osm=osm,
        notes=notes,
    )


def _to_wgs84(gdf: gpd.GeoDataFrame, name: str) -> tuple[gpd.GeoDataFrame, list[str]]:
    if gdf.crs is None:
        x, y = shapely.get_x(gdf.geometry.array), shapely.get_y(gdf.geometry.array)
        finite = np.isfinite(x) & np.isfinite(y)
        if finite.any() and (np.abs(x[finite]).max() > 180 or np.abs(y[finite]).max() > 90):
            raise SourceFileError(
                f"{name} declares no CRS and its coordinates are not degrees "
                f"(e.g. x={x[finite][0]:.1f}, y={y[finite][0]:.1f}); add the CRS "
                "(.prj) or reproject to EPSG:4326",
                field="crs",
            )
        return gdf.set_crs(4326), [f"{name} declares no CRS; coordinates read as WGS84"]
    if gdf.crs.equals("EPSG:4326") or gdf.crs.equals("OGC:CRS84"):
        return gdf, []
    source = gdf.crs.to_string()
    return gdf.to_crs(4326), [f"reprojected from {source} to EPSG:4326"]


def points_of(
    geoms: object,
) -> tuple[NDArray[np.float64], NDArray[np.float64], list[str | None]]:
    """``lon, lat`` of Point geometries and a reason for every other one.

    Examples
    --------
    >>> lon, lat, why = points_of(shapely.from_wkt(["POINT (1 2)", "LINESTRING (0 0, 1 1)"]))
    >>> float(lon[0]), why
    (1.0, [None, 'geometry is LineString, expected a Point'])
    """
    arr = np.asarray(geoms, dtype=object)
    types = shapely.get_type_id(arr)
    point = types == 0
    empty = shapely.is_empty(arr)
    usable = point & ~empty
    lon, lat = np.full(len(arr), np.nan), np.full(len(arr), np.nan)
    lon[usable], lat[usable] = shapely.get_x(arr[usable]), shapely.get_y(arr[usable])
    reasons: list[str | None] = [None] * len(arr)
    for i in np.flatnonzero(~point | empty | ~np.isfinite(lon) | ~np.isfinite(lat)):
        g = arr[i]
        if g is None:
            reasons[i] = "no geometry"
        elif shapely.is_empty(g) or not point[i]:
            kind = "empty" if shapely.is_empty(g) else g.geom_type
            reasons[i] = f"geometry is {kind}, expected a Point"
        else:
            reasons[i] = "point coordinates are not finite numbers"
    return lon, lat, reasons


def _read_osm(path: Path) -> SourceFrame:
    frame = _read_frame(
        path, layer="points", where="man_made = 'surveillance'", CONFIG_FILE=str(OSM_CONFIG)
    )
    if not isinstance(frame, gpd.GeoDataFrame):
        raise SourceFileError(f"{path.name}: no OSM points layer", field="file")
    lon, lat, reasons = points_of(frame.geometry.array)
    attrs = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    notes = ["OSM XML: only nodes tagged man_made=surveillance are read"]
    return _frame(attrs, lon, lat, reasons, label="node", osm=True, notes=notes)


def _looks_like_overpass(path: Path) -> bool:
    with path.open("rb") as fh:
        head = fh.read(4096).lstrip()
    return head.startswith(b"[") or b'"elements"' in head


def _read_overpass(path: Path) -> SourceFrame:
    try:
        doc = orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError as exc:
        raise SourceFileError(f"{path.name} is not valid JSON ({exc})", field="file") from exc
    elements = doc.get("elements") if isinstance(doc, dict) else doc
    if not isinstance(elements, list) or not all(isinstance(e, dict) for e in elements):
        raise SourceFileError(f"{path.name}: expected Overpass JSON (elements)", field="file")
    tags = pd.DataFrame.from_records([e.get("tags") or {} for e in elements])
    tags = tags.drop(columns=[c for c in ("osm_id", "osm_type") if c in tags.columns])
    tags.insert(0, "osm_id", [e.get("id") for e in elements])
    tags.insert(1, "osm_type", [e.get("type", "node") for e in elements])
    centre = [e.get("center") or e for e in elements]
    lon = pd.to_numeric(pd.Series([c.get("lon") for c in centre]), errors="coerce")
    lat = pd.to_numeric(pd.Series([c.get("lat") for c in centre]), errors="coerce")
    reasons: list[str | None] = [
        None if np.isfinite(x) and np.isfinite(y) else "element has no lon/lat (or center)"
        for x, y in zip(lon, lat, strict=True)
    ]
    return _frame(
        tags,
        lon.to_numpy(float),
        lat.to_numpy(float),
        reasons,
        label="element",
        osm=True,
        notes=[],
    )
