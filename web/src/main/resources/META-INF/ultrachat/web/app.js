// UltraChat browser client: the entry point. Plain ES2022 modules, no build step. The server's
// Content-Security-Policy forbids inline scripts, styles and handlers, so every behaviour is
// wired with addEventListener and every look is a CSS class or the `hidden` attribute.
//
// Modules: api.js (HTTP, tokens), realtime.js (the WebSocket), store.js (chat state),
// chat.js (the chat views and their live updates), messages.js (how a message renders),
// composer.js (the message box), search.js, dialogs.js, account.js (sign-in, sessions,
// profile), format.js and dom.js (helpers).

import { byId } from './dom.js';
import {
  ApiError, applyTokens, authed, backgroundRefresh, forgetSession, lostSessionNotice, refreshStore, refreshTokens, REFRESH_KEY,
  session, setSessionHooks,
} from './api.js';
import {
  clearAccount, loadSessions, renderProfile, renderUser, resetAuthForms, setNotice, showAuthPanel, wireAccount,
} from './account.js';
import { capitalise, describeError, refreshRelativeTimes } from './format.js';
import { setChatVisible, startChat, stopChat, userChanged, wireChat } from './chat.js';

let currentView = 'boot';

function showView(name) {
  currentView = name;
  byId('boot-view').hidden = name !== 'boot';
  byId('auth-view').hidden = name !== 'auth';
  byId('app-view').hidden = name !== 'app';
}

function showSignedOut({ notice = null, panel = 'signin' } = {}) {
  stopChat();
  forgetSession();
  clearAccount();
  showAccount(false);
  showView('auth');
  showAuthPanel(panel);
  setNotice(notice);
}

function showSignedIn() {
  session.signedIn = true;
  resetAuthForms();
  renderUser();
  renderProfile();
  showAccount(false);
  showView('app');
  document.title = 'UltraChat';
  startChat();
}

/** The account page (sessions, profile) in place of the chat. */
function showAccount(show) {
  byId('account-view').hidden = !show;
  byId('open-account').setAttribute('aria-pressed', show ? 'true' : 'false');
  setChatVisible(!show);
  if (show) {
    renderProfile();
    byId('sessions').replaceChildren();
    loadSessions();
    byId('account-view').focus({ preventScroll: true });
  }
}

function startSignedIn(tokens) {
  session.epoch += 1;
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
    if (session.accessToken || refreshStore.get()) await authed('POST', '/auth/logout');
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
  setSessionHooks({
    onSessionLost: (notice) => showSignedOut({ notice }),
    onTokens: renderUser,
  });
  wireAccount({ startSignedIn, signOut, onProfileSaved: userChanged });
  wireChat();
  byId('signout').addEventListener('click', signOut);
  byId('open-account').addEventListener('click', () => showAccount(byId('account-view').hidden));
  byId('close-account').addEventListener('click', () => showAccount(false));
  byId('boot-retry').addEventListener('click', boot);
  byId('boot-signin').addEventListener('click', () => showSignedOut());

  // Keep tabs in step: signing out in one signs out all; signing in in one signs in the others.
  window.addEventListener('storage', (event) => {
    if (event.key !== REFRESH_KEY && event.key !== null) return;
    const token = refreshStore.get();
    if (!token && session.signedIn) {
      showSignedOut({ notice: 'You signed out in another tab.' });
    } else if (token && !session.signedIn && currentView === 'auth') {
      boot();
    }
  });

  // Timers are throttled in background tabs; catch up when the tab is looked at again.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState !== 'visible' || !session.signedIn) return;
    if (session.refreshDueAt && Date.now() >= session.refreshDueAt) backgroundRefresh();
    refreshRelativeTimes();
  });

  setInterval(refreshRelativeTimes, 30_000);
}

wire();
boot();
