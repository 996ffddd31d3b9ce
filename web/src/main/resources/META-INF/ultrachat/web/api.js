// The HTTP side of the client: the session's tokens, JSON calls with problem+json errors,
// token refresh (before expiry and on demand), uploads and authenticated downloads.
// The access token stays in memory only; the refresh token is in localStorage so a reload (or
// another tab) can get a new access token without asking for the password.

export const API_BASE = '/api/v1';
export const REFRESH_KEY = 'ultrachat.refreshToken';

// Refresh-token storage. localStorage can throw (storage disabled, some private modes); then the
// token lives in memory only and the person simply signs in again after a reload.
export const refreshStore = (() => {
  let memory = null;
  let usable = true;
  try {
    localStorage.getItem(REFRESH_KEY);
  } catch {
    usable = false;
  }
  return {
    get() {
      if (!usable) return memory;
      try { return localStorage.getItem(REFRESH_KEY); } catch { return memory; }
    },
    set(token) {
      memory = token;
      if (usable) try { localStorage.setItem(REFRESH_KEY, token); } catch { /* memory copy still works */ }
    },
    clear() {
      memory = null;
      if (usable) try { localStorage.removeItem(REFRESH_KEY); } catch { /* nothing to clear */ }
    },
  };
})();

export class ApiError extends Error {
  constructor({ status = 0, code = 'network-error', title = '', detail = '', fieldErrors = [], retryAfter = null, requestId = null }) {
    super(detail || title || code);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.title = title;
    this.detail = detail;
    this.fieldErrors = fieldErrors;
    this.retryAfter = retryAfter;
    this.requestId = requestId;
    // Set when the error already sent the person back to sign-in, so callers stay quiet.
    this.sessionLost = false;
  }

  /** No answer at all (offline, server down): worth retrying as is. */
  get network() {
    return this.status === 0;
  }

  /** Retrying the same request later may succeed (network, rate limit, server trouble). */
  get transient() {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

/** Seconds to wait, from either form of Retry-After (delta-seconds or an HTTP date). */
function parseRetryAfter(value) {
  if (value == null || value.trim() === '') return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

async function readBody(res) {
  const type = res.headers.get('Content-Type') ?? '';
  if (!/\bjson\b/i.test(type)) return null;
  const text = await res.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

const nonEmpty = (value) => (typeof value === 'string' && value.trim() ? value : null);

function toApiError(res, body) {
  const p = body && typeof body === 'object' ? body : {};
  const fieldErrors = Array.isArray(p.errors)
    ? p.errors.filter((e) => e && typeof e.field === 'string' && typeof e.message === 'string')
    : [];
  return new ApiError({
    status: res.status,
    code: typeof p.code === 'string' ? p.code : `http-${res.status}`,
    title: typeof p.title === 'string' ? p.title : res.statusText,
    detail: nonEmpty(p.detail) ?? nonEmpty(p.title) ?? `The server answered ${res.status} ${res.statusText}`.trim(),
    fieldErrors,
    retryAfter: parseRetryAfter(res.headers.get('Retry-After')),
    requestId: typeof p.requestId === 'string' ? p.requestId : res.headers.get('X-Request-Id'),
  });
}

/**
 * One HTTP exchange: JSON in (or raw bytes with their own type), JSON out, problem+json turned
 * into an ApiError. `as: 'blob'` returns the body as a Blob instead.
 */
async function exchange(method, path, { body, raw, contentType, token, as = 'json' } = {}) {
  const headers = { Accept: as === 'json' ? 'application/json' : '*/*' };
  let payload;
  if (raw !== undefined) {
    headers['Content-Type'] = contentType || 'application/octet-stream';
    payload = raw;
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  if (token) headers.Authorization = `Bearer ${token}`;
  let res;
  try {
    res = await fetch(path.startsWith('/') && !path.startsWith(API_BASE + '/') ? API_BASE + path : path, {
      method,
      headers,
      body: payload,
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError({ detail: 'Can’t reach UltraChat. Check your connection and try again.' });
  }
  if (!res.ok) throw toApiError(res, await readBody(res));
  if (as === 'blob') return res.blob();
  return res.status === 204 ? null : readBody(res);
}

// A 401 with one of these codes means only the access token is stale; the session may be fine.
const REFRESHABLE_401 = new Set(['token-expired', 'invalid-token']);

/** An authenticated call that refreshes the access token once if it has expired. */
export async function authed(method, path, options = {}) {
  if (!session.accessToken) await refreshTokens();
  try {
    return await exchange(method, path, { ...options, token: session.accessToken });
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 401 || !REFRESHABLE_401.has(err.code)) throw err;
    await refreshTokens();
    return exchange(method, path, { ...options, token: session.accessToken });
  }
}

/**
 * The app's entry point to the server. Authenticated calls that still end in 401 mean the
 * session is over (revoked elsewhere, expired): the person is sent back to sign-in here, once,
 * instead of every caller handling it.
 */
export async function api(method, path, { body, raw, contentType, as, auth = true } = {}) {
  if (!auth) return exchange(method, path, { body });
  try {
    return await authed(method, path, { body, raw, contentType, as });
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      sessionLost(err);
      err.sessionLost = true;
    }
    throw err;
  }
}

/** Builds a query string from the defined values of `params`. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v != null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/**
 * Downloads an attachment (or any API resource) with the access token, as a Blob. Only URLs
 * of this server's API are fetched, so a token never leaves for another origin.
 */
export function fetchBlob(url) {
  const u = new URL(url, location.origin);
  if (u.origin !== location.origin || !u.pathname.startsWith(API_BASE + '/')) {
    return Promise.reject(new ApiError({ status: 400, code: 'foreign-url', detail: 'not an UltraChat API address' }));
  }
  return api('GET', u.pathname + u.search, { as: 'blob' });
}

// ---------------------------------------------------------------------------------------------
// Session state

export const session = {
  signedIn: false,
  accessToken: null,
  accessExpiresAt: 0,
  user: null,
  sessionId: null,
  refreshTimer: 0,
  refreshDueAt: 0,
  // Bumped on sign-out so a refresh that was already on the wire cannot sign the person back in.
  epoch: 0,
};

// Set by the app: what happens when the session is over, and when new tokens arrive.
const hooks = { onSessionLost: () => {}, onTokens: () => {} };

export function setSessionHooks({ onSessionLost, onTokens }) {
  if (onSessionLost) hooks.onSessionLost = onSessionLost;
  if (onTokens) hooks.onTokens = onTokens;
}

let refreshInFlight = null;

/**
 * Exchanges the stored refresh token for new tokens. Concurrent callers share one request, and
 * tabs take turns through a Web Lock: the server treats a reused refresh token as theft and ends
 * the session, so two tabs must never spend the same token at once. Each turn re-reads storage
 * because the previous holder may have stored a rotated token.
 */
export function refreshTokens() {
  if (refreshInFlight) return refreshInFlight;
  const epoch = session.epoch;
  const run = async () => {
    const refreshToken = refreshStore.get();
    if (!refreshToken) throw new ApiError({ status: 401, code: 'signed-out', detail: 'You are signed out.' });
    let tokens;
    try {
      tokens = await exchange('POST', '/auth/refresh', { body: { refreshToken } });
    } catch (err) {
      // Another tab may have signed in meanwhile; only forget the token that was refused.
      if (err.status === 401 && refreshStore.get() === refreshToken) refreshStore.clear();
      throw err;
    }
    if (epoch !== session.epoch) throw new ApiError({ status: 401, code: 'signed-out', detail: 'You are signed out.' });
    applyTokens(tokens);
    return tokens;
  };
  const locked = navigator.locks?.request ? navigator.locks.request('ultrachat.refresh', run) : run();
  refreshInFlight = locked.finally(() => { refreshInFlight = null; });
  return refreshInFlight;
}

/** An access token with at least `minSeconds` of life left, refreshing first when needed. */
export async function freshAccessToken(minSeconds = 30) {
  if (!session.accessToken || Date.now() > session.accessExpiresAt - minSeconds * 1000) await refreshTokens();
  return session.accessToken;
}

export function applyTokens(tokens) {
  session.accessToken = tokens.accessToken;
  const seconds = Number(tokens.expiresIn);
  session.accessExpiresAt = Number.isFinite(seconds) && seconds > 0 ? Date.now() + seconds * 1000 : Date.now() + 300_000;
  session.sessionId = tokens.sessionId == null ? null : String(tokens.sessionId);
  if (tokens.user) session.user = tokens.user;
  // Always keep the returned token: the server may have rotated it.
  if (tokens.refreshToken) refreshStore.set(tokens.refreshToken);
  scheduleRefresh(tokens.expiresIn);
  if (session.signedIn) hooks.onTokens();
}

/** Refreshes a little before the access token runs out, so requests rarely meet a 401. */
function scheduleRefresh(expiresIn) {
  clearTimeout(session.refreshTimer);
  const seconds = Number(expiresIn);
  if (!Number.isFinite(seconds) || seconds <= 0) return;
  const lead = Math.min(60, Math.max(5, seconds * 0.1));
  const delayMs = Math.max(1, seconds - lead) * 1000;
  session.refreshDueAt = Date.now() + delayMs;
  session.refreshTimer = setTimeout(backgroundRefresh, Math.min(delayMs, 2 ** 31 - 1));
}

export function backgroundRefresh() {
  if (!session.signedIn) return;
  refreshTokens().catch((err) => {
    if (err.status === 401) {
      sessionLost(err);
    } else {
      // Offline or server trouble: try again soon; an API call will also refresh on demand.
      clearTimeout(session.refreshTimer);
      session.refreshDueAt = Date.now() + 30_000;
      session.refreshTimer = setTimeout(backgroundRefresh, 30_000);
    }
  });
}

export function forgetSession() {
  clearTimeout(session.refreshTimer);
  session.epoch += 1;
  session.signedIn = false;
  session.accessToken = null;
  session.accessExpiresAt = 0;
  session.user = null;
  session.sessionId = null;
  session.refreshDueAt = 0;
}

export function lostSessionNotice(err) {
  switch (err?.code) {
    case 'signed-out': return null;
    case 'session-expired': return 'Your session has expired. Please sign in again.';
    case 'session-revoked':
    case 'refresh-token-reused': return 'You were signed out of this device. Please sign in again.';
    default: return 'Your session has ended. Please sign in again.';
  }
}

export function sessionLost(err) {
  if (!session.signedIn) return;
  refreshStore.clear();
  hooks.onSessionLost(lostSessionNotice(err));
}
