package io.ultrachat.chat.message;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Persistence of messages. Thread-safe; each method is atomic.
 *
 * <p>{@link #append} assigns the next sequence number of the conversation in the same
 * transaction as the insert, so sequences are gapless and match commit order per
 * conversation; concurrent appends to one conversation serialise on it.
 */
public interface MessageStore {
  /** What to append. {@code clientId}, when present, makes a retried append a no-op. */
  record NewMessage(long id, long conversationId, long userId, Optional<String> clientId, String body, Instant createdAt,
      Mentions mentions) {
    public NewMessage(long id, long conversationId, long userId, Optional<String> clientId, String body, Instant createdAt) {
      this(id, conversationId, userId, clientId, body, createdAt, Mentions.NONE);
    }
  }

  /** The stored message, and whether it already existed under the same client id. */
  record Appended(Message message, boolean replayed) {}

  /**
   * Appends a message, or returns the one this user already appended to this conversation
   * with the same client id.
   *
   * @throws IllegalArgumentException if the conversation does not exist
   */
  Appended append(NewMessage message);

  Optional<Message> find(long conversationId, long messageId);

  /** The message a user appended with a client id, if any. */
  Optional<Message> findByClientId(long conversationId, long userId, String clientId);

  /** Up to {@code limit} messages with {@code seq < before}, ascending. */
  List<Message> before(long conversationId, long before, int limit);

  /** Up to {@code limit} messages with {@code seq > after}, ascending. */
  List<Message> after(long conversationId, long after, int limit);

  /** Replaces the body of a live message, clearing its mentions; empty if unknown or deleted. */
  default Optional<Message> edit(long conversationId, long messageId, String body, Instant at) {
    return edit(conversationId, messageId, body, at, Mentions.NONE);
  }

  /** Replaces the body and the mentions of a live message; empty if unknown or deleted. */
  Optional<Message> edit(long conversationId, long messageId, String body, Instant at, Mentions mentions);

  /**
   * Tombstones a message, erasing its body, its reactions and its mentions (its pin stays);
   * empty if unknown. Idempotent.
   */
  Optional<Message> delete(long conversationId, long messageId, Instant at);
}
