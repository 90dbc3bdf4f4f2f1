"""``ptz/known.py``: what each camera answered to discovery, kept a while and bounded."""

from __future__ import annotations

import threading

import pytest

from camroute.ptz.known import Known, KnownDevices
from camroute.ptz.link import PtzAccount

FACTS = Known(
    xaddrs=(("http://www.onvif.org/ver20/ptz/wsdl", "http://10.1.0.5/onvif/PTZ"),),
    profile_token="Profile_1",
)


def _cam(n: int, *, user: str | None = "op", password: str | None = "pw") -> PtzAccount:
    return PtzAccount(
        url=f"http://10.1.0.{n}/onvif/device_service", username=user, password=password
    )


def test_facts_are_kept_per_device_and_account_name_but_not_per_password() -> None:
    known = KnownDevices()
    known.remember(_cam(5), FACTS)
    assert known.get(_cam(5, password="changed")) == FACTS  # the device's facts, not the key's
    assert known.get(_cam(5, user="other")) is None
    assert known.get(_cam(5, user=None)) is None
    assert known.get(_cam(6)) is None
    known.forget(_cam(5, password="changed"))
    assert known.get(_cam(5)) is None
    known.forget(_cam(5))  # forgetting what is not kept is no error


def test_facts_expire_after_the_ttl_and_renewing_them_restarts_it() -> None:
    now = [100.0]
    known = KnownDevices(ttl_s=60.0, clock=lambda: now[0])
    known.remember(_cam(5), FACTS)
    now[0] = 160.0
    assert known.get(_cam(5)) == FACTS  # at the ttl: still kept
    now[0] = 160.5
    assert known.get(_cam(5)) is None
    assert len(known) == 0
    known.remember(_cam(5), FACTS)
    now[0] = 220.0
    assert known.get(_cam(5)) == FACTS


def test_the_least_recently_used_camera_goes_first_when_full() -> None:
    known = KnownDevices(size=2)
    known.remember(_cam(1), FACTS)
    known.remember(_cam(2), FACTS)
    assert known.get(_cam(1)) == FACTS  # 2 is now the least recently used
    known.remember(_cam(3), FACTS)
    assert len(known) == 2
    assert known.get(_cam(2)) is None
    assert known.get(_cam(1)) == FACTS
    assert known.get(_cam(3)) == FACTS


def test_a_size_below_one_camera_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1 camera, got 0"):
        KnownDevices(size=0)


def test_threads_sharing_it_keep_it_within_its_bound() -> None:
    known = KnownDevices(size=50)

    def work(base: int) -> None:
        for n in range(200):
            known.remember(_cam(base + n), FACTS)
            known.get(_cam(base + n // 2))
            known.forget(_cam(base + n // 3))

    threads = [threading.Thread(target=work, args=(1000 * t,)) for t in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert 0 < len(known) <= 50
