package io.ultrachat.chat.conversation;

import java.time.Instant;
import java.util.Optional;

/**
 * A channel in a workspace. {@code lastSeq} is the sequence number of its latest message:
 * every message gets the next one, in the same transaction as its insert.
 */
public record Conversation(
    long id, long workspaceId, Kind kind, String name, String topic, long createdBy, Instant createdAt,
    Optional<Instant> archivedAt, long lastSeq) {

  public enum Kind { PUBLIC, PRIVATE }

  public boolean archived() {
    return archivedAt.isPresent();
  }
}
