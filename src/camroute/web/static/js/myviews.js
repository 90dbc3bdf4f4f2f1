// "My live views": every live view the user holds, also those a reload or a closed tab left
// behind (they hold one of the 4 slots until they end), to re-open as a tile or end now.
// The server ends a view no tile shows after a short grace; the list follows it.

import { api, problemText } from "./api.js";
import { el, toast } from "./dom.js";
import { clock, onLanguageChange, t } from "./i18n.js";
import { adoptView, closeTileOf, purposeKey, tileOf } from "./live.js";
import { on, state } from "./state.js";

const POLL_MS = 3000;
let views = [];
let pollTimer = null;

const button = () => document.getElementById("my-views-toggle");
const panel = () => document.getElementById("my-views");

export function initMyViews() {
  button().addEventListener("click", () => (panel().hidden ? showMyViews() : hideMyViews()));
  on("show-my-views", () => showMyViews());
  on("live-views-changed", () => refreshMyViews());
  on("server-event", ({ kind, user }) => {
    if (kind.startsWith("view.") && state.user && user === state.user.name) refreshMyViews();
  });
  onLanguageChange(render);
}

// After login: show the button, and open the list when views were left behind (a reload).
export async function startMyViews() {
  button().hidden = false;
  await refreshMyViews();
  if (views.some((v) => !tileOf(v.ticket_id))) showMyViews();
}

export function stopMyViews() {
  hideMyViews();
  button().hidden = true;
  views = [];
}

export async function refreshMyViews() {
  if (!state.user) return;
  try {
    views = await api("/api/live/mine");
  } catch (err) {
    if (!panel().hidden) toast(t("error"), problemText(err));
    return;
  }
  render();
}

export function showMyViews() {
  panel().hidden = false;
  button().setAttribute("aria-expanded", "true");
  render();
  clearInterval(pollTimer);
  pollTimer = setInterval(refreshMyViews, POLL_MS);
  refreshMyViews();
}

export function hideMyViews() {
  panel().hidden = true;
  button().setAttribute("aria-expanded", "false");
  clearInterval(pollTimer);
  pollTimer = null;
}

function row(view) {
  const shown = Boolean(tileOf(view.ticket_id));
  return el("li", { dataset: { ticket: view.ticket_id, camera: view.camera_id } },
    el("div", { class: "what" },
      el("strong", {}, view.camera_id),
      el("span", {}, t(`purpose.${purposeKey(view.purpose)}`)),
      el("span", { class: "muted" }, t("myviews.incident", { id: view.incident_id.slice(0, 8) })),
      el("span", { class: "muted" }, t("myviews.until", { t: clock(view.expires_at) })),
      shown ? el("span", { class: "shown" }, t("myviews.shown")) : null),
    el("div", { class: "actions" },
      el("button", { type: "button", class: "reopen", disabled: shown, onclick: () => reopen(view) }, t("myviews.reopen")),
      el("button", { type: "button", class: "end", onclick: () => end(view) }, t("myviews.end"))));
}

function render() {
  const count = document.getElementById("my-views-count");
  if (count) count.textContent = views.length ? ` (${views.length})` : "";
  if (panel().hidden) return;
  panel().replaceChildren(
    el("h3", {}, t("myviews.title")),
    views.length ? el("ol", {}, views.map(row)) : el("p", { class: "muted empty" }, t("myviews.empty")),
    el("p", { class: "muted hint" }, t("myviews.hint")));
}

function reopen(view) {
  if (adoptView(view)) refreshMyViews();
}

async function end(view) {
  try {
    await api(`/api/live/mine/${encodeURIComponent(view.ticket_id)}`, { method: "DELETE" });
  } catch (err) {
    if (err.status !== 404) toast(t("error"), problemText(err)); // 404: it had ended already
  }
  closeTileOf(view.ticket_id, { serverSide: true });
  await refreshMyViews();
}
