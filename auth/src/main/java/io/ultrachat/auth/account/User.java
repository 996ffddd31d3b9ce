package io.ultrachat.auth.account;

import io.ultrachat.auth.api.UserSummary;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/** An account: a person who signs in with a password, or a bot that uses API tokens. */
public record User(
    long id,
    String username,
    String displayName,
    Kind kind,
    boolean admin,
    Optional<Long> ownerId,
    Optional<String> passwordHash,
    Instant createdAt,
    Instant updatedAt,
    Optional<Instant> deactivatedAt) {

  public enum Kind { PERSON, BOT }

  public boolean active() {
    return deactivatedAt.isEmpty();
  }

  public boolean isBot() {
    return kind == Kind.BOT;
  }

  /** The case-insensitive uniqueness key of a username. */
  public static String usernameKey(String username) {
    return username.toLowerCase(Locale.ROOT);
  }

  public UserSummary summary() {
    return new UserSummary(id, username, displayName, isBot(), createdAt);
  }
}
