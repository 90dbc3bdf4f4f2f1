"""Column mapping files for other schemas, and the built-in aliases."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from camroute.cameras.importers import SourceFileError, read_source
from camroute.cameras.mapping import load_mapping, resolve_columns
from camroute.cameras.normalise import normalise

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
