// Shared page state and a tiny publish/subscribe between the page's parts.

export const state = {
  user: null, // {name, role}
  map: null,
  incidents: new Map(), // id -> incident summary
  selectedId: null,
  detail: null, // the selected incident (full) or a search result
  tileUrl: "",
  vectorBasemap: false, // the imported basemap is drawn (its streets are not fetched as GeoJSON)
  basemapGl: null, // the MapLibre map inside Leaflet (tests read its rendered labels)
};

const handlers = new Map();

export function on(name, fn) {
  if (!handlers.has(name)) handlers.set(name, []);
  handlers.get(name).push(fn);
}

export function emit(name, payload) {
  for (const fn of handlers.get(name) || []) {
    try {
      fn(payload);
    } catch (err) {
      console.error(`handler for ${name} failed`, err);
    }
  }
}

// Numbers the browser tests read (first render time, counts); not a public API.
export const metrics = {
  cameraRenders: 0, lastCameraRenderMs: null, camerasDrawn: 0, clusters: 0, firstRenderMs: null,
  queueLoads: 0, streamOpens: 0, serverEvents: 0, // the incident list loaded; the SSE stream
  basemapIdles: 0, // the vector basemap finished drawing (MapLibre "idle")
  videoStartMs: [], // per video tile: ms from asking for the view to its first frame playing
};
window.camrouteMetrics = metrics;

export function isAdmin() {
  return state.user && state.user.role === "gis_admin";
}
