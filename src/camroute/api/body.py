"""Read a raw request body with a hard size limit, before anything parses it."""

from __future__ import annotations

from fastapi import Request

from camroute.errors import PayloadTooLargeError


async def read_limited_body(request: Request, *, max_bytes: int) -> bytes:
    """Return the body, refusing it as soon as it grows past ``max_bytes``."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise PayloadTooLargeError(
            f"body of {declared} bytes exceeds the limit of {max_bytes} bytes", field="body"
        )
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise PayloadTooLargeError(f"body exceeds the limit of {max_bytes} bytes", field="body")
        chunks.append(chunk)
    return b"".join(chunks)
