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
// every chunk of media received (the frame age is the age of the last one).
export async function streamVideo(url, { signal, video, onData }) {
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
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      onData(Date.now());
      pending.push(value);
      pump();
    }
  } finally {
    URL.revokeObjectURL(objectUrl);
  }
  return { kind: "ended", response, codec };
}
