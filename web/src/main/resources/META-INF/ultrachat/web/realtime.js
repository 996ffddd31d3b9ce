// The realtime connection (docs/protocol.md): one WebSocket at /api/v1/realtime, `hello` with
// the access token in the first frame (never in the URL) and the last seen seq per conversation,
// then `ready`, replayed and live events.
//
// Design notes. The connection is a small state machine: idle → connecting → live, and on any
// loss → waiting (exponential backoff with jitter, 0.5 s doubling to 30 s) or offline (the
// browser says there is no network; we wait for its `online` event instead of spinning).
// Dead peers are found by our own ping every 20 s: no frame at all for 10 s after it means the
// socket is gone even if the browser has not noticed. Close 4001 (token rejected) refreshes the
// token and reconnects at once; 4009 (session revoked) ends the session. Frames that need an
// answer (`send`) carry a `ref` and resolve with `ack` or reject with `error` or a disconnect.

import { session } from './api.js';

const PATH = '/api/v1/realtime';
const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 30_000;
const PING_EVERY_MS = 20_000;
const PING_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 15_000;

export class RealtimeError extends Error {
  constructor(code, detail) {
    super(detail || code);
    this.code = code;
    this.detail = detail || code;
  }

  /** The frame never got an answer (connection lost): the same frame may be sent again. */
  get transient() {
    return this.code === 'disconnected' || this.code === 'timeout' || this.code === 'rate-limited'
      || this.code === 'internal-error';
  }
}

export class Realtime {
  /**
   * @param getToken    async () => access token (refreshing when needed); throws when signed out
   * @param positions   () => {conversationId: lastSeq} to resume from
   * @param on          {ready(frame), event(event), resync(frame), status(state), authFailed(err), revoked()}
   */
  constructor({ getToken, positions, on }) {
    this.getToken = getToken;
    this.positions = positions;
    this.on = on;
    this.state = 'idle';
    this.ws = null;
    this.attempt = 0;
    this.timer = 0;
    this.pingTimer = 0;
    this.deadline = 0;
    this.nextRef = 1;
    this.requests = new Map();
    this.stopped = true;
    this.onOnline = () => this.reconnectNow();
    this.onOffline = () => this.drop('offline');
    this.onVisible = () => {
      if (document.visibilityState === 'visible' && this.state === 'waiting') this.reconnectNow();
    };
  }

  start() {
    if (!this.stopped) return;
    this.stopped = false;
    window.addEventListener('online', this.onOnline);
    window.addEventListener('offline', this.onOffline);
    document.addEventListener('visibilitychange', this.onVisible);
    this.connect();
  }

  stop() {
    this.stopped = true;
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOffline);
    document.removeEventListener('visibilitychange', this.onVisible);
    clearTimeout(this.timer);
    this.discardSocket(1000, 'signed out');
    this.failRequests('disconnected', 'signed out');
    this.setState('idle');
  }

  get live() {
    return this.state === 'live';
  }

  /** Sends a fire-and-forget frame; false when not connected. */
  send(frame) {
    if (!this.live) return false;
    try {
      this.ws.send(JSON.stringify(frame));
      return true;
    } catch {
      return false;
    }
  }

  /** Sends a frame with a `ref` and waits for its `ack` (resolves) or `error` (rejects with RealtimeError). */
  request(frame) {
    if (!this.live) return Promise.reject(new RealtimeError('disconnected', 'not connected'));
    const ref = `r${this.nextRef++}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.requests.delete(ref);
        reject(new RealtimeError('timeout', 'no answer from the server'));
      }, REQUEST_TIMEOUT_MS);
      this.requests.set(ref, { resolve, reject, timer });
      if (!this.send({ ...frame, ref })) {
        clearTimeout(timer);
        this.requests.delete(ref);
        reject(new RealtimeError('disconnected', 'not connected'));
      }
    });
  }

  /** Starts over on a fresh connection now (hello follows every membership again). */
  reconnect() {
    if (this.stopped) return;
    this.discardSocket(1000, 'reconnecting');
    this.failRequests('disconnected', 'reconnecting');
    this.attempt = 0;
    this.connect();
  }

  /** Skips any backoff wait, e.g. when the network comes back. */
  reconnectNow() {
    if (this.stopped || this.state === 'live' || this.state === 'connecting') return;
    this.attempt = 0;
    clearTimeout(this.timer);
    this.connect();
  }

  // -------------------------------------------------------------------------------------------

  setState(state) {
    if (this.state === state) return;
    this.state = state;
    this.on.status(state);
  }

  async connect() {
    if (this.stopped) return;
    clearTimeout(this.timer);
    if (!navigator.onLine) {
      this.setState('offline');
      return;
    }
    this.setState('connecting');
    let token;
    try {
      token = await this.getToken();
    } catch (err) {
      if (this.stopped) return;
      if (err?.status === 401) {
        this.stopped = true;
        this.on.authFailed(err);
        return;
      }
      this.scheduleReconnect();
      return;
    }
    if (this.stopped) return;
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    let ws;
    try {
      ws = new WebSocket(`${scheme}//${location.host}${PATH}`);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      ws.send(JSON.stringify({ type: 'hello', token, resume: this.positions() }));
      this.heard();
    };
    ws.onmessage = (e) => this.onFrame(e.data);
    ws.onerror = () => { /* onclose follows and decides */ };
    ws.onclose = (e) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.onClosed(e.code, e.reason);
    };
  }

  onFrame(text) {
    this.heard();
    let frame;
    try {
      frame = JSON.parse(text);
    } catch {
      return;
    }
    switch (frame?.type) {
      case 'ready':
        this.attempt = 0;
        this.setState('live');
        this.on.ready(frame);
        break;
      case 'event':
        if (frame.event) this.on.event(frame.event);
        break;
      case 'resync':
        this.on.resync(frame);
        break;
      case 'ack':
        this.settle(frame.ref, (r) => r.resolve(frame));
        break;
      case 'error':
        if (frame.ref) this.settle(frame.ref, (r) => r.reject(new RealtimeError(frame.code, frame.detail)));
        break;
      default:
        // pong and frame types of later protocol versions need nothing here.
        break;
    }
  }

  settle(ref, fn) {
    const r = ref && this.requests.get(ref);
    if (!r) return;
    clearTimeout(r.timer);
    this.requests.delete(ref);
    fn(r);
  }

  /** Any frame proves the connection alive; schedule the next ping and its deadline. */
  heard() {
    clearTimeout(this.pingTimer);
    clearTimeout(this.deadline);
    this.pingTimer = setTimeout(() => {
      if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return;
      try {
        this.ws.send(JSON.stringify({ type: 'ping', ref: 'keepalive' }));
      } catch { /* the deadline below handles it */ }
      this.deadline = setTimeout(() => this.drop('timeout'), PING_TIMEOUT_MS);
    }, PING_EVERY_MS);
  }

  onClosed(code, reason) {
    clearTimeout(this.pingTimer);
    clearTimeout(this.deadline);
    this.failRequests('disconnected', 'connection lost');
    if (this.stopped) return;
    if (code === 4009) {
      this.stopped = true;
      this.setState('idle');
      this.on.revoked(reason);
      return;
    }
    if (code === 4001) {
      // The token was refused (most often: it expired). A fresh one, then straight back.
      session.accessToken = null;
      if (this.attempt === 0) {
        this.attempt = 1;
        this.connect();
        return;
      }
    }
    if (!navigator.onLine) {
      this.setState('offline');
      return;
    }
    this.scheduleReconnect();
  }

  /** Gives up on the current socket at once (no waiting for a close handshake on a dead network). */
  drop(why) {
    if (this.stopped) return;
    const had = this.ws != null;
    this.discardSocket(4000, why);
    this.failRequests('disconnected', why);
    clearTimeout(this.timer);
    if (why === 'offline' || !navigator.onLine) this.setState('offline');
    else if (had || this.state !== 'waiting') this.scheduleReconnect();
  }

  discardSocket(code, reason) {
    clearTimeout(this.pingTimer);
    clearTimeout(this.deadline);
    const ws = this.ws;
    this.ws = null;
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
    try {
      ws.close(code, reason);
    } catch { /* already closed */ }
  }

  failRequests(code, detail) {
    for (const [ref, r] of this.requests) {
      clearTimeout(r.timer);
      this.requests.delete(ref);
      r.reject(new RealtimeError(code, detail));
    }
  }

  scheduleReconnect() {
    if (this.stopped) return;
    clearTimeout(this.timer);
    const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 16);
    // Full jitter on the upper half, so a server restart is not met by every client at once.
    const delay = base / 2 + Math.random() * (base / 2);
    this.setState('waiting');
    this.timer = setTimeout(() => this.connect(), delay);
  }
}
