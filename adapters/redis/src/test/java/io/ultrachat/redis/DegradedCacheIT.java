package io.ultrachat.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.ultrachat.kernel.bus.InProcessBus;
import io.ultrachat.kernel.cache.Cache;
import io.ultrachat.kernel.cache.CachePolicy;
import io.ultrachat.kernel.cache.JsonCacheCodec;
import java.io.File;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Redis of its own (a child redis-server on a free port), stopped, paused and restarted under
 * the cache: reads keep working from L1 and the loader, nothing throws, and L2 comes back alone.
 */
class DegradedCacheIT {
  private final int port = TestRedis.freePort();
  private final InProcessBus bus = new InProcessBus();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final CachePolicy policy = new CachePolicy("degraded", Duration.ofHours(1), 1000, CachePolicy.Invalidation.BOTH);
  private Process server;
  private RedisEndpoint endpointA;
  private RedisEndpoint endpointB;
  private RedisCacheFactory factoryA;
  private RedisCacheFactory factoryB;

  @BeforeEach
  void start() throws Exception {
    startServer();
    endpointA = RedisEndpoint.connect("cache.redis-url", url(), Duration.ofMillis(300));
    endpointB = RedisEndpoint.connect("cache.redis-url", url(), Duration.ofMillis(300));
    RedisCacheFactory.Options options = new RedisCacheFactory.Options("ultrachat:", Duration.ofSeconds(3600), Duration.ofSeconds(5),
        Duration.ofMillis(200));
    factoryA = new RedisCacheFactory(endpointA, bus, registry, Clock.systemUTC(), 1_000_000, options);
    factoryB = new RedisCacheFactory(endpointB, bus, new SimpleMeterRegistry(), Clock.systemUTC(), 1_000_000, options);
  }

  @AfterEach
  void stop() throws Exception {
    factoryA.close();
    factoryB.close();
    endpointA.close();
    endpointB.close();
    bus.close();
    signal("CONT");
    server.destroy();
    server.waitFor(10, TimeUnit.SECONDS);
  }

  private String url() {
    return "redis://127.0.0.1:" + port;
  }

  private void startServer() throws IOException, InterruptedException {
    server = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
        "--appendonly", "no", "--daemonize", "no")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.to(new File("target/redis-" + port + ".log")))
        .start();
    await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
      try (RedisEndpoint probe = RedisEndpoint.connect("cache.redis-url", url(), Duration.ofMillis(300))) {
        return "PONG".equals(probe.text().sync().ping());
      }
    });
  }

  private void killServer() throws InterruptedException {
    server.destroyForcibly();
    server.waitFor(10, TimeUnit.SECONDS);
  }

  /** Sends a signal to the child redis-server, by its PID. */
  private void signal(String name) throws IOException, InterruptedException {
    if (server.isAlive()) {
      new ProcessBuilder("kill", "-" + name, Long.toString(server.pid())).start().waitFor(5, TimeUnit.SECONDS);
    }
  }

  private double errors() {
    return registry.get("cache.l2.errors").tag("cache", "degraded").tag("reason", "redis").counter().count();
  }

  @Test
  void readsWorkWhileRedisIsDownAndL2ComesBackWithIt() throws Exception {
    Cache<String, String> a = factoryA.create(policy, JsonCacheCodec.of(String.class));
    Cache<String, String> b = factoryB.create(policy, JsonCacheCodec.of(String.class));
    assertThat(a.get("cached", k -> Optional.of("v"))).contains("v");

    killServer();
    // L1 still serves what it has; misses go to the loader; writes and invalidations do not throw.
    assertThat(a.get("cached", k -> Optional.of("other"))).contains("v");
    for (int i = 0; i < 20; i++) {
      assertThat(a.get("new-" + i, k -> Optional.of("loaded"))).contains("loaded");
      assertThat(b.getIfPresent("absent-" + i)).isEmpty();
    }
    a.put("written", "w");
    a.invalidate("cached");
    assertThat(a.get("cached", k -> Optional.of("reloaded"))).contains("reloaded");
    assertThat(errors()).isPositive();

    startServer();
    // Once Redis is back, a value written on one node is an L2 hit on the other, with no restart.
    AtomicInteger attempt = new AtomicInteger();
    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
      String key = "after-" + attempt.incrementAndGet();
      a.put(key, "shared");
      assertThat(b.get(key, k -> Optional.of("from-loader"))).contains("shared");
    });
  }

  @Test
  void anInvalidationMissedByAPausedRedisIsHonouredWhenItReturns() throws Exception {
    Cache<String, String> a = factoryA.create(policy, JsonCacheCodec.of(String.class));
    Cache<String, String> b = factoryB.create(policy, JsonCacheCodec.of(String.class));
    assertThat(a.get("k", key -> Optional.of("old"))).contains("old");

    // Paused, Redis keeps its data but answers nothing: commands time out.
    signal("STOP");
    a.invalidate("k");
    assertThat(a.get("k", key -> Optional.of("new"))).contains("new");
    signal("CONT");

    // The tombstone may never have reached Redis, so "old" may still be there: the first L2 call
    // of the node that could not invalidate moves the resource to a new generation.
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      a.getIfPresent("probe");
      assertThat(endpointB.binary().sync().get("ultrachat:cache:{degraded}:gen")).isNotNull();
    });
    assertThat(b.get("k", key -> Optional.of("new"))).contains("new");
    Cache<String, String> c = factoryB.create(policy, JsonCacheCodec.of(String.class));
    assertThat(c.getIfPresent("k")).isNotEqualTo(Optional.of("old"));
  }
}
