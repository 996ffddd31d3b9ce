package io.ultrachat.kernel.kv;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The embedded {@link KeyValue}: entries in this JVM, for one node.
 *
 * <p>Design notes. <b>Concurrency:</b> entries live in a {@link ConcurrentHashMap} and every
 * operation runs inside {@code compute} on its key, which makes it atomic per key; a hash's
 * field map is touched only there, so it needs no lock of its own. <b>Expiration:</b> time
 * comes from the injected {@link Clock} (tests move a fake one). Expired entries are invisible
 * at once and removed lazily: on access, and by a sweep of the whole map every
 * {@value #PURGE_EVERY} writes. <b>Bounds:</b> at most {@code maxEntries} keys, and as many
 * fields per hash; a write that would pass the bound after purging fails with
 * {@link IllegalStateException} instead of growing without limit.
 */
public final class InMemoryKeyValue implements KeyValue {
  static final int PURGE_EVERY = 1024;

  private final Clock clock;
  private final int maxEntries;
  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
  private final AtomicInteger writesSincePurge = new AtomicInteger();

  private sealed interface Entry permits Value, Hash {}

  private record Value(String value, long expiresAt) implements Entry {}

  private record Field(String value, long expiresAt) {}

  /**
   * Fields of one hash; guarded by the map's per-key {@code compute}. A hash may hold a field per
   * online user (presence), so touching one field must not walk them all: {@code earliest} is a
   * lower bound of the fields' expiries, and only once time passes it can a field have expired,
   * so a purge walks the fields at most once per expiry it passes, not on every access.
   */
  private static final class Hash implements Entry {
    final Map<String, Field> fields = new HashMap<>();
    private long earliest = Long.MAX_VALUE;

    Field put(String name, Field field) {
      earliest = Math.min(earliest, field.expiresAt);
      return fields.put(name, field);
    }

    /** Drops expired fields; true if none is left. */
    boolean purge(long now) {
      if (now < earliest) {
        return fields.isEmpty();
      }
      long next = Long.MAX_VALUE;
      for (Iterator<Field> it = fields.values().iterator(); it.hasNext(); ) {
        long expiresAt = it.next().expiresAt;
        if (expiresAt <= now) {
          it.remove();
        } else {
          next = Math.min(next, expiresAt);
        }
      }
      earliest = next;
      return fields.isEmpty();
    }
  }

  /**
   * @param clock the source of time for every expiry
   * @param maxEntries most keys held at once, and most fields in one hash
   */
  public InMemoryKeyValue(Clock clock, int maxEntries) {
    this.clock = Objects.requireNonNull(clock, "clock");
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be at least 1 but was " + maxEntries);
    }
    this.maxEntries = maxEntries;
  }

  /** With room for a million keys. */
  public InMemoryKeyValue(Clock clock) {
    this(clock, 1_000_000);
  }

  @Override
  public Optional<String> get(String key) {
    checkName("key", key);
    long now = now();
    Value v = asValue(key, live(key, now));
    return v == null ? Optional.empty() : Optional.of(v.value);
  }

  @Override
  public void put(String key, String value, Duration ttl) {
    checkName("key", key);
    Objects.requireNonNull(value, "value");
    long expiresAt = expiry(ttl);
    write(key, (k, e) -> new Value(value, expiresAt));
  }

  @Override
  public boolean putIfAbsent(String key, String value, Duration ttl) {
    checkName("key", key);
    Objects.requireNonNull(value, "value");
    long expiresAt = expiry(ttl);
    long now = now();
    boolean[] set = {false};
    write(key, (k, e) -> {
      if (alive(e, now)) {
        return e;
      }
      set[0] = true;
      return new Value(value, expiresAt);
    });
    return set[0];
  }

  @Override
  public boolean delete(String key) {
    checkName("key", key);
    long now = now();
    boolean[] removed = {false};
    entries.computeIfPresent(key, (k, e) -> {
      removed[0] = alive(e, now);
      return null;
    });
    return removed[0];
  }

  @Override
  public long increment(String key, long delta, Duration ttl) {
    checkName("key", key);
    long expiresAt = expiry(ttl);
    long now = now();
    long[] count = {0};
    write(key, (k, e) -> {
      if (!alive(e, now)) {
        count[0] = delta;
        return new Value(Long.toString(delta), expiresAt);
      }
      Value v = asValue(k, e);
      long current;
      try {
        current = Long.parseLong(v.value);
      } catch (NumberFormatException notACounter) {
        throw new IllegalStateException("key '" + k + "' holds a value that is not a counter");
      }
      try {
        count[0] = Math.addExact(current, delta);
      } catch (ArithmeticException overflow) {
        throw new IllegalStateException("counter '" + k + "' would overflow");
      }
      return new Value(Long.toString(count[0]), v.expiresAt);
    });
    return count[0];
  }

  @Override
  public Optional<String> putField(String key, String field, String value, Duration ttl) {
    checkName("key", key);
    checkName("field", field);
    Objects.requireNonNull(value, "value");
    long expiresAt = expiry(ttl);
    long now = now();
    Field[] previous = {null};
    write(key, (k, e) -> {
      Hash h = alive(e, now) ? asHash(k, e) : new Hash();
      h.purge(now);
      if (!h.fields.containsKey(field) && h.fields.size() >= maxEntries) {
        throw new IllegalStateException("hash '" + k + "' already has the most fields allowed, " + maxEntries);
      }
      previous[0] = h.put(field, new Field(value, expiresAt));
      return h;
    });
    return previous[0] == null ? Optional.empty() : Optional.of(previous[0].value);
  }

  @Override
  public Optional<String> getField(String key, String field) {
    checkName("key", key);
    checkName("field", field);
    return Optional.ofNullable(fields(key).get(field));
  }

  @Override
  public Optional<String> deleteField(String key, String field) {
    checkName("key", key);
    checkName("field", field);
    long now = now();
    Field[] removed = {null};
    entries.computeIfPresent(key, (k, e) -> {
      if (!alive(e, now)) {
        return null;
      }
      Hash h = asHash(k, e);
      removed[0] = h.fields.remove(field);
      return h.purge(now) ? null : h;
    });
    return removed[0] == null || removed[0].expiresAt <= now ? Optional.empty() : Optional.of(removed[0].value);
  }

  @Override
  public Map<String, String> fields(String key) {
    checkName("key", key);
    long now = now();
    Map<String, String> out = new HashMap<>();
    entries.computeIfPresent(key, (k, e) -> {
      if (!alive(e, now)) {
        return null;
      }
      Hash h = asHash(k, e);
      if (h.purge(now)) {
        return null;
      }
      h.fields.forEach((name, f) -> out.put(name, f.value));
      return h;
    });
    return Map.copyOf(out);
  }

  /** Keys held, including expired ones not yet purged; for tests and metrics. */
  public int size() {
    return entries.size();
  }

  /** Removes every expired entry and field now. */
  public void purgeExpired() {
    long now = now();
    for (Iterator<String> it = entries.keySet().iterator(); it.hasNext(); ) {
      entries.computeIfPresent(it.next(), (k, e) -> alive(e, now) ? e : null);
    }
  }

  /** The entry under a key if it is alive (removing it if it expired), else null. */
  private Entry live(String key, long now) {
    Entry[] out = {null};
    entries.computeIfPresent(key, (k, e) -> {
      if (!alive(e, now)) {
        return null;
      }
      out[0] = e;
      return e;
    });
    return out[0];
  }

  private void write(String key, java.util.function.BiFunction<String, Entry, Entry> change) {
    if (writesSincePurge.incrementAndGet() >= PURGE_EVERY) {
      writesSincePurge.set(0);
      purgeExpired();
    }
    if (entries.size() >= maxEntries && !entries.containsKey(key)) {
      purgeExpired();
      if (entries.size() >= maxEntries) {
        throw new IllegalStateException("the key-value store holds the most keys allowed, " + maxEntries);
      }
    }
    entries.compute(key, change);
  }

  /** Whether an entry is alive; a hash is alive while one of its fields is. */
  private static boolean alive(Entry e, long now) {
    return switch (e) {
      case null -> false;
      case Value v -> v.expiresAt > now;
      case Hash h -> !h.purge(now);
    };
  }

  private static Value asValue(String key, Entry e) {
    return switch (e) {
      case null -> null;
      case Value v -> v;
      case Hash h -> throw new IllegalStateException("key '" + key + "' holds a hash, not a value");
    };
  }

  private static Hash asHash(String key, Entry e) {
    return switch (e) {
      case Hash h -> h;
      case Value v -> throw new IllegalStateException("key '" + key + "' holds a value, not a hash");
      case null -> throw new IllegalStateException("key '" + key + "' holds nothing");
    };
  }

  private long now() {
    return clock.millis();
  }

  private long expiry(Duration ttl) {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.compareTo(Duration.ofMillis(1)) < 0) {
      throw new IllegalArgumentException("ttl must be at least 1 ms but was " + ttl);
    }
    long millis;
    try {
      millis = ttl.toMillis();
    } catch (ArithmeticException huge) {
      millis = Long.MAX_VALUE;
    }
    long now = now();
    return millis >= Long.MAX_VALUE - now ? Long.MAX_VALUE : now + millis;
  }

  private static void checkName(String what, String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException(what + " must not be empty");
    }
    if (name.length() > NAME_MAX) {
      throw new IllegalArgumentException(what + " must be at most " + NAME_MAX + " characters but was " + name.length());
    }
  }
}
