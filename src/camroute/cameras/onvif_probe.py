"""``onvif-probe``: ask cameras over ONVIF and fill the registry, one transaction per camera.

The devices are asked concurrently (bounded, each within its own timeout); the answers are
written one camera at a time through the registry's own update (version, history, audit,
credential rules), so a failing camera leaves its row exactly as it was and the others are
still written. A camera that was edited while it was being asked is not overwritten.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from pydantic import ValidationError
from sqlalchemy import Connection, Engine

from camroute.cameras import onvif_store, service, store
from camroute.cameras.model import CameraUpdate
from camroute.cameras.networks import CameraNetworks
from camroute.cameras.onvif_model import (
    OnvifDevice,
    ProbeErrorKind,
    ProbeResult,
    ProbeSummary,
    RegistryChange,
)
from camroute.cameras.onvif_store import OnvifTarget
from camroute.cameras.secrets import CredentialCipher
from camroute.errors import CamrouteError, InvalidInputError, PreconditionFailedError

DEFAULT_CONCURRENCY = 8
DEFAULT_TIMEOUT_S = 10.0


def registry_change(device: OnvifDevice, *, kind: str) -> RegistryChange:
    """The camera fields ``device``'s answer sets (``kind``: the stored kind).

    A device with a PTZ node is a ``ptz`` camera, unless it is stored as a 360° dome (a
    fisheye that pans digitally keeps its kind).
    """
    main, sub = device.profile(device.main_token), device.profile(device.sub_token)
    moves = device.ptz is not None and device.ptz.pan is not None
    return RegistryChange(
        rtsp_url=main.stream_uri if main else None,
        rtsp_sub_url=sub.stream_uri if sub else None,
        snapshot_url=(main.snapshot_uri if main else None)
        or next((p.snapshot_uri for p in device.profiles if p.snapshot_uri), None),
        kind="ptz" if moves and kind != "dome_360" else None,
    )


def _changes(change: RegistryChange, current: dict[str, Any]) -> dict[str, Any]:
    """The fields of ``change`` that differ from ``current``, with their provenance."""
    wanted = {k: v for k, v in change.model_dump().items() if v is not None}
    diff = {k: v for k, v in wanted.items() if current.get(k) != v}
    streams = set(wanted) - {"kind"}
    if streams and (diff.keys() & streams or current.get("streams_source") != "onvif"):
        diff["streams_source"] = "onvif"
    if "kind" in wanted and current.get("ptz_source") != "onvif":
        diff["ptz_source"] = "onvif"
    return diff


def _same_host(url: str, urls: list[str]) -> bool:
    host = urlsplit(url).hostname
    return all(urlsplit(u).hostname == host for u in urls)


def _lend_onvif_account(
    conn: Connection, target: OnvifTarget, change: RegistryChange, cipher: CredentialCipher | None
) -> bool:
    """Give the streams the account that just opened the device, when they have none.

    Only for stream URLs on the device's own host: the account is proven there, nowhere else.
    """
    if store.has_credentials(conn, target.camera_id) or target.onvif_url is None:
        return False
    urls = [u for u in (change.rtsp_url, change.rtsp_sub_url, change.snapshot_url) if u]
    if target.username is None or not urls or not _same_host(target.onvif_url, urls):
        return False
    password = target.password if cipher is None else cipher.seal(target.password)
    store.set_credentials(conn, target.camera_id, username=target.username, password=password)
    return True


def _write(
    engine: Engine,
    target: OnvifTarget,
    device: OnvifDevice,
    *,
    at: datetime,
    dry_run: bool,
    context: dict[str, Any],
    networks: CameraNetworks | None,
) -> ProbeResult:
    """Apply one device's answer in one transaction (or, on a dry run, only compare)."""
    with engine.begin() as conn:
        current = store.require_camera(conn, target.camera_id)
        if current["version"] != target.version:  # maybe another onvif_url: another device
            raise PreconditionFailedError(
                f"camera {target.camera_id!r} was changed while it was probed (version "
                f"{target.version} -> {current['version']}): probe it again",
                field="version",
            )
        change = registry_change(device, kind=current["kind"])
        _check_networks(change, networks)
        diff = _changes(change, current)
        result = ProbeResult(
            camera_id=target.camera_id,
            ok=True,
            device=device,
            change=change,
            changed_fields=sorted(diff),
            probed_at=at,
        )
        if dry_run:
            return result
        if diff:
            body = CameraUpdate.model_validate(diff)
            service.update_camera(conn, target.camera_id, body, if_match=target.version, **context)
        lent = _lend_onvif_account(conn, target, change, context["cipher"])
        onvif_store.save_device(conn, target.camera_id, device, at=at)
    return result.model_copy(update={"written": True, "credentials_from_onvif": lent})


def _check_networks(change: RegistryChange, networks: CameraNetworks | None) -> None:
    """Refuse URIs whose IP literal is outside the camera networks, as the API does."""
    if networks is None:
        return
    for name in ("rtsp_url", "rtsp_sub_url", "snapshot_url"):
        url = getattr(change, name)
        why = networks.url_refusal(url) if url else None
        if why is not None:
            raise InvalidInputError(
                f"the camera named {name} {url!r}: {why} (CAMROUTE_CAMERA_NETWORKS)", field=name
            )


def _failed(camera_id: str, kind: ProbeErrorKind, reason: str) -> ProbeResult:
    return ProbeResult(camera_id=camera_id, ok=False, error=kind, reason=reason)


def _refusal(target: OnvifTarget, networks: CameraNetworks | None) -> ProbeResult | None:
    if target.onvif_url is None:
        return _failed(target.camera_id, "no_onvif_url", "the camera has no onvif_url")
    if target.username is None:
        return _failed(
            target.camera_id,
            "not_authorized",
            "no ONVIF account stored: set onvif_credentials (or the stream credentials)",
        )
    why = networks.url_refusal(target.onvif_url) if networks is not None else None
    if why is not None:
        return _failed(target.camera_id, "refused", f"onvif_url: {why} (CAMROUTE_CAMERA_NETWORKS)")
    return None


async def _ask_all(
    targets: Sequence[OnvifTarget], *, concurrency: int, timeout_s: float
) -> list[tuple[OnvifDevice | None, ProbeResult | None, float]]:
    """Each target's device (or failure) and the milliseconds it took, in target order."""
    from camroute.cameras.onvif_client import OnvifProbeError, load_wsdls, probe_device

    if targets:
        await load_wsdls()
    gate = asyncio.Semaphore(concurrency)

    async def one(target: OnvifTarget) -> tuple[OnvifDevice | None, ProbeResult | None, float]:
        async with gate:
            start = time.perf_counter()
            try:
                device = await probe_device(
                    str(target.onvif_url),
                    username=target.username,
                    password=target.password,
                    timeout_s=timeout_s,
                    channel=target.channel,
                )
            except OnvifProbeError as exc:
                failure = _failed(target.camera_id, exc.kind, exc.reason)
                return None, failure, (time.perf_counter() - start) * 1000
            return device, None, (time.perf_counter() - start) * 1000

    return list(await asyncio.gather(*(one(t) for t in targets)))


def probe_cameras(
    engine: Engine,
    ids: list[str] | None = None,
    *,
    dry_run: bool = False,
    cipher: CredentialCipher | None = None,
    networks: CameraNetworks | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    actor: str = "cli",
    role: str = "gis_admin",
) -> list[ProbeResult]:
    """Probe ``ids`` (None: every camera with an ``onvif_url``); one result per camera."""
    with engine.connect() as conn:
        found = onvif_store.targets(conn, ids, cipher=cipher)
    known = {t.camera_id for t in found}
    missing = [
        _failed(i, "not_found", "no camera with this id") for i in ids or [] if i not in known
    ]
    refused = {t.camera_id: r for t in found if (r := _refusal(t, networks)) is not None}
    asking = [t for t in found if t.camera_id not in refused]
    answers = asyncio.run(_ask_all(asking, concurrency=concurrency, timeout_s=timeout_s))
    context = {"actor": actor, "role": role, "cipher": cipher}
    results = {**refused}
    for target, (device, failure, elapsed_ms) in zip(asking, answers, strict=True):
        if device is None:
            assert failure is not None
            results[target.camera_id] = failure.model_copy(update={"elapsed_ms": elapsed_ms})
            continue
        at = datetime.now(UTC)
        try:
            done = _write(
                engine, target, device, at=at, dry_run=dry_run, context=context, networks=networks
            )
        except ValidationError as exc:
            reason = f"the camera's URIs are not usable: {exc.errors()[0]['msg']}"
            done = _failed(target.camera_id, "malformed", reason)
        except CamrouteError as exc:  # edited meanwhile, or a URI outside the camera networks
            done = _failed(target.camera_id, "refused", exc.detail)
        results[target.camera_id] = done.model_copy(update={"elapsed_ms": elapsed_ms})
    order = [t.camera_id for t in found]
    return [results[i] for i in order] + missing


def summary(results: Sequence[ProbeResult], *, dry_run: bool) -> ProbeSummary:
    """The counts the CLI prints as its last line."""
    ok = sum(r.ok for r in results)
    return ProbeSummary(
        probed=len(results),
        ok=ok,
        failed=len(results) - ok,
        written=sum(r.written for r in results),
        dry_run=dry_run,
    )
