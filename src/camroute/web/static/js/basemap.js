// Base layers from the server (no tiles needed): wards, responsible units' stations, streets
// and buildings, each fetched for the viewport once the map is zoomed in far enough.

import { api } from "./api.js";
import { unitLabel } from "./labels.js";
import { state } from "./state.js";

// layer name -> minimum zoom and style
const LAYERS = {
  admin: { minZoom: 11, style: { color: "#6c5b7b", weight: 1.5, fill: false, dashArray: "4 3" } },
  streets: { minZoom: 14, style: { color: "#a3a9b3", weight: 3 } },
  buildings: { minZoom: 16, style: { color: "#b9a48f", weight: 0.8, fillColor: "#d8cbbd", fillOpacity: 0.7 } },
  stations: { minZoom: 12, style: {} },
};

let renderer = null;
const groups = {};
const controllers = {};

export function initBaseLayers(map) {
  map.createPane("base").style.zIndex = 250;
  renderer = L.canvas({ pane: "base", padding: 0.2 });
  for (const name of Object.keys(LAYERS)) groups[name] = L.layerGroup().addTo(map);
  map.on("moveend", () => refreshBaseLayers());
}

function pointStyle(feature, latlng, name) {
  const props = feature.properties || {};
  if (name === "stations") {
    const icon = L.divIcon({ className: `station s${props.service || ""}`, iconSize: [12, 12] });
    return L.marker(latlng, { icon, pane: "base", keyboard: false })
      .bindTooltip(() => `${props.service || ""} ${unitLabel(props.name)}`); // built when shown: current language
  }
  return L.circleMarker(latlng, { renderer, pane: "base", radius: 3, stroke: false, fillColor: "#8a7f99", fillOpacity: 0.8 })
    .bindTooltip(props.name || "", { direction: "top" });
}

// Drawn by the vector basemap when one is imported: not fetched twice.
const IN_BASEMAP = new Set(["streets", "buildings"]);

async function refreshOne(name, bbox, zoom) {
  const group = groups[name];
  if (zoom < LAYERS[name].minZoom || (state.vectorBasemap && IN_BASEMAP.has(name))) {
    group.clearLayers();
    return;
  }
  if (controllers[name]) controllers[name].abort();
  controllers[name] = new AbortController();
  let data;
  try {
    data = await api(`/api/layers/${name}?bbox=${bbox}&limit=3000`, { signal: controllers[name].signal });
  } catch {
    return; // a layer the store does not have is just not drawn
  }
  group.clearLayers();
  group.addLayer(L.geoJSON(data, {
    pane: "base", renderer, interactive: name === "stations" || name === "admin",
    style: () => LAYERS[name].style,
    pointToLayer: (feature, latlng) => pointStyle(feature, latlng, name),
  }));
}

export function refreshBaseLayers() {
  if (!state.user || !renderer) return;
  const map = state.map;
  const b = map.getBounds();
  const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(6)).join(",");
  for (const name of Object.keys(LAYERS)) refreshOne(name, bbox, map.getZoom());
}
