// Optimistic sends. A message shows at once as pending with a fresh clientId; it goes over the
// WebSocket when that is live (REST otherwise, or when it carries attachments, which only REST
// takes) and is retried with the same clientId after a reconnect, so the server stores it once
// however often it is sent. The pending entry goes away when the stored message is known: by
// the REST answer, by the ack's message id, or by its own `message.created` (matched by body
// when the event beats the ack). Permanent refusals turn it into "Not sent", with Retry.

import { api, ApiError } from './api.js';
import { describeError } from './format.js';
import { normalizeMessage, store } from './store.js';

const RETRY_MS = 3000;
const RATE_LIMITED_RETRY_MS = 1000;
const ACK_WITHOUT_EVENT_MS = 3000;

function newClientId() {
  const id = crypto.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  return `web-${id}`;
}

export class Outbox {
  /**
   * @param realtime  () => the Realtime connection (or null)
   * @param changed   () => void: pending entries changed, re-render
   * @param stored    (message) => void: a complete stored message to take into the views
   * @param known     (conversationId, messageId) => boolean: the views already hold it
   */
  constructor({ realtime, changed, stored, known }) {
    this.realtime = realtime;
    this.changed = changed;
    this.stored = stored;
    this.known = known;
    this.flushTimer = 0;
  }

  send({ conversationId, threadRootId = null, body, attachments = [] }) {
    const p = { clientId: newClientId(), conversationId, threadRootId, body, attachments, state: 'queued', error: '', messageId: null };
    store.pending.push(p);
    this.changed();
    this.dispatch(p);
    return p;
  }

  /** A stored message of mine arrived (live, replayed or paged): its pending entry can go. */
  matched(m) {
    const p = store.pending.find((x) => x.messageId === m.id)
      ?? store.pending.find((x) => !x.messageId && x.state === 'sending' && x.conversationId === m.conversationId
        && x.body === m.body && (x.threadRootId ?? null) === (m.threadRootId ?? null));
    if (p) this.remove(p);
  }

  retry(clientId) {
    const p = store.pending.find((x) => x.clientId === clientId);
    if (!p) return;
    p.state = 'queued';
    this.dispatch(p);
  }

  discard(clientId) {
    const p = store.pending.find((x) => x.clientId === clientId);
    if (p) this.remove(p);
  }

  /** Sends what is waiting, oldest first, each with its original clientId. */
  async flush() {
    const rt = this.realtime();
    for (const p of [...store.pending]) {
      // In flight on a connection that has since gone: its answer will never come.
      if (p.state === 'sending' && p.messageId == null && !rt?.live) p.state = 'queued';
      if (p.state !== 'queued') continue;
      await this.dispatch(p);
      if (p.state === 'queued') break;
    }
  }

  clear() {
    clearTimeout(this.flushTimer);
    this.flushTimer = 0;
  }

  // -------------------------------------------------------------------------------------------

  remove(p) {
    const i = store.pending.indexOf(p);
    if (i < 0) return false;
    store.pending.splice(i, 1);
    this.changed();
    return true;
  }

  async dispatch(p) {
    if (p.state === 'sending' || !store.pending.includes(p)) return;
    const rt = this.realtime();
    const viaSocket = rt?.live && p.attachments.length === 0;
    if (!viaSocket && !navigator.onLine) {
      // Nothing to try until the browser is back online (flush runs then).
      p.state = 'queued';
      return;
    }
    p.state = 'sending';
    p.error = '';
    this.changed();
    try {
      if (viaSocket) {
        const frame = { type: 'send', conversationId: p.conversationId, body: p.body, clientId: p.clientId };
        if (p.threadRootId) frame.threadRootId = p.threadRootId;
        const ack = await rt.request(frame);
        this.acked(p, String(ack.messageId));
      } else {
        const body = { body: p.body, clientId: p.clientId };
        if (p.threadRootId) body.threadRootId = p.threadRootId;
        if (p.attachments.length) body.attachmentIds = p.attachments.map((a) => String(a.id));
        const m = await api('POST', `/conversations/${p.conversationId}/messages`, { body });
        this.confirm(p, m);
      }
    } catch (err) {
      if (!store.pending.includes(p) || err.sessionLost) return;
      if (err.transient || err.network) {
        p.state = 'queued';
        this.scheduleFlush(err.code === 'rate-limited' || err.status === 429 ? RATE_LIMITED_RETRY_MS : RETRY_MS);
      } else {
        p.state = 'failed';
        p.error = describeError(err instanceof ApiError ? err : new ApiError({ status: 400, code: err.code, detail: err.detail }));
      }
      this.changed();
    }
  }

  confirm(p, message) {
    this.stored(normalizeMessage(message));
    this.remove(p);
  }

  acked(p, messageId) {
    if (!store.pending.includes(p)) return;
    if (this.known(p.conversationId, messageId)) {
      this.remove(p);
      return;
    }
    // Acked, but its event has not arrived yet: it will (or the reconnect's resume brings it).
    // Should it not come soon, read the message.
    p.messageId = messageId;
    setTimeout(async () => {
      if (!store.pending.includes(p)) return;
      try {
        this.confirm(p, await api('GET', `/conversations/${p.conversationId}/messages/${messageId}`));
      } catch { /* stays pending; the next ready retries with the same clientId */ }
    }, ACK_WITHOUT_EVENT_MS);
  }

  scheduleFlush(delay) {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = 0;
      this.flush();
    }, delay);
  }
}
