from __future__ import annotations

import pytest

from camroute.live.tally import FORGET_AFTER_S, SnapshotSummary, SnapshotTally


class Clock:
    def __init__(self) -> None:
        self.now_s = 1000.0

    def __call__(self) -> float:
        return self.now_s


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_first_snapshot_of_each_ticket_is_audited(clock: Clock) -> None:
    tally = SnapshotTally(every_s=60.0, clock=clock)
    assert tally.add("a", size_bytes=10) == SnapshotSummary(snapshots=1, bytes=10, first=True)
    assert tally.add("b", size_bytes=20) == SnapshotSummary(snapshots=1, bytes=20, first=True)
    assert tally.add("a", size_bytes=10) is None


@pytest.mark.parametrize(
    ("later_s", "audited"),
    [(59.9, False), (60.0, True), (61.0, True)],
)
def test_later_snapshots_wait_for_the_interval(clock: Clock, later_s: float, audited: bool) -> None:
    tally = SnapshotTally(every_s=60.0, clock=clock)
    tally.add("a", size_bytes=5)
    clock.now_s += 10.0
    assert tally.add("a", size_bytes=7) is None
    clock.now_s += later_s - 10.0
    got = tally.add("a", size_bytes=9)
    assert (got is not None) == audited
    if got is not None:
        assert got == SnapshotSummary(snapshots=2, bytes=16, first=False)  # counted since last


def test_idle_tickets_are_forgotten(clock: Clock) -> None:
    tally = SnapshotTally(every_s=60.0, clock=clock)
    tally.add("old", size_bytes=1)
    clock.now_s += FORGET_AFTER_S + 61.0
    tally.add("new", size_bytes=1)
    assert len(tally) == 1
