"""Cameras that ask for HTTP Digest (Hikvision, Dahua, KBVision) or Basic: the relay answers the
scheme asked for, and never sends a password in clear text to a camera that offers Digest."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import secrets
import urllib.request
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import SecretStr

from camroute.cameras.networks import CameraNetworks
from camroute.cameras.secrets import CredentialCipher
from camroute.cameras.store import get_camera, set_credentials, update_camera
from camroute.live.camauth import AuthSchemes
from camroute.live.relay import Limits, Upstream, fetch_snapshot
from camroute.live.upstream import UNREACHABLE_DETAIL, CameraUnreachableError
from camroute.sim.server import serve_in_thread

from .conftest import Api, add_cameras, camera

USER, PASSWORD, REALM = "admin", "Hik-12345", "IP Camera(C1234)"
KEY = SecretStr("a passphrase of at least thirty-two characters")
PROBLEM = "application/problem+json"


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()  # RFC 7616 MD5, as cameras use


def digest_ok(authorization: str, *, method: str, uri: str, nonce: str, password: str) -> bool:
    """RFC 7616 ``qop=auth`` check of an ``Authorization: Digest`` header, computed here."""
    if not authorization.lower().startswith("digest "):
        return False
    parts = urllib.request.parse_keqv_list(urllib.request.parse_http_list(authorization[7:]))
    if (parts.get("username"), parts.get("realm"), parts.get("nonce")) != (USER, REALM, nonce):
        return False
    if parts.get("uri") != uri or parts.get("qop") != "auth":
        return False
    ha1 = _md5(f"{USER}:{REALM}:{password}")
    ha2 = _md5(f"{method}:{uri}")
    want = _md5(f"{ha1}:{nonce}:{parts['nc']}:{parts['cnonce']}:auth:{ha2}")
    return secrets.compare_digest(parts.get("response", ""), want)


@dataclass
class FakeCamera:
    """What a fake camera saw: (path with query, Host, Authorization or None) per request."""

    url: str
    log: list[tuple[str, str, str | None]] = field(default_factory=list)


def _challenge(nonce: str, scheme: str) -> dict[str, str]:
    if scheme == "digest":
        return {"WWW-Authenticate": f'Digest realm="{REALM}", qop="auth", nonce="{nonce}"'}
    return {"WWW-Authenticate": f'Basic realm="{REALM}"'}


def _allowed(request: Request, *, scheme: str, nonce: str, log: list[Any]) -> bool:
    uri = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    given = request.headers.get("authorization")
    log.append((uri, request.headers.get("host", ""), given))
    if given is None:
        return False
    if scheme == "digest":
        return digest_ok(given, method="GET", uri=uri, nonce=nonce, password=PASSWORD)
    return given == "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()


def fake_camera_app(jpeg: bytes, mjpeg: bytes, *, scheme: str, log: list[Any]) -> FastAPI:
    """A camera that answers only ``USER``/``PASSWORD`` by ``scheme`` (refusing the other)."""
    app = FastAPI()
    nonce = secrets.token_hex(16)

    def allowed(request: Request) -> bool:
        return _allowed(request, scheme=scheme, nonce=nonce, log=log)

    def refused() -> Response:
        # A big body: the relay must not read it before answering the challenge.
        return Response(b"x" * 100_000, status_code=401, headers=_challenge(nonce, scheme))

    @app.get("/ISAPI/Streaming/channels/101/picture")
    def snapshot(request: Request) -> Response:
        if not allowed(request):
            return refused()
        return Response(jpeg, media_type="image/jpeg")

    @app.get("/cgi-bin/mjpg/video.cgi")
    def stream(request: Request) -> Response:
        if not allowed(request):
            return refused()

        async def chunks() -> AsyncIterator[bytes]:
            for start in range(0, len(mjpeg), 4096):
                yield mjpeg[start : start + 4096]
                await asyncio.sleep(0.005)

        return StreamingResponse(chunks(), media_type="multipart/x-mixed-replace;boundary=ffmpeg")

    return app


def _serve(ffmpeg_media: dict[str, bytes], scheme: str) -> Iterator[FakeCamera]:
    log: list[Any] = []
    app = fake_camera_app(ffmpeg_media["jpeg"], ffmpeg_media["mjpeg"], scheme=scheme, log=log)
    with serve_in_thread(app) as url:
        yield FakeCamera(url=url, log=log)


@pytest.fixture(scope="module")
def digest_camera(ffmpeg_media: dict[str, bytes]) -> Iterator[FakeCamera]:
    yield from _serve(ffmpeg_media, "digest")


@pytest.fixture(scope="module")
def basic_camera(ffmpeg_media: dict[str, bytes]) -> Iterator[FakeCamera]:
    yield from _serve(ffmpeg_media, "basic")


def _add(api: Api, cam: FakeCamera, camera_id: str, *, password: str = PASSWORD) -> None:
    cam.log.clear()
    urls = {
        "snapshot_url": f"{cam.url}/ISAPI/Streaming/channels/101/picture",
        "mjpeg_url": f"{cam.url}/cgi-bin/mjpg/video.cgi?subtype=1",
    }
    add_cameras(api.app, [camera(camera_id, south_m=20, base=cam.url, **urls)])
    with api.app.state.engine.begin() as conn:
        set_credentials(conn, camera_id, username=USER, password=password)


def _view(api: Api, camera_id: str) -> dict[str, Any]:
    resp = api.view(api.open_incident(f"C-{camera_id}")["id"], camera_id)
    assert resp.status_code == 201, resp.text
    return dict(resp.json())


def _no_basic_sent(cam: FakeCamera) -> None:
    sent = [auth for _, _, auth in cam.log]
    assert sent, "the camera saw no request"
    assert sent[0] is None  # nothing before the challenge
    assert not any(a and a.lower().startswith("basic") for a in sent)


def test_a_digest_snapshot_reaches_the_viewer(
    api: Api, digest_camera: FakeCamera, ffmpeg_media: dict[str, bytes]
) -> None:
    _add(api, digest_camera, "HIK-1")
    resp = api.client.get(_view(api, "HIK-1")["snapshot_url"])
    assert resp.status_code == 200, resp.text
    assert resp.content == ffmpeg_media["jpeg"]
    _no_basic_sent(digest_camera)
    assert [a is not None for _, _, a in digest_camera.log] == [False, True]


def test_a_digest_mjpeg_stream_plays(
    api: Api, digest_camera: FakeCamera, ffmpeg_media: dict[str, bytes]
) -> None:
    _add(api, digest_camera, "HIK-2")
    with api.client.stream("GET", _view(api, "HIK-2")["mjpeg_url"]) as resp:
        assert resp.status_code == 200
        data = b"".join(resp.iter_bytes())
    assert data == ffmpeg_media["mjpeg"]
    _no_basic_sent(digest_camera)
    assert digest_camera.log[-1][0] == "/cgi-bin/mjpg/video.cgi?subtype=1"  # the digest uri


def test_a_wrong_digest_password_is_the_generic_502(api: Api, digest_camera: FakeCamera) -> None:
    _add(api, digest_camera, "HIK-3", password="wrong")
    view = _view(api, "HIK-3")
    for url in (view["snapshot_url"], view["mjpeg_url"]):
        resp = api.client.get(url)
        assert resp.status_code == 502, resp.text
        assert resp.headers["content-type"] == PROBLEM
        body = resp.json()
        assert (body["code"], body["detail"]) == ("camera_unreachable", UNREACHABLE_DETAIL)
        assert "401" not in resp.text
        assert REALM not in resp.text
    _no_basic_sent(digest_camera)


def test_a_basic_camera_still_works(
    api: Api, basic_camera: FakeCamera, ffmpeg_media: dict[str, bytes]
) -> None:
    _add(api, basic_camera, "OLD-1")
    resp = api.client.get(_view(api, "OLD-1")["snapshot_url"])
    assert resp.status_code == 200, resp.text
    assert resp.content == ffmpeg_media["jpeg"]
    assert basic_camera.log[0][2] is None  # Basic too waits for the challenge


def _sent_auth(cam: FakeCamera) -> list[str | None]:
    """Per request the camera saw: None, "basic" or "digest" (the Authorization's scheme)."""
    return [a.split(" ", 1)[0].lower() if a else None for _, _, a in cam.log]


def test_a_basic_camera_is_challenged_only_on_the_first_snapshot(
    api: Api, basic_camera: FakeCamera, ffmpeg_media: dict[str, bytes]
) -> None:
    _add(api, basic_camera, "OLD-2")
    url = _view(api, "OLD-2")["snapshot_url"]
    for _ in range(3):
        resp = api.client.get(url)
        assert resp.status_code == 200, resp.text
        assert resp.content == ffmpeg_media["jpeg"]
    assert _sent_auth(basic_camera) == [None, "basic", "basic", "basic"]


def test_a_moved_camera_gets_no_credentials_before_the_new_host_asks(
    api: Api, basic_camera: FakeCamera
) -> None:
    """What the old host accepted must not send the password unasked to the new one
    (#18 item 17), even when the camera keeps (or is given again) its credentials."""
    _add(api, basic_camera, "OLD-3")
    url = _view(api, "OLD-3")["snapshot_url"]
    assert api.client.get(url).status_code == 200
    assert api.client.get(url).status_code == 200
    assert _sent_auth(basic_camera) == [None, "basic", "basic"]
    moved = basic_camera.url.replace("127.0.0.1", "localhost")
    assert moved != basic_camera.url
    with api.app.state.engine.begin() as conn:
        version = (get_camera(conn, "OLD-3") or {})["version"]
        snapshot_url = f"{moved}/ISAPI/Streaming/channels/101/picture"
        changes = {"snapshot_url": snapshot_url}
        update_camera(conn, "OLD-3", changes, if_match=version, actor="test")
        # PostgreSQL drops credentials when the origin moves; re-entered, as an admin would.
        set_credentials(conn, "OLD-3", username=USER, password=PASSWORD)
    basic_camera.log.clear()
    assert api.client.get(url).status_code == 200
    assert _sent_auth(basic_camera) == [None, "basic"]
    assert basic_camera.log[0][1].startswith("localhost:")


def test_a_digest_camera_is_challenged_every_time_and_never_gets_basic(
    api: Api, digest_camera: FakeCamera
) -> None:
    _add(api, digest_camera, "HIK-5")
    url = _view(api, "HIK-5")["snapshot_url"]
    for _ in range(3):
        assert api.client.get(url).status_code == 200
    assert _sent_auth(digest_camera) == [None, "digest"] * 3


def test_a_remembered_basic_camera_that_now_asks_for_digest_is_answered() -> None:
    nonce = "n1"
    sent: list[str | None] = []

    def cam(request: httpx.Request) -> httpx.Response:
        given = request.headers.get("authorization", "")
        sent.append(given.split(" ", 1)[0].lower() if given else None)
        uri = request.url.raw_path.decode()
        if digest_ok(given, method="GET", uri=uri, nonce=nonce, password=PASSWORD):
            jpeg = httpx.ByteStream(b"\xff\xd8")
            return httpx.Response(200, headers={"content-type": "image/jpeg"}, stream=jpeg)
        return httpx.Response(401, headers=_challenge(nonce, "digest"))

    schemes = AuthSchemes()
    url = "http://127.0.0.1/pic"
    schemes.remember("CAM", url, "basic")

    async def run() -> bytes:
        limits = Limits(
            networks=CameraNetworks.of(["127.0.0.0/8"]), timeout_s=1.0, deadline_s=2.0, max_bytes=99
        )
        upstream = Upstream(url, auth=(USER, PASSWORD), camera_id="CAM", schemes=schemes)
        async with httpx.AsyncClient(transport=httpx.MockTransport(cam)) as client:
            return (await fetch_snapshot(client, upstream, limits)).content

    assert asyncio.run(run()) == b"\xff\xd8"
    assert sent == ["basic", "digest"]
    assert schemes.known("CAM", url) == "digest"


def test_a_sealed_password_answers_digest(
    api: Api,
    digest_camera: FakeCamera,
    ffmpeg_media: dict[str, bytes],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    state = api.app.state
    monkeypatch.setattr(
        state, "settings", state.settings.model_copy(update={"credentials_key": KEY})
    )
    _add(
        api,
        digest_camera,
        "HIK-4",
        password=CredentialCipher(KEY.get_secret_value()).seal(PASSWORD),
    )
    resp = api.client.get(_view(api, "HIK-4")["snapshot_url"])
    assert resp.status_code == 200, resp.text
    assert resp.content == ffmpeg_media["jpeg"]
    _no_basic_sent(digest_camera)


def test_the_digest_answer_goes_to_the_pinned_address_under_the_host_name() -> None:
    """Both requests go to the checked address with the camera's name in ``Host``; the digest
    ``uri`` is the path asked for, and the 401's body is never read."""
    seen: list[tuple[str, str, str | None]] = []  # address, Host, Authorization as sent
    nonce = "abc123"
    read_401: list[bytes] = []

    async def big_body() -> AsyncIterator[bytes]:
        for _ in range(1000):
            read_401.append(b"x")
            yield b"x" * 65536

    def cam(request: httpx.Request) -> httpx.Response:
        given = request.headers.get("authorization", "")
        seen.append((request.url.host, request.headers["host"], given or None))
        uri = request.url.raw_path.decode()
        if digest_ok(given, method="GET", uri=uri, nonce=nonce, password=PASSWORD):
            jpeg = httpx.ByteStream(b"\xff\xd8\xff\xd9")
            return httpx.Response(200, headers={"content-type": "image/jpeg"}, stream=jpeg)
        return httpx.Response(401, headers=_challenge(nonce, "digest"), content=big_body())

    async def run() -> bytes:
        limits = Limits(
            networks=CameraNetworks.of(["127.0.0.0/8"]),
            timeout_s=1.0,
            deadline_s=2.0,
            max_bytes=10_000,
        )
        upstream = Upstream("http://localhost:8080/ISAPI/pic?ch=1", auth=(USER, PASSWORD))
        async with httpx.AsyncClient(transport=httpx.MockTransport(cam)) as client:
            return (await fetch_snapshot(client, upstream, limits)).content

    assert asyncio.run(run()) == b"\xff\xd8\xff\xd9"
    assert [(address, host) for address, host, _ in seen] == [("127.0.0.1", "localhost:8080")] * 2
    assert seen[0][2] is None
    assert 'uri="/ISAPI/pic?ch=1"' in (seen[1][2] or "")
    assert len(read_401) <= 1  # at most the first chunk was pulled, not the 64 MB


@pytest.mark.parametrize(
    "challenge",
    [
        'Digest realm="cam"',  # no nonce: httpx cannot answer it
        'Bearer realm="cam"',  # a scheme the relay does not speak: not answered
    ],
)
def test_an_unusable_challenge_is_unreachable_without_credentials(challenge: str) -> None:
    sent: list[str | None] = []

    def cam(request: httpx.Request) -> httpx.Response:
        sent.append(request.headers.get("authorization"))
        return httpx.Response(401, headers={"WWW-Authenticate": challenge})

    async def run() -> None:
        limits = Limits(
            networks=CameraNetworks.of(["127.0.0.0/8"]), timeout_s=1.0, deadline_s=2.0, max_bytes=99
        )
        upstream = Upstream("http://127.0.0.1/pic", auth=(USER, PASSWORD))
        async with httpx.AsyncClient(transport=httpx.MockTransport(cam)) as client:
            with pytest.raises(CameraUnreachableError):
                await fetch_snapshot(client, upstream, limits)

    asyncio.run(run())
    assert sent == [None]
