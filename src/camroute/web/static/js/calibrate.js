// GIS administrators calibrate a PTZ camera: turn the head onto a landmark (with the step
// buttons here, or the installer's own tool), click that landmark on the map, record the head's
// position; with 2-3 landmarks in different directions camroute fits the offsets and shows the
// fit error; saving stores the calibration with provenance "measured".

import { api, problemText } from "./api.js";
import { el, toast } from "./dom.js";
import { onLanguageChange, t } from "./i18n.js";
import { state } from "./state.js";
import { calibrationPicture, stopCalibrationPicture } from "./calsnap.js";

let session = null;
const STEPS = [0.005, 0.02, 0.1]; // device units per click (a full-turn head: 0.9°, 3.6°, 18°)
const AXES = [["pan", -1, "◀"], ["pan", 1, "▶"], ["tilt", 1, "▲"], ["tilt", -1, "▼"], ["zoom", 1, "+"], ["zoom", -1, "−"]];

const cameraPath = (suffix) => `/api/cameras/${encodeURIComponent(session.cam.id)}/ptz/${suffix}`;
const fixed = (v, n = 4) => Number(v).toFixed(n);

export function isCalibrating() {
  return session !== null;
}

export function stopCalibration() {
  if (!session) return;
  stopCalibrationPicture();
  state.map.off("click", session.onClick);
  session.group.remove();
  session = null;
}

// Open the calibration step for ``cam`` in the side panel; map clicks pick landmarks.
export function startCalibration(cam) {
  stopCalibration();
  const group = L.layerGroup().addTo(state.map);
  session = { cam, group, picked: null, pickMarker: null, marks: [], position: null, fitted: false };
  session.onClick = (e) => pick(e.latlng);
  state.map.on("click", session.onClick);
  render();
  readPosition();
}

function node(id) { return document.getElementById(id); }

function render() {
  const stepSelect = el("select", { id: "calib-step" }, STEPS.map((s) => el("option", { value: String(s) }, String(s))));
  stepSelect.value = String(STEPS[1]);
  document.getElementById("detail").replaceChildren(el("section", { class: "calibrate", dataset: { camera: session.cam.id } },
    el("h2", { dataset: { i18n: "calib.title" } }, t("calib.title")),
    el("p", {}, el("strong", {}, session.cam.id), session.cam.name ? ` — ${session.cam.name}` : ""),
    el("p", { class: "muted", dataset: { i18n: "calib.help" } }, t("calib.help")),
    session.cam.has_snapshot === false ? null : calibrationPicture(session.cam.id, "calib-snapshot"),
    el("div", { class: "nudge" }, AXES.map(([axis, sign, label]) => el("button", {
      type: "button", class: "nudge-step", dataset: { axis, sign: String(sign) }, onclick: () => nudge(axis, sign),
    }, label)), el("label", {}, el("span", { dataset: { i18n: "calib.step" } }, t("calib.step")), stepSelect),
    el("button", { type: "button", id: "calib-read", onclick: readPosition, dataset: { i18n: "calib.read" } }, t("calib.read"))),
    el("div", { id: "calib-position", class: "muted" }),
    el("div", { id: "calib-picked" }, t("calib.pick")),
    el("button", { type: "button", id: "calib-record", disabled: true, onclick: record, dataset: { i18n: "calib.record" } }, t("calib.record")),
    el("ol", { id: "calib-marks" }),
    el("p", { id: "calib-result", role: "status" }),
    el("div", { class: "actions" },
      el("button", { type: "button", id: "calib-fit", disabled: true, onclick: fitMarks, dataset: { i18n: "calib.fit" } }, t("calib.fit")),
      el("button", { type: "button", class: "primary", id: "calib-save", disabled: true, onclick: save, dataset: { i18n: "calib.save" } }, t("calib.save")),
      el("button", { type: "button", onclick: close, dataset: { i18n: "admin.cancel" } }, t("admin.cancel")))));
}

function showPosition(status) {
  session.position = status.position;
  const p = status.position;
  const box = node("calib-position");
  box.textContent = t("calib.position", { pan: fixed(p.pan), tilt: fixed(p.tilt), zoom: fixed(p.zoom, 3) });
  box.dataset.pan = String(p.pan);
  box.dataset.tilt = String(p.tilt);
}

// The lines written with numbers, again in the new language.
function rewrite() {
  if (!session || !node("calib-position")) return;
  if (session.position) showPosition({ position: session.position });
  const { picked } = session;
  node("calib-picked").textContent = picked ? t("calib.picked", { lat: fixed(picked.lat, 6), lon: fixed(picked.lon, 6) }) : t("calib.pick");
  const out = node("calib-result");
  if (out.dataset.fitErrorDeg && out.className === "fit") {
    out.textContent = t("calib.fit_error", { e: Number(out.dataset.fitErrorDeg).toFixed(2), n: session.marks.length });
  }
}

onLanguageChange(rewrite);

function problem(err) {
  const out = node("calib-result");
  out.className = "problem";
  out.textContent = problemText(err);
}

async function readPosition() {
  if (!session) return;
  try { showPosition(await api(cameraPath("status"))); } catch (err) { problem(err); }
}

async function nudge(axis, sign) {
  const step = Number(node("calib-step").value) * sign;
  for (const b of document.querySelectorAll(".calibrate .nudge-step")) b.disabled = true;
  try {
    showPosition(await api(cameraPath("nudge"), { method: "POST", json: { [axis]: step } }));
  } catch (err) {
    problem(err);
  } finally {
    for (const b of document.querySelectorAll(".calibrate .nudge-step")) b.disabled = false;
  }
}

function pick(latlng) {
  session.picked = { lon: latlng.lng, lat: latlng.lat };
  if (session.pickMarker) session.pickMarker.remove();
  session.pickMarker = L.circleMarker(latlng, { radius: 7, color: "#d12b1f", weight: 2, fillOpacity: 0.2 }).addTo(session.group);
  node("calib-picked").textContent = t("calib.picked", { lat: fixed(latlng.lat, 6), lon: fixed(latlng.lng, 6) });
  node("calib-record").disabled = false;
}

// The landmark clicked, with the head's position read now (the head may have moved since).
async function record() {
  try {
    showPosition(await api(cameraPath("status")));
  } catch (err) {
    problem(err);
    return;
  }
  const { lon, lat } = session.picked;
  session.marks.push({ lon, lat, pan: session.position.pan, tilt: session.position.tilt });
  L.circleMarker([lat, lon], { radius: 5, color: "#1b6fd1", weight: 2, fillOpacity: 0.8 })
    .bindTooltip(String(session.marks.length), { permanent: true, direction: "top" }).addTo(session.group);
  session.picked = null;
  session.pickMarker.remove();
  node("calib-picked").textContent = t("calib.pick");
  node("calib-record").disabled = true;
  showMarks();
}

function showMarks() {
  node("calib-marks").replaceChildren(...session.marks.map((m, i) => el("li", {},
    `${fixed(m.lat, 6)}, ${fixed(m.lon, 6)} ← pan ${fixed(m.pan)}, tilt ${fixed(m.tilt)} `,
    el("button", { type: "button", class: "remove", onclick: () => { session.marks.splice(i, 1); showMarks(); } }, "×"))));
  node("calib-fit").disabled = session.marks.length < 2;
  session.fitted = false;
  node("calib-save").disabled = true;
}

async function fitMarks() {
  const out = node("calib-result");
  try {
    const fit = await api(cameraPath("calibration/fit"), { method: "POST", json: { landmarks: session.marks } });
    out.className = "fit";
    out.dataset.fitErrorDeg = String(fit.fit_error_deg);
    out.textContent = t("calib.fit_error", { e: fit.fit_error_deg.toFixed(2), n: session.marks.length });
    session.fitted = true;
    node("calib-save").disabled = false;
  } catch (err) {
    problem(err);
  }
}

async function save() {
  try {
    const saved = await api(cameraPath("calibration"), { method: "PUT", json: { landmarks: session.marks } });
    node("calib-result").dataset.saved = saved.source;
    toast(session.cam.id, t("calib.saved", { e: (saved.calibration.fit_error_deg || 0).toFixed(2) }), "info");
    node("calib-save").disabled = true;
  } catch (err) {
    problem(err);
  }
}

function close() {
  stopCalibration();
  document.getElementById("detail").replaceChildren();
}
