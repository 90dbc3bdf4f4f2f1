// Vietnamese first; English on request; the choice is kept in localStorage.

const KEY = "camroute.lang";
const catalogs = {};
let lang = "vi";
const listeners = [];

export function currentLang() { return lang; }

// A time as a wall clock in the page's language ("?" when there is none).
export function clock(iso) {
  const at = iso ? new Date(iso) : null;
  return at && !Number.isNaN(at.getTime()) ? at.toLocaleTimeString(lang, { hour12: false }) : "?";
}

export async function loadLanguage(wanted) {
  const next = wanted === "en" ? "en" : "vi";
  if (!catalogs[next]) {
    const response = await fetch(`/static/i18n/${next}.json`, { credentials: "same-origin" });
    catalogs[next] = await response.json();
  }
  lang = next;
  try { localStorage.setItem(KEY, lang); } catch { /* private mode: not kept */ }
  document.documentElement.lang = lang;
  applyTranslations(document);
  for (const fn of listeners) fn(lang);
}

export function initialLanguage() {
  try { return localStorage.getItem(KEY) || "vi"; } catch { return "vi"; }
}

export function onLanguageChange(fn) { listeners.push(fn); }

// t("live.age", {s: 3}) -> "frame 3 s old"
export function t(key, params = {}) {
  const text = (catalogs[lang] && catalogs[lang][key]) || (catalogs.vi && catalogs.vi[key]) || key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in params ? String(params[name]) : `{${name}}`));
}

export function has(key) { return Boolean(catalogs[lang] && key in catalogs[lang]); }

// A bilingual server value ({vi, en}) or a plain string, in the current language.
export function pick(value) {
  if (value == null) return "";
  if (typeof value === "string") return value;
  return value[lang] || value.vi || value.en || "";
}

// Every element built with a ``data-i18n`` key (text) or ``data-i18n-title`` / ``-placeholder``
// is re-translated in place when the language changes: the page's static text, the connection
// badge, open live tiles, panels kept on screen.
export function applyTranslations(root) {
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-placeholder]")) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of root.querySelectorAll("[data-i18n-title]")) el.title = t(el.dataset.i18nTitle);
}

export function formatAgo(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const time = s < 60 ? `${s}s` : s < 3600 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}` : `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}`;
  return t("queue.ago", { t: time });
}
