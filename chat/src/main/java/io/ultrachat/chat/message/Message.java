package io.ultrachat.chat.message;

import java.time.Instant;
import java.util.Optional;

/**
 * A message. {@code seq} orders it within its conversation, gapless from 1. A deleted message
 * is a tombstone: its body is gone from storage and {@code deletedAt} is set.
 */
public record Message(
    long id, long conversationId, long seq, long userId, Optional<String> body, Instant createdAt,
    Optional<Instant> editedAt, Optional<Instant> deletedAt) {

  public boolean deleted() {
    return deletedAt.isPresent();
  }
}
