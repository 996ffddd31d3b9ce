package io.ultrachat.realtime;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.ultrachat.chat.ChatEvents;
import io.ultrachat.kernel.bus.Bus;
import io.ultrachat.kernel.bus.BusMessage;
import io.ultrachat.kernel.json.Json;
import io.ultrachat.realtime.presence.Presence;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's fan-out: which local connections follow which subject, and one bus subscription
 * per subject that at least one local connection follows (interest-based: the node hears only
 * what its users need). Subjects are conversations, users (what only they see) and workspaces
 * (presence).
 *
 * <p>Each bus event becomes one frame string, built once and handed to every local recipient.
 * A conversation's {@code message.created} events first pass its {@link ConversationSequencer},
 * which restores {@code seq} order and fills gaps. Membership events on a user's own subject
 * ({@code member.joined}/{@code member.left}) make that user's connections start or stop
 * following the conversation.
 *
 * <p>Thread-safe. Bus handlers run on the bus's threads, one per subscription; connections
 * enqueue frames without blocking.
 */
final class Hub {
  private final Bus bus;
  private final ConversationSequencer.MessageSource messages;
  private final int fillMax;
  private final Map<String, Interest> interests = new ConcurrentHashMap<>();

  /** The local connections following one subject, and the bus subscription that feeds them. */
  private static final class Interest {
    final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    Bus.Subscription subscription;
    /** For conversation subjects only. */
    ConversationSequencer sequencer;
  }

  /**
   * @param messages where a conversation's missing messages come from
   * @param fillMax most missing messages fetched to fill one gap; more becomes a {@code resync}
   */
  Hub(Bus bus, ConversationSequencer.MessageSource messages, int fillMax) {
    this.bus = bus;
    this.messages = messages;
    this.fillMax = fillMax;
  }

  /** Starts delivering a conversation's events to the connection; may read the store once. */
  void followConversation(Connection c, long conversationId) {
    Interest i = follow(c, ChatEvents.conversationSubject(conversationId), conversationId);
    if (i != null) {
      i.sequencer.start();
    }
  }

  void unfollowConversation(Connection c, long conversationId) {
    unfollow(c, ChatEvents.conversationSubject(conversationId));
    c.forget(conversationId);
  }

  void followUser(Connection c, long userId) {
    follow(c, ChatEvents.userSubject(userId), -1);
  }

  void followWorkspace(Connection c, long workspaceId) {
    follow(c, Presence.workspaceSubject(workspaceId), -1);
  }

  void unfollowWorkspace(Connection c, long workspaceId) {
    unfollow(c, Presence.workspaceSubject(workspaceId));
  }

  void remove(Connection c, Iterable<String> subjects) {
    for (String s : subjects) {
      unfollow(c, s);
    }
  }

  /**
   * Adds the connection to a subject's followers, subscribing on the first. Returns the interest,
   * or null if the connection closed meanwhile (its close handler may already have run, so this
   * undoes the follow itself).
   */
  private Interest follow(Connection c, String subject, long conversationId) {
    Interest interest = interests.compute(subject, (s, existing) -> {
      Interest i = existing == null ? new Interest() : existing;
      if (i.subscription == null) {
        if (conversationId >= 0) {
          Interest target = i;
          i.sequencer = new ConversationSequencer(conversationId, messages, fillMax,
              (seq, frame, payload) -> fanOutMessage(target, conversationId, seq, frame, payload));
        }
        i.subscription = bus.subscribe(s, this::deliver);
      }
      i.connections.add(c);
      return i;
    });
    c.following().add(subject);
    if (c.state() == Connection.State.CLOSED) {
      unfollow(c, subject);
      return null;
    }
    return interest;
  }

  private void unfollow(Connection c, String subject) {
    c.following().remove(subject);
    interests.computeIfPresent(subject, (s, i) -> {
      i.connections.remove(c);
      if (i.connections.isEmpty()) {
        i.subscription.close();
        return null;
      }
      return i;
    });
  }

  private void deliver(BusMessage m) {
    Interest interest = interests.get(m.subject());
    if (interest == null) {
      return;
    }
    String payload = new String(m.payload(), StandardCharsets.UTF_8);
    String frame = "{\"type\":\"event\",\"event\":" + payload + "}";
    if (m.subject().startsWith("chat.user.")) {
      membershipChange(interest, payload);
    }
    if (interest.sequencer != null && payload.contains("\"message.created\"")) {
      long seq = messageCreatedSeq(m.payload());
      if (seq > 0) {
        interest.sequencer.accept(seq, frame, payload);
        return;
      }
    }
    fanOut(interest, frame, payload);
  }

  private static void fanOut(Interest interest, String frame, String payload) {
    for (Connection c : interest.connections) {
      c.deliver(frame, payload);
    }
  }

  /** A conversation's {@code message.created} event (or resync) in sequencer order. */
  private static void fanOutMessage(Interest interest, long conversationId, long seq, String frame, String payload) {
    for (Connection c : interest.connections) {
      c.deliverMessage(conversationId, seq, frame, payload);
    }
  }

  private void membershipChange(Interest interest, String payload) {
    JsonNode event = parse(payload);
    if (event == null) {
      return;
    }
    String type = event.path("type").asText();
    long conversationId = event.path("conversationId").asLong();
    for (Connection c : interest.connections) {
      if (type.equals("member.joined")) {
        followConversation(c, conversationId);
      } else if (type.equals("member.left")) {
        unfollowConversation(c, conversationId);
      }
    }
  }

  /**
   * The {@code seq} of a {@code message.created} event, or 0 for any other event. Reads only the
   * top-level fields and skips nested ones unparsed: every message event passes here once per
   * node, and building a tree of it cost about a tenth of the server's CPU at full ingest.
   */
  static long messageCreatedSeq(byte[] payload) {
    try (JsonParser p = Json.mapper().getFactory().createParser(payload)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return 0;
      }
      boolean created = false;
      long seq = 0;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if ("type".equals(name)) {
          if (!"message.created".equals(p.getValueAsString())) {
            return 0;
          }
          created = true;
        } else if ("seq".equals(name) && value == JsonToken.VALUE_NUMBER_INT) {
          seq = p.getLongValue();
        } else {
          p.skipChildren();
        }
        if (created && seq > 0) {
          return seq;
        }
      }
      return 0;
    } catch (java.io.IOException e) {
      return 0;
    }
  }

  private static JsonNode parse(String payload) {
    try {
      return Json.mapper().readTree(payload);
    } catch (java.io.IOException e) {
      return null;
    }
  }

  /** Local subjects followed, for metrics and tests. */
  int subjects() {
    return interests.size();
  }
}
