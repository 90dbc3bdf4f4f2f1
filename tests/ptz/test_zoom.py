"""``ptz/zoom.py``: the zoom <-> field of view curve."""

from __future__ import annotations

import itertools

import pytest

from camroute.ptz.zoom import ZoomCurve, ZoomPoint, default_curve


def test_curve_is_exact_on_its_samples_and_monotone_between() -> None:
    points = [ZoomPoint(zoom=z, hfov_deg=h) for z, h in ((0, 62), (0.1, 38), (0.5, 6), (1, 2.2))]
    curve = ZoomCurve(points=points)
    assert [round(curve.hfov_deg(p.zoom), 6) for p in points] == [62, 38, 6, 2.2]
    fovs = [curve.hfov_deg(z / 100) for z in range(101)]
    assert all(b < a for a, b in itertools.pairwise(fovs))
    for hfov in (50.0, 10.0, 3.0):
        assert curve.hfov_deg(curve.zoom_for(hfov)) == pytest.approx(hfov, rel=1e-9)


@pytest.mark.parametrize(
    ("points", "says"),
    [
        ([(0, 60), (0, 30)], "must increase"),
        ([(0, 30), (1, 60)], "must narrow"),
        ([(0, 60)], "at least 2"),
    ],
)
def test_curve_that_is_not_monotone_is_refused(
    points: list[tuple[float, float]], says: str
) -> None:
    with pytest.raises(ValueError, match=says):
        ZoomCurve(points=[ZoomPoint(zoom=z, hfov_deg=h) for z, h in points])


def test_default_curve_keeps_tele_narrower_than_wide() -> None:
    curve = default_curve(wide_deg=20.0, tele_deg=40.0, ranges=None)
    assert curve.widest_deg == 20.0
    assert curve.narrowest_deg < 20.0
