"""Live video relay: N concurrent viewers of 2 Mbit/s H.264 through the fMP4 hub.

One simulated RTSP camera (GStreamer, ``snow`` pattern so x264 fills its 2 Mbit/s) feeds a
server process that runs :class:`camroute.live.hub.VideoHub` behind uvicorn exactly as the
relay does (one ffmpeg ``-c copy`` remux per upstream, fan-out of fragments to every viewer).
Viewers are spread over ``--upstreams`` keys, each its own ffmpeg reading the camera, so the
figures cover both the per-upstream remux and the per-viewer fan-out. In the same run one
ffmpeg reads the camera directly (``-c copy -f h264``): the baseline for CPU, and the clock for
latency. A frame's added latency is the time it reached a viewer (HTTP, fMP4 parsed) minus the
time the same slice (byte-equal NAL unit) reached the direct reader.

Reported per N: server CPU (uvicorn process + its ffmpeg children) in % of one core, per viewer
and per upstream; the direct reader's CPU; added latency p50 / p99; server RSS (process and
children). The ticket checks and audit of the real endpoint are not in this path (one store
read per viewer per second).

Usage: ``python benchmarks/bench_live.py [--viewers 8 32 64] [--upstreams 4] [--seconds 10]``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from camroute.live.fmp4 import BoxSplitter, fragment, samples  # noqa: E402
from camroute.live.hub import VideoHub  # noqa: E402
from camroute.live.source import VideoSource  # noqa: E402
from camroute.sim.rtsp import RtspCamera  # noqa: E402
from camroute.sim.server import free_port  # noqa: E402

START = b"\x00\x00\x01"


def serve(port: int, rtsp_url: str, upstreams: int) -> None:
    """The server process: the hub behind uvicorn, ``/v/{i}`` on upstream ``i % upstreams``."""
    import uvicorn
    from fastapi import FastAPI
    from fastapi.responses import StreamingResponse

    app = FastAPI()
    hub = VideoHub(linger_s=1.0)

    @app.get("/v/{index}")
    async def video(index: int) -> StreamingResponse:
        viewer = await hub.join(f"cam{index % upstreams}", VideoSource(rtsp_url))

        async def body() -> AsyncIterator[bytes]:
            try:
                while (data := await viewer.queue.get()) is not None:
                    yield data
            finally:
                hub.leave(viewer)

        return StreamingResponse(body(), media_type="video/mp4")

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


def first_slice(nals: list[bytes]) -> bytes | None:
    return next((n for n in nals if n and n[0] & 0x1F in (1, 5)), None)


async def direct_reader(url: str, seen: dict[int, float], stop: asyncio.Event) -> int:
    """ffmpeg reading the camera itself; the arrival time of each frame's first slice."""
    proc = await asyncio.create_subprocess_exec(
        *("ffmpeg", "-loglevel", "fatal", "-rtsp_transport", "tcp", "-fflags", "nobuffer"),
        *("-probesize", "32", "-analyzeduration", "0", "-i", url),
        *("-c", "copy", "-f", "h264", "pipe:1"),
        stdout=asyncio.subprocess.PIPE,
    )
    assert proc.stdout is not None
    buf, frame_start = b"", True
    while not stop.is_set():
        chunk = await proc.stdout.read(65536)
        if not chunk:
            break
        now = time.monotonic()
        buf += chunk
        parts = buf.split(START)
        buf = START + parts[-1]
        for nal in parts[:-1]:
            nal = nal.rstrip(b"\x00")
            if not nal:
                continue
            kind = nal[0] & 0x1F
            if kind == 9:  # access unit delimiter: a new frame begins
                frame_start = True
            elif kind in (1, 5) and frame_start:
                seen.setdefault(hash(nal), now)
                frame_start = False
    pid = proc.pid
    proc.kill()
    await proc.wait()
    return pid


async def viewer(url: str, seen: dict[int, float], stop: asyncio.Event, received: list[int]) -> int:
    """One viewer: stream the fMP4 and note when each frame's first slice arrived."""
    splitter, pending, frames = BoxSplitter(), None, 0
    async with httpx.AsyncClient(timeout=30.0) as client, client.stream("GET", url) as response:
        async for chunk in response.aiter_raw():
            now = time.monotonic()
            received[0] += len(chunk)
            frames += seen is None
            for box in [] if seen is None else splitter.feed(chunk):
                if box.kind == "moof":
                    pending = box
                elif box.kind == "mdat" and pending is not None:
                    for sample in samples(fragment(pending, box)):
                        nal = first_slice(_length_prefixed(sample))
                        if nal is not None and seen is not None:
                            seen.setdefault(hash(nal), now)
                            frames += 1
            if stop.is_set():
                break
    return frames


def _length_prefixed(sample: bytes) -> list[bytes]:
    out, at = [], 0
    while at + 4 <= len(sample):
        size = int.from_bytes(sample[at : at + 4], "big")
        out.append(sample[at + 4 : at + 4 + size])
        at += 4 + size
    return out


def _cpu_s(procs: list[psutil.Process]) -> float:
    total = 0.0
    for proc in procs:
        try:
            times = proc.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


def _tree(server: psutil.Process) -> list[psutil.Process]:
    return [server, *server.children(recursive=True)]


async def run_round(
    base: str, rtsp_url: str, server: psutil.Process, n: int, seconds: float
) -> dict[str, float]:
    stop = asyncio.Event()
    direct_seen: dict[int, float] = {}
    seen = [dict[int, float]() for _ in range(n)]
    direct = asyncio.create_task(direct_reader(rtsp_url, direct_seen, stop))
    received = [0]
    viewers = [
        asyncio.create_task(
            viewer(f"{base}/v/{i}", seen[i] if i % max(n // 8, 1) == 0 else None, stop, received)
        )
        for i in range(n)
    ]
    await asyncio.sleep(3.0)  # warm-up: upstreams open, first keyframe
    direct_proc = [p for p in psutil.Process().children() if p.name() == "ffmpeg"]
    tracked = {p.pid: p for p in _tree(server)}  # ffmpeg children that start later count too
    cpu0 = {pid: _cpu_s([p]) for pid, p in tracked.items()}
    t0, dcpu0, bytes0 = time.monotonic(), _cpu_s(direct_proc), received[0]
    rss, upstreams = 0, 0
    for _ in range(int(seconds)):
        await asyncio.sleep(1.0)
        tree = _tree(server)
        tracked.update({p.pid: p for p in tree})
        upstreams = max(upstreams, sum(1 for p in tree if p.name() == "ffmpeg"))
        rss = max(rss, sum(p.memory_info().rss for p in tree))
    wall = time.monotonic() - t0
    cpu = sum(_cpu_s([p]) - cpu0.get(pid, 0.0) for pid, p in tracked.items())
    dcpu = _cpu_s(direct_proc) - dcpu0
    mbit_s = (received[0] - bytes0) * 8 / wall / 1e6 / n
    stop.set()
    frames = await asyncio.gather(*viewers, return_exceptions=True)
    direct.cancel()
    await asyncio.gather(direct, return_exceptions=True)
    delays = [
        (at - direct_seen[key]) * 1000
        for s in seen
        for key, at in s.items()
        if key in direct_seen and t0 <= direct_seen[key] <= t0 + wall
    ]
    ok = sum(1 for f in frames if isinstance(f, int) and f > 0)
    q = statistics.quantiles(delays, n=100) if len(delays) > 100 else [float("nan")] * 99
    return {
        "viewers": n,
        "ok": ok,
        "upstreams": upstreams,
        "cpu_pct": 100 * cpu / wall,
        "direct_cpu_pct": 100 * dcpu / wall,
        "p50_ms": q[49],
        "p99_ms": q[98],
        "matched": len(delays),
        "rss_mb": rss / 1e6,
        "mbit_s": mbit_s,
    }


async def main_async(args: argparse.Namespace) -> None:
    cam = RtspCamera(["B"], fps=25, kbit=2000, size=(640, 360), pattern="snow").start()
    rtsp_url = cam.url("B")
    port = free_port()
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(port), rtsp_url, str(args.upstreams)],
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                httpx.get(base + "/docs", timeout=1.0)
                break
            except httpx.HTTPError:
                await asyncio.sleep(0.2)
        server = psutil.Process(child.pid)
        print(
            "viewers | ok | upstreams | server CPU % | per viewer % | direct ffmpeg CPU % "
            "| added latency p50 / p99 ms (frames) | server RSS MB | Mbit/s per viewer"
        )
        for n in args.viewers:
            r = await run_round(base, rtsp_url, server, n, args.seconds)
            print(
                f"{r['viewers']} | {r['ok']} | {r['upstreams']} | {r['cpu_pct']:.1f} | "
                f"{r['cpu_pct'] / n:.2f} | {r['direct_cpu_pct']:.1f} | "
                f"{r['p50_ms']:.1f} / {r['p99_ms']:.1f} ({r['matched']:.0f}) | {r['rss_mb']:.0f} | "
                f"{r['mbit_s']:.2f}",
                flush=True,
            )
            await asyncio.sleep(2.0)  # upstreams linger 1 s, then close
    finally:
        child.terminate()
        child.wait(timeout=10)
        cam.stop()


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--serve":
        serve(int(sys.argv[2]), sys.argv[3], int(sys.argv[4]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--viewers", type=int, nargs="+", default=[8, 32, 64])
    parser.add_argument("--upstreams", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10.0)
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
