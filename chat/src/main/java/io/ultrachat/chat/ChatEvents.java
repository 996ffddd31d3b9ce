package io.ultrachat.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.ultrachat.chat.ChatViews.ConversationJson;
import io.ultrachat.chat.ChatViews.MessageJson;
import io.ultrachat.chat.conversation.ConversationView;
import io.ultrachat.chat.message.Message;
import io.ultrachat.chat.message.ThreadSummary;
import io.ultrachat.kernel.bus.Bus;
import io.ultrachat.kernel.json.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Facts about chat changes, published on the bus after the change committed, for the
 * realtime edge and other services. Each event is serialized once.
 *
 * <p>Subjects: {@code chat.conversation.<id>} for everything members of a conversation see
 * ({@code message.created|edited|deleted}, {@code member.joined|left},
 * {@code conversation.changed}, {@code reaction.added|removed}, {@code message.pinned|unpinned}, {@code thread.updated}); {@code chat.user.<id>} for what only one user sees
 * ({@code read.updated}). Message events carry the conversation's sequence number, so a
 * consumer can detect gaps and recover them from history.
 */
public final class ChatEvents {
  private static final Logger LOG = LoggerFactory.getLogger(ChatEvents.class);
  private final Bus bus;

  public ChatEvents(Bus bus) {
    this.bus = bus;
  }

  public static String conversationSubject(long conversationId) {
    return "chat.conversation." + conversationId;
  }

  public static String userSubject(long userId) {
    return "chat.user." + userId;
  }

  public void messageCreated(Message m) {
    message("message.created", m);
  }

  /** With the message as a caller sees it (mentions included). */
  public void messageCreated(Message m, MessageJson json) {
    message("message.created", m, json);
  }

  public void messageEdited(Message m) {
    message("message.edited", m);
  }

  public void messageEdited(Message m, MessageJson json) {
    message("message.edited", m, json);
  }

  public void messageDeleted(Message m) {
    message("message.deleted", m);
  }

  private void message(String type, Message m) {
    message(type, m, MessageJson.of(m));
  }

  private void message(String type, Message m, MessageJson json) {
    Map<String, Object> e = event(type, m.conversationId());
    e.put("seq", m.seq());
    e.put("message", json);
    publish(conversationSubject(m.conversationId()), e);
  }

  /** {@code reaction.added}: someone reacted; {@code count} is the emoji's count on the message after. */
  public void reactionAdded(long conversationId, long messageId, String emoji, long userId, long count) {
    reaction("reaction.added", conversationId, messageId, emoji, userId, count);
  }

  /** {@code reaction.removed}: someone took their reaction back; {@code count} is what is left. */
  public void reactionRemoved(long conversationId, long messageId, String emoji, long userId, long count) {
    reaction("reaction.removed", conversationId, messageId, emoji, userId, count);
  }

  private void reaction(String type, long conversationId, long messageId, String emoji, long userId, long count) {
    Map<String, Object> e = event(type, conversationId);
    e.put("messageId", Long.toString(messageId));
    e.put("emoji", emoji);
    e.put("userId", Long.toString(userId));
    e.put("count", count);
    publish(conversationSubject(conversationId), e);
  }

  public void messagePinned(long conversationId, long messageId, long userId) {
    pin("message.pinned", conversationId, messageId, userId);
  }

  public void messageUnpinned(long conversationId, long messageId, long userId) {
    pin("message.unpinned", conversationId, messageId, userId);
  }

  private void pin(String type, long conversationId, long messageId, long userId) {
    Map<String, Object> e = event(type, conversationId);
    e.put("messageId", Long.toString(messageId));
    e.put("userId", Long.toString(userId));
    publish(conversationSubject(conversationId), e);
  }

  /** {@code thread.updated}: a reply was added to the thread of {@code rootId}; the summary after it. */
  public void threadUpdated(long conversationId, long rootId, ThreadSummary thread) {
    Map<String, Object> e = event("thread.updated", conversationId);
    e.put("rootId", Long.toString(rootId));
    e.put("replyCount", thread.replyCount());
    e.put("lastReplyAt", thread.lastReplyAt());
    publish(conversationSubject(conversationId), e);
  }

  /** Goes to the conversation and to the user, whose connections then start following it. */
  public void memberJoined(long conversationId, long userId) {
    member("member.joined", conversationId, userId);
  }

  /** Goes to the conversation and to the user, whose connections then stop following it. */
  public void memberLeft(long conversationId, long userId) {
    member("member.left", conversationId, userId);
  }

  private void member(String type, long conversationId, long userId) {
    Map<String, Object> e = event(type, conversationId);
    e.put("userId", Long.toString(userId));
    publish(conversationSubject(conversationId), e);
    publish(userSubject(userId), e);
  }

  /** An ephemeral typing indicator; not stored. */
  public void typing(long conversationId, long userId) {
    Map<String, Object> e = event("typing", conversationId);
    e.put("userId", Long.toString(userId));
    publish(conversationSubject(conversationId), e);
  }

  /** The same JSON a {@code message.created} event carries, for replays on resume. */
  public static Map<String, Object> messageCreatedEvent(Message m) {
    return messageCreatedEvent(m, MessageJson.of(m));
  }

  /** A {@code message.created} event with the message as given (with its attachments, reactions and thread). */
  public static Map<String, Object> messageCreatedEvent(Message m, MessageJson json) {
    Map<String, Object> e = event("message.created", m.conversationId());
    e.put("seq", m.seq());
    e.put("message", json);
    return e;
  }

  public void conversationChanged(ConversationView v) {
    Map<String, Object> e = event("conversation.changed", v.conversation().id());
    ConversationJson c = ConversationJson.of(v);
    e.put("conversation", Map.of("id", c.id(), "name", c.name(), "topic", c.topic(), "archived", c.archived(), "kind", c.kind()));
    publish(conversationSubject(v.conversation().id()), e);
  }

  public void readUpdated(long userId, long conversationId, long lastReadSeq) {
    Map<String, Object> e = event("read.updated", conversationId);
    e.put("userId", Long.toString(userId));
    e.put("lastReadSeq", lastReadSeq);
    publish(userSubject(userId), e);
  }

  private static Map<String, Object> event(String type, long conversationId) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("type", type);
    e.put("conversationId", Long.toString(conversationId));
    return e;
  }

  private void publish(String subject, Map<String, Object> event) {
    try {
      bus.publish(subject, Json.mapper().writeValueAsBytes(event));
    } catch (JsonProcessingException | RuntimeException e) {
      // The change is committed; a lost event is recovered by clients from history by seq.
      LOG.warn("could not publish {} on {}: {}", event.get("type"), subject, e.getMessage());
    }
  }
}
