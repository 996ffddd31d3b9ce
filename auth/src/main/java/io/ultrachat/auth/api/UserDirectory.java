package io.ultrachat.auth.api;

import java.util.Optional;

/**
 * The Auth service's public interface to other services: look users up. In one process it is
 * a direct call; in a split deployment an HTTP client implements it. Thread-safe.
 */
public interface UserDirectory {
  /** An active user by id; empty if unknown or deactivated. */
  Optional<UserSummary> findById(long userId);

  /** An active user by username, compared case-insensitively; empty if unknown. */
  Optional<UserSummary> findByUsername(String username);
}
