// A PTZ tile's shared state, polled: who controls the camera until when (and a take-over of
// this user's control), whether it may move at all, aim-follow, and the last aim made for this
// ticket (a follow's re-aim shows its new residual here).

import { api, problemText } from "./api.js";
import { el } from "./dom.js";
import { clock, onLanguageChange, t } from "./i18n.js";

const POLL_MS = 3000;
const watched = new Set(); // {holder, last} re-written when the language changes

export function viewPath(tile, suffix) {
  const { incident_id: incidentId, ticket_id: ticketId } = tile.view;
  return `/api/incidents/${encodeURIComponent(incidentId)}/views/${encodeURIComponent(ticketId)}/${suffix}`;
}

// The aim-follow switch (its state comes with the first poll).
// ``reasonNow``: the written reason on the tile (a supervisor's, for supervisor zones), which
// the follow keeps for its re-aims.
export function followControls(tile, reasonNow = () => "") {
  const box = el("input", { type: "checkbox", class: "aim-follow" });
  const label = el("label", { class: "aim-follow-label" }, box,
    el("span", { dataset: { i18n: "aim.follow" } }, t("aim.follow")));
  box.addEventListener("change", async () => {
    box.disabled = true;
    const reason = box.checked ? reasonNow() : "";
    const json = reason ? { follow: box.checked, reason } : { follow: box.checked };
    try {
      const s = await api(viewPath(tile, "aim/follow"), { method: "PUT", json });
      box.checked = s.follow;
      tile.node.dataset.follow = String(s.follow);
    } catch (err) {
      box.checked = !box.checked;
      label.title = problemText(err);
    } finally {
      box.disabled = false;
    }
  });
  return label;
}

function holderLine(w) {
  const c = w.last;
  if (!c) return "";
  if (c.do_not_move) return t("aim.do_not_move");
  if (w.takenBy) return t("aim.taken_over", { who: w.takenBy.holder, until: clock(w.takenBy.lock_until) });
  if (!c.holder) return "";
  if (c.yours) return t("aim.yours", { until: clock(c.lock_until) });
  return t("aim.held_by", { who: c.holder, until: clock(c.lock_until) });
}

function show(w) {
  w.holder.textContent = holderLine(w);
  w.holder.className = `aim-holder${w.takenBy ? " taken" : ""}${w.last && w.last.do_not_move ? " frozen" : ""}`;
  const c = w.last || {};
  w.holder.dataset.holder = c.holder || "";
  w.holder.dataset.takenBy = w.takenBy ? w.takenBy.holder : "";
}

async function poll(w) {
  const s = await api(viewPath(w.tile, "ptz"));
  const c = s.control;
  // Mine before, someone else's now (and still live): a take-over, said until I aim again.
  if (w.last && w.last.yours && c.holder && !c.yours) w.takenBy = c;
  if (c.yours) w.takenBy = null;
  w.last = c;
  w.button.dataset.doNotMove = c.do_not_move ? "1" : "";
  if (c.do_not_move) w.button.disabled = true;
  else if (w.button.dataset.aiming !== "1") w.button.disabled = false;
  const box = w.bar.querySelector("input.aim-follow");
  if (box && !box.disabled) box.checked = s.follow;
  w.tile.node.dataset.follow = String(s.follow);
  if (s.last_aim) w.onAim(s.last_aim);
  show(w);
}

// Poll the tile's PTZ state while the tile is open; also right after each aim.
export function watchControl(tile, bar, { holder, button, onAim }) {
  const w = { tile, bar, holder, button, onAim, last: null, takenBy: null };
  watched.add(w);
  const round = async () => {
    if (tile.abort.signal.aborted) {
      watched.delete(w);
      return;
    }
    try { await poll(w); } catch { /* the next round tries again; the tile says why it ends */ }
    setTimeout(round, POLL_MS);
  };
  setTimeout(round, 0);
}

onLanguageChange(() => {
  for (const w of watched) if (w.holder.isConnected) show(w);
});
