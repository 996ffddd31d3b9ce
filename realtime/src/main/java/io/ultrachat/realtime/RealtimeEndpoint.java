package io.ultrachat.realtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.ultrachat.chat.ChatEvents;
import io.ultrachat.chat.ChatRealtime;
import io.ultrachat.chat.attachment.AttachmentService;
import io.ultrachat.chat.message.Message;
import io.ultrachat.chat.message.MessageStore;
import io.ultrachat.kernel.bus.Bus;
import io.ultrachat.kernel.config.Settings;
import io.ultrachat.kernel.error.DomainException;
import io.ultrachat.kernel.error.Unauthenticated;
import io.ultrachat.kernel.http.EdgeAuthenticator;
import io.ultrachat.kernel.http.Endpoint;
import io.ultrachat.kernel.http.Principal;
import io.ultrachat.kernel.http.Scopes;
import io.ultrachat.kernel.json.Json;
import io.ultrachat.kernel.kv.KeyValue;
import io.ultrachat.realtime.presence.Presence;
import io.ultrachat.realtime.presence.PresenceRoutes;
import io.ultrachat.realtime.presence.PresenceStatus;
import io.ultrachat.realtime.presence.WorkspaceDirectory;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket endpoint of protocol version 1 (docs/protocol.md).
 *
 * <p>Design notes. Each connection handles its inbound frames one at a time, in order, on
 * virtual threads (a {@link SerialExecutor} per connection), so blocking calls into the Chat
 * service are fine. On {@code hello} the connection starts following its user's subjects
 * and conversations while in state RESUMING, which holds live events back; it then reads the
 * conversations' last sequence numbers (after following, so nothing falls between), sends
 * {@code ready}, replays what the client missed, and finally releases the held events minus
 * those the replay already covered. A periodic sweep pings every connection, closes silent
 * ones, and re-checks each token so revoked sessions are cut off; it takes a slice of the
 * connections each second, so each is swept once per heartbeat without a node-wide burst.
 *
 * <p>Every authenticated connection is one device in {@link Presence}: online at {@code hello},
 * then as the client reports, refreshed by the sweep (on the connection's own executor, so in
 * order with its frames) and removed at close. The sweep also re-reads the user's workspaces, so
 * presence events follow workspace joins and leaves within one heartbeat.
 */
public final class RealtimeEndpoint implements Handler<ServerWebSocket>, AutoCloseable {
  public static final String PATH = "/api/v1/realtime";
  private static final Logger LOG = LoggerFactory.getLogger(RealtimeEndpoint.class);
  private static final short INVALID_HELLO = 4001;
  private static final short PROTOCOL_VIOLATION = 4002;
  private static final short HEARTBEAT_TIMEOUT = 4000;
  private static final short REVOKED = 4009;

  private final Vertx vertx;
  private final EdgeAuthenticator authenticator;
  private final ChatRealtime chat;
  private final Hub hub;
  private final Presence presence;
  private final long maxFrame;
  private final long maxQueued;
  private final int frameRate;
  private final int resumeMax;
  private final Duration helloTimeout;
  private final Duration heartbeat;
  private final ExecutorService workers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("ws-", 0).factory());
  private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
  private final long sweepTimer;
  /**
   * The sweep runs in slices, one per second of the heartbeat: each tick takes the connections of
   * one slice (by their device id), so every connection is still swept once per heartbeat, but a
   * node's pings, presence refreshes and token checks are spread over the interval. Done all at
   * once, they stalled every send on a node with a few hundred connections for up to a second,
   * once per heartbeat (docs/performance.md).
   */
  private final int sweepSlices;
  private final java.util.concurrent.atomic.AtomicLong sweepTicks = new java.util.concurrent.atomic.AtomicLong();

  /**
   * @param presenceStore where presence lives: in memory on one node, shared (Redis) across nodes
   */
  public RealtimeEndpoint(Vertx vertx, Settings settings, EdgeAuthenticator authenticator, ChatRealtime chat, Bus bus,
      KeyValue presenceStore) {
    this.vertx = vertx;
    this.authenticator = authenticator;
    this.chat = chat;
    this.hub = new Hub(bus, new ConversationSequencer.MessageSource() {
      @Override
      public long lastSeq(long conversationId) {
        return chat.lastSeq(conversationId);
      }

      @Override
      public List<Message> after(long conversationId, long afterSeq, int limit) {
        return chat.missedMessages(conversationId, afterSeq, limit);
      }

      @Override
      public List<Map<String, Object>> createdEvents(long conversationId, List<Message> messages) {
        return chat.createdEvents(conversationId, messages);
      }
    }, settings.get(RealtimeSettings.RESUME_MAX));
    this.maxFrame = settings.get(RealtimeSettings.MAX_FRAME);
    this.maxQueued = settings.get(RealtimeSettings.MAX_QUEUED);
    this.frameRate = settings.get(RealtimeSettings.FRAME_RATE);
    this.resumeMax = settings.get(RealtimeSettings.RESUME_MAX);
    this.helloTimeout = settings.get(RealtimeSettings.HELLO_TIMEOUT);
    this.heartbeat = settings.get(RealtimeSettings.HEARTBEAT);
    // A device counts as connected as long as a connection may stay silent before it is closed.
    this.presence = new Presence(presenceStore, bus, new WorkspaceDirectory() {
      @Override
      public List<Long> workspacesOf(long userId) {
        return chat.workspacesOf(userId);
      }

      @Override
      public List<Long> members(long actor, long workspaceId) {
        return chat.workspaceMembers(actor, workspaceId);
      }
    }, deadAfter());
    this.sweepSlices = (int) Math.max(1, Math.min(60, heartbeat.toSeconds()));
    this.sweepTimer = vertx.setPeriodic(Math.max(100, heartbeat.toMillis() / sweepSlices), id -> workers.execute(this::sweep));
  }

  /** The REST side of the realtime service: presence. */
  public List<Endpoint> endpoints() {
    return new PresenceRoutes(presence).endpoints();
  }

  /** Connections open on this node. */
  public int connections() {
    return connections.size();
  }

  @Override
  public void handle(ServerWebSocket socket) {
    socket.setWriteQueueMaxSize((int) Math.min(Integer.MAX_VALUE, maxQueued));
    Connection c = new Connection(socket, new SerialExecutor(workers), frameRate, maxQueued);
    connections.add(c);
    socket.textMessageHandler(text -> onText(c, text));
    socket.binaryMessageHandler(b -> c.close(PROTOCOL_VIOLATION, "binary frames are not part of the protocol"));
    socket.pongHandler(b -> c.heard());
    socket.closeHandler(v -> {
      c.state(Connection.State.CLOSED);
      connections.remove(c);
      hub.remove(c, List.copyOf(c.following()));
      // After any frame still being handled, so a hello in progress cannot re-add the device.
      try {
        c.inbound().execute(() -> leave(c));
      } catch (RejectedExecutionException shuttingDown) {
        // close() already took this node's devices out of presence.
      }
    });
    vertx.setTimer(helloTimeout.toMillis(), id -> {
      if (c.state() == Connection.State.HELLO) {
        c.close(INVALID_HELLO, "no hello within " + helloTimeout.toSeconds() + " s");
      }
    });
  }

  private void onText(Connection c, String text) {
    c.heard();
    if (text.length() > maxFrame) {
      c.close(PROTOCOL_VIOLATION, "frame larger than " + maxFrame + " bytes");
      return;
    }
    JsonNode frame;
    try {
      frame = Json.mapper().readTree(text);
    } catch (JsonProcessingException e) {
      c.close(PROTOCOL_VIOLATION, "frames must be JSON objects");
      return;
    }
    if (frame == null || !frame.isObject() || !frame.path("type").isTextual()) {
      c.close(PROTOCOL_VIOLATION, "frames must be JSON objects with a type");
      return;
    }
    if (!c.allowFrame()) {
      Optional<String> ref = frame.path("ref").isTextual() ? Optional.of(frame.path("ref").asText()) : Optional.empty();
      c.send(error(ref, "rate-limited", "too many frames; at most " + frameRate + " per second"));
      return;
    }
    c.inbound().execute(() -> dispatch(c, frame));
  }

  private void dispatch(Connection c, JsonNode frame) {
    String type = frame.path("type").asText();
    Optional<String> ref = frame.path("ref").isTextual() ? Optional.of(frame.path("ref").asText()) : Optional.empty();
    try {
      switch (type) {
        case "hello" -> hello(c, frame);
        case "send" -> send(c, frame, ref);
        case "typing" -> typing(c, frame, ref);
        case "presence" -> presence(c, frame, ref);
        case "ping" -> c.send(json(Map.of("type", "pong", "ref", ref.orElse(""))));
        default -> c.close(PROTOCOL_VIOLATION, "unknown frame type '" + truncate(type) + "'");
      }
    } catch (DomainException e) {
      c.send(error(ref, e.code(), e.getMessage()));
    } catch (RuntimeException e) {
      LOG.error("realtime frame '{}' failed", type, e);
      c.send(error(ref, "internal-error", "something went wrong on our side"));
    }
  }

  private void hello(Connection c, JsonNode frame) {
    if (c.state() != Connection.State.HELLO) {
      c.close(PROTOCOL_VIOLATION, "hello was already sent");
      return;
    }
    String token = frame.path("token").asText("");
    Principal p;
    try {
      if (token.isEmpty()) {
        throw new Unauthenticated("missing-token", "hello needs a token");
      }
      p = authenticator.authenticate(token);
    } catch (Unauthenticated e) {
      c.close(INVALID_HELLO, e.code());
      return;
    }
    if (!p.hasScope(Scopes.CHAT_READ)) {
      c.close(INVALID_HELLO, "insufficient-scope");
      return;
    }
    c.authenticated(p, token);
    c.state(Connection.State.RESUMING);
    hub.followUser(c, p.userId());
    for (long conversationId : chat.memberConversations(p.userId()).keySet()) {
      hub.followConversation(c, conversationId);
    }
    for (long workspaceId : chat.workspacesOf(p.userId())) {
      hub.followWorkspace(c, workspaceId);
    }
    // Read positions only after following, so every later change arrives as an event.
    Map<String, Long> positions = new LinkedHashMap<>();
    chat.memberConversations(p.userId()).forEach((id, seq) -> positions.put(Long.toString(id), seq));
    c.send(json(Map.of("type", "ready", "protocol", 1, "userId", Long.toString(p.userId()), "conversations", positions)));
    resume(c, p, frame.path("resume"));
    c.finishResume();
    if (c.state() == Connection.State.LIVE) {
      presence.report(p.userId(), c.deviceId(), c.presence());
    }
  }

  /** The device is gone: after close, on the connection's executor. */
  private void leave(Connection c) {
    Principal p = c.principal();
    if (p == null) {
      return;
    }
    try {
      presence.disconnected(p.userId(), c.deviceId());
    } catch (RuntimeException e) {
      LOG.warn("could not record that a device of user {} left: {}", p.userId(), e.getMessage());
    }
  }

  private void resume(Connection c, Principal p, JsonNode resume) {
    if (!resume.isObject()) {
      return;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = resume.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      long conversationId;
      try {
        conversationId = Long.parseLong(entry.getKey());
      } catch (NumberFormatException e) {
        continue;
      }
      long after = Math.max(0, entry.getValue().asLong(0));
      Optional<List<Message>> missed = chat.messagesAfter(p.userId(), conversationId, after, resumeMax + 1);
      if (missed.isEmpty()) {
        c.send(error(Optional.empty(), "conversation-not-found", "cannot resume conversation " + conversationId));
        continue;
      }
      List<Message> messages = missed.get();
      if (messages.size() > resumeMax) {
        c.send(json(Map.of("type", "resync", "conversationId", Long.toString(conversationId), "fromSeq", after + 1)));
        continue;
      }
      c.resumed(conversationId, after); // the client has everything up to there
      List<Map<String, Object>> events = chat.createdEvents(conversationId, messages);
      for (int i = 0; i < messages.size(); i++) {
        c.send(json(Map.of("type", "event", "event", events.get(i))));
        c.resumed(conversationId, messages.get(i).seq());
      }
    }
  }

  private void send(Connection c, JsonNode frame, Optional<String> ref) {
    if (c.state() != Connection.State.LIVE) {
      c.close(PROTOCOL_VIOLATION, "send before hello");
      return;
    }
    Principal p = c.principal();
    if (!p.hasScope(Scopes.CHAT_WRITE)) {
      c.send(error(ref, "insufficient-scope", "this token lacks the 'chat:write' scope"));
      return;
    }
    long conversationId = id(frame.path("conversationId"));
    if (conversationId < 0) {
      c.send(error(ref, "conversation-not-found", "conversation not found"));
      return;
    }
    JsonNode body = frame.path("body");
    if (!body.isMissingNode() && !body.isTextual()) {
      c.send(error(ref, "invalid-input", "body: must be a string"));
      return;
    }
    JsonNode clientId = frame.path("clientId");
    if (!clientId.isMissingNode() && !clientId.isTextual()) {
      c.send(error(ref, "invalid-input", "clientId: must be a string"));
      return;
    }
    JsonNode rootNode = frame.path("threadRootId");
    Optional<Long> threadRootId = Optional.empty();
    if (!rootNode.isMissingNode()) {
      long rootId = id(rootNode);
      if (rootId < 0) {
        c.send(error(ref, "invalid-input", "threadRootId: must be a message id"));
        return;
      }
      threadRootId = Optional.of(rootId);
    }
    JsonNode attachmentNodes = frame.path("attachmentIds");
    List<Long> attachmentIds = new ArrayList<>();
    if (!attachmentNodes.isMissingNode()) {
      if (!attachmentNodes.isArray()) {
        c.send(error(ref, "invalid-input", "attachmentIds: must be a list of attachment ids"));
        return;
      }
      // One more than allowed is enough for the service to refuse the count, as over REST.
      for (int i = 0; i < attachmentNodes.size() && i <= AttachmentService.PER_MESSAGE_MAX; i++) {
        long attachmentId = id(attachmentNodes.get(i));
        if (attachmentId < 0) {
          c.send(error(ref, "invalid-input", "attachmentIds[" + i + "]: must be an attachment id"));
          return;
        }
        attachmentIds.add(attachmentId);
      }
    }
    // Without a body the service says it is required, unless there are attachments.
    MessageStore.Appended appended = chat.send(p.userId(), conversationId, body.isTextual() ? body.asText() : null,
        clientId.isTextual() ? Optional.of(clientId.asText()) : Optional.empty(), threadRootId, List.copyOf(attachmentIds));
    Map<String, Object> ack = new LinkedHashMap<>();
    ack.put("type", "ack");
    ref.ifPresent(r -> ack.put("ref", r));
    ack.put("messageId", Long.toString(appended.message().id()));
    ack.put("conversationId", Long.toString(conversationId));
    ack.put("seq", appended.message().seq());
    ack.put("replayed", appended.replayed());
    c.send(json(ack));
  }

  private void typing(Connection c, JsonNode frame, Optional<String> ref) {
    if (c.state() != Connection.State.LIVE) {
      c.close(PROTOCOL_VIOLATION, "typing before hello");
      return;
    }
    long conversationId = id(frame.path("conversationId"));
    if (conversationId < 0) {
      c.send(error(ref, "conversation-not-found", "conversation not found"));
      return;
    }
    if (c.allowTyping(conversationId)) {
      chat.typing(c.principal().userId(), conversationId);
    }
  }

  /** A device reports online or away; repeats are ignored, changes are rate-limited. */
  private void presence(Connection c, JsonNode frame, Optional<String> ref) {
    if (c.state() != Connection.State.LIVE) {
      c.close(PROTOCOL_VIOLATION, "presence before hello");
      return;
    }
    JsonNode status = frame.path("status");
    Optional<PresenceStatus> reported = status.isTextual() ? PresenceStatus.ofDevice(status.asText()) : Optional.empty();
    if (reported.isEmpty()) {
      c.send(error(ref, "invalid-input", "status: must be online or away"));
      return;
    }
    if (reported.get() == c.presence()) {
      return;
    }
    if (!c.allowPresenceChange()) {
      c.send(error(ref, "rate-limited", "too many presence changes; at most " + Connection.PRESENCE_CHANGES + " per minute"));
      return;
    }
    c.presence(reported.get());
    presence.report(c.principal().userId(), c.deviceId(), reported.get());
  }

  /** A positive id sent as a decimal string, or -1. Runs on every frame: no regex. */
  private static long id(JsonNode node) {
    if (!node.isTextual()) {
      return -1;
    }
    String text = node.asText();
    if (text.isEmpty() || text.length() > 19 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return -1;
    }
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException tooLarge) {
      return -1;
    }
  }

  /** One slice: pings, closes silent connections, and cuts off connections whose session was revoked. */
  private void sweep() {
    int slice = (int) (sweepTicks.getAndIncrement() % sweepSlices);
    long silentLimit = deadAfter().toNanos();
    for (Connection c : connections) {
      if (Math.floorMod(c.deviceId().hashCode(), sweepSlices) != slice) {
        continue;
      }
      if (c.silentNanos() > silentLimit) {
        c.close(HEARTBEAT_TIMEOUT, "no answer to pings");
        continue;
      }
      c.ping();
      if (c.state() == Connection.State.LIVE) {
        c.inbound().execute(() -> keepAlive(c));
      }
      if (c.state() == Connection.State.LIVE && c.token() != null) {
        try {
          authenticator.authenticate(c.token());
        } catch (Unauthenticated e) {
          c.close("session-revoked".equals(e.code()) ? REVOKED : INVALID_HELLO, e.code());
        } catch (RuntimeException e) {
          LOG.debug("token re-check failed: {}", e.getMessage());
        }
      }
    }
    reconcilePresence(slice);
  }

  /**
   * Also run by the sweep, one slice of the users per tick: every announced user's presence is
   * re-derived once per heartbeat, which is what marks the users of a stopped node offline once
   * their devices expire.
   */
  private void reconcilePresence(int slice) {
    try {
      presence.reconcileSlice(slice, sweepSlices);
    } catch (RuntimeException e) {
      LOG.warn("presence reconciliation failed: {}", e.getMessage());
    }
  }

  /** The heartbeat of a live connection: its device entry, and its workspace subjects. On its executor. */
  private void keepAlive(Connection c) {
    if (c.state() != Connection.State.LIVE) {
      return;
    }
    long userId = c.principal().userId();
    try {
      presence.refresh(userId, c.deviceId(), c.presence());
      Set<Long> now = new HashSet<>(chat.workspacesOf(userId));
      Set<Long> followed = new HashSet<>();
      for (String subject : List.copyOf(c.following())) {
        if (Presence.isWorkspaceSubject(subject)) {
          followed.add(Long.parseLong(subject.substring(subject.lastIndexOf('.') + 1)));
        }
      }
      for (long w : now) {
        if (!followed.contains(w)) {
          hub.followWorkspace(c, w);
        }
      }
      for (long w : followed) {
        if (!now.contains(w)) {
          hub.unfollowWorkspace(c, w);
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("heartbeat of a connection of user {} failed: {}", userId, e.getMessage());
    }
  }

  /** How long a connection may stay silent before it is closed, and a device's presence entry lives. */
  private Duration deadAfter() {
    return heartbeat.multipliedBy(5).dividedBy(2);
  }

  private static String error(Optional<String> ref, String code, String detail) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("type", "error");
    ref.ifPresent(r -> e.put("ref", r));
    e.put("code", code);
    e.put("detail", detail);
    return json(e);
  }

  private static String json(Object o) {
    try {
      return Json.mapper().writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String truncate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }

  /**
   * Closes every connection with 1001 (going away) so clients reconnect elsewhere and resume,
   * and takes this node's devices out of presence at once rather than when they expire.
   */
  @Override
  public void close() {
    vertx.cancelTimer(sweepTimer);
    List<Connection> open = List.copyOf(connections);
    for (Connection c : open) {
      c.close((short) 1001, "server shutting down");
    }
    workers.shutdown();
    for (Connection c : open) {
      leave(c); // idempotent, also where the close handler got to it first
    }
  }
}
