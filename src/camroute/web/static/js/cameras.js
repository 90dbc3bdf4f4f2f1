// The camera layer: every camera in the viewport (server bbox query), drawn on one canvas,
// grid-clustered when zoomed out, coloured by status.

import { api } from "./api.js";
import { el } from "./dom.js";
import { t } from "./i18n.js";
import { emit, metrics, state } from "./state.js";

export const STATUS_COLOURS = { online: "#1b9e4b", offline: "#7a7a7a", maintenance: "#e0a100", unknown: "#8a5cc7" };
const CLUSTER_CELL_PX = 70;
const CLUSTER_BELOW_ZOOM = 16;
const CLUSTER_ABOVE_COUNT = 250;
const PAGE = 1000; // the registry's largest page
const MAX_CAMERAS = 20000; // past this the viewport is a country: zoom in

let layer = null;
let renderer = null;
let controller = null;
let timer = null;
export const cameraCache = new Map(); // id -> camera (last seen in a bbox answer)

// Normalise the registry answer (GeoJSON FeatureCollection, list, or {items}) to plain cameras.
export function toCameras(data) {
  if (!data) return [];
  if (data.type === "FeatureCollection") {
    return data.features.map((f) => ({ ...f.properties, id: f.properties.id ?? f.id, lon: f.geometry.coordinates[0], lat: f.geometry.coordinates[1] }));
  }
  const items = Array.isArray(data) ? data : data.items || data.cameras || [];
  return items.map((c) => ({ ...c, id: c.id ?? c.camera_id }));
}

// Every camera in ``bbox``: the first page says the total, the other pages come in parallel.
async function camerasIn(bbox, signal) {
  const url = (offset) => `/api/cameras?bbox=${bbox}&limit=${PAGE}&offset=${offset}`;
  const first = await api(url(0), { signal });
  const pages = [];
  for (let offset = PAGE; offset < Math.min(first.total || 0, MAX_CAMERAS); offset += PAGE) pages.push(api(url(offset), { signal }));
  const rest = await Promise.all(pages);
  return [first, ...rest].flatMap(toCameras);
}

export function initCameraLayer(map) {
  renderer = L.canvas({ padding: 0.2 });
  layer = L.layerGroup().addTo(map);
  map.on("moveend", scheduleRefresh);
}

export function scheduleRefresh(delayMs = 120) {
  clearTimeout(timer);
  timer = setTimeout(refreshCameras, delayMs);
}

export async function refreshCameras() {
  if (!state.user || !layer) return;
  const started = performance.now();
  const b = state.map.getBounds();
  const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(6)).join(",");
  if (controller) controller.abort();
  controller = new AbortController();
  let cams;
  try {
    cams = await camerasIn(bbox, controller.signal);
  } catch (err) {
    if (err.name !== "AbortError") console.warn("camera layer:", err.message);
    return;
  }
  for (const cam of cams) cameraCache.set(cam.id, cam);
  draw(cams);
  metrics.cameraRenders += 1;
  metrics.lastCameraRenderMs = performance.now() - started;
  metrics.camerasDrawn = cams.length;
  document.body.dataset.cameraRenders = String(metrics.cameraRenders); // a DOM signal for tests
  if (metrics.firstRenderMs == null) {
    // after the frame that shows them: since navigation start, login included when there was one
    requestAnimationFrame(() => setTimeout(() => { metrics.firstRenderMs ??= performance.now(); }));
  }
  emit("cameras-drawn", cams);
}

function draw(cams) {
  layer.clearLayers();
  const zoom = state.map.getZoom();
  if (zoom < CLUSTER_BELOW_ZOOM && cams.length > CLUSTER_ABOVE_COUNT) {
    drawClusters(cams, zoom);
    return;
  }
  metrics.clusters = 0;
  for (const cam of cams) layer.addLayer(cameraMarker(cam));
}

function cameraMarker(cam) {
  const colour = STATUS_COLOURS[cam.status] || STATUS_COLOURS.unknown;
  const marker = L.circleMarker([cam.lat, cam.lon], {
    renderer, radius: 5, color: "#fff", weight: 1.5, fillColor: colour, fillOpacity: 0.95,
  });
  marker.bindTooltip(() => `${cam.id}${cam.name ? ` — ${cam.name}` : ""} (${t(`cam.status.${cam.status || "unknown"}`)})`);
  marker.on("click", () => emit("camera-click", cam));
  return marker;
}

// Grid clustering in screen pixels: one bubble per occupied cell, at the cell's mean position.
export function gridClusters(points, cellPx) {
  const cells = new Map();
  for (const p of points) {
    const key = `${Math.floor(p.x / cellPx)}:${Math.floor(p.y / cellPx)}`;
    let cell = cells.get(key);
    if (!cell) {
      cell = { x: 0, y: 0, items: [] };
      cells.set(key, cell);
    }
    cell.x += p.x;
    cell.y += p.y;
    cell.items.push(p.item);
  }
  return [...cells.values()].map((c) => ({ x: c.x / c.items.length, y: c.y / c.items.length, items: c.items }));
}

function drawClusters(cams, zoom) {
  const map = state.map;
  const points = cams.map((cam) => ({ ...map.project([cam.lat, cam.lon], zoom), item: cam }));
  const clusters = gridClusters(points, CLUSTER_CELL_PX);
  metrics.clusters = clusters.length;
  for (const c of clusters) {
    const latlng = map.unproject([c.x, c.y], zoom);
    if (c.items.length === 1) {
      layer.addLayer(cameraMarker(c.items[0]));
      continue;
    }
    const down = c.items.filter((cam) => cam.status !== "online").length;
    const size = Math.round(22 + Math.min(22, Math.log2(c.items.length) * 3));
    const icon = L.divIcon({
      html: "", className: `cluster${down > c.items.length / 2 ? " some-offline" : ""}`,
      iconSize: [size, size],
    });
    const marker = L.marker(latlng, { icon, keyboard: false, title: `${c.items.length}` });
    marker.on("add", () => marker.getElement().replaceChildren(el("span", {}, String(c.items.length))));
    marker.on("click", () => map.setView(latlng, Math.min(zoom + 2, CLUSTER_BELOW_ZOOM)));
    layer.addLayer(marker);
  }
}
