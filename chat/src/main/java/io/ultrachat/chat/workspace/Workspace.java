package io.ultrachat.chat.workspace;

import java.time.Instant;
import java.util.Optional;

/**
 * A team's space: its members and conversations. {@code retentionDays}, when present, is how
 * many days its messages are kept ({@value #RETENTION_DAYS_MIN} to {@value #RETENTION_DAYS_MAX});
 * absent keeps them forever.
 */
public record Workspace(long id, String name, long createdBy, Instant createdAt, Optional<Integer> retentionDays) {
  public static final int RETENTION_DAYS_MIN = 1;
  public static final int RETENTION_DAYS_MAX = 36500;

  /** A workspace that keeps its messages forever. */
  public Workspace(long id, String name, long createdBy, Instant createdAt) {
    this(id, name, createdBy, createdAt, Optional.empty());
  }
}
