// Search: geocode a Vietnamese address, intersection, landmark or coordinates; show the lookup
// and the cameras that see the place; open an incident by hand for a walk-in report.

import { api, problemText } from "./api.js";
import { el, toast } from "./dom.js";
import { has, pick, t } from "./i18n.js";
import { poiName } from "./labels.js";
import { drawSubject, renderPanel } from "./incident.js";
import { emit, state } from "./state.js";

function hitsOf(data) {
  const items = Array.isArray(data) ? data : data.items || data.results || data.candidates || [];
  return items.filter((h) => h.lon != null && h.lat != null);
}

function label(hit) {
  const text = pick(hit.label || hit.name || hit.display_name || hit.address || `${hit.lat}, ${hit.lon}`);
  return hit.kind === "poi" ? poiName({ name: text }) : text;
}

// What kind of place a hit is, in words that follow the language ("street", "intersection"...).
function kindNode(kind) {
  if (!kind) return null;
  const key = `place.${kind}`;
  return el("span", { class: "muted" }, " (", has(key) ? el("span", { dataset: { i18n: key } }, t(key)) : kind, ")");
}

export function initSearch() {
  const form = document.getElementById("search-form");
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const q = document.getElementById("search-input").value.trim();
    if (q) await search(q);
  });
}

async function search(q) {
  let hits;
  try {
    hits = hitsOf(await api(`/api/geocode?q=${encodeURIComponent(q)}`));
  } catch (err) {
    toast(t("error"), problemText(err));
    return;
  }
  if (hits.length === 1) {
    await showPlace(hits[0], q);
    return;
  }
  document.getElementById("detail").replaceChildren(el("h2", { dataset: { i18n: "search.results" } }, t("search.results")),
    hits.length
      ? el("ul", { class: "results" }, hits.map((h) => el("li", { onclick: () => showPlace(h, q) }, label(h), kindNode(h.kind))))
      : el("p", { class: "muted", dataset: { i18n: "search.none" } }, t("search.none")));
}

// Lookup + route for one place, drawn like an incident.
async function showPlace(hit, q) {
  const uncertainty = hit.uncertainty_m ?? 25;
  try {
    const [lookup, route] = await Promise.all([
      api(`/api/lookup?lon=${hit.lon}&lat=${hit.lat}`),
      api("/api/route", { method: "POST", json: { lon: hit.lon, lat: hit.lat, uncertainty_m: uncertainty } }),
    ]);
    const subject = {
      id: null, address: label(hit), lookup,
      location: route.location || { lon: hit.lon, lat: hit.lat, uncertainty_m: uncertainty, region: { type: "Point", coordinates: [hit.lon, hit.lat] } },
      route,
    };
    state.selectedId = null;
    state.detail = subject;
    drawSubject(subject);
    renderPanel(subject, { kind: "place", onOpen: null, extra: walkInForm(hit, q, uncertainty) });
  } catch (err) {
    toast(t("error"), problemText(err));
  }
}

function walkInForm(hit, q, uncertainty) {
  const select = el("select", { name: "hotline", "aria-label": t("search.hotline") },
    ["113", "114", "115"].map((h) => el("option", { value: h, dataset: { i18n: `hotline.${h}` } }, t(`hotline.${h}`))));
  const open = async () => {
    const body = {
      call_id: `walkin-${crypto.randomUUID()}`, hotline: select.value,
      location: { lon: hit.lon, lat: hit.lat, uncertainty_m: uncertainty }, address: q,
    };
    try {
      const incident = await api("/api/calls", { method: "POST", json: body });
      emit("incident-changed", incident);
      emit("select-incident", incident.id);
    } catch (err) {
      toast(t("denied"), problemText(err));
    }
  };
  return el("div", { class: "actions walk-in" }, select,
    el("button", { type: "button", class: "primary", onclick: open, dataset: { i18n: "search.open_incident" } }, t("search.open_incident")));
}
