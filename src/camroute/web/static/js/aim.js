// Aim a PTZ camera from its live tile: one click frames the caller's area, the residual and the
// share of the area in the picture are shown, and the map's cone turns to where the camera stopped.

import { api, problemText } from "./api.js";
import { el } from "./dom.js";
import { onLanguageChange, t } from "./i18n.js";
import { cameraGroups, cameraId, drawSubject } from "./incident.js";
import { state } from "./state.js";

const shown = new Set(); // result lines, re-written when the language changes

function rankedCamera(incidentId, id) {
  const detail = state.detail;
  if (!detail || detail.id !== incidentId) return null;
  const { ranked, context } = cameraGroups(detail);
  return [...ranked, ...context].find((cam) => cameraId(cam) === id) || null;
}

// The Aim button and its result line for a tile, or null when the camera cannot move.
export function aimControls(tile) {
  const cam = rankedCamera(tile.incidentId, tile.cameraId);
  if (!cam || cam.kind !== "ptz") return null;
  const out = el("div", { class: "aim-result", role: "status" });
  const button = el("button", { type: "button", class: "aim", dataset: { i18n: "aim.button" } }, t("aim.button"));
  button.addEventListener("click", () => aim(tile, cam, button, out));
  return el("div", { class: "aim-bar" }, button, out);
}

async function aim(tile, cam, button, out) {
  const path = `/api/incidents/${encodeURIComponent(tile.view.incident_id)}/views/${encodeURIComponent(tile.view.ticket_id)}/aim`;
  button.disabled = true;
  out.className = "aim-result busy";
  out.textContent = t("aim.busy");
  delete out.dataset.result;
  try {
    const result = await api(path, { method: "POST", json: {} });
    out.dataset.result = JSON.stringify(result);
    out.dataset.residualDeg = String(result.residual_deg);
    write(out);
    shown.add(out);
    cam.pan_deg = result.pan_deg; // the cone follows the camera, not the plan
    cam.hfov_deg = result.hfov_deg;
    if (state.detail && state.detail.id === tile.incidentId) drawSubject(state.detail, { fit: false });
  } catch (err) {
    out.className = "aim-result error";
    out.textContent = problemText(err);
  } finally {
    button.disabled = false;
  }
}

function write(out) {
  const r = JSON.parse(out.dataset.result);
  const parts = [t("aim.result", { r: r.residual_deg.toFixed(1), s: Math.round(r.share_in_picture * 100) })];
  if (!r.calibrated) parts.push(t("aim.uncalibrated", { e: Math.round(r.expected_error_deg) }));
  out.className = `aim-result${r.calibrated ? "" : " uncalibrated"}`;
  out.textContent = parts.join(" · ");
}

onLanguageChange(() => {
  for (const out of shown) {
    if (!out.isConnected) shown.delete(out);
    else if (out.dataset.result) write(out);
  }
});
