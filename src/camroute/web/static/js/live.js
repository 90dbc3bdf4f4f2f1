// Live tiles: purpose -> ticket -> video (RTSP remuxed to fMP4, played with MSE), else MJPEG,
// else refreshed snapshots, with the frame age.
// Amber after 2 s, red STALE after 5 s, at most 4 tiles, closed when the incident closes.

import { aimControls } from "./aim.js";
import { ProblemError, api, problemText } from "./api.js";
import { el, toast } from "./dom.js";
import { t } from "./i18n.js";
import { streamMjpeg } from "./mjpeg.js";
import { emit, metrics, state } from "./state.js";
import { streamVideo, videoQuery } from "./video.js";

export const MAX_TILES = 4;
const AMBER_S = 2;
const STALE_S = 5;
const SNAPSHOT_EVERY_MS = 1000;
const tiles = []; // {key, incidentId, cameraId, node, abort, lastFrameAt, url, ...}

function frameTime(value) {
  if (!value) return null;
  const ms = /^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

// Ask for the purpose (and a reason when the camera is restricted), then open the tile.
export function requestView(incidentId, cam) {
  const dialog = document.getElementById("purpose-dialog");
  const form = document.getElementById("purpose-form");
  const error = document.getElementById("purpose-error");
  const id = cam.camera_id ?? cam.id;
  if (tiles.some((x) => x.cameraId === id && x.incidentId === incidentId)) return;
  if (tiles.length >= MAX_TILES) {
    toast(t("denied"), t("live.max"));
    return;
  }
  document.getElementById("purpose-camera").textContent = `${id}${cam.name ? ` — ${cam.name}` : ""}`;
  // A camera seeing into a supervisor zone: say so before the server refuses a missing reason.
  // A PTZ camera is marked with every zone it could turn to, and the server judges its ticket
  // by where it points now: the reason is asked for only if the server says it is needed.
  const hits = (cam.protected || []).filter((h) => h.policy === "supervisor");
  const ptz = cam.kind === "ptz";
  const note = document.getElementById("purpose-protected");
  note.hidden = !hits.length;
  note.textContent = hits.length ? `${t(ptz ? "purpose.ptz_protected" : "purpose.protected")} (${[...new Set(hits.map((h) => h.name))].join(", ")})` : "";
  form.reason.required = hits.length > 0 && !ptz;
  error.hidden = true;
  form.reason.value = "";
  form.onsubmit = async (ev) => {
    ev.preventDefault();
    const purpose = form.querySelector("input[name=purpose]:checked").value;
    const reason = form.reason.value.trim();
    const ok = await openView(incidentId, id, { purpose, reason, errorBox: error });
    if (ok) dialog.close();
  };
  document.getElementById("purpose-cancel").onclick = () => dialog.close();
  dialog.showModal();
  document.getElementById("purpose-ok").focus();
}

// POST the view; on success add a tile, on refusal show the server's reason.
export async function openView(incidentId, cameraId, { purpose, reason = "", errorBox = null }) {
  const body = { camera_id: cameraId, purpose };
  if (reason) body.reason = reason;
  const askedAt = performance.now(); // the dispatcher's last click: the ticket is asked for
  try {
    const view = await api(`/api/incidents/${encodeURIComponent(incidentId)}/views`, { method: "POST", json: body });
    addTile(incidentId, cameraId, purpose, view, askedAt);
    return true;
  } catch (err) {
    const text = problemText(err);
    if (errorBox) {
      errorBox.textContent = `${t("denied")}: ${text}`;
      errorBox.hidden = false;
    }
    toast(err instanceof ProblemError && err.status < 500 ? t("denied") : t("error"), text);
    if (err instanceof ProblemError && err.status === 429) emit("show-my-views"); // the slots' holders
    return false;
  }
}

function addTile(incidentId, cameraId, purpose, view, askedAt) {
  const img = el("img", { alt: cameraId });
  const video = el("video", { muted: true, playsInline: true, autoplay: true, hidden: true });
  video.muted = true; // the property, not only the attribute, lets autoplay start
  const note = el("div", { class: "note", hidden: true });
  const age = el("div", { class: "age", dataset: { i18n: "live.waiting" } }, t("live.waiting"));
  const tile = { incidentId, cameraId, view, lastFrameAt: null, abort: new AbortController(), img, video, note, age, objectUrl: null, stream: videoQuery() };
  tile.node = el("div", { class: "tile", dataset: { camera: cameraId, incident: incidentId } },
    el("header", {}, el("strong", {}, cameraId),
      el("span", { class: "purpose", dataset: { i18n: `purpose.${purposeKey(purpose)}` } }, t(`purpose.${purposeKey(purpose)}`)),
      el("button", { type: "button", class: "close-tile", title: t("live.close"), dataset: { i18nTitle: "live.close" }, onclick: () => closeTile(tile) }, "×")),
    img, video, note, age, aimControls(tile));
  // From the click to the first video frame playing: the "plays within ~1.5 s" of issue #12.
  video.addEventListener("playing", () => {
    const ms = performance.now() - askedAt;
    metrics.videoStartMs.push(ms);
    tile.node.dataset.startMs = ms.toFixed(0);
  }, { once: true });
  tiles.push(tile);
  document.getElementById("tiles").append(tile.node);
  tile.ticker = setInterval(() => showAge(tile), 250);
  scheduleRenewal(tile);
  run(tile);
  emit("live-views-changed");
}

// Show a view the user already holds (from "My live views", e.g. after a reload) as a tile.
export function adoptView(view) {
  if (tileOf(view.ticket_id)) return false;
  if (tiles.length >= MAX_TILES) {
    toast(t("denied"), t("live.max"));
    return false;
  }
  addTile(view.incident_id, view.camera_id, view.purpose, view, performance.now());
  return true;
}

export function tileOf(ticketId) { return tiles.find((x) => x.view.ticket_id === ticketId) || null; }

export function closeTileOf(ticketId, options) {
  const tile = tileOf(ticketId);
  if (tile) closeTile(tile, "", options);
}

export function purposeKey(purpose) {
  return { verify_incident: "verify", locate_caller: "locate", guide_responders: "guide" }[purpose] || "other";
}

function showFrame(tile, blob, at) {
  const url = URL.createObjectURL(blob);
  tile.img.src = url;
  if (tile.objectUrl) URL.revokeObjectURL(tile.objectUrl);
  tile.objectUrl = url;
  tile.lastFrameAt = at;
  showAge(tile);
}

// How far the camera's clock (its RTCP sender reports) may differ from ours and still be
// believed; past it the tile says the camera's clock is off and ages frames by their arrival.
const CAMERA_CLOCK_SANE_S = 30;

// Whether the tile ages frames on the camera's clock: "camera", "off" (its clock is wrong),
// or "" (the camera sends no sender reports, or this is MJPEG or snapshots).
export function clockOf(tile) {
  if (tile.cameraLagMs == null) return "";
  return Math.abs(tile.cameraLagMs) <= CAMERA_CLOCK_SANE_S * 1000 ? "camera" : "off";
}

// The frame age (seconds) now; null before the first frame. On the camera's clock, the age
// also counts the time from the camera's capture to the frame's arrival here.
export function frameAgeS(tile, nowMs = Date.now()) {
  if (tile.lastFrameAt == null) return null;
  const lagMs = clockOf(tile) === "camera" ? Math.max(0, tile.cameraLagMs) : 0;
  return Math.max(0, (nowMs - tile.lastFrameAt + lagMs) / 1000);
}

function showAge(tile) {
  const age = frameAgeS(tile);
  if (age == null) return;
  delete tile.age.dataset.i18n; // from now on the age is written here, every 250 ms
  tile.node.classList.toggle("amber", age > AMBER_S && age <= STALE_S);
  tile.node.classList.toggle("stale", age > STALE_S);
  const clock = clockOf(tile);
  const said = clock ? ` · ${t(`live.clock_${clock}`, { s: Math.round(tile.cameraLagMs / 1000) })}` : "";
  tile.age.textContent = `${age > STALE_S ? `${t("live.stale")} · ` : ""}${t("live.age", { s: age.toFixed(1) })}${said}`;
  tile.age.dataset.ageS = age.toFixed(2);
  tile.age.dataset.clock = clock;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function problemCode(response) {
  try { return (await response.clone().json()).code || ""; } catch { return ""; }
}

// The server refused the ticket (expired, revoked, another user's): the tile closes, saying so.
async function ended(tile, response) {
  if (![401, 403, 404, 410].includes(response.status)) return false;
  let why = "";
  try { const body = await response.json(); why = body.detail || body.title || ""; } catch { /* no body */ }
  closeTile(tile, why ? `${t("live.ended")}: ${why}` : t("live.ended"), { serverSide: true });
  return true;
}

function showVideo(tile, on) {
  tile.video.hidden = !on;
  tile.img.hidden = on;
}

// Snapshots instead of video, and the tile says why (e.g. H.265 the browser cannot play).
async function snapshotsInstead(tile, key) {
  showVideo(tile, false);
  tile.note.dataset.i18n = key;
  tile.note.textContent = t(key);
  tile.note.hidden = false;
  await pollSnapshots(tile);
}

// The camera's RTSP stream as video. Returns true when the tile is settled (closed, or on
// snapshots), false when the camera has no RTSP stream (MJPEG next). The server is told whether
// H.265 plays here and picks the stream (an H.265 camera's H.264 sub-stream, or 404
// no_sub_stream: snapshots). A stream that still cannot play is asked again as the sub-stream.
async function runVideo(tile) {
  while (!tile.abort.signal.aborted) {
    const view = tile.view;
    let outcome = null;
    try {
      outcome = await streamVideo(view.video_url + tile.stream, {
        signal: tile.abort.signal,
        video: tile.video,
        onData: (ms) => { showVideo(tile, true); tile.lastFrameAt = ms; },
        onClock: (cameraMs) => { tile.cameraLagMs = Date.now() - cameraMs; },
      });
    } catch {
      if (tile.abort.signal.aborted) return true;
    }
    const response = outcome && outcome.response;
    if (outcome && outcome.kind === "unsupported") {
      if (tile.stream.includes("stream=sub")) return snapshotsInstead(tile, "live.h265_snapshots").then(() => true);
      tile.stream = videoQuery({ sub: true });
      continue;
    }
    if (response && response.status === 404 && tile.view === view) {
      const code = await problemCode(response);
      if (code === "no_video") return false;
      if (code === "no_sub_stream") return snapshotsInstead(tile, "live.h265_snapshots").then(() => true);
    }
    if (response && [401, 403, 404, 410].includes(response.status) && tile.view === view) {
      await ended(tile, response);
      return true;
    }
    await sleep(outcome && outcome.kind === "ended" ? 300 : 1000);
  }
  return true;
}

// MJPEG read with fetch (each frame's arrival is its time); snapshots when there is no stream.
// A stream that ends (ticket renewed or upstream hiccup) is reopened with the current ticket.
async function run(tile) {
  const mse = typeof MediaSource !== "undefined"; // without it: MJPEG or snapshots
  if (tile.view.video_url && mse && await runVideo(tile)) return;
  while (!tile.abort.signal.aborted) {
    const view = tile.view;
    let response = null;
    try {
      response = await streamMjpeg(view.mjpeg_url, {
        signal: tile.abort.signal,
        onResponse: (r) => { tile.lastFrameAt ??= frameTime(r.headers.get("last-frame-at")); },
        onFrame: ({ blob, headers }) => showFrame(tile, blob, frameTime(headers["last-frame-at"]) ?? Date.now()),
      });
    } catch {
      if (tile.abort.signal.aborted) return;
    }
    if (response && [401, 403, 404, 410].includes(response.status) && tile.view === view) {
      await ended(tile, response);
      return;
    }
    if (response && response.ok && !/multipart/i.test(response.headers.get("content-type") || "")) {
      await pollSnapshots(tile);
      return;
    }
    await sleep(response && response.ok ? 300 : 1000);
  }
}

async function pollSnapshots(tile) {
  while (!tile.abort.signal.aborted && tile.view.snapshot_url) {
    const started = Date.now();
    try {
      const response = await fetch(tile.view.snapshot_url, { signal: tile.abort.signal, cache: "no-store", credentials: "same-origin" });
      if (await ended(tile, response)) return;
      if (response.ok) showFrame(tile, await response.blob(), frameTime(response.headers.get("last-frame-at")) ?? Date.now());
    } catch (err) {
      if (tile.abort.signal.aborted) return;
    }
    await new Promise((r) => setTimeout(r, Math.max(100, SNAPSHOT_EVERY_MS - (Date.now() - started))));
  }
}

// Renew the ticket a minute before it expires (while the incident is open).
function scheduleRenewal(tile) {
  const dueMs = Date.parse(tile.view.expires_at) - Date.now() - 60000;
  tile.renewTimer = setTimeout(async () => {
    const { incident_id: incidentId, ticket_id: ticketId } = tile.view;
    try {
      tile.view = await api(`/api/incidents/${encodeURIComponent(incidentId)}/views/${encodeURIComponent(ticketId)}/renew`, { method: "POST" });
      metrics.renewals = (metrics.renewals || 0) + 1;
      scheduleRenewal(tile);
    } catch (err) {
      closeTile(tile, `${t("live.ended")}: ${problemText(err)}`);
    }
  }, Math.max(5000, dueMs));
}

// ``serverSide``: the server already ended the view (revoked, expired): do not DELETE it.
export function closeTile(tile, message = "", { serverSide = false } = {}) {
  const at = tiles.indexOf(tile);
  if (at < 0) return;
  tiles.splice(at, 1);
  tile.abort.abort();
  clearInterval(tile.ticker);
  clearTimeout(tile.renewTimer);
  if (!serverSide && tile.view.ticket_id) {
    const { incident_id: incidentId, ticket_id: ticketId } = tile.view;
    api(`/api/incidents/${encodeURIComponent(incidentId)}/views/${encodeURIComponent(ticketId)}`, { method: "DELETE" })
      .catch(() => {}).then(() => emit("live-views-changed"));
  } else {
    emit("live-views-changed");
  }
  if (tile.objectUrl) URL.revokeObjectURL(tile.objectUrl);
  tile.video.removeAttribute("src");
  tile.node.remove();
  if (message) toast(tile.cameraId, message, "info");
}

export function closeLastTile() {
  if (tiles.length) closeTile(tiles[tiles.length - 1]);
}

export function closeTilesOf(incidentId, message = "") {
  for (const tile of [...tiles]) if (tile.incidentId === incidentId) closeTile(tile, message, { serverSide: true });
}

export function tileCount() { return tiles.length; }

// Why the server revoked a view (``ViewChanged.because``), as the tile's closing message.
const ENDED_BECAUSE = { camera_turned_to_protected_zone: "live.ended_zone", rules_changed: "live.ended_rules" };

// Keep state in step with the server: a closed incident takes its tiles with it, and a revoked
// or ended ticket closes its tile.
export function onServerEvent(event) {
  const { kind } = event;
  if (kind === "incident.status" && event.incident.status === "closed") closeTilesOf(event.incident_id, t("live.ended"));
  if (kind === "view.revoked" || kind === "view.ended") {
    const why = t(ENDED_BECAUSE[event.because] || "live.ended");
    for (const tile of [...tiles]) if (tile.view.ticket_id === event.ticket_id) closeTile(tile, why, { serverSide: true });
  }
}

export function incidentStatusSeen(incident) {
  if (incident && incident.status === "closed") closeTilesOf(incident.id, t("live.ended"));
}

export function selectedIncidentId() { return state.selectedId; }
