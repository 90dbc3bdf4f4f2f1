"""Reference tables of the ``vietnamadminunits`` package (MIT): 2025 wards and legacy wards.

Read once from the package's SQLite file with the standard library: the 2025 ward code gives
its province; a pre-2025 ward code gives its district and centroid (used with the dvhcvn
old/new mapping to name the legacy ward and district of a point).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class LegacyWard:
    """A pre-2025 ward: its name, district and centroid."""

    code: str
    name: str
    district: str
    district_code: str
    lon: float
    lat: float


@dataclass(frozen=True)
class VnReference:
    """Province of each 2025 ward code; district and centroid of each legacy ward code."""

    province_of_ward: dict[str, tuple[str, str]]
    province_by_code: dict[str, str]
    legacy_wards: dict[str, LegacyWard]


@lru_cache(maxsize=1)
def vn_reference() -> VnReference:
    """Load the package tables (cached: about 13k rows, a few milliseconds).

    Examples
    --------
    >>> ref = vn_reference()
    >>> ref.province_by_code["31"]
    'Thành phố Hải Phòng'
    >>> ref.legacy_wards["26740"].district
    'Quận 1'
    """
    path = resources.files("vietnamadminunits") / "data" / "dataset.db"
    with resources.as_file(path) as db_path:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            wards = conn.execute(
                "SELECT wardCode, province, provinceCode FROM admin_units"
            ).fetchall()
            legacy = conn.execute(
                "SELECT wardCode, ward, district, districtCode, wardLon, wardLat "
                "FROM admin_units_legacy"
            ).fetchall()
        finally:
            conn.close()
    return VnReference(
        province_of_ward={str(c): (str(p), str(pc)) for c, p, pc in wards},
        province_by_code={str(pc): str(p) for _c, p, pc in wards},
        legacy_wards={
            str(c): LegacyWard(str(c), str(w), str(d), str(dc), float(lo), float(la))
            for c, w, d, dc, lo, la in legacy
            if lo is not None and la is not None
        },
    )


def ward_rows_2025() -> list[dict[str, object]]:
    """The 3321 wards of the 2025 system as rows with centroids (``wardLon``, ``wardLat``).

    Examples
    --------
    >>> rows = ward_rows_2025()
    >>> len(rows), sorted(rows[0])[:3]
    (3321, ['province', 'provinceCode', 'ward'])
    """
    path = resources.files("vietnamadminunits") / "data" / "dataset.db"
    with resources.as_file(path) as db_path:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            cursor = conn.execute(
                "SELECT province, provinceCode, ward, wardType, wardCode, wardLon, wardLat, "
                "wardAreaKm2 FROM admin_units ORDER BY provinceCode, wardCode"
            )
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        finally:
            conn.close()
