package io.ultrachat.realtime;

import com.fasterxml.jackson.databind.JsonNode;
import io.ultrachat.chat.ChatEvents;
import io.ultrachat.kernel.bus.Bus;
import io.ultrachat.kernel.bus.BusMessage;
import io.ultrachat.kernel.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's fan-out: which local connections follow which conversation, and one bus
 * subscription per conversation that at least one local connection follows (interest-based:
 * the node hears only what its users need).
 *
 * <p>Each bus event becomes one frame string, built once and handed to every local recipient.
 * Membership events on a user's own subject ({@code member.joined}/{@code member.left}) make
 * that user's connections start or stop following the conversation.
 *
 * <p>Thread-safe. Bus handlers run on the bus's threads; connections enqueue frames without
 * blocking.
 */
final class Hub {
  private final Bus bus;
  private final Map<String, Interest> interests = new ConcurrentHashMap<>();

  /** The local connections following one subject, and the bus subscription that feeds them. */
  private static final class Interest {
    final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    Bus.Subscription subscription;
  }

  Hub(Bus bus) {
    this.bus = bus;
  }

  void followConversation(Connection c, long conversationId) {
    follow(c, ChatEvents.conversationSubject(conversationId));
  }

  void unfollowConversation(Connection c, long conversationId) {
    unfollow(c, ChatEvents.conversationSubject(conversationId));
  }

  void followUser(Connection c, long userId) {
    follow(c, ChatEvents.userSubject(userId));
  }

  void remove(Connection c, Iterable<String> subjects) {
    for (String s : subjects) {
      unfollow(c, s);
    }
  }

  private void follow(Connection c, String subject) {
    interests.compute(subject, (s, interest) -> {
      Interest i = interest == null ? new Interest() : interest;
      if (i.subscription == null) {
        i.subscription = bus.subscribe(s, this::deliver);
      }
      i.connections.add(c);
      return i;
    });
    c.following().add(subject);
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
    for (Connection c : interest.connections) {
      c.deliver(frame, payload);
    }
  }

  private void membershipChange(Interest interest, String payload) {
    JsonNode event;
    try {
      event = Json.mapper().readTree(payload);
    } catch (java.io.IOException e) {
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

  /** Local subjects followed, for metrics and tests. */
  int subjects() {
    return interests.size();
  }
}
