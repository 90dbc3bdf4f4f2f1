"""``cameras/onvif_probe.py``: the registry after a probe, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from camroute.cameras import onvif_store, service, store
from camroute.cameras.model import CameraCreate, CameraUpdate, Credentials
from camroute.cameras.networks import CameraNetworks
from camroute.cameras.onvif_model import DeviceInfo, MediaProfile, OnvifDevice, PtzSpaces, Span
from camroute.cameras.onvif_probe import probe_cameras, registry_change
from camroute.cameras.secrets import CredentialCipher
from camroute.cameras.tables import camera_credentials, camera_history

from .onvif_device import FakeCamera, nvr_profiles, running, silent

LOOPBACK = CameraNetworks.of(["127.0.0.0/8"])
CIPHER = CredentialCipher("a passphrase of at least thirty-two characters, for tests")


def _add(engine: Engine, camera_id: str, onvif_url: str | None, **extra: Any) -> None:
    body = CameraCreate(
        id=camera_id,
        lon=105.85,
        lat=21.03,
        onvif_url=onvif_url,
        onvif_credentials=Credentials(username="admin", password="Cam-pass-1"),
        **extra,
    )
    with engine.begin() as conn:
        service.create_camera(conn, body, actor="test", cipher=CIPHER)


def _row(engine: Engine, camera_id: str) -> dict[str, Any]:
    with engine.connect() as conn:
        return store.require_camera(conn, camera_id)


def _probe(engine: Engine, ids: list[str] | None, **options: Any) -> Any:
    options.setdefault("networks", LOOPBACK)
    options.setdefault("timeout_s", 5.0)
    return probe_cameras(engine, ids, cipher=CIPHER, **options)


@pytest.fixture
def device() -> Iterator[tuple[FakeCamera, str]]:
    fake = FakeCamera()
    with running(fake) as url:
        yield fake, url


def test_probe_fills_streams_and_ptz_with_provenance_onvif(
    store_engine: Engine, device: tuple[FakeCamera, str]
) -> None:
    fake, url = device
    _add(store_engine, "hn-1", url)
    [result] = _probe(store_engine, ["hn-1"])
    assert result.ok, result.reason
    assert result.written
    row = _row(store_engine, "hn-1")
    assert row["rtsp_url"] == "rtsp://127.0.0.1:554/Streaming/Channels/101"
    assert row["rtsp_sub_url"] == "rtsp://127.0.0.1:554/Streaming/Channels/102"
    assert row["snapshot_url"].startswith(f"http://{fake.address}/ISAPI/")
    assert (row["kind"], row["streams_source"], row["ptz_source"]) == ("ptz", "onvif", "onvif")
    assert row["version"] == 2
    assert result.changed_fields == [
        "kind",
        "ptz_source",
        "rtsp_sub_url",
        "rtsp_url",
        "snapshot_url",
        "streams_source",
    ]
    with store_engine.connect() as conn:
        stored = onvif_store.get_device(conn, "hn-1")
        history = (
            conn.execute(
                sa.select(camera_history.c.action).where(camera_history.c.camera_id == "hn-1")
            )
            .scalars()
            .all()
        )
    assert stored is not None
    assert stored.info.model == "DS-2DE4425IW-DE"
    assert stored.ptz is not None
    assert stored.ptz.node_token == "PTZNODE_1"
    assert history == ["create", "update"]


def test_second_probe_of_an_unchanged_camera_changes_nothing(
    store_engine: Engine, device: tuple[FakeCamera, str]
) -> None:
    _add(store_engine, "hn-1", device[1])
    _probe(store_engine, ["hn-1"])
    [again] = _probe(store_engine, ["hn-1"])
    assert again.ok
    assert again.changed_fields == []
    assert _row(store_engine, "hn-1")["version"] == 2


def test_streams_get_the_onvif_account_when_they_have_none(
    store_engine: Engine, device: tuple[FakeCamera, str]
) -> None:
    _add(store_engine, "hn-1", device[1])
    [result] = _probe(store_engine, ["hn-1"])
    assert result.credentials_from_onvif
    source = store.get_stream_source(store_engine, "hn-1", cipher=CIPHER)
    assert (source.username, source.password) == ("admin", "Cam-pass-1")
    assert source.rtsp_sub_url == "rtsp://127.0.0.1:554/Streaming/Channels/102"
    with store_engine.connect() as conn:
        sealed = conn.execute(sa.select(camera_credentials.c.password)).scalar_one()
    assert sealed.startswith("fernet:")


@pytest.mark.parametrize("failure", ["wrong_password", "timeout", "malformed"])
def test_failed_probe_leaves_the_camera_unchanged(
    store_engine: Engine, device: tuple[FakeCamera, str], failure: str
) -> None:
    fake, url = device
    if failure == "wrong_password":
        fake.password = "changed-on-the-camera"
    if failure == "malformed":
        fake.broken["GetStreamUri"] = b"<env:Envelope xmlns:env='nope'><broken"
    with silent() as hung:
        _add(store_engine, "hn-1", hung if failure == "timeout" else url)
        before = _row(store_engine, "hn-1")
        [result] = _probe(store_engine, ["hn-1"], timeout_s=0.5 if failure == "timeout" else 5)
    expected = {"wrong_password": "not_authorized", "timeout": "timeout", "malformed": "malformed"}
    assert (result.ok, result.error, result.written) == (False, expected[failure], False)
    assert result.reason
    assert _row(store_engine, "hn-1") == before
    with store_engine.connect() as conn:
        assert onvif_store.get_device(conn, "hn-1") is None


def test_dry_run_asks_but_writes_nothing(
    store_engine: Engine, device: tuple[FakeCamera, str]
) -> None:
    _add(store_engine, "hn-1", device[1])
    before = _row(store_engine, "hn-1")
    [result] = _probe(store_engine, ["hn-1"], dry_run=True)
    assert result.ok
    assert not result.written
    assert "rtsp_url" in result.changed_fields
    assert _row(store_engine, "hn-1") == before
    with store_engine.connect() as conn:
        assert onvif_store.get_device(conn, "hn-1") is None
        assert not store.has_credentials(conn, "hn-1")


def test_all_probes_cameras_with_an_onvif_url_and_reports_each(
    store_engine: Engine, device: tuple[FakeCamera, str]
) -> None:
    _add(store_engine, "a-ok", device[1])
    _add(store_engine, "b-none", None)
    _add(store_engine, "c-public", "http://203.0.113.9/onvif/device_service")
    results = _probe(store_engine, None)
    assert [(r.camera_id, r.ok, r.error) for r in results] == [
        ("a-ok", True, None),
        ("c-public", False, "refused"),
    ]


def test_named_cameras_without_url_or_unknown_are_reported(
    store_engine: Engine, device: tuple[FakeCamera, str]
) -> None:
    _add(store_engine, "b-none", None)
    results = _probe(store_engine, ["b-none", "ghost"])
    assert [(r.camera_id, r.error) for r in results] == [
        ("b-none", "no_onvif_url"),
        ("ghost", "not_found"),
    ]


def test_onvif_url_outside_the_camera_networks_is_not_asked(store_engine: Engine) -> None:
    fake = FakeCamera()
    with running(fake) as url:
        _add(store_engine, "hn-1", url)
        [result] = _probe(store_engine, ["hn-1"], networks=CameraNetworks.of(["10.0.0.0/8"]))
    assert (result.ok, result.error) == (False, "refused")
    assert "outside the camera networks" in (result.reason or "")
    assert fake.calls == []


def test_camera_edited_while_probed_is_not_overwritten(
    store_engine: Engine, device: tuple[FakeCamera, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from camroute.cameras import onvif_probe
    from camroute.cameras.model import CameraUpdate

    _add(store_engine, "hn-1", device[1])
    real = onvif_probe._ask_all

    async def edit_meanwhile(*args: Any, **kwargs: Any) -> Any:
        answers = await real(*args, **kwargs)
        with store_engine.begin() as conn:
            service.update_camera(
                conn, "hn-1", CameraUpdate(name="renamed"), if_match=1, actor="someone"
            )
        return answers

    monkeypatch.setattr(onvif_probe, "_ask_all", edit_meanwhile)
    [result] = _probe(store_engine, ["hn-1"])
    assert (result.ok, result.error) == (False, "refused")
    assert "changed while it was probed" in (result.reason or "")
    row = _row(store_engine, "hn-1")
    assert (row["name"], row["rtsp_url"], row["version"]) == ("renamed", None, 2)


def test_direct_edit_moving_onvif_url_forgets_the_account_on_postgres(
    store_engine: Engine,
) -> None:
    """QGIS edits bypass the API: on PostgreSQL a trigger applies the same rule."""
    if store_engine.dialect.name != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only; the API applies the rule on SQLite")
    _add(store_engine, "hn-1", "http://10.0.0.5/onvif/device_service")
    with store_engine.begin() as conn:
        store.set_credentials(conn, "hn-1", username="viewer", password="pw")
        conn.execute(
            sa.text("UPDATE cameras SET onvif_url = 'http://10.0.0.5/x' WHERE id = 'hn-1'")
        )
    with store_engine.connect() as conn:
        assert onvif_store.sealed_account(conn, "hn-1")[0] == "admin"
    with store_engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE cameras SET onvif_url = 'http://10.9.9.9/x' WHERE id = 'hn-1'")
        )
        conn.execute(
            sa.text("UPDATE cameras SET rtsp_sub_url = 'rtsp://10.9.9.9/s' WHERE id = 'hn-1'")
        )
    with store_engine.connect() as conn:
        assert onvif_store.sealed_account(conn, "hn-1") == (None, None)
        assert not store.has_credentials(conn, "hn-1")


def test_reimport_keeps_the_onvif_url_and_resets_provenance_it_overrides(
    store_engine: Engine, device: tuple[FakeCamera, str], tmp_path: Path
) -> None:
    fake, url = device
    path = tmp_path / "cams.csv"
    path.write_text(
        "id,lon,lat,snapshot_url\n"
        f"hn-1,105.85,21.03,http://{fake.address}/ISAPI/Streaming/channels/101/picture?p=Profile_1\n"
        "hn-2,105.86,21.04,\n",
        encoding="utf-8",
    )
    service.import_file(store_engine, path, networks=LOOPBACK)
    for camera_id in ("hn-1", "hn-2"):
        with store_engine.begin() as conn:
            service.update_camera(
                conn,
                camera_id,
                CameraUpdate(
                    onvif_url=url,
                    onvif_credentials=Credentials(username="admin", password="Cam-pass-1"),
                ),
                if_match=1,
                actor="test",
            )
    assert all(r.ok for r in _probe(store_engine, ["hn-1", "hn-2"]))
    path.write_text(
        path.read_text(encoding="utf-8").replace("hn-2,105.86", "hn-2,105.87"), encoding="utf-8"
    )
    service.import_file(store_engine, path, networks=LOOPBACK)
    first, second = _row(store_engine, "hn-1"), _row(store_engine, "hn-2")
    assert first["onvif_url"] == second["onvif_url"] == url
    assert first["rtsp_sub_url"] == second["rtsp_sub_url"] is not None
    # The file has no rtsp_url: both cameras lose it, and with it the onvif provenance.
    assert (first["rtsp_url"], first["streams_source"]) == (None, None)
    assert (second["rtsp_url"], second["streams_source"]) == (None, None)


def test_camera_without_any_account_is_not_asked(store_engine: Engine) -> None:
    fake = FakeCamera()
    with running(fake) as url:
        with store_engine.begin() as conn:
            body = CameraCreate(id="anon", lon=105.85, lat=21.03, onvif_url=url)
            service.create_camera(conn, body, actor="test")
        [result] = _probe(store_engine, ["anon"])
    assert (result.ok, result.error) == (False, "not_authorized")
    assert "no ONVIF account stored" in (result.reason or "")
    assert fake.calls == []


def _device(*, pan: bool, zoom: bool = True) -> OnvifDevice:
    profiles = [
        MediaProfile(
            token="m",
            encoding="H265",
            width_px=1920,
            height_px=1080,
            stream_uri="rtsp://10.0.0.5/m",
        ),
        MediaProfile(
            token="s",
            encoding="H264",
            width_px=640,
            height_px=360,
            stream_uri="rtsp://10.0.0.5/s",
            snapshot_uri="http://10.0.0.5/s.jpg",
        ),
    ]
    ptz = PtzSpaces(
        node_token="n",
        pan=Span(min=-1, max=1) if pan else None,
        zoom=Span(min=0, max=1) if zoom else None,
    )
    return OnvifDevice(
        info=DeviceInfo(manufacturer="Dahua", model="IPC"),
        profiles=profiles,
        main_token="m",
        sub_token="s",
        ptz=ptz,
    )


@pytest.mark.parametrize(
    ("stored", "pan", "kind"),
    [
        ("fixed", True, "ptz"),
        ("ptz", True, "ptz"),
        ("dome_360", True, None),  # a fisheye that pans digitally stays a dome
        ("fixed", False, None),  # zoom only: a varifocal lens, not a PTZ head
    ],
)
def test_registry_change_kind(stored: str, pan: bool, kind: str | None) -> None:
    change = registry_change(_device(pan=pan), kind=stored)
    assert change.kind == kind
    assert (change.rtsp_url, change.rtsp_sub_url) == ("rtsp://10.0.0.5/m", "rtsp://10.0.0.5/s")
    # The main profile serves no snapshot: another profile's is taken.
    assert change.snapshot_url == "http://10.0.0.5/s.jpg"


@pytest.fixture
def nvr() -> Iterator[tuple[FakeCamera, str]]:
    fake = FakeCamera(model="DS-7616NI-K2", profiles=nvr_profiles(3), ptz=None)
    with running(fake) as url:
        yield fake, url


def test_an_nvr_channel_takes_only_that_channels_profiles(
    store_engine: Engine, nvr: tuple[FakeCamera, str]
) -> None:
    _add(store_engine, "nvr-2", nvr[1], nvr_channel=2)
    [result] = _probe(store_engine, ["nvr-2"])
    assert result.ok, result.reason
    row = _row(store_engine, "nvr-2")
    assert row["rtsp_url"] == "rtsp://127.0.0.1:554/Streaming/Channels/201"
    assert row["rtsp_sub_url"] == "rtsp://127.0.0.1:554/Streaming/Channels/202"
    assert result.device is not None
    assert {p.source_token for p in result.device.profiles} == {"VideoSource_2"}
    assert [p.encoding for p in result.device.profiles] == ["H265", "H264"]


def test_an_nvr_channel_the_device_lacks_is_reported_and_nothing_written(
    store_engine: Engine, nvr: tuple[FakeCamera, str]
) -> None:
    _add(store_engine, "nvr-9", nvr[1], nvr_channel=9)
    before = _row(store_engine, "nvr-9")
    [result] = _probe(store_engine, ["nvr-9"])
    assert (result.ok, result.error) == (False, "no_channel")
    assert result.reason == "the device has 3 video channels, not channel 9"
    assert _row(store_engine, "nvr-9") == before
