package io.ultrachat.server;

import io.ultrachat.kernel.config.Setting;
import io.ultrachat.kernel.config.SettingsCatalog;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which backend each shared concern uses: the embedded ones on one node, NATS and Redis when a
 * deployment has several nodes (DESIGN §3). Chosen by name, one setting per concern.
 */
public final class BackendSettings implements SettingsCatalog {
  public static final Setting<String> BUS = choice("bus.backend", "in-process", Set.of("in-process", "nats"),
      "Event bus between services and nodes: `in-process` (one node) or `nats`.");
  public static final Setting<String> NATS_URL = Setting.text("bus.nats-url", "nats://127.0.0.1:4222",
      "NATS server(s) of the `nats` bus, comma-separated (`nats://user:password@host:4222`).");
  public static final Setting<String> KEY_VALUE = choice("kv.backend", "in-memory", Set.of("in-memory", "redis"),
      "Ephemeral shared state (presence, typing, rate-limit counters, service registry): `in-memory` (one node) or `redis`.");
  public static final Setting<String> KV_REDIS_URL = Setting.text("kv.redis-url", "redis://127.0.0.1:6379",
      "Redis of the `redis` key-value backend (`redis://[:password@]host:6379[/db]`, or `rediss://`).");
  public static final Setting<String> CACHE = choice("cache.backend", "caffeine", Set.of("caffeine", "redis"),
      "Caches: `caffeine` (in process) or `redis` (Caffeine per node plus a shared Redis tier, invalidated over the bus).");
  public static final Setting<String> CACHE_REDIS_URL = Setting.text("cache.redis-url", "",
      "Redis of the `redis` cache backend; empty: the same server as `kv.redis-url`.");
  public static final Setting<String> REDIS_KEY_PREFIX = Setting.text("redis.key-prefix", "ultrachat:",
      "Put before every Redis key UltraChat writes, so deployments (or test runs) can share one Redis.");
  public static final Setting<Duration> REDIS_TIMEOUT = Setting.duration("redis.command-timeout", "2s",
      "Longest wait for one Redis command before the caller falls back (caches) or gets a retryable error.");

  private static Setting<String> choice(String key, String dflt, Set<String> allowed, String description) {
    return new Setting<>(key, dflt, description, raw -> {
      String v = raw.strip().toLowerCase(Locale.ROOT);
      if (!allowed.contains(v)) {
        throw new IllegalArgumentException("expected one of " + String.join(", ", allowed.stream().sorted().toList())
            + " but was '" + raw + "'");
      }
      return v;
    });
  }

  @Override
  public List<Setting<?>> settings() {
    return List.of(BUS, NATS_URL, KEY_VALUE, KV_REDIS_URL, CACHE, CACHE_REDIS_URL, REDIS_KEY_PREFIX, REDIS_TIMEOUT);
  }
}
