// Display-only spherical helpers for drawing arrows and handles on the map (never for ranking:
// every distance the service reports is computed in metres server-side).

const R_M = 6371008.8;
const rad = (d) => (d * Math.PI) / 180;
const deg = (r) => (r * 180) / Math.PI;

// The point ``distance_m`` from (lon, lat) along ``bearing_deg`` (clockwise from north).
export function destination({ lon, lat }, bearingDeg, distanceM) {
  const d = distanceM / R_M;
  const b = rad(bearingDeg);
  const p1 = rad(lat);
  const l1 = rad(lon);
  const p2 = Math.asin(Math.sin(p1) * Math.cos(d) + Math.cos(p1) * Math.sin(d) * Math.cos(b));
  const l2 = l1 + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(p1), Math.cos(d) - Math.sin(p1) * Math.sin(p2));
  return { lon: ((deg(l2) + 540) % 360) - 180, lat: deg(p2) };
}

// Initial bearing from ``a`` to ``b`` in degrees [0, 360).
export function bearing(a, b) {
  const p1 = rad(a.lat);
  const p2 = rad(b.lat);
  const dl = rad(b.lon - a.lon);
  const y = Math.sin(dl) * Math.cos(p2);
  const x = Math.cos(p1) * Math.sin(p2) - Math.sin(p1) * Math.cos(p2) * Math.cos(dl);
  return (deg(Math.atan2(y, x)) + 360) % 360;
}

// A sector polygon as Leaflet [lat, lon] pairs (preview while a GIS admin rotates a camera).
export function sectorLatLngs(center, headingDeg, hfovDeg, rangeM, steps = 24) {
  if (hfovDeg >= 360) {
    return Array.from({ length: steps * 2 }, (_, i) => {
      const p = destination(center, (i * 360) / (steps * 2), rangeM);
      return [p.lat, p.lon];
    });
  }
  const pts = [[center.lat, center.lon]];
  for (let i = 0; i <= steps; i += 1) {
    const p = destination(center, headingDeg - hfovDeg / 2 + (hfovDeg * i) / steps, rangeM);
    pts.push([p.lat, p.lon]);
  }
  return pts;
}
