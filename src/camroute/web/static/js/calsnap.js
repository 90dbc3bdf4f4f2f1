// The camera's current picture beside a GIS admin's heading editor or PTZ calibration step
// (GET /api/cameras/{id}/calibration-snapshot: no incident, audited, never a restricted or
// protected place). Refreshed every REFRESH_MS while its panel is on the page; stopped when
// the panel closes. A refusal shows the server's reason instead of a picture.

import { ProblemError, bearerToken, problemText } from "./api.js";
import { el } from "./dom.js";
import { t } from "./i18n.js";

const REFRESH_MS = 3000;
const FINAL = new Set([401, 403, 404, 409, 422]); // the answer will not change by asking again
let running = null;

async function fetchJpeg(cameraId, signal) {
  const headers = { Accept: "image/jpeg" };
  const token = bearerToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(`/api/cameras/${encodeURIComponent(cameraId)}/calibration-snapshot`,
    { credentials: "same-origin", headers, signal, cache: "no-store" });
  if (!response.ok) {
    let problem;
    try { problem = await response.json(); } catch { problem = { title: `HTTP ${response.status}` }; }
    throw new ProblemError(response.status, problem);
  }
  return response.blob();
}

export function stopCalibrationPicture() {
  if (!running) return;
  running.stopped = true;
  clearTimeout(running.timer);
  running.abort.abort();
  for (const url of [running.url, running.old]) if (url) URL.revokeObjectURL(url);
  running = null;
}

function showRefusal(run, err) {
  const { box, img } = run;
  const code = err instanceof ProblemError ? err.problem.code || "" : "";
  const key = code === "calibration_refused" ? "calsnap.refused" : "calsnap.failed";
  box.dataset.state = code || "failed";
  img.hidden = true;
  delete run.note.dataset.i18n;
  run.note.textContent = `${t(key)}: ${problemText(err)}`;
}

async function tick(run) {
  if (run.stopped) return;
  if (!run.box.isConnected) { if (running === run) stopCalibrationPicture(); return; }
  if (!document.hidden) {
    try {
      const blob = await fetchJpeg(run.cameraId, run.abort.signal);
      if (run.stopped) return;
      const url = URL.createObjectURL(blob);
      run.img.onload = () => { if (run.old) URL.revokeObjectURL(run.old); run.old = null; };
      run.old = run.url;
      run.url = url;
      run.img.src = url;
      run.img.hidden = false;
      run.box.dataset.state = "shown";
      run.note.dataset.i18n = "calsnap.caption";
      run.note.textContent = t("calsnap.caption");
    } catch (err) {
      if (run.stopped) return;
      showRefusal(run, err);
      if (err instanceof ProblemError && FINAL.has(err.status)) return;
    }
  }
  if (!run.stopped) run.timer = setTimeout(() => tick(run), REFRESH_MS);
}

// A figure showing ``cameraId``'s picture (refreshing) with ``id``; one runs at a time.
export function calibrationPicture(cameraId, id) {
  stopCalibrationPicture();
  const img = el("img", { class: "calsnap-img", alt: cameraId, hidden: true });
  const note = el("figcaption", { class: "muted", dataset: { i18n: "calsnap.loading" } }, t("calsnap.loading"));
  const box = el("figure", { class: "calsnap", id, dataset: { camera: cameraId, state: "loading" } }, img, note);
  running = { cameraId, box, img, note, url: null, old: null, timer: null, stopped: false, abort: new AbortController() };
  const run = running;
  setTimeout(() => tick(run), 0); // after the panel is on the page
  return box;
}
