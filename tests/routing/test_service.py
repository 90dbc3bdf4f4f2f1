from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from tests.routing.conftest import camera_frame

from camroute.app import create_app
from camroute.buildings.importer import read_buildings
from camroute.buildings.store import replace_buildings
from camroute.cameras.changes import registry_changed
from camroute.routing import CameraIndex, service
from camroute.routing.rows import prime_listed
from camroute.routing.service import IndexHolder, point_location
from camroute.settings import Settings


def test_rebuild_loads_buildings_from_the_store(store_engine: Engine, shared_data: Path) -> None:
    replace_buildings(
        store_engine, read_buildings(shared_data / "helsinki_osm" / "buildings.geojson")
    )
    holder = IndexHolder()
    before = holder.current
    index = holder.rebuild(store_engine)
    assert holder.current is index
    assert holder.current is not before
    assert len(index.buildings) == 572
    assert len(before.buildings) == 0  # the old snapshot is untouched


def test_a_snapshot_is_primed_before_it_is_swapped_in(monkeypatch: pytest.MonkeyPatch) -> None:
    holder = IndexHolder()
    index = CameraIndex.build(camera_frame([{"id": "A"}, {"id": "B"}])).with_viewsheds()
    published: list[bool] = []

    def prime(snapshot: CameraIndex, **kw: Any) -> int:
        published.append(holder.current is snapshot)
        return prime_listed(snapshot, **kw)

    monkeypatch.setattr(service, "prime_listed", prime)
    holder.swap(index)
    assert published == [False]  # primed while no query could see it yet
    assert sorted(holder.current.listed_memo.keys()) == [0, 1]


def test_swap_is_atomic_for_readers() -> None:
    holder = IndexHolder()
    a = CameraIndex.build(camera_frame([{"id": "A"}]))
    b = CameraIndex.build(camera_frame([{"id": "B"}, {"id": "C"}]))
    seen: set[int] = set()
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            snap = holder.current
            seen.add(len(snap))
            assert len(snap.ids) == len(snap.x)  # never a mix of two snapshots

    t = threading.Thread(target=reader)
    t.start()
    for _ in range(200):
        holder.swap(a)
        holder.swap(b)
    stop.set()
    t.join()
    assert seen <= {0, 1, 2}
    assert holder.generation == 400


def test_app_registers_a_background_rebuild(settings: Settings) -> None:
    app = create_app(settings)
    with TestClient(app):
        holder: IndexHolder = app.state.camera_index
        holder.wait(30)
        generation = holder.generation
        registry_changed(app)
        holder.wait(30)
        assert holder.generation > generation


def test_point_location_builds_a_circle() -> None:
    loc = point_location(lon=105.0, lat=10.77, uncertainty_m=20.0)
    assert loc.shape == "circle"
    assert loc.region_geometry().geom_type == "Polygon"
    assert point_location(lon=105.0, lat=10.77).region["type"] == "Point"


def test_rebuild_from_the_camera_registry_on_both_stores(store_engine: Engine) -> None:
    from tests.routing.conftest import building_frame, point_at, to_lonlat

    from camroute.cameras.model import CameraCreate
    from camroute.cameras.service import create_camera
    from camroute.routing import rank_cameras

    with store_engine.begin() as conn:
        for cid, x, heading in (
            ("R-SEES", 0.0, 0.0),
            ("R-WALLED", 20.0, 0.0),
            ("R-NOHEAD", -10.0, None),
        ):
            lon, lat = to_lonlat(x, 0.0)
            body = CameraCreate(
                id=cid,
                lon=lon,
                lat=lat,
                heading_deg=heading,
                hfov_deg=90.0,
                range_m=50.0,
                status="online",
            )
            create_camera(conn, body, actor="test")
    replace_buildings(store_engine, building_frame([(5.0, 10.0, 25.0, 12.0, float("nan"))]))
    holder = IndexHolder()
    rebuilt: list[int] = []
    holder.after_rebuild.append(lambda: rebuilt.append(holder.generation))
    index = holder.rebuild(store_engine)
    assert rebuilt == [holder.generation]  # once, after the last swap (viewsheds included)
    assert len(index) == 3
    assert index.has_viewshed.tolist() == [False, True, True]  # sorted by id: NOHEAD first
    result = rank_cameras(point_at(0.0, 30.0), holder.current)
    assert [c.camera_id for c in result.cameras] == ["R-SEES"]
    context = {c.camera_id: c for c in result.context}
    assert context["R-WALLED"].occluded is True
    assert context["R-NOHEAD"].in_fov is None


def test_a_camera_written_by_another_process_reaches_the_running_index(tmp_path: Path) -> None:
    from tests.routing.conftest import to_lonlat

    from camroute.cameras.model import CameraCreate
    from camroute.cameras.service import create_camera
    from camroute.store import make_engine

    url = f"sqlite:///{tmp_path / 'camroute.db'}"
    app = create_app(Settings(_env_file=None, database_url=url, registry_poll_s=0.2))  # type: ignore[call-arg]
    with TestClient(app):
        holder: IndexHolder = app.state.camera_index
        holder.wait(30)
        assert len(holder.current) == 0
        # Like `camroute cameras import` in another process: its own engine, no listener.
        other = make_engine(url)
        lon, lat = to_lonlat(0.0, 0.0)
        with other.begin() as conn:
            create_camera(
                conn,
                CameraCreate(id="CLI-1", lon=lon, lat=lat, heading_deg=0.0, status="online"),
                actor="cli:test",
            )
        other.dispose()
        for _ in range(150):
            if len(holder.current) == 1:
                break
            threading.Event().wait(0.1)
            holder.wait(30)
        assert holder.current.ids.tolist() == ["CLI-1"]


def test_warm_up_runs_every_kernel_without_error() -> None:
    from camroute.routing import disc_cover, footprints, grid, order, rings, sector, visibility
    from camroute.routing.service import warm_up

    warm_up()  # a point, a circle (flat rings) and a polygon (overlay) on a walled camera
    kernels = (
        rings._disc_overlap,
        sector._screen,
        sector._sector_matrix,
        sector._sector_shares,
        visibility._screen_point,
        grid._within,
        footprints._relative,
        disc_cover._seen,
        disc_cover._greedy,
        disc_cover._union_share,
        order._ranked_rows,
    )
    assert all(k.signatures for k in kernels)  # compiled (or loaded), none left for a caller


def test_stop_waits_for_the_background_rebuild(store_engine: Engine, shared_data: Path) -> None:
    from camroute.cameras.service import import_file

    import_file(store_engine, shared_data / "helsinki_osm" / "surveillance.geojson")
    replace_buildings(
        store_engine, read_buildings(shared_data / "helsinki_osm" / "buildings.geojson")
    )
    holder = IndexHolder()
    holder.start(store_engine)
    holder.watch(store_engine, interval_s=0.05)
    holder.stop()  # at once: the viewshed batch has hardly begun
    names = {"camera-index", "camera-registry-watch"}
    assert [t.name for t in threading.enumerate() if t.name in names] == []


def test_a_stopped_holder_computes_no_more_viewsheds(store_engine: Engine) -> None:
    from tests.routing.conftest import to_lonlat

    from camroute.cameras.model import CameraCreate
    from camroute.cameras.service import create_camera

    lon, lat = to_lonlat(0.0, 0.0)
    with store_engine.begin() as conn:
        create_camera(conn, CameraCreate(id="S-1", lon=lon, lat=lat, heading_deg=0.0), actor="test")
    holder = IndexHolder()
    holder.stop()
    assert holder.rebuild(store_engine).has_viewshed.tolist() == [False]
    holder.start(store_engine)  # a new start clears the stop
    holder.wait(30)
    assert holder.current.has_viewshed.tolist() == [True]
    holder.stop()


def test_waiting_never_meets_a_rebuild_thread_not_yet_started(
    store_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A test joined the rebuild thread the registry poll had made but not started yet."""
    holder = IndexHolder()
    starting, go_on = threading.Event(), threading.Event()
    real_start = threading.Thread.start

    def slow_start(thread: threading.Thread) -> None:
        if thread.name == "camera-index":
            starting.set()
            go_on.wait(5)
        real_start(thread)

    monkeypatch.setattr(threading.Thread, "start", slow_start)
    rebuilder = threading.Thread(target=holder.rebuild_in_background, args=(store_engine,))
    real_start(rebuilder)
    assert starting.wait(5)
    holder.wait()  # the thread being started is not published yet: nothing to join
    go_on.set()
    rebuilder.join(5)
    holder.wait(30)
    holder.stop()
    assert len(holder.current) == 0
