// Modal dialogs (native <dialog>): create a workspace or channel, browse and join channels,
// start a direct message, invite people, join with an invite link, and confirmations.

import { byId, h, showAlert } from './dom.js';
import { api } from './api.js';
import { capitalise, describeError, displayNameOf, initialOf } from './format.js';
import { conversationLabel, store } from './store.js';

const CHANNEL_NAME = /^[a-z0-9_-]{1,80}$/;

let callbacks = {};
let confirmResolve = null;

function errorOf(dialog) {
  return dialog.querySelector('.dialog-error');
}

function show(id) {
  const dialog = byId(id);
  const error = errorOf(dialog);
  if (error) showAlert(error, '');
  if (!dialog.open) dialog.showModal();
  return dialog;
}

function fail(dialog, err) {
  if (err?.sessionLost) {
    dialog.close();
    return;
  }
  showAlert(errorOf(dialog), typeof err === 'string' ? err : capitalise(describeError(err)));
}

async function busy(form, work) {
  const submit = form.querySelector('button[type=submit]');
  if (submit?.disabled) return;
  if (submit) submit.disabled = true;
  try {
    await work();
  } finally {
    if (submit) submit.disabled = false;
  }
}

/** Opens a dialog by name; `confirm` resolves to true when confirmed. */
export function openDialog(name, options = {}) {
  switch (name) {
    case 'workspace': return openWorkspaceDialog();
    case 'channel': return openChannelDialog();
    case 'browse': return openBrowseDialog();
    case 'dm': return openDmDialog();
    case 'invite': return openInviteDialog();
    case 'join': return openJoinDialog();
    case 'confirm': return openConfirm(options);
    default: return undefined;
  }
}

function openWorkspaceDialog() {
  byId('workspace-form').reset();
  show('workspace-dialog');
  byId('workspace-name').focus();
}

async function createWorkspace(event) {
  event.preventDefault();
  const dialog = byId('workspace-dialog');
  const name = byId('workspace-name').value.trim();
  if (!name) return fail(dialog, 'Give the workspace a name.');
  await busy(event.target, async () => {
    try {
      const ws = await api('POST', '/workspaces', { body: { name } });
      // Every workspace starts with a #general channel, as people expect.
      let general = null;
      try {
        general = await api('POST', `/workspaces/${ws.id}/conversations`, { body: { kind: 'public', name: 'general' } });
      } catch { /* the workspace works without it */ }
      dialog.close();
      await callbacks.workspaceCreated(ws, general);
    } catch (err) {
      fail(dialog, err);
    }
  });
}

function openChannelDialog() {
  if (!store.workspaceId) return;
  byId('channel-form').reset();
  show('channel-dialog');
  byId('channel-name').focus();
}

async function createChannel(event) {
  event.preventDefault();
  const dialog = byId('channel-dialog');
  // Names are lower-case with no spaces; help people get there instead of refusing.
  const name = byId('channel-name').value.trim().toLowerCase().replace(/^#/, '').replace(/\s+/g, '-');
  const topic = byId('channel-topic').value.trim();
  if (!CHANNEL_NAME.test(name)) {
    return fail(dialog, 'Use lower-case letters, digits, hyphens and underscores (up to 80).');
  }
  await busy(event.target, async () => {
    try {
      const body = { kind: byId('channel-private').checked ? 'private' : 'public', name };
      if (topic) body.topic = topic;
      const c = await api('POST', `/workspaces/${store.workspaceId}/conversations`, { body });
      dialog.close();
      callbacks.conversationReady(c, { created: true });
    } catch (err) {
      fail(dialog, err);
    }
  });
}

function openBrowseDialog() {
  if (!store.workspaceId) return;
  show('browse-dialog');
  renderChannels();
  // Channels made since the workspace loaded reach nobody who is not in them: ask again.
  callbacks.refreshConversations?.().then(() => {
    if (byId('browse-dialog').open) renderChannels({ keepFocus: true });
  });
}

function renderChannels({ keepFocus = false } = {}) {
  const dialog = byId('browse-dialog');
  const channels = [...store.conversations.values()].filter((c) => c.kind === 'public' && !c.archived)
    .sort((a, b) => a.name.localeCompare(b.name));
  const list = byId('browse-list');
  list.replaceChildren(...channels.map((c) => h('li', { class: 'pick-item', 'data-conversation-id': c.id },
    h('span', { class: 'pick-main' },
      h('span', { class: 'pick-name', text: conversationLabel(c) }),
      c.topic ? h('span', { class: 'pick-detail', text: c.topic }) : null),
    c.member
      ? h('button', { type: 'button', class: 'btn btn-secondary btn-sm', 'data-open': c.id, text: 'Open' })
      : h('button', { type: 'button', class: 'btn btn-primary btn-sm', 'data-join': c.id, 'aria-label': `Join ${conversationLabel(c)}`, text: 'Join' }))));
  if (!channels.length) list.append(h('li', { class: 'pick-empty', text: 'No public channels yet. Create the first one.' }));
  if (!keepFocus || !dialog.contains(document.activeElement) || document.activeElement === dialog) {
    (list.querySelector('button') ?? dialog.querySelector('[data-close]')).focus();
  }
}

async function onBrowseClick(event) {
  const b = event.target instanceof Element ? event.target.closest('button[data-join], button[data-open]') : null;
  if (!b) return;
  const dialog = byId('browse-dialog');
  if (b.dataset.open) {
    dialog.close();
    callbacks.conversationReady(store.conversations.get(b.dataset.open));
    return;
  }
  b.disabled = true;
  try {
    const c = await api('PUT', `/conversations/${b.dataset.join}/members/${store.me}`);
    dialog.close();
    callbacks.conversationReady(c);
  } catch (err) {
    b.disabled = false;
    fail(dialog, err);
  }
}

function openDmDialog() {
  if (!store.workspaceId) return;
  byId('dm-filter').value = '';
  show('dm-dialog');
  renderPeople();
  byId('dm-filter').focus();
  callbacks.reloadMembers?.().then(renderPeople);
}

function renderPeople() {
  const q = byId('dm-filter').value.trim().toLowerCase();
  const people = [...store.members.values()]
    .filter((m) => m.userId !== store.me)
    .filter((m) => !q || m.username.toLowerCase().includes(q) || (m.displayName ?? '').toLowerCase().includes(q))
    .sort((a, b) => displayNameOf(a).localeCompare(displayNameOf(b)));
  const list = byId('dm-people');
  list.replaceChildren(...people.map((m) => h('li', { class: 'pick-item' },
    h('span', { class: 'avatar', 'aria-hidden': 'true', text: initialOf(displayNameOf(m)) }),
    h('span', { class: 'pick-main' },
      h('span', { class: 'pick-name', text: displayNameOf(m) }),
      h('span', { class: 'pick-detail', text: `@${m.username}` })),
    h('button', { type: 'button', class: 'btn btn-primary btn-sm', 'data-user-id': m.userId, 'aria-label': `Message ${displayNameOf(m)}`, text: 'Message' }))));
  if (!people.length) list.append(h('li', { class: 'pick-empty', text: q ? 'Nobody matches.' : 'Nobody else is in this workspace yet. Invite people first.' }));
}

async function onPeopleClick(event) {
  const b = event.target instanceof Element ? event.target.closest('button[data-user-id]') : null;
  if (!b) return;
  const dialog = byId('dm-dialog');
  b.disabled = true;
  try {
    const c = await api('POST', `/workspaces/${store.workspaceId}/dms`, { body: { userIds: [b.dataset.userId] } });
    dialog.close();
    callbacks.conversationReady(c);
  } catch (err) {
    b.disabled = false;
    fail(dialog, err);
  }
}

async function openInviteDialog() {
  if (!store.workspaceId) return;
  const dialog = show('invite-dialog');
  const input = byId('invite-link');
  input.value = 'Creating a link…';
  try {
    const invite = await api('POST', `/workspaces/${store.workspaceId}/invites`, { body: {} });
    input.value = `${location.origin}/#invite=${encodeURIComponent(invite.token)}`;
    input.select();
  } catch (err) {
    input.value = '';
    fail(dialog, err);
  }
}

function openJoinDialog() {
  byId('join-form').reset();
  show('join-dialog');
  byId('join-token').focus();
}

/** Accepts a whole invite link or just its token. */
function inviteToken(text) {
  const t = text.trim();
  const m = t.match(/[#&?]invite=([^&\s]+)/);
  return m ? decodeURIComponent(m[1]) : t;
}

async function joinWorkspace(event) {
  event.preventDefault();
  const dialog = byId('join-dialog');
  const token = inviteToken(byId('join-token').value);
  if (!token) return fail(dialog, 'Paste the invite link you were sent.');
  await busy(event.target, async () => {
    try {
      const ws = await api('POST', '/invites/accept', { body: { token } });
      dialog.close();
      await callbacks.workspaceJoined(ws);
    } catch (err) {
      fail(dialog, err);
    }
  });
}

function openConfirm({ title, text, action }) {
  byId('confirm-title').textContent = title;
  byId('confirm-text').textContent = text;
  byId('confirm-ok').textContent = action;
  const dialog = byId('confirm-dialog');
  dialog.returnValue = '';
  dialog.showModal();
  byId('confirm-ok').focus();
  return new Promise((resolve) => { confirmResolve = resolve; });
}

export function initDialogs(cb) {
  callbacks = cb;
  byId('workspace-form').addEventListener('submit', createWorkspace);
  byId('channel-form').addEventListener('submit', createChannel);
  byId('join-form').addEventListener('submit', joinWorkspace);
  byId('browse-list').addEventListener('click', onBrowseClick);
  byId('dm-people').addEventListener('click', onPeopleClick);
  byId('dm-filter').addEventListener('input', renderPeople);
  byId('invite-copy').addEventListener('click', async () => {
    const input = byId('invite-link');
    try {
      await navigator.clipboard.writeText(input.value);
      byId('invite-copy').textContent = 'Copied';
      setTimeout(() => { byId('invite-copy').textContent = 'Copy link'; }, 2000);
    } catch {
      input.select();
    }
  });
  byId('confirm-dialog').addEventListener('close', () => {
    const resolve = confirmResolve;
    confirmResolve = null;
    resolve?.(byId('confirm-dialog').returnValue === 'ok');
  });
  for (const dialog of document.querySelectorAll('dialog')) {
    dialog.addEventListener('click', (e) => {
      if (e.target instanceof Element && e.target.closest('[data-close]')) dialog.close();
    });
  }

  byId('new-workspace').addEventListener('click', () => openDialog('workspace'));
  byId('onboarding-create').addEventListener('click', () => openDialog('workspace'));
  byId('onboarding-join').addEventListener('click', () => openDialog('join'));
  byId('join-workspace').addEventListener('click', () => openDialog('join'));
  byId('new-channel').addEventListener('click', () => openDialog('channel'));
  byId('browse-channels').addEventListener('click', () => openDialog('browse'));
  byId('new-dm').addEventListener('click', () => openDialog('dm'));
  byId('invite-people').addEventListener('click', () => openDialog('invite'));
}
