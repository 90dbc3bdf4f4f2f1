// Read a multipart/x-mixed-replace MJPEG stream with fetch and hand over each JPEG as it lands,
// so the page knows when every frame arrived (an <img> pointed at the stream cannot tell).

const CRLF2 = [13, 10, 13, 10];

function indexOf(buf, pattern, from = 0) {
  outer: for (let i = from; i <= buf.length - pattern.length; i += 1) {
    for (let j = 0; j < pattern.length; j += 1) if (buf[i + j] !== pattern[j]) continue outer;
    return i;
  }
  return -1;
}

function concat(a, b) {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function parseHeaders(bytes) {
  const headers = {};
  for (const line of new TextDecoder().decode(bytes).split("\r\n")) {
    const at = line.indexOf(":");
    if (at > 0) headers[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
  }
  return headers;
}

// Pull complete parts out of ``buf``; returns [frames, rest]. Each frame: {headers, jpeg}.
export function takeParts(buf, boundary) {
  const marker = new TextEncoder().encode(`--${boundary}`);
  const frames = [];
  let rest = buf;
  for (;;) {
    const start = indexOf(rest, marker);
    if (start < 0) break;
    const headEnd = indexOf(rest, CRLF2, start + marker.length);
    if (headEnd < 0) break;
    const headers = parseHeaders(rest.subarray(start + marker.length, headEnd));
    const bodyStart = headEnd + 4;
    let bodyEnd;
    if (headers["content-length"]) {
      bodyEnd = bodyStart + Number(headers["content-length"]);
      if (bodyEnd > rest.length) break;
    } else {
      const next = indexOf(rest, marker, bodyStart);
      if (next < 0) break;
      bodyEnd = next >= 2 && rest[next - 2] === 13 ? next - 2 : next;
    }
    frames.push({ headers, jpeg: rest.slice(bodyStart, bodyEnd) });
    rest = rest.subarray(bodyEnd);
  }
  return [frames, rest.slice()];
}

// Stream ``url``; calls onFrame({blob, headers, response}) per JPEG until ``signal`` aborts.
export async function streamMjpeg(url, { signal, onFrame, onResponse }) {
  const response = await fetch(url, { signal, credentials: "same-origin" });
  if (onResponse) onResponse(response);
  if (!response.ok) return response;
  const type = response.headers.get("content-type") || "";
  const match = /boundary="?([^";]+)"?/i.exec(type);
  if (!match || !response.body) return response;
  const reader = response.body.getReader();
  let buf = new Uint8Array(0);
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buf = concat(buf, value);
    let frames;
    [frames, buf] = takeParts(buf, match[1]);
    for (const f of frames) onFrame({ blob: new Blob([f.jpeg], { type: "image/jpeg" }), headers: f.headers, response });
    if (buf.length > 8 * 1024 * 1024) buf = new Uint8Array(0); // a broken stream: resynchronise
  }
  return response;
}
