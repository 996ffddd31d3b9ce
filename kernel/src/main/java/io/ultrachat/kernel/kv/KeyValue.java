package io.ultrachat.kernel.kv;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Small, ephemeral state shared by the nodes of a deployment: presence, typing indicators, rate
 * limit counters, call rooms. In memory on one node ({@link InMemoryKeyValue}); Redis when
 * scaled. Nothing here is durable and <b>every entry expires</b>: whoever writes an entry says
 * how long it lives, and keeps it alive by writing it again. That is what makes a crashed node's
 * state disappear on its own.
 *
 * <p>Two kinds of entries live under a key:
 * <ul>
 *   <li>a <b>value</b>: one string with one expiry ({@link #put}, {@link #putIfAbsent},
 *       {@link #increment});
 *   <li>a <b>hash</b>: named fields, <em>each with its own expiry</em> ({@link #putField}). A
 *       user's devices are the fields of one hash, so "is any device alive" is one read. The hash
 *       exists while at least one field is alive.
 * </ul>
 * Using a key as the other kind fails with {@link IllegalStateException} (Redis: WRONGTYPE).
 *
 * <p>Every method is atomic on its key and implementations are thread-safe. Methods may block
 * on the network (Redis), so never call them on an event loop.
 *
 * <p>Mapping to Redis: values are {@code SET key v PX ttl [NX]}, {@code GET}, {@code DEL}, and
 * {@code INCRBY} with {@code PEXPIRE … NX} in one script; hashes are {@code HSET} with
 * {@code HPEXPIRE} per field (Redis 7.4+), or on older servers a hash plus a sorted set of
 * field expiries kept together by a script. The previous value that {@link #putField} and
 * {@link #deleteField} return comes from the same script.
 *
 * <p>Arguments: keys and fields are 1 to {@value #NAME_MAX} characters; values are not null;
 * TTLs are at least one millisecond. Anything else is an {@link IllegalArgumentException} that
 * names the argument.
 */
public interface KeyValue {
  /** Longest key or field name. */
  int NAME_MAX = 512;

  /** The live value under {@code key}; empty if there is none or it expired. */
  Optional<String> get(String key);

  /** Sets the value and its time to live, replacing whatever value was there. */
  void put(String key, String value, Duration ttl);

  /**
   * Sets the value only if the key holds no live entry.
   *
   * @return true if this call set it
   */
  boolean putIfAbsent(String key, String value, Duration ttl);

  /**
   * Removes the key, whether it holds a value or a hash.
   *
   * @return true if a live entry was removed
   */
  boolean delete(String key);

  /**
   * Adds {@code delta} to a counter and returns the new count. A key without a live value starts
   * at zero and lives for {@code ttl}; an existing counter keeps its expiry, so this is a fixed
   * window: "at most N per window" is {@code increment(k, 1, window) <= N}.
   *
   * @throws IllegalStateException if the key holds something other than a counter, or it would overflow
   */
  long increment(String key, long delta, Duration ttl);

  /**
   * Sets one field of the hash under {@code key}, with that field's own time to live (the hash
   * is created if needed; other fields keep their expiry).
   *
   * @return the field's previous live value
   */
  Optional<String> putField(String key, String field, String value, Duration ttl);

  /** One live field of a hash; empty if the hash, or the field, is absent or expired. */
  Optional<String> getField(String key, String field);

  /**
   * Removes one field of a hash.
   *
   * @return the value it had, if it was alive
   */
  Optional<String> deleteField(String key, String field);

  /** The live fields of a hash, field → value, as a snapshot; empty if there is no hash. */
  Map<String, String> fields(String key);
}
