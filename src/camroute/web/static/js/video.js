// Play the relay's fragmented MP4 (the camera's own H.264/H.265, remuxed) in a <video> with
// Media Source Extensions, fed by fetch() as the bytes arrive: no plugin, no HLS segments.

const KEEP_S = 20; // seconds of video kept behind the playhead
const BEHIND_S = 1.5; // further behind the newest frame than this: jump to it

export function mimeOf(codec) { return `video/mp4; codecs="${codec}"`; }

export function canPlay(codec) {
  return Boolean(codec) && typeof MediaSource !== "undefined" && MediaSource.isTypeSupported(mimeOf(codec));
}

// H.265 Main profile, level 3.1, as the page asks before the server opens anything: the server
// then gives an H.265 camera's H.264 sub-stream to a browser that cannot play it.
const HEVC_PROBES = ["hvc1.1.6.L93.B0", "hev1.1.6.L93.B0"];

export function canPlayH265() { return HEVC_PROBES.some(canPlay); }

// The query the tile asks the relay with: whether H.265 plays here, and (after the main stream
// proved unplayable) the sub-stream.
export function videoQuery({ sub = false } = {}) {
  return `?h265=${canPlayH265() ? 1 : 0}${sub ? "&stream=sub" : ""}`;
}

const NTP_UNIX_S = 2208988800; // seconds from 1900 (NTP) to 1970

// Reads the relay's byte stream box by box (headers only) and returns the time each prft box
// states: the frame's time on the camera's own clock (its RTCP sender reports), in ms since
// 1970. Only the few bytes of a header cut by a chunk boundary are kept.
export class CameraClock {
  constructor() { this.rest = new Uint8Array(0); this.skip = 0; }

  // The camera time of the last prft box completed in ``chunk``, or null.
  feed(chunk) {
    let buf = chunk;
    if (this.rest.length) {
      buf = new Uint8Array(this.rest.length + chunk.length);
      buf.set(this.rest);
      buf.set(chunk, this.rest.length);
      this.rest = new Uint8Array(0);
    }
    let at = Math.min(this.skip, buf.length);
    this.skip -= at;
    let found = null;
    while (at < buf.length) {
      const left = buf.length - at;
      const view = new DataView(buf.buffer, buf.byteOffset + at, left);
      if (left < 16) { this.rest = buf.slice(at); break; }
      let size = view.getUint32(0);
      if (size === 1) size = view.getUint32(8) * 2 ** 32 + view.getUint32(12); // 64-bit size
      if (size < 8) { this.skip = Infinity; break; } // not MP4 boxes: stop reading clocks
      const prft = view.getUint32(4) === 0x70726674; // "prft"
      if (prft && size >= 24 && left < 24) { this.rest = buf.slice(at); break; }
      if (prft && size >= 24) found = (view.getUint32(16) - NTP_UNIX_S + view.getUint32(20) / 2 ** 32) * 1000;
      if (size > left) { this.skip = size - left; break; }
      at += size;
    }
    return found;
  }
}

function opened(mediaSource) {
  return new Promise((resolve) => mediaSource.addEventListener("sourceopen", resolve, { once: true }));
}

// Keep the player at the live edge and its buffer short.
function tidy(video, buffer) {
  if (buffer.updating || !buffer.buffered.length) return false;
  const end = buffer.buffered.end(buffer.buffered.length - 1);
  if (end - video.currentTime > BEHIND_S) video.currentTime = Math.max(end - 0.2, 0);
  const start = buffer.buffered.start(0);
  if (video.currentTime - start > KEEP_S * 1.5) {
    buffer.remove(start, video.currentTime - KEEP_S);
    return true;
  }
  return false;
}

// Feed ``url`` into ``video`` until the stream ends or ``signal`` aborts.
// Returns {kind: "http" | "unsupported" | "ended", response, codec}; ``onData(ms)`` runs on
// every chunk of media received (the frame age is the age of the last one), ``onClock(ms)``
// with the camera's own time of the newest frame, where the camera sends RTCP sender reports.
export async function streamVideo(url, { signal, video, onData, onClock = () => {} }) {
  const response = await fetch(url, { signal, credentials: "same-origin", cache: "no-store" });
  const codec = response.headers.get("x-video-codec") || "";
  if (!response.ok || !response.body) return { kind: "http", response, codec };
  if (!canPlay(codec)) {
    await response.body.cancel().catch(() => {});
    return { kind: "unsupported", response, codec };
  }
  const mediaSource = new MediaSource();
  const objectUrl = URL.createObjectURL(mediaSource);
  video.src = objectUrl;
  try {
    await opened(mediaSource);
    const buffer = mediaSource.addSourceBuffer(mimeOf(codec));
    const pending = [];
    const pump = () => {
      if (buffer.updating || !pending.length || mediaSource.readyState !== "open") return;
      if (tidy(video, buffer)) return; // a removal runs first; updateend pumps again
      const size = pending.reduce((n, c) => n + c.length, 0);
      const joined = new Uint8Array(size);
      let at = 0;
      for (const c of pending.splice(0)) { joined.set(c, at); at += c.length; }
      buffer.appendBuffer(joined);
    };
    buffer.addEventListener("updateend", () => { tidy(video, buffer); pump(); });
    video.play().catch(() => {}); // muted: autoplay is allowed
    const reader = response.body.getReader();
    const clock = new CameraClock();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      onData(Date.now());
      const cameraMs = clock.feed(value);
      if (cameraMs != null) onClock(cameraMs);
      pending.push(value);
      pump();
    }
  } finally {
    URL.revokeObjectURL(objectUrl);
  }
  return { kind: "ended", response, codec };
}
