// GIS administrators: drag a camera, rotate and widen its cone (or take a suggested heading),
// save with If-Match; conflicts are shown. A saved heading is ``measured``: a person set it.

import { api, problemText, request } from "./api.js";
import { el, toast } from "./dom.js";
import { pick, t } from "./i18n.js";
import { bearing, destination, sectorLatLngs } from "./geo.js";
import { isAdmin, state } from "./state.js";
import { scheduleRefresh } from "./cameras.js";
import { startCalibration, stopCalibration } from "./calibrate.js";
import { calibrationPicture, stopCalibrationPicture } from "./calsnap.js";

let editor = null;
const MIN_HFOV_DEG = 5;
const MAX_HFOV_DEG = 170; // a fixed lens; wider is a 360 dome, another kind

export function isEditing() {
  return editor !== null;
}



export function stopEditing() {
  if (!editor) return;
  stopCalibrationPicture();
  editor.group.remove();
  editor = null;
}

// Start editing ``cam``: a draggable position marker, a heading handle and a width handle,
// previewing the cone. ``then`` (the heading queue's) runs after a save or a cancel.
export async function editCamera(cam, then = {}) {
  if (!isAdmin()) return;
  stopEditing();
  stopCalibration();
  let current;
  let version;
  try {
    const { data, headers } = await request(`/api/cameras/${encodeURIComponent(cam.id)}`);
    current = data;
    version = headers.get("etag") || (data.version != null ? `"${data.version}"` : null);
  } catch (err) {
    toast(t("error"), problemText(err));
    return;
  }
  const draft = { lon: current.lon, lat: current.lat, heading_deg: current.heading_deg ?? 0, hfov_deg: current.hfov_deg || 60 };
  const group = L.layerGroup().addTo(state.map);
  const cone = L.polygon([], { color: "#d12b1f", weight: 2, dashArray: "4 4", fillOpacity: 0.15, interactive: false }).addTo(group);
  const pos = L.marker([draft.lat, draft.lon], { draggable: true, title: cam.id }).addTo(group);
  const handle = L.marker([0, 0], {
    draggable: true, title: "heading", icon: L.divIcon({ className: "rot-handle", iconSize: [14, 14] }),
  }).addTo(group);
  const widen = L.marker([0, 0], {
    draggable: true, title: "field of view", icon: L.divIcon({ className: "fov-handle", iconSize: [12, 12] }),
  }).addTo(group);
  const reach = () => Math.min(current.range_m || 60, 120);
  const redraw = () => {
    cone.setLatLngs(sectorLatLngs(draft, draft.heading_deg, draft.hfov_deg, current.range_m || 60));
    const h = destination(draft, draft.heading_deg, reach());
    handle.setLatLng([h.lat, h.lon]);
    const w = destination(draft, draft.heading_deg + draft.hfov_deg / 2, reach() * 0.8);
    widen.setLatLng([w.lat, w.lon]);
    info.textContent = `${t("admin.heading", { d: Math.round(draft.heading_deg) })} · ${t("admin.hfov", { d: Math.round(draft.hfov_deg) })}`;
  };
  const info = el("span", { class: "muted" });
  pos.on("drag", (e) => { draft.lon = e.latlng.lng; draft.lat = e.latlng.lat; redraw(); });
  handle.on("drag", (e) => { draft.heading_deg = bearing(draft, { lon: e.latlng.lng, lat: e.latlng.lat }); redraw(); });
  handle.on("dragend", redraw);
  widen.on("drag", (e) => {
    const off = Math.abs(angleDiff(bearing(draft, { lon: e.latlng.lng, lat: e.latlng.lat }), draft.heading_deg));
    draft.hfov_deg = Math.min(Math.max(2 * off, MIN_HFOV_DEG), MAX_HFOV_DEG);
    redraw();
  });
  widen.on("dragend", redraw);
  editor = { group, cam, draft, version, heading0: current.heading_deg, hfov0: current.hfov_deg, redraw, then };
  redraw();
  showEditorPanel(cam, info, current);
  showSuggestions(cam);
}

// Signed smallest difference a - b in (-180, 180].
function angleDiff(a, b) {
  const d = (((a - b) % 360) + 360) % 360;
  return d > 180 ? d - 360 : d;
}

// The street directions the server suggests: one click turns the cone to it (saved as measured
// only when the admin saves, having looked).
async function showSuggestions(cam) {
  const box = document.getElementById("admin-suggestions");
  let found;
  try {
    found = await api(`/api/cameras/${encodeURIComponent(cam.id)}/heading-suggestions`);
  } catch {
    return; // no streets loaded, or the camera went away: the editor works without them
  }
  if (!editor || editor.cam.id !== cam.id || !box) return;
  box.replaceChildren(...(found.suggestions.length
    ? found.suggestions.map((s) => el("li", {},
      el("button", {
        type: "button", class: "suggestion", title: pick(s.reason), dataset: { heading: String(s.heading_deg) },
        onclick: () => { editor.draft.heading_deg = s.heading_deg; editor.redraw(); },
      }, `${Math.round(s.heading_deg)}° · ${s.street} · ${s.score.toFixed(2)}`)))
    : [el("li", { class: "muted" }, t("admin.no_suggestion"))]));
}

// The camera's current picture beside the editor (js/calsnap.js: the audited calibration
// snapshot, refused for restricted cameras and protected places, with the reason); a camera
// without a snapshot URL gets a note saying so.
function snapshotPanel(cam, current) {
  if (current.has_snapshot) return calibrationPicture(cam.id, "admin-snapshot");
  return el("p", { class: "muted snapshot-note", id: "admin-snapshot", dataset: { reason: "no_snapshot", i18n: "admin.snapshot.no_snapshot" } },
    t("admin.snapshot.no_snapshot"));
}

// A PTZ camera's next step: calibrate its head against landmarks (js/calibrate.js).
function calibrateButton(cam, kind) {
  if (kind !== "ptz") return null;
  return el("button", { type: "button", id: "admin-calibrate", dataset: { i18n: "calib.start" },
    onclick: () => { stopEditing(); startCalibration(cam); } }, t("calib.start"));
}

function showEditorPanel(cam, info, current) {
  document.getElementById("detail").replaceChildren(el("section", { class: "admin-editor", dataset: { camera: cam.id } },
    el("h2", { dataset: { i18n: "admin.edit" } }, t("admin.edit")), el("p", {}, el("strong", {}, cam.id), cam.name ? ` — ${cam.name}` : ""), info,
    snapshotPanel(cam, current),
    el("h3", { dataset: { i18n: "admin.suggestions" } }, t("admin.suggestions")),
    el("ul", { class: "suggestions", id: "admin-suggestions" }),
    el("p", { class: "problem", hidden: true, id: "admin-problem" }),
    el("div", { class: "actions" },
      el("button", { type: "button", class: "primary", id: "admin-save", onclick: save, dataset: { i18n: "admin.save" } }, t("admin.save")),
      calibrateButton(cam, current.kind),
      el("button", { type: "button", dataset: { i18n: "admin.cancel" }, onclick: () => { const { then } = editor || {}; stopEditing(); document.getElementById("detail").replaceChildren(); if (then && then.cancelled) then.cancelled(cam); } }, t("admin.cancel")))));
}

async function save() {
  if (!editor) return;
  const { cam, draft, version } = editor;
  const problem = document.getElementById("admin-problem");
  const body = { lon: round(draft.lon, 7), lat: round(draft.lat, 7) };
  const heading = ((round(draft.heading_deg, 1) % 360) + 360) % 360;
  if (heading !== editor.heading0) Object.assign(body, { heading_deg: heading, heading_source: "measured" });
  const hfov = round(draft.hfov_deg, 1);
  if (hfov !== editor.hfov0) Object.assign(body, { hfov_deg: hfov, hfov_source: "measured" });
  try {
    const { data, headers } = await request(`/api/cameras/${encodeURIComponent(cam.id)}`, {
      method: "PATCH", json: body, headers: version ? { "If-Match": version } : {},
    });
    editor.version = headers.get("etag") || (data && data.version != null ? `"${data.version}"` : null);
    editor.heading0 = data ? data.heading_deg : editor.heading0;
    editor.hfov0 = data ? data.hfov_deg : editor.hfov0;
    problem.hidden = true;
    toast(cam.id, t("admin.saved", { v: data && data.version != null ? data.version : "" }), "info");
    scheduleRefresh(0);
    if (editor.then.saved) editor.then.saved(cam);
  } catch (err) {
    const conflict = err.status === 409 || err.status === 412;
    problem.textContent = `${conflict ? `${t("admin.conflict")}: ` : ""}${problemText(err)}`;
    problem.hidden = false;
  }
}

function round(value, digits) {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

