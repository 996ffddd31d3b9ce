// Signing in and up, and the account page: the person's sessions and profile.

import { byId, h, icon, showAlert } from './dom.js';
import { api, ApiError, session } from './api.js';
import { capitalise, describeError, describeUserAgent, displayNameOf, initialOf, shortDateFormat, timeElement } from './format.js';

// Mirrors the server's rules so people get instant feedback; the server still has the last word.
const USERNAME_RE = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{1,30})[A-Za-z0-9]$/;
const PASSWORD_MIN = 8;
const PASSWORD_MAX = 256;
const DISPLAY_NAME_MAX = 64;

// ---------------------------------------------------------------------------------------------
// Forms: field errors, the alert above each form and the busy state of its submit button.

export const FORMS = {
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

function clearFieldError(inputId) {
  const input = byId(inputId);
  const error = byId(`${inputId}-error`);
  input?.removeAttribute('aria-invalid');
  if (error) {
    error.textContent = '';
    error.hidden = true;
  }
}

export function clearFormErrors(cfg) {
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
// Sign in and sign up

export function showAuthPanel(panel, { focus = true } = {}) {
  const signup = panel === 'signup';
  byId('signin-panel').hidden = signup;
  byId('signup-panel').hidden = !signup;
  clearFormErrors(FORMS.signin);
  clearFormErrors(FORMS.signup);
  document.title = signup ? 'Create account · UltraChat' : 'Sign in · UltraChat';
  if (focus) byId(signup ? 'signup-username' : 'signin-username').focus({ preventScroll: true });
}

export function setNotice(message) {
  const notice = byId('auth-notice');
  notice.textContent = message ?? '';
  notice.hidden = !message;
}

export function resetAuthForms() {
  setNotice(null);
  byId('signin-form').reset();
  byId('signup-form').reset();
  clearFormErrors(FORMS.signin);
  clearFormErrors(FORMS.signup);
}

async function onSignIn(event, startSignedIn) {
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

async function onSignUp(event, startSignedIn) {
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

// ---------------------------------------------------------------------------------------------
// The signed-in person, in the top bar and on the account page

export function renderUser() {
  const user = session.user;
  if (!user) return;
  const label = byId('current-user');
  label.querySelector('.user-name').textContent = displayNameOf(user);
  label.querySelector('.user-handle').textContent = `@${user.username}`;
  label.title = `${displayNameOf(user)} (@${user.username})`;
  byId('user-avatar').textContent = initialOf(displayNameOf(user));
}

export function renderProfile() {
  const user = session.user;
  if (!user) return;
  byId('profile-username').textContent = `@${user.username}`;
  const created = new Date(user.createdAt);
  byId('profile-created').textContent = Number.isNaN(created.getTime()) ? '—' : shortDateFormat.format(created);
  byId('profile-display-name').value = user.displayName ?? '';
  clearFormErrors(FORMS.profile);
}

export function clearAccount() {
  byId('sessions').replaceChildren();
  showAlert('sessions-error', '');
  byId('profile-status').textContent = '';
}

// ---------------------------------------------------------------------------------------------
// Sessions

// Answers can arrive out of order (a revoke's reload racing a manual refresh); only the newest counts.
let sessionsRequest = 0;

export async function loadSessions() {
  const request = ++sessionsRequest;
  const list = byId('sessions');
  list.setAttribute('aria-busy', 'true');
  try {
    const data = await api('GET', '/auth/sessions');
    if (request !== sessionsRequest || !session.signedIn) return;
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
// Profile

let profileStatusTimer = 0;

async function onSaveProfile(event, onSaved) {
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
    if (!session.signedIn) return;
    session.user = { ...session.user, ...user };
    renderUser();
    renderProfile();
    onSaved(session.user);
    status.textContent = 'Saved';
    profileStatusTimer = setTimeout(() => { status.textContent = ''; }, 4000);
  });
}

/** Wires the auth forms and the account page; `startSignedIn(tokens)` takes over after sign-in. */
export function wireAccount({ startSignedIn, signOut, onProfileSaved }) {
  byId('signin-form').addEventListener('submit', (e) => onSignIn(e, startSignedIn));
  byId('signup-form').addEventListener('submit', (e) => onSignUp(e, startSignedIn));
  byId('profile-form').addEventListener('submit', (e) => onSaveProfile(e, onProfileSaved));
  byId('show-signup').addEventListener('click', () => { setNotice(null); showAuthPanel('signup'); });
  byId('show-signin').addEventListener('click', () => { setNotice(null); showAuthPanel('signin'); });
  byId('sessions-refresh').addEventListener('click', loadSessions);

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
}
