"""What can go wrong when camroute moves a camera; each renders as problem+json."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from camroute.errors import CamrouteError, ConflictError, PermissionDeniedError, UpstreamError


class PtzTimeoutError(UpstreamError):
    """The camera did not answer, or did not stop moving, in time (the detail says which)."""

    status: ClassVar[int] = 504
    code: ClassVar[str] = "ptz_timeout"
    title: ClassVar[str] = "The camera did not answer in time"


class PtzRefusedError(CamrouteError):
    """The camera refused the move (outside its limits, or a fault it named)."""

    status: ClassVar[int] = 422
    code: ClassVar[str] = "ptz_refused"
    title: ClassVar[str] = "The camera refused the move"


class NoPtzError(CamrouteError):
    """The camera cannot be moved over ONVIF (no PTZ service, no ONVIF address)."""

    status: ClassVar[int] = 422
    code: ClassVar[str] = "ptz_unsupported"
    title: ClassVar[str] = "The camera cannot be moved"


class PtzUpstreamError(UpstreamError):
    """The camera is unreachable, refused the account, or answered garbage."""

    code: ClassVar[str] = "ptz_upstream_failed"
    title: ClassVar[str] = "The camera failed"


class PtzLockedError(ConflictError):
    """Another user controls the camera right now; the problem names who, and until when."""

    code: ClassVar[str] = "ptz_locked"
    title: ClassVar[str] = "Another dispatcher controls the camera"

    def __init__(
        self,
        detail: str,
        *,
        holder: str | None,
        holder_role: str | None,
        lock_until: datetime | None,
        field: str | None = "camera_id",
    ) -> None:
        super().__init__(detail, field=field)
        self.holder, self.holder_role, self.lock_until = holder, holder_role, lock_until

    def to_problem(self) -> dict[str, Any]:
        """The problem with ``holder``, ``holder_role`` and ``lock_until`` (ISO 8601, UTC)."""
        body = super().to_problem()
        body["holder"] = self.holder
        body["holder_role"] = self.holder_role
        body["lock_until"] = self.lock_until.isoformat() if self.lock_until else None
        return body


class DoNotMoveError(PermissionDeniedError):
    """The camera is marked "do not move" (a traffic patrol, say)."""

    code = "ptz_do_not_move"
    title = "This camera must not be moved"
