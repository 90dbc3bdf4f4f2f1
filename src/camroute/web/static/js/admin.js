// GIS administrators: drag a camera, rotate its cone, save with If-Match; conflicts are shown.

import { problemText, request } from "./api.js";
import { el, toast } from "./dom.js";
import { t } from "./i18n.js";
import { bearing, destination, sectorLatLngs } from "./geo.js";
import { isAdmin, state } from "./state.js";
import { scheduleRefresh } from "./cameras.js";

let editor = null;

export function stopEditing() {
  if (!editor) return;
  editor.group.remove();
  editor = null;
}

// Start editing ``cam``: a draggable position marker and a heading handle, previewing the cone.
export async function editCamera(cam) {
  if (!isAdmin()) return;
  stopEditing();
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
  const draft = { lon: current.lon, lat: current.lat, heading_deg: current.heading_deg ?? 0 };
  const group = L.layerGroup().addTo(state.map);
  const cone = L.polygon([], { color: "#d12b1f", weight: 2, dashArray: "4 4", fillOpacity: 0.15, interactive: false }).addTo(group);
  const pos = L.marker([draft.lat, draft.lon], { draggable: true, title: cam.id }).addTo(group);
  const handle = L.marker([0, 0], {
    draggable: true, title: "heading", icon: L.divIcon({ className: "rot-handle", iconSize: [14, 14] }),
  }).addTo(group);
  const reach = () => Math.min(current.range_m || 60, 120);
  const redraw = () => {
    cone.setLatLngs(sectorLatLngs(draft, draft.heading_deg, current.hfov_deg || 60, current.range_m || 60));
    const h = destination(draft, draft.heading_deg, reach());
    handle.setLatLng([h.lat, h.lon]);
    info.textContent = t("admin.heading", { d: Math.round(draft.heading_deg) });
  };
  const info = el("span", { class: "muted" });
  pos.on("drag", (e) => { draft.lon = e.latlng.lng; draft.lat = e.latlng.lat; redraw(); });
  handle.on("drag", (e) => { draft.heading_deg = bearing(draft, { lon: e.latlng.lng, lat: e.latlng.lat }); redraw(); });
  handle.on("dragend", redraw);
  editor = { group, cam, draft, version, heading0: current.heading_deg };
  redraw();
  showEditorPanel(cam, info);
}

function showEditorPanel(cam, info) {
  document.getElementById("detail").replaceChildren(el("section", { class: "admin-editor", dataset: { camera: cam.id } },
    el("h2", { dataset: { i18n: "admin.edit" } }, t("admin.edit")), el("p", {}, el("strong", {}, cam.id), cam.name ? ` — ${cam.name}` : ""), info,
    el("p", { class: "problem", hidden: true, id: "admin-problem" }),
    el("div", { class: "actions" },
      el("button", { type: "button", class: "primary", id: "admin-save", onclick: save, dataset: { i18n: "admin.save" } }, t("admin.save")),
      el("button", { type: "button", dataset: { i18n: "admin.cancel" }, onclick: () => { stopEditing(); document.getElementById("detail").replaceChildren(); } }, t("admin.cancel")))));
}

async function save() {
  if (!editor) return;
  const { cam, draft, version } = editor;
  const problem = document.getElementById("admin-problem");
  const body = { lon: round(draft.lon, 7), lat: round(draft.lat, 7) };
  const heading = ((round(draft.heading_deg, 1) % 360) + 360) % 360;
  if (heading !== editor.heading0) Object.assign(body, { heading_deg: heading, heading_source: "measured" });
  try {
    const { data, headers } = await request(`/api/cameras/${encodeURIComponent(cam.id)}`, {
      method: "PATCH", json: body, headers: version ? { "If-Match": version } : {},
    });
    editor.version = headers.get("etag") || (data && data.version != null ? `"${data.version}"` : null);
    problem.hidden = true;
    toast(cam.id, t("admin.saved", { v: data && data.version != null ? data.version : "" }), "info");
    scheduleRefresh(0);
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

