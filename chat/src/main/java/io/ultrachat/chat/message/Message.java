package io.ultrachat.chat.message;

import java.time.Instant;
import java.util.Optional;

/**
 * A message. {@code seq} orders it within its conversation, gapless from 1. A deleted message
 * is a tombstone: its body is gone from storage and {@code deletedAt} is set. {@code threadRootId}
 * is present on replies: the message of the same conversation that starts their thread (never
 * itself a reply). It never changes, so it may be cached with the message; the thread's summary
 * is read per request ({@link MessageExtras#thread()}).
 */
public record Message(
    long id, long conversationId, long seq, long userId, Optional<String> body, Instant createdAt,
    Optional<Instant> editedAt, Optional<Instant> deletedAt, Optional<Long> threadRootId) {

  /** A message that is not a reply. */
  public Message(long id, long conversationId, long seq, long userId, Optional<String> body, Instant createdAt,
      Optional<Instant> editedAt, Optional<Instant> deletedAt) {
    this(id, conversationId, seq, userId, body, createdAt, editedAt, deletedAt, Optional.empty());
  }

  public boolean deleted() {
    return deletedAt.isPresent();
  }

  public boolean reply() {
    return threadRootId.isPresent();
  }
}
