"""A failed ONVIF probe as the API's typed error (rendered as problem+json)."""

from __future__ import annotations

from camroute.cameras.onvif_model import ProbeErrorKind, ProbeResult
from camroute.cameras.store import CameraNotFoundError
from camroute.errors import CamrouteError, ConflictError, InvalidInputError, UpstreamError


class NoOnvifUrlError(ConflictError):
    """The camera has no ``onvif_url`` to ask."""

    code = "no_onvif_url"


class OnvifRefusedError(InvalidInputError):
    """The ONVIF or stream URL is outside the camera networks, or the camera changed meanwhile."""

    code = "onvif_refused"


class OnvifNoChannelError(InvalidInputError):
    """The NVR has no video channel with the camera's ``nvr_channel`` number."""

    code = "onvif_no_channel"
    title = "No such NVR channel"


class OnvifUnreachableError(UpstreamError):
    """The camera did not accept the connection."""

    code = "onvif_unreachable"
    title = "Camera unreachable over ONVIF"


class OnvifNotAuthorizedError(UpstreamError):
    """The camera refused the ONVIF account."""

    code = "onvif_not_authorized"
    title = "Camera refused the ONVIF account"


class OnvifMalformedError(UpstreamError):
    """The camera answered something that is not valid ONVIF."""

    code = "onvif_malformed"
    title = "Camera answer is not valid ONVIF"


class OnvifTimeoutError(UpstreamError):
    """The camera did not answer in time."""

    status = 504
    code = "onvif_timeout"
    title = "Camera did not answer in time"


ERRORS: dict[ProbeErrorKind, type[CamrouteError]] = {
    "not_found": CameraNotFoundError,
    "no_onvif_url": NoOnvifUrlError,
    "no_channel": OnvifNoChannelError,
    "refused": OnvifRefusedError,
    "unreachable": OnvifUnreachableError,
    "not_authorized": OnvifNotAuthorizedError,
    "malformed": OnvifMalformedError,
    "timeout": OnvifTimeoutError,
}


def raise_for(result: ProbeResult) -> ProbeResult:
    """``result`` when it succeeded; its typed error otherwise."""
    if result.ok or result.error is None:
        return result
    raise ERRORS[result.error](result.reason or result.error, field="onvif_url")
