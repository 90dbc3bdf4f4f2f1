// GIS administrators: the cameras whose heading no person has confirmed, nearest to the map
// centre first or, when chosen, those with the most past calls within reach first. Arrow keys move, Enter (or a click) opens the editor; after a save the next one
// opens, so a whole district can be walked from the keyboard.

import { api, problemText } from "./api.js";
import { editCamera, isEditing } from "./admin.js";
import { el, formatDistance, toast } from "./dom.js";
import { t } from "./i18n.js";
import { isAdmin, state } from "./state.js";

const LIMIT = 50;
let items = [];
let order = "nearest";

export async function showHeadingQueue() {
  if (!isAdmin()) return;
  const c = state.map.getCenter();
  let queue;
  try {
    queue = await api(`/api/heading-queue?lon=${c.lng.toFixed(6)}&lat=${c.lat.toFixed(6)}&limit=${LIMIT}&order=${order}`);
  } catch (err) {
    toast(t("error"), problemText(err));
    return;
  }
  if (isEditing()) return; // the admin opened a camera meanwhile: keep the editor
  items = queue.items;
  const list = el("ol", { class: "heading-queue", role: "listbox", "aria-label": t("hq.title"), onkeydown: onKey },
    items.map((cam, i) => el("li", {
      role: "option", tabindex: i === 0 ? "0" : "-1", dataset: { camera: cam.id, index: String(i), calls: String(cam.past_calls) },
      onclick: () => open(i),
    },
    el("strong", {}, cam.id), cam.name ? ` — ${cam.name}` : "", " ",
    el("span", { class: "meta" }, formatDistance(cam.distance_m),
      ` · ${t("hq.calls", { n: cam.past_calls })}`,
      cam.heading_source ? ` · ${t(`hq.source.${cam.heading_source}`)}` : ` · ${t("hq.source.none")}`))));
  document.getElementById("detail").replaceChildren(el("section", { class: "heading-queue-pane" },
    el("h2", { dataset: { i18n: "hq.title" } }, t("hq.title")),
    el("p", { class: "muted" }, t(order === "calls" ? "hq.count.calls" : "hq.count", { n: queue.total })),
    el("label", {}, `${t("hq.order")} `, el("select", {
      id: "hq-order",
      onchange: (ev) => { order = ev.target.value; showHeadingQueue(); },
    }, ["nearest", "calls"].map((o) => el("option", { value: o, selected: o === order }, t(`hq.order.${o}`))))),
    el("button", { type: "button", id: "hq-refresh", onclick: showHeadingQueue }, t("hq.refresh")),
    list));
  if (items.length) list.firstChild.focus();
}

function onKey(ev) {
  const li = ev.target.closest("li[data-index]");
  if (!li) return;
  const i = Number(li.dataset.index);
  const move = { ArrowDown: 1, ArrowUp: -1 }[ev.key];
  if (move) {
    const next = li.parentElement.children[Math.min(Math.max(i + move, 0), items.length - 1)];
    li.tabIndex = -1;
    next.tabIndex = 0;
    next.focus();
  } else if (ev.key === "Enter" || ev.key === " ") {
    open(i);
  } else return;
  ev.preventDefault();
}

function open(i) {
  const cam = items[i];
  if (!cam) return;
  state.map.setView([cam.lat, cam.lon], Math.max(state.map.getZoom(), 18));
  editCamera(cam, {
    saved: () => { if (i + 1 < items.length) open(i + 1); },
    cancelled: () => showHeadingQueue(),
  });
}
