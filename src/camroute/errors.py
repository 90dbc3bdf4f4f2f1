"""The one error hierarchy; rendered once as RFC 9457 problem+json by ``camroute.api.problems``."""

from __future__ import annotations

from typing import Any, ClassVar


class CamrouteError(Exception):
    """Base of every error camroute raises on purpose.

    ``status``, ``code`` and ``title`` are safe to show to a client; ``detail`` names the bad
    value and the reason; ``errors`` lists ``{"field", "reason"}`` items.
    """

    status: ClassVar[int] = 500
    code: ClassVar[str] = "internal_error"
    title: ClassVar[str] = "Internal error"

    def __init__(
        self,
        detail: str,
        *,
        field: str | None = None,
        errors: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field
        self.errors = errors or ([{"field": field, "reason": detail}] if field else [])

    def to_problem(self) -> dict[str, Any]:
        """RFC 9457 body; 5xx carries no internals."""
        body: dict[str, Any] = {
            "type": f"urn:camroute:problem:{self.code}",
            "title": self.title,
            "status": self.status,
            "code": self.code,
        }
        if self.status < 500:
            body["detail"] = self.detail
            if self.errors:
                body["errors"] = self.errors
        return body


class InvalidInputError(CamrouteError):
    """Input that is well-formed HTTP but wrong in content."""

    status = 422
    code = "invalid_input"
    title = "Invalid input"


class NotFoundError(CamrouteError):
    """The addressed object does not exist."""

    status = 404
    code = "not_found"
    title = "Not found"


class ConflictError(CamrouteError):
    """The change conflicts with the stored state (stale version, duplicate id)."""

    status = 409
    code = "conflict"
    title = "Conflict"


class PreconditionFailedError(CamrouteError):
    """An ``If-Match`` version did not match the stored one."""

    status = 412
    code = "precondition_failed"
    title = "Precondition failed"


class AuthenticationError(CamrouteError):
    """No or bad credentials."""

    status = 401
    code = "unauthenticated"
    title = "Authentication required"


class PermissionDeniedError(CamrouteError):
    """Authenticated, but this role or this situation does not allow it."""

    status = 403
    code = "forbidden"
    title = "Forbidden"


class CrossOriginError(PermissionDeniedError):
    """A cookie-authenticated write sent by another site's page (cross-site request forgery)."""

    code = "cross_origin_refused"
    title = "Cross-origin request refused"


class TooManyRequestsError(CamrouteError):
    """Not now: retry after ``retry_after_s`` seconds (sent as ``Retry-After``)."""

    status = 429
    code = "too_many_requests"
    title = "Too many requests"

    def __init__(self, detail: str, *, retry_after_s: float, field: str | None = None) -> None:
        super().__init__(detail, field=field)
        self.retry_after_s = retry_after_s


class LoginThrottledError(TooManyRequestsError):
    """Too many failed logins for this user name or from this address: locked for a while."""

    code = "login_throttled"
    title = "Too many failed logins"


class LoginBusyError(TooManyRequestsError):
    """Every password-hashing slot stayed busy: the server refuses rather than pile up memory."""

    code = "login_busy"
    title = "Too many logins at once"


class PayloadTooLargeError(CamrouteError):
    """The request body is larger than ``CAMROUTE_MAX_BODY_BYTES``."""

    status = 413
    code = "payload_too_large"
    title = "Payload too large"


class UpstreamError(CamrouteError):
    """A camera or other upstream failed; the message is safe (no URLs, no credentials)."""

    status = 502
    code = "upstream_failed"
    title = "Upstream failed"

    def to_problem(self) -> dict[str, Any]:
        """Upstream failures are the client's business: say which and why, without URLs."""
        body = super().to_problem()
        body["detail"] = self.detail
        return body
