package io.ultrachat.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * One Redis server, connected: a text connection (keys and values as strings) and a binary one
 * (string keys, byte values). Lettuce connections are thread-safe and multiplex commands, so one
 * endpoint serves a whole process; share it between {@link RedisKeyValue} and
 * {@link RedisCacheFactory} when they point at the same URL.
 *
 * <p>Design notes. <b>Fail fast:</b> {@link #connect} opens both connections (with a PING)
 * before it returns, so a wrong URL stops the process at start with a message that names the
 * setting and {@code host:port}, never the password. <b>Outages later on</b> do not block
 * callers: while a connection is down commands fail at once ({@code REJECT_COMMANDS}) instead of
 * queueing, every command has {@code commandTimeout}, and Lettuce reconnects in the background
 * with a delay that grows to at most two seconds, so service resumes on its own.
 */
public final class RedisEndpoint implements AutoCloseable {
  /** Longest wait between reconnect attempts; short, because a cache without L2 costs loads. */
  static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(2);

  private final String setting;
  private final String address;
  private final ClientResources resources;
  private final RedisClient client;
  private final StatefulRedisConnection<String, String> text;
  private final StatefulRedisConnection<String, byte[]> binary;

  private RedisEndpoint(String setting, String address, ClientResources resources, RedisClient client,
      StatefulRedisConnection<String, String> text, StatefulRedisConnection<String, byte[]> binary) {
    this.setting = setting;
    this.address = address;
    this.resources = resources;
    this.client = client;
    this.text = text;
    this.binary = binary;
  }

  /**
   * Connects, or fails with a message naming {@code setting} and the server's {@code host:port}.
   *
   * @param setting the configuration key the URL came from, e.g. {@code cache.redis-url}
   * @param url {@code redis://[[user]:password@]host[:port][/database]} (or {@code rediss://})
   * @param commandTimeout longest wait for one command before it fails
   * @throws IllegalArgumentException if the URL is not a Redis URL
   * @throws IllegalStateException if the server cannot be reached or refuses the credentials
   */
  public static RedisEndpoint connect(String setting, String url, Duration commandTimeout) {
    Objects.requireNonNull(setting, "setting");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(commandTimeout, "commandTimeout");
    if (commandTimeout.isNegative() || commandTimeout.isZero()) {
      throw new IllegalArgumentException(setting + ": command timeout must be positive but was " + commandTimeout);
    }
    RedisURI uri;
    try {
      uri = RedisURI.create(url);
    } catch (RuntimeException e) {
      // The URL may hold a password, so neither it nor the parser's message is repeated.
      throw new IllegalArgumentException(setting + ": not a Redis URL; expected redis://[:password@]host[:port][/database]");
    }
    if (uri.getSocket() == null && (uri.getHost() == null || uri.getHost().isBlank())) {
      throw new IllegalArgumentException(setting + ": the Redis URL names no host; expected redis://[:password@]host[:port][/database]");
    }
    String address = uri.getSocket() != null ? uri.getSocket() : uri.getHost() + ":" + uri.getPort();
    uri.setTimeout(commandTimeout);
    ClientResources resources = ClientResources.builder()
        .reconnectDelay(Delay.exponential(Duration.ofMillis(50), MAX_RECONNECT_DELAY, 2, TimeUnit.MILLISECONDS))
        .build();
    RedisClient client = RedisClient.create(resources, uri);
    client.setOptions(ClientOptions.builder()
        .autoReconnect(true)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .socketOptions(SocketOptions.builder().connectTimeout(commandTimeout.multipliedBy(2)).keepAlive(true).build())
        .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
        .build());
    StatefulRedisConnection<String, String> text = null;
    try {
      text = client.connect(StringCodec.UTF8);
      StatefulRedisConnection<String, byte[]> binary = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
      return new RedisEndpoint(setting, address, resources, client, text, binary);
    } catch (RuntimeException e) {
      if (text != null) {
        text.close();
      }
      client.shutdown();
      resources.shutdown();
      throw new IllegalStateException(setting + ": cannot connect to Redis at " + address + " (" + reason(e) + ")", e);
    }
  }

  /** The innermost cause's class, which says refused, timed out or denied without echoing input. */
  private static String reason(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    // Server replies (NOAUTH, WRONGPASS) and socket errors never contain the password.
    return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  /** Strings in, strings out: the key-value store. */
  StatefulRedisConnection<String, String> text() {
    return text;
  }

  /** String keys, byte values: the cache's L2. */
  StatefulRedisConnection<String, byte[]> binary() {
    return binary;
  }

  /** {@code host:port}, for logs. */
  /** Whether the server answers a PING now (within the command timeout); for readiness checks. */
  public boolean reachable() {
    try {
      return "PONG".equals(text.sync().ping());
    } catch (RuntimeException e) {
      return false;
    }
  }

  public String address() {
    return address;
  }

  /** The setting this endpoint was configured by, for messages. */
  public String setting() {
    return setting;
  }

  @Override
  public void close() {
    text.close();
    binary.close();
    client.shutdown();
    resources.shutdown();
  }
}
