// How a message looks: author, time, body (mentions, links, code), attachments, reactions,
// thread summary, its actions, and the pending/failed states of an optimistic send. Every
// piece of server text is set as a text node; links are built from parsed http(s) URLs only.

import { h, icon } from './dom.js';
import { clockTime, dayKey, dayLabel, formatBytes, fullDateFormat, initialOf, relativeTime } from './format.js';
import { fetchBlob } from './api.js';
import { nameOf, store, usernameOf } from './store.js';

// The server's rule (MentionParser): not preceded by a name character, so e-mail addresses
// mention nobody.
const TOKEN = /(?<![A-Za-z0-9._@-])@([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)|\bhttps?:\/\/[^\s<>"'`]+/g;
const TRAILING_PUNCTUATION = /[.,;:!?'")\]}]+$/;
const GROUP_GAP_MS = 5 * 60 * 1000;

export const QUICK_EMOJI = ['👍', '❤️', '😂', '🎉', '😮', '😢', '👀', '✅', '🙏', '🔥'];

/** A text run with @mentions and URLs made into elements. */
function inline(text, mentionNames) {
  const out = [];
  let pos = 0;
  for (const match of text.matchAll(TOKEN)) {
    let token = match[0];
    const start = match.index;
    if (start > pos) out.push(document.createTextNode(text.slice(pos, start)));
    if (match[1] !== undefined) {
      const name = match[1].toLowerCase();
      if (name === 'channel' || name === 'here') {
        out.push(h('span', { class: 'mention mention-all', text: token }));
      } else if (mentionNames.has(name)) {
        const me = name === usernameOf(store.me).toLowerCase();
        out.push(h('span', { class: me ? 'mention mention-me' : 'mention', 'data-testid': 'mention', text: token }));
      } else {
        out.push(document.createTextNode(token));
      }
      pos = start + token.length;
      continue;
    }
    const trail = token.match(TRAILING_PUNCTUATION)?.[0] ?? '';
    token = token.slice(0, token.length - trail.length);
    let url = null;
    try {
      url = new URL(token);
    } catch { /* not a URL after all */ }
    if (url && (url.protocol === 'http:' || url.protocol === 'https:')) {
      out.push(h('a', { href: url.href, target: '_blank', rel: 'noopener noreferrer nofollow', text: token }));
    } else {
      out.push(document.createTextNode(token));
    }
    pos = start + token.length;
  }
  if (pos < text.length) out.push(document.createTextNode(text.slice(pos)));
  return out;
}

/** A body: ```fenced``` blocks and `inline code` verbatim, the rest with mentions and links. */
export function renderBody(body, mentionNames) {
  const out = [];
  const parts = body.split(/```/);
  parts.forEach((part, i) => {
    // Odd parts are inside a fence; an unclosed fence stays plain text.
    if (i % 2 === 1 && i < parts.length - 1) {
      out.push(h('pre', { class: 'code-block' }, h('code', { text: part.replace(/^\n/, '') })));
      return;
    }
    const text = i % 2 === 1 ? '```' + part : part;
    text.split(/(`[^`\n]+`)/).forEach((piece) => {
      if (/^`[^`\n]+`$/.test(piece)) out.push(h('code', { class: 'code-inline', text: piece.slice(1, -1) }));
      else if (piece) out.push(...inline(piece, mentionNames));
    });
  });
  return out;
}

/** Usernames (lower case) that count as mentions in this message's body. */
function mentionNamesOf(m) {
  const names = new Set();
  for (const id of m.mentions ?? []) {
    const u = usernameOf(id);
    if (u) names.add(u.toLowerCase());
  }
  // Replayed messages come without their mentions; members' names still read as mentions.
  if (!m.mentions?.length) for (const member of store.members.values()) names.add(member.username.toLowerCase());
  return names;
}

export function avatar(userId, name) {
  return h('span', { class: 'avatar avatar-msg', 'aria-hidden': 'true', 'data-hue': String(hueOf(userId)), text: initialOf(name) });
}

function hueOf(id) {
  let n = 0;
  for (const ch of String(id)) n = (n * 31 + ch.charCodeAt(0)) % 8;
  return n;
}

function timeLink(date) {
  return h('time', { class: 'message-time', datetime: date.toISOString(), title: fullDateFormat.format(date), text: clockTime(date) });
}

// ---------------------------------------------------------------------------------------------
// Attachments: fetched with the access token, shown from data: URLs (the CSP allows data: for
// images, not blob:), downloaded through a short-lived blob: link.

const imageCache = new Map();
const IMAGE_CACHE_MAX = 200;

function imageDataUrl(url) {
  let p = imageCache.get(url);
  if (!p) {
    p = fetchBlob(url).then((blob) => new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result);
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(blob);
    }));
    p.catch(() => imageCache.delete(url));
    imageCache.set(url, p);
    if (imageCache.size > IMAGE_CACHE_MAX) imageCache.delete(imageCache.keys().next().value);
  }
  return p;
}

const INLINE_IMAGE = /^image\/(png|jpeg|gif|webp|avif|bmp)$/i;

function renderAttachment(a) {
  const filename = String(a.filename ?? 'file');
  const meta = [formatBytes(a.size), a.contentType].filter(Boolean).join(' · ');
  const download = h('button', {
    type: 'button', class: 'link-button attachment-name', 'data-action': 'download',
    'data-url': a.url, 'data-filename': filename, 'data-testid': 'attachment-download', text: filename,
  });
  if (INLINE_IMAGE.test(a.contentType ?? '') && a.url) {
    const img = h('img', { class: 'attachment-image', alt: filename, 'data-testid': 'attachment-image', loading: 'lazy' });
    imageDataUrl(a.url).then((src) => { img.src = src; }, () => { img.alt = `${filename} (could not be loaded)`; img.classList.add('broken'); });
    return h('figure', { class: 'attachment attachment-figure', 'data-testid': 'attachment' },
      img, h('figcaption', {}, download, h('span', { class: 'attachment-meta', text: meta })));
  }
  return h('div', { class: 'attachment attachment-file', 'data-testid': 'attachment' },
    h('span', { class: 'attachment-icon' }, icon('file')),
    h('span', { class: 'attachment-text' }, download, h('span', { class: 'attachment-meta', text: meta })));
}

export async function downloadAttachment(url, filename) {
  const blob = await fetchBlob(url);
  const href = URL.createObjectURL(blob);
  const a = h('a', { href, download: filename || 'download', hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
}

// ---------------------------------------------------------------------------------------------
// One message

function reactionButton(messageId, r) {
  const count = Number(r.count) || 0;
  const label = `${r.emoji} ${count} ${count === 1 ? 'reaction' : 'reactions'}${r.me ? ', including yours' : ''}`;
  return h('button', {
    type: 'button', class: r.me ? 'reaction mine' : 'reaction', 'data-action': 'toggle-reaction', 'data-emoji': r.emoji,
    'aria-pressed': r.me ? 'true' : 'false', 'aria-label': label, 'data-testid': 'reaction', title: label,
  }, h('span', { class: 'reaction-emoji', text: r.emoji }), h('span', { class: 'reaction-count', text: String(count) }));
}

function actionButton(action, label, iconName) {
  return h('button', { type: 'button', class: 'icon-btn', 'data-action': action, 'aria-label': label, title: label }, icon(iconName));
}

/**
 * The list item for one message. `ctx`: {continued, inThread, canDelete, editing, draft}.
 */
export function renderMessage(m, ctx) {
  const created = new Date(m.createdAt);
  const author = nameOf(m.userId);
  const mine = m.userId === store.me;
  const deleted = Boolean(m.deletedAt) || m.body == null;
  const classes = ['message'];
  if (ctx.continued) classes.push('continued');
  if (mine) classes.push('mine');
  if (deleted) classes.push('deleted');
  if (ctx.highlight) classes.push('flash');

  let body;
  if (deleted) {
    body = h('div', { class: 'message-body deleted-body', 'data-testid': 'message-body', text: 'This message was deleted.' });
  } else if (ctx.editing) {
    body = h('div', { class: 'message-edit' },
      h('textarea', { class: 'edit-input', 'aria-label': 'Edit message', rows: '2', 'data-testid': 'edit-input' }),
      h('div', { class: 'edit-actions' },
        h('button', { type: 'button', class: 'btn btn-secondary btn-sm', 'data-action': 'edit-cancel', text: 'Cancel' }),
        h('button', { type: 'button', class: 'btn btn-primary btn-sm', 'data-action': 'edit-save', text: 'Save' }),
        h('span', { class: 'edit-hint', text: 'Enter to save · Esc to cancel' })));
    body.querySelector('textarea').value = ctx.draft ?? m.body;
  } else {
    body = h('div', { class: 'message-body', 'data-testid': 'message-body' }, renderBody(m.body, mentionNamesOf(m)));
  }

  const header = h('div', { class: ctx.continued ? 'message-header visually-hidden' : 'message-header' },
    h('span', { class: 'message-author', 'data-testid': 'message-author', text: author }),
    ' ',
    timeLink(created),
    m.editedAt && !deleted ? h('span', { class: 'message-edited', 'data-testid': 'message-edited', title: fullDateFormat.format(new Date(m.editedAt)), text: '(edited)' }) : null,
    m.pinned ? h('span', { class: 'message-pinned', 'data-testid': 'message-pinned' }, icon('pin'), 'Pinned') : null);

  const reactions = !deleted && m.reactions.length
    ? h('div', { class: 'reactions', 'data-testid': 'reactions' },
      m.reactions.filter((r) => Number(r.count) > 0).map((r) => reactionButton(m.id, r)),
      h('button', { type: 'button', class: 'reaction reaction-add', 'data-action': 'react', 'aria-label': 'Add reaction', title: 'Add reaction' }, icon('smile')))
    : null;

  const attachments = !deleted && m.attachments.length
    ? h('div', { class: 'attachments' }, m.attachments.map(renderAttachment)) : null;

  let thread = null;
  if (!ctx.inThread && m.thread && Number(m.thread.replyCount) > 0) {
    const n = Number(m.thread.replyCount);
    const last = m.thread.lastReplyAt ? new Date(m.thread.lastReplyAt) : null;
    thread = h('button', { type: 'button', class: 'thread-summary', 'data-action': 'open-thread', 'data-testid': 'thread-summary' },
      h('span', { class: 'thread-avatars' }, (m.thread.participants ?? []).slice(0, 3).map((id) => avatar(id, nameOf(id)))),
      h('span', { class: 'thread-count', text: `${n} ${n === 1 ? 'reply' : 'replies'}` }),
      last ? h('span', { class: 'thread-last', text: `Last reply ${relativeTime(last)}` }) : null);
  }

  const actions = deleted || ctx.editing ? null : h('div', { class: 'message-actions', role: 'toolbar', 'aria-label': `Actions for message from ${author}` },
    actionButton('react', 'Add reaction', 'smile'),
    ctx.inThread ? null : actionButton('reply', 'Reply in thread', 'reply'),
    actionButton(m.pinned ? 'unpin' : 'pin', m.pinned ? 'Unpin message' : 'Pin message', 'pin'),
    mine ? actionButton('edit', 'Edit message', 'edit') : null,
    ctx.canDelete ? actionButton('delete', 'Delete message', 'trash') : null);

  return h('li', {
    class: classes.join(' '), 'data-testid': 'message', 'data-message-id': m.id, 'data-seq': String(m.seq),
    'data-author-id': m.userId,
  },
  h('div', { class: 'message-gutter' },
    ctx.continued ? h('time', { class: 'message-time-compact', datetime: created.toISOString(), 'aria-hidden': 'true', text: clockTime(created) })
      : avatar(m.userId, author)),
  h('div', { class: 'message-main' }, header, body, attachments, reactions, thread),
  actions);
}

/** A send that the server has not confirmed yet, or that failed. */
export function renderPending(p, ctx) {
  const failed = p.state === 'failed';
  const author = nameOf(store.me);
  return h('li', {
    class: `message mine pending${failed ? ' failed' : ''}${ctx.continued ? ' continued' : ''}`, 'data-testid': 'message',
    'data-client-id': p.clientId, 'data-pending': failed ? 'failed' : 'sending', 'aria-busy': failed ? null : 'true',
  },
  h('div', { class: 'message-gutter' }, ctx.continued ? null : avatar(store.me, author)),
  h('div', { class: 'message-main' },
    h('div', { class: ctx.continued ? 'message-header visually-hidden' : 'message-header' },
      h('span', { class: 'message-author', text: author })),
    h('div', { class: 'message-body', 'data-testid': 'message-body' }, renderBody(p.body, new Set())),
    p.attachments.length ? h('div', { class: 'attachments' }, p.attachments.map((a) => h('div', { class: 'attachment attachment-file' },
      h('span', { class: 'attachment-icon' }, icon('file')), h('span', { class: 'attachment-text', text: a.filename })))) : null,
    failed
      ? h('div', { class: 'message-status failed', role: 'alert', 'data-testid': 'send-failed' },
        h('span', { text: `Not sent: ${p.error || 'something went wrong'}. ` }),
        h('button', { type: 'button', class: 'link-button', 'data-action': 'retry', text: 'Retry' }),
        ' · ',
        h('button', { type: 'button', class: 'link-button', 'data-action': 'discard', text: 'Discard' }))
      : h('div', { class: 'message-status', 'data-testid': 'send-pending', text: 'Sending…' })));
}

export function renderDayDivider(date) {
  return h('li', { class: 'day-divider', role: 'separator', 'data-testid': 'day-divider' }, h('span', { text: dayLabel(date) }));
}

export function renderUnreadDivider() {
  return h('li', { class: 'unread-divider', role: 'separator', 'data-testid': 'unread-divider' }, h('span', { text: 'New' }));
}

/**
 * The keyed items of a message list: day dividers, an optional "New" divider before
 * `unreadFromSeq`, the messages (grouped: consecutive messages of one author within 5 minutes
 * hide the repeated header), then pending sends.
 */
export function listItems(messages, pending, { inThread = false, unreadFromSeq = 0, editingId = null, drafts, highlightId = null, canDelete }) {
  const items = [];
  let prev = null;
  let lastDay = null;
  let unreadPlaced = false;
  for (const m of messages) {
    const date = new Date(m.createdAt);
    const day = dayKey(date);
    if (day !== lastDay) {
      items.push({ key: `day:${day}`, stamp: dayLabel(date), render: () => renderDayDivider(date) });
      lastDay = day;
      prev = null;
    }
    if (!unreadPlaced && unreadFromSeq > 0 && m.seq >= unreadFromSeq && m.userId !== store.me) {
      items.push({ key: 'unread', stamp: String(unreadFromSeq), render: renderUnreadDivider });
      unreadPlaced = true;
      prev = null;
    }
    const continued = prev != null && prev.userId === m.userId && !prev.deletedAt && !m.deletedAt
      && date - new Date(prev.createdAt) < GROUP_GAP_MS && !(prev.thread?.replyCount > 0);
    const editing = editingId === m.id;
    const ctx = { continued, inThread, editing, draft: editing ? drafts.get(m.id) : undefined, canDelete: canDelete(m), highlight: highlightId === m.id };
    const stamp = [m.body, m.editedAt, m.deletedAt, m.pinned, continued, editing, ctx.canDelete, nameOf(m.userId),
      JSON.stringify(m.reactions), JSON.stringify(m.thread ?? null), m.attachments.length, m.mentions.join(','), ctx.highlight,
      m.thread?.lastReplyAt ? relativeTime(new Date(m.thread.lastReplyAt)) : ''].join('|');
    items.push({ key: `m:${m.id}`, stamp, render: () => renderMessage(m, ctx) });
    prev = m;
  }
  let prevPending = prev && prev.userId === store.me ? prev : null;
  for (const p of pending) {
    const continued = prevPending != null;
    items.push({ key: `p:${p.clientId}`, stamp: `${p.state}|${p.error}|${continued}`, render: () => renderPending(p, { continued }) });
    prevPending = p;
  }
  return items;
}
