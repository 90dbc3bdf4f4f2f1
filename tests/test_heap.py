from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from camroute.app import create_app
from camroute.heap import settle
from camroute.settings import Settings


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()  # the rest of the test run collects as before


def test_settle_freezes_what_survives_and_later_garbage_is_still_collected(unfrozen) -> None:
    assert gc.get_freeze_count() == 0
    settle()
    assert gc.get_freeze_count() > 1000  # the interpreter's own heap at least

    class Node:
        pass

    a, b = Node(), Node()
    a.peer, b.peer = b, a  # type: ignore[attr-defined]  # a cycle made after the freeze
    del a, b
    assert gc.collect() >= 2


def test_the_app_settles_its_heap_at_start_and_after_index_rebuilds(
    unfrozen, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'h.db'}"
    on = Settings(_env_file=None, database_url=url, gc_freeze=True)  # type: ignore[call-arg]
    with TestClient(create_app(on)) as client:
        assert gc.get_freeze_count() > 1000
        assert settle in client.app.state.camera_index.after_rebuild  # type: ignore[attr-defined]
    gc.unfreeze()
    off = Settings(_env_file=None, database_url=url, gc_freeze=False)  # type: ignore[call-arg]
    with TestClient(create_app(off)) as client:
        assert gc.get_freeze_count() == 0
        assert client.app.state.camera_index.after_rebuild == []  # type: ignore[attr-defined]


def test_rebuilding_the_index_again_and_again_freezes_no_garbage(unfrozen, tmp_path: Path) -> None:
    # Each rebuild settles the heap again: what the old snapshot held must still be freed (no
    # cycle frozen for good), or memory would grow with every registry change.
    import subprocess
    import sys

    from camroute.routing.service import IndexHolder
    from camroute.store import make_engine, migrate

    cameras = (
        Path(__file__).parent / "data" / "hcmc_traffic_cameras" / "hcmc_traffic_cameras.geojson"
    )
    url = f"sqlite:///{tmp_path / 'h.db'}"
    engine = make_engine(url)
    migrate(engine)
    code = "from camroute.cli import main; main()"
    cmd = [sys.executable, "-c", code, "cameras", "import", str(cameras), "--db", url]
    subprocess.run(cmd, check=True, capture_output=True)
    holder = IndexHolder()
    holder.after_rebuild.append(settle)
    holder.rebuild(engine, viewsheds=False)
    assert len(holder.current) > 800
    first = gc.get_freeze_count()
    for _ in range(5):
        holder.rebuild(engine, viewsheds=False)
    assert gc.get_freeze_count() < first + 500  # the same heap, not five snapshots of it
    gc.unfreeze()
    assert gc.collect() < 100  # and nothing the freezes kept was garbage
