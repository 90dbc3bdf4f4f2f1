"""Camera simulator: snapshot and MJPEG endpoints for many camera ids (demo and tests only).

Each frame is a drawn street scene (road, lane marks, kerbs: no people, no vehicles, no plates)
with the camera id and the UTC time burnt in, so a viewer sees which camera and how old the
frame is. Frames are drawn and JPEG-encoded with Pillow; nothing is read from a real camera.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime
from functools import lru_cache

import anyio
from fastapi import FastAPI
from fastapi.responses import Response, StreamingResponse
from PIL import Image, ImageDraw, ImageFont

from camroute.api.problems import install_problem_handlers
from camroute.errors import InvalidInputError, NotFoundError

BOUNDARY = "camrouteframe"
MAX_FPS = 30.0


@lru_cache(maxsize=4)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _background(width: int, height: int, seed: int) -> Image.Image:
    """A static road scene, tinted per camera so two cameras never look alike."""
    sky = (90 + seed % 60, 120 + seed % 50, 150 + seed % 40)
    image = Image.new("RGB", (width, height), sky)
    draw = ImageDraw.Draw(image)
    horizon = height // 3
    draw.rectangle((0, horizon, width, height), fill=(70, 72, 75))
    draw.polygon(
        [(width * 0.45, horizon), (width * 0.55, horizon), (width, height), (0, height)],
        fill=(55, 57, 60),
    )
    for i in range(6):
        y0 = horizon + (height - horizon) * i / 6
        y1 = y0 + (height - horizon) / 12
        draw.line((width / 2, y0, width / 2, y1), fill=(230, 220, 120), width=1 + i)
    return image


def render_frame(
    camera_id: str,
    *,
    at: datetime,
    width_px: int = 320,
    height_px: int = 240,
    quality: int = 70,
) -> bytes:
    """One JPEG frame showing ``camera_id`` and the UTC time ``at``.

    Examples
    --------
    >>> jpeg = render_frame("CAM-1", at=datetime(2026, 1, 1, tzinfo=UTC))
    >>> jpeg[:2] == bytes([0xFF, 0xD8]) and jpeg[-2:] == bytes([0xFF, 0xD9])
    True
    """
    if at.tzinfo is None:
        raise InvalidInputError("frame time must be timezone-aware", field="at")
    seed = sum(camera_id.encode())
    image = _background(width_px, height_px, seed)
    draw = ImageDraw.Draw(image)
    stamp = at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3] + "Z"
    draw.rectangle((0, 0, width_px, 44), fill=(0, 0, 0))
    draw.text((6, 2), camera_id, fill=(255, 255, 255), font=_font(18))
    draw.text((6, 24), stamp, fill=(255, 255, 0), font=_font(14))
    buf = io.BytesIO()
    image.save(buf, format="JPEG", quality=quality)
    return buf.getvalue()


def mjpeg_part(jpeg: bytes) -> bytes:
    """One multipart part (boundary, headers, JPEG) of a ``multipart/x-mixed-replace`` stream.

    Examples
    --------
    >>> mjpeg_part(b"JPEG").startswith(b"--camrouteframe")
    True
    """
    head = (
        f"--{BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: {len(jpeg)}\r\n\r\n"
    ).encode()
    return head + jpeg + b"\r\n"


def _check_id(camera_id: str, known: frozenset[str]) -> None:
    if known and camera_id not in known:
        raise NotFoundError(f"camera {camera_id!r} is not simulated here", field="camera_id")


def create_sim_app(
    *, camera_ids: Iterable[str] = (), fps: float = 5.0, width_px: int = 320, height_px: int = 240
) -> FastAPI:
    """The simulator app; with no ``camera_ids`` every id is served."""
    if not 0.0 < fps <= MAX_FPS:
        raise InvalidInputError(f"fps must be in (0, {MAX_FPS}], got {fps}", field="fps")
    known = frozenset(camera_ids)
    app = FastAPI(title="camroute camera simulator")
    install_problem_handlers(app)

    def frame(camera_id: str) -> bytes:
        now = datetime.now(UTC)
        return render_frame(camera_id, at=now, width_px=width_px, height_px=height_px)

    @app.get("/cameras/{camera_id}/snapshot.jpg")
    async def snapshot(camera_id: str) -> Response:
        _check_id(camera_id, known)
        jpeg = await anyio.to_thread.run_sync(frame, camera_id)
        return Response(jpeg, media_type="image/jpeg", headers={"Cache-Control": "no-store"})

    @app.get("/cameras/{camera_id}/mjpeg")
    async def mjpeg(camera_id: str) -> StreamingResponse:
        _check_id(camera_id, known)

        async def parts() -> AsyncIterator[bytes]:
            while True:
                yield mjpeg_part(await anyio.to_thread.run_sync(frame, camera_id))
                await anyio.sleep(1.0 / fps)

        return StreamingResponse(
            parts(),
            media_type=f"multipart/x-mixed-replace; boundary={BOUNDARY}",
            headers={"Cache-Control": "no-store"},
        )

    return app
