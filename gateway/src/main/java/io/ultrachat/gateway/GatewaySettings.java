package io.ultrachat.gateway;

import io.ultrachat.kernel.config.Setting;
import io.ultrachat.kernel.config.SettingsCatalog;
import java.time.Duration;
import java.util.List;

/** Configuration of the HTTP edge. */
public final class GatewaySettings implements SettingsCatalog {
  public static final Setting<String> HOST = Setting.text("http.host", "0.0.0.0", "Address the server listens on.");
  public static final Setting<Integer> PORT = Setting.integer("http.port", 8080, 0, 65535,
      "Port the server listens on; 0 picks a free one (printed at start).");
  public static final Setting<Integer> EVENT_LOOPS = Setting.integer("http.event-loops", 0, 0, 256,
      "HTTP event-loop threads; 0 means one per CPU core.");
  public static final Setting<Long> MAX_BODY = Setting.bytes("http.max-body-size", "64KiB",
      "Largest accepted request body; larger ones get 413.");
  public static final Setting<String> CORS_ORIGINS = Setting.text("http.cors-allowed-origins", "",
      "Comma-separated origins allowed to call the API from a browser (`*` for any). Empty: same origin only.");
  public static final Setting<Boolean> TRUST_FORWARDED = Setting.bool("http.trust-forwarded-for", false,
      "Take the client address from `X-Forwarded-For` (enable only behind a proxy you run).");
  public static final Setting<Duration> SHUTDOWN_GRACE = Setting.duration("http.shutdown-grace", "10s",
      "How long a stopping server lets in-flight requests finish.");
  public static final Setting<Duration> SHUTDOWN_DELAY = Setting.duration("http.shutdown-delay", "5s",
      "How long a stopping process that runs a subset of the services keeps serving after it has left the registry and "
          + "started failing `/health/ready`, before it closes its WebSockets and refuses new requests: long enough for "
          + "every gateway to stop routing to it (`gateway.health-failures` × `gateway.health-interval` + "
          + "`gateway.health-timeout`). An all-in-one process stops at once.");
  public static final Setting<Integer> AUTH_LIMIT = Setting.integer("rate-limit.auth.requests", 100, 1, 1_000_000_000,
      "Requests per client address to the auth endpoints (register, login, refresh, password) per window.");
  public static final Setting<Duration> AUTH_WINDOW = Setting.duration("rate-limit.auth.window", "15m",
      "Window of the auth-endpoint limit.");
  public static final Setting<Integer> USER_LIMIT = Setting.integer("rate-limit.user.requests", 1200, 1, 1_000_000_000,
      "API requests per authenticated user per window.");
  public static final Setting<Duration> USER_WINDOW = Setting.duration("rate-limit.user.window", "1m", "Window of the per-user limit.");
  public static final Setting<Integer> ANONYMOUS_LIMIT = Setting.integer("rate-limit.anonymous.requests", 600, 1, 1_000_000_000,
      "Requests without credentials per client address per window (public endpoints other than auth).");
  public static final Setting<Duration> ANONYMOUS_WINDOW = Setting.duration("rate-limit.anonymous.window", "1m",
      "Window of the anonymous limit.");

  @Override
  public List<Setting<?>> settings() {
    return List.of(HOST, PORT, EVENT_LOOPS, MAX_BODY, CORS_ORIGINS, TRUST_FORWARDED, SHUTDOWN_GRACE, SHUTDOWN_DELAY,
        AUTH_LIMIT, AUTH_WINDOW, USER_LIMIT, USER_WINDOW, ANONYMOUS_LIMIT, ANONYMOUS_WINDOW);
  }
}
