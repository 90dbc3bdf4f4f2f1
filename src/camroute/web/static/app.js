// camroute dispatcher map: wires the parts together. Plain ES modules, no build step.

import { initAccess, showAccessButton } from "./js/access.js";
import { api, problemText, setBearer, setUnauthorizedHandler } from "./js/api.js";
import { editCamera, stopEditing } from "./js/admin.js";
import { isCalibrating } from "./js/calibrate.js";
import { showHeadingQueue } from "./js/headingqueue.js";
import { initBaseLayers, refreshBaseLayers } from "./js/basemap.js";
import { initCameraLayer, refreshCameras } from "./js/cameras.js";
import { el, toast } from "./js/dom.js";
import { currentLang, initialLanguage, loadLanguage, onLanguageChange, t } from "./js/i18n.js";
import { cameraGroups, drawSubject, initIncidentLayer, renderPanel, rerenderPanel } from "./js/incident.js";
import { closeLastTile, incidentStatusSeen, onServerEvent, requestView } from "./js/live.js";
import { initMyViews, startMyViews, stopMyViews } from "./js/myviews.js";
import { initCoverage, startCoverage } from "./js/coverage.js";
import { connectEvents, disconnectEvents, initQueue, refreshQueue, selectNext } from "./js/queue.js";
import { initSearch } from "./js/search.js";
import { applyStartView, loadMapConfig, showAttribution } from "./js/mapconfig.js";
import { addVectorBasemapSoon } from "./js/vectorbase.js";
import { isAdmin, on, state } from "./js/state.js";

const HANDLERS = ["dispatcher", "supervisor"]; // the roles that see calls and open live views

const VIEW_KEY = "camroute.view";

// The last map view on this workstation (a centre works one city).
function savedView() {
  try {
    const view = JSON.parse(localStorage.getItem(VIEW_KEY) || "null");
    const ok = view && Array.isArray(view.center) && view.center.every(Number.isFinite) && Number.isFinite(view.zoom);
    return ok ? view : null;
  } catch {
    return null;
  }
}

function initMap() {
  const map = L.map("map", { preferCanvas: false, zoomControl: true, attributionControl: false });
  const saved = savedView();
  // The whole world until the server says where its data is (after login: applyStartView).
  map.setView(saved ? saved.center : [0, 0], saved ? saved.zoom : 2);
  map.on("moveend", () => {
    const c = map.getCenter();
    try { localStorage.setItem(VIEW_KEY, JSON.stringify({ center: [c.lat, c.lng], zoom: map.getZoom() })); } catch { /* not kept */ }
  });
  state.tileUrl = document.querySelector("meta[name=camroute-tile-url]").content.trim();
  if (state.tileUrl && !state.tileUrl.includes("{{")) {
    L.tileLayer(state.tileUrl, { maxZoom: 20 }).addTo(map);
    document.getElementById("tile-attribution").textContent = ` · ${new URL(state.tileUrl, location.href).host}`;
  }
  L.control.scale({ imperial: false }).addTo(map);
  state.map = map;
  window.camroute = { state }; // for the browser tests and the console; holds no secrets
  return map;
}

async function selectIncident(id, { fit = true } = {}) {
  stopEditing();
  state.selectedId = id;
  for (const li of document.querySelectorAll("#queue li")) li.classList.toggle("selected", li.dataset.id === id);
  // the selected call's own marker would cover its uncertainty area: the incident layer draws it
  for (const m of document.querySelectorAll(".inc-marker")) m.classList.toggle("selected", m.dataset.incident === id);
  try {
    const incident = await api(`/api/incidents/${encodeURIComponent(id)}`);
    if (state.selectedId !== id) return;
    state.detail = incident;
    incidentStatusSeen(incident);
    drawSubject(incident, { fit });
    // the stored route carries the cones: the map shows exactly the cameras the incident holds
    showPanel(incident);
  } catch (err) {
    toast(t("error"), problemText(err));
  }
}

function showPanel(incident) {
  renderPanel(incident, { kind: "incident", onOpen: (cam) => requestView(incident.id, cam) });
}

// The open incident follows the events that concern it, and only those: a new status comes
// with the event's row (location, lookup and cameras are unchanged); a new location was ranked
// again, so the incident itself is fetched; a refetch about it (or about everything) too.
function followOpenIncident(event) {
  const id = state.selectedId;
  const detail = state.detail && state.detail.id === id ? state.detail : null;
  if (!id || (event.incident_id !== id && !(event.kind === "refetch" && event.incident_id == null))) return;
  if (event.kind === "incident.status" && detail) {
    state.detail = { ...detail, ...event.incident };
    incidentStatusSeen(state.detail);
    showPanel(state.detail);
  } else if (event.kind.startsWith("incident.") || event.kind === "refetch") {
    selectIncident(id, { fit: false });
  }
}

// O: the best ranked camera that is online.
function openBestCamera() {
  if (!state.detail || !state.selectedId) return;
  const best = cameraGroups(state.detail).ranked.find((c) => c.status !== "offline") || null;
  if (best) requestView(state.selectedId, best);
}

function onKey(ev) {
  const typing = ["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement?.tagName);
  if (ev.key === "Escape") {
    if (document.getElementById("purpose-dialog").open) return;
    closeLastTile();
    return;
  }
  if (typing || ev.ctrlKey || ev.metaKey || ev.altKey || !state.user) return;
  const key = ev.key.toLowerCase();
  if (key === "j") selectNext(1);
  else if (key === "k") selectNext(-1);
  else if (key === "o") openBestCamera();
  else return;
  ev.preventDefault();
}

function showLogin(message = "") {
  disconnectEvents();
  stopMyViews();
  state.user = null;
  document.getElementById("login").hidden = false;
  const box = document.getElementById("login-error");
  box.textContent = message;
  box.hidden = !message;
  document.querySelector("#login-form input[name=username]").focus();
}

async function startSession(user) {
  state.user = user;
  document.getElementById("login").hidden = true;
  document.getElementById("whoami").replaceChildren(`${user.name || ""} · `,
    el("span", { dataset: { i18n: `role.${user.role}` } }, t(`role.${user.role}`)));
  document.getElementById("logout").hidden = false;
  document.getElementById("search-form").hidden = false;
  document.body.dataset.role = user.role;
  showAccessButton(user.role); // supervisors and auditors: the access review
  startCoverage(user); // the coverage toggle, for GIS admins and supervisors
  const config = await loadMapConfig();
  if (config) applyStartView(savedView());
  // A city tile server (CAMROUTE_TILE_URL) replaces the imported basemap.
  const ownTiles = !state.tileUrl || state.tileUrl.includes("{{");
  const basemap = Boolean(config && config.basemap && ownTiles);
  if (basemap) state.vectorBasemap = true; // its streets are not fetched as GeoJSON meanwhile
  const handlesCalls = HANDLERS.includes(user.role);
  document.getElementById("queue-pane").classList.toggle("inactive", !handlesCalls);
  if (handlesCalls) connectEvents();
  if (handlesCalls) startMyViews(); // live views left behind (a reload) are listed at once
  refreshBaseLayers();
  const queued = handlesCalls ? refreshQueue() : Promise.resolve();
  // The basemap's first draw holds the page's main thread for whole frames where WebGL is
  // software-rendered: it starts once the calls list and markers are on screen.
  if (basemap) queued.then(() => addVectorBasemapSoon(state.map));
  await Promise.all([queued, refreshCameras()]);
  if (isAdmin()) showHeadingQueue(); // cameras still waiting for a measured heading
}

async function login(ev) {
  ev.preventDefault();
  const form = ev.target;
  try {
    const token = await api("/api/auth/login", { method: "POST", form: { username: form.username.value, password: form.password.value } });
    setBearer(token.access_token);
    form.password.value = "";
    await startSession({ name: form.username.value, role: token.role });
  } catch (err) {
    showLogin(`${t("login.failed")}: ${problemText(err)}`);
  }
}

async function logout() {
  try { await api("/api/auth/logout", { method: "POST" }); } catch { /* token expires anyway */ }
  setBearer(null);
  location.reload();
}

async function main() {
  await loadLanguage(initialLanguage());
  const map = initMap();
  initBaseLayers(map);
  initIncidentLayer(map);
  initQueue(map);
  initCameraLayer(map);
  initSearch();
  initMyViews();
  initAccess();
  initCoverage();
  setUnauthorizedHandler(() => { if (state.user) showLogin(t("login.failed")); });
  on("select-incident", (id) => selectIncident(id));
  on("open-camera", (cam) => { if (state.selectedId) requestView(state.selectedId, cam); });
  on("camera-click", (cam) => {
    if (isAdmin() && isCalibrating()) return; // a click there picks a landmark
    if (isAdmin()) editCamera(cam);
    else if (state.selectedId) requestView(state.selectedId, cam); // the server says if it may
    else toast(t("denied"), t("live.need_incident"));
  });
  on("server-event", (ev) => {
    onServerEvent(ev);
    followOpenIncident(ev);
  });
  onLanguageChange(() => {
    showAttribution();
    rerenderPanel(); // the incident or searched place on screen, with its numbers in words
    if (state.user && HANDLERS.includes(state.user.role)) refreshQueue(); // GIS staff have none
  });
  const toggleLanguage = () => loadLanguage(currentLang() === "vi" ? "en" : "vi");
  document.getElementById("lang-toggle").addEventListener("click", toggleLanguage);
  document.getElementById("login-lang").addEventListener("click", toggleLanguage); // before login too
  document.getElementById("login-form").addEventListener("submit", login);
  document.getElementById("logout").addEventListener("click", logout);
  document.addEventListener("keydown", onKey);
  try {
    await startSession(await api("/api/auth/me"));
  } catch {
    showLogin();
  }
  document.body.dataset.ready = "1";
}

main();
