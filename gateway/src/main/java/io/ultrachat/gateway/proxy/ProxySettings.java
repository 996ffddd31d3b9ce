package io.ultrachat.gateway.proxy;

import io.ultrachat.kernel.config.Setting;
import io.ultrachat.kernel.config.SettingsCatalog;
import java.time.Duration;
import java.util.List;

/** Configuration of the gateway's reverse proxy ({@code --services=gateway}). */
public final class ProxySettings implements SettingsCatalog {
  public static final Setting<String> REGISTRY = Setting.text("gateway.registry", "static",
      "Where the gateway finds service instances: `static` (from `gateway.upstreams`) or `key-value` (instances register "
          + "themselves in the shared key-value store, Redis when scaled).");
  public static final Setting<String> UPSTREAMS = Setting.text(StaticRegistry.SETTING, "",
      "Static upstreams: `service=http://host:port[,http://host:port…]` entries separated by `;`, "
          + "e.g. `auth=http://10.0.0.5:8081;chat=http://10.0.0.6:8082,http://10.0.0.7:8082`.");
  public static final Setting<String> BALANCER = Setting.text("gateway.balancer", "round-robin",
      "How a request picks among a service's healthy instances: `round-robin` or `least-in-flight`.");
  public static final Setting<Duration> UPSTREAM_TIMEOUT = Setting.duration("gateway.upstream-timeout", "30s",
      "Longest wait for an upstream's response headers; past it the client gets 504 `upstream-timeout`.");
  public static final Setting<Duration> CONNECT_TIMEOUT = Setting.duration("gateway.connect-timeout", "2s",
      "Longest wait for a TCP connection to an upstream instance; a failure ejects the instance and may be retried.");
  public static final Setting<Integer> MAX_ATTEMPTS = Setting.integer("gateway.max-attempts", 3, 1, 10,
      "Attempts per idempotent request without a body (the first plus retries on other instances).");
  public static final Setting<Duration> HEALTH_INTERVAL = Setting.duration("gateway.health-interval", "2s",
      "How often the registry is re-read and every instance is probed with `GET /health/ready`.");
  public static final Setting<Duration> HEALTH_TIMEOUT = Setting.duration("gateway.health-timeout", "1s",
      "How long a health probe may take before it counts as failed.");
  public static final Setting<Integer> HEALTH_FAILURES = Setting.integer("gateway.health-failures", 2, 1, 100,
      "Consecutive failed probes that take an instance out of rotation; one passing probe brings it back.");
  public static final Setting<Duration> RETRY_AFTER = Setting.duration("gateway.retry-after", "5s",
      "`Retry-After` sent with 503 `upstream-unavailable` when a service has no healthy instance.");
  public static final Setting<Integer> MAX_CONNECTIONS = Setting.integer("gateway.max-connections-per-instance", 256, 1, 100_000,
      "HTTP/1.1 connections the gateway keeps to one upstream instance at most (per event loop).");
  public static final Setting<Duration> REGISTRY_TTL = Setting.duration("gateway.registry-ttl", "15s",
      "With `key-value`: how long an instance stays registered without a heartbeat (a crashed one is gone after this).");
  public static final Setting<Duration> REGISTRY_HEARTBEAT = Setting.duration("gateway.registry-heartbeat", "5s",
      "With `key-value`: how often a running instance re-registers itself; must be shorter than `gateway.registry-ttl`.");

  @Override
  public List<Setting<?>> settings() {
    return List.of(REGISTRY, UPSTREAMS, BALANCER, UPSTREAM_TIMEOUT, CONNECT_TIMEOUT, MAX_ATTEMPTS, HEALTH_INTERVAL, HEALTH_TIMEOUT,
        HEALTH_FAILURES, RETRY_AFTER, MAX_CONNECTIONS, REGISTRY_TTL, REGISTRY_HEARTBEAT);
  }

  /** Durations the proxy cannot work with, refused with the setting's name. */
  static Duration positive(Setting<Duration> setting, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(setting.key() + " must be positive but was " + value);
    }
    return value;
  }
}
