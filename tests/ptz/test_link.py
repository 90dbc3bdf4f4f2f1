"""``ptz/link.py`` against the fake PTZ camera: links on what a camera said before, retries,
and the NVR channel whose head a link drives."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from tests.cameras.onvif_device import nvr_profiles

from camroute.ptz.aim import PtzPosition
from camroute.ptz.errors import NoPtzError, PtzRefusedError, PtzTimeoutError, PtzUpstreamError
from camroute.ptz.known import KnownDevices
from camroute.ptz.link import PtzAccount
from camroute.ptz.models import PtzStatus
from camroute.ptz.onvif_ptz import go_home, move_and_settle, read_status

from . import ptz_device
from .ptz_device import PtzCamera, running


@pytest.fixture
def camera() -> Iterator[tuple[PtzCamera, PtzAccount]]:
    fake = PtzCamera()
    with running(fake) as url:
        yield fake, PtzAccount(url=url, username="admin", password="Cam-pass-1")


Kept = tuple[PtzCamera, PtzAccount, KnownDevices]


@pytest.fixture
def kept(camera: tuple[PtzCamera, PtzAccount]) -> Kept:
    """The camera, after one position read on a link that kept what it said."""
    fake, account = camera
    known = KnownDevices()
    asyncio.run(read_status(account, known=known))
    assert known.get(account) is not None
    return fake, account, known


DISCOVERY = ("GetServices", "GetProfiles")


def _asked(fake: PtzCamera, since: int) -> list[str]:
    return fake.calls[since:]


def test_a_camera_kept_from_an_earlier_link_is_not_asked_to_describe_itself_again(
    camera: tuple[PtzCamera, PtzAccount],
) -> None:
    fake, account = camera
    known = KnownDevices()
    first = asyncio.run(read_status(account, known=known))
    assert all(fake.calls.count(op) == 1 for op in DISCOVERY)
    kept = known.get(account)
    assert kept is not None
    assert kept.profile_token == "Profile_1"  # the first profile with a PTZ configuration
    since = len(fake.calls)
    goal = PtzPosition(pan=0.2, tilt=0.1, zoom=0.0)
    moved = asyncio.run(move_and_settle(account, goal=goal, known=known))
    assert moved.before == first
    assert moved.after.position.distance(goal) < 1e-4
    asked = _asked(fake, since)
    assert asked[:2] == ["GetStatus", "AbsoluteMove"]  # no discovery: two round trips fewer
    assert not set(DISCOVERY) & set(asked)
    # Without the kept facts, as before: every link asks.
    since = len(fake.calls)
    asyncio.run(read_status(account))
    assert _asked(fake, since) == [*DISCOVERY, "GetStatus"]


def test_kept_facts_gone_stale_are_asked_again_within_the_same_call(
    kept: Kept,
) -> None:
    fake, account, known = kept
    fake.profiles = [replace(p, token=f"Reset_{p.token}") for p in fake.profiles]  # a reset
    since = len(fake.calls)
    goal = PtzPosition(pan=-0.3, tilt=0.2, zoom=0.1)
    moved = asyncio.run(move_and_settle(account, goal=goal, known=known, timeout_s=5.0))
    assert moved.after.position.distance(goal) < 1e-4
    # The old token is refused before anything moved; the camera is asked afresh, once.
    assert _asked(fake, since)[:4] == ["GetStatus", *DISCOVERY, "GetStatus"]
    assert fake.head.moves == [(-0.3, 0.2, 0.1)]
    kept = known.get(account)
    assert kept is not None
    assert kept.profile_token == "Reset_Profile_1"


def test_a_failure_after_the_camera_answered_is_neither_repeated_nor_kept(
    kept: Kept,
) -> None:
    fake, account, known = kept
    since = len(fake.calls)
    beyond = PtzPosition(pan=0.1, tilt=1.5, zoom=0.0)  # past the head's tilt limit
    with pytest.raises(PtzRefusedError, match="refused the move"):
        asyncio.run(move_and_settle(account, goal=beyond, known=known))
    assert _asked(fake, since) == ["GetStatus", "AbsoluteMove"]  # the facts held: no retry
    assert known.get(account) is None  # the next link asks again
    since = len(fake.calls)
    asyncio.run(read_status(account, known=known))
    assert _asked(fake, since) == [*DISCOVERY, "GetStatus"]


def test_a_kept_link_that_runs_out_of_time_is_not_repeated(
    kept: Kept,
) -> None:
    fake, account, known = kept
    fake.delay_s["GetStatus"] = 1.0
    since = len(fake.calls)
    started = time.monotonic()
    with pytest.raises(PtzTimeoutError, match="reading its position"):
        asyncio.run(read_status(account, known=known, timeout_s=0.3))
    assert time.monotonic() - started < 0.9
    time.sleep(max(0.0, started + 1.5 - time.monotonic()))  # the device notes it after 1 s
    assert _asked(fake, since) == ["GetStatus"]
    assert known.get(account) is None


def test_the_retry_on_fresh_facts_has_only_what_is_left_of_the_deadline(
    kept: Kept,
) -> None:
    fake, account, known = kept
    fake.profiles = [replace(p, token=f"Reset_{p.token}") for p in fake.profiles]
    fake.delay_s.update(GetStatus=0.6, GetServices=0.6)  # refused after 0.6 s, then asks again
    started = time.monotonic()
    with pytest.raises(PtzTimeoutError):
        asyncio.run(read_status(account, known=known, timeout_s=1.0))
    assert time.monotonic() - started < 1.4  # one deadline for both (1.6 s with one each)


def test_refused_credentials_on_a_kept_link_are_not_tried_again(
    kept: Kept,
) -> None:
    fake, account, known = kept
    wrong = replace(account, password="guess")  # the same key: the password is not in it
    since = len(fake.calls)
    with pytest.raises(PtzUpstreamError, match="not_authorized"):
        asyncio.run(move_and_settle(wrong, goal=PtzPosition(pan=0.1, tilt=0, zoom=0), known=known))
    assert _asked(fake, since) == ["GetStatus"]  # one failed login, not three
    assert fake.head.moves == []


def test_an_unreadable_answer_to_a_kept_links_first_move_is_not_sent_again(
    kept: Kept, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake, account, known = kept
    home = ptz_device.PTZ_OPERATIONS["GotoHomePosition"]

    def moved_but_garbled(cam: PtzCamera, request: Any) -> tuple[int, bytes]:
        home(cam, request)  # the head starts home, and the answer is lost
        return 200, b"<not-soap/>"

    monkeypatch.setitem(ptz_device.PTZ_OPERATIONS, "GotoHomePosition", moved_but_garbled)
    since = len(fake.calls)
    with pytest.raises(PtzUpstreamError, match="malformed"):
        asyncio.run(go_home(account, known=known))
    assert _asked(fake, since) == ["GotoHomePosition"]
    assert len(fake.head.moves) == 1


def test_a_move_our_own_rules_refuse_keeps_what_the_camera_said(
    camera: tuple[PtzCamera, PtzAccount],
) -> None:
    fake, account = camera
    known = KnownDevices()

    def refuse(now: PtzStatus) -> PtzPosition:
        raise NoPtzError("do not move")  # as a refusal of the rules, raised while deciding

    with pytest.raises(NoPtzError, match="do not move"):
        asyncio.run(move_and_settle(account, goal=refuse, known=known))
    assert fake.head.moves == []
    assert known.get(account) is not None  # the camera answered: its facts hold


def test_a_camera_on_an_nvr_channel_drives_its_own_channels_head() -> None:
    fake = PtzCamera(profiles=nvr_profiles(3))
    fake.profiles = [replace(p, ptz=True) for p in fake.profiles]  # every channel is PTZ
    with running(fake) as url:
        ch2 = PtzAccount(url, "admin", "Cam-pass-1", channel=2)
        known = KnownDevices()
        goal = PtzPosition(pan=0.3, tilt=0, zoom=0)
        asyncio.run(move_and_settle(ch2, goal=goal, known=known))
        assert set(fake.ptz_tokens) == {"Ch2_main"}  # before: channel 1's head moved
        asyncio.run(read_status(replace(ch2, channel=3), known=known))
        assert fake.ptz_tokens[-1] == "Ch3_main"
        asyncio.run(read_status(replace(ch2, channel=None), known=known))
        assert fake.ptz_tokens[-1] == "Ch1_main"  # no channel named: the device's first
        since = len(fake.calls)
        asyncio.run(read_status(ch2, known=known))  # kept apart from the other channels
        assert fake.ptz_tokens[-1] == "Ch2_main"
        assert _asked(fake, since) == ["GetStatus"]
        with pytest.raises(PtzUpstreamError, match="3 video channels, not channel 4"):
            asyncio.run(read_status(replace(ch2, channel=4), known=known))
