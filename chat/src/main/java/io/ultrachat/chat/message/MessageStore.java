package io.ultrachat.chat.message;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Persistence of messages. Thread-safe; each method is atomic.
 *
 * <p>Reads see every committed write, except the history reads that name a {@link Reader}: those
 * may come from a read replica and see what the reader's consistency promises (see {@link Reader}).
 *
 * <p>{@link #append} assigns the next sequence number of the conversation in the same
 * transaction as the insert, so sequences are gapless and match commit order per
 * conversation; concurrent appends to one conversation serialise on it.
 */
public interface MessageStore {
  /**
   * What to append. {@code clientId}, when present, makes a retried append a no-op.
   * {@code threadRootId}, when present, makes it a reply to that message of the same conversation.
   */
  record NewMessage(long id, long conversationId, long userId, Optional<String> clientId, String body, Instant createdAt,
      Mentions mentions, Optional<Long> threadRootId) {
    public NewMessage(long id, long conversationId, long userId, Optional<String> clientId, String body, Instant createdAt) {
      this(id, conversationId, userId, clientId, body, createdAt, Mentions.NONE);
    }

    public NewMessage(long id, long conversationId, long userId, Optional<String> clientId, String body, Instant createdAt,
        Mentions mentions) {
      this(id, conversationId, userId, clientId, body, createdAt, mentions, Optional.empty());
    }
  }

  /**
   * The stored message, and whether it already existed under the same client id; for a new reply,
   * its thread's summary as the append left it.
   */
  record Appended(Message message, boolean replayed, Optional<ThreadSummary> thread) {
    public Appended(Message message, boolean replayed) {
      this(message, replayed, Optional.empty());
    }
  }

  /** Why a reply was refused inside the append's transaction. */
  final class ThreadRootRefused extends RuntimeException {
    public enum Reason { NOT_FOUND, DELETED, NESTED }

    private final Reason reason;

    public ThreadRootRefused(Reason reason) {
      super("thread root refused: " + reason, null, false, false);
      this.reason = reason;
    }

    public Reason reason() {
      return reason;
    }
  }

  /**
   * Appends a message, or returns the one this user already appended to this conversation
   * with the same client id.
   *
   * <p>A reply also records its root and updates the root's thread summary, in the same transaction.
   *
   * @throws IllegalArgumentException if the conversation does not exist
   * @throws ThreadRootRefused if the root is not a message of the conversation, is deleted or is itself a reply
   */
  Appended append(NewMessage message);

  /** Up to {@code limit} replies to {@code rootId} with {@code seq > after}, ascending. */
  List<Message> replies(long conversationId, long rootId, long after, int limit);

  Optional<Message> find(long conversationId, long messageId);

  /** The message a user appended with a client id, if any. */
  Optional<Message> findByClientId(long conversationId, long userId, String clientId);

  /** Up to {@code limit} messages with {@code seq < before}, ascending. */
  List<Message> before(long conversationId, long before, int limit);

  /** Up to {@code limit} messages with {@code seq > after}, ascending. */
  List<Message> after(long conversationId, long after, int limit);

  /**
   * {@link #before(long, long, int)} for a reader: possibly from a replica, including every write
   * that {@link Reader} promises. A store without a replica reads as for nobody in particular.
   */
  default List<Message> before(long conversationId, long before, int limit, Reader reader) {
    return before(conversationId, before, limit);
  }

  /** {@link #after(long, long, int)} for a reader; see {@link #before(long, long, int, Reader)}. */
  default List<Message> after(long conversationId, long after, int limit, Reader reader) {
    return after(conversationId, after, limit);
  }

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
