package io.ultrachat.auth;

import io.ultrachat.auth.account.User;
import java.time.Instant;
import java.util.Optional;

/** Users for store tests, and the fixed instant the tests count from. */
public final class TestUsers {
  /** Every store test measures time from here. */
  public static final Instant BASE = Instant.parse("2026-01-01T00:00:00Z");

  private TestUsers() {}

  /** An active, non-admin person with a password hash, created at {@link #BASE}. */
  public static User person(long id, String username) {
    return new User(id, username, "Person " + username, User.Kind.PERSON, false, Optional.empty(),
        Optional.of("$argon2id$v=19$m=65536,t=3,p=1$hash-of-" + username), BASE, BASE, Optional.empty());
  }

  /** An active bot owned by {@code ownerId} (or by nobody if empty), created at {@code createdAt}. */
  public static User bot(long id, String username, Optional<Long> ownerId, Instant createdAt) {
    return new User(id, username, "Bot " + username, User.Kind.BOT, false, ownerId, Optional.empty(),
        createdAt, createdAt, Optional.empty());
  }
}
