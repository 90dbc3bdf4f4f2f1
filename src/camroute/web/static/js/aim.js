// Aim a PTZ camera from its live tile: one click frames the caller's area, the residual and the
// share of the area in the picture are shown, and the map's cone turns to where the camera stopped.
// The tile also shows who controls the camera (polled), and the aim-follow switch.

import { ProblemError, api } from "./api.js";
import { el } from "./dom.js";
import { clock, onLanguageChange, t } from "./i18n.js";
import { cameraGroups, cameraId, drawSubject } from "./incident.js";
import { followControls, viewPath, watchControl } from "./ptzstate.js";
import { state } from "./state.js";

const shown = new Set(); // result lines, re-written when the language changes

function rankedCamera(incidentId, id) {
  const detail = state.detail;
  if (!detail || detail.id !== incidentId) return null;
  const { ranked, context } = cameraGroups(detail);
  return [...ranked, ...context].find((cam) => cameraId(cam) === id) || null;
}

// The Aim button, its result line, the reason box (supervisor zones), follow and the lock line.
export function aimControls(tile) {
  const cam = rankedCamera(tile.incidentId, tile.cameraId);
  if (!cam || cam.kind !== "ptz") return null;
  const out = el("div", { class: "aim-result", role: "status" });
  const reason = el("input", { type: "text", class: "aim-reason", hidden: true, maxlength: "2000",
    placeholder: t("aim.reason"), dataset: { i18nPlaceholder: "aim.reason" } });
  const button = el("button", { type: "button", class: "aim", dataset: { i18n: "aim.button" } }, t("aim.button"));
  const aimed = { tile, cam, button, out, reason, shownUntil: 0 };
  button.addEventListener("click", () => aim(aimed));
  const holder = el("div", { class: "aim-holder", role: "status" });
  const follow = followControls(tile, () => reason.value.trim());
  const bar = el("div", { class: "aim-bar" }, button, follow, out, reason, holder);
  // A poll's last aim is shown only when newer than the one shown (a follow's re-aim renews the
  // lock, so it ends later), never while a click's aim is under way.
  const onAim = (result) => {
    if (button.dataset.aiming !== "1" && Date.parse(result.lock_expires_at) > aimed.shownUntil) showResult(aimed, result);
  };
  watchControl(tile, bar, { holder, button, onAim });
  return bar;
}

async function aim(aimed) {
  const { button, out, reason } = aimed;
  button.disabled = true;
  button.dataset.aiming = "1";
  out.className = "aim-result busy";
  out.textContent = t("aim.busy");
  delete out.dataset.result;
  delete out.dataset.code;
  const body = reason.hidden || !reason.value.trim() ? {} : { reason: reason.value.trim() };
  try {
    showResult(aimed, await api(viewPath(aimed.tile, "aim"), { method: "POST", json: body }));
    reason.hidden = true;
  } catch (err) {
    showProblem(aimed, err);
  } finally {
    delete button.dataset.aiming;
    button.disabled = button.dataset.doNotMove === "1";
  }
}

// Show an aim's result (a click's, or a follow's the poll found) and turn the cone.
function showResult(aimed, result) {
  const { tile, cam, out } = aimed;
  aimed.shownUntil = Math.max(aimed.shownUntil, Date.parse(result.lock_expires_at));
  delete out.dataset.code;
  delete out.dataset.problem;
  out.title = "";
  out.dataset.result = JSON.stringify(result);
  out.dataset.residualDeg = String(result.residual_deg);
  write(out);
  shown.add(out);
  cam.pan_deg = result.pan_deg; // the cone follows the camera, not the plan
  cam.hfov_deg = result.hfov_deg;
  if (state.detail && state.detail.id === tile.incidentId) drawSubject(state.detail, { fit: false });
}

function write(out) {
  if (out.dataset.code) {
    out.textContent = problemLine(JSON.parse(out.dataset.problem));
    return;
  }
  const r = JSON.parse(out.dataset.result);
  const parts = [t("aim.result", { r: r.residual_deg.toFixed(1), s: Math.round(r.share_in_picture * 100) })];
  if (!r.calibrated) parts.push(t("aim.uncalibrated", { e: Math.round(r.expected_error_deg) }));
  out.className = `aim-result${r.calibrated ? "" : " uncalibrated"}`;
  out.textContent = parts.join(" · ");
}

// A refusal in the page's language; the server's own words stay in the tooltip.
function problemLine(p) {
  const zones = (p.zones || []).map((z) => z.name).join(", ");
  const known = {
    ptz_protected_zone: () => t((p.zones || []).some((z) => z.policy === "never") ? "aim.zone_never" : "aim.zone_supervisor", { name: zones }),
    ptz_locked: () => t("aim.locked", { who: p.holder || "?", until: clock(p.lock_until) }),
    ptz_do_not_move: () => t("aim.do_not_move"),
    ptz_timeout: () => t("aim.timeout"),
    ptz_refused: () => t("aim.refused"),
    ptz_unsupported: () => t("aim.unsupported"),
  }[p.code];
  const detail = p.detail || p.title || `HTTP ${p.status}`;
  return known ? `${known()} — ${detail}` : detail;
}

function showProblem(aimed, err) {
  const { out, reason } = aimed;
  const p = err instanceof ProblemError ? { ...err.problem, status: err.status } : { detail: String(err) };
  out.className = "aim-result error";
  out.dataset.code = p.code || "error";
  out.dataset.problem = JSON.stringify(p);
  out.textContent = problemLine(p);
  out.title = p.detail || "";
  shown.add(out);
  // A supervisor zone: a supervisor may aim there with a written reason.
  const supervisorZone = p.code === "ptz_protected_zone" && !(p.zones || []).some((z) => z.policy === "never");
  if (supervisorZone && state.user && state.user.role === "supervisor") {
    reason.hidden = false;
    reason.focus();
  }
}

onLanguageChange(() => {
  for (const out of shown) {
    if (!out.isConnected) shown.delete(out);
    else if (out.dataset.result || out.dataset.code) write(out);
  }
});
