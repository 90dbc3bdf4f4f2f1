"""Pure page modules (``static/js``) run in Chromium: MJPEG parts, grid clustering, labels."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser


def test_mjpeg_parts_are_cut_at_any_chunk_boundary(page: Any, stack: Any) -> None:
    page.goto(f"{stack.url}/")
    counts = page.evaluate(
        """async () => {
        const { takeParts } = await import('/static/js/mjpeg.js');
        const enc = new TextEncoder();
        const part = (body, withLength) => enc.encode('--b\\r\\nContent-Type: image/jpeg\\r\\n' +
          (withLength ? `Content-Length: ${body.length}\\r\\n` : '') + '\\r\\n' + body + '\\r\\n');
        const out = [];
        for (const withLength of [true, false]) {
          const all = [...part('JPEG-ONE', withLength), ...part('JPEG-TWO!', withLength),
                       ...enc.encode('--b\\r\\n')];
          for (const cut of [1, 7, 20, 33, all.length - 1]) {
            let frames = [], rest, got;
            [got, rest] = takeParts(new Uint8Array(all.slice(0, cut)), 'b');
            frames.push(...got);
            const tail = new Uint8Array([...rest, ...all.slice(cut)]);
            [got, rest] = takeParts(tail, 'b');
            frames.push(...got);
            out.push(frames.map(f => new TextDecoder().decode(f.jpeg)).join('|'));
          }
        }
        return out;
      }"""
    )
    assert counts == ["JPEG-ONE|JPEG-TWO!"] * 10


def test_grid_clusters_group_by_screen_cell(page: Any, stack: Any) -> None:
    page.goto(f"{stack.url}/")
    got = page.evaluate(
        """async () => {
        const { gridClusters } = await import('/static/js/cameras.js');
        const pts = [[0, 0], [69, 69], [70, 0], [139, 10], [500, 500], [-1, -1]]
          .map(([x, y], i) => ({ x, y, item: i }));
        return gridClusters(pts, 70).map(c => [c.items.join(','), c.x, c.y])
          .sort((a, b) => a[0].localeCompare(b[0]));
      }"""
    )
    assert got == [["0,1", 34.5, 34.5], ["2,3", 104.5, 5], ["4", 500, 500], ["5", -1, -1]]


def test_raw_osm_values_and_illustrative_markers_read_in_the_current_language(
    page: Any, stack: Any
) -> None:
    page.goto(f"{stack.url}/")
    got = page.evaluate(
        """async () => {
        const { loadLanguage } = await import('/static/js/i18n.js');
        const { poiName, unitLabel } = await import('/static/js/labels.js');
        const out = {};
        for (const lang of ['vi', 'en']) {
          await loadLanguage(lang);
          out[lang] = [
            poiName({ name: 'fire_hydrant' }),
            poiName({ name: 'life_ring' }),
            poiName({ name: 'some_new_value' }),
            poiName({ name: 'Vita Lääkäriasema' }),
            poiName({ name: 'Dextra', category: 'clinic' }),
            unitLabel('Công an khu vực Tây Bắc (minh họa / illustrative)'),
            unitLabel('Trạm 115'),
          ];
        }
        return out;
      }"""
    )
    assert got["vi"] == [
        "Trụ nước chữa cháy",
        "Phao cứu sinh",
        "some new value",
        "Vita Lääkäriasema",
        "Dextra (Phòng khám)",
        "Công an khu vực Tây Bắc (minh họa)",
        "Trạm 115",
    ]
    assert got["en"][:2] == ["Fire hydrant", "Life ring"]
    assert got["en"][4:6] == ["Dextra (Clinic)", "Công an khu vực Tây Bắc (illustrative)"]


def test_cones_of_estimated_headings_are_dashed(page: Any, stack: Any) -> None:
    page.goto(f"{stack.url}/")
    got = page.evaluate(
        """async () => {
        const { coneStyle } = await import('/static/js/incident.js');
        const cams = [{}, { heading_estimated: true }, { fov_assumed: true }];
        return cams.map((cam) => {
          const s = coneStyle(cam, { rank: 1 });
          return [s.dashArray, s.className];
        });
      }"""
    )
    assert got == [[None, "cone"], ["6 5", "cone cone-assumed"], ["6 5", "cone cone-assumed"]]
