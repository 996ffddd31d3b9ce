package io.ultrachat.redis;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.ultrachat.kernel.bus.Bus;
import io.ultrachat.kernel.bus.BusMessage;
import io.ultrachat.kernel.cache.Cache;
import io.ultrachat.kernel.cache.CacheCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One resource cached in a Caffeine L1 on this node and, with a codec, a Redis L2 shared by all
 * nodes; writes and invalidations are broadcast on the bus so other nodes drop their L1 copy.
 *
 * <p>Design notes. <b>Identity:</b> an entry is known everywhere by its key id (the codec's
 * {@code key}, or {@code toString} without a codec); L1 is keyed by the id and keeps the real
 * key beside the value, so two keys that share an id only cost misses, never a wrong value.
 * <b>Expiry:</b> every entry carries its expiry instant from the injected {@link Clock}, stored
 * with the bytes in L2, and L1 takes that instant rather than a fresh TTL, so a value never lives
 * longer than the policy says however many nodes pass it on. Redis's own {@code PX} is only the
 * bound on Redis memory. <b>Consistency on this node:</b> {@link #invalidate} writes the L2
 * tombstone, then drops L1, before it returns; a read racing with it either finishes first (and
 * Caffeine removes its result, as removal waits for an in-flight load) or reads after the
 * tombstone. Reads that copy an L2 hit into L1 outside Caffeine's load check a per-stripe
 * invalidation counter before and after. <b>Other nodes:</b> they drop L1 when the broadcast
 * arrives; until then (the bus's delivery latency) they may serve the old value from L1.
 * <b>Redis down:</b> every L2 call is guarded: failures count in
 * {@code cache_l2_errors_total{cache,reason}}, the factory's {@link L2Health} stops calling
 * Redis for a while, and the cache serves from L1 and the loader. An invalidation that could
 * not reach Redis marks the resource dirty; the first L2 call after recovery bumps the
 * resource's generation, so no value invalidated during the outage is served afterwards.
 *
 * <p>Thread-safe. Bus handlers run on the bus's threads.
 */
final class TieredCache<K, V> implements Cache<K, V> {
  private static final Logger LOG = LoggerFactory.getLogger(TieredCache.class);
  private static final int STRIPES = 64;
  private static final String VERSION = "1";

  /** An L1 entry: the key it belongs to, the value, and when it expires (ms of the clock). */
  record Entry<K, V>(K key, V value, long expiresAt) {}

  private enum Outcome { L2_HIT, LOADED, LOADED_WITHOUT_L2, EMPTY }

  private final String name;
  private final Cache<String, Entry<K, V>> l1;
  private final CacheCodec<K, V> codec;
  private final RedisL2 l2;
  private final L2Health health;
  private final Clock clock;
  private final long ttlMillis;
  private final long l2TtlMillis;
  private final Bus bus;
  private final String subject;
  private final String origin = UUID.randomUUID().toString();
  private final Bus.Subscription subscription;
  /** Bumped by every invalidation and write of a key in the stripe, local or remote. */
  private final AtomicLongArray stripes = new AtomicLongArray(STRIPES);
  /** An invalidation did not reach L2: bump the generation before trusting L2 again. */
  private final AtomicBoolean dirty = new AtomicBoolean();

  private final Counter hits;
  private final Counter misses;
  private final Counter l1Hits;
  private final Counter l1Misses;
  private final Counter l2Hits;
  private final Counter l2Misses;
  private final Counter redisErrors;
  private final Counter decodeErrors;
  private final Counter busErrors;

  /**
   * @param codec null for an L1-only cache (no codec given), in which case {@code l2} is null too
   * @param ttlMillis how long a written entry lives, {@link Long#MAX_VALUE} for never
   * @param l2TtlMillis the {@code PX} of L2 entries, which bounds Redis memory
   */
  TieredCache(String name, Cache<String, Entry<K, V>> l1, CacheCodec<K, V> codec, RedisL2 l2, L2Health health, Clock clock,
      long ttlMillis, long l2TtlMillis, Bus bus, MeterRegistry registry) {
    this.name = name;
    this.l1 = l1;
    this.codec = codec;
    this.l2 = l2;
    this.health = health;
    this.clock = clock;
    this.ttlMillis = ttlMillis;
    this.l2TtlMillis = l2TtlMillis;
    this.bus = bus;
    this.subject = RedisCacheFactory.SUBJECT_PREFIX + name;
    this.hits = gets(registry, "hit");
    this.misses = gets(registry, "miss");
    this.l1Hits = levelGets(registry, "l1", "hit");
    this.l1Misses = levelGets(registry, "l1", "miss");
    this.l2Hits = levelGets(registry, "l2", "hit");
    this.l2Misses = levelGets(registry, "l2", "miss");
    this.redisErrors = errors(registry, "redis");
    this.decodeErrors = errors(registry, "decode");
    this.busErrors = errors(registry, "bus");
    this.subscription = bus.subscribe(subject, this::onInvalidation);
  }

  private Counter gets(MeterRegistry registry, String result) {
    return Counter.builder("cache.gets").tag("cache", name).tag("result", result)
        .description("Cache lookups of a resource, hit or miss over both levels").register(registry);
  }

  private Counter levelGets(MeterRegistry registry, String level, String result) {
    return Counter.builder("cache.level.gets").tag("cache", name).tag("level", level).tag("result", result)
        .description("Lookups per cache level: l1 is this node's memory, l2 is Redis").register(registry);
  }

  private Counter errors(MeterRegistry registry, String reason) {
    return Counter.builder("cache.l2.errors").tag("cache", name).tag("reason", reason)
        .description("Failed L2 calls (redis), unreadable L2 entries (decode), failed invalidation broadcasts (bus)")
        .register(registry);
  }

  @Override
  public Optional<V> get(K key, Function<K, Optional<V>> loader) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(loader, "loader");
    String id = id(key);
    Optional<Entry<K, V>> local = l1.peek(id);
    if (local.isPresent() && live(local.get()) && local.get().key().equals(key)) {
      l1Hits.increment();
      hits.increment();
      return Optional.of(local.get().value());
    }
    Outcome[] outcome = {null};
    Optional<Entry<K, V>> found;
    if (local.isPresent() && live(local.get()) && !local.get().key().equals(key)) {
      // Another key has this id: serve without caching, so neither evicts the other.
      found = fetch(key, id, loader, outcome);
    } else {
      if (local.isPresent()) {
        l1.invalidate(id);
      }
      found = l1.get(id, i -> fetch(key, id, loader, outcome));
    }
    count(outcome[0]);
    return found.map(Entry::value);
  }

  /** L2, then the loader; runs inside Caffeine's load, once per key at a time on this node. */
  private Optional<Entry<K, V>> fetch(K key, String id, Function<K, Optional<V>> loader, Outcome[] outcome) {
    RedisL2.Read read = readL2(id);
    if (read != null) {
      Entry<K, V> hit = decode(key, read.value());
      if (hit != null) {
        outcome[0] = Outcome.L2_HIT;
        return Optional.of(hit);
      }
    }
    Optional<V> loaded = loader.apply(key);
    if (loaded.isEmpty()) {
      outcome[0] = Outcome.EMPTY;
      return Optional.empty();
    }
    outcome[0] = read == null ? Outcome.LOADED_WITHOUT_L2 : Outcome.LOADED;
    Entry<K, V> entry = stamp(key, loaded.get());
    if (read != null) {
      byte[] bytes = encode(entry);
      if (bytes != null) {
        guarded(() -> l2.fill(read.generation(), id, bytes, l2TtlMillis), false);
      }
    }
    return Optional.of(entry);
  }

  private void count(Outcome outcome) {
    if (outcome == null) {
      // Another thread was loading this key; its result came from L1 after all.
      l1Hits.increment();
      hits.increment();
      return;
    }
    l1Misses.increment();
    switch (outcome) {
      case L2_HIT -> {
        l2Hits.increment();
        hits.increment();
      }
      case LOADED -> {
        l2Misses.increment();
        misses.increment();
      }
      case EMPTY, LOADED_WITHOUT_L2 -> misses.increment();
    }
  }

  @Override
  public Optional<V> getIfPresent(K key) {
    Objects.requireNonNull(key, "key");
    Optional<V> local = fromL1(key);
    if (local.isPresent()) {
      l1Hits.increment();
      hits.increment();
      return local;
    }
    l1Misses.increment();
    Optional<V> shared = fromL2(key, true);
    if (shared.isPresent()) {
      l2Hits.increment();
      hits.increment();
    } else {
      if (l2 != null) {
        l2Misses.increment();
      }
      misses.increment();
    }
    return shared;
  }

  @Override
  public Optional<V> peek(K key) {
    Objects.requireNonNull(key, "key");
    Optional<V> local = fromL1(key);
    return local.isPresent() ? local : fromL2(key, false);
  }

  /** This node's live copy, if any; for the bound check of tests and for {@link #peek}. */
  Optional<V> fromL1(K key) {
    return l1.peek(id(key)).filter(e -> live(e) && e.key().equals(key)).map(Entry::value);
  }

  private Optional<V> fromL2(K key, boolean install) {
    if (l2 == null) {
      return Optional.empty();
    }
    String id = id(key);
    int stripe = stripe(id);
    long before = stripes.get(stripe);
    RedisL2.Read read = readL2(id);
    Entry<K, V> entry = read == null ? null : decode(key, read.value());
    if (entry == null) {
      return Optional.empty();
    }
    if (install && stripes.get(stripe) == before) {
      l1.put(id, entry);
      if (stripes.get(stripe) != before) {
        // An invalidation ran between the check and the put: it may have missed this entry.
        l1.invalidate(id);
      }
    }
    return Optional.of(entry.value());
  }

  @Override
  public void put(K key, V value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    String id = id(key);
    stripes.incrementAndGet(stripe(id));
    Entry<K, V> entry = stamp(key, value);
    boolean shared = false;
    if (l2 != null) {
      byte[] bytes = encode(entry);
      shared = bytes != null && guarded(() -> {
        l2.write(id, bytes, l2TtlMillis);
        return true;
      }, false);
    }
    l1.put(id, entry);
    // Other nodes drop their copy and read the new one from L2 (or their loader).
    broadcast("K", shared || l2 == null, id);
  }

  @Override
  public void invalidate(K key) {
    Objects.requireNonNull(key, "key");
    String id = id(key);
    stripes.incrementAndGet(stripe(id));
    boolean shared = invalidateL2(id);
    l1.invalidate(id);
    broadcast("K", shared, id);
  }

  @Override
  public void invalidateAll() {
    bumpAllStripes();
    boolean shared = invalidateAllL2();
    l1.invalidateAll();
    broadcast("A", shared, "");
  }

  @Override
  public String name() {
    return name;
  }

  /** Stops listening for other nodes' invalidations. */
  void close() {
    subscription.close();
  }

  /** Tombstones the key in L2; false if that could not be done (and the resource is now dirty). */
  private boolean invalidateL2(String id) {
    if (l2 == null) {
      return true;
    }
    boolean done = guarded(() -> {
      l2.invalidate(id);
      return true;
    }, false);
    if (!done) {
      dirty.set(true);
    }
    return done;
  }

  private boolean invalidateAllL2() {
    if (l2 == null) {
      return true;
    }
    boolean done = guarded(() -> {
      l2.invalidateAll();
      return true;
    }, false);
    if (!done) {
      dirty.set(true);
    }
    return done;
  }

  /** Message: version, origin, kind (K key | A all), whether L2 was updated, key id. */
  private void broadcast(String kind, boolean l2Done, String id) {
    String text = VERSION + "\n" + origin + "\n" + kind + "\n" + (l2Done ? "1" : "0") + "\n" + id;
    try {
      bus.publish(subject, text.getBytes(StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      busErrors.increment();
      LOG.warn("cache {}: could not broadcast an invalidation; other nodes may serve the old value until it expires", name, e);
    }
  }

  private void onInvalidation(BusMessage message) {
    String[] parts = new String(message.payload(), StandardCharsets.UTF_8).split("\n", 5);
    if (parts.length != 5 || !parts[0].equals(VERSION)) {
      LOG.warn("cache {}: ignored an invalidation in an unknown format on {}", name, message.subject());
      return;
    }
    if (parts[1].equals(origin)) {
      return;
    }
    boolean l2Done = parts[3].equals("1");
    if (parts[2].equals("A")) {
      bumpAllStripes();
      l1.invalidateAll();
      if (!l2Done) {
        invalidateAllL2();
      }
    } else {
      String id = parts[4];
      stripes.incrementAndGet(stripe(id));
      l1.invalidate(id);
      if (!l2Done) {
        // The writer could not reach Redis; whoever can, does it for them.
        invalidateL2(id);
      }
    }
  }

  /** An L2 read, or null if there is no L2 or it failed. */
  private RedisL2.Read readL2(String id) {
    return l2 == null ? null : guarded(() -> l2.read(id), null);
  }

  /**
   * Runs an L2 call unless L2 is known to be down; any failure is counted and the fallback is
   * returned. A dirty resource has its generation bumped first.
   */
  private <T> T guarded(Supplier<T> call, T fallback) {
    if (!health.shouldTry()) {
      return fallback;
    }
    try {
      if (dirty.get()) {
        l2.invalidateAll();
        dirty.set(false);
      }
      T out = call.get();
      health.succeeded();
      return out;
    } catch (RuntimeException e) {
      redisErrors.increment();
      health.failed(name, e);
      return fallback;
    }
  }

  private Entry<K, V> decode(K key, byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    try {
      ByteBuffer in = ByteBuffer.wrap(bytes);
      long expiresAt = in.getLong();
      byte[] body = new byte[in.remaining()];
      in.get(body);
      Entry<K, V> entry = new Entry<>(key, codec.decode(body), expiresAt);
      return live(entry) ? entry : null;
    } catch (RuntimeException e) {
      decodeErrors.increment();
      LOG.debug("cache {}: an L2 entry could not be read; loading it instead", name, e);
      return null;
    }
  }

  /** The L2 bytes: the expiry instant, then the codec's bytes; null if the codec refuses. */
  private byte[] encode(Entry<K, V> entry) {
    try {
      byte[] body = codec.encode(entry.value());
      return ByteBuffer.allocate(Long.BYTES + body.length).putLong(entry.expiresAt()).put(body).array();
    } catch (RuntimeException e) {
      decodeErrors.increment();
      LOG.warn("cache {}: a value could not be encoded for L2; it stays in L1 only", name, e);
      return null;
    }
  }

  private Entry<K, V> stamp(K key, V value) {
    long now = clock.millis();
    long expiresAt = ttlMillis >= Long.MAX_VALUE - now ? Long.MAX_VALUE : now + ttlMillis;
    return new Entry<>(key, value, expiresAt);
  }

  private boolean live(Entry<K, V> entry) {
    return entry.expiresAt() > clock.millis();
  }

  private String id(K key) {
    return codec == null ? String.valueOf(key) : codec.key(key);
  }

  private static int stripe(String id) {
    return Math.floorMod(id.hashCode(), STRIPES);
  }

  private void bumpAllStripes() {
    for (int i = 0; i < STRIPES; i++) {
      stripes.incrementAndGet(i);
    }
  }
}
