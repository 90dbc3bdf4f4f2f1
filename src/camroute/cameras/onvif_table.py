"""The rich table ``camroute cameras onvif-probe`` prints: one row per camera."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table
from rich.text import Text

from camroute.cameras.onvif_model import OnvifDevice, ProbeResult


def _streams(device: OnvifDevice) -> str:
    parts = []
    for label, token in (("main", device.main_token), ("sub", device.sub_token)):
        profile = device.profile(token)
        if profile is not None:
            size = f" {profile.width_px}x{profile.height_px}" if profile.width_px else ""
            parts.append(f"{label} {profile.encoding or '?'}{size}")
    return ", ".join(parts) or "none"


def _ptz(device: OnvifDevice) -> str:
    ptz = device.ptz
    if ptz is None:
        return "no"
    spans = [
        f"{name} {span.min:g}..{span.max:g}"
        for name, span in (("pan", ptz.pan), ("tilt", ptz.tilt), ("zoom", ptz.zoom))
        if span is not None
    ]
    return "yes: " + ", ".join(spans)


def _outcome(result: ProbeResult, *, dry_run: bool) -> Text:
    if not result.ok:
        return Text(f"{result.error}: {result.reason}", style="red")
    fields = ", ".join(result.changed_fields) or "nothing changed"
    verb = "would set" if dry_run else "set"
    return Text(f"{verb} {fields}" if result.changed_fields else fields, style="green")


def probe_table(results: Sequence[ProbeResult], *, dry_run: bool) -> Table:
    """One row per camera: device, streams, PTZ, and what was (or would be) written."""
    table = Table(title="ONVIF probe" + (" (dry run: nothing written)" if dry_run else ""))
    for column in ("camera", "device", "streams", "ptz", "result", "ms"):
        table.add_column(column, overflow="fold")
    for result in results:
        device = result.device
        table.add_row(
            result.camera_id,
            f"{device.info.manufacturer} {device.info.model} {device.info.firmware or ''}"
            if device
            else "-",
            _streams(device) if device else "-",
            _ptz(device) if device else "-",
            _outcome(result, dry_run=dry_run),
            f"{result.elapsed_ms:.0f}",
        )
    return table
