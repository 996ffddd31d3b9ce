// The chat: workspace and conversation sidebar with unread and mention badges, the message view
// (history paging both ways, live updates), threads, reactions, edits and deletes, typing,
// presence, optimistic sends and the realtime connection's recovery.
//
// Design notes.
// - State lives in store.js; this module turns REST pages and realtime events into that state
//   and re-renders what changed (batched: one render per burst of events).
// - Sends are optimistic (outbox.js): pending at once, confirmed or retried with the same
//   clientId; messages are deduplicated by id everywhere.
// - No message is lost across a reconnect: `hello` resumes every history that reaches the live
//   edge from its last contiguous seq; `resync` and any seq gap are filled from REST; and after
//   every `ready` the sidebar's counts are re-read and the open conversation's latest page is
//   re-read to pick up edits and reactions made meanwhile.
// - Unread and mention counts come from the server and are advanced locally by live messages
//   from others in conversations that are not being read; a conversation counts as read while
//   it is on screen, scrolled to its end, in a visible tab.

import { byId, h, icon, reconcile, showAlert } from './dom.js';
import { api, ApiError, freshAccessToken, query, session, sessionLost } from './api.js';
import { capitalise, describeError, displayNameOf, initialOf } from './format.js';
import { Realtime } from './realtime.js';
import { Composer } from './composer.js';
import { Outbox } from './outbox.js';
import { downloadAttachment, listItems, QUICK_EMOJI } from './messages.js';
import {
  conversationLabel, conversationName, currentWorkspace, History, historyOf, isDirect, isWorkspaceAdmin, mentionsMe, nameOf,
  normalizeMessage, otherParticipants, rememberUser, resetStore, store,
} from './store.js';
import { initDialogs, openDialog } from './dialogs.js';
import { closeSearch, initSearch, resetSearch } from './search.js';

const PAGE = 50;
const THREAD_PAGE = 200;
const TYPING_SEND_EVERY_MS = 3000;
const TYPING_SHOW_MS = 6000;
const AWAY_AFTER_HIDDEN_MS = 60_000;
const LAST_WORKSPACE_KEY = 'ultrachat.lastWorkspace';

let rt = null;
let mainComposer = null;
let threadComposer = null;
let started = false;
let everReady = false;
let lastResume = {};
let workspaceLoad = 0;
let awayTimer = 0;
let presenceSent = null;
let bannerTimer = 0;

const ui = {
  editing: null,            // id of the message being edited
  drafts: new Map(),        // message id -> edit text
  unreadFromSeq: 0,         // where the "New" divider goes in the open conversation
  highlightId: null,        // a message to flash (jumped to from search)
  stick: true,              // the message view is scrolled to its end
  typingSentAt: new Map(),  // conversationId -> ms
  readSent: new Map(),      // conversationId -> seq last sent to the server
  readTimers: new Map(),
  refreshTimers: new Map(),
  fetchingUsers: new Set(),
  emojiFor: null,           // {messageId, conversationId} the emoji picker reacts to
  awaitingJoin: new Map(),  // conversationId -> timer, see expectJoined
};

const listCache = new Map();
const threadCache = new Map();
const channelCache = new Map();
const dmCache = new Map();

// ---------------------------------------------------------------------------------------------
// Start and stop

export function startChat() {
  if (started) return;
  started = true;
  everReady = false;
  resetStore();
  store.me = String(session.user.id);
  rememberUser(session.user);
  rt = new Realtime({
    getToken: () => freshAccessToken(),
    positions: resumePositions,
    on: {
      ready: onReady,
      event: onEvent,
      resync: onResync,
      status: onConnectionStatus,
      authFailed: (err) => sessionLost(err),
      revoked: () => sessionLost(new ApiError({ status: 401, code: 'session-revoked', detail: 'session revoked' })),
    },
  });
  loadWorkspaces().finally(() => rt?.start());
}

export function stopChat() {
  if (!started) return;
  started = false;
  rt?.stop();
  rt = null;
  outbox.clear();
  clearTimeout(awayTimer);
  clearTimeout(bannerTimer);
  for (const t of ui.readTimers.values()) clearTimeout(t);
  for (const t of ui.refreshTimers.values()) clearTimeout(t);
  for (const t of ui.awaitingJoin.values()) clearTimeout(t);
  ui.awaitingJoin.clear();
  ui.readTimers.clear();
  ui.refreshTimers.clear();
  ui.readSent.clear();
  ui.editing = null;
  ui.drafts.clear();
  presenceSent = null;
  resetStore();
  resetSearch();
  for (const c of [listCache, threadCache, channelCache, dmCache]) c.clear();
  for (const id of ['messages', 'thread-messages', 'channel-list', 'dm-list', 'workspace-select']) byId(id).replaceChildren();
  byId('thread-pane').hidden = true;
  byId('conversation-title').textContent = '';
  byId('conversation-topic').textContent = '';
  byId('typing-indicator').textContent = '';
  mainComposer?.setContext(null, 'Message');
  document.body.dataset.realtime = 'idle';
}

/** Called when the person's profile changes, so names re-render. */
export function userChanged(user) {
  rememberUser(user);
  scheduleRender('all');
}

// ---------------------------------------------------------------------------------------------
// Rendering, batched: events mark what changed, one microtask renders it.

const dirty = new Set();
let renderQueued = false;

function scheduleRender(...parts) {
  for (const p of parts) dirty.add(p);
  if (renderQueued) return;
  renderQueued = true;
  queueMicrotask(() => {
    renderQueued = false;
    const all = dirty.has('all');
    const parts = new Set(dirty);
    dirty.clear();
    if (!started) return;
    if (all || parts.has('sidebar')) renderSidebar();
    if (all || parts.has('header')) renderHeader();
    if (all || parts.has('messages')) renderMessages();
    if (all || parts.has('thread')) renderThread();
    if (all || parts.has('typing')) renderTyping();
  });
}

// ---------------------------------------------------------------------------------------------
// Workspaces

function normalizeConversation(c) {
  return {
    ...c,
    id: String(c.id),
    workspaceId: String(c.workspaceId),
    lastSeq: Number(c.lastSeq) || 0,
    lastReadSeq: Number(c.lastReadSeq) || 0,
    unreadCount: Number(c.unreadCount) || 0,
    mentionCount: Number(c.mentionCount) || 0,
    participants: Array.isArray(c.participants) ? c.participants.map(String) : undefined,
  };
}

function readHash() {
  const params = new URLSearchParams(location.hash.replace(/^#\/?/, ''));
  return { conversation: params.get('c'), invite: params.get('invite') };
}

function writeHash(conversationId) {
  const next = conversationId ? `#c=${conversationId}` : location.pathname + location.search;
  if (location.hash !== `#c=${conversationId}`) window.history.replaceState(null, '', next);
}

function storedWorkspace() {
  try { return localStorage.getItem(LAST_WORKSPACE_KEY); } catch { return null; }
}

function storeWorkspace(id) {
  try { localStorage.setItem(LAST_WORKSPACE_KEY, id); } catch { /* not important */ }
}

async function loadWorkspaces({ select = null, joined = false } = {}) {
  const { invite, conversation } = readHash();
  let joinedByInvite = joined;
  if (invite) {
    window.history.replaceState(null, '', location.pathname + location.search);
    try {
      const ws = await api('POST', '/invites/accept', { body: { token: invite } });
      select = String(ws.id);
      joinedByInvite = true;
    } catch (err) {
      if (err.sessionLost) return;
      conversationError(`Couldn’t accept the invite. ${capitalise(describeError(err))}`);
    }
  }
  let openId = null;
  if (!select && conversation) {
    try {
      const c = await api('GET', `/conversations/${encodeURIComponent(conversation)}`);
      select = String(c.workspaceId);
      openId = String(c.id);
    } catch (err) {
      if (err.sessionLost) return;
    }
  }
  let data;
  try {
    data = await api('GET', '/workspaces');
  } catch (err) {
    if (!err.sessionLost) conversationError(`Couldn’t load your workspaces. ${capitalise(describeError(err))}`);
    return;
  }
  if (!started) return;
  store.workspaces = (data?.workspaces ?? []).map((w) => ({ ...w, id: String(w.id) }));
  renderWorkspaceSelect();
  if (!store.workspaces.length) {
    showOnboarding(true);
    return;
  }
  const wanted = select ?? storedWorkspace();
  const ws = store.workspaces.find((w) => w.id === wanted) ?? store.workspaces[0];
  await selectWorkspace(ws.id, { openId, joinGeneral: joinedByInvite });
}

function renderWorkspaceSelect() {
  const select = byId('workspace-select');
  select.replaceChildren(...store.workspaces.map((w) => h('option', { value: w.id, text: w.name })));
  select.value = store.workspaceId ?? '';
  select.hidden = store.workspaces.length === 0;
  byId('invite-people').hidden = !isWorkspaceAdmin();
}

function showOnboarding(show) {
  byId('onboarding').hidden = !show;
  byId('conversation').hidden = show;
  for (const id of ['channel-list', 'dm-list']) byId(id).closest('section').hidden = show;
  if (show) {
    store.workspaceId = null;
    store.openId = null;
    closeThread();
    document.title = 'UltraChat';
  }
}

async function selectWorkspace(id, { openId = null, joinGeneral = false } = {}) {
  const load = ++workspaceLoad;
  store.workspaceId = id;
  storeWorkspace(id);
  renderWorkspaceSelect();
  showOnboarding(false);
  closeThread();
  closeSearch();
  store.conversations.clear();
  store.members.clear();
  store.presence.clear();
  store.openId = null;
  listCache.clear();
  byId('messages').replaceChildren();
  let convs;
  let members;
  try {
    [convs, members] = await Promise.all([
      api('GET', `/workspaces/${id}/conversations`),
      api('GET', `/workspaces/${id}/members`),
    ]);
  } catch (err) {
    if (!err.sessionLost) conversationError(`Couldn’t load this workspace. ${capitalise(describeError(err))}`);
    return;
  }
  if (load !== workspaceLoad || !started) return;
  for (const m of members?.members ?? []) {
    const member = { ...m, userId: String(m.userId) };
    store.members.set(member.userId, member);
    rememberUser(member);
  }
  for (const c of convs?.conversations ?? []) {
    const conv = normalizeConversation(c);
    store.conversations.set(conv.id, conv);
  }
  for (const c of store.conversations.values()) for (const p of c.participants ?? []) ensureUser(p);
  loadPresence();
  if (joinGeneral) await joinGeneralChannel();
  renderSidebar();
  const target = [openId, lastOpened(id)].find((cid) => cid && store.conversations.get(cid)?.member)
    ?? firstConversation();
  if (target) await openConversation(target, { focus: false });
  else renderEmptyWorkspace();
}

/** Newcomers land in #general, as they would expect, instead of an empty workspace. */
async function joinGeneralChannel() {
  const general = [...store.conversations.values()].find((c) => c.kind === 'public' && c.name === 'general');
  if (!general || general.member) return;
  try {
    applyConversation(normalizeConversation(await api('PUT', `/conversations/${general.id}/members/${store.me}`)));
  } catch { /* guests may not join; they can still be added */ }
}

function lastOpened(workspaceId) {
  try { return localStorage.getItem(`ultrachat.lastConversation.${workspaceId}`); } catch { return null; }
}

function rememberOpened(c) {
  try { localStorage.setItem(`ultrachat.lastConversation.${c.workspaceId}`, c.id); } catch { /* not important */ }
}

function firstConversation() {
  const convs = [...store.conversations.values()].filter((c) => c.member);
  const channels = convs.filter((c) => !isDirect(c)).sort((a, b) => a.name.localeCompare(b.name));
  return (channels.find((c) => c.name === 'general') ?? channels[0] ?? convs[0])?.id ?? null;
}

function renderEmptyWorkspace() {
  store.openId = null;
  byId('conversation-title').textContent = currentWorkspace()?.name ?? '';
  byId('conversation-topic').textContent = 'No conversations yet: create a channel or start a direct message.';
  byId('messages').replaceChildren();
  listCache.clear();
  mainComposer.setEnabled(false);
  byId('join-bar').hidden = true;
  byId('leave-conversation').hidden = true;
  byId('history-top').textContent = '';
}

/** Re-reads the workspace's conversations (counts, names, new ones) after a reconnect. */
async function refreshConversations() {
  const ws = store.workspaceId;
  if (!ws) return;
  let data;
  try {
    data = await api('GET', `/workspaces/${ws}/conversations`);
  } catch {
    return;
  }
  if (ws !== store.workspaceId) return;
  const seen = new Set();
  for (const raw of data?.conversations ?? []) {
    const c = normalizeConversation(raw);
    seen.add(c.id);
    applyConversation(c);
  }
  for (const id of [...store.conversations.keys()]) {
    if (!seen.has(id) && id !== store.openId) store.conversations.delete(id);
  }
  maybeMarkRead();
  scheduleRender('sidebar', 'header');
}

/** Takes a server copy of a conversation unless what we hold is newer. */
function applyConversation(c) {
  const known = store.conversations.get(c.id);
  if (known && c.lastSeq < known.lastSeq) {
    // Older than live events already counted; ask again shortly.
    refreshConversationSoon(c.id);
    Object.assign(known, { name: c.name, topic: c.topic, archived: c.archived, member: c.member });
    return;
  }
  store.conversations.set(c.id, known ? Object.assign(known, c) : c);
  for (const p of c.participants ?? []) ensureUser(p);
}

function refreshConversationSoon(id, delay = 500) {
  if (ui.refreshTimers.has(id)) return;
  ui.refreshTimers.set(id, setTimeout(async () => {
    ui.refreshTimers.delete(id);
    try {
      const c = normalizeConversation(await api('GET', `/conversations/${id}`));
      if (c.workspaceId !== store.workspaceId) return;
      applyConversation(c);
      maybeMarkRead();
      scheduleRender('sidebar', 'header');
    } catch { /* the next ready or event tries again */ }
  }, delay));
}

async function reloadMembers() {
  const ws = store.workspaceId;
  if (!ws) return;
  try {
    const data = await api('GET', `/workspaces/${ws}/members`);
    if (ws !== store.workspaceId) return;
    store.members.clear();
    for (const m of data?.members ?? []) {
      const member = { ...m, userId: String(m.userId) };
      store.members.set(member.userId, member);
      rememberUser(member);
    }
    scheduleRender('all');
  } catch { /* names fall back to "Someone" until the next try */ }
}

/** Looks up a person we have no name for (e.g. someone who left the workspace). */
function ensureUser(id) {
  const uid = String(id);
  if (store.users.has(uid) || ui.fetchingUsers.has(uid)) return;
  ui.fetchingUsers.add(uid);
  api('GET', `/users/${encodeURIComponent(uid)}`)
    .then((u) => {
      rememberUser(u);
      scheduleRender('all');
    })
    .catch(() => {})
    .finally(() => ui.fetchingUsers.delete(uid));
}

// ---------------------------------------------------------------------------------------------
// Sidebar

function presenceOf(userId) {
  if (userId === store.me) return rt?.live ? (presenceSent === 'away' ? 'away' : 'online') : 'offline';
  return store.presence.get(String(userId)) ?? 'offline';
}

function presenceDot(userId) {
  const status = presenceOf(userId);
  return h('span', { class: 'presence', 'data-status': status, 'data-testid': 'presence-dot', 'data-user-id': userId, role: 'img', 'aria-label': status });
}

function conversationItem(c) {
  const open = c.id === store.openId;
  const name = conversationName(c);
  const dm = c.kind === 'dm';
  const other = dm ? otherParticipants(c)[0] : null;
  const status = dm && store.presenceSupported ? presenceOf(other) : '';
  const unread = c.unreadCount;
  const mentions = c.mentionCount;
  const parts = [isDirect(c) ? name : `${name}${c.kind === 'private' ? ' (private)' : ''}`];
  if (status) parts.push(status);
  if (unread) parts.push(`${unread} unread`);
  if (mentions) parts.push(`${mentions} ${mentions === 1 ? 'mention' : 'mentions'}`);
  return {
    key: c.id,
    stamp: [name, open, unread, mentions, c.kind, status, c.archived].join('|'),
    render: () => h('li', {},
      h('button', {
        type: 'button', class: `conv-item${unread ? ' unread' : ''}${c.archived ? ' archived' : ''}`, 'data-testid': 'conversation-item',
        'data-conversation-id': c.id, 'data-name': isDirect(c) ? name : c.name, 'aria-current': open ? 'page' : null, 'aria-label': parts.join(', '),
      },
      isDirect(c)
        ? (dm && store.presenceSupported ? presenceDot(other) : h('span', { class: 'conv-icon conv-initial', 'aria-hidden': 'true', text: initialOf(name) }))
        : h('span', { class: 'conv-icon' }, icon(c.kind === 'private' ? 'lock' : 'hash')),
      h('span', { class: 'conv-name', 'data-testid': 'conversation-name', text: name }),
      mentions ? h('span', { class: 'badge-mention', 'data-testid': 'mention-badge', 'aria-hidden': 'true', text: `@${mentions}` }) : null,
      unread ? h('span', { class: 'badge-unread', 'data-testid': 'unread-badge', 'aria-hidden': 'true', text: unread > 99 ? '99+' : String(unread) }) : null)),
  };
}

function renderSidebar() {
  const convs = [...store.conversations.values()].filter((c) => c.member);
  const channels = convs.filter((c) => !isDirect(c)).sort((a, b) => a.name.localeCompare(b.name));
  const dms = convs.filter(isDirect);
  reconcile(byId('channel-list'), channels.map(conversationItem), channelCache);
  reconcile(byId('dm-list'), dms.map(conversationItem), dmCache);
  const unread = convs.reduce((n, c) => n + (c.id === store.openId && isReading(c.id) ? 0 : c.unreadCount), 0);
  const open = store.conversations.get(store.openId);
  const ws = currentWorkspace();
  document.title = `${unread ? `(${unread}) ` : ''}${open ? `${conversationLabel(open)} · ` : ''}${ws ? `${ws.name} · ` : ''}UltraChat`;
  const me = byId('my-presence');
  me.hidden = !store.presenceSupported;
  me.dataset.status = presenceOf(store.me);
}

// ---------------------------------------------------------------------------------------------
// The open conversation

function renderHeader() {
  const c = store.conversations.get(store.openId);
  if (!c) return;
  const title = byId('conversation-title');
  title.replaceChildren(
    isDirect(c) ? '' : h('span', { class: 'conv-title-icon' }, icon(c.kind === 'private' ? 'lock' : 'hash')),
    h('span', { 'data-testid': 'conversation-title', text: conversationName(c) }));
  byId('conversation-topic').textContent = c.topic || (isDirect(c) ? 'Direct message' : '');
  const canJoin = !c.member && c.kind === 'public';
  byId('join-bar').hidden = c.member;
  byId('join-bar-text').textContent = canJoin ? `You’re viewing ${conversationLabel(c)}.` : 'You’re not a member of this conversation.';
  byId('join-conversation').hidden = !canJoin;
  mainComposer.setEnabled(c.member && !c.archived);
  byId('leave-conversation').hidden = !c.member || isDirect(c);
  byId('leave-conversation').setAttribute('aria-label', `Leave ${conversationLabel(c)}`);
}

async function openConversation(id, { around = null, highlightId = null, focus = true } = {}) {
  const c = store.conversations.get(String(id));
  if (!c) return;
  const switching = store.openId !== c.id;
  store.openId = c.id;
  rememberOpened(c);
  writeHash(c.id);
  showAlert('conversation-error', '');
  if (switching) {
    ui.editing = null;
    ui.unreadFromSeq = c.unreadCount > 0 ? c.lastReadSeq + 1 : 0;
    ui.stick = true;
    listCache.clear();
    byId('messages').replaceChildren();
    if (store.thread && store.thread.conversationId !== c.id) closeThread();
    mainComposer.setContext(c.id, `Message ${conversationLabel(c)}`);
  }
  ui.highlightId = highlightId;
  renderHeader();
  renderSidebar();
  renderTyping();
  const h = historyOf(c.id);
  try {
    if (around != null) {
      h.reset();
      await loadPage(h, 'around', around);
    } else if (!h.atLiveEdge) {
      h.reset();
      await loadPage(h, 'latest');
    } else if (switching) {
      // Kept from an earlier visit and followed live since; replayed messages come without
      // reactions and attachments, so re-read the newest page.
      catchUp(h);
      refreshLatest(h);
    }
  } catch (err) {
    if (!err.sessionLost) conversationError(`Couldn’t load messages. ${capitalise(describeError(err))}`);
  }
  if (store.openId !== c.id) return;
  renderMessages({ scroll: around != null ? 'highlight' : 'bottom' });
  if (highlightId) setTimeout(() => { if (ui.highlightId === highlightId) { ui.highlightId = null; scheduleRender('messages'); } }, 2500);
  if (focus) {
    if (c.member) mainComposer.focus();
    else byId('conversation-title').focus({ preventScroll: true });
  }
  fillViewport();
  maybeMarkRead();
}

function conversationError(message) {
  showAlert('conversation-error', message);
}

/** Loads one page into a history: the latest, older, newer, or around a seq. */
async function loadPage(h, mode, around = 0) {
  const path = `/conversations/${h.conversationId}/messages`;
  let params;
  if (mode === 'latest') params = { limit: PAGE };
  else if (mode === 'before') params = { before: h.oldestSeq, limit: PAGE };
  else if (mode === 'after') params = { after: h.newestSeq, limit: PAGE * 2 };
  else params = { around, limit: PAGE };
  const page = await api('GET', path + query(params));
  for (const m of page?.messages ?? []) {
    h.upsert(m, { complete: true });
    noteAuthor(m);
  }
  if (mode === 'latest') {
    h.loaded = true;
    h.hasMoreBefore = Boolean(page?.hasMoreBefore);
    h.hasMoreAfter = false;
  } else if (mode === 'before') {
    h.hasMoreBefore = Boolean(page?.hasMoreBefore);
  } else if (mode === 'after') {
    h.hasMoreAfter = Boolean(page?.hasMoreAfter);
  } else {
    h.loaded = true;
    h.hasMoreBefore = Boolean(page?.hasMoreBefore);
    h.hasMoreAfter = Boolean(page?.hasMoreAfter);
  }
  return page;
}

function noteAuthor(m) {
  if (m?.userId != null) ensureUser(String(m.userId));
}

async function loadOlder() {
  const h = store.openId && historyOf(store.openId);
  if (!h || !h.loaded || !h.hasMoreBefore || h.loadingOlder) return;
  const id = h.conversationId;
  h.loadingOlder = loadPage(h, 'before');
  renderHistoryEdges(h);
  try {
    await h.loadingOlder;
  } catch (err) {
    if (!err.sessionLost) conversationError(`Couldn’t load earlier messages. ${capitalise(describeError(err))}`);
  } finally {
    h.loadingOlder = null;
  }
  if (store.openId !== id) return;
  renderMessages({ scroll: 'preserve' });
  fillViewport();
}

async function loadNewer() {
  const h = store.openId && historyOf(store.openId);
  if (!h || !h.loaded || !h.hasMoreAfter || h.loadingNewer) return;
  const id = h.conversationId;
  h.loadingNewer = loadPage(h, 'after');
  try {
    await h.loadingNewer;
  } catch (err) {
    if (!err.sessionLost) conversationError(`Couldn’t load newer messages. ${capitalise(describeError(err))}`);
  } finally {
    h.loadingNewer = null;
  }
  if (store.openId !== id) return;
  renderMessages({ scroll: 'keep' });
  maybeMarkRead();
}

/** When the loaded messages do not fill the view, there is nothing to scroll: load more. */
function fillViewport() {
  const scroller = byId('message-scroller');
  const h = store.openId && historyOf(store.openId);
  if (h && h.loaded && h.hasMoreBefore && !h.loadingOlder && scroller.scrollHeight <= scroller.clientHeight + 40) loadOlder();
}

/**
 * Brings a history that reaches the live edge up to date from its last contiguous seq: fills
 * holes left by a dropped event, a `resync`, or messages sent while no events were followed.
 */
async function catchUp(h) {
  if (!h.loaded || h.hasMoreAfter || h.catchingUp) return;
  h.catchingUp = true;
  try {
    for (let i = 0; i < 100; i += 1) {
      const from = h.completeThrough();
      const page = await api('GET', `/conversations/${h.conversationId}/messages${query({ after: from, limit: 200 })}`);
      for (const m of page?.messages ?? []) {
        h.upsert(m, { complete: true });
        noteAuthor(m);
        countUnread(h.conversationId, normalizeMessage(m));
        if (m.userId != null && String(m.userId) === store.me) outbox.matched(normalizeMessage(m));
      }
      if (!page?.hasMoreAfter || !page.messages?.length) break;
    }
  } catch {
    // Offline again or the conversation went away: the next ready tries again.
  } finally {
    h.catchingUp = false;
  }
  scheduleRender('messages', 'sidebar', 'thread');
  if (h.conversationId === store.openId) queueMicrotask(maybeMarkRead);
}

/** Re-reads the newest page, whose messages may have been edited or reacted to meanwhile. */
async function refreshLatest(h) {
  if (!h.atLiveEdge) return;
  try {
    const page = await api('GET', `/conversations/${h.conversationId}/messages${query({ limit: PAGE })}`);
    for (const m of page?.messages ?? []) {
      if (h.find(m.id) || Number(m.seq) > h.newestSeq) h.upsert(m, { complete: true });
    }
  } catch {
    return;
  }
  scheduleRender('messages');
}

function isAtBottom(el) {
  return el.scrollHeight - el.scrollTop - el.clientHeight < 48;
}

function renderHistoryEdges(h) {
  const top = byId('history-top');
  const c = store.conversations.get(h.conversationId);
  if (h.loadingOlder) {
    top.dataset.state = 'loading';
    top.textContent = 'Loading earlier messages…';
  } else if (h.loaded && !h.hasMoreBefore) {
    top.dataset.state = 'start';
    top.textContent = c ? `This is the very beginning of ${conversationLabel(c)}.` : '';
  } else {
    top.dataset.state = h.loaded ? 'more' : 'loading';
    top.textContent = h.loaded ? '' : 'Loading messages…';
  }
  const bottom = byId('history-bottom');
  bottom.hidden = !h.hasMoreAfter;
  bottom.textContent = h.loadingNewer ? 'Loading newer messages…' : '';
}

function canDelete(m) {
  return m.userId === store.me || isWorkspaceAdmin();
}

/**
 * Renders the open conversation. `scroll`: 'bottom' (to the end), 'preserve' (older messages
 * were added above: keep what is on screen in place), 'highlight' (centre the flashed message),
 * or by default stay at the end if the view was there.
 */
function renderMessages({ scroll = 'auto' } = {}) {
  const scroller = byId('message-scroller');
  const list = byId('messages');
  if (!store.openId) return;
  const h = historyOf(store.openId);
  const visible = h.list.filter((m) => !m.threadRootId);
  const pending = h.hasMoreAfter ? [] : store.pending.filter((p) => p.conversationId === store.openId && !p.threadRootId);
  const before = { height: scroller.scrollHeight, top: scroller.scrollTop };
  const stick = ui.stick;
  reconcile(list, listItems(visible, pending, {
    unreadFromSeq: ui.unreadFromSeq, editingId: ui.editing, drafts: ui.drafts, highlightId: ui.highlightId, canDelete,
  }), listCache);
  renderHistoryEdges(h);
  if (scroll === 'bottom' || (scroll === 'auto' && stick)) {
    scroller.scrollTop = scroller.scrollHeight;
    ui.stick = true;
  } else if (scroll === 'preserve') {
    scroller.scrollTop = before.top + (scroller.scrollHeight - before.height);
  } else if (scroll === 'highlight') {
    const target = ui.highlightId && list.querySelector(`[data-message-id="${ui.highlightId}"]`);
    if (target) target.scrollIntoView({ block: 'center' });
    ui.stick = isAtBottom(scroller);
  }
  byId('jump-latest').hidden = ui.stick && !h.hasMoreAfter;
  restoreEditFocus(list);
}

function restoreEditFocus(root) {
  if (!ui.editing) return;
  const input = root.querySelector(`[data-message-id="${ui.editing}"] textarea.edit-input`);
  if (input && document.activeElement !== input && !input.dataset.focused) {
    input.dataset.focused = '1';
    input.focus();
    input.setSelectionRange(input.value.length, input.value.length);
  }
}

function onScroll() {
  const scroller = byId('message-scroller');
  ui.stick = isAtBottom(scroller);
  const h = store.openId && historyOf(store.openId);
  if (!h) return;
  if (scroller.scrollTop < 200) loadOlder();
  if (h.hasMoreAfter && scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 200) loadNewer();
  byId('jump-latest').hidden = ui.stick && !h.hasMoreAfter;
  if (ui.stick) maybeMarkRead();
}

async function jumpToLatest() {
  const h = store.openId && historyOf(store.openId);
  if (!h) return;
  if (h.hasMoreAfter) {
    h.reset();
    try {
      await loadPage(h, 'latest');
    } catch (err) {
      if (!err.sessionLost) conversationError(capitalise(describeError(err)));
    }
    listCache.clear();
    byId('messages').replaceChildren();
  }
  renderMessages({ scroll: 'bottom' });
  maybeMarkRead();
}

// ---------------------------------------------------------------------------------------------
// Read state and unread counts

function chatVisible() {
  return document.visibilityState === 'visible' && !byId('app-view').hidden && !byId('chat-view').hidden;
}

/** The person is looking at the end of this conversation right now. */
function isReading(conversationId) {
  if (conversationId !== store.openId || !chatVisible() || !ui.stick) return false;
  return historyOf(conversationId).atLiveEdge;
}

function maybeMarkRead() {
  const id = store.openId;
  if (!id || !isReading(id)) return;
  const c = store.conversations.get(id);
  if (!c?.member) return;
  const seq = Math.max(historyOf(id).newestSeq, 0);
  if (seq > c.lastReadSeq) {
    c.lastReadSeq = seq;
    sendRead(id, seq);
  }
  if (c.lastReadSeq >= c.lastSeq && (c.unreadCount || c.mentionCount)) {
    c.unreadCount = 0;
    c.mentionCount = 0;
    scheduleRender('sidebar');
  }
}

/** Tells the server, at most a few times a second per conversation. */
function sendRead(conversationId, seq) {
  clearTimeout(ui.readTimers.get(conversationId));
  ui.readTimers.set(conversationId, setTimeout(async () => {
    ui.readTimers.delete(conversationId);
    if ((ui.readSent.get(conversationId) ?? 0) >= seq) return;
    try {
      await api('POST', `/conversations/${conversationId}/read`, { body: { seq } });
      ui.readSent.set(conversationId, Math.max(seq, ui.readSent.get(conversationId) ?? 0));
    } catch { /* offline: resent after the next ready */ }
  }, 200));
}

function countUnread(conversationId, m) {
  const c = store.conversations.get(conversationId);
  if (!c || !c.member || m.seq <= c.lastSeq) return;
  const caughtUp = c.lastReadSeq >= c.lastSeq;
  c.lastSeq = m.seq;
  if (m.userId === store.me) {
    // Your own message does not make a conversation unread (the server counts it until told).
    if (caughtUp) {
      c.lastReadSeq = m.seq;
      sendRead(conversationId, m.seq);
    }
    return;
  }
  if (m.deletedAt || isReading(conversationId)) return;
  c.unreadCount += 1;
  if (mentionsMe(m)) c.mentionCount += 1;
  scheduleRender('sidebar');
}

// ---------------------------------------------------------------------------------------------
// Realtime

function resumePositions() {
  const positions = {};
  for (const h of store.histories.values()) {
    if (h.atLiveEdge && h.list.length) positions[h.conversationId] = h.completeThrough();
  }
  lastResume = positions;
  return positions;
}

function onConnectionStatus(state) {
  document.body.dataset.realtime = state;
  const status = byId('connection-status');
  status.dataset.state = state;
  status.textContent = { live: 'Connected', connecting: 'Connecting…', waiting: 'Reconnecting…', offline: 'Offline', idle: '' }[state] ?? '';
  clearTimeout(bannerTimer);
  const banner = byId('connection-banner');
  if (state === 'live') {
    banner.hidden = true;
  } else if (state === 'offline') {
    banner.textContent = 'You’re offline. Messages you send will go out when you’re back online.';
    banner.hidden = false;
  } else if (everReady && state !== 'idle') {
    // Short blips are common; only say so when it lasts.
    bannerTimer = setTimeout(() => {
      banner.textContent = 'Reconnecting… Messages you send will go out when the connection is back.';
      banner.hidden = false;
    }, 1500);
  }
  if (state !== 'live') presenceSent = null;
  scheduleRender('sidebar');
}

function onReady() {
  const first = !everReady;
  everReady = true;
  // Histories that were not part of this hello's resume missed whatever happened meanwhile.
  for (const h of store.histories.values()) {
    if (h.atLiveEdge && !(h.conversationId in lastResume)) catchUp(h);
  }
  const open = store.openId && store.histories.get(store.openId);
  if (!first && open?.atLiveEdge) refreshLatest(open);
  if (!first) {
    refreshConversations();
    if (store.thread) reloadThread();
  }
  for (const [id, seq] of ui.readSent) {
    const c = store.conversations.get(id);
    if (c && c.lastReadSeq > seq) sendRead(id, c.lastReadSeq);
  }
  outbox.flush();
  if (store.presenceSupported) {
    updateMyPresence();
    if (!first) loadPresence();
  }
}

function onResync(frame) {
  const h = store.histories.get(String(frame.conversationId));
  if (h) catchUp(h);
}

function onEvent(e) {
  const cid = e.conversationId == null ? null : String(e.conversationId);
  switch (e.type) {
    case 'message.created': return onMessageCreated(cid, e);
    case 'message.edited': return onMessageChanged(cid, e.message, false);
    case 'message.deleted': return onMessageChanged(cid, e.message, true);
    case 'reaction.added':
    case 'reaction.removed': return onReaction(cid, e);
    case 'message.pinned':
    case 'message.unpinned': return updateMessage(cid, String(e.messageId), (m) => ({ ...m, pinned: e.type === 'message.pinned' }));
    case 'thread.updated': return onThreadUpdated(cid, e);
    case 'member.joined': return onMemberJoined(cid, String(e.userId));
    case 'member.left': return onMemberLeft(cid, String(e.userId));
    case 'conversation.changed': return onConversationChanged(cid, e.conversation);
    case 'read.updated': return onReadUpdated(cid, Number(e.lastReadSeq));
    case 'typing': return onTyping(cid, String(e.userId));
    case 'presence.changed':
      if (e.workspaceId != null && String(e.workspaceId) !== store.workspaceId) return undefined;
      return onPresence(String(e.userId), e.status);
    default: return undefined;
  }
}

function onMessageCreated(cid, e) {
  if (!e.message) return;
  const m = normalizeMessage(e.message);
  noteAuthor(m);
  if (m.userId === store.me) outbox.matched(m);
  const h = store.histories.get(cid);
  if (h?.atLiveEdge) {
    const gap = h.list.length > 0 && m.seq > h.newestSeq + 1;
    h.upsert(m);
    if (gap) catchUp(h);
  }
  const t = store.thread;
  if (t && t.conversationId === cid && m.threadRootId === t.rootId) t.replies.upsert(m);
  if (m.threadRootId && h) {
    h.update(m.threadRootId, (root) => {
      const thread = root.thread ?? { replyCount: 0, lastReplyAt: null, participants: [] };
      const participants = thread.participants?.includes(m.userId) ? thread.participants : [...(thread.participants ?? []), m.userId];
      return { ...root, thread: { ...thread, participants } };
    });
  }
  const typers = store.typing.get(cid);
  if (typers?.delete(m.userId)) scheduleRender('typing');
  countUnread(cid, m);
  if (cid === store.openId) {
    scheduleRender('messages');
    queueMicrotask(maybeMarkRead);
  }
  if (t && t.conversationId === cid) scheduleRender('thread');
}

function updateMessage(cid, id, fn) {
  const h = store.histories.get(cid);
  let changed = h ? h.update(id, fn) : false;
  const t = store.thread;
  if (t && t.conversationId === cid) {
    if (t.root?.id === id) {
      t.root = fn({ ...t.root });
      changed = true;
    }
    if (t.replies.update(id, fn)) changed = true;
  }
  if (changed) scheduleRender('messages', 'thread');
  return changed;
}

function onMessageChanged(cid, raw, deleted) {
  if (!raw) return;
  const m = normalizeMessage(raw);
  if (deleted) {
    updateMessage(cid, m.id, (x) => ({
      ...x, body: null, deletedAt: m.deletedAt ?? new Date().toISOString(), reactions: [], mentions: [], mentionsChannel: false, attachments: [],
    }));
    if (ui.editing === m.id) ui.editing = null;
    const c = store.conversations.get(cid);
    if (c && c.mentionCount > 0) refreshConversationSoon(cid);
  } else {
    updateMessage(cid, m.id, (x) => ({
      ...x, body: m.body, editedAt: m.editedAt, mentions: m.mentions, mentionsChannel: m.mentionsChannel,
    }));
  }
}

function onReaction(cid, e) {
  const added = e.type === 'reaction.added';
  const mine = String(e.userId) === store.me;
  updateMessage(cid, String(e.messageId), (m) => {
    const reactions = m.reactions.map((r) => ({ ...r }));
    let r = reactions.find((x) => x.emoji === e.emoji);
    if (!r) {
      r = { emoji: e.emoji, count: 0, me: false };
      reactions.push(r);
    }
    r.count = Number(e.count);
    if (mine) r.me = added;
    return { ...m, reactions: reactions.filter((x) => x.count > 0) };
  });
}

function onThreadUpdated(cid, e) {
  const fn = (root) => ({
    ...root,
    thread: { participants: [], ...(root.thread ?? {}), replyCount: Number(e.replyCount), lastReplyAt: e.lastReplyAt },
  });
  updateMessage(cid, String(e.rootId), fn);
}

/**
 * The server makes open connections follow a conversation when `member.joined` reaches its
 * user; creating a channel does not announce the creator that way, so the connection would not
 * hear of the channel's messages until it reconnects. If no `member.joined` comes for a
 * conversation we just created, reconnect (hello follows every membership; resume loses nothing).
 */
function expectJoined(conversationId) {
  if (!rt || ui.awaitingJoin.has(conversationId)) return;
  ui.awaitingJoin.set(conversationId, setTimeout(() => {
    ui.awaitingJoin.delete(conversationId);
    rt?.reconnect();
  }, 1500));
}

async function onMemberJoined(cid, userId) {
  if (userId === store.me && ui.awaitingJoin.has(cid)) {
    clearTimeout(ui.awaitingJoin.get(cid));
    ui.awaitingJoin.delete(cid);
  }
  if (userId !== store.me) {
    if (!store.members.has(userId)) reloadMembers();
    ensureUser(userId);
    return;
  }
  try {
    const c = normalizeConversation(await api('GET', `/conversations/${cid}`));
    if (c.workspaceId !== store.workspaceId) return;
    applyConversation(c);
    // A conversation we just joined: follow its history from here on.
    const h = store.histories.get(cid);
    if (h?.atLiveEdge) catchUp(h);
    scheduleRender('sidebar', 'header');
  } catch { /* not visible after all */ }
}

function onMemberLeft(cid, userId) {
  if (userId !== store.me) return;
  const c = store.conversations.get(cid);
  if (!c) return;
  c.member = false;
  c.unreadCount = 0;
  c.mentionCount = 0;
  if (c.kind !== 'public') store.conversations.delete(cid);
  store.histories.delete(cid);
  if (cid === store.openId) {
    const next = firstConversation();
    if (next) openConversation(next);
    else renderEmptyWorkspace();
  }
  scheduleRender('sidebar');
}

function onConversationChanged(cid, change) {
  const c = store.conversations.get(cid);
  if (!c || !change) return;
  for (const k of ['name', 'topic', 'archived']) if (k in change) c[k] = change[k];
  scheduleRender('sidebar', 'header');
}

function onReadUpdated(cid, lastReadSeq) {
  const c = store.conversations.get(cid);
  if (!c || !Number.isFinite(lastReadSeq)) return;
  c.lastReadSeq = Math.max(c.lastReadSeq, lastReadSeq);
  ui.readSent.set(cid, Math.max(ui.readSent.get(cid) ?? 0, lastReadSeq));
  if (c.lastReadSeq >= c.lastSeq) {
    c.unreadCount = 0;
    c.mentionCount = 0;
  } else {
    refreshConversationSoon(cid, 100);
  }
  scheduleRender('sidebar');
}

function onTyping(cid, userId) {
  if (userId === store.me) return;
  let typers = store.typing.get(cid);
  if (!typers) {
    typers = new Map();
    store.typing.set(cid, typers);
  }
  typers.set(userId, Date.now() + TYPING_SHOW_MS);
  ensureUser(userId);
  setTimeout(() => scheduleRender('typing'), TYPING_SHOW_MS + 50);
  if (cid === store.openId) scheduleRender('typing');
}

function renderTyping() {
  const el = byId('typing-indicator');
  const typers = store.typing.get(store.openId);
  const now = Date.now();
  const names = [];
  for (const [id, until] of typers ?? []) {
    if (until > now) names.push(nameOf(id));
    else typers.delete(id);
  }
  let text = '';
  if (names.length === 1) text = `${names[0]} is typing…`;
  else if (names.length === 2) text = `${names[0]} and ${names[1]} are typing…`;
  else if (names.length > 2) text = 'Several people are typing…';
  if (el.textContent !== text) el.textContent = text;
}

function notifyTyping(conversationId) {
  if (!conversationId || !rt?.live) return;
  const now = Date.now();
  if (now - (ui.typingSentAt.get(conversationId) ?? 0) < TYPING_SEND_EVERY_MS) return;
  ui.typingSentAt.set(conversationId, now);
  rt.send({ type: 'typing', conversationId });
}

// ---------------------------------------------------------------------------------------------
// Presence

async function loadPresence() {
  const ws = store.workspaceId;
  if (!ws) return;
  try {
    const data = await api('GET', `/workspaces/${ws}/presence`);
    if (ws !== store.workspaceId) return;
    store.presenceSupported = true;
    store.presence.clear();
    for (const [id, status] of Object.entries(data?.users ?? {})) {
      if (status === 'online' || status === 'away') store.presence.set(String(id), status);
    }
    updateMyPresence();
    scheduleRender('sidebar');
  } catch {
    // Presence is an extra: without it the dots stay hidden.
  }
}

function onPresence(userId, status) {
  if (status === 'online' || status === 'away') store.presence.set(userId, status);
  else store.presence.delete(userId);
  scheduleRender('sidebar');
}

/** Online while the tab is looked at; away after it has been hidden for a while. */
function updateMyPresence() {
  clearTimeout(awayTimer);
  if (!store.presenceSupported || !rt?.live) return;
  if (document.visibilityState === 'visible') sendPresence('online');
  else awayTimer = setTimeout(() => sendPresence('away'), AWAY_AFTER_HIDDEN_MS);
}

function sendPresence(status) {
  if (presenceSent === status) return;
  if (rt?.send({ type: 'presence', status })) presenceSent = status;
  scheduleRender('sidebar');
}

// ---------------------------------------------------------------------------------------------
// Sending (outbox.js does the optimistic part)

const outbox = new Outbox({
  realtime: () => rt,
  changed: () => scheduleRender('messages', 'thread'),
  stored: (m) => {
    const h = store.histories.get(m.conversationId);
    if (h?.atLiveEdge) h.upsert(m, { complete: true });
    const t = store.thread;
    if (t && m.threadRootId === t.rootId) t.replies.upsert(m, { complete: true });
    countUnread(m.conversationId, m);
    scheduleRender('messages', 'thread');
    queueMicrotask(maybeMarkRead);
  },
  known: (conversationId, id) => Boolean(store.histories.get(conversationId)?.find(id) || store.thread?.replies.find(id)),
});

function sendMessage(message) {
  if (!message.threadRootId) ui.stick = true;
  outbox.send(message);
}

// ---------------------------------------------------------------------------------------------
// Message actions: react, edit, delete, pin, thread, retry

function findMessage(id) {
  for (const h of [store.histories.get(store.openId), store.thread?.replies]) {
    const m = h?.find(id);
    if (m) return m;
  }
  if (store.thread?.root?.id === id) return store.thread.root;
  return null;
}

function actionError(err) {
  if (err?.sessionLost) return;
  conversationError(capitalise(describeError(err)));
}

async function toggleReaction(m, emoji) {
  const mine = m.reactions.find((r) => r.emoji === emoji)?.me;
  const path = `/conversations/${m.conversationId}/messages/${m.id}/reactions/${encodeURIComponent(emoji)}`;
  try {
    if (mine) {
      await api('DELETE', path);
      updateMessage(m.conversationId, m.id, (x) => ({
        ...x,
        reactions: x.reactions.map((r) => (r.emoji === emoji && r.me ? { ...r, me: false, count: r.count - 1 } : r)).filter((r) => r.count > 0),
      }));
    } else {
      const updated = normalizeMessage(await api('PUT', path));
      updateMessage(m.conversationId, m.id, (x) => ({ ...x, reactions: updated.reactions }));
    }
  } catch (err) {
    if (err.status === 404 && mine) return;
    actionError(err);
  }
}

function startEdit(m) {
  ui.editing = m.id;
  ui.drafts.set(m.id, m.body);
  scheduleRender('messages', 'thread');
}

function cancelEdit() {
  if (!ui.editing) return;
  ui.drafts.delete(ui.editing);
  ui.editing = null;
  scheduleRender('messages', 'thread');
  (store.thread ? threadComposer : mainComposer).focus();
}

async function saveEdit(m, body) {
  const text = body.trim();
  if (!text) {
    confirmDelete(m);
    return;
  }
  if (text === m.body) {
    cancelEdit();
    return;
  }
  try {
    const updated = normalizeMessage(await api('PATCH', `/conversations/${m.conversationId}/messages/${m.id}`, { body: { body: text } }));
    updateMessage(m.conversationId, m.id, (x) => ({ ...x, body: updated.body, editedAt: updated.editedAt, mentions: updated.mentions, mentionsChannel: updated.mentionsChannel }));
    ui.drafts.delete(m.id);
    ui.editing = null;
    scheduleRender('messages', 'thread');
    mainComposer.focus();
  } catch (err) {
    actionError(err);
  }
}

async function confirmDelete(m) {
  const ok = await openDialog('confirm', {
    title: 'Delete message?',
    text: 'It will be removed for everyone. This can’t be undone.',
    action: 'Delete',
  });
  if (!ok) return;
  try {
    await api('DELETE', `/conversations/${m.conversationId}/messages/${m.id}`);
    onMessageChanged(m.conversationId, { ...m, deletedAt: new Date().toISOString() }, true);
  } catch (err) {
    actionError(err);
  }
}

async function setPinned(m, pinned) {
  const path = `/conversations/${m.conversationId}/pins/${m.id}`;
  try {
    if (pinned) await api('PUT', path);
    else await api('DELETE', path);
    updateMessage(m.conversationId, m.id, (x) => ({ ...x, pinned }));
  } catch (err) {
    if (!pinned && err.status === 404) return;
    actionError(err);
  }
}

/** The most recent message of mine in the open view, for ArrowUp-to-edit. */
function lastOwnMessage(inThread) {
  const list = inThread ? (store.thread?.replies.list ?? []) : historyOf(store.openId).list.filter((m) => !m.threadRootId);
  for (let i = list.length - 1; i >= 0; i -= 1) {
    if (list[i].userId === store.me && !list[i].deletedAt) return list[i];
  }
  return null;
}

function onListClick(event) {
  const target = event.target instanceof Element ? event.target : null;
  const button = target?.closest('[data-action]');
  if (!button) return;
  const action = button.dataset.action;
  const item = button.closest('[data-message-id], [data-client-id]');
  if (item?.dataset.clientId) {
    if (action === 'retry') outbox.retry(item.dataset.clientId);
    else if (action === 'discard') outbox.discard(item.dataset.clientId);
    return;
  }
  const m = item && findMessage(item.dataset.messageId);
  if (action === 'download') {
    downloadAttachment(button.dataset.url, button.dataset.filename).catch(actionError);
    return;
  }
  if (!m) return;
  switch (action) {
    case 'toggle-reaction': toggleReaction(m, button.dataset.emoji); break;
    case 'react': openEmojiPicker(button, m); break;
    case 'reply':
    case 'open-thread': openThread(m.conversationId, m.threadRootId ?? m.id); break;
    case 'edit': startEdit(m); break;
    case 'edit-cancel': cancelEdit(); break;
    case 'edit-save': saveEdit(m, button.closest('.message').querySelector('textarea.edit-input').value); break;
    case 'delete': confirmDelete(m); break;
    case 'pin': setPinned(m, true); break;
    case 'unpin': setPinned(m, false); break;
    default: break;
  }
}

function onListKeyDown(event) {
  const target = event.target;
  if (!(target instanceof HTMLTextAreaElement) || !target.classList.contains('edit-input')) return;
  const id = target.closest('[data-message-id]')?.dataset.messageId;
  const m = id && findMessage(id);
  if (!m) return;
  if (event.key === 'Escape') {
    event.preventDefault();
    event.stopPropagation();
    cancelEdit();
  } else if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    saveEdit(m, target.value);
  }
}

function onListInput(event) {
  const target = event.target;
  if (target instanceof HTMLTextAreaElement && target.classList.contains('edit-input')) {
    const id = target.closest('[data-message-id]')?.dataset.messageId;
    if (id) ui.drafts.set(id, target.value);
  }
}

// Emoji picker: one popover, placed by the button that opened it.

function openEmojiPicker(button, m) {
  const picker = byId('emoji-picker');
  ui.emojiFor = { messageId: m.id, conversationId: m.conversationId, opener: button };
  picker.replaceChildren(...QUICK_EMOJI.map((emoji) => h('button', {
    type: 'button', class: 'emoji-choice', 'data-emoji': emoji, 'aria-label': `React with ${emoji}`, text: emoji,
  })));
  picker.hidden = false;
  const r = button.getBoundingClientRect();
  const width = picker.offsetWidth;
  picker.style.left = `${Math.max(8, Math.min(window.innerWidth - width - 8, r.right - width))}px`;
  picker.style.top = `${r.top - picker.offsetHeight - 6 > 8 ? r.top - picker.offsetHeight - 6 : r.bottom + 6}px`;
  picker.querySelector('button')?.focus();
}

function closeEmojiPicker({ restoreFocus = false } = {}) {
  const picker = byId('emoji-picker');
  if (picker.hidden) return false;
  picker.hidden = true;
  if (restoreFocus) ui.emojiFor?.opener?.focus?.();
  ui.emojiFor = null;
  return true;
}

function onEmojiChosen(event) {
  const b = event.target instanceof Element ? event.target.closest('button[data-emoji]') : null;
  if (!b || !ui.emojiFor) return;
  const m = findMessage(ui.emojiFor.messageId);
  closeEmojiPicker();
  if (m && !m.reactions.find((r) => r.emoji === b.dataset.emoji)?.me) toggleReaction(m, b.dataset.emoji);
}

// ---------------------------------------------------------------------------------------------
// Threads

async function openThread(conversationId, rootId, { highlightId = null } = {}) {
  const cid = String(conversationId);
  const rid = String(rootId);
  closeSearch();
  store.thread = { conversationId: cid, rootId: rid, root: findMessage(rid), replies: new History(cid), loading: true, highlightId };
  threadCache.clear();
  byId('thread-messages').replaceChildren();
  byId('thread-pane').hidden = false;
  const c = store.conversations.get(cid);
  byId('thread-subtitle').textContent = c ? conversationLabel(c) : '';
  threadComposer.setContext(`thread:${rid}`, 'Reply…');
  threadComposer.setEnabled(Boolean(c?.member));
  renderThread();
  await reloadThread();
  if (store.thread?.rootId === rid) threadComposer.focus();
}

async function reloadThread() {
  const t = store.thread;
  if (!t) return;
  try {
    let after = 0;
    for (let i = 0; i < 10; i += 1) {
      const page = await api('GET', `/conversations/${t.conversationId}/messages/${t.rootId}/thread${query({ after, limit: THREAD_PAGE })}`);
      if (store.thread !== t) return;
      t.root = normalizeMessage(page.root);
      for (const m of page.replies ?? []) {
        t.replies.upsert(m, { complete: true });
        noteAuthor(m);
      }
      after = t.replies.newestSeq;
      if (!page.hasMore) break;
    }
    noteAuthor(t.root);
  } catch (err) {
    if (store.thread === t && !err.sessionLost) conversationError(`Couldn’t load the thread. ${capitalise(describeError(err))}`);
  }
  if (store.thread !== t) return;
  t.loading = false;
  t.replies.loaded = true;
  renderThread({ scroll: 'bottom' });
}

function closeThread() {
  if (!store.thread) return false;
  store.thread = null;
  byId('thread-pane').hidden = true;
  threadCache.clear();
  byId('thread-messages').replaceChildren();
  if (ui.editing && !findMessage(ui.editing)) ui.editing = null;
  mainComposer?.focus();
  return true;
}

function renderThread({ scroll = 'auto' } = {}) {
  const t = store.thread;
  if (!t) return;
  const scroller = byId('thread-scroller');
  const stick = scroll === 'bottom' || isAtBottom(scroller);
  const messages = t.root ? [t.root, ...t.replies.list] : [...t.replies.list];
  const pending = store.pending.filter((p) => p.threadRootId === t.rootId);
  reconcile(byId('thread-messages'), listItems(messages, pending, {
    inThread: true, editingId: ui.editing, drafts: ui.drafts, highlightId: t.highlightId, canDelete,
  }), threadCache);
  if (t.highlightId && scroll === 'bottom') {
    byId('thread-messages').querySelector(`[data-message-id="${t.highlightId}"]`)?.scrollIntoView({ block: 'center' });
  } else if (stick) {
    scroller.scrollTop = scroller.scrollHeight;
  }
  restoreEditFocus(byId('thread-messages'));
}

// ---------------------------------------------------------------------------------------------
// Jumping to a message (from search)

async function jumpToMessage(conversationId, m) {
  const cid = String(conversationId);
  if (!store.conversations.has(cid)) {
    try {
      applyConversation(normalizeConversation(await api('GET', `/conversations/${cid}`)));
    } catch (err) {
      actionError(err);
      return;
    }
  }
  if (m.threadRootId) {
    if (store.openId !== cid) await openConversation(cid, { focus: false });
    await openThread(cid, m.threadRootId, { highlightId: String(m.id) });
    return;
  }
  await openConversation(cid, { around: Number(m.seq), highlightId: String(m.id), focus: false });
}

// ---------------------------------------------------------------------------------------------
// Mention suggestions: members of the workspace, and @channel / @here.

function mentionSuggestions(q) {
  const out = [];
  for (const m of store.members.values()) {
    if (m.userId === store.me) continue;
    const username = m.username.toLowerCase();
    const name = (m.displayName ?? '').toLowerCase();
    const score = username.startsWith(q) ? 0 : name.split(/\s+/).some((w) => w.startsWith(q)) ? 1 : username.includes(q) ? 2 : -1;
    if (score >= 0) out.push({ score, insert: m.username, label: displayNameOf(m), detail: `@${m.username}` });
  }
  out.sort((a, b) => a.score - b.score || a.insert.localeCompare(b.insert));
  for (const special of ['channel', 'here']) {
    if (special.startsWith(q)) out.push({ insert: special, label: `@${special}`, detail: 'Notify everyone in this conversation' });
  }
  return out;
}

async function uploadTo(conversationId, file) {
  const name = file.name || 'file';
  return api('POST', `/conversations/${conversationId}/attachments${query({ filename: name })}`, {
    raw: file, contentType: file.type || 'application/octet-stream',
  });
}

// ---------------------------------------------------------------------------------------------
// Wiring

export function wireChat() {
  mainComposer = new Composer({
    id: 'composer',
    onSubmit: (body, attachments) => store.openId && sendMessage({ conversationId: store.openId, body, attachments }),
    onTyping: () => notifyTyping(store.openId),
    upload: (file) => uploadTo(store.openId, file),
    suggestions: mentionSuggestions,
    onEditLast: () => {
      const m = lastOwnMessage(false);
      if (m) startEdit(m);
      return Boolean(m);
    },
  });
  mainComposer.mount(byId('composer-slot'));
  threadComposer = new Composer({
    id: 'thread-composer',
    onSubmit: (body, attachments) => store.thread && sendMessage({
      conversationId: store.thread.conversationId, threadRootId: store.thread.rootId, body, attachments,
    }),
    onTyping: () => notifyTyping(store.thread?.conversationId),
    upload: (file) => uploadTo(store.thread.conversationId, file),
    suggestions: mentionSuggestions,
    onEditLast: () => {
      const m = lastOwnMessage(true);
      if (m) startEdit(m);
      return Boolean(m);
    },
    onEscape: () => closeThread(),
  });
  threadComposer.mount(byId('thread-composer-slot'));

  for (const name of ['new-workspace', 'new-channel', 'new-dm']) byId(name).append(icon('plus'));
  byId('browse-channels').append(icon('search'));
  byId('thread-close').append(icon('close'));
  byId('search-close').append(icon('close'));

  byId('message-scroller').addEventListener('scroll', onScroll, { passive: true });
  byId('messages').addEventListener('click', onListClick);
  byId('thread-messages').addEventListener('click', onListClick);
  for (const id of ['messages', 'thread-messages']) {
    byId(id).addEventListener('keydown', onListKeyDown);
    byId(id).addEventListener('input', onListInput);
  }
  byId('jump-latest').addEventListener('click', jumpToLatest);
  byId('thread-close').addEventListener('click', () => closeThread());
  byId('emoji-picker').addEventListener('click', onEmojiChosen);
  document.addEventListener('mousedown', (e) => {
    const picker = byId('emoji-picker');
    if (!picker.hidden && e.target instanceof Node && !picker.contains(e.target)) closeEmojiPicker();
  });

  byId('channel-list').addEventListener('click', onSidebarClick);
  byId('dm-list').addEventListener('click', onSidebarClick);
  byId('workspace-select').addEventListener('change', (e) => selectWorkspace(e.target.value));
  byId('join-conversation').addEventListener('click', joinOpenConversation);
  byId('leave-conversation').addEventListener('click', leaveOpenConversation);

  // Escape closes the innermost thing: the emoji picker, then search, then the thread pane.
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape' || e.defaultPrevented || document.querySelector('dialog[open]')) return;
    if (closeEmojiPicker({ restoreFocus: true }) || closeSearch() || closeThread()) e.preventDefault();
  });

  document.addEventListener('visibilitychange', () => {
    if (!started) return;
    updateMyPresence();
    if (document.visibilityState === 'visible') {
      maybeMarkRead();
      scheduleRender('sidebar');
    }
  });
  window.addEventListener('online', () => started && outbox.flush());
  setInterval(() => started && scheduleRender('typing'), 2000);

  initSearch({ jump: jumpToMessage });
  initDialogs({
    workspaceCreated: async (ws, general) => {
      store.workspaces.push({ ...ws, id: String(ws.id) });
      if (general) expectJoined(String(general.id));
      await loadWorkspaces({ select: String(ws.id) });
    },
    workspaceJoined: (ws) => loadWorkspaces({ select: String(ws.id), joined: true }),
    conversationReady: (raw, { created = false } = {}) => {
      const c = normalizeConversation(raw);
      if (created) expectJoined(c.id);
      applyConversation(c);
      renderSidebar();
      openConversation(c.id);
    },
    reloadMembers,
    refreshConversations,
  });
}

function onSidebarClick(event) {
  const button = event.target instanceof Element ? event.target.closest('[data-conversation-id]') : null;
  if (button) openConversation(button.dataset.conversationId);
}

async function joinOpenConversation() {
  const c = store.conversations.get(store.openId);
  if (!c) return;
  try {
    const joined = normalizeConversation(await api('PUT', `/conversations/${c.id}/members/${store.me}`));
    applyConversation(joined);
    store.histories.get(c.id)?.reset();
    await openConversation(c.id);
  } catch (err) {
    actionError(err);
  }
}

async function leaveOpenConversation() {
  const c = store.conversations.get(store.openId);
  if (!c) return;
  const ok = await openDialog('confirm', {
    title: `Leave ${conversationLabel(c)}?`,
    text: c.kind === 'private' ? 'You’ll need to be added again to rejoin.' : 'You can join it again at any time.',
    action: 'Leave',
  });
  if (!ok) return;
  try {
    await api('DELETE', `/conversations/${c.id}/members/${store.me}`);
    onMemberLeft(c.id, store.me);
  } catch (err) {
    actionError(err);
  }
}

/** For the account view: the chat is hidden while it shows. */
export function setChatVisible(visible) {
  byId('chat-view').hidden = !visible;
  if (visible) {
    ui.stick = true;
    scheduleRender('messages');
    queueMicrotask(maybeMarkRead);
  }
}
