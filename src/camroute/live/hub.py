"""One upstream per camera stream, shared by every viewer: ffmpeg remuxes RTSP to fMP4.

ffmpeg (``-c copy``: the camera's own H.264/H.265 packets, never decoded) reads the camera
once and writes fragmented MP4 with one frame per fragment, so a fragment leaves as soon as its
frame arrived. The feed keeps the init segment and the fragments since the last keyframe;
a viewer who joins gets the init segment, then that group of pictures, then every new
fragment. A viewer who falls behind by ``QUEUE_FRAGMENTS`` skips to the next keyframe instead
of slowing the others. The feed opens on the first viewer and closes ``linger_s`` after the
last one leaves (a page reload re-attaches without a new RTSP session), when ffmpeg exits
(the camera went away), or when no media arrives for ``stale_after_s``.

The camera's URL and credentials reach ffmpeg on its stdin, never on its command line, and
ffmpeg's messages are logged with every URL's user info and the password blanked.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field, replace

from camroute.live.camclock import CameraClock, prft_times, timescale
from camroute.live.fmp4 import Box, BoxSplitter, Fragment, Mp4FormatError, codec_string, fragment
from camroute.live.fmp4 import default_sample_flags as trex_flags_of
from camroute.live.source import VideoSource, ffmpeg_command, input_list
from camroute.live.upstream import CameraUnreachableError

log = logging.getLogger(__name__)
QUEUE_FRAGMENTS = 90  # about 3-9 s of video at 10-30 fps
GOP_MAX_FRAGMENTS = 600


@dataclass(eq=False)
class Viewer:
    """One viewer's queue of fMP4 bytes (None: the feed ended)."""

    feed: Feed
    queue: asyncio.Queue[bytes | None] = field(
        default_factory=lambda: asyncio.Queue(QUEUE_FRAGMENTS)
    )
    skipping: bool = False  # fell behind: waits for the next keyframe

    def offer(self, frag: Fragment) -> None:
        if self.skipping and not frag.keyframe:
            return
        try:
            self.queue.put_nowait(frag.data)
            self.skipping = False
        except asyncio.QueueFull:
            self.skipping = True

    def end(self) -> None:
        try:
            self.queue.put_nowait(None)
        except asyncio.QueueFull:  # make room: the end matters more than one more frame
            self.queue.get_nowait()
            self.queue.put_nowait(None)


@dataclass(eq=False)
class Feed:
    """One camera stream read by one ffmpeg, fanned out to its viewers."""

    key: str
    source: VideoSource
    proc: asyncio.subprocess.Process
    init: bytes = b""
    codec: str = ""
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    gop: list[bytes] = field(default_factory=list)
    viewers: set[Viewer] = field(default_factory=set)
    waiting: int = 0  # viewers waiting for the init segment
    last_data_at: float | None = None  # time.monotonic() of the last media bytes
    camera_time_s: float | None = None  # the last frame's time on the camera's clock (Unix s)
    camera_lag_s: float | None = None  # when it arrived here, minus that (clock offset + delay)
    prft: bytes = b""  # the producer reference time box of the fragment being read
    clock: CameraClock = field(default_factory=CameraClock)
    fragments: int = 0
    ended: str | None = None
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    closer: asyncio.TimerHandle | None = None

    def age_s(self) -> float | None:
        """Seconds since the last media bytes arrived (None before the first)."""
        return None if self.last_data_at is None else time.monotonic() - self.last_data_at

    def take(self, frag: Fragment) -> None:
        self.last_data_at = time.monotonic()
        self.fragments += 1
        if frag.keyframe:
            self.gop = [frag.data]
        elif not self.gop:
            return  # before the first keyframe: nothing a decoder could start from
        elif len(self.gop) < GOP_MAX_FRAGMENTS:
            self.gop.append(frag.data)
        for viewer in self.viewers:
            viewer.offer(frag)


class VideoHub:
    """The running feeds, by key (a camera and its stream); one ffmpeg per key."""

    def __init__(
        self,
        *,
        ffmpeg: str = "ffmpeg",
        linger_s: float = 3.0,
        open_timeout_s: float = 10.0,
        stale_after_s: float = 5.0,
    ) -> None:
        self.ffmpeg = ffmpeg
        self.linger_s = linger_s
        self.open_timeout_s = open_timeout_s
        self.stale_after_s = stale_after_s
        self.feeds: dict[str, Feed] = {}
        self._starting: dict[str, asyncio.Lock] = {}
        self._tasks: set[asyncio.Task[None]] = set()  # of every feed, ended ones too
        self.opened = 0  # ffmpeg processes started, ever (for tests and the benchmark)
        self.codecs: dict[str, str] = {}  # the codec string each key's last feed had

    async def join(self, key: str, source: VideoSource) -> Viewer:
        """A viewer of ``key``'s feed (started if needed), once its init segment is known."""
        async with self._starting.setdefault(key, asyncio.Lock()):  # one ffmpeg, however many
            feed = self.feeds.get(key)
            if feed is None or feed.ended is not None:
                feed = await self._start(key, source)
            if feed.closer is not None:
                feed.closer.cancel()
                feed.closer = None
            feed.waiting += 1
        try:
            async with asyncio.timeout(self.open_timeout_s):
                await feed.ready.wait()
        except TimeoutError:
            self._stop(feed, "no video within the open timeout")
        finally:
            feed.waiting -= 1
        if not feed.init:
            self._linger(feed)
            raise CameraUnreachableError(f"the video did not open: {feed.ended}")
        # In one step with no await: no fragment can slip in before the init segment.
        viewer = Viewer(feed)
        viewer.queue.put_nowait(feed.init)
        if len(feed.gop) < QUEUE_FRAGMENTS - 1:
            for data in feed.gop:
                viewer.queue.put_nowait(data)
        else:  # a long group of pictures: start at the next keyframe instead
            viewer.skipping = True
        feed.viewers.add(viewer)
        if feed.ended is not None:
            viewer.end()
        return viewer

    def leave(self, viewer: Viewer) -> None:
        """The viewer went; the feed closes ``linger_s`` after its last viewer."""
        viewer.feed.viewers.discard(viewer)
        self._linger(viewer.feed)

    def _linger(self, feed: Feed) -> None:
        if feed.viewers or feed.waiting or feed.closer is not None or feed.ended is not None:
            return
        loop = asyncio.get_running_loop()
        feed.closer = loop.call_later(self.linger_s, self._stop, feed, "no viewers")

    async def aclose(self) -> None:
        """Stop every feed and wait for its ffmpeg to be reaped (the app is shutting down)."""
        for feed in list(self.feeds.values()):
            self._stop(feed, "shutdown")
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _start(self, key: str, source: VideoSource) -> Feed:
        try:
            proc = await asyncio.create_subprocess_exec(
                *ffmpeg_command(ffmpeg=self.ffmpeg),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
            assert proc.stdin is not None
            proc.stdin.write(input_list(source, timeout_s=self.stale_after_s))
            await proc.stdin.drain()
            proc.stdin.close()
        except (OSError, ConnectionError) as exc:
            raise CameraUnreachableError(f"ffmpeg could not start: {exc}") from exc
        self.opened += 1
        feed = Feed(key=key, source=source, proc=proc)
        self.feeds[key] = feed
        feed.tasks = [
            asyncio.create_task(self._read(feed)),
            asyncio.create_task(self._log(feed)),
            asyncio.create_task(self._watch(feed)),
        ]
        for task in feed.tasks:
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return feed

    async def _read(self, feed: Feed) -> None:
        assert feed.proc.stdout is not None
        splitter, pending, trex = BoxSplitter(), None, 0
        reason = "upstream ended"
        try:
            while chunk := await feed.proc.stdout.read(65536):
                for box in splitter.feed(chunk):
                    pending, trex = self._box(feed, box, pending, trex)
        except Mp4FormatError as exc:
            reason = f"ffmpeg wrote no fragmented MP4: {exc}"
        except (ValueError, IndexError) as exc:
            reason = f"unreadable fragment: {exc}"
        self._stop(feed, reason)
        await feed.proc.wait()

    def _box(self, feed: Feed, box: Box, pending: Box | None, trex: int) -> tuple[Box | None, int]:
        if box.kind == "ftyp":
            feed.init = box.data
        elif box.kind == "moov":
            feed.init += box.data
            feed.codec = codec_string(box)
            self.codecs[feed.key] = feed.codec
            feed.ready.set()
            trex = trex_flags_of(box)
            feed.clock.ticks_per_s = timescale(box)
        elif box.kind == "prft":
            self._prft(feed, box)
        elif box.kind == "moof":
            return box, trex
        elif box.kind == "mdat" and pending is not None:
            frag = fragment(pending, box, trex_flags=trex)
            if feed.prft:  # kept with its fragment: the page reads the camera's clock there
                frag = replace(
                    frag, data=feed.prft + frag.data, mdat_offset=len(feed.prft) + frag.mdat_offset
                )
                feed.prft = b""
            feed.take(frag)
        return None, trex

    @staticmethod
    def _prft(feed: Feed, box: Box) -> None:
        """Keep the box for its fragment when it states the camera's clock; drop ffmpeg's own."""
        times, now = prft_times(box), time.time()
        if times is not None and feed.clock.is_camera(*times, arrived_s=now):
            feed.prft = box.data
            feed.camera_time_s = times[0]
            feed.camera_lag_s = now - times[0]

    async def _log(self, feed: Feed) -> None:
        assert feed.proc.stderr is not None
        while line := await feed.proc.stderr.readline():
            text = feed.source.redact(line.decode("utf-8", "replace").strip())
            log.warning("video %s: ffmpeg: %s", feed.key, text[:500])

    async def _watch(self, feed: Feed) -> None:
        """End a feed whose camera stopped sending (ffmpeg may wait longer on its socket)."""
        while feed.ended is None:
            await asyncio.sleep(0.5)
            age = feed.age_s()
            if age is not None and age > self.stale_after_s:
                self._stop(feed, f"no media for {age:.1f} s")

    def _stop(self, feed: Feed, reason: str) -> None:
        if feed.ended is None:
            feed.ended = reason
            log.info("video %s closed: %s", feed.key, reason)
        if self.feeds.get(feed.key) is feed:
            del self.feeds[feed.key]
        if feed.closer is not None:
            feed.closer.cancel()
        if feed.proc.returncode is None:
            feed.proc.kill()
        feed.ready.set()
        for viewer in list(feed.viewers):
            viewer.end()
