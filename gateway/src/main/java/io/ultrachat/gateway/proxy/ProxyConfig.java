package io.ultrachat.gateway.proxy;

import io.ultrachat.kernel.config.Settings;
import java.time.Duration;
import java.util.Locale;

/**
 * The proxy's tuning, read once from {@link ProxySettings} (or built in code and tests).
 * Immutable.
 *
 * @param upstreamTimeout longest wait from sending a request to the upstream's response headers
 * @param connectTimeout longest wait for a connection to an instance
 * @param maxAttempts attempts per retryable request, the first included
 * @param healthInterval period of registry refresh and health probes
 * @param healthTimeout timeout of one probe
 * @param healthFailures consecutive failed probes that take an instance out
 * @param retryAfter what 503 {@code upstream-unavailable} tells clients to wait
 * @param balancer how an instance is picked
 * @param maxConnectionsPerInstance connection pool bound per instance
 */
public record ProxyConfig(Duration upstreamTimeout, Duration connectTimeout, int maxAttempts, Duration healthInterval,
    Duration healthTimeout, int healthFailures, Duration retryAfter, Balancer balancer, int maxConnectionsPerInstance) {

  /** How a request picks among the healthy instances of a service. */
  public enum Balancer {
    /** In turn, one after the other. */
    ROUND_ROBIN,
    /** The one with the fewest requests in flight from this gateway; ties go round robin. */
    LEAST_IN_FLIGHT
  }

  public ProxyConfig {
    ProxySettings.positive(ProxySettings.UPSTREAM_TIMEOUT, upstreamTimeout);
    ProxySettings.positive(ProxySettings.CONNECT_TIMEOUT, connectTimeout);
    ProxySettings.positive(ProxySettings.HEALTH_INTERVAL, healthInterval);
    ProxySettings.positive(ProxySettings.HEALTH_TIMEOUT, healthTimeout);
    ProxySettings.positive(ProxySettings.RETRY_AFTER, retryAfter);
    if (maxAttempts < 1 || healthFailures < 1 || maxConnectionsPerInstance < 1) {
      throw new IllegalArgumentException("gateway.max-attempts, gateway.health-failures and gateway.max-connections-per-instance "
          + "must be at least 1");
    }
  }

  public static ProxyConfig from(Settings settings) {
    String balancer = settings.get(ProxySettings.BALANCER).strip().toLowerCase(Locale.ROOT);
    Balancer b = switch (balancer) {
      case "round-robin" -> Balancer.ROUND_ROBIN;
      case "least-in-flight" -> Balancer.LEAST_IN_FLIGHT;
      default -> throw new IllegalArgumentException(ProxySettings.BALANCER.key()
          + " must be round-robin or least-in-flight but was '" + balancer + "'");
    };
    return new ProxyConfig(settings.get(ProxySettings.UPSTREAM_TIMEOUT), settings.get(ProxySettings.CONNECT_TIMEOUT),
        settings.get(ProxySettings.MAX_ATTEMPTS), settings.get(ProxySettings.HEALTH_INTERVAL),
        settings.get(ProxySettings.HEALTH_TIMEOUT), settings.get(ProxySettings.HEALTH_FAILURES),
        settings.get(ProxySettings.RETRY_AFTER), b, settings.get(ProxySettings.MAX_CONNECTIONS));
  }

  /** The documented defaults. */
  public static ProxyConfig defaults() {
    return new ProxyConfig(Duration.ofSeconds(30), Duration.ofSeconds(2), 3, Duration.ofSeconds(2), Duration.ofSeconds(1), 2,
        Duration.ofSeconds(5), Balancer.ROUND_ROBIN, 256);
  }

  public ProxyConfig withUpstreamTimeout(Duration d) {
    return new ProxyConfig(d, connectTimeout, maxAttempts, healthInterval, healthTimeout, healthFailures, retryAfter, balancer,
        maxConnectionsPerInstance);
  }

  public ProxyConfig withHealth(Duration interval, Duration timeout, int failures) {
    return new ProxyConfig(upstreamTimeout, connectTimeout, maxAttempts, interval, timeout, failures, retryAfter, balancer,
        maxConnectionsPerInstance);
  }

  public ProxyConfig withBalancer(Balancer b) {
    return new ProxyConfig(upstreamTimeout, connectTimeout, maxAttempts, healthInterval, healthTimeout, healthFailures, retryAfter, b,
        maxConnectionsPerInstance);
  }
}
