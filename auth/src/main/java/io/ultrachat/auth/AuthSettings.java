package io.ultrachat.auth;

import io.ultrachat.kernel.config.Setting;
import io.ultrachat.kernel.config.SettingsCatalog;
import java.time.Duration;
import java.util.List;

/** Configuration of the Auth service. Defaults are the product's fixed figures (DESIGN §6). */
public final class AuthSettings implements SettingsCatalog {
  public static final Setting<String> DATABASE_URL = Setting.text("auth.database-url", "",
      "Database of the Auth service; empty means the shared `database.url`.");
  public static final Setting<String> ISSUER = Setting.text("auth.issuer", "ultrachat", "`iss` of access tokens.");
  public static final Setting<String> AUDIENCE = Setting.text("auth.audience", "ultrachat-api", "`aud` of access tokens.");
  public static final Setting<Duration> ACCESS_TOKEN_TTL = Setting.duration("auth.access-token-ttl", "1h",
      "Lifetime of an access token (JWT RS256).");
  public static final Setting<Duration> SESSION_MAX_AGE = Setting.duration("auth.session-max-age", "24h",
      "How long a login session lives without renewal.");
  public static final Setting<Duration> SESSION_RENEW_BEFORE = Setting.duration("auth.session-renew-before", "1h",
      "A refresh renews the session (and rotates the refresh token) when less than this remains.");
  public static final Setting<Duration> SIGNING_KEY_GRACE = Setting.duration("auth.signing-key-grace", "2h",
      "After a rotation, how long tokens signed by the previous key still verify. Must exceed the access-token TTL.");
  public static final Setting<Duration> SIGNING_KEY_REFRESH = Setting.duration("auth.signing-key-refresh", "30s",
      "How often a node reloads signing keys, so a rotation made elsewhere is picked up.");
  public static final Setting<Integer> SIGNING_KEY_BITS = Setting.integer("auth.signing-key-bits", 2048, 2048, 4096,
      "RSA modulus size of new signing keys.");
  public static final Setting<Duration> CLOCK_SKEW = Setting.duration("auth.clock-skew", "30s",
      "Tolerance for `exp`, `nbf` and `iat` when verifying tokens.");
  public static final Setting<Integer> ARGON2_MEMORY_KIB = Setting.integer("auth.argon2.memory-kib", 19456, 1024, 1048576,
      "Argon2id memory cost in KiB (OWASP's minimum is 19456).");
  public static final Setting<Integer> ARGON2_ITERATIONS = Setting.integer("auth.argon2.iterations", 2, 1, 20,
      "Argon2id time cost.");
  public static final Setting<Integer> ARGON2_PARALLELISM = Setting.integer("auth.argon2.parallelism", 1, 1, 16,
      "Argon2id lanes.");
  public static final Setting<Integer> ARGON2_MAX_CONCURRENT = Setting.integer("auth.argon2.max-concurrent", 0, 0, 256,
      "Password hashes computed at once, on their own threads so sign-ins never stall other requests; 0 means half the cores.");
  public static final Setting<Integer> PASSWORD_MIN_LENGTH = Setting.integer("auth.password-min-length", 8, 6, 128,
      "Shortest accepted password.");
  public static final Setting<Integer> LOGIN_FAILURES_BEFORE_BACKOFF = Setting.integer("auth.login-backoff.free-failures", 5, 1, 100,
      "Failed logins for one account before backoff starts.");
  public static final Setting<Duration> LOGIN_BACKOFF_MAX = Setting.duration("auth.login-backoff.max", "15m",
      "Longest wait imposed on an account after repeated failed logins (doubles from 1s).");
  public static final Setting<Boolean> REGISTRATION_OPEN = Setting.bool("auth.registration-open", true,
      "Whether anyone may register. When false, admins create accounts (`ultrachat admin create-user`).");
  public static final Setting<Boolean> FIRST_USER_ADMIN = Setting.bool("auth.first-user-admin", true,
      "Whether the first registered person becomes an admin.");
  public static final Setting<Integer> MAX_API_TOKENS = Setting.integer("auth.max-api-tokens-per-user", 50, 1, 10000,
      "Active API tokens one user (or bot) may hold.");
  public static final Setting<Integer> MAX_BOTS = Setting.integer("auth.max-bots-per-owner", 25, 0, 10000,
      "Bots one person may own.");
  public static final Setting<Integer> MAX_SESSIONS = Setting.integer("auth.max-sessions-per-user", 100, 1, 10000,
      "Active login sessions per user; the oldest is revoked when a new login goes past it.");

  /**
   * How long a session revocation must be remembered at the edge: as long as an access token
   * naming the session can still verify (its lifetime plus skew), with a minute to spare.
   */
  public static Duration revocationMemory(io.ultrachat.kernel.config.Settings settings) {
    return settings.get(ACCESS_TOKEN_TTL).plus(settings.get(CLOCK_SKEW)).plusMinutes(1);
  }

  @Override
  public List<Setting<?>> settings() {
    return List.of(DATABASE_URL, ISSUER, AUDIENCE, ACCESS_TOKEN_TTL, SESSION_MAX_AGE, SESSION_RENEW_BEFORE,
        SIGNING_KEY_GRACE, SIGNING_KEY_REFRESH, SIGNING_KEY_BITS, CLOCK_SKEW, ARGON2_MEMORY_KIB, ARGON2_ITERATIONS,
        ARGON2_PARALLELISM, ARGON2_MAX_CONCURRENT, PASSWORD_MIN_LENGTH, LOGIN_FAILURES_BEFORE_BACKOFF, LOGIN_BACKOFF_MAX, REGISTRATION_OPEN,
        FIRST_USER_ADMIN, MAX_API_TOKENS, MAX_BOTS, MAX_SESSIONS);
  }
}
