"""PTZ requests and wall time per aim, nudge and position read, with and without kept facts.

Against the tests' fake ONVIF PTZ camera (``tests/ptz/ptz_device.py``: a head with a finite
speed, WS-UsernameToken checked on every request), each request answered after ``--rtt-ms``
as a camera on the city's network would be. "asked" links discover the camera every time
(``GetServices``, ``GetProfiles``); "kept" links use what it answered on an earlier link
(:mod:`camroute.ptz.known`). The two alternate, move for move, in one process.

Run: ``.venv/bin/python benchmarks/bench_ptz.py [--moves 40] [--rtt-ms 0 20]``.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' fake camera

from tests.ptz.ptz_device import PtzCamera, running

from camroute.ptz.aim import PtzPosition
from camroute.ptz.known import KnownDevices
from camroute.ptz.link import PtzAccount
from camroute.ptz.onvif_ptz import move_and_settle, read_status

OPERATIONS = ("GetServices", "GetProfiles", "GetStatus", "GetPresets", "AbsoluteMove")


def run(moves: int, rtt_ms: float) -> None:
    fake = PtzCamera()
    fake.head.speed_per_s = 1e6  # the head's travel is not what is measured
    fake.delay_s = {op: rtt_ms / 1000.0 for op in OPERATIONS}
    rng = np.random.default_rng(3)
    goals = [
        PtzPosition(pan=float(p), tilt=float(t), zoom=0.0)
        for p, t in rng.uniform([-0.9, -0.4], [0.9, 0.9], (moves, 2))
    ]
    with running(fake) as url:
        account = PtzAccount(url=url, username="admin", password="Cam-pass-1")
        known = KnownDevices()
        asyncio.run(read_status(account, known=known))  # the first link on "kept" discovers
        took: dict[tuple[str, str], list[float]] = {}
        asked: dict[tuple[str, str], list[int]] = {}

        def timed(what: str, mode: str, work: Coroutine[Any, Any, object]) -> None:
            since = len(fake.calls)
            t0 = time.perf_counter()
            asyncio.run(work)
            took.setdefault((what, mode), []).append((time.perf_counter() - t0) * 1000.0)
            asked.setdefault((what, mode), []).append(len(fake.calls) - since)

        for i, goal in enumerate(goals):
            for mode in ("asked", "kept") if i % 2 == 0 else ("kept", "asked"):
                kept = known if mode == "kept" else None
                timed(
                    "aim",
                    mode,
                    move_and_settle(account, goal=goal, choose=lambda _: None, known=kept),
                )
                timed("read", mode, read_status(account, known=kept))
        for what in ("aim", "read"):
            base = np.percentile(took[(what, "asked")], 50)
            for mode in ("asked", "kept"):
                ms, n = took[(what, mode)], np.mean(asked[(what, mode)])
                print(
                    f"rtt {rtt_ms:4.0f} ms  {what:4} {mode:5}  requests {n:4.1f}"
                    f"  p50 {np.percentile(ms, 50):7.1f} ms  p99 {np.percentile(ms, 99):7.1f} ms"
                    f"  ratio p50 {base / np.percentile(ms, 50):4.2f}x",
                    flush=True,
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--moves", type=int, default=40)
    parser.add_argument("--rtt-ms", type=float, nargs="+", default=[0.0, 20.0])
    args = parser.parse_args()
    for rtt_ms in args.rtt_ms:
        run(args.moves, rtt_ms)


if __name__ == "__main__":
    main()
