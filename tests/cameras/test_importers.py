"""Reading camera files of every supported format, and refusing broken ones clearly."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import orjson
import pytest
import shapely

from camroute.cameras.importers import SourceFileError, read_source
from camroute.cameras.normalise import normalise


def _frame(n: int = 3) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "id": [f"C{i}" for i in range(n)],
            "name": [f"Camera {i}" for i in range(n)],
            "heading": [10.0 * i for i in range(n)],  # short names: shapefile fields
            "hfov": [50.0] * n,
        },
        geometry=gpd.points_from_xy([106.70 + i / 1000 for i in range(n)], [10.77] * n),
        crs=4326,
    )


@pytest.mark.parametrize(
    ("suffix", "driver"),
    [(".geojson", "GeoJSON"), (".gpkg", "GPKG"), (".shp", "ESRI Shapefile")],
)
def test_vector_formats_round_trip(tmp_path: Path, suffix: str, driver: str) -> None:
    path = tmp_path / f"cams{suffix}"
    _frame().to_file(path, driver=driver, engine="pyogrio")
    result = normalise(read_source(path), mapping=None, source="t")
    cams = result.cameras
    assert list(cams["id"]) == ["C0", "C1", "C2"]
    assert cams["lon"].tolist() == pytest.approx([106.70, 106.701, 106.702])
    assert cams["heading_deg"].tolist() == [0.0, 10.0, 20.0]
    assert cams["fov_assumed"].all()  # hfov imported, but range assumed
    assert set(cams["range_source"]) == {"assumed"}
    assert set(cams["hfov_source"]) == {"imported:t"}


def test_projected_file_is_reprojected(tmp_path: Path) -> None:
    path = tmp_path / "utm.gpkg"
    _frame().to_crs(32648).to_file(path, driver="GPKG", engine="pyogrio")
    src = read_source(path)
    assert src.lon == pytest.approx([106.70, 106.701, 106.702], abs=1e-7)
    assert any("reprojected from EPSG:32648" in n for n in src.notes)


def test_shapefile_without_crs_in_metres_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "nocrs.shp"
    frame = _frame().to_crs(32648)
    (tmp_path / "nocrs.prj").unlink(missing_ok=True)
    frame.to_file(path, engine="pyogrio")
    (tmp_path / "nocrs.prj").unlink()  # the .prj is what a careless export leaves out
    with pytest.raises(
        SourceFileError, match="declares no CRS and its coordinates are not degrees"
    ):
        read_source(path)


def test_csv_lon_lat_reports_lines(tmp_path: Path) -> None:
    path = tmp_path / "cams.csv"
    path.write_text(
        "id,lon,lat,heading\n"
        "A,106.7,10.77,307° NW\n"  # line 2
        "B,abc,10.77,\n"  # line 3: not a number
        "C,106.7,95,\n"  # line 4: latitude out of range
        ",106.7,10.77,\n"  # line 5: no id
        "E,0,0,\n",  # line 6: null island
        encoding="utf-8",
    )
    result = normalise(read_source(path), mapping=None, source="csv")
    assert list(result.cameras["id"]) == ["A"]
    assert result.cameras["heading_deg"].tolist() == [307.0]
    assert [str(r) for r in result.rejects] == [
        "line 3: lon 'abc' is not a number",
        "line 4: lat 95.0 out of range [-90, 90]",
        "line 5: missing id",
        "line 6: lon, lat is 0, 0: a missing position",
    ]


def test_csv_wkt(tmp_path: Path) -> None:
    path = tmp_path / "wkt.csv"
    path.write_text(
        'id,wkt\nA,"POINT (106.7 10.77)"\nB,"POINT (106.7"\nC,"LINESTRING (0 0, 1 1)"\n',
        encoding="utf-8",
    )
    result = normalise(read_source(path), mapping=None, source="csv")
    assert list(result.cameras["id"]) == ["A"]
    reasons = [str(r) for r in result.rejects]
    assert reasons[0] == "line 3: WKT 'POINT (106.7': no geometry"
    assert reasons[1].startswith("line 4: WKT")
    assert "expected a Point" in reasons[1]


def test_csv_without_position_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "nopos.csv"
    path.write_text("id,name\nA,x\n", encoding="utf-8")
    with pytest.raises(SourceFileError, match="missing columns: a CSV needs lon and lat"):
        normalise(read_source(path), mapping=None, source="csv")


def test_file_without_id_column_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "noid.geojson"
    _frame().drop(columns=["id"]).to_file(path, driver="GeoJSON", engine="pyogrio")
    with pytest.raises(SourceFileError, match="no id column"):
        normalise(read_source(path), mapping=None, source="x")


def test_non_utf8_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("id,lon,lat,name\nA,106.7,10.77,Café\n".encode("latin-1"))
    with pytest.raises(SourceFileError, match=r"not UTF-8 text: byte 0xe9 at line 2"):
        read_source(path)


def test_unreadable_and_missing_files(tmp_path: Path) -> None:
    junk = tmp_path / "junk.gpkg"
    junk.write_bytes(b"not a geopackage")
    with pytest.raises(SourceFileError, match="GDAL cannot read it"):
        read_source(junk)
    with pytest.raises(SourceFileError, match="does not exist"):
        read_source(tmp_path / "missing.geojson")


def test_bad_geometry_rows_are_rejected_with_feature_numbers(tmp_path: Path) -> None:
    path = tmp_path / "geoms.geojson"
    features = [
        {
            "type": "Feature",
            "properties": {"id": "ok"},
            "geometry": {"type": "Point", "coordinates": [106.7, 10.77]},
        },
        {"type": "Feature", "properties": {"id": "none"}, "geometry": None},
        {
            "type": "Feature",
            "properties": {"id": "poly"},
            "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
        },
        {
            "type": "Feature",
            "properties": {"id": "ok"},  # duplicate of feature 1
            "geometry": {"type": "Point", "coordinates": [106.8, 10.77]},
        },
    ]
    path.write_bytes(orjson.dumps({"type": "FeatureCollection", "features": features}))
    result = normalise(read_source(path), mapping=None, source="g")
    assert result.cameras.empty
    assert [str(r) for r in result.rejects] == [
        "feature 1: duplicate id 'ok' (features 1, 4): which one is meant is unknown",
        "feature 2: no geometry",
        "feature 3: geometry is Polygon, expected a Point",
        "feature 4: duplicate id 'ok' (features 1, 4): which one is meant is unknown",
    ]


def test_osm_xml_reads_only_surveillance_nodes(tmp_path: Path) -> None:
    path = tmp_path / "cams.osm"
    path.write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="test">
 <node id="1" lat="47.37" lon="8.54" version="1">
  <tag k="man_made" v="surveillance"/><tag k="camera:type" v="fixed"/>
  <tag k="camera:direction" v="NW"/><tag k="camera:angle" v="15"/><tag k="height" v="4"/>
 </node>
 <node id="2" lat="47.38" lon="8.55" version="1">
  <tag k="man_made" v="surveillance"/><tag k="camera:type" v="panning"/>
 </node>
 <node id="3" lat="47.39" lon="8.56" version="1"><tag k="highway" v="traffic_signals"/></node>
</osm>""",
        encoding="utf-8",
    )
    cams = normalise(read_source(path), mapping=None, source="osm").cameras
    assert list(cams["id"]) == ["osm-node-1", "osm-node-2"]
    assert cams["heading_deg"].tolist()[0] == 315.0
    assert cams["tilt_deg"].tolist()[0] == 15.0  # camera:angle is tilt ...
    assert cams["hfov_deg"].tolist() == [60.0, 60.0]  # ... never the field of view
    assert cams["mount_height_m"].tolist()[0] == 4.0
    assert list(cams["kind"]) == ["fixed", "ptz"]
    assert cams["pan_max_deg"].tolist()[1] == 360.0


def test_overpass_json_with_elements_and_way_centres(tmp_path: Path) -> None:
    path = tmp_path / "overpass.json"
    doc = {
        "elements": [
            {
                "type": "node",
                "id": 5,
                "lat": 47.0,
                "lon": 8.0,
                "tags": {"man_made": "surveillance", "camera:type": "dome"},
            },
            {
                "type": "way",
                "id": 6,
                "center": {"lat": 47.1, "lon": 8.1},
                "tags": {"man_made": "surveillance", "surveillance": "indoor"},
            },
            {"type": "way", "id": 7, "tags": {"man_made": "surveillance"}},
        ]
    }
    path.write_bytes(orjson.dumps(doc))
    result = normalise(read_source(path), mapping=None, source="overpass")
    cams = result.cameras
    assert list(cams["id"]) == ["osm-node-5", "osm-way-6"]
    assert list(cams["kind"]) == ["dome_360", "fixed"]
    assert list(cams["access_class"]) == ["public_space", "restricted"]  # indoor
    assert [str(r) for r in result.rejects] == ["element 3: element has no lon/lat (or center)"]


def test_points_of_reports_empty_points() -> None:
    from camroute.cameras.importers import points_of

    lon, _lat, why = points_of(np.array([shapely.Point(), None], dtype=object))
    assert np.isnan(lon).all()
    assert why == ["geometry is empty, expected a Point", "no geometry"]


@pytest.mark.parametrize(
    "rows",
    [
        "id,x,y\nA,686000,1191000\nB,686100,1191100\n",  # UTM metres labelled as degrees
        "id,lon,lat\nA,10.77,106.7\nB,10.78,106.71\n",  # lon and lat swapped
    ],
)
def test_no_coordinate_in_degrees_refuses_the_file(tmp_path: Path, rows: str) -> None:
    path = tmp_path / "metres.csv"
    path.write_text(rows, encoding="utf-8")
    with pytest.raises(SourceFileError, match="no coordinate is in degrees"):
        normalise(read_source(path), mapping=None, source="m")


@pytest.mark.parametrize(
    ("last_row", "reason"),
    [
        ("C,106.71", "line 4: 2 fields where the header has 3 (a row cut short"),
        ('C,106.71,"10.7', "line 4: a quoted field is not closed before the end of the file"),
    ],
)
def test_csv_row_cut_by_a_truncated_file_is_rejected(tmp_path: Path, last_row, reason) -> None:
    path = tmp_path / "cut.csv"
    path.write_text(f"id,lon,lat\nA,106.7,10.77\nB,106.7,10.78\n{last_row}", encoding="utf-8")
    result = normalise(read_source(path), mapping=None, source="csv")
    assert list(result.cameras["id"]) == ["A", "B"]
    (only,) = result.rejects
    assert str(only).startswith(reason)


def test_csv_nul_and_overlong_fields_reject_their_rows(tmp_path: Path) -> None:
    path = tmp_path / "hostile.csv"
    huge = "x" * (20 * 1024 * 1024)
    path.write_text(
        "id,lon,lat,name\n"
        "A,106.7,10.77,ok\n"  # line 2
        "B,106.7,10.77,Lê\x00 Lợi\n"  # line 3: NUL
        f'C,106.7,10.77,"{huge}"\n'  # line 4: 20 MB
        f"D,106.7,10.77,{'y' * (65 * 1024)}\n"  # line 5: over the 64 KiB cap
        'E,106.7,10.77,"two\nlines"\n'  # lines 6-7: one record
        "G,106.7,10.77,last\n",  # line 8
        encoding="utf-8",
    )
    result = normalise(read_source(path), mapping=None, source="csv")
    assert list(result.cameras["id"]) == ["A", "E", "G"]
    assert [str(r) for r in result.rejects] == [
        "line 3: column 'name' contains a NUL character",
        "line 4: a field is longer than 65536 characters",
        "line 5: column 'name' is longer than 65536 characters",
    ]
    assert result.cameras["row"].tolist() == [2, 6, 8]


def test_csv_with_semicolons_and_a_bom_reads_like_commas(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_text("\ufeffid;lon;lat;name\nA;106.7;10.77;Lê Lợi, Q.1\n", encoding="utf-8")
    result = normalise(read_source(path), mapping=None, source="csv")
    assert list(result.cameras["id"]) == ["A"]
    assert result.cameras["name"].tolist() == ["Lê Lợi, Q.1"]
    assert result.rejects == []
