"""Column mapping files for other schemas, and the built-in aliases."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from camroute.cameras.importers import SourceFileError, read_source
from camroute.cameras.mapping import load_mapping, resolve_columns, wanted_columns
from camroute.cameras.normalise import Normalised, normalise

CSV = (
    "ma_cam,kinh_do,vi_do,huong,ghi_chu,loai,goc\n"
    'HP-1,106.68,20.86,"Hướng về TTTP","Phương hướng: 126° SE",quay quét,\n'
    "HP-2,106.69,20.87,45,,cố định,70\n"
    "HP-3,106.70,20.88,,,,\n"
)


def _write(tmp_path: Path, name: str, doc: object) -> Path:
    path = tmp_path / name
    path.write_bytes(orjson.dumps(doc))
    return path


def test_mapping_renames_coalesces_and_defaults(tmp_path: Path) -> None:
    csv = tmp_path / "hp.csv"
    csv.write_text(CSV, encoding="utf-8")
    mapping = load_mapping(
        _write(
            tmp_path,
            "m.json",
            {
                "id": "ma_cam",
                "lon": "kinh_do",
                "lat": "vi_do",
                "heading_deg": ["huong", "ghi_chu"],  # the free text first, then the note
                "kind": "loai",
                "hfov_deg": "goc",
                "kind_values": {"quay quét": "ptz"},
                "defaults": {"owner": "CSGT Hải Phòng"},
                "id_prefix": "hp:",
            },
        )
    )
    result = normalise(read_source(csv), mapping=mapping, source="survey")
    cams = result.cameras.set_index("id")
    assert list(cams.index) == ["hp:HP-1", "hp:HP-2", "hp:HP-3"]
    assert cams.loc["hp:HP-1", "heading_deg"] == 126.0  # from the note: the text had none
    assert cams.loc["hp:HP-2", "heading_deg"] == 45.0
    assert list(cams["kind"]) == ["ptz", "fixed", "fixed"]
    assert cams.loc["hp:HP-2", "hfov_deg"] == 70.0
    assert cams.loc["hp:HP-2", "hfov_source"] == "imported:survey"
    assert cams.loc["hp:HP-3", "hfov_source"] == "assumed"
    assert set(cams["owner"]) == {"CSGT Hải Phòng"}


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"idd": "x"}, "unknown keys \\['idd'\\]"),
        ({"defaults": {"colour": "red"}}, "unknown defaults"),
        (["id"], "expected a JSON object"),
        ({"heading_source": "x"}, "unknown keys"),  # provenance is never mapped
    ],
)
def test_bad_mapping_files(tmp_path: Path, doc: object, message: str) -> None:
    with pytest.raises(SourceFileError, match=message):
        load_mapping(_write(tmp_path, "m.json", doc))


def test_mapping_naming_a_missing_column(tmp_path: Path) -> None:
    mapping = load_mapping(_write(tmp_path, "m.json", {"id": "nope"}))
    with pytest.raises(SourceFileError, match="mapping names columns the file does not have"):
        resolve_columns(["id", "lon"], mapping, is_osm=False)


def test_osm_columns_use_tags() -> None:
    cols = resolve_columns(
        ["osm_id", "camera:angle", "camera:direction", "height"], None, is_osm=True
    )
    assert cols["tilt_deg"] == ("camera:angle",)
    assert "hfov_deg" not in cols  # camera:angle is tilt, never the field of view
    assert cols["mount_height_m"] == ("height",)


VENDOR_CSV = (
    "id,lon,lat,host,channel,snapshot_url\n"
    "HK-1,106.68,20.86,192.168.10.21,1,\n"
    "HK-2,106.69,20.87,cam2.ward.local,2,\n"
    "HK-6,106.73,20.91,192.168.10.26:8080,1,\n"  # the preset adds its own port
    "HK-3,106.70,20.88,192.168.10.23,,\n"  # no channel: rejected
    "HK-4,106.71,20.89,192.168.10.24,4,http://192.168.10.24/own.jpg\n"  # its own URL wins
    "HK-5,106.72,20.90,10.0.0.5/x@evil,1,\n"  # a cell stays one part of the URL
)


def _vendor(tmp_path: Path, doc: dict[str, object], csv_text: str = VENDOR_CSV) -> Normalised:
    csv = tmp_path / "vendor.csv"
    csv.write_text(csv_text, encoding="utf-8")
    return normalise(
        read_source(csv), mapping=load_mapping(_write(tmp_path, "m.json", doc)), source="ward"
    )


def test_the_hikvision_preset_builds_the_urls_from_host_and_channel(tmp_path: Path) -> None:
    result = _vendor(tmp_path, {"url_preset": "hikvision"})
    cams = result.cameras.set_index("id")
    assert cams.loc["HK-1", "snapshot_url"] == (
        "http://192.168.10.21/ISAPI/Streaming/channels/101/picture"
    )
    assert cams.loc["HK-1", "rtsp_url"] == "rtsp://192.168.10.21:554/Streaming/Channels/101"
    assert cams.loc["HK-2", "rtsp_url"] == "rtsp://cam2.ward.local:554/Streaming/Channels/201"
    assert cams.loc["HK-4", "snapshot_url"] == "http://192.168.10.24/own.jpg"
    assert cams.loc["HK-4", "rtsp_url"] == "rtsp://192.168.10.24:554/Streaming/Channels/401"
    assert cams.loc["HK-5", "snapshot_url"] == (
        "http://10.0.0.5%2Fx%40evil/ISAPI/Streaming/channels/101/picture"
    )
    assert not isinstance(cams.loc["HK-1", "mjpeg_url"], str)  # the preset has no MJPEG path
    rejects = {str(r) for r in result.rejects}
    assert rejects == {
        "line 5: snapshot_url needs column 'channel', which is empty in this row",
        "line 4: rtsp_url 'rtsp://192.168.10.26:8080:554/Streaming/Channels/101'"
        " from the template is not a valid URL",
    }


def test_dahua_sub_stream_and_own_templates(tmp_path: Path) -> None:
    doc = {
        "url_preset": "dahua-sub",
        "url_templates": {"mjpeg_url": "http://{host}/cgi-bin/mjpg/video.cgi?channel={Channel}"},
    }
    cams = _vendor(tmp_path, doc).cameras.set_index("id")
    assert cams.loc["HK-1", "snapshot_url"] == "http://192.168.10.21/cgi-bin/snapshot.cgi?channel=1"
    assert cams.loc["HK-1", "rtsp_url"] == (
        "rtsp://192.168.10.21:554/cam/realmonitor?channel=1&subtype=1"
    )
    assert cams.loc["HK-2", "mjpeg_url"] == (
        "http://cam2.ward.local/cgi-bin/mjpg/video.cgi?channel=2"
    )


def test_a_template_column_the_file_lacks_rejects_the_rows(tmp_path: Path) -> None:
    csv_text = "id,lon,lat,ip\nHK-1,106.68,20.86,192.168.10.21\n"
    result = _vendor(tmp_path, {"url_preset": "hikvision"}, csv_text)
    assert [str(r) for r in result.rejects] == [
        "line 2: snapshot_url needs column 'host', which the file does not have"
    ]


def test_template_columns_survive_the_column_picker(tmp_path: Path) -> None:
    csv = tmp_path / "vendor.csv"
    csv.write_text(VENDOR_CSV, encoding="utf-8")
    mapping = load_mapping(_write(tmp_path, "m.json", {"url_preset": "hikvision"}))
    assert {"host", "channel"} <= set(wanted_columns(mapping)(VENDOR_CSV.split("\n")[0].split(",")))


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"url_preset": "axis"}, "unknown url_preset 'axis'"),
        ({"url_templates": {"web_url": "http://{host}/"}}, "url_templates must map"),
        ({"url_templates": {"rtsp_url": "rtsp://{host!r}/"}}, "only plain \\{column\\} fields"),
        ({"url_templates": {"rtsp_url": "rtsp://{0}/"}}, "only plain"),
    ],
)
def test_bad_url_templates(tmp_path: Path, doc: object, message: str) -> None:
    with pytest.raises(SourceFileError, match=message):
        load_mapping(_write(tmp_path, "m.json", doc))
