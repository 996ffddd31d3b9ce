package io.ultrachat.realtime;

import io.ultrachat.kernel.http.Principal;
import io.ultrachat.realtime.presence.PresenceStatus;
import io.vertx.core.http.ServerWebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One client's WebSocket and its state: who it is, what it follows, and the frames held back
 * while it resumes.
 *
 * <p>Frames for the client are written straight to the socket (Vert.x queues them on the
 * connection's event loop). What waits to be written is bounded; past the bound the client is
 * too slow and is closed with 4008, so it never holds up anyone else. Thread-safe.
 */
final class Connection {
  enum State { HELLO, RESUMING, LIVE, CLOSED }

  static final short SLOW_CONSUMER = 4008;
  /** The node noticed this connection would skip a message: the client resumes and misses nothing. */
  static final short OUT_OF_SYNC = 4010;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Connection.class);
  static final int PRESENCE_CHANGES = 10;

  private final ServerWebSocket socket;
  private final SerialExecutor inbound;
  private final Set<String> following = ConcurrentHashMap.newKeySet();
  private final List<Held> held = new ArrayList<>();
  /**
   * Per conversation, the last message {@code seq} this client has: from its resume positions,
   * replayed or delivered. Message events are written only in order from there: repeats are
   * skipped, and one that would skip a message closes the connection with {@link #OUT_OF_SYNC}.
   */
  private final Map<Long, Long> sentSeq = new ConcurrentHashMap<>();

  /** A frame held while resuming; {@code seq} is set for message events only. */
  private record Held(long conversationId, long seq, String frame) {
    static final long NOT_A_MESSAGE = -2;
  }
  private final Map<Long, Long> lastTyping = new ConcurrentHashMap<>();
  private final double frameRate;
  /** This connection as one of its user's devices, in presence. */
  private final String deviceId = UUID.randomUUID().toString();
  private volatile PresenceStatus presence = PresenceStatus.ONLINE;
  private long presenceChangeNanos;
  private int presenceChanges;
  private State state = State.HELLO;
  private volatile Principal principal;
  private volatile String token;
  private volatile long lastHeardNanos = System.nanoTime();
  private double allowance;
  private long allowanceAtNanos = System.nanoTime();

  /** Outbound characters of frames handed to Vert.x and not yet written to the socket. */
  private final java.util.concurrent.atomic.AtomicLong unwritten = new java.util.concurrent.atomic.AtomicLong();
  private final long maxQueued;

  Connection(ServerWebSocket socket, SerialExecutor inbound, int frameRate, long maxQueued) {
    this.socket = socket;
    this.inbound = inbound;
    this.frameRate = frameRate;
    this.maxQueued = maxQueued;
    this.allowance = frameRate * 2.0;
  }

  SerialExecutor inbound() {
    return inbound;
  }

  Set<String> following() {
    return following;
  }

  synchronized State state() {
    return state;
  }

  synchronized void state(State s) {
    state = s;
  }

  Principal principal() {
    return principal;
  }

  String token() {
    return token;
  }

  void authenticated(Principal p, String bearer) {
    this.principal = p;
    this.token = bearer;
  }

  void heard() {
    lastHeardNanos = System.nanoTime();
  }

  long silentNanos() {
    return System.nanoTime() - lastHeardNanos;
  }

  /** Token bucket over inbound frames: {@code frameRate} per second, bursts up to twice that. */
  synchronized boolean allowFrame() {
    long now = System.nanoTime();
    allowance = Math.min(frameRate * 2.0, allowance + (now - allowanceAtNanos) / 1e9 * frameRate);
    allowanceAtNanos = now;
    if (allowance < 1) {
      return false;
    }
    allowance -= 1;
    return true;
  }

  /** At most one typing indicator per conversation every three seconds. */
  boolean allowTyping(long conversationId) {
    long now = System.nanoTime();
    Long last = lastTyping.get(conversationId);
    if (last != null && now - last < 3_000_000_000L) {
      return false;
    }
    lastTyping.put(conversationId, now);
    return true;
  }

  String deviceId() {
    return deviceId;
  }

  /** What this device last reported: online or away. */
  PresenceStatus presence() {
    return presence;
  }

  void presence(PresenceStatus status) {
    presence = status;
  }

  /**
   * At most {@value #PRESENCE_CHANGES} presence changes per minute (a fixed window): each one
   * becomes an event for everyone sharing a workspace with the user.
   */
  synchronized boolean allowPresenceChange() {
    long now = System.nanoTime();
    if (presenceChanges == 0 || now - presenceChangeNanos >= 60_000_000_000L) {
      presenceChangeNanos = now;
      presenceChanges = 0;
    }
    if (presenceChanges >= PRESENCE_CHANGES) {
      return false;
    }
    presenceChanges++;
    return true;
  }

  /**
   * A live event from the hub other than a message: sent now, held while resuming, dropped before
   * hello or after close. Written under the lock, so frames keep the order they were admitted in
   * whichever threads deliver them.
   */
  synchronized void deliver(String frame, String payload) {
    if (state == State.RESUMING) {
      held.add(new Held(0, Held.NOT_A_MESSAGE, frame));
    } else if (state == State.LIVE) {
      send(frame);
    }
  }

  /**
   * A conversation's {@code message.created} event in sequencer order, or its {@code resync}
   * ({@code seq} {@link ConversationSequencer#RESYNC}): like {@link #deliver}, and in order.
   */
  synchronized void deliverMessage(long conversationId, long seq, String frame, String payload) {
    if (state == State.RESUMING) {
      held.add(new Held(conversationId, seq, frame));
    } else if (state == State.LIVE && admit(conversationId, seq)) {
      send(frame);
    }
  }

  /** Forgets a conversation's position: the user left it, and may come back after a gap. */
  void forget(long conversationId) {
    sentSeq.remove(conversationId);
  }

  /** Records that the client has a conversation's messages up to {@code seq} (its resume position, or a replay). */
  void resumed(long conversationId, long seq) {
    sentSeq.merge(conversationId, seq, Math::max);
  }

  /**
   * Goes live: sends the events held during resume, skipping message events the resume
   * already sent, then delivers directly.
   */
  synchronized void finishResume() {
    for (Held h : held) {
      if (h.seq == Held.NOT_A_MESSAGE || admit(h.conversationId, h.seq)) {
        send(h.frame);
      }
    }
    held.clear();
    if (state == State.RESUMING) {
      state = State.LIVE;
    }
  }

  /** Whether a message event may be written now: the next in its conversation, or the first seen. */
  private boolean admit(long conversationId, long seq) {
    if (seq == ConversationSequencer.RESYNC) {
      sentSeq.remove(conversationId); // the client fetches from fromSeq over REST; the stream restarts
      return true;
    }
    Long last = sentSeq.get(conversationId);
    if (last != null && seq <= last) {
      return false;
    }
    if (last != null && seq > last + 1) {
      LOG.warn("conversation {}: connection of user {} would skip from seq {} to {}; closing it so the client resumes",
          conversationId, principal == null ? "?" : principal.userId(), last, seq);
      close(OUT_OF_SYNC, "missed events; reconnect and resume");
      return false;
    }
    sentSeq.put(conversationId, seq);
    return true;
  }

  /**
   * Writes a frame, or closes the connection as a slow consumer when more than
   * {@code realtime.max-queued-bytes} (counted in characters) wait to be written to its socket.
   * Counted here rather than asked of {@code socket.writeQueueFull()}: in Vert.x 5 that also turns
   * true as soon as 16 frames written from other threads wait for the connection's event loop,
   * which a burst on a busy machine reaches while the client reads perfectly well.
   */
  void send(String frame) {
    if (socket.isClosed()) {
      return;
    }
    int size = frame.length();
    if (unwritten.addAndGet(size) > maxQueued) {
      unwritten.addAndGet(-size);
      close(SLOW_CONSUMER, "slow consumer: outbound buffer full; reconnect and resume");
      return;
    }
    socket.writeTextMessage(frame).onComplete(written -> unwritten.addAndGet(-size));
  }

  void ping() {
    if (!socket.isClosed()) {
      socket.writePing(io.vertx.core.buffer.Buffer.buffer("hb"));
    }
  }

  void close(short code, String reason) {
    synchronized (this) {
      if (state == State.CLOSED) {
        return;
      }
      state = State.CLOSED;
    }
    if (!socket.isClosed()) {
      socket.close(code, reason);
    }
  }
}
