"""A ward's NVR channels imported in one go (vendor templates fill onvif_url and the
sub-stream; ``channel`` is the NVR channel), then probed: each camera gets its own channel's
streams. On SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import Engine

from camroute.cameras import service, store
from camroute.cameras.importers import read_source
from camroute.cameras.mapping import load_mapping
from camroute.cameras.networks import CameraNetworks
from camroute.cameras.normalise import normalise
from camroute.cameras.onvif_probe import probe_cameras
from camroute.cameras.secrets import CredentialCipher

from .onvif_device import FakeCamera, nvr_profiles, running

LOOPBACK = CameraNetworks.of(["127.0.0.0/8"])
CIPHER = CredentialCipher("a passphrase of at least thirty-two characters, for tests")
NVR_CSV = (
    "id,lon,lat,host,channel\n"
    "Q1-01,106.70,10.77,192.168.1.64,1\n"
    "Q1-02,106.71,10.78,192.168.1.64,2\n"
    "Q1-03,106.72,10.79,192.168.1.64,3\n"
    "Q1-BAD,106.73,10.80,192.168.1.64,2.5\n"
)


def _file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _mapping(tmp_path: Path, doc: dict[str, Any]) -> Path:
    path = tmp_path / "mapping.json"
    path.write_bytes(orjson.dumps(doc))
    return path


@pytest.mark.parametrize(
    ("preset", "onvif", "main", "sub"),
    [
        (
            "hikvision",
            "http://192.168.1.64/onvif/device_service",
            "rtsp://192.168.1.64:554/Streaming/Channels/201",
            "rtsp://192.168.1.64:554/Streaming/Channels/202",
        ),
        (
            "dahua",
            "http://192.168.1.64/onvif/device_service",
            "rtsp://192.168.1.64:554/cam/realmonitor?channel=2&subtype=0",
            "rtsp://192.168.1.64:554/cam/realmonitor?channel=2&subtype=1",
        ),
    ],
)
def test_a_vendor_preset_fills_onvif_url_sub_stream_and_nvr_channel(
    tmp_path: Path, preset: str, onvif: str, main: str, sub: str
) -> None:
    mapping = load_mapping(_mapping(tmp_path, {"url_preset": preset}))
    result = normalise(
        read_source(_file(tmp_path, "nvr.csv", NVR_CSV)), mapping=mapping, source="q1"
    )
    cams = result.cameras.set_index("id")
    assert (cams.loc["Q1-02", "onvif_url"], cams.loc["Q1-02", "nvr_channel"]) == (onvif, 2)
    assert (cams.loc["Q1-02", "rtsp_url"], cams.loc["Q1-02", "rtsp_sub_url"]) == (main, sub)
    assert [str(r) for r in result.rejects] == [
        "line 5: nvr_channel '2.5' is not a channel number 1..512"
    ]


def test_a_file_without_onvif_columns_keeps_what_the_registry_has(
    store_engine: Engine, tmp_path: Path
) -> None:
    mapping = load_mapping(_mapping(tmp_path, {"url_preset": "hikvision"}))
    service.import_file(store_engine, _file(tmp_path, "a.csv", NVR_CSV), mapping=mapping)
    plain = "id,lon,lat\nQ1-02,106.71,10.781\n"  # moved a little; no URL or channel columns
    service.import_file(store_engine, _file(tmp_path, "b.csv", plain))
    with store_engine.connect() as conn:
        moved = store.require_camera(conn, "Q1-02")
    assert moved["version"] == 2
    assert moved["onvif_url"] == "http://192.168.1.64/onvif/device_service"
    assert moved["nvr_channel"] == 2
    assert moved["rtsp_sub_url"].endswith("/Streaming/Channels/202")
    assert moved["rtsp_url"] is None  # the file has no rtsp_url column: as before, it goes


def test_imported_nvr_channels_are_probed_in_one_go(store_engine: Engine, tmp_path: Path) -> None:
    fake = FakeCamera(model="DS-7616NI-K2", profiles=nvr_profiles(3), ptz=None)
    with running(fake) as url:
        host = url.split("/")[2]
        rows = "".join(f"Q1-0{c},106.7{c},10.7{c},{host},{c},admin,Cam-pass-1\n" for c in (1, 2, 3))
        path = _file(tmp_path, "nvr.csv", "id,lon,lat,host,channel,username,password\n" + rows)
        doc = {"url_templates": {"onvif_url": "http://{host}/onvif/device_service"}}
        service.import_file(
            store_engine, path, mapping=load_mapping(_mapping(tmp_path, doc)), cipher=CIPHER
        )
        results = probe_cameras(store_engine, None, cipher=CIPHER, networks=LOOPBACK, timeout_s=5.0)
    assert [(r.camera_id, r.ok) for r in results] == [(f"Q1-0{c}", True) for c in (1, 2, 3)]
    with store_engine.connect() as conn:
        urls = [store.require_camera(conn, f"Q1-0{c}")["rtsp_url"] for c in (1, 2, 3)]
    assert urls == [f"rtsp://127.0.0.1:554/Streaming/Channels/{c}01" for c in (1, 2, 3)]
