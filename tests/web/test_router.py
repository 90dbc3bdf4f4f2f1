"""The page route and its static assets, through the app (no browser)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from camroute.app import create_app
from camroute.settings import Settings
from camroute.web.router import STATIC_DIR, content_security_policy, tile_origin


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as c:
        yield c


def _client_with_tiles(tmp_path: Path, tile_url: str) -> TestClient:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, database_url=f"sqlite:///{tmp_path / 'tiles.db'}", tile_url=tile_url
    )
    return TestClient(create_app(settings))


def test_page_is_public_html_with_a_same_origin_csp(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert r.headers["content-security-policy"] == (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
        "media-src 'self' blob:; connect-src 'self'; worker-src 'self' blob:; "
        "child-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    )
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert '<meta name="camroute-tile-url" content="">' in r.text
    assert "{{" not in r.text


def test_tile_url_is_injected_escaped_and_admitted_by_the_csp(tmp_path: Path) -> None:
    url = 'https://tiles.city.vn/osm/{z}/{x}/{y}.png?a=1&b="x"'
    with _client_with_tiles(tmp_path, url) as c:
        r = c.get("/")
    assert "https://tiles.city.vn/osm/{z}/{x}/{y}.png?a=1&amp;b=&quot;x&quot;" in r.text
    assert (
        "img-src 'self' data: blob: https://tiles.city.vn;" in r.headers["content-security-policy"]
    )


@pytest.mark.parametrize(
    ("path", "media"),
    [
        ("/static/app.js", "javascript"),
        ("/static/js/live.js", "javascript"),
        ("/static/app.css", "text/css"),
        ("/static/i18n/vi.json", "application/json"),
        ("/static/leaflet/leaflet.js", "javascript"),
        ("/static/leaflet/leaflet.css", "text/css"),
        ("/static/leaflet/images/marker-icon.png", "image/png"),
    ],
)
def test_assets_are_served_without_login(client: TestClient, path: str, media: str) -> None:
    r = client.get(path)
    assert r.status_code == 200
    assert media in r.headers["content-type"]


@pytest.mark.parametrize(
    "path", ["/static/../settings.py", "/static/%2e%2e/settings.py", "/static/nope.js"]
)
def test_nothing_outside_the_static_folder_is_served(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 404


def test_data_routes_still_need_a_login(client: TestClient) -> None:
    r = client.get("/api/incidents")
    assert r.status_code == 401
    assert r.headers["content-type"] == "application/problem+json"


def test_both_languages_have_the_same_keys_and_every_used_key() -> None:
    vi = json.loads((STATIC_DIR / "i18n" / "vi.json").read_text(encoding="utf-8"))
    en = json.loads((STATIC_DIR / "i18n" / "en.json").read_text(encoding="utf-8"))
    assert vi.keys() == en.keys()
    sources = [p.read_text(encoding="utf-8") for p in STATIC_DIR.rglob("*.js")]
    sources.append((STATIC_DIR / "index.html").read_text(encoding="utf-8"))
    used = set()
    for text in sources:
        used |= set(re.findall(r'\bt\("([a-z_]+\.[a-z_0-9.]+)"', text))
        used |= set(re.findall(r'data-i18n(?:-placeholder)?="([a-z_]+\.[a-z_0-9.]+)"', text))
    assert used, "no translation keys found: the pattern is wrong"
    assert used - vi.keys() == set()


def test_no_asset_refers_to_another_origin() -> None:
    external = re.compile(r"""["'(]\s*(?:https?:)?//[a-z0-9.-]+""", re.IGNORECASE)
    for path in STATIC_DIR.rglob("*"):
        if path.suffix in {".js", ".html", ".css"}:
            hits = external.findall(path.read_text(encoding="utf-8"))
            assert not hits, f"{path.name} refers to another origin: {hits}"


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://t.vn/{z}/{x}/{y}.png", "https://t.vn"),
        ("http://10.0.0.5:8080/tiles/{z}/{x}/{y}.png", "http://10.0.0.5:8080"),
        ("/tiles/{z}/{x}/{y}.png", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_tile_origin(url: str | None, origin: str) -> None:
    assert tile_origin(url) == origin
    assert ("blob: " + origin + ";" if origin else "blob:;") in content_security_policy(
        tile_url=url
    )
