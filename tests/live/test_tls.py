"""An https camera: the relay connects to the checked address, TLS still checks the name."""

from __future__ import annotations

import asyncio
import ssl
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from fastapi import FastAPI
from fastapi.responses import Response

from camroute.cameras.networks import CameraNetworks
from camroute.live.relay import Limits, Upstream, fetch_snapshot
from camroute.live.upstream import CameraUnreachableError
from camroute.sim.server import free_port

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 100 + b"\xff\xd9"
LIMITS = Limits(
    networks=CameraNetworks.of(["127.0.0.0/8"]), timeout_s=2.0, deadline_s=5.0, max_bytes=1 << 20
)


def _self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for the name ``localhost`` only (no IP address in it)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.fixture(scope="module")
def tls_camera(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path]]:
    cert, key = _self_signed(tmp_path_factory.mktemp("tls"))
    app = FastAPI()

    @app.get("/snapshot.jpg")
    async def snap() -> Response:
        return Response(JPEG, media_type="image/jpeg")

    port = free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        ssl_certfile=str(cert),
        ssl_keyfile=str(key),
        log_level="warning",
        lifespan="off",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    yield port, cert
    server.should_exit = True
    thread.join(5)


def _fetch(url: str, cafile: Path) -> bytes:
    async def run() -> bytes:
        trust = ssl.create_default_context(cafile=str(cafile))
        async with httpx.AsyncClient(verify=trust) as client:
            return (await fetch_snapshot(client, Upstream(url), LIMITS)).content

    return asyncio.run(run())


def test_an_https_camera_by_name_is_fetched_from_the_pinned_address(tls_camera) -> None:
    port, cert = tls_camera
    assert _fetch(f"https://localhost:{port}/snapshot.jpg", cert) == JPEG


def test_an_https_camera_whose_certificate_does_not_name_it_is_refused(tls_camera) -> None:
    port, cert = tls_camera
    with pytest.raises(CameraUnreachableError, match=r"CERTIFICATE_VERIFY_FAILED"):
        _fetch(f"https://127.0.0.1:{port}/snapshot.jpg", cert)
