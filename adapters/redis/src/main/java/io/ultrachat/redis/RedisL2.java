package io.ultrachat.redis;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The Redis side of one cached resource: raw bytes under a key id, no policy. Failures surface
 * as Lettuce exceptions; {@link TieredCache} decides what they mean.
 *
 * <p>Layout. Every key of a resource shares the hash tag {@code {resource}}, so a resource's
 * keys sit in one slot and each script touches one slot. {@code <prefix>cache:{r}:gen} holds
 * the resource's generation (absent = 0); an entry lives at {@code <prefix>cache:{r}:<gen>:<id>}.
 * {@link #invalidateAll} increments the generation, which orphans every entry at once (they
 * expire by their TTL) without scanning the key space.
 *
 * <p>Stale fills. A node that loads from the store after a miss writes the value back with
 * {@code NX}, and only into the generation it read in; an invalidation writes a short-lived
 * tombstone (an empty value) rather than deleting. So a load that read the store before another
 * node's write, but finishes after that node's invalidation, cannot put the old value back into
 * L2, as long as the load takes less than the tombstone's life.
 */
final class RedisL2 {
  /** What a read found: the generation it read in, and the bytes (null if none or a tombstone). */
  record Read(String generation, byte[] value) {}

  private static final byte[] TOMBSTONE = new byte[0];

  // KEYS: gen. ARGV: base, id. Returns {generation, value or nil}.
  private static final LuaScript READ = new LuaScript("""
      local g = redis.call('GET', KEYS[1]) or '0'
      return {g, redis.call('GET', ARGV[1] .. g .. ':' .. ARGV[2])}
      """);

  // KEYS: gen. ARGV: base, id, value, ttl ms, generation read. Returns 1 if written.
  private static final LuaScript FILL = new LuaScript("""
      local g = redis.call('GET', KEYS[1]) or '0'
      if g ~= ARGV[5] then return 0 end
      if redis.call('SET', ARGV[1] .. g .. ':' .. ARGV[2], ARGV[3], 'PX', ARGV[4], 'NX') then return 1 end
      return 0
      """);

  // KEYS: gen. ARGV: base, id, value, ttl ms. Writes over whatever is there, tombstones included.
  private static final LuaScript WRITE = new LuaScript("""
      local g = redis.call('GET', KEYS[1]) or '0'
      redis.call('SET', ARGV[1] .. g .. ':' .. ARGV[2], ARGV[3], 'PX', ARGV[4])
      return 1
      """);

  private final RedisCommands<String, byte[]> redis;
  private final String generationKey;
  private final byte[] base;
  private final long tombstoneMillis;

  RedisL2(RedisCommands<String, byte[]> redis, String prefix, String resource, long tombstoneMillis) {
    this.redis = redis;
    String b = prefix + "cache:{" + resource + "}:";
    this.generationKey = b + "gen";
    this.base = utf8(b);
    this.tombstoneMillis = tombstoneMillis;
  }

  Read read(String id) {
    List<Object> out = READ.run(redis, ScriptOutputType.MULTI, new String[] {generationKey}, base, utf8(id));
    byte[] value = out.size() > 1 ? (byte[]) out.get(1) : null;
    String generation = new String((byte[]) out.get(0), StandardCharsets.UTF_8);
    return new Read(generation, value == null || value.length == 0 ? null : value);
  }

  /** Writes a loaded value unless the key has a value or tombstone, or the generation moved. */
  boolean fill(String generation, String id, byte[] value, long ttlMillis) {
    Long written = FILL.run(redis, ScriptOutputType.INTEGER, new String[] {generationKey}, base, utf8(id), value,
        utf8(Long.toString(ttlMillis)), utf8(generation));
    return written != null && written == 1L;
  }

  /** Writes a value given by a writer, over anything. */
  void write(String id, byte[] value, long ttlMillis) {
    WRITE.run(redis, ScriptOutputType.INTEGER, new String[] {generationKey}, base, utf8(id), value,
        utf8(Long.toString(ttlMillis)));
  }

  /** Marks a key invalid for the tombstone's life, which also blocks stale fills. */
  void invalidate(String id) {
    write(id, TOMBSTONE, tombstoneMillis);
  }

  /** Orphans every entry of the resource. */
  void invalidateAll() {
    redis.incr(generationKey);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
