// The chat client's state: what is known about workspaces, conversations, people and messages.
// Plain data with small rules for merging what arrives from REST pages, live events and
// replays; rendering lives elsewhere and reads from here.

import { displayNameOf } from './format.js';

export const store = {
  me: null,                    // the signed-in user's id (string)
  workspaces: [],              // [{id, name, role}]
  workspaceId: null,
  conversations: new Map(),    // id -> Conversation (current workspace)
  members: new Map(),          // userId -> Member (current workspace)
  users: new Map(),            // userId -> {id, username, displayName}: every person seen
  presence: new Map(),         // userId -> 'online' | 'away' (absent = offline)
  presenceSupported: false,
  histories: new Map(),        // conversationId -> History
  pending: [],                 // Pending sends, oldest first
  typing: new Map(),           // conversationId -> Map(userId -> expiresAt ms)
  openId: null,                // the conversation on screen
  thread: null,                // {conversationId, rootId, root, replies: History} when the thread pane is open
};

export function resetStore() {
  store.me = null;
  store.workspaces = [];
  store.workspaceId = null;
  store.conversations.clear();
  store.members.clear();
  store.users.clear();
  store.presence.clear();
  store.presenceSupported = false;
  store.histories.clear();
  store.pending = [];
  store.typing.clear();
  store.openId = null;
  store.thread = null;
}

/** A message as the client keeps it: every list present, so renderers need no checks. */
export function normalizeMessage(m) {
  return {
    ...m,
    id: String(m.id),
    conversationId: String(m.conversationId),
    userId: String(m.userId),
    seq: Number(m.seq),
    reactions: Array.isArray(m.reactions) ? m.reactions : [],
    mentions: Array.isArray(m.mentions) ? m.mentions.map(String) : [],
    attachments: Array.isArray(m.attachments) ? m.attachments : [],
    threadRootId: m.threadRootId == null ? null : String(m.threadRootId),
  };
}

/**
 * Merges a newer copy of a message into the one already held. REST answers are complete and
 * replace; event and replay copies may lack what only a viewer-specific read carries (the
 * viewer's own reactions, the thread summary), so those keep what is known.
 */
function merge(old, incoming, complete) {
  if (complete) return incoming;
  const m = { ...old, ...incoming };
  if (!incoming.deletedAt) {
    if (incoming.reactions.length === 0) m.reactions = old.reactions;
    else m.reactions = incoming.reactions.map((r) => ({ ...r, me: old.reactions.find((o) => o.emoji === r.emoji)?.me ?? r.me }));
    if (incoming.mentions.length === 0 && !incoming.mentionsChannel) {
      m.mentions = old.mentions;
      m.mentionsChannel = old.mentionsChannel;
    }
    if (incoming.attachments.length === 0) m.attachments = old.attachments;
  }
  if (!incoming.thread && old.thread) m.thread = old.thread;
  if (incoming.pinned == null) m.pinned = old.pinned;
  return m;
}

/**
 * The loaded part of one conversation's history: a window of messages sorted by seq, with
 * whether more exists before and after it. `hasMoreAfter` false means the window reaches the
 * live edge, so live events extend it; otherwise (after jumping to an old message) live
 * messages are left for paging forward.
 */
export class History {
  constructor(conversationId) {
    this.conversationId = conversationId;
    this.list = [];
    this.byId = new Map();
    this.loaded = false;
    this.hasMoreBefore = true;
    this.hasMoreAfter = false;
    this.loadingOlder = null;
    this.loadingNewer = null;
  }

  reset() {
    this.list = [];
    this.byId.clear();
    this.loaded = false;
    this.hasMoreBefore = true;
    this.hasMoreAfter = false;
  }

  get oldestSeq() {
    return this.list.length ? this.list[0].seq : 0;
  }

  get newestSeq() {
    return this.list.length ? this.list[this.list.length - 1].seq : 0;
  }

  get atLiveEdge() {
    return this.loaded && !this.hasMoreAfter;
  }

  find(id) {
    return this.byId.get(String(id));
  }

  /** Adds or updates a message; returns true when anything changed. */
  upsert(raw, { complete = false } = {}) {
    const m = normalizeMessage(raw);
    const old = this.byId.get(m.id);
    if (old) {
      const merged = merge(old, m, complete);
      const i = this.indexOfSeq(old.seq);
      if (i >= 0 && this.list[i].id === m.id) this.list[i] = merged;
      this.byId.set(m.id, merged);
      return true;
    }
    let lo = 0;
    let hi = this.list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.list[mid].seq < m.seq) lo = mid + 1;
      else hi = mid;
    }
    if (this.list[lo]?.seq === m.seq) {
      // Same position, different id: cannot happen with a sane server; the newer copy wins.
      this.byId.delete(this.list[lo].id);
      this.list[lo] = m;
    } else {
      this.list.splice(lo, 0, m);
    }
    this.byId.set(m.id, m);
    return true;
  }

  update(id, fn) {
    const m = this.byId.get(String(id));
    if (!m) return false;
    const next = fn({ ...m });
    const i = this.indexOfSeq(m.seq);
    if (i >= 0) this.list[i] = next;
    this.byId.set(next.id, next);
    return true;
  }

  indexOfSeq(seq) {
    let lo = 0;
    let hi = this.list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = this.list[mid].seq;
      if (s === seq) return mid;
      if (s < seq) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** The highest seq up to which the window has no holes, counting from its oldest message. */
  completeThrough() {
    if (!this.list.length) return 0;
    let seq = this.list[0].seq;
    for (let i = 1; i < this.list.length; i += 1) {
      if (this.list[i].seq !== seq + 1) break;
      seq = this.list[i].seq;
    }
    return seq;
  }
}

export function historyOf(conversationId) {
  const id = String(conversationId);
  let h = store.histories.get(id);
  if (!h) {
    h = new History(id);
    store.histories.set(id, h);
  }
  return h;
}

// ---------------------------------------------------------------------------------------------
// People and names

export function rememberUser(u) {
  if (!u) return;
  const id = String(u.userId ?? u.id);
  const known = store.users.get(id);
  store.users.set(id, { id, username: u.username ?? known?.username ?? '', displayName: u.displayName ?? known?.displayName ?? '' });
}

export function nameOf(userId) {
  const u = store.users.get(String(userId));
  return u ? displayNameOf(u) || 'Someone' : 'Someone';
}

export function usernameOf(userId) {
  return store.users.get(String(userId))?.username ?? '';
}

export function isDirect(c) {
  return c?.kind === 'dm' || c?.kind === 'group_dm';
}

/** The people of a direct conversation other than me (all of them for a note-to-self). */
export function otherParticipants(c) {
  const all = (c.participants ?? []).map(String);
  const others = all.filter((id) => id !== store.me);
  return others.length ? others : all;
}

/** What a conversation is called in lists and headings, without the # of channels. */
export function conversationName(c) {
  if (!c) return '';
  if (isDirect(c)) return otherParticipants(c).map(nameOf).join(', ') || 'Direct message';
  return c.name;
}

/** "#general", "🔒 secret" style prefix aside: the label screen readers and tests use. */
export function conversationLabel(c) {
  if (!c) return '';
  return isDirect(c) ? conversationName(c) : `#${c.name}`;
}

export function mentionsMe(m) {
  return Boolean(m.mentionsChannel) || m.mentions.includes(store.me);
}

export function currentWorkspace() {
  return store.workspaces.find((w) => w.id === store.workspaceId) ?? null;
}

export function isWorkspaceAdmin() {
  const role = currentWorkspace()?.role;
  return role === 'owner' || role === 'admin';
}
