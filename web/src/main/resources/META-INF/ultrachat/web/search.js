// Message search in the current workspace: results in a side pane, matches marked with <mark>
// built from the server's highlight ranges over text nodes (never parsed as HTML), "More
// results" through the server's cursor, and a click jumps to the message in its conversation.

import { byId, h, showAlert } from './dom.js';
import { api, query } from './api.js';
import { capitalise, compactTime, describeError, fullDateFormat } from './format.js';
import { conversationLabel, nameOf, store } from './store.js';

const LIMIT = 20;

const search = { q: '', cursor: null, results: [], request: 0, loading: false };
let jump = async () => {};

/**
 * The snippet as text nodes with the highlighted ranges in <mark>. Ranges are [start, end)
 * offsets into the snippet (UTF-16 code units, as JavaScript strings count); out-of-range,
 * inverted and overlapping ranges are clamped or merged rather than trusted.
 */
export function highlighted(snippet, ranges) {
  const text = String(snippet ?? '');
  const spans = (Array.isArray(ranges) ? ranges : [])
    .filter((r) => Array.isArray(r) && r.length >= 2 && Number.isInteger(r[0]) && Number.isInteger(r[1]))
    .map(([s, e]) => [Math.max(0, s), Math.min(text.length, e)])
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0]);
  const out = [];
  let pos = 0;
  for (let [s, e] of spans) {
    if (e <= pos) continue;
    s = Math.max(s, pos);
    if (s > pos) out.push(document.createTextNode(text.slice(pos, s)));
    out.push(h('mark', { text: text.slice(s, e) }));
    pos = e;
  }
  if (pos < text.length) out.push(document.createTextNode(text.slice(pos)));
  return out;
}

export function searchOpen() {
  return !byId('search-pane').hidden;
}

export function closeSearch() {
  if (!searchOpen()) return false;
  byId('search-pane').hidden = true;
  search.request += 1;
  return true;
}

export function resetSearch() {
  closeSearch();
  search.q = '';
  search.cursor = null;
  search.results = [];
  byId('search-input').value = '';
  byId('search-results').replaceChildren();
  byId('search-summary').textContent = '';
}

async function run({ more = false } = {}) {
  const q = byId('search-input').value.trim();
  if (!q || !store.workspaceId) return;
  const request = ++search.request;
  if (!more) {
    search.q = q;
    search.cursor = null;
    search.results = [];
    byId('search-results').replaceChildren();
  }
  byId('thread-pane').hidden = true;
  byId('search-pane').hidden = false;
  showAlert('search-error', '');
  byId('search-summary').textContent = 'Searching…';
  byId('search-pane').setAttribute('aria-busy', 'true');
  try {
    const params = { q: search.q, limit: LIMIT, cursor: more ? search.cursor : null };
    if (byId('search-this-conversation').checked && store.openId) params.conversationId = store.openId;
    const data = await api('GET', `/workspaces/${store.workspaceId}/search${query(params)}`);
    if (request !== search.request) return;
    const results = Array.isArray(data?.results) ? data.results : [];
    search.results.push(...results);
    search.cursor = data?.nextCursor ?? null;
    byId('search-results').append(...results.map(renderResult));
    const n = search.results.length;
    byId('search-summary').textContent = n === 0
      ? `No messages match “${search.q}”.`
      : `${n}${search.cursor ? '+' : ''} ${n === 1 ? 'message matches' : 'messages match'} “${search.q}”.`;
    byId('search-more').hidden = !search.cursor;
  } catch (err) {
    if (request !== search.request || err.sessionLost) return;
    byId('search-summary').textContent = '';
    showAlert('search-error', err.status === 404 && err.code !== 'workspace-not-found'
      ? 'Search isn’t available on this server.' : capitalise(describeError(err)));
  } finally {
    if (request === search.request) byId('search-pane').removeAttribute('aria-busy');
  }
}

function renderResult(r) {
  const m = r.message ?? {};
  const c = store.conversations.get(String(r.conversationId));
  const date = new Date(m.createdAt);
  const snippet = r.snippet ?? m.body ?? '';
  return h('li', { class: 'search-result', 'data-testid': 'search-result', 'data-message-id': String(m.id ?? '') },
    h('button', { type: 'button', class: 'search-hit', 'data-conversation-id': String(r.conversationId), 'data-message-id': String(m.id ?? '') },
      h('span', { class: 'search-hit-head' },
        h('span', { class: 'search-hit-where', text: c ? conversationLabel(c) : 'Conversation' }),
        h('span', { class: 'search-hit-who', text: nameOf(m.userId) }),
        Number.isNaN(date.getTime()) ? null
          : h('time', { datetime: date.toISOString(), title: fullDateFormat.format(date), text: compactTime(date) })),
      h('span', { class: 'search-snippet', 'data-testid': 'search-snippet' }, highlighted(snippet, r.highlights)),
      m.threadRootId ? h('span', { class: 'search-hit-thread', text: 'In a thread' }) : null));
}

export function initSearch({ jump: onJump }) {
  jump = onJump;
  byId('search-form').addEventListener('submit', (e) => {
    e.preventDefault();
    run();
  });
  byId('search-input').addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && searchOpen()) {
      e.preventDefault();
      closeSearch();
    }
  });
  byId('search-this-conversation').addEventListener('change', () => search.q && run());
  byId('search-more').addEventListener('click', () => run({ more: true }));
  byId('search-close').addEventListener('click', () => {
    closeSearch();
    byId('search-input').focus();
  });
  byId('search-results').addEventListener('click', (e) => {
    const b = e.target instanceof Element ? e.target.closest('button.search-hit') : null;
    if (!b) return;
    const r = search.results.find((x) => String(x.message?.id) === b.dataset.messageId);
    if (r) jump(r.conversationId, r.message);
  });
}
