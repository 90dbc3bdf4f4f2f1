"""``coverage.kept``: a layer per snapshot, plan and query, fresh for minutes, made once."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

import pytest

from camroute.coverage.kept import KeptLayers, LayerKey
from camroute.coverage.models import CoverageLayer

KEY = LayerKey(generation=1, areas="1.1", plan_made_at=None, months=12, top=300)


def _layer(cameras: int) -> CoverageLayer:
    return CoverageLayer(
        cameras=cameras,
        street_share=0.5,
        incidents=0,
        incident_share=0.0,
        months=12,
        seen={"type": "Polygon", "coordinates": []},
        blind=[],
        blind_total=0,
        plan=[],
        plan_made_at=None,
        computed_at=datetime(2026, 12, 5, tzinfo=UTC),
    )


class Clock:
    def __init__(self) -> None:
        self.now_s = 0.0

    def __call__(self) -> float:
        return self.now_s


class Maker:
    """Counts its computations; the n-th returns a layer of n cameras."""

    def __init__(self) -> None:
        self.made = 0

    def __call__(self) -> CoverageLayer:
        self.made += 1
        return _layer(self.made)


def test_a_fresh_layer_is_reused_and_an_old_one_computed_again() -> None:
    clock, make = Clock(), Maker()
    kept = KeptLayers(fresh_s=300.0, clock=clock)
    assert kept.get(KEY, make).cameras == 1
    clock.now_s = 299.0
    assert kept.get(KEY, make).cameras == 1
    clock.now_s = 300.0
    assert kept.get(KEY, make).cameras == 2
    assert make.made == 2


def test_a_new_snapshot_plan_or_query_is_computed_and_older_snapshots_dropped() -> None:
    make = Maker()
    kept = KeptLayers(fresh_s=300.0, clock=Clock())
    kept.get(KEY, make)
    others = [
        KEY._replace(months=3),
        KEY._replace(top=0),
        KEY._replace(areas="1.2"),
        KEY._replace(plan_made_at=datetime(2026, 12, 5, tzinfo=UTC)),
    ]
    for key in others:
        kept.get(key, make)
    assert make.made == 5
    kept.get(KEY, make)  # still kept beside the others
    assert make.made == 5
    kept.get(KEY._replace(generation=2), make)
    assert make.made == 6
    assert kept.get(KEY, make).cameras == 7  # the older snapshot's layers went


def test_requests_at_once_wait_for_one_computation() -> None:
    started, release = threading.Event(), threading.Event()
    make = Maker()

    def slow() -> CoverageLayer:
        started.set()
        assert release.wait(5.0)
        return make()

    kept = KeptLayers(fresh_s=300.0, clock=Clock())
    got: list[Any] = []
    first = threading.Thread(target=lambda: got.append(kept.get(KEY, slow)))
    first.start()
    assert started.wait(5.0)
    others = [threading.Thread(target=lambda: got.append(kept.get(KEY, slow))) for _ in range(3)]
    for t in others:
        t.start()
    release.set()
    for t in (first, *others):
        t.join(5.0)
    assert make.made == 1
    assert [layer.cameras for layer in got] == [1, 1, 1, 1]


def test_a_failed_computation_keeps_nothing_and_the_next_request_tries_again() -> None:
    make = Maker()
    kept = KeptLayers(fresh_s=300.0, clock=Clock())

    def broken() -> CoverageLayer:
        raise RuntimeError("store went away")

    with pytest.raises(RuntimeError, match="store went away"):
        kept.get(KEY, broken)
    assert kept.get(KEY, make).cameras == 1
