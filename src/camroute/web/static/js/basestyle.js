// The basemap's MapLibre style: what a dispatcher orients by. Zooms here are MapLibre zooms,
// one below Leaflet's (512 px tiles): MapLibre 14 is the page's zoom 15.

const FONT = ["DejaVu Sans"];
const BOLD = ["DejaVu Sans Bold"];
const ROAD_COLOURS = {
  motorway: "#e892a2", trunk: "#f9b29c", primary: "#fcd6a4", secondary: "#f7fabf",
  tertiary: "#ffffff", minor: "#ffffff", service: "#ffffff",
};
const MAJOR = ["motorway", "trunk", "primary", "secondary"];
// POI kind (and a place of worship's religion) -> sprite icon name.
const POI_ICON = ["match", ["get", "kind"],
  ["hospital", "clinic"], "hospital", "police", "police", "fire_station", "fire_station",
  ["school", "university", "college", "kindergarten"], "school", "marketplace", "marketplace",
  "bus_station", "bus_station",
  "place_of_worship", ["match", ["get", "religion"], "christian", "church", "pagoda"],
  "pagoda"];
const WARD = "#7a5c8f";

// Line width (px) at zoom 10 and 17 per road class: main roads wider than residential streets.
const ROAD_WIDTHS = { motorway: [2, 14], trunk: [2, 14], primary: [1.6, 12], secondary: [1.4, 11],
  tertiary: [1.2, 10], minor: [0.6, 8], service: [0.4, 4] };
const KINDS = Object.keys(ROAD_COLOURS);
const KIND = ["get", "kind"];

// ["match", kind, "motorway", value(motorway), ..., fallback] over the road classes.
function byKind(value, fallback) {
  return ["match", KIND, ...KINDS.flatMap((k) => [k, value(k)]), fallback];
}

function roadWidth(scale) {
  return ["interpolate", ["exponential", 1.5], ["zoom"],
    10, byKind((k) => ROAD_WIDTHS[k][0] * scale, 0.6 * scale),
    17, byKind((k) => ROAD_WIDTHS[k][1] * scale, 8 * scale)];
}

// One casing and one fill layer for every road class (data-driven colour and width), not one
// pair per class: a software-rendered frame pays per layer and tile (15 road layers were 3x
// the draw calls of the rest of the map). The tiles list main roads last (basemap/tiles.py
// ROAD_ORDER), so they are drawn over side streets without a per-feature sort key.
function roadLayers() {
  const roads = { type: "line", source: "basemap", "source-layer": "roads" };
  const layout = { "line-cap": "round", "line-join": "round" };
  const drawn = ["in", KIND, ["literal", KINDS]];
  return [
    {
      ...roads, id: "roads-path", minzoom: 14, filter: ["==", KIND, "path"],
      paint: { "line-color": "#d98c7a", "line-width": 1, "line-dasharray": [2, 1.5] },
    },
    { ...roads, id: "roads-casing", filter: drawn, layout, paint: { "line-color": "#b9b2a7", "line-width": roadWidth(1.25) } },
    {
      ...roads, id: "roads-fill", filter: drawn, layout,
      paint: { "line-color": byKind((k) => ROAD_COLOURS[k], "#ffffff"), "line-width": roadWidth(1) },
    },
  ];
}

// Ward (and province) edges: a thin dashed line that never hides a street.
function boundaryLayers() {
  return [{
    id: "boundaries", type: "line", source: "basemap", "source-layer": "boundaries",
    layout: { "line-join": "round" },
    paint: {
      "line-color": WARD, "line-opacity": 0.55, "line-dasharray": [4, 2],
      "line-width": ["interpolate", ["linear"], ["zoom"],
        11, ["match", ["get", "kind"], "admin4", 2, 0.8], 16, ["match", ["get", "kind"], "admin4", 2.5, 1.6]],
    },
  }];
}

function labelLayers() {
  const halo = { "text-halo-color": "rgba(255,255,255,0.9)", "text-halo-width": 1.5 };
  return [
    {
      // Ward names at city zoom; street names (a layer above: placed first) win a collision.
      id: "ward-labels", type: "symbol", source: "basemap", "source-layer": "places", minzoom: 11,
      layout: {
        "text-field": ["get", "name"], "text-font": FONT, "text-max-width": 7,
        "text-size": ["interpolate", ["linear"], ["zoom"], 11, 11, 16, 15],
        "text-letter-spacing": 0.05, "text-padding": 4,
        // a ward's point is often a busy crossing: try beside it before giving the name up
        "text-variable-anchor": ["center", "top", "bottom", "left", "right"], "text-radial-offset": 1.5,
      },
      paint: { "text-color": WARD, "text-opacity": 0.9, ...halo },
    },
    {
      id: "water-labels", type: "symbol", source: "basemap", "source-layer": "water", minzoom: 13,
      layout: { "text-field": ["get", "name"], "text-font": FONT, "text-size": 12 },
      paint: { "text-color": "#3d6f99", ...halo },
    },
    {
      id: "park-labels", type: "symbol", source: "basemap", "source-layer": "parks", minzoom: 14,
      layout: { "text-field": ["get", "name"], "text-font": FONT, "text-size": 11, "text-max-width": 8 },
      paint: { "text-color": "#3f7a35", ...halo },
    },
    {
      // Icons (sprites shipped in static/basemap, built by scripts/build_sprites.py) with the
      // place's name under them (optional: a name that collides is dropped, the icon stays).
      // Below the street names: those are placed first and win (a dispatcher reads streets).
      id: "poi-icons", type: "symbol", source: "basemap", "source-layer": "pois", minzoom: 14,
      filter: ["!=", ["get", "kind"], "bus_stop"],
      layout: {
        "icon-image": POI_ICON, "icon-size": ["interpolate", ["linear"], ["zoom"], 14, 0.75, 16, 1],
        "icon-allow-overlap": false, "text-optional": true,
        "text-field": ["step", ["zoom"], "", 15, ["coalesce", ["get", "name"], ""]],
        "text-font": FONT, "text-size": 11, "text-max-width": 9,
        "text-anchor": "top", "text-offset": [0, 1.0],
      },
      paint: { "text-color": "#4a3f35", ...halo },
    },
    {
      id: "road-labels", type: "symbol", source: "basemap", "source-layer": "roads", minzoom: 13,
      filter: ["all", ["has", "name"], ["any", ["in", ["get", "kind"], ["literal", MAJOR]], [">=", ["zoom"], 14]]],
      layout: {
        "symbol-placement": "line", "text-field": ["get", "name"], "text-max-angle": 35,
        "text-font": ["case", ["in", ["get", "kind"], ["literal", MAJOR]], ["literal", BOLD], ["literal", FONT]],
        "text-size": ["interpolate", ["linear"], ["zoom"], 13, 10, 17, 14],
        "symbol-spacing": 300, "text-padding": 2,
      },
      paint: { "text-color": "#333333", ...halo },
    },
  ];
}

export function basemapStyle(tileUrl) {
  return {
    version: 8,
    glyphs: `${location.origin}/basemap/glyphs/{fontstack}/{range}.pbf`,
    sprite: `${location.origin}/static/basemap/sprite`,
    sources: { basemap: { type: "vector", tiles: [tileUrl], minzoom: 0, maxzoom: 16 } },
    layers: [
      { id: "background", type: "background", paint: { "background-color": "#f2efe9" } },
      { id: "parks", type: "fill", source: "basemap", "source-layer": "parks", paint: { "fill-color": "#cdebb0" } },
      { id: "water", type: "fill", source: "basemap", "source-layer": "water", paint: { "fill-color": "#aad3df" } },
      {
        id: "waterways", type: "line", source: "basemap", "source-layer": "waterways",
        paint: { "line-color": "#aad3df", "line-width": ["interpolate", ["linear"], ["zoom"], 10, 1, 16, 6] },
      },
      {
        id: "railways", type: "line", source: "basemap", "source-layer": "railways",
        paint: { "line-color": "#999999", "line-width": 1.5, "line-dasharray": [3, 2] },
      },
      {
        id: "buildings", type: "fill", source: "basemap", "source-layer": "buildings", minzoom: 14,
        paint: { "fill-color": "#d9d0c9", "fill-outline-color": "#bfb2a6" },
      },
      ...roadLayers(),
      ...boundaryLayers(),
      ...labelLayers(),
    ],
  };
}
