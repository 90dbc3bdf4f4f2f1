// GIS administrators and supervisors: a toggle drawing where the cameras see (the union of
// their views), the blind stretches most called first, and the last ``coverage plan``'s
// proposed cameras with their cones and what each adds. Computed by the server, kept minutes.

import { api, problemText } from "./api.js";
import { toast } from "./dom.js";
import { clock, t } from "./i18n.js";
import { state } from "./state.js";

const ROLES = ["gis_admin", "supervisor"];
const button = () => document.getElementById("coverage-toggle");
let group = null;

export function initCoverage() {
  button().addEventListener("click", () => (group ? hideCoverage() : showCoverage()));
}

export function startCoverage(user) {
  button().hidden = !ROLES.includes(user.role);
}

export function hideCoverage() {
  if (group) group.remove();
  group = null;
  const b = button();
  b.setAttribute("aria-pressed", "false");
  delete b.dataset.blind;
  delete b.dataset.planned;
}

export async function showCoverage() {
  const b = button();
  b.disabled = true;
  let layer;
  try {
    layer = await api("/api/coverage/layer?months=12&top=300");
  } catch (err) {
    toast(t("error"), problemText(err));
    return;
  } finally {
    b.disabled = false;
  }
  hideCoverage();
  group = L.layerGroup().addTo(state.map);
  L.geoJSON(layer.seen, {
    style: { color: "#2f855a", weight: 1, fillColor: "#38a169", fillOpacity: 0.3 }, interactive: false,
  }).addTo(group);
  for (const s of layer.blind) {
    L.geoJSON(s.geometry, { style: { color: "#e53e3e", weight: 4, opacity: 0.85 } })
      .bindTooltip(t("cov.blind", { name: s.name, m: Math.round(s.length_m), n: s.incidents, k: s.per_km }))
      .addTo(group);
  }
  for (const p of layer.plan) {
    L.geoJSON(p.cone, { style: { color: "#2b6cb0", weight: 2, dashArray: "5 4", fillOpacity: 0.2 } }).addTo(group);
    L.marker([p.lat, p.lon], {
      keyboard: false,
      icon: L.divIcon({ className: "plan-site", html: "", iconSize: [12, 12] }),
    }).bindTooltip(t("cov.planned", { r: p.rank, g: Math.round(p.gain_m), h: Math.round(p.heading_deg) }),
      { permanent: true, direction: "right", className: "plan-label" }).addTo(group);
  }
  b.setAttribute("aria-pressed", "true");
  b.dataset.blind = String(layer.blind.length);
  b.dataset.planned = String(layer.plan.length);
  toast(t("cov.title"), t("cov.summary", {
    s: (100 * layer.street_share).toFixed(1), i: (100 * layer.incident_share).toFixed(1), m: layer.months,
    at: clock(layer.computed_at),  // a layer is reused for a few minutes: say how old it is
  }), "info");
}

