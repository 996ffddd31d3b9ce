package io.ultrachat.bus.nats;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * Opens NATS connections the way UltraChat needs them: reconnect forever with backoff once
 * connected, but fail at once, naming the setting to fix, when the first connect fails, so a
 * misconfigured node does not start and then wait silently.
 */
final class NatsConnections {
  private static final Pattern CREDENTIALS = Pattern.compile("(?<=://)[^/@,]*@");

  private NatsConnections() {}

  /**
   * Options for {@code urls} (comma-separated), reconnecting forever. The caller adds its
   * listeners and builds.
   *
   * @throws IllegalArgumentException if a URL is malformed, naming the setting
   */
  static Options.Builder options(String urls, String setting, String connectionName, Duration connectTimeout, Duration reconnectWait) {
    if (urls == null || urls.isBlank()) {
      throw new IllegalArgumentException(setting + " must be set to a NATS URL such as nats://127.0.0.1:4222");
    }
    String[] servers = Arrays.stream(urls.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toArray(String[]::new);
    try {
      return Options.builder()
          .servers(servers)
          .connectionName(connectionName)
          .connectionTimeout(connectTimeout)
          // Once connected, never give up: a broker restart or a network blip must heal by
          // itself. jnats keeps subscriptions and resends them after each reconnect.
          .maxReconnects(-1)
          .reconnectWait(reconnectWait)
          .reconnectJitter(reconnectWait.dividedBy(2))
          // A dead peer behind a silent network is found within about 30 s.
          .pingInterval(Duration.ofSeconds(10))
          .maxPingsOut(3);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid NATS URL in " + setting + " ('" + redact(urls) + "'): " + e.getMessage(), e);
    }
  }

  /**
   * Connects once.
   *
   * @throws IllegalStateException naming the URL (without credentials) and the setting to fix
   */
  static Connection connect(Options options, String urls, String setting) {
    try {
      return Nats.connect(options);
    } catch (IOException e) {
      String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      String message = "cannot connect to NATS at " + redact(urls) + " (" + redact(detail)
          + "); check that the server is running and reachable, or fix the setting " + setting;
      // The client's own message may quote the URL with its credentials: keep such a cause out.
      throw detail.equals(redact(detail)) ? new IllegalStateException(message, e) : new IllegalStateException(message);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while connecting to NATS at " + redact(urls), e);
    }
  }

  /** The URLs with user names, passwords and tokens removed, for messages and logs. */
  static String redact(String urls) {
    return CREDENTIALS.matcher(urls).replaceAll("");
  }
}
