"""Caller-location parse throughput per format, against plain parsers in the same run.

Baselines (measured in the same process, on the same bytes):
* ``xml.etree`` parse of the PIDF-LO bytes: what unsafe XML parsing alone costs, so the ratio
  shows the price of safety (defusedxml, size/depth checks) plus the shape maths;
* ``defusedxml`` parse alone: the safety without the location work;
* ``orjson.loads`` for the JSON body.

Run: ``.venv/bin/python benchmarks/bench_location.py [--repeat N]``.
"""

from __future__ import annotations

import argparse
import statistics
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import defusedxml.ElementTree as SafeET
import orjson

from camroute.location import LocationParseError, parse_location

VECTORS = Path(__file__).resolve().parents[1] / "tests" / "data" / "location"
CASES: list[tuple[str, str, str | None]] = [
    ("pidf-lo circle", "pidflo_circle_rfc5491.xml", "application/pidf+xml"),
    ("pidf-lo ellipse", "pidflo_ellipse_rfc5491.xml", "application/pidf+xml"),
    ("pidf-lo arcband", "pidflo_arcband_rfc5491.xml", "application/pidf+xml"),
    ("pidf-lo polygon", "pidflo_polygon_poslist_rfc5491.xml", "application/pidf+xml"),
    ("pidf-lo 13 objects", "pidflo_multi_location_all_shapes_asterisk.xml", None),
    ("aml sms v1", "constructed_aml_sms_v1_danang.txt", "text/plain"),
    ("aml https", "aml_https_uk_full.txt", "application/x-www-form-urlencoded"),
    ("aml data sms (hex)", "aml_sms_data_7bit_packed.hex", "text/plain"),
]
INLINE: list[tuple[str, bytes, str | None]] = [
    (
        "json",
        b'{"lon": 106.698, "lat": 10.7725, "uncertainty_m": 35, "confidence": 68}',
        "application/json",
    ),
    ("geojson point", b'{"type": "Point", "coordinates": [106.698, 10.7725]}', "application/json"),
    ("geo uri", b"geo:10.7769,106.7009;u=35", "text/plain"),
    ("plus code", b"7P28QMFX+26", "text/plain"),
]


def measure(fn: Callable[[], object], *, repeat: int) -> list[float]:
    """Per-call wall times in microseconds (after a short warm-up)."""
    for _ in range(min(50, repeat)):
        fn()
    times: list[float] = []
    for _ in range(repeat):
        start = time.perf_counter_ns()
        fn()
        times.append((time.perf_counter_ns() - start) / 1000.0)
    return times


def row(label: str, times: list[float], baseline_p50: float | None) -> str:
    p50 = statistics.median(times)
    p99 = statistics.quantiles(times, n=100)[98]
    ratio = f"{p50 / baseline_p50:7.1f}x" if baseline_p50 else "      -"
    return f"{label:<34} {1e6 / p50:>10,.0f} {p50:>10.1f} {p99:>10.1f} {ratio}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2000)
    args = parser.parse_args()
    print(f"{'format':<34} {'msg/s':>10} {'p50 us':>10} {'p99 us':>10} {'vs base':>8}")
    pidf = (VECTORS / "pidflo_circle_rfc5491.xml").read_bytes()
    base = statistics.median(measure(lambda: ET.fromstring(pidf), repeat=args.repeat))
    print(
        row(
            "baseline: xml.etree parse (PIDF)",
            measure(lambda: ET.fromstring(pidf), repeat=args.repeat),
            base,
        )
    )
    safe = measure(lambda: SafeET.fromstring(pidf, forbid_dtd=True), repeat=args.repeat)
    print(row("defusedxml parse only (PIDF)", safe, base))
    for label, name, content_type in CASES:
        body = (VECTORS / name).read_bytes()
        times = measure(
            lambda b=body, c=content_type: parse_location(b, content_type=c), repeat=args.repeat
        )
        print(row(label, times, base))
    json_body = INLINE[0][1]
    json_base = statistics.median(measure(lambda: orjson.loads(json_body), repeat=args.repeat))
    print(
        row(
            "baseline: orjson.loads (JSON)",
            measure(lambda: orjson.loads(json_body), repeat=args.repeat),
            json_base,
        )
    )
    for label, body, content_type in INLINE:
        times = measure(
            lambda b=body, c=content_type: parse_location(b, content_type=c), repeat=args.repeat
        )
        print(row(label, times, json_base))
    hostile = (VECTORS / "constructed_pidflo_billion_laughs_must_reject.xml").read_bytes()
    print(
        row(
            "billion laughs (refused)", measure(lambda: _refused(hostile), repeat=args.repeat), base
        )
    )


def _refused(body: bytes) -> None:
    try:
        parse_location(body)
    except LocationParseError:
        return
    raise AssertionError("hostile body was accepted")


if __name__ == "__main__":
    main()
