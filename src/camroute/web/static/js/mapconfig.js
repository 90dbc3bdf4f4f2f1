// Where the map opens and whom the footer credits, both from the data the server holds
// (GET /api/map/config): the extent of the loaded cameras and the credits of the loaded datasets.

import { api } from "./api.js";
import { pick } from "./i18n.js";
import { state } from "./state.js";

let config = null;

export async function loadMapConfig() {
  try {
    config = await api("/api/map/config");
  } catch {
    config = null; // the map still works; it just opens where it was
  }
  showAttribution();
  return config;
}

// The credits in the current language (called again when the language changes).
export function showAttribution() {
  const credits = config ? config.attribution.map((c) => pick(c)) : [];
  document.getElementById("data-attribution").textContent = credits.join(" · ");
}

// Fit the loaded data, unless the view kept on this workstation already looks at it.
export function applyStartView(saved) {
  if (!config || !config.bounds) return;
  const [west, south, east, north] = config.bounds;
  const bounds = L.latLngBounds([south, west], [north, east]);
  if (saved && bounds.pad(0.5).contains(saved.center)) return;
  state.map.fitBounds(bounds, { maxZoom: 16 });
}
