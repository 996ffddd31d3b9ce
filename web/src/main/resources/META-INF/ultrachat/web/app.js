// UltraChat browser client: sign-in, sign-up, the account's sessions and profile.
// Plain ES2022 module, no build step. The server's Content-Security-Policy forbids inline
// scripts, styles and handlers, so every behaviour is wired here with addEventListener and
// every look is a CSS class or the `hidden` attribute.

const API_BASE = '/api/v1';
const REFRESH_KEY = 'ultrachat.refreshToken';

// Mirrors the server's rules so people get instant feedback; the server still has the last word.
const USERNAME_RE = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{1,30})[A-Za-z0-9]$/;
const PASSWORD_MIN = 8;
const PASSWORD_MAX = 256;
const DISPLAY_NAME_MAX = 64;

// ---------------------------------------------------------------------------------------------
// DOM helpers

const byId = (id) => document.getElementById(id);

function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value == null) continue;
    if (name === 'class') node.className = value;
    else if (name === 'text') node.textContent = value;
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  node.append(...children.filter((c) => c != null));
  return node;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

// Icons are stroke drawings; colour and stroke width come from CSS.
const ICONS = {
  desktop: ['M4 5h16a1 1 0 0 1 1 1v10H3V6a1 1 0 0 1 1-1z', 'M1.5 19.5h21'],
  phone: ['M8 2.5h8a1.5 1.5 0 0 1 1.5 1.5v16a1.5 1.5 0 0 1-1.5 1.5H8A1.5 1.5 0 0 1 6.5 20V4A1.5 1.5 0 0 1 8 2.5z', 'M11 18h2'],
  cli: ['M4 4.5h16a1 1 0 0 1 1 1v13a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1v-13a1 1 0 0 1 1-1z', 'M7 9.5l3 2.5-3 2.5', 'M13 15h4'],
};

function icon(kind) {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  for (const d of ICONS[kind] ?? ICONS.desktop) {
    const path = document.createElementNS(SVG_NS, 'path');
    path.setAttribute('d', d);
    svg.append(path);
  }
  return svg;
}

// ---------------------------------------------------------------------------------------------
// Refresh-token storage. localStorage can throw (storage disabled, some private modes); then the
// token lives in memory only and the person simply signs in again after a reload.

const refreshStore = (() => {
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

// ---------------------------------------------------------------------------------------------
// API

class ApiError extends Error {
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

/** One HTTP exchange: JSON in, JSON out, problem+json turned into an ApiError. */
async function send(method, path, { body, token } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  let res;
  try {
    res = await fetch(API_BASE + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError({ detail: 'Can’t reach UltraChat. Check your connection and try again.' });
  }
  const data = res.status === 204 ? null : await readBody(res);
  if (!res.ok) throw toApiError(res, data);
  return data;
}

// A 401 with one of these codes means only the access token is stale; the session may be fine.
const REFRESHABLE_401 = new Set(['token-expired', 'invalid-token']);

/** An authenticated call that refreshes the access token once if it has expired. */
async function authed(method, path, body) {
  if (!state.accessToken) await refreshTokens();
  try {
    return await send(method, path, { body, token: state.accessToken });
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 401 || !REFRESHABLE_401.has(err.code)) throw err;
    await refreshTokens();
    return send(method, path, { body, token: state.accessToken });
  }
}

/**
 * The app's entry point to the server. Authenticated calls that still end in 401 mean the
 * session is over (revoked elsewhere, expired): the person is sent back to sign-in here, once,
 * instead of every caller handling it.
 */
async function api(method, path, { body, auth = true } = {}) {
  if (!auth) return send(method, path, { body });
  try {
    return await authed(method, path, body);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      sessionLost(err);
      err.sessionLost = true;
    }
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// Session state. The access token stays in memory only; the refresh token is in localStorage so
// a reload (or another tab) can get a new access token without asking for the password.

const state = {
  signedIn: false,
  accessToken: null,
  user: null,
  sessionId: null,
  refreshTimer: 0,
  refreshDueAt: 0,
  // Bumped on sign-out so a refresh that was already on the wire cannot sign the person back in.
  epoch: 0,
};

let refreshInFlight = null;

/**
 * Exchanges the stored refresh token for new tokens. Concurrent callers share one request, and
 * tabs take turns through a Web Lock: the server treats a reused refresh token as theft and ends
 * the session, so two tabs must never spend the same token at once. Each turn re-reads storage
 * because the previous holder may have stored a rotated token.
 */
function refreshTokens() {
  if (refreshInFlight) return refreshInFlight;
  const epoch = state.epoch;
  const run = async () => {
    const refreshToken = refreshStore.get();
    if (!refreshToken) throw new ApiError({ status: 401, code: 'signed-out', detail: 'You are signed out.' });
    let tokens;
    try {
      tokens = await send('POST', '/auth/refresh', { body: { refreshToken } });
    } catch (err) {
      // Another tab may have signed in meanwhile; only forget the token that was refused.
      if (err.status === 401 && refreshStore.get() === refreshToken) refreshStore.clear();
      throw err;
    }
    if (epoch !== state.epoch) throw new ApiError({ status: 401, code: 'signed-out', detail: 'You are signed out.' });
    applyTokens(tokens);
    return tokens;
  };
  const locked = navigator.locks?.request ? navigator.locks.request('ultrachat.refresh', run) : run();
  refreshInFlight = locked.finally(() => { refreshInFlight = null; });
  return refreshInFlight;
}

function applyTokens(tokens) {
  state.accessToken = tokens.accessToken;
  state.sessionId = tokens.sessionId == null ? null : String(tokens.sessionId);
  if (tokens.user) state.user = tokens.user;
  // Always keep the returned token: the server may have rotated it.
  if (tokens.refreshToken) refreshStore.set(tokens.refreshToken);
  scheduleRefresh(tokens.expiresIn);
  if (state.signedIn) renderUser();
}

/** Refreshes a little before the access token runs out, so requests rarely meet a 401. */
function scheduleRefresh(expiresIn) {
  clearTimeout(state.refreshTimer);
  const seconds = Number(expiresIn);
  if (!Number.isFinite(seconds) || seconds <= 0) return;
  const lead = Math.min(60, Math.max(5, seconds * 0.1));
  const delayMs = Math.max(1, seconds - lead) * 1000;
  state.refreshDueAt = Date.now() + delayMs;
  state.refreshTimer = setTimeout(backgroundRefresh, Math.min(delayMs, 2 ** 31 - 1));
}

function backgroundRefresh() {
  if (!state.signedIn) return;
  refreshTokens().catch((err) => {
    if (err.status === 401) {
      sessionLost(err);
    } else {
      // Offline or server trouble: try again soon; an API call will also refresh on demand.
      clearTimeout(state.refreshTimer);
      state.refreshDueAt = Date.now() + 30_000;
      state.refreshTimer = setTimeout(backgroundRefresh, 30_000);
    }
  });
}

function forgetSession() {
  clearTimeout(state.refreshTimer);
  state.epoch += 1;
  state.signedIn = false;
  state.accessToken = null;
  state.user = null;
  state.sessionId = null;
  state.refreshDueAt = 0;
}

function lostSessionNotice(err) {
  switch (err?.code) {
    case 'signed-out': return null;
    case 'session-expired': return 'Your session has expired. Please sign in again.';
    case 'session-revoked':
    case 'refresh-token-reused': return 'You were signed out of this device. Please sign in again.';
    default: return 'Your session has ended. Please sign in again.';
  }
}

function sessionLost(err) {
  if (!state.signedIn) return;
  refreshStore.clear();
  showSignedOut({ notice: lostSessionNotice(err) });
}

// ---------------------------------------------------------------------------------------------
// Formatting

const relativeFormat = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const fullDateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'long' });
const shortDateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'long' });

const UNITS = [
  ['year', 365 * 86400],
  ['month', 30 * 86400],
  ['week', 7 * 86400],
  ['day', 86400],
  ['hour', 3600],
  ['minute', 60],
];

function relativeTime(date, now = Date.now()) {
  const seconds = Math.round((date.getTime() - now) / 1000);
  // Small clock differences between server and device would otherwise read "in 3 seconds".
  if (seconds > -45) return 'just now';
  const abs = -seconds;
  for (const [unit, size] of UNITS) {
    if (abs >= size || unit === 'minute') return relativeFormat.format(-Math.max(1, Math.round(abs / size)), unit);
  }
  return 'just now';
}

function timeElement(iso) {
  const date = new Date(iso);
  if (!iso || Number.isNaN(date.getTime())) return h('span', { text: 'Unknown' });
  return h('time', { datetime: iso, title: fullDateFormat.format(date), 'data-relative': '', text: relativeTime(date) });
}

function refreshRelativeTimes() {
  const now = Date.now();
  for (const node of document.querySelectorAll('time[data-relative]')) {
    node.textContent = relativeTime(new Date(node.getAttribute('datetime')), now);
  }
}

/** A readable device name from a User-Agent string, e.g. "Chrome on Linux". */
function describeUserAgent(userAgent) {
  const ua = (userAgent ?? '').trim();
  if (!ua) return { name: 'Unknown device', kind: 'desktop' };

  const tools = [
    [/\bcurl\//i, 'curl'],
    [/\bWget\//i, 'Wget'],
    [/\bHTTPie\//i, 'HTTPie'],
    [/\bPostmanRuntime\//i, 'Postman'],
    [/\binsomnia\//i, 'Insomnia'],
    [/\bokhttp\//i, 'OkHttp'],
    [/\bJava-http-client\b|^Java\//i, 'Java client'],
    [/\bpython-requests\b|\bpython-urllib|\bhttpx\b|\baiohttp\b/i, 'Python script'],
    [/\bGo-http-client\b/i, 'Go client'],
    [/\bnode-fetch\b|\bundici\b|\baxios\b|^node\b/i, 'Node.js script'],
  ];
  for (const [re, name] of tools) if (re.test(ua)) return { name, kind: 'cli' };

  const browsers = [
    [/\bEdg(?:e|A|iOS)?\//, 'Edge'],
    [/\bOPR\/|\bOpera\b/, 'Opera'],
    [/\bSamsungBrowser\//, 'Samsung Internet'],
    [/\bVivaldi\//, 'Vivaldi'],
    [/\bYaBrowser\//, 'Yandex Browser'],
    [/\bFirefox\/|\bFxiOS\//, 'Firefox'],
    [/\bHeadlessChrome\//, 'Headless Chrome'],
    [/\bChromium\//, 'Chromium'],
    [/\bChrome\/|\bCriOS\//, 'Chrome'],
    [/\bVersion\/[\d.]+.*\bSafari\/|\bAppleWebKit\/.*\bMobile\//, 'Safari'],
  ];
  const systems = [
    [/\biPhone\b/, 'iPhone'],
    [/\biPad\b/, 'iPad'],
    [/\biPod\b/, 'iPod'],
    [/\bAndroid\b/, 'Android'],
    [/\bCrOS\b/, 'ChromeOS'],
    [/\bWindows Phone\b/, 'Windows Phone'],
    [/\bWindows\b/, 'Windows'],
    [/\bMacintosh\b|\bMac OS X\b/, 'macOS'],
    [/\bLinux\b|\bX11\b/, 'Linux'],
    [/\b(?:Free|Open|Net)BSD\b/, 'BSD'],
  ];
  const browser = browsers.find(([re]) => re.test(ua))?.[1];
  const os = systems.find(([re]) => re.test(ua))?.[1];
  const mobile = /\b(?:iPhone|iPod|iPad|Mobile|Android|Windows Phone)\b/.test(ua);
  const kind = mobile ? 'phone' : 'desktop';

  if (browser && os) return { name: `${browser} on ${os}`, kind };
  if (browser) return { name: browser, kind };
  if (os) return { name: `Browser on ${os}`, kind };
  return { name: ua.length > 80 ? `${ua.slice(0, 77)}…` : ua, kind: 'desktop' };
}

// Server details are lower-case phrases; this is for when one follows a sentence of ours.
const capitalise = (text) => text.charAt(0).toUpperCase() + text.slice(1);

function describeError(err) {
  if (!(err instanceof ApiError)) return 'Something went wrong. Please try again.';
  if (err.status === 429) {
    const n = err.retryAfter;
    return n == null
      ? 'Too many attempts. Please wait a moment and try again.'
      : `Too many attempts. Try again in ${n} ${n === 1 ? 'second' : 'seconds'}.`;
  }
  // A request id lets an administrator find the failure in the server log.
  if (err.status >= 500 && err.requestId) return `${err.detail} (Request ID: ${err.requestId})`;
  return err.detail;
}

// ---------------------------------------------------------------------------------------------
// Forms: field errors, the alert above each form and the busy state of its submit button.

const FORMS = {
  signin: {
    form: 'signin-form',
    alert: 'signin-error',
    submit: 'signin-submit',
    fields: { username: 'signin-username', password: 'signin-password' },
  },
  signup: {
    form: 'signup-form',
    alert: 'signup-error',
    submit: 'signup-submit',
    fields: {
      username: 'signup-username',
      displayName: 'signup-display-name',
      password: 'signup-password',
      passwordConfirm: 'signup-password-confirm',
    },
  },
  profile: {
    form: 'profile-form',
    alert: 'profile-error',
    submit: 'profile-save',
    fields: { displayName: 'profile-display-name' },
  },
};

function showAlert(id, message) {
  const node = byId(id);
  node.textContent = message;
  node.hidden = !message;
}

function clearFieldError(inputId) {
  const input = byId(inputId);
  const error = byId(`${inputId}-error`);
  input?.removeAttribute('aria-invalid');
  if (error) {
    error.textContent = '';
    error.hidden = true;
  }
}

function clearFormErrors(cfg) {
  showAlert(cfg.alert, '');
  for (const inputId of Object.values(cfg.fields)) clearFieldError(inputId);
}

/** Marks inputs named by field errors; returns the first input marked, for focus. */
function showFieldErrors(cfg, fieldErrors) {
  let first = null;
  for (const { field, message } of fieldErrors) {
    const inputId = cfg.fields[field];
    const input = inputId && byId(inputId);
    const error = inputId && byId(`${inputId}-error`);
    if (!input || !error) continue;
    // Keep the first message when a field has several; one clear instruction beats a list.
    if (error.hidden) {
      error.textContent = message;
      error.hidden = false;
    }
    input.setAttribute('aria-invalid', 'true');
    first ??= input;
  }
  return first;
}

function showClientProblems(cfg, problems) {
  clearFormErrors(cfg);
  showAlert(cfg.alert, problems.length === 1 ? problems[0].message : 'Please fix the highlighted fields.');
  showFieldErrors(cfg, problems)?.focus();
}

function showServerError(cfg, err) {
  if (err?.sessionLost) return;
  clearFormErrors(cfg);
  showAlert(cfg.alert, capitalise(describeError(err)));
  const first = err instanceof ApiError ? showFieldErrors(cfg, err.fieldErrors) : null;
  first?.focus();
}

/** Runs a submission with the button disabled and relabelled, so double clicks send once. */
async function whileBusy(cfg, busyLabel, work) {
  const button = byId(cfg.submit);
  if (button.disabled) return;
  const label = button.textContent;
  button.disabled = true;
  button.textContent = busyLabel;
  byId(cfg.form).setAttribute('aria-busy', 'true');
  try {
    await work();
  } catch (err) {
    showServerError(cfg, err);
  } finally {
    button.disabled = false;
    button.textContent = label;
    byId(cfg.form).removeAttribute('aria-busy');
  }
}

function usernameProblem(username) {
  if (!username) return 'Choose a username';
  if (username.length < 3) return 'Use at least 3 characters';
  if (username.length > 32) return 'Use at most 32 characters';
  if (!USERNAME_RE.test(username)) {
    return 'Use letters, digits, dots, underscores or hyphens, starting and ending with a letter or digit';
  }
  return null;
}

function passwordProblem(password) {
  if (!password) return 'Choose a password';
  if (password.length < PASSWORD_MIN) return `Use at least ${PASSWORD_MIN} characters`;
  if (password.length > PASSWORD_MAX) return `Use at most ${PASSWORD_MAX} characters`;
  return null;
}

// ---------------------------------------------------------------------------------------------
// Views

let currentView = 'boot';

function showView(name) {
  currentView = name;
  byId('boot-view').hidden = name !== 'boot';
  byId('auth-view').hidden = name !== 'auth';
  byId('app-view').hidden = name !== 'app';
}

function showAuthPanel(panel, { focus = true } = {}) {
  const signup = panel === 'signup';
  byId('signin-panel').hidden = signup;
  byId('signup-panel').hidden = !signup;
  clearFormErrors(FORMS.signin);
  clearFormErrors(FORMS.signup);
  document.title = signup ? 'Create account · UltraChat' : 'Sign in · UltraChat';
  if (focus) byId(signup ? 'signup-username' : 'signin-username').focus({ preventScroll: true });
}

function setNotice(message) {
  const notice = byId('auth-notice');
  notice.textContent = message ?? '';
  notice.hidden = !message;
}

function showSignedOut({ notice = null, panel = 'signin' } = {}) {
  forgetSession();
  byId('sessions').replaceChildren();
  showAlert('sessions-error', '');
  byId('profile-status').textContent = '';
  showView('auth');
  showAuthPanel(panel);
  setNotice(notice);
}

function showSignedIn() {
  state.signedIn = true;
  setNotice(null);
  byId('signin-form').reset();
  byId('signup-form').reset();
  clearFormErrors(FORMS.signin);
  clearFormErrors(FORMS.signup);
  renderUser();
  renderProfile();
  showView('app');
  document.title = 'UltraChat';
  byId('app-main').focus({ preventScroll: true });
  byId('sessions').replaceChildren(h('li', { class: 'session-placeholder', text: 'Loading sessions…' }));
  loadSessions();
}

function displayNameOf(user) {
  return user?.displayName?.trim() || user?.username || '';
}

function renderUser() {
  const user = state.user;
  if (!user) return;
  const label = byId('current-user');
  label.querySelector('.user-name').textContent = displayNameOf(user);
  label.querySelector('.user-handle').textContent = `@${user.username}`;
  label.title = `${displayNameOf(user)} (@${user.username})`;
  byId('user-avatar').textContent = (displayNameOf(user).match(/\p{L}|\p{N}/u)?.[0] ?? '?').toUpperCase();
}

function renderProfile() {
  const user = state.user;
  if (!user) return;
  byId('profile-username').textContent = `@${user.username}`;
  const created = new Date(user.createdAt);
  byId('profile-created').textContent = Number.isNaN(created.getTime()) ? '—' : shortDateFormat.format(created);
  byId('profile-display-name').value = user.displayName ?? '';
  clearFormErrors(FORMS.profile);
}

// ---------------------------------------------------------------------------------------------
// Sessions

// Answers can arrive out of order (a revoke's reload racing a manual refresh); only the newest counts.
let sessionsRequest = 0;

async function loadSessions() {
  const request = ++sessionsRequest;
  const list = byId('sessions');
  list.setAttribute('aria-busy', 'true');
  try {
    const data = await api('GET', '/auth/sessions');
    if (request !== sessionsRequest || !state.signedIn) return;
    showAlert('sessions-error', '');
    renderSessions(Array.isArray(data?.sessions) ? data.sessions : []);
  } catch (err) {
    if (request !== sessionsRequest || err.sessionLost) return;
    showAlert('sessions-error', `Couldn’t load your sessions. ${capitalise(describeError(err))}`);
    list.querySelector('.session-placeholder')?.remove();
  } finally {
    if (request === sessionsRequest) list.removeAttribute('aria-busy');
  }
}

function sessionTime(iso) {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : t;
}

function renderSessions(sessions) {
  const sorted = [...sessions].sort((a, b) =>
    Number(Boolean(b.current)) - Number(Boolean(a.current)) || sessionTime(b.lastUsedAt) - sessionTime(a.lastUsedAt));
  const items = sorted.map(renderSession);
  if (items.length === 0) items.push(h('li', { class: 'session-placeholder', text: 'No active sessions.' }));
  byId('sessions').replaceChildren(...items);
}

function renderSession(s) {
  const id = String(s.id);
  const device = describeUserAgent(s.userAgent);
  const current = Boolean(s.current);
  const where = s.clientAddress ? ` (${s.clientAddress})` : '';

  const action = current
    ? h('button', { type: 'button', class: 'btn btn-secondary btn-sm signout-session', text: 'Sign out' })
    : h('button', {
      type: 'button',
      class: 'btn btn-danger btn-sm revoke-session',
      'aria-label': `Revoke ${device.name}${where}`,
      text: 'Revoke',
    });

  const meta = h('dl', { class: 'session-meta' },
    h('div', {}, h('dt', { text: 'Address' }), h('dd', { class: 'address', text: s.clientAddress || 'Unknown' })),
    h('div', {}, h('dt', { text: 'Signed in' }), h('dd', {}, timeElement(s.createdAt))),
    h('div', {}, h('dt', { text: 'Last active' }), h('dd', {}, timeElement(s.lastUsedAt))));

  return h('li', { class: current ? 'session current' : 'session', 'data-session-id': id },
    h('span', { class: 'session-icon' }, icon(device.kind)),
    h('div', { class: 'session-main' },
      h('p', { class: 'session-device', title: s.userAgent || null },
        h('span', { class: 'session-name', text: device.name }),
        current ? h('span', { class: 'badge', text: 'This device' }) : null),
      meta),
    h('div', { class: 'session-actions' }, action));
}

async function revokeSession(button) {
  const item = button.closest('.session');
  const id = item?.getAttribute('data-session-id');
  if (!id || button.disabled) return;
  const name = item.querySelector('.session-name')?.textContent ?? 'Session';
  button.disabled = true;
  button.textContent = 'Revoking…';
  try {
    await api('DELETE', `/auth/sessions/${encodeURIComponent(id)}`);
    byId('sessions-status').textContent = `${name} was signed out.`;
  } catch (err) {
    if (err.sessionLost) return;
    // Already gone (expired, or revoked from elsewhere): the reload below shows the truth.
    if (err.status !== 404) {
      showAlert('sessions-error', capitalise(describeError(err)));
      button.disabled = false;
      button.textContent = 'Revoke';
      return;
    }
  }
  // The button is about to disappear; keep keyboard focus somewhere sensible.
  byId('sessions-title').focus({ preventScroll: true });
  await loadSessions();
}

// ---------------------------------------------------------------------------------------------
// Actions

async function onSignIn(event) {
  event.preventDefault();
  const cfg = FORMS.signin;
  const username = byId('signin-username').value.trim();
  const password = byId('signin-password').value;
  const problems = [];
  if (!username) problems.push({ field: 'username', message: 'Enter your username' });
  if (!password) problems.push({ field: 'password', message: 'Enter your password' });
  if (problems.length) return showClientProblems(cfg, problems);

  await whileBusy(cfg, 'Signing in…', async () => {
    clearFormErrors(cfg);
    try {
      const tokens = await api('POST', '/auth/login', { body: { username, password }, auth: false });
      startSignedIn(tokens);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'invalid-credentials') {
        // Most often a mistyped password: clear it and put the cursor back there.
        byId('signin-password').value = '';
        showAlert(cfg.alert, capitalise(describeError(err)));
        byId('signin-password').focus();
        return;
      }
      throw err;
    }
  });
}

async function onSignUp(event) {
  event.preventDefault();
  const cfg = FORMS.signup;
  const username = byId('signup-username').value.trim();
  const displayName = byId('signup-display-name').value.trim();
  const password = byId('signup-password').value;
  const confirm = byId('signup-password-confirm').value;

  const problems = [];
  const u = usernameProblem(username);
  if (u) problems.push({ field: 'username', message: u });
  if (displayName.length > DISPLAY_NAME_MAX) {
    problems.push({ field: 'displayName', message: `Use at most ${DISPLAY_NAME_MAX} characters` });
  }
  const p = passwordProblem(password);
  if (p) problems.push({ field: 'password', message: p });
  if (!confirm && password) problems.push({ field: 'passwordConfirm', message: 'Re-enter your password' });
  else if (confirm !== password) problems.push({ field: 'passwordConfirm', message: 'Passwords do not match' });
  if (problems.length) return showClientProblems(cfg, problems);

  const body = { username, password };
  if (displayName) body.displayName = displayName;
  await whileBusy(cfg, 'Creating account…', async () => {
    clearFormErrors(cfg);
    const tokens = await api('POST', '/auth/register', { body, auth: false });
    startSignedIn(tokens);
  });
}

function startSignedIn(tokens) {
  state.epoch += 1;
  applyTokens(tokens);
  showSignedIn();
}

let signingOut = false;

async function signOut() {
  if (signingOut) return;
  signingOut = true;
  const button = byId('signout');
  button.disabled = true;
  button.textContent = 'Signing out…';
  try {
    // Uses authed(), not api(): a failure here must not show a "session ended" notice.
    if (state.accessToken || refreshStore.get()) await authed('POST', '/auth/logout');
  } catch {
    // Sign out locally regardless; the server session will expire on its own.
  } finally {
    refreshStore.clear();
    showSignedOut();
    button.disabled = false;
    button.textContent = 'Sign out';
    signingOut = false;
  }
}

let profileStatusTimer = 0;

async function onSaveProfile(event) {
  event.preventDefault();
  const cfg = FORMS.profile;
  const status = byId('profile-status');
  clearTimeout(profileStatusTimer);
  status.textContent = '';
  const displayName = byId('profile-display-name').value.trim();
  if (!displayName) return showClientProblems(cfg, [{ field: 'displayName', message: 'Enter a display name' }]);
  if (displayName.length > DISPLAY_NAME_MAX) {
    return showClientProblems(cfg, [{ field: 'displayName', message: `Use at most ${DISPLAY_NAME_MAX} characters` }]);
  }

  await whileBusy(cfg, 'Saving…', async () => {
    clearFormErrors(cfg);
    const user = await api('PATCH', '/users/me', { body: { displayName } });
    if (!state.signedIn) return;
    state.user = { ...state.user, ...user };
    renderUser();
    renderProfile();
    status.textContent = 'Saved';
    profileStatusTimer = setTimeout(() => { status.textContent = ''; }, 4000);
  });
}

// ---------------------------------------------------------------------------------------------
// Start-up

function showBootProblem(message) {
  showView('boot');
  byId('boot-spinner').hidden = true;
  byId('boot-message').textContent = message;
  byId('boot-actions').hidden = false;
  byId('boot-retry').focus();
}

/** Restores a saved session if there is one, otherwise shows sign-in. */
async function boot() {
  if (!refreshStore.get()) {
    showSignedOut();
    return;
  }
  showView('boot');
  byId('boot-spinner').hidden = false;
  byId('boot-actions').hidden = true;
  byId('boot-message').textContent = 'Signing you in…';
  try {
    await refreshTokens();
    showSignedIn();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      showSignedOut({ notice: lostSessionNotice(err) });
    } else {
      // Keep the saved token: the server may just be restarting.
      showBootProblem(`We couldn’t restore your session. ${capitalise(describeError(err))}`);
    }
  }
}

function wire() {
  byId('signin-form').addEventListener('submit', onSignIn);
  byId('signup-form').addEventListener('submit', onSignUp);
  byId('profile-form').addEventListener('submit', onSaveProfile);
  byId('show-signup').addEventListener('click', () => { setNotice(null); showAuthPanel('signup'); });
  byId('show-signin').addEventListener('click', () => { setNotice(null); showAuthPanel('signin'); });
  byId('signout').addEventListener('click', signOut);
  byId('sessions-refresh').addEventListener('click', loadSessions);
  byId('boot-retry').addEventListener('click', boot);
  byId('boot-signin').addEventListener('click', () => showSignedOut());

  byId('sessions').addEventListener('click', (event) => {
    const target = event.target instanceof Element ? event.target : null;
    const revoke = target?.closest('button.revoke-session');
    if (revoke) return void revokeSession(revoke);
    if (target?.closest('button.signout-session')) signOut();
  });

  // A field's error goes away as soon as the person starts fixing it.
  for (const cfg of Object.values(FORMS)) {
    for (const inputId of Object.values(cfg.fields)) {
      byId(inputId).addEventListener('input', () => clearFieldError(inputId));
    }
  }

  // Keep tabs in step: signing out in one signs out all; signing in in one signs in the others.
  window.addEventListener('storage', (event) => {
    if (event.key !== REFRESH_KEY && event.key !== null) return;
    const token = refreshStore.get();
    if (!token && state.signedIn) {
      showSignedOut({ notice: 'You signed out in another tab.' });
    } else if (token && !state.signedIn && currentView === 'auth') {
      boot();
    }
  });

  // Timers are throttled in background tabs; catch up when the tab is looked at again.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState !== 'visible' || !state.signedIn) return;
    if (state.refreshDueAt && Date.now() >= state.refreshDueAt) backgroundRefresh();
    refreshRelativeTimes();
  });

  setInterval(refreshRelativeTimes, 30_000);
}

wire();
boot();
