"""A camera's H.264 sub-stream, from its main RTSP URL, by the vendors' path rules.

IP cameras commonly send H.265 on the main stream and H.264 on a smaller sub-stream; a browser
that cannot play H.265 is then given the sub-stream. Hikvision (and OEMs such as HiLook) number
streams ``/Streaming/Channels/<channel><stream>`` with stream ``01`` main and ``02`` sub; Dahua
(and KBVision, an OEM) choose with ``subtype=0`` (main) or ``subtype=1`` (sub). Pure: no I/O.
"""

from __future__ import annotations

import re
from typing import Final

_HIKVISION: Final = re.compile(r"(?i)(/Streaming/Channels/\d*?)01(?=$|[?/])")
_DAHUA: Final = re.compile(r"(?i)([?&]subtype=)0(?=$|&)")


def sub_stream_url(main_url: str) -> str | None:
    """The sub-stream URL of ``main_url``, or None when no vendor rule names one.

    Examples
    --------
    >>> sub_stream_url("rtsp://10.0.0.5:554/Streaming/Channels/101")
    'rtsp://10.0.0.5:554/Streaming/Channels/102'
    >>> sub_stream_url("rtsp://10.0.0.6/cam/realmonitor?channel=1&subtype=0")
    'rtsp://10.0.0.6/cam/realmonitor?channel=1&subtype=1'
    >>> sub_stream_url("rtsp://10.0.0.7/live") is None
    True
    """
    for rule, sub in ((_HIKVISION, r"\g<1>02"), (_DAHUA, r"\g<1>1")):
        found, count = rule.subn(sub, main_url, count=1)
        if count:
            return found
    return None
