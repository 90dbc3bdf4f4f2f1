"""The page's ``CameraClock`` (web/static/js/video.js) reads prft boxes from a byte stream cut
anywhere: every chunk size from 1 byte to the whole stream, 64-bit box sizes included."""

from __future__ import annotations

from typing import Any

import pytest
from tests.web.conftest import Stack

pytestmark = pytest.mark.browser

SPLITS = """async () => {
  const { CameraClock } = await import("/static/js/video.js");
  const box = (type, body, wide = false) => {
    const head = wide ? 16 : 8;
    const out = new Uint8Array(head + body.length);
    const view = new DataView(out.buffer);
    view.setUint32(0, wide ? 1 : out.length);
    if (wide) view.setUint32(12, out.length); // the 64-bit size's low word
    for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
    out.set(body, head);
    return out;
  };
  const prft = (unixS, fraction) => {
    const body = new Uint8Array(24);
    const view = new DataView(body.buffer);
    view.setUint8(0, 1); // version 1: 64-bit media time
    view.setUint32(8, unixS + 2208988800);
    view.setUint32(12, fraction * 2 ** 32);
    return box("prft", body);
  };
  const parts = [box("ftyp", new Uint8Array(16)), box("moov", new Uint8Array(60)),
    prft(1800000000, 0.25), box("moof", new Uint8Array(90)), box("mdat", new Uint8Array(70), true),
    prft(1800000000, 0.5), box("moof", new Uint8Array(90)), box("mdat", new Uint8Array(40))];
  const stream = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { stream.set(p, at); at += p.length; }
  const results = [];
  for (let size = 1; size <= stream.length; size++) {
    const clock = new CameraClock();
    const seen = [];
    for (let i = 0; i < stream.length; i += size) {
      const found = clock.feed(stream.subarray(i, i + size));
      if (found != null) seen.push(found);
    }
    results.push(seen);
  }
  return results;
}"""


def test_camera_clock_reads_prft_boxes_across_any_chunk_boundary(page: Any, stack: Stack) -> None:
    page.goto(stack.url + "/")
    results = page.evaluate(SPLITS)
    first, second = 1_800_000_000_250.0, 1_800_000_000_500.0
    assert results[0] == [first, second]  # one byte at a time
    assert results[-1] == [second]  # all at once: the newest
    for seen in results:
        assert seen in ([first, second], [second]), seen
