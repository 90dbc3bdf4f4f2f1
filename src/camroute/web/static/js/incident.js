// The selected incident (or a searched place): its panel and what it draws on the map.

import { api, problemText } from "./api.js";
import { el, formatDistance, hotlineClass, toast } from "./dom.js";
import { pick, t } from "./i18n.js";
import { poiName, unitNodes } from "./labels.js";
import { sectorLatLngs } from "./geo.js";
import { emit, state } from "./state.js";
import { STATUS_COLOURS } from "./cameras.js";

let layer = null;

// Stacking, bottom to top: a PTZ camera's whole reach (faint), the cones and the part a PTZ
// camera frames, then the caller's area and position, so no cone ever hides where the caller is.
export function initIncidentLayer(map) {
  map.createPane("reach").style.zIndex = 380;
  map.createPane("cones").style.zIndex = 390;
  map.createPane("caller").style.zIndex = 420;
  layer = L.layerGroup().addTo(map);
}

// Ranked, context and offline cameras, with their cones: an incident carries its stored
// ``route`` (a ``RouteResult``, null when nothing was ranked); a searched place is a route result.
export function cameraGroups(subject) {
  const route = subject.route !== undefined ? subject.route || {} : subject;
  return { ranked: route.cameras || [], context: route.context || [], offline: route.offline || [], reason: route.reason || null };
}

export function cameraId(cam) { return cam.camera_id ?? cam.id; }

export function clearIncidentLayer() {
  if (layer) layer.clearLayers();
}

// Draw the uncertainty region, cones, ranked markers and PTZ arrows; fit the view.
export function drawSubject(subject, { fit = true } = {}) {
  layer.clearLayers();
  cones.clear();
  const loc = subject.location || {};
  const bounds = L.latLngBounds([]);
  const colour = { 113: "#1f5fd1", 114: "#d12b1f", 115: "#178a3c" }[subject.hotline] || "#333";
  const circle = loc.region && loc.region.type === "Point" && loc.uncertainty_m > 0;
  if (circle) {
    const region = L.circle([loc.lat, loc.lon], { pane: "caller", radius: loc.uncertainty_m, color: colour, weight: 2.5, fillOpacity: 0.15, className: "uncertainty" });
    layer.addLayer(region);
    bounds.extend(region.getBounds());
  } else if (loc.region) {
    const region = L.geoJSON(loc.region, {
      pane: "caller",
      style: { color: colour, weight: 2.5, fillOpacity: 0.15, className: "uncertainty" },
      pointToLayer: (_f, ll) => L.circleMarker(ll, { pane: "caller", radius: 7, color: colour, fillOpacity: 0.5 }),
    });
    layer.addLayer(region);
    bounds.extend(region.getBounds());
  }
  if (loc.lon != null) {
    const ll = [loc.lat, loc.lon];
    layer.addLayer(L.circleMarker(ll, { pane: "caller", radius: 4, color: colour, fillColor: colour, fillOpacity: 1, className: "caller" }));
    bounds.extend(ll);
  }
  const { ranked, context, offline } = cameraGroups(subject);
  context.forEach((cam) => drawCamera(cam, { rank: null, faint: true }));
  offline.forEach((cam) => drawCamera(cam, { rank: null, faint: true, offline: true }));
  ranked.forEach((cam, i) => {
    drawCamera(cam, { rank: i + 1 }, loc);
    if (i < 5) bounds.extend([cam.lat, cam.lon]);
  });
  if (fit && bounds.isValid()) {
    const tiles = document.getElementById("tiles"); // keep the place clear of open live tiles
    const right = tiles.children.length ? tiles.offsetWidth + 16 : 0;
    state.map.fitBounds(bounds.pad(0.25), { maxZoom: 19, paddingBottomRight: [right, 0] });
  }
}

const TOP_CONES = 3; // the best few are drawn strongly; the rest stay faint until hovered
const cones = new Map(); // camera id -> its cone layer (for hover highlighting)

export function coneStyle(cam, { rank, faint, offline }) {
  // an assumed field of view or an estimated (assumed / suggested) heading: not measured
  const dashed = Boolean(cam.fov_assumed || cam.heading_estimated);
  const strong = rank && rank <= TOP_CONES;
  return {
    color: offline ? "#7a7a7a" : faint ? "#6b7a90" : "#e07b00",
    weight: rank === 1 ? 2.5 : strong ? 1.8 : 1, opacity: strong ? 1 : 0.6,
    dashArray: dashed ? "6 5" : null, fillOpacity: strong ? 0.18 : faint ? 0.02 : 0.05,
    className: `cone${dashed ? " cone-assumed" : ""}`,
  };
}

// A camera that turns (PTZ, 360°) has a pan and a zoomed field of view toward the caller.
const aims = (cam) => cam.pan_deg != null && cam.hfov_deg != null;

// A turning camera's viewshed is everything it could see after turning (a disc): drawn as a
// thin faint outline only, under the cones and the caller's area.
const REACH_STYLE = { color: "#8a6d3b", weight: 1, opacity: 0.55, dashArray: "2 4", fillOpacity: 0.03, className: "ptz-reach" };

function drawCamera(cam, { rank, faint = false, offline = false }, loc = null) {
  const turning = aims(cam);
  if (cam.view_geojson && turning) {
    layer.addLayer(L.geoJSON(cam.view_geojson, { pane: "reach", style: REACH_STYLE, interactive: false }));
  } else if (cam.view_geojson) {
    addCone(cam, (style) => L.geoJSON(cam.view_geojson, { pane: "cones", style, interactive: false }), { rank, faint, offline });
  }
  if (turning && loc && !faint && !offline) addCone(cam, (style) => ptzFrame(cam, loc, style), { rank, faint, offline }, " ptz-frame");
  const colour = offline ? STATUS_COLOURS.offline : STATUS_COLOURS[cam.status] || "#e07b00";
  const marker = L.circleMarker([cam.lat, cam.lon], {
    radius: rank ? 8 : 5, color: "#000", weight: 1, fillColor: colour, fillOpacity: 1,
    className: rank ? "ranked-camera" : "context-camera",
  });
  if (rank) marker.bindTooltip(String(rank), { permanent: true, direction: "top", className: "rank-label" });
  marker.on("click", () => emit("open-camera", cam));
  marker.on("mouseover", () => highlightCone(cameraId(cam), true));
  marker.on("mouseout", () => highlightCone(cameraId(cam), false));
  layer.addLayer(marker);
}

// Bring one camera's cone forward (hover on its list item or marker).
export function highlightCone(id, on) {
  const cone = cones.get(id);
  if (!cone) return;
  cone.setStyle(on ? { ...cone.baseStyle, weight: 3, opacity: 1, fillOpacity: 0.3, color: "#c2185b" } : cone.baseStyle);
  if (on) cone.bringToFront();
}

// ``make(style)`` builds the layer (Leaflet reads className only when a path is created).
function addCone(cam, make, how, extraClass = "") {
  const base = coneStyle(cam, how);
  base.className += extraClass;
  const cone = make(base);
  cone.baseStyle = base;
  cones.set(cameraId(cam), cone);
  layer.addLayer(cone);
}

// What a turning camera frames once turned to ``pan_deg`` and zoomed to ``hfov_deg`` (both
// from the ranking): a sector reaching just past the far side of the caller's area.
function ptzFrame(cam, loc, style) {
  const reachM = (cam.distance_m || 0) + Math.max(loc.uncertainty_m || 0, 10) * 1.2;
  return L.polygon(sectorLatLngs(cam, cam.pan_deg, cam.hfov_deg, reachM), { ...style, pane: "cones", interactive: false });
}

const withDistance = (name, d) => (name ? `${name}${d != null ? ` (${formatDistance(d)})` : ""}` : "");

// The area lookup (``LocationReport``): 2025 ward, legacy ward/district, street, corner, units.
function lookupBlock(lookup) {
  if (!lookup) return null;
  const admin = lookup.admin || {};
  const name = (key) => (admin[key] ? admin[key].name : "");
  const crossing = lookup.intersection;
  const rows = [
    [t("detail.ward"), [name("ward") || name("commune"), name("province")].filter(Boolean).join(", ")],
    [t("detail.legacy"), [name("legacy_ward"), name("legacy_district")].filter(Boolean).join(", ")],
    [t("detail.street"), lookup.street && withDistance(lookup.street.name, lookup.street.distance_m)],
    [t("detail.intersection"), crossing && withDistance((crossing.names || []).join(" / "), crossing.distance_m)],
    [t("detail.poi"), lookup.poi && withDistance(poiName(lookup.poi), lookup.poi.distance_m)],
  ].filter(([, v]) => v);
  const units = Object.entries(lookup.services || {}).sort(([a], [b]) => a.localeCompare(b));
  return el("section", { class: "lookup" },
    el("dl", { class: "kv" }, rows.map(([k, v]) => [el("dt", {}, k), el("dd", {}, v)])),
    units.length ? el("h3", {}, t("detail.units")) : null,
    units.length ? el("ul", { class: "units" }, units.map(([hotline, u]) => el("li", {},
      el("span", { class: `badge ${hotlineClass(hotline)}` }, hotline), " ", unitNodes(u.name),
      u.distance_m != null ? ` — ${formatDistance(u.distance_m)}` : "",
      u.phone ? ` · ${u.phone}` : ""))) : null);
}

// The protected zones a camera's viewshed reaches: a badge per zone, and why (once per reason).
function protectedNodes(cam) {
  const hits = cam.protected || [];
  if (!hits.length) return { chips: null, why: null };
  const chips = el("div", { class: "zones" }, hits.map((h) => el("span",
    { class: `chip protected ${h.policy}`, title: pick(h.reason) }, t("cam.protected", { name: h.name }))));
  // A "never" zone decides: the supervisor zones beside it change nothing, so they are not repeated.
  const deciding = hits.filter((h) => h.policy === hits[0].policy);
  // A PTZ camera could turn there; it is judged by where it points when opened and aimed.
  const why = cam.kind === "ptz" && hits[0].policy === "never" ? t("cam.ptz_protected")
    : [...new Set(deciding.map((h) => pick(h.reason)))].join(" · ");
  return { chips, why: el("div", { class: `protected-reason ${hits[0].policy}` }, why) };
}

function openButton(cam, onOpen) {
  if (!onOpen) return null;
  // A PTZ camera is marked with every zone it could turn to; the server judges its ticket by
  // where it points now, so it may still be opened (aiming into the zone is refused).
  if (cam.kind !== "ptz" && (cam.protected || []).some((h) => h.policy === "never")) {
    return el("button", { type: "button", class: "open-live", disabled: true, title: t("cam.never") }, t("cam.never"));
  }
  const ptzNever = cam.kind === "ptz" && (cam.protected || []).some((h) => h.policy === "never");
  return el("button", { type: "button", class: "open-live", title: ptzNever ? t("cam.ptz_protected") : null, onclick: () => onOpen(cam) }, t("cam.open"));
}

export function cameraItem(cam, { rank = null, onOpen } = {}) {
  const fraction = cam.visible_fraction != null ? Math.round(cam.visible_fraction * 100) : null;
  const zones = protectedNodes(cam);
  return el("li", {
    class: `${rank === 1 ? "best " : ""}${cam.status === "offline" ? "offline" : ""}`, dataset: { camera: cameraId(cam) },
    onmouseenter: () => highlightCone(cameraId(cam), true), onmouseleave: () => highlightCone(cameraId(cam), false),
  },
    el("div", { class: "row" },
      el("span", {}, rank ? el("span", { class: "rank" }, `${rank}. `) : null, el("strong", {}, cameraId(cam))),
      el("span", { class: "meta" }, fraction != null ? t("cam.visible", { p: fraction }) : "", " · ", formatDistance(cam.distance_m))),
    cam.name ? el("div", { class: "name" }, cam.name) : null,
    cam.reason ? el("div", { class: "reason" }, pick(cam.reason)) : null,
    zones.why,
    zones.chips,
    el("div", { class: "row" },
      el("span", {},
        cam.fov_assumed ? el("span", { class: "chip assumed" }, t("cam.fov_assumed")) : null, " ",
        cam.heading_estimated ? el("span", { class: "chip assumed heading-estimated" }, t("cam.heading_estimated")) : null, " ",
        cam.access_class === "restricted" ? el("span", { class: "chip restricted" }, t("cam.restricted")) : null, " ",
        cam.kind === "ptz" && cam.pan_deg != null ? el("span", { class: "chip" }, t("cam.ptz", { d: Math.round(cam.pan_deg) })) : null),
      openButton(cam, onOpen)));
}

function cameraLists(subject, onOpen) {
  const { ranked, context, offline, reason } = cameraGroups(subject);
  return [
    el("h3", {}, t("detail.cameras")),
    ranked.length
      ? el("ol", { class: "cams ranked" }, ranked.map((cam, i) => cameraItem(cam, { rank: i + 1, onOpen })))
      : el("p", { class: "muted no-camera" }, pick(reason) || t("detail.nocamera")),
    context.length ? el("h3", {}, t("detail.context")) : null,
    context.length ? el("ul", { class: "cams context" }, context.map((cam) => cameraItem(cam, { onOpen }))) : null,
    offline.length ? el("h3", {}, t("detail.offline")) : null,
    offline.length ? el("ul", { class: "cams offline" }, offline.map((cam) => cameraItem(cam))) : null,
  ];
}

function statusActions(incident) {
  const next = [["acknowledged", "detail.acknowledge"], ["dispatched", "detail.dispatch"], ["closed", "detail.close"]];
  return el("div", { class: "actions" }, next.filter(([s]) => s !== incident.status && incident.status !== "closed").map(([s, key]) =>
    el("button", { type: "button", dataset: { status: s }, onclick: () => setStatus(incident.id, s) }, t(key))));
}

async function setStatus(id, status) {
  try {
    emit("incident-changed", await api(`/api/incidents/${encodeURIComponent(id)}`, { method: "PATCH", json: { status } }));
  } catch (err) {
    toast(t("error"), problemText(err));
  }
}

let shown = null; // the panel on screen and how it was built: {node, subject, opts}

// Build the panel on screen again (language switch), unless something else replaced it.
export function rerenderPanel() {
  if (shown && shown.node.isConnected) renderPanel(shown.subject, shown.opts);
}

// The right-hand panel for an incident (``kind`` "incident") or a search hit ("place").
export function renderPanel(subject, opts = {}) {
  const { kind = "incident", onOpen, extra = null } = opts;
  const loc = subject.location || {};
  const head = kind === "incident"
    ? el("h2", {}, el("span", { class: `badge ${hotlineClass(subject.hotline)}` }, subject.hotline || ""), " ",
      subject.call_id || subject.id, " ", el("span", { class: "status-chip" }, t(`status.${subject.status}`)))
    : el("h2", {}, t("search.results"));
  const where = el("p", { class: "muted" },
    loc.lon != null ? `${loc.lat.toFixed(5)}, ${loc.lon.toFixed(5)}` : "",
    loc.uncertainty_m != null ? ` · ${t("detail.uncertainty", { m: Math.round(loc.uncertainty_m) })}` : "",
    subject.address ? ` · ${subject.address}` : "");
  const node = el("div", { class: `subject ${kind}`, dataset: { id: subject.id || "" } },
    head, where, kind === "incident" ? statusActions(subject) : null, extra,
    lookupBlock(subject.lookup), cameraLists(subject, onOpen));
  document.getElementById("detail").replaceChildren(node);
  shown = { node, subject, opts };
}
