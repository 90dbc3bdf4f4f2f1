// The incident queue: loaded from /api/incidents when the event stream (re)connects, then kept
// current row by row from /api/events: each incident event carries its list row (the
// ``IncidentSummary``), so a change redraws that one row and asks the server for nothing.

import { api, problemText } from "./api.js";
import { el, hotlineClass, toast } from "./dom.js";
import { formatAgo, t } from "./i18n.js";
import { emit, metrics, on, state } from "./state.js";

let markers = null;
let source = null;
let refreshTimer = null;
// Rows that arrive by event while the list is loading: the list may predate them.
let arrivedDuringLoad = null;
let loadsStarted = 0;
let newestLoadShown = 0;
// The row and marker drawn for each incident, reused while its summary is the same object.
const rowNodes = new Map(); // id -> {inc, node}
const markerOf = new Map(); // id -> {inc, marker}
// While the dispatcher points at (or tabs through) the queue, its rows hold still: a call that
// arrives then waits behind the "N new calls" button instead of pushing the row under the
// pointer down into a misclick. Away from the queue, new calls go to the top at once.
let held = false;
let shownIds = []; // the ids in the order the queue shows them
// The kinds the server publishes (events/router.py names each SSE message by its kind;
// ``IncidentEvent`` in the OpenAPI document gives each one's fields).
const EVENT_KINDS = [
  "incident.created", "incident.updated", "incident.status",
  "view.opened", "view.renewed", "view.ended", "view.revoked", "refetch",
];

export function initQueue(map) {
  markers = L.layerGroup().addTo(map);
  const pane = document.getElementById("queue-pane");
  const hold = (on) => {
    held = on;
    if (!on) render(ordered()); // nobody is aiming at a row now
  };
  pane.addEventListener("mouseenter", () => hold(true));
  pane.addEventListener("mouseleave", () => hold(pane.contains(document.activeElement)));
  pane.addEventListener("focusin", () => { held = true; });
  pane.addEventListener("focusout", (ev) => { if (!pane.contains(ev.relatedTarget) && !pane.matches(":hover")) hold(false); });
  document.getElementById("queue-new").addEventListener("click", () => {
    shownIds = [];
    render(ordered(), { insert: true });
  });
  setInterval(updateAges, 1000);
  // The page's own change (a status button, a walk-in call): the answer is the incident.
  on("incident-changed", (incident) => { if (incident && incident.updated_at) upsert(incident); });
}

function itemsOf(data) {
  return Array.isArray(data) ? data : data.items || data.incidents || [];
}

// The whole list again: at login, when the stream (re)connects, after a gap ("refetch").
export async function refreshQueue() {
  const arrived = [];
  const seq = ++loadsStarted;
  arrivedDuringLoad = arrived;
  try {
    const list = itemsOf(await api("/api/incidents"));
    if (seq < newestLoadShown) return; // a later load answered first
    newestLoadShown = seq;
    state.incidents = new Map(list.map((inc) => [inc.id, inc]));
    for (const inc of arrived) keepNewer(inc);
    metrics.queueLoads += 1;
    render(ordered());
    emit("queue-updated", list);
  } catch (err) {
    if (err.status !== 401) toast(t("error"), problemText(err));
  } finally {
    if (arrivedDuringLoad === arrived) arrivedDuringLoad = null;
  }
}

// Keep ``inc`` unless the row already held is the same version or newer (events, loads and
// the page's own requests can cross).
function keepNewer(inc) {
  const held = state.incidents.get(inc.id);
  if (held && (held.updated_at === inc.updated_at || Date.parse(held.updated_at) > Date.parse(inc.updated_at))) return false;
  state.incidents.set(inc.id, inc);
  return true;
}

// One incident's row changed (or is new): redraw that row, move it where it belongs.
function upsert(inc) {
  if (arrivedDuringLoad) arrivedDuringLoad.push(inc);
  if (keepNewer(inc)) render(ordered());
}

// The server's order: open before closed, newest call first, then by id.
function ordered() {
  const closed = (inc) => (inc.status === "closed" ? 1 : 0);
  return [...state.incidents.values()].sort((a, b) =>
    closed(a) - closed(b) || Date.parse(b.created_at) - Date.parse(a.created_at) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
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
  placeRows(document.getElementById("queue"), rows.map(rowNode));
  for (const id of rowNodes.keys()) if (!state.incidents.has(id)) rowNodes.delete(id);
  document.getElementById("queue-empty").hidden = list.length > 0;
  drawMarkers(list);
}

function rowNode(inc) {
  const known = rowNodes.get(inc.id);
  if (known && known.inc === inc) return known.node;
  const node = el("li", {
    class: `${hotlineClass(inc.hotline)}${inc.id === state.selectedId ? " selected" : ""}${inc.status === "closed" ? " closed" : ""}`,
    dataset: { id: inc.id, hotline: inc.hotline, status: inc.status }, tabindex: "0",
    onclick: () => emit("select-incident", inc.id),
  },
  el("div", { class: "row" },
    el("span", { class: `badge ${hotlineClass(inc.hotline)}` }, inc.hotline),
    el("span", { class: "ago", dataset: { since: String(callTime(inc)) } }, formatAgo((Date.now() - callTime(inc)) / 1000))),
  el("div", { class: "row" },
    el("span", { class: "ward" }, wardName(inc) || inc.address || inc.call_id || ""),
    el("span", { class: "status-chip" }, t(`status.${inc.status}`))));
  rowNodes.set(inc.id, { inc, node });
  return node;
}

// Put ``nodes`` in ``ol`` in order, touching only rows that are new or moved: a row whose
// incident did not change keeps its node (and the focus, if it has it).
function placeRows(ol, nodes) {
  nodes.forEach((node, i) => {
    if (ol.children[i] !== node) ol.insertBefore(node, ol.children[i] || null);
  });
  while (ol.children.length > nodes.length) ol.lastElementChild.remove();
}

function drawMarkers(list) {
  const shown = new Set();
  for (const inc of list) {
    if (inc.lon == null || inc.lat == null || inc.status === "closed") continue;
    shown.add(inc.id);
    const known = markerOf.get(inc.id);
    if (known && known.inc === inc) continue;
    if (known) markers.removeLayer(known.marker);
    markerOf.set(inc.id, { inc, marker: incidentMarker(inc) });
    markers.addLayer(markerOf.get(inc.id).marker);
  }
  for (const [id, { marker }] of markerOf) {
    if (!shown.has(id)) { markers.removeLayer(marker); markerOf.delete(id); }
  }
}

function incidentMarker(inc) {
  const selected = inc.id === state.selectedId ? " selected" : ""; // drawn by the incident layer
  const icon = L.divIcon({ className: `inc-marker ${hotlineClass(inc.hotline)}${selected}`, iconSize: [20, 20] });
  const marker = L.marker([inc.lat, inc.lon], { icon, title: `${inc.hotline} ${inc.call_id || inc.id}`, zIndexOffset: 1000 });
  marker.on("click", () => emit("select-incident", inc.id));
  marker.on("add", () => { marker.getElement().dataset.incident = inc.id; });
  return marker;
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

// One typed event (``IncidentEvent``): an incident event redraws its row; a refetch (an event
// too large to carry, or events this page missed) loads the list again.
function handleEvent(raw) {
  let event = null;
  try { event = JSON.parse(raw); } catch { return; /* not an event */ }
  if (!event || typeof event.kind !== "string") return;
  metrics.serverEvents += 1;
  if (event.kind === "refetch") scheduleRefresh();
  else if (event.incident) upsert(event.incident);
  emit("server-event", event);
}

// Open the SSE stream (the cookie authenticates it); EventSource reconnects by itself.
export function connectEvents() {
  if (source) source.close();
  source = new EventSource("/api/events");
  const conn = document.getElementById("conn");
  conn.hidden = false;
  const show = (key, className) => { conn.dataset.i18n = key; conn.textContent = t(key); conn.className = className; };
  // (Re)connected: events sent while the page was away are lost, so the list loads again.
  source.onopen = () => { show("conn.live", "conn"); metrics.streamOpens += 1; scheduleRefresh(0); };
  source.onerror = () => show("conn.lost", "conn lost");
  source.onmessage = (ev) => handleEvent(ev.data);
  for (const kind of EVENT_KINDS) source.addEventListener(kind, (ev) => handleEvent(ev.data));
}

export function disconnectEvents() {
  if (source) source.close();
  source = null;
}
