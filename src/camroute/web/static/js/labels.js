// Words for raw data values: OSM tag values that stand in for a point of interest's missing
// name ("fire_hydrant"), and the demo's illustrative units, whose names carry the bilingual
// marker "(minh họa / illustrative)": the page shows that marker once, in the current language.

import { el } from "./dom.js";
import { has, t } from "./i18n.js";

const TAG_VALUE = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/; // how OSM writes a tag value
const ILLUSTRATIVE = /\s*\(minh họa \/ illustrative\)\s*$/;

function tagWords(value) {
  return has(`poi.${value}`) ? t(`poi.${value}`) : value.replace(/_/g, " ");
}

// A point of interest in words: its name, or its translated tag value when it has no name.
export function poiName(poi) {
  const name = String((poi && poi.name) || "");
  if (TAG_VALUE.test(name)) return tagWords(name);
  const category = poi && poi.category && TAG_VALUE.test(poi.category) ? ` (${tagWords(poi.category)})` : "";
  return `${name}${category}`;
}

// A service unit's name without the marker, and whether it had one.
export function unitName(name) {
  const text = String(name || "");
  return { text: text.replace(ILLUSTRATIVE, ""), illustrative: ILLUSTRATIVE.test(text) };
}

// The unit's name as text (tooltips), marker in the current language.
export function unitLabel(name) {
  const { text, illustrative } = unitName(name);
  return illustrative ? `${text} (${t("unit.illustrative")})` : text;
}

// The unit's name as nodes (panels): the marker is a chip that follows the language.
export function unitNodes(name) {
  const { text, illustrative } = unitName(name);
  return [text, illustrative ? [" ", el("span", { class: "chip illustrative", dataset: { i18n: "unit.illustrative" } }, t("unit.illustrative"))] : null];
}
