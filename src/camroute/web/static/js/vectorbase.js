// The offline basemap: vector tiles from this server (GET /api/basemap/tiles/...) drawn by
// MapLibre GL JS inside Leaflet (mapbox-gl-leaflet). Tiles need the login, like every data call.

import { bearerToken } from "./api.js";
import { basemapStyle } from "./basestyle.js";
import { metrics, state } from "./state.js";

let layer = null;

// After the frame now being drawn is on screen and the page is idle (or 1 s at most), so the
// calls list and markers drawn before are shown first.
export function addVectorBasemapSoon(map) {
  const idle = window.requestIdleCallback || ((fn) => setTimeout(fn, 50));
  requestAnimationFrame(() => requestAnimationFrame(() => idle(() => addVectorBasemap(map), { timeout: 1000 })));
}

export function addVectorBasemap(map) {
  if (layer || !window.maplibregl || !L.mapboxGL) return null;
  const tiles = `${location.origin}/api/basemap/tiles/{z}/{x}/{y}.mvt`;
  layer = L.mapboxGL({
    style: basemapStyle(tiles),
    interactive: false,
    attributionControl: false,
    fadeDuration: 0, // labels appear with the redraw: no 300 ms fade after every pan
    // Where WebGL is software-rendered (no GPU), a synchronised canvas is read back for the
    // compositor on the page's main thread: ~300 ms of each frame blocked the calls list and
    // the markers. A desynchronised canvas is presented by the GPU process instead.
    canvasContextAttributes: { antialias: false, desynchronized: true },
    transformRequest: (url) => {
      const token = bearerToken();
      const own = url.startsWith(`${location.origin}/api/`);
      return own && token ? { url, headers: { Authorization: `Bearer ${token}` } } : { url };
    },
  }).addTo(map);
  state.vectorBasemap = true;
  state.basemapGl = layer.getMaplibreMap ? layer.getMaplibreMap() : layer.getMapboxMap();
  // Times the tests read: the basemap drawn and settled (no tile or label work pending).
  state.basemapGl.on("idle", () => { metrics.basemapIdles += 1; });
  return layer;
}
