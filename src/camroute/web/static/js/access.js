// The supervisors' access review: per user, views, views off the ranking, after the incident
// closed, outside the shift, refusals; outliers against the team's median are marked, and a
// click on a number lists the audit events behind it (GET /api/reports/access[/events]).

import { api, problemText } from "./api.js";
import { el } from "./dom.js";
import { onLanguageChange, t } from "./i18n.js";
import { purposeKey } from "./live.js";

export const REVIEWERS = ["supervisor", "auditor"];
const FIGURES = ["views", "off_ranking", "after_close", "outside_shift", "refusals"];
const DAY_MS = 86_400_000;
let report = null;
let events = null; // {user, figure, items} on screen

const dialog = () => document.getElementById("access-dialog");
const form = () => document.getElementById("access-form");

function utcDay(ms) { return new Date(ms).toISOString().slice(0, 10); }

export function initAccess() {
  document.getElementById("access-toggle").addEventListener("click", openAccess);
  document.getElementById("access-close").addEventListener("click", () => dialog().close());
  form().addEventListener("submit", (ev) => { ev.preventDefault(); loadReport(); });
  onLanguageChange(render);
}

// After login: the button for the roles that may read the review.
export function showAccessButton(role) {
  document.getElementById("access-toggle").hidden = !REVIEWERS.includes(role);
}

async function openAccess() {
  const f = form();
  if (!f.from.value) {  // the last seven UTC days, today included
    f.from.value = utcDay(Date.now() - 6 * DAY_MS);
    f.to.value = utcDay(Date.now() + DAY_MS);
  }
  if (!dialog().open) dialog().showModal();
  await loadReport();
}

function showError(text) {
  const box = document.getElementById("access-error");
  box.textContent = text;
  box.hidden = !text;
}

async function loadReport() {
  const f = form();
  const query = new URLSearchParams({ from: f.from.value, to: f.to.value });
  try {
    report = await api(`/api/reports/access?${query}`);
    events = null;
    showError("");
  } catch (err) {
    report = null;
    showError(problemText(err));
  }
  render();
}

async function openEvents(row, figure) {
  try {
    const body = await api(row[figure].events_url);
    events = body;
    showError("");
  } catch (err) {
    showError(problemText(err));
  }
  render();
}

function shown(figure) {
  return figure.share == null ? String(figure.count) : `${figure.count} (${Math.round(figure.share * 100)}%)`;
}

function cell(row, name) {
  const f = row[name];
  const chosen = events && events.user === row.user && events.figure === name;
  return el("td", { class: f.outlier ? "n outlier" : "n", dataset: { figure: name } },
    el("button", {
      type: "button", class: chosen ? "figure chosen" : "figure", disabled: f.count === 0,
      title: f.event_ids.join(", "), onclick: () => openEvents(row, name),
    }, shown(f)),
    f.outlier ? el("span", { class: "flag" }, `▲ ${t("access.outlier")}`) : null);
}

function table() {
  if (!report.users.length) return el("p", { class: "muted empty" }, t("access.empty"));
  const head = el("tr", {}, el("th", {}, t("access.user")), FIGURES.map((n) => el("th", {}, t(`access.${n}`))));
  const rows = report.users.map((row) => el("tr", { class: row.outlier ? "flagged" : null, dataset: { user: row.user } },
    el("td", {}, row.user), FIGURES.map((n) => cell(row, n))));
  const median = el("tr", { class: "median" }, el("td", {}, t("access.median")),
    FIGURES.map((n) => el("td", { class: "n" }, String(Math.round(report.team_median[n] * 100) / 100))));
  return el("table", { class: "access-table" }, head, rows, median);
}

function eventRow(e) {
  const d = e.details || {};
  const purpose = e.purpose ? t(`purpose.${purposeKey(e.purpose)}`) : "";
  const why = [purpose, d.reason, d.why].filter(Boolean).join(" — ");
  return el("tr", { dataset: { event: String(e.id) } },
    el("td", { class: "n" }, String(e.id)),
    el("td", {}, new Date(e.time).toLocaleString(document.documentElement.lang, { hour12: false })),
    el("td", {}, t(`access.action.${e.action}`)),
    el("td", {}, e.subject || ""),
    el("td", {}, (e.incident_id || "").slice(0, 8)),
    el("td", {}, why));
}

function eventList() {
  const box = document.getElementById("access-events");
  box.hidden = !events;
  if (!events) return box.replaceChildren();
  const cols = ["id", "time", "action", "camera", "incident", "purpose"];
  box.replaceChildren(
    el("h3", {}, t("access.events", { user: events.user, figure: t(`access.${events.figure}`), n: events.items.length })),
    el("div", { class: "access-scroll" }, el("table", { class: "access-table" },
      el("tr", {}, cols.map((c) => el("th", {}, t(`access.col.${c}`)))),
      events.items.map(eventRow))));
}

function render() {
  const holder = document.getElementById("access-table");
  if (!holder) return;
  holder.replaceChildren(report ? table() : "");
  const rule = report ? report.rule : null;
  document.getElementById("access-rule").textContent = rule
    ? t("access.rule", { factor: rule.outlier_factor, n: rule.outlier_min_events, hours: rule.shift_s / 3600 })
    : "";
  eventList();
}
