"""The whole routing answer, pinned byte for byte as the API writes it.

``rank_cameras`` is tuned for speed (cached cones and camera columns, compiled cover); none
of that may change what a dispatcher gets. Each query's answer is serialised as FastAPI
serialises the ``/api/route`` response (the response model's JSON dump) and compared with
the SHA-256 recorded from the code before the tuning. Every row kind is in the scene:
viewshed and sampled cameras, PTZ, unknown and estimated headings, offline and maintenance
cameras, a protected zone; the queries are points and discs, and each is asked twice (the
second answer comes from the warm caches). A deliberate change of the answer re-records the
digests: ``PYTHONPATH=src python -m tests.routing.test_rank_answers``. Re-recorded once
since: the cones began to be written simplified to 0.1 m, and every other byte of each
answer stayed the same.
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np
import pytest
from pydantic import TypeAdapter
from tests.routing.conftest import NAN, building_frame, camera_frame, point_at

from camroute.location import CallerLocation
from camroute.routing import CameraIndex, RouteResult, rank_cameras
from camroute.routing.models import ProtectedHit, Reason

ANSWER_JSON = TypeAdapter(RouteResult)  # what ``response_model=RouteResult`` dumps

# (name, x_m, y_m, radius_m) -> SHA-256 of the answer's JSON and the listed camera ids
QUERIES: list[tuple[str, float, float, float]] = [
    ("point in the middle", 0.0, 0.0, 0.0),
    ("point by the walls", 40.0, -25.0, 0.0),
    ("point at the edge", 150.0, 140.0, 0.0),
    ("disc 10 m", -30.0, 20.0, 10.0),
    ("disc 35 m", 20.0, 50.0, 35.0),
    ("disc 100 m", 0.0, 0.0, 100.0),
    ("disc 60 m off centre", -90.0, -70.0, 60.0),
    ("too uncertain", 0.0, 0.0, 1500.0),
]
PINNED: dict[str, tuple[str, list[str]]] = {
    "point in the middle": (
        "fbe1af1d8ca317fc24a1798e183cb51ac756055efc1bedf72035ce47fd5c6545",
        ["CAM-00", "CAM-23", "CAM-37", "CAM-19", "CAM-45", "CAM-46", "CAM-33", "CAM-40", "CAM-31"],
    ),
    "point by the walls": (
        "8b97a8a294a7e844d1e51512ba5c96a04a6b46351d8501598d97a3ea5de7365d",
        [
            "CAM-00",
            "CAM-17",
            "CAM-15",
            "CAM-46",
            "CAM-23",
            "CAM-47",
            "CAM-39",
            "CAM-37",
            "CAM-31",
            "CAM-40",
        ],
    ),
    "point at the edge": (
        "3dda34d2fc7768480ba6b0157705a3343c49bd2ee69abab9930af057ec38dd52",
        ["CAM-15"],
    ),
    "disc 10 m": (
        "72d174a5ff002fb86d4b8396b0b5798ff0842e9dbbd91bccaf7af6a51eef0420",
        [
            "CAM-33",
            "CAM-00",
            "CAM-46",
            "CAM-37",
            "CAM-45",
            "CAM-14",
            "CAM-42",
            "CAM-21",
            "CAM-23",
            "CAM-19",
            "CAM-12",
            "CAM-25",
            "CAM-11",
            "CAM-09",
            "CAM-40",
            "CAM-31",
        ],
    ),
    "disc 35 m": (
        "0dba9c8065009c0d4dd59c8fe5b491b3fb11c1d466815bd85ffd8ac3ad96b04d",
        [
            "CAM-00",
            "CAM-14",
            "CAM-23",
            "CAM-20",
            "CAM-09",
            "CAM-11",
            "CAM-15",
            "CAM-45",
            "CAM-16",
            "CAM-40",
            "CAM-31",
        ],
    ),
    "disc 100 m": (
        "8a01337234943d4e5d9f457a8c49988a1a61493fedfd70e956141c583ed80f8f",
        [
            "CAM-00",
            "CAM-46",
            "CAM-14",
            "CAM-15",
            "CAM-35",
            "CAM-07",
            "CAM-45",
            "CAM-23",
            "CAM-47",
            "CAM-42",
            "CAM-41",
            "CAM-16",
            "CAM-44",
            "CAM-10",
            "CAM-30",
            "CAM-40",
            "CAM-31",
            "CAM-04",
            "CAM-13",
            "CAM-22",
        ],
    ),
    "disc 60 m off centre": (
        "309b26cd8b241703ec0f6d7beb778ff008931b871fe115ab6acec51cd816183b",
        [
            "CAM-35",
            "CAM-07",
            "CAM-46",
            "CAM-03",
            "CAM-18",
            "CAM-02",
            "CAM-36",
            "CAM-19",
            "CAM-32",
            "CAM-14",
            "CAM-38",
            "CAM-33",
            "CAM-41",
            "CAM-27",
            "CAM-37",
            "CAM-31",
            "CAM-04",
            "CAM-40",
            "CAM-22",
        ],
    ),
    "too uncertain": ("d8b11672838f0eafbfdeefff0c626d49d746f89b60a2d5df8c444d1a3334d3b5", []),
}


def _cameras() -> list[dict[str, Any]]:
    rng = np.random.default_rng(16)
    rows: list[dict[str, Any]] = []
    for n in range(48):
        kind = "ptz" if n % 7 == 0 else "fixed"
        rows.append(
            {
                "id": f"CAM-{n:02d}",
                "x_m": float(rng.uniform(-160.0, 160.0)),
                "y_m": float(rng.uniform(-160.0, 160.0)),
                "heading_deg": None if n % 11 == 5 else float(rng.uniform(0.0, 360.0)),
                "hfov_deg": 360.0 if kind == "ptz" else float(rng.uniform(50.0, 120.0)),
                "range_m": float(rng.uniform(40.0, 140.0)),
                "mount_height_m": float(rng.uniform(3.0, 12.0)),
                "kind": kind,
                "status": ("offline", "maintenance")[n % 2] if n % 9 == 4 else "online",
                "heading_source": "assumed" if n % 6 == 1 else None,
            }
        )
    return rows


def _buildings() -> list[tuple[float, float, float, float, float]]:
    rng = np.random.default_rng(61)
    boxes = []
    for _ in range(70):
        x, y = rng.uniform(-170.0, 170.0, 2)
        w, h = rng.uniform(6.0, 20.0, 2)
        height = float(rng.uniform(3.0, 25.0)) if rng.random() < 0.6 else NAN
        boxes.append((float(x), float(y), float(x + w), float(y + h), height))
    return boxes


def _index() -> CameraIndex:
    index = CameraIndex.build(camera_frame(_cameras()), building_frame(_buildings()))
    # Two thirds get viewsheds; the others are ranked by samples and drawn as plain sectors.
    index = index.with_viewsheds(np.arange(len(index))[np.arange(len(index)) % 3 != 2])
    school = ProtectedHit(
        zone_id="Z1",
        name="school",
        kind="school",
        policy="supervisor",
        reason=Reason(vi="nhìn vào khu vực trường học", en="looks into a school zone"),
    )
    return index.with_protected({"CAM-03": (school,), "CAM-10": (school,)}, zones_key="z1")


def _location(x_m: float, y_m: float, radius_m: float) -> CallerLocation:
    return point_at(x_m, y_m, radius_m=radius_m)


def _answers() -> dict[str, tuple[str, list[str]]]:
    index = _index()
    out: dict[str, tuple[str, list[str]]] = {}
    for round_ in ("cold", "warm"):
        for name, x, y, r in QUERIES:
            result = rank_cameras(_location(x, y, r), index)
            body = ANSWER_JSON.dump_json(result, by_alias=True)
            ids = [c.camera_id for c in result.cameras + result.context + result.offline]
            out[f"{name} ({round_})"] = (hashlib.sha256(body).hexdigest(), ids)
    return out


@pytest.fixture(scope="module")
def answers() -> dict[str, tuple[str, list[str]]]:
    return _answers()


@pytest.mark.parametrize("round_", ["cold", "warm"])
@pytest.mark.parametrize("name", [q[0] for q in QUERIES])
def test_answer_is_byte_identical(
    answers: dict[str, tuple[str, list[str]]], name: str, round_: str
) -> None:
    digest, ids = answers[f"{name} ({round_})"]
    pinned_digest, pinned_ids = PINNED[name]
    assert ids == pinned_ids  # the same cameras in the same order, before the bytes
    assert digest == pinned_digest


def test_scene_lists_every_row_kind() -> None:
    result = rank_cameras(_location(0.0, 0.0, 100.0), _index(), limit=50, context_limit=50)
    rows = result.cameras + result.context + result.offline
    assert {c.role for c in rows} == {"visible", "context", "offline"}
    assert {c.method for c in rows} == {"viewshed", "samples", "none"}
    assert any(c.pan_deg is not None for c in rows)
    assert any(not c.heading_known for c in rows)
    assert any(c.heading_estimated for c in rows)
    assert any(c.protected for c in rows)
    assert any(c.view_geojson is None for c in rows)


if __name__ == "__main__":  # re-record the digests (a deliberate change of the answer)
    for key, (digest, ids) in _answers().items():
        if key.endswith("(cold)"):
            print(f"    {key.removesuffix(' (cold)')!r}: ({digest!r}, {ids!r}),")
