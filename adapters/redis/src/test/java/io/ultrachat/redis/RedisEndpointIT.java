package io.ultrachat.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Misconfiguration fails at start, naming the setting and the server but never the password. */
class RedisEndpointIT {
  private static final String PASSWORD = "s3cret-Pa55word";

  @Test
  void anUnreachableServerFailsFastNamingTheSettingAndAddress() {
    int port = TestRedis.freePort();
    assertThatThrownBy(() -> RedisEndpoint.connect("cache.redis-url", "redis://:" + PASSWORD + "@127.0.0.1:" + port, Duration.ofMillis(500)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cache.redis-url")
        .hasMessageContaining("127.0.0.1:" + port)
        .satisfies(e -> assertThat(stackTrace(e)).doesNotContain(PASSWORD));
  }

  @Test
  void aWrongPasswordFailsFastWithoutRepeatingIt() {
    // The local server's default user takes any password, but there is no such user.
    String url = TestRedis.url().replace("redis://", "redis://no-such-user:" + PASSWORD + "@");
    assertThatThrownBy(() -> RedisEndpoint.connect("kv.redis-url", url, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("kv.redis-url")
        .satisfies(e -> assertThat(stackTrace(e)).doesNotContain(PASSWORD));
  }

  @Test
  void aMalformedUrlIsRefusedWithoutRepeatingIt() {
    assertThatThrownBy(() -> RedisEndpoint.connect("kv.redis-url", "http://:" + PASSWORD + "@127.0.0.1:6379", Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("kv.redis-url")
        .satisfies(e -> assertThat(stackTrace(e)).doesNotContain(PASSWORD));
  }

  @Test
  void aReachableServerConnects() {
    try (RedisEndpoint endpoint = RedisEndpoint.connect("kv.redis-url", TestRedis.url(), Duration.ofSeconds(1))) {
      assertThat(endpoint.text().sync().ping()).isEqualTo("PONG");
      assertThat(endpoint.address()).contains(":");
    }
  }

  private static String stackTrace(Throwable e) {
    StringWriter out = new StringWriter();
    e.printStackTrace(new PrintWriter(out));
    return out.toString();
  }
}
