// The incident queue: loaded from /api/incidents, kept current by /api/events (SSE).

import { api, problemText } from "./api.js";
import { el, hotlineClass, toast } from "./dom.js";
import { formatAgo, t } from "./i18n.js";
import { emit, on, state } from "./state.js";

let markers = null;
let source = null;
let refreshTimer = null;
// While the dispatcher points at (or tabs through) the queue, its rows hold still: a call that
// arrives then waits behind the "N new calls" button instead of pushing the row under the
// pointer down into a misclick. Away from the queue, new calls go to the top at once.
let held = false;
let shownIds = []; // the ids in the order the queue shows them
// The kinds the server publishes (events/router.py names each SSE message by its kind).
const EVENT_KINDS = [
  "incident.created", "incident.updated", "incident.status",
  "view.opened", "view.renewed", "view.ended", "view.revoked",
];

export function initQueue(map) {
  markers = L.layerGroup().addTo(map);
  const pane = document.getElementById("queue-pane");
  const hold = (on) => {
    held = on;
    if (!on) render([...state.incidents.values()]); // nobody is aiming at a row now
  };
  pane.addEventListener("mouseenter", () => hold(true));
  pane.addEventListener("mouseleave", () => hold(pane.contains(document.activeElement)));
  pane.addEventListener("focusin", () => { held = true; });
  pane.addEventListener("focusout", (ev) => { if (!pane.contains(ev.relatedTarget) && !pane.matches(":hover")) hold(false); });
  document.getElementById("queue-new").addEventListener("click", () => {
    shownIds = [];
    render([...state.incidents.values()], { insert: true });
  });
  setInterval(updateAges, 1000);
  on("incident-changed", () => scheduleRefresh(0));
}

function itemsOf(data) {
  return Array.isArray(data) ? data : data.items || data.incidents || [];
}

export async function refreshQueue() {
  try {
    const list = itemsOf(await api("/api/incidents"));
    state.incidents = new Map(list.map((inc) => [inc.id, inc]));
    render(list);
    emit("queue-updated", list);
  } catch (err) {
    if (err.status !== 401) toast(t("error"), problemText(err));
  }
}

function scheduleRefresh(delayMs = 50) {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(refreshQueue, delayMs);
}

function callTime(inc) { return Date.parse(inc.created_at || inc.received_at || inc.opened_at); }

function wardName(inc) {
  const lookup = inc.lookup || {};
  const ward = lookup.ward || {};
  return inc.ward_name || ward.name || "";
}

// The order to show: the server's, or (held) the rows already shown, in place, new ones waiting.
function order(list, insert) {
  if (!held || insert) return { rows: list, waiting: 0 };
  const byId = new Map(list.map((inc) => [inc.id, inc]));
  const rows = shownIds.filter((id) => byId.has(id)).map((id) => byId.get(id));
  const known = new Set(shownIds);
  return { rows, waiting: list.filter((inc) => !known.has(inc.id)).length };
}

function render(list, { insert = false } = {}) {
  const { rows, waiting } = order(list, insert);
  shownIds = rows.map((inc) => inc.id);
  const more = document.getElementById("queue-new");
  more.hidden = waiting === 0;
  more.textContent = t("queue.new", { n: waiting });
  const ol = document.getElementById("queue");
  ol.replaceChildren(...rows.map((inc) => el("li", {
    class: `${hotlineClass(inc.hotline)}${inc.id === state.selectedId ? " selected" : ""}${inc.status === "closed" ? " closed" : ""}`,
    dataset: { id: inc.id, hotline: inc.hotline, status: inc.status }, tabindex: "0",
    onclick: () => emit("select-incident", inc.id),
  },
  el("div", { class: "row" },
    el("span", { class: `badge ${hotlineClass(inc.hotline)}` }, inc.hotline),
    el("span", { class: "ago", dataset: { since: String(callTime(inc)) } }, formatAgo((Date.now() - callTime(inc)) / 1000))),
  el("div", { class: "row" },
    el("span", { class: "ward" }, wardName(inc) || inc.address || inc.call_id || ""),
    el("span", { class: "status-chip" }, t(`status.${inc.status}`))))));
  document.getElementById("queue-empty").hidden = list.length > 0;
  drawMarkers(list);
}

function drawMarkers(list) {
  markers.clearLayers();
  for (const inc of list) {
    if (inc.lon == null || inc.lat == null || inc.status === "closed") continue;
    const selected = inc.id === state.selectedId ? " selected" : ""; // drawn by the incident layer
    const icon = L.divIcon({ className: `inc-marker ${hotlineClass(inc.hotline)}${selected}`, iconSize: [20, 20] });
    const marker = L.marker([inc.lat, inc.lon], { icon, title: `${inc.hotline} ${inc.call_id || inc.id}`, zIndexOffset: 1000 });
    marker.on("click", () => emit("select-incident", inc.id));
    marker.on("add", () => { marker.getElement().dataset.incident = inc.id; });
    markers.addLayer(marker);
  }
}

function updateAges() {
  for (const span of document.querySelectorAll("#queue .ago")) {
    span.textContent = formatAgo((Date.now() - Number(span.dataset.since)) / 1000);
  }
}

// Select the incident after the current one (J), wrapping round.
export function selectNext(step = 1) {
  const ids = [...state.incidents.values()].filter((i) => i.status !== "closed").map((i) => i.id);
  if (!ids.length) return;
  const at = ids.indexOf(state.selectedId);
  emit("select-incident", ids[(at + step + ids.length) % ids.length]);
}

function handleEvent(raw, kindFromName) {
  let body = {};
  try { body = JSON.parse(raw); } catch { /* keep-alive or plain text */ }
  const kind = body.kind || kindFromName || "";
  const data = body.data || body;
  if (kind.startsWith("incident.") || !kind) scheduleRefresh();
  emit("server-event", { kind, data });
}

// Open the SSE stream (the cookie authenticates it); EventSource reconnects by itself.
export function connectEvents() {
  if (source) source.close();
  source = new EventSource("/api/events");
  const conn = document.getElementById("conn");
  conn.hidden = false;
  const show = (key, className) => { conn.dataset.i18n = key; conn.textContent = t(key); conn.className = className; };
  source.onopen = () => { show("conn.live", "conn"); scheduleRefresh(0); };
  source.onerror = () => show("conn.lost", "conn lost");
  source.onmessage = (ev) => handleEvent(ev.data, "");
  for (const kind of EVENT_KINDS) source.addEventListener(kind, (ev) => handleEvent(ev.data, kind));
}

export function disconnectEvents() {
  if (source) source.close();
  source = null;
}
