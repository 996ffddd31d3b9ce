package io.ultrachat.auth.account;

import java.time.Instant;

/** A user as they see themselves. */
public record UserView(String id, String username, String displayName, String kind, boolean admin, Instant createdAt) {
  public static UserView of(User u) {
    return new UserView(Long.toString(u.id()), u.username(), u.displayName(), u.kind().name().toLowerCase(), u.admin(), u.createdAt());
  }

  /** A user as anyone else sees them. */
  public record Public(String id, String username, String displayName, String kind, Instant createdAt) {
    public static Public of(User u) {
      return new Public(Long.toString(u.id()), u.username(), u.displayName(), u.kind().name().toLowerCase(), u.createdAt());
    }
  }
}
