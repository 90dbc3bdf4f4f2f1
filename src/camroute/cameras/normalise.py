"""Turn source columns into camera rows: parse, validate, default, and say why rows fail.

Column-wise (pandas/numpy), so a million rows take seconds; per-row Python runs only over
the distinct direction texts and over the rows that fail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray

from camroute.cameras.columns import (
    Checks,
    blank,
    clean_text,
    column,
    headings,
    numbers,
    text_or_none,
)
from camroute.cameras.fov import KIND_DEFAULTS
from camroute.cameras.importers import SourceFileError, SourceFrame, points_of
from camroute.cameras.mapping import (
    ALIASES,
    Mapping,
    resolve_columns,
)
from camroute.cameras.model import (
    ACCESS_CLASSES,
    CAMERA_FIELDS,
    MAX_RANGE_M,
    STATUSES,
)
from camroute.cameras.networks import CameraNetworks
from camroute.cameras.normalise_urls import check_networks, move_url_credentials, stream_urls

KIND_WORDS: Final[dict[str, str]] = {
    "fixed": "fixed",
    "static": "fixed",
    "bullet": "fixed",
    "box": "fixed",
    "cố định": "fixed",
    "false": "fixed",
    "ptz": "ptz",
    "panning": "ptz",
    "pan-tilt-zoom": "ptz",
    "speed dome": "ptz",
    "quay quét": "ptz",
    "true": "ptz",
    "dome": "dome_360",
    "dome_360": "dome_360",
    "360": "dome_360",
    "fisheye": "dome_360",
    "panoramic": "dome_360",
}
# (field, low, high, low inclusive, reject when out of range); else the value is dropped.
BOUNDS: Final = (
    ("hfov_deg", 0.0, 360.0, False, True),
    ("range_m", 0.0, MAX_RANGE_M, False, True),
    ("mount_height_m", 0.0, 1000.0, True, False),
    ("tilt_deg", -90.0, 90.0, True, False),
    ("pan_min_deg", 0.0, 360.0, True, True),
    ("pan_max_deg", 0.0, 360.0, True, True),
    ("tilt_min_deg", -90.0, 90.0, True, True),
    ("tilt_max_deg", -90.0, 90.0, True, True),
    ("zoom_hfov_min_deg", 0.0, 360.0, False, True),
    ("zoom_hfov_max_deg", 0.0, 360.0, False, True),
)
TEXT_FIELDS: Final = ("name", "owner", "username", "password")


@dataclass(frozen=True)
class RowIssue:
    """One row's problem, with the row's line/feature number in the file."""

    row: int
    label: str
    reason: str

    def __str__(self) -> str:
        return f"{self.label} {self.row}: {self.reason}"


@dataclass
class Normalised:
    """Accepted camera rows (canonical columns) and what was rejected or dropped, and why."""

    cameras: pd.DataFrame
    rejects: list[RowIssue]
    warnings: list[RowIssue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    total: int = 0


def normalise(
    src: SourceFrame,
    *,
    mapping: Mapping | None,
    source: str,
    networks: CameraNetworks | None = None,
) -> Normalised:
    """Camera rows from ``src``; rows that cannot be cameras are rejected with a reason.

    With ``networks`` (the camera allow-list), a row whose stream URL's host is an IP literal
    outside it is rejected, as the camera API refuses it (:func:`check_stream_urls`).
    """
    frame = src.frame
    if frame.empty:  # nothing to map (an empty layer may not even have columns)
        empty = pd.DataFrame({c: pd.Series(dtype=object) for c in ("id", *CAMERA_FIELDS, "row")})
        return Normalised(cameras=empty, rejects=[], notes=list(src.notes))
    cols = resolve_columns([str(c) for c in frame.columns], mapping, is_osm=src.is_osm)
    checks, warnings = Checks(len(frame)), []
    if src.row_reason:  # an unreadable row is rejected for that, whatever its cells say
        checks.fail([r is not None for r in src.row_reason], "{v}", src.row_reason)
    out = pd.DataFrame(index=frame.index)
    out["id"] = _ids(frame, cols, src, mapping, checks)
    out["lon"], out["lat"] = _positions(frame, cols, src, checks)
    if src.is_osm:
        _osm_rejects(frame, checks)
    warnings += _optics(frame, cols, out, checks, src)
    _categories(frame, cols, out, mapping, checks, src)
    for name in TEXT_FIELDS:
        out[name] = clean_text(frame, cols.get(name))
    move_url_credentials(out)
    if networks is not None:
        check_networks(out, checks, networks)
    _defaults(out, mapping, source)
    _duplicates(out, checks, src)
    rejected = checks.reason != None  # noqa: E711
    rejects = [
        RowIssue(int(src.row_numbers[i]), src.row_label, str(checks.reason[i]))
        for i in np.flatnonzero(rejected)
    ]
    out["row"] = src.row_numbers
    return Normalised(
        cameras=out[~rejected].reset_index(drop=True) if rejected.any() else out,
        rejects=rejects,
        warnings=[w for w in warnings if w.row not in {r.row for r in rejects}],
        notes=list(src.notes),
        total=len(frame),
    )


def _ids(
    frame: pd.DataFrame,
    cols: dict[str, tuple[str, ...]],
    src: SourceFrame,
    mapping: Mapping | None,
    checks: Checks,
) -> pd.Series:
    if src.is_osm and "osm_id" in frame.columns and not (mapping and "id" in mapping.columns):
        kind = frame["osm_type"].astype(str) if "osm_type" in frame.columns else "node"
        number = pd.to_numeric(frame["osm_id"], errors="coerce").astype("Int64").astype(str)
        ids = ("osm-" + kind + "-" + number).astype(object).where(number != "<NA>", None)
    elif "id" in cols:
        ids = column(frame, cols["id"])
        as_num = pd.to_numeric(ids, errors="coerce")
        whole = as_num.notna() & (as_num % 1 == 0)
        ids = ids.astype(object).where(~whole, as_num[whole].astype("Int64").astype(str))
    else:
        raise SourceFileError(
            f"no id column: expected one of {list(_id_names())} or map one with --mapping; "
            f"the file has {list(frame.columns)}",
            field="id",
        )
    missing = blank(ids)
    prefix = mapping.id_prefix if mapping else ""
    texts = [text_or_none(v) for v in ids.where(~missing, None)]
    ids = pd.Series([prefix + t if t else None for t in texts], index=frame.index, dtype=object)
    checks.fail(missing, "missing id")
    too_long = np.asarray(ids.str.len().fillna(0) > 64, dtype=bool)
    checks.fail(too_long, "id {v!r} is longer than 64 characters", ids)
    bad = np.asarray(ids.str.contains(r"[/?#%\\]", regex=True).fillna(False), dtype=bool)
    checks.fail(bad, "id {v!r} contains one of / ? # % \\", ids)
    return ids


def _id_names() -> tuple[str, ...]:
    return ALIASES["id"]


def _positions(
    frame: pd.DataFrame, cols: dict[str, tuple[str, ...]], src: SourceFrame, checks: Checks
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    lon, lat = src.lon.copy(), src.lat.copy()
    if src.has_geometry:
        checks.fail(np.array([r is not None for r in src.geom_reason]), "{v}", src.geom_reason)
    elif "lon" in cols and "lat" in cols:
        for name, arr in (("lon", lon), ("lat", lat)):
            raw = column(frame, cols[name])
            values, unreadable = numbers(raw)
            arr[:] = values
            checks.fail(blank(raw), f"missing {name}")
            checks.fail(unreadable, name + " {v!r} is not a number", raw)
    elif "wkt" in cols:
        raw = column(frame, cols["wkt"])
        geoms = shapely.from_wkt(raw.where(~blank(raw), None).to_numpy(), on_invalid="ignore")
        lon, lat, reasons = points_of(geoms)
        checks.fail(blank(raw), "missing WKT geometry")
        checks.fail(
            np.array([r is not None for r in reasons]),
            "{v}",
            [f"WKT {w!r}: {r}" for w, r in zip(raw, reasons, strict=True)],
        )
    else:
        raise SourceFileError(
            "missing columns: a CSV needs lon and lat columns (lon/longitude/x, lat/latitude/y) "
            f"or a WKT column (wkt/geometry); the file has {list(frame.columns)}",
            field="lon",
        )
    bad_lon = ~np.isnan(lon) & ((lon < -180) | (lon > 180))
    bad_lat = ~np.isnan(lat) & ((lat < -90) | (lat > 90))
    checks.fail(bad_lon, "lon {v} out of range [-180, 180]", lon)
    checks.fail(bad_lat, "lat {v} out of range [-90, 90]", lat)
    checks.fail((lon == 0) & (lat == 0), "lon, lat is 0, 0: a missing position")
    found = ~np.isnan(lon) & ~np.isnan(lat)
    if len(lon) and found.any() and (bad_lon | bad_lat)[found].all():
        raise SourceFileError(
            "no coordinate is in degrees (e.g. "
            f"{lon[found][0]}, {lat[found][0]}): wrong CRS (reproject to EPSG:4326), "
            "or lon and lat swapped?",
            field="crs",
        )
    return lon, lat


def _osm_rejects(frame: pd.DataFrame, checks: Checks) -> None:
    if "surveillance:type" in frame.columns:
        kind = frame["surveillance:type"].astype(str).str.lower()
        checks.fail(
            np.asarray(kind == "guard", dtype=bool),
            "surveillance:type=guard is a guard, not a camera",
        )
    if "man_made" in frame.columns:
        other = np.asarray(frame["man_made"].astype(str) != "surveillance", dtype=bool)
        checks.fail(other, "man_made={v} is not a camera", frame["man_made"])


def _optics(
    frame: pd.DataFrame,
    cols: dict[str, tuple[str, ...]],
    out: pd.DataFrame,
    checks: Checks,
    src: SourceFrame,
) -> list[RowIssue]:
    warnings: list[RowIssue] = []
    heading = np.full(len(frame), np.nan)
    text = pd.Series([None] * len(frame), index=frame.index, dtype=object)
    for col in cols.get("heading_deg", ()):
        raw = frame[col]
        parsed = headings(raw)
        nums = pd.to_numeric(raw, errors="coerce").to_numpy(float, na_value=np.nan)
        checks.fail(
            np.isnan(parsed) & ~np.isnan(nums),
            col + " {v:g} is not a bearing in [-360, 360]",
            nums,
        )
        heading = np.where(np.isnan(heading), parsed, heading)
        wordy = np.isnan(nums) & ~blank(raw) & text.isna().to_numpy()
        text = text.where(~wordy, raw.astype(object))
    unread = np.isnan(heading) & text.notna().to_numpy()
    message = "direction {!r} has no single bearing: heading unknown"
    warnings += _warn(src, unread, text, message)
    out["heading_deg"] = heading
    for name, low, high, low_incl, reject in BOUNDS:
        if name not in cols:
            out[name] = np.nan
            continue
        raw = column(frame, cols[name])
        values, unreadable = numbers(raw)
        outside = ~np.isnan(values) & (
            ((values < low) if low_incl else (values <= low)) | (values > high)
        )
        span = f"{'[' if low_incl else '('}{low:g}, {high:g}]"
        bad = unreadable | outside
        if reject and not src.is_osm:
            checks.fail(bad, f"{name} {{v!r}} not a number in {span}", raw)
        else:
            warnings += _warn(src, bad, raw, f"{name} {{!r}} not a number in {span}: dropped")
        values[bad] = np.nan
        out[name] = values
    return warnings


def _warn(src: SourceFrame, mask: NDArray[np.bool_], raw: pd.Series, fmt: str) -> list[RowIssue]:
    return [
        RowIssue(int(src.row_numbers[i]), src.row_label, fmt.format(raw.iat[int(i)]))
        for i in np.flatnonzero(mask)
    ]


def _categories(
    frame: pd.DataFrame,
    cols: dict[str, tuple[str, ...]],
    out: pd.DataFrame,
    mapping: Mapping | None,
    checks: Checks,
    src: SourceFrame,
) -> None:
    words = {**KIND_WORDS, **(mapping.kind_values if mapping else {})}
    kind = _kinds(frame, cols.get("kind"), words)
    if src.is_osm and "revolving" in frame.columns:
        kind = kind.where(kind.notna() | (frame["revolving"].astype(str) != "yes"), "ptz")
    out["kind"] = kind.fillna("fixed")
    for name, allowed, default in (
        ("status", STATUSES, "unknown"),
        ("access_class", ACCESS_CLASSES, "public_space"),
    ):
        if name not in cols:
            out[name] = default
            continue
        values = clean_text(frame, cols[name]).str.lower()
        checks.fail(
            np.asarray(values.notna() & ~values.isin(allowed), dtype=bool),
            f"{name} {{v!r}} is not one of {list(allowed)}",
            values,
        )
        out[name] = values.fillna(default)
    if src.is_osm and "surveillance" in frame.columns:
        indoor = np.asarray(frame["surveillance"].astype(str) == "indoor", dtype=bool)
        out.loc[indoor, "access_class"] = "restricted"
    out["last_seen"] = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[us, UTC]")
    if "last_seen" in cols:
        seen_raw = column(frame, cols["last_seen"])
        seen = pd.to_datetime(seen_raw, errors="coerce", utc=True, format="ISO8601")
        checks.fail(
            np.asarray(seen.isna(), dtype=bool) & ~blank(seen_raw),
            "last_seen {v!r} is not an ISO 8601 time",
            seen_raw,
        )
        out["last_seen"] = seen
    stream_urls(frame, cols, out, mapping, checks)


def _kinds(frame: pd.DataFrame, cols: tuple[str, ...] | None, words: dict[str, str]) -> pd.Series:
    raw = column(frame, cols)
    if cols and (cols[0].lower() == "ptz" or pd.api.types.is_bool_dtype(raw.dtype)):
        flag = raw.map({True: 1.0, False: 0.0, "true": 1.0, "false": 0.0, "yes": 1.0, "no": 0.0})
        flag = flag.where(flag.notna(), pd.to_numeric(raw, errors="coerce"))
        return flag.map({1.0: "ptz", 0.0: "fixed"})
    return clean_text(frame, cols).str.lower().map(words)


def _defaults(out: pd.DataFrame, mapping: Mapping | None, source: str) -> None:
    imported = f"imported:{source}"
    for name, value in (mapping.defaults if mapping else {}).items():
        if name in out.columns:
            out[name] = out[name].where(out[name].notna(), value)
    out["heading_source"] = pd.Series(imported, index=out.index).where(out["heading_deg"].notna())
    out["height_source"] = pd.Series(imported, index=out.index).where(out["mount_height_m"].notna())
    assumed = np.zeros(len(out), dtype=bool)
    for name in ("hfov_deg", "range_m"):
        given = out[name].notna().to_numpy()
        default = out["kind"].map({k: getattr(d, name) for k, d in KIND_DEFAULTS.items()})
        out[name] = out[name].where(given, default)
        out[name.split("_")[0] + "_source"] = np.where(given, imported, "assumed")
        assumed |= ~given
    out["fov_assumed"] = assumed
    ptz = (out["kind"] == "ptz") & out["pan_min_deg"].isna() & out["pan_max_deg"].isna()
    out.loc[ptz, "pan_min_deg"] = KIND_DEFAULTS["ptz"].pan_min_deg
    out.loc[ptz, "pan_max_deg"] = KIND_DEFAULTS["ptz"].pan_max_deg


def _duplicates(out: pd.DataFrame, checks: Checks, src: SourceFrame) -> None:
    ids = out["id"]
    dup = np.asarray(ids.notna() & ids.duplicated(keep=False), dtype=bool)
    if not dup.any():
        return
    rows_by_id: dict[str, list[int]] = {}
    for i in np.flatnonzero(dup):
        rows_by_id.setdefault(str(ids.iat[int(i)]), []).append(int(src.row_numbers[i]))
    messages = [
        f"duplicate id {v!r} ({src.row_label}s {', '.join(map(str, rows_by_id[str(v)]))}): "
        "which one is meant is unknown"
        if d
        else ""
        for v, d in zip(ids, dup, strict=True)
    ]
    checks.fail(dup, "{v}", messages)
