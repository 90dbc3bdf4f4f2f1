"""The ranked list shows the protected-zone badge and why; the live dialog asks for a reason."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser

RENDER = """async () => {
  const { loadLanguage } = await import('/static/js/i18n.js');
  const { cameraItem } = await import('/static/js/incident.js');
  const hit = (policy, vi, en) => ({ zone_id: 'z-1', name: 'Trường THCS Lê Lợi', kind: 'school',
    policy, reason: { vi, en } });
  const cam = { camera_id: 'Z-SUP', name: '', visible_fraction: 0.5, distance_m: 20,
    status: 'online', reason: { vi: 'nhìn thấy vị trí', en: 'sees the location' },
    protected: [hit('supervisor', 'nhìn vào khu vực trường học — cần giám sát viên',
                    'looks into a school zone — supervisor needed')] };
  const never = { ...cam, camera_id: 'Z-NEVER',
    protected: [hit('never', 'nhìn vào khu vực trường học — không được xem',
                    'looks into a school zone — cannot be viewed')] };
  const plain = { ...cam, camera_id: 'Z-PLAIN', protected: [] };
  const out = {};
  for (const lang of ['vi', 'en']) {
    await loadLanguage(lang);
    const [a, b, c] = [cam, never, plain].map((x) => cameraItem(x, { rank: 1, onOpen: () => {} }));
    out[lang] = {
      chip: a.querySelector('.chip.protected.supervisor').textContent,
      why: a.querySelector('.protected-reason').textContent,
      opens: !a.querySelector('button.open-live').disabled,
      neverWhy: b.querySelector('.protected-reason.never').textContent,
      neverOpens: !b.querySelector('button.open-live').disabled,
      neverButton: b.querySelector('button.open-live').textContent,
      plainBadges: c.querySelectorAll('.chip.protected, .protected-reason').length,
    };
  }
  return out;
}"""


def test_the_ranked_row_shows_the_zone_badge_and_why(page: Any, stack: Any) -> None:
    page.goto(f"{stack.url}/")
    got = page.evaluate(RENDER)
    assert got["vi"] == {
        "chip": "khu vực được bảo vệ: Trường THCS Lê Lợi",
        "why": "nhìn vào khu vực trường học — cần giám sát viên",
        "opens": True,
        "neverWhy": "nhìn vào khu vực trường học — không được xem",
        "neverOpens": False,
        "neverButton": "không được xem",
        "plainBadges": 0,
    }
    assert got["en"]["chip"] == "protected zone: Trường THCS Lê Lợi"
    assert got["en"]["why"] == "looks into a school zone — supervisor needed"
    assert got["en"]["neverButton"] == "cannot be viewed"


def test_the_live_dialog_asks_for_a_reason_for_a_supervisor_zone(page: Any, stack: Any) -> None:
    page.goto(f"{stack.url}/")
    page.wait_for_selector("body[data-ready='1']")
    got = page.evaluate(
        """async () => {
        const { requestView } = await import('/static/js/live.js');
        const zone = { zone_id: 'z-1', name: 'Nhà thờ Đức Bà', kind: 'place_of_worship',
          policy: 'supervisor', reason: { vi: 'x', en: 'x' } };
        requestView('INC-1', { camera_id: 'Z-SUP', protected: [zone] });
        const note = document.getElementById('purpose-protected');
        const reason = document.querySelector('#purpose-form textarea');
        const first = [note.hidden, note.textContent, reason.required];
        document.getElementById('purpose-dialog').close();
        requestView('INC-1', { camera_id: 'Z-PLAIN', protected: [] });
        const second = [note.hidden, reason.required];
        document.getElementById('purpose-dialog').close();
        requestView('INC-1', { camera_id: 'Z-PTZ', kind: 'ptz', protected: [zone] });
        const third = [note.hidden, note.textContent, reason.required];
        document.getElementById('purpose-dialog').close();
        return [first, second, third];
      }"""
    )
    (hidden, text, required), (hidden_after, required_after), ptz = got
    assert not hidden
    assert "Nhà thờ Đức Bà" in text
    assert required
    assert hidden_after
    assert not required_after
    # A PTZ camera's ticket is judged by where it points now: the reason is not asked first.
    ptz_hidden, ptz_text, ptz_required = ptz
    assert not ptz_hidden
    assert ptz_text.startswith("Camera PTZ này có thể xoay vào khu vực được bảo vệ")
    assert "Nhà thờ Đức Bà" in ptz_text
    assert not ptz_required


PTZ_RENDER = """async () => {
  const { loadLanguage } = await import('/static/js/i18n.js');
  const { cameraItem } = await import('/static/js/incident.js');
  const cam = { camera_id: 'Z-PTZ', kind: 'ptz', name: '', visible_fraction: 0.5,
    distance_m: 20, status: 'online', reason: { vi: 'nhìn thấy vị trí', en: 'sees the location' },
    protected: [{ zone_id: 'z-1', name: 'Trường THCS Lê Lợi', kind: 'school', policy: 'never',
      reason: { vi: 'nhìn vào khu vực trường học — không được xem',
                en: 'looks into a school zone — cannot be viewed' } }] };
  const out = {};
  for (const lang of ['vi', 'en']) {
    await loadLanguage(lang);
    const row = cameraItem(cam, { rank: 1, onOpen: () => {} });
    out[lang] = {
      why: row.querySelector('.protected-reason.never').textContent,
      opens: !row.querySelector('button.open-live').disabled,
      chip: row.querySelector('.chip.protected.never').textContent,
    };
  }
  return out;
}"""


def test_a_ptz_camera_that_could_turn_into_a_never_zone_may_still_be_opened(
    page: Any, stack: Any
) -> None:
    page.goto(f"{stack.url}/")
    got = page.evaluate(PTZ_RENDER)
    assert got["vi"] == {
        "why": "Camera PTZ: chỉ mở được khi không hướng vào khu vực được bảo vệ",
        "opens": True,
        "chip": "khu vực được bảo vệ: Trường THCS Lê Lợi",
    }
    assert got["en"]["why"] == "PTZ camera: opens only while not aimed into the protected zone"
    assert got["en"]["opens"] is True
