// Tiny DOM helpers: build elements without innerHTML (server text is never parsed as HTML).

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value == null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child == null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

let toastTimer = null;

// Show a message over the map; ``kind`` "error" (default) or "info".
export function toast(title, detail = "", kind = "error") {
  const box = document.getElementById("toast");
  box.replaceChildren(el("strong", {}, title), detail ? el("span", { class: "detail" }, detail) : null);
  box.className = `toast ${kind}`;
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { box.hidden = true; }, kind === "error" ? 9000 : 4000);
}

export function formatDistance(m) {
  if (m == null || Number.isNaN(m)) return "";
  return m < 1000 ? `${Math.round(m)} m` : `${(m / 1000).toFixed(1)} km`;
}

export function hotlineClass(hotline) {
  return ["113", "114", "115"].includes(String(hotline)) ? `h${hotline}` : "";
}
