"""What each PTZ camera said about itself (its service addresses, its PTZ profile), kept a while.

Every PTZ request used to open with two round trips of discovery: ``GetServices`` for the
service addresses, then ``GetProfiles`` for the media profile that drives the head. Both
answers change only when the camera is reconfigured, yet an aim, a nudge and a reading of
where it points each paid them: a third of an aim's requests, each a round trip to a camera on
the city's network. They are kept here per device URL, account name and NVR channel, for
``ttl_s`` at most. A link on kept facts that the camera refuses (or whose request does not get
through) before answering anything is run once more on fresh ones
(:func:`camroute.ptz.link.on_link`); any other failure of the camera's forgets them.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

TTL_S = 600.0  # a camera reconfigured meanwhile is caught by the retry; this bounds the rest
SIZE = 4096  # cameras kept (a few hundred bytes each); least recently used go first


class Account(Protocol):
    """Where a camera's device service is and who opens it (``link.PtzAccount``)."""

    @property
    def url(self) -> str: ...

    @property
    def username(self) -> str | None: ...

    @property
    def channel(self) -> int | None: ...


@dataclass(frozen=True)
class Known:
    """One camera's answers to discovery: service addresses by namespace, its PTZ profile."""

    xaddrs: tuple[tuple[str, str], ...]
    profile_token: str


class KnownDevices:
    """The :class:`Known` facts of at most ``size`` cameras, each for at most ``ttl_s``.

    Keyed by the device URL, the account's name and the NVR channel (if any), not the
    password: the facts are the device's, and a password never becomes a key.
    Shared by the threads that drive cameras.

    Examples
    --------
    >>> from camroute.ptz.link import PtzAccount
    >>> now = [0.0]
    >>> known = KnownDevices(ttl_s=60.0, size=2, clock=lambda: now[0])
    >>> cam = PtzAccount(url="http://10.0.0.7/onvif/device_service", username="op", password="x")
    >>> known.remember(cam, Known(xaddrs=(("ptz", "http://10.0.0.7/onvif/PTZ"),),
    ...     profile_token="Profile_1"))
    >>> known.get(cam).profile_token
    'Profile_1'
    >>> now[0] = 61.0
    >>> known.get(cam) is None, len(known)
    (True, 0)
    """

    def __init__(
        self,
        *,
        ttl_s: float = TTL_S,
        size: int = SIZE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if size < 1:
            raise ValueError(f"size must be at least 1 camera, got {size}")
        self._ttl_s = ttl_s
        self._size = size
        self._clock = clock
        self._kept: OrderedDict[tuple[str, str, int], tuple[float, Known]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._kept)

    def get(self, account: Account) -> Known | None:
        """The kept facts of ``account``'s camera, or None (never asked, expired, forgotten)."""
        key = _key(account)
        with self._lock:
            entry = self._kept.get(key)
            if entry is None:
                return None
            at_s, known = entry
            if self._clock() - at_s > self._ttl_s:
                del self._kept[key]
                return None
            self._kept.move_to_end(key)
            return known

    def remember(self, account: Account, known: Known) -> None:
        """Keep what ``account``'s camera just answered to discovery."""
        key = _key(account)
        with self._lock:
            self._kept[key] = (self._clock(), known)
            self._kept.move_to_end(key)
            while len(self._kept) > self._size:
                self._kept.popitem(last=False)

    def forget(self, account: Account) -> None:
        """Drop ``account``'s camera: its next link asks again."""
        with self._lock:
            self._kept.pop(_key(account), None)


def _key(account: Account) -> tuple[str, str, int]:
    # The channel too: an NVR's cameras share its URL and account, not their heads.
    return account.url, account.username or "", account.channel or 0
