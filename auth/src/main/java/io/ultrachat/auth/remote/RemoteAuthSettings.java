package io.ultrachat.auth.remote;

import io.ultrachat.kernel.config.Setting;
import io.ultrachat.kernel.config.SettingsCatalog;
import java.time.Duration;
import java.util.List;

/** Settings of a node that reaches the Auth service over HTTP instead of running it. */
public final class RemoteAuthSettings implements SettingsCatalog {
  public static final Setting<String> AUTH_URL = Setting.text("services.auth-url", "",
      "Base URL of the Auth service (e.g. `http://auth.internal:8080`) for a process that does not run it; empty: found through"
          + " the service registry when there is one. No path-rewriting proxy in between: calls are signed over their path.");
  public static final Setting<Duration> TIMEOUT = Setting.duration("auth.remote.timeout", "2s",
      "Connect and response timeout of each call to a remote Auth service; a connect failure is retried once.");
  public static final Setting<Duration> USER_CACHE_TTL = Setting.duration("auth.remote.user-cache-ttl", "5s",
      "How long a node remembers a user lookup answered by a remote Auth service, \"no such user\" included.");
  public static final Setting<Duration> API_TOKEN_CACHE_TTL = Setting.duration("auth.remote.api-token-cache-ttl", "30s",
      "How long a node remembers an API token introspected by a remote Auth service; bounds how late a revocation applies there.");
  public static final Setting<Duration> JWKS_REFRESH = Setting.duration("auth.remote.jwks-refresh", "5m",
      "How often a node refetches the JWKS of a remote Auth service (also at once, rate-limited, on an unknown `kid`).");
  public static final Setting<Duration> UNKNOWN_KID_INTERVAL = Setting.duration("auth.remote.unknown-kid-interval", "5s",
      "Shortest time between two JWKS fetches caused by tokens with an unknown `kid`, so forged key ids cannot flood the Auth service.");

  @Override
  public List<Setting<?>> settings() {
    return List.of(AUTH_URL, TIMEOUT, USER_CACHE_TTL, API_TOKEN_CACHE_TTL, JWKS_REFRESH, UNKNOWN_KID_INTERVAL);
  }
}
