// Same-origin JSON client. Errors carry the server's RFC 9457 problem body.

let onUnauthorized = () => {};
let bearer = null;

export class ProblemError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

export function setUnauthorizedHandler(fn) { onUnauthorized = fn; }
export function setBearer(token) { bearer = token; }
export function bearerToken() { return bearer; }

async function readProblem(response) {
  try {
    return await response.json();
  } catch {
    return { title: response.statusText || `HTTP ${response.status}`, status: response.status };
  }
}

// Fetch ``path``; resolve to {data, headers}. ``json`` sends JSON, ``form`` a url-encoded form.
export async function request(path, { method = "GET", json, form, headers = {}, signal } = {}) {
  const opts = { method, signal, credentials: "same-origin", headers: { Accept: "application/json", ...headers } };
  if (bearer) opts.headers.Authorization = `Bearer ${bearer}`;
  if (json !== undefined) {
    opts.body = JSON.stringify(json);
    opts.headers["Content-Type"] = "application/json";
  } else if (form !== undefined) {
    opts.body = new URLSearchParams(form);
  }
  const response = await fetch(path, opts);
  if (!response.ok) {
    const problem = await readProblem(response);
    if (response.status === 401 && !path.startsWith("/api/auth/login")) onUnauthorized(problem);
    throw new ProblemError(response.status, problem);
  }
  const type = response.headers.get("content-type") || "";
  const data = response.status === 204 ? null : type.includes("json") ? await response.json() : await response.text();
  return { data, headers: response.headers };
}

export async function api(path, opts) {
  return (await request(path, opts)).data;
}

// A problem as one line for the user: title, detail and the fields named in it.
export function problemText(err) {
  if (!(err instanceof ProblemError)) return String(err && err.message ? err.message : err);
  const p = err.problem || {};
  const parts = [p.detail || p.title || `HTTP ${err.status}`];
  for (const e of p.errors || []) {
    if (e && e.reason && !parts[0].includes(e.reason)) parts.push(`${e.field}: ${e.reason}`);
  }
  return parts.join(" — ");
}
