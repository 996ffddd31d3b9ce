package io.ultrachat.redis;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.sync.RedisCommands;
import io.ultrachat.kernel.error.Unavailable;
import io.ultrachat.kernel.kv.KeyValue;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The scaled {@link KeyValue}: entries in Redis, shared by every node.
 *
 * <p>Design notes. <b>Layout:</b> key {@code k} lives at {@code <prefix>kv:k}, a Redis string
 * for a value and a Redis hash for a hash. Redis 7.0 has no per-field expiry ({@code HPEXPIRE}
 * came in 7.4), so each hash has a companion sorted set at {@code <prefix>kv-fx:k} holding every
 * field's expiry (Unix ms) as its score. The two name spaces cannot collide ({@code kv:} vs
 * {@code kv-}). <b>Atomicity:</b> one-command operations ({@code GET}, {@code SET … PX [NX]})
 * are atomic as they are; every other operation is one Lua script over the key and its
 * companion, so a reader never sees a field without its expiry. <b>Expiration:</b> time is the
 * Redis server's ({@code TIME} inside scripts, {@code PX} for values), one clock for every node,
 * so there is no skew between writers and readers and no {@link java.time.Clock} here. A field
 * is live while its score is after now; scripts that write drop dead fields, and both keys carry
 * a {@code PEXPIREAT} of their latest field, so a hash whose fields have all died disappears on
 * its own and nothing needs a sweeper. <b>Errors:</b> using a key as the other kind is
 * {@link IllegalStateException} as the contract says; Redis being unreachable or slow is
 * {@link Unavailable}.
 *
 * <p>Methods block on the network: call them from virtual or worker threads, never an event loop.
 */
public final class RedisKeyValue implements KeyValue {
  /** The default key prefix, shared with the cache's keys ({@code <prefix>cache:…}). */
  public static final String DEFAULT_PREFIX = "ultrachat:";
  /** Longest TTL honoured (about 100 years); longer ones are clamped, as "never" in practice. */
  static final long MAX_TTL_MILLIS = 100L * 365 * 24 * 3600 * 1000;

  private static final String LUA_COMMON = """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      local function num(x) return string.format('%.0f', x) end
      local function kind(key)
        local k = redis.call('TYPE', key)['ok']
        if k ~= 'none' and k ~= 'hash' then
          return redis.error_reply('WRONGTYPE key holds a value, not a hash')
        end
        return k
      end
      local function purge(h, x)
        local dead = redis.call('ZRANGE', x, '-inf', num(now), 'BYSCORE')
        for i = 1, #dead, 500 do
          redis.call('HDEL', h, unpack(dead, i, math.min(i + 499, #dead)))
        end
        if #dead > 0 then redis.call('ZREMRANGEBYSCORE', x, '-inf', num(now)) end
      end
      local function settle(h, x)
        local last = redis.call('ZRANGE', x, -1, -1, 'WITHSCORES')
        if #last == 0 then
          redis.call('DEL', h, x)
        else
          redis.call('PEXPIREAT', h, last[2])
          redis.call('PEXPIREAT', x, last[2])
        end
      end
      """;

  // KEYS: hash, expiries. ARGV: field, value, ttl ms, most fields. Returns the previous live value.
  private static final LuaScript PUT_FIELD = new LuaScript(LUA_COMMON + """
      local k = kind(KEYS[1])
      if type(k) == 'table' then return k end
      if k == 'none' then redis.call('DEL', KEYS[2]) end
      purge(KEYS[1], KEYS[2])
      local previous = false
      if redis.call('ZSCORE', KEYS[2], ARGV[1]) then
        previous = redis.call('HGET', KEYS[1], ARGV[1])
      elseif redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[4]) then
        return redis.error_reply('TOOMANY hash already has the most fields allowed, ' .. ARGV[4])
      end
      redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
      redis.call('ZADD', KEYS[2], num(now + tonumber(ARGV[3])), ARGV[1])
      settle(KEYS[1], KEYS[2])
      return previous
      """);

  // KEYS: hash, expiries. ARGV: field.
  private static final LuaScript GET_FIELD = new LuaScript(LUA_COMMON + """
      local k = kind(KEYS[1])
      if type(k) == 'table' then return k end
      if k == 'none' then return false end
      local score = redis.call('ZSCORE', KEYS[2], ARGV[1])
      if not score or tonumber(score) <= now then return false end
      return redis.call('HGET', KEYS[1], ARGV[1])
      """);

  // KEYS: hash, expiries. Returns field, value, field, value, ...
  private static final LuaScript FIELDS = new LuaScript(LUA_COMMON + """
      local k = kind(KEYS[1])
      if type(k) == 'table' then return k end
      if k == 'none' then return {} end
      local live = redis.call('ZRANGE', KEYS[2], '(' .. num(now), '+inf', 'BYSCORE')
      local out = {}
      for i = 1, #live, 500 do
        local names = {unpack(live, i, math.min(i + 499, #live))}
        local values = redis.call('HMGET', KEYS[1], unpack(names))
        for j = 1, #names do
          if values[j] then
            out[#out + 1] = names[j]
            out[#out + 1] = values[j]
          end
        end
      end
      return out
      """);

  // KEYS: hash, expiries. ARGV: field. Returns the removed value if it was live.
  private static final LuaScript DELETE_FIELD = new LuaScript(LUA_COMMON + """
      local k = kind(KEYS[1])
      if type(k) == 'table' then return k end
      if k == 'none' then return false end
      local score = redis.call('ZSCORE', KEYS[2], ARGV[1])
      local value = redis.call('HGET', KEYS[1], ARGV[1])
      redis.call('HDEL', KEYS[1], ARGV[1])
      redis.call('ZREM', KEYS[2], ARGV[1])
      purge(KEYS[1], KEYS[2])
      settle(KEYS[1], KEYS[2])
      if score and tonumber(score) > now then return value end
      return false
      """);

  // KEYS: key, expiries. Returns 1 if a live entry was removed.
  private static final LuaScript DELETE = new LuaScript(LUA_COMMON + """
      local k = redis.call('TYPE', KEYS[1])['ok']
      local live = 1
      if k == 'none' then
        live = 0
      elseif k == 'hash' then
        live = redis.call('ZCOUNT', KEYS[2], '(' .. num(now), '+inf') > 0 and 1 or 0
      end
      redis.call('DEL', KEYS[1], KEYS[2])
      return live
      """);

  // KEYS: counter. ARGV: delta, ttl ms. A new counter gets the TTL; an existing one keeps its own.
  private static final LuaScript INCREMENT = new LuaScript("""
      local k = redis.call('TYPE', KEYS[1])['ok']
      if k ~= 'none' and k ~= 'string' then
        return redis.error_reply('WRONGTYPE key holds a hash, not a counter')
      end
      local count = redis.pcall('INCRBY', KEYS[1], ARGV[1])
      if type(count) == 'table' and count['err'] then
        return redis.error_reply('NOTCOUNTER ' .. count['err'])
      end
      redis.call('PEXPIRE', KEYS[1], ARGV[2], 'NX')
      return count
      """);

  private final RedisCommands<String, String> redis;
  private final String prefix;
  private final int maxFields;
  private final String where;

  /**
   * @param endpoint the server, usually from the {@code kv.redis-url} setting
   * @param prefix put before every key, so deployments (or tests) can share a server
   * @param maxFields most fields in one hash; a write past it fails with {@link IllegalStateException}
   */
  public RedisKeyValue(RedisEndpoint endpoint, String prefix, int maxFields) {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(prefix, "prefix");
    if (maxFields < 1) {
      throw new IllegalArgumentException("maxFields must be at least 1 but was " + maxFields);
    }
    this.redis = endpoint.text().sync();
    this.prefix = prefix;
    this.maxFields = maxFields;
    this.where = endpoint.setting() + " (" + endpoint.address() + ")";
  }

  /** With the {@link #DEFAULT_PREFIX} and up to a million fields per hash, like the in-memory store. */
  public RedisKeyValue(RedisEndpoint endpoint) {
    this(endpoint, DEFAULT_PREFIX, 1_000_000);
  }

  @Override
  public Optional<String> get(String key) {
    checkName("key", key);
    return Optional.ofNullable(call(key, () -> redis.get(entry(key))));
  }

  @Override
  public void put(String key, String value, Duration ttl) {
    checkName("key", key);
    Objects.requireNonNull(value, "value");
    long px = millis(ttl);
    // SET replaces a hash too, as the in-memory store does; its expiry set then expires unread.
    call(key, () -> redis.set(entry(key), value, SetArgs.Builder.px(px)));
  }

  @Override
  public boolean putIfAbsent(String key, String value, Duration ttl) {
    checkName("key", key);
    Objects.requireNonNull(value, "value");
    long px = millis(ttl);
    return "OK".equals(call(key, () -> redis.set(entry(key), value, SetArgs.Builder.px(px).nx())));
  }

  @Override
  public boolean delete(String key) {
    checkName("key", key);
    Long removed = call(key, () -> DELETE.run(redis, ScriptOutputType.INTEGER, both(key)));
    return removed != null && removed == 1L;
  }

  @Override
  public long increment(String key, long delta, Duration ttl) {
    checkName("key", key);
    long px = millis(ttl);
    Long count = call(key, () -> INCREMENT.run(redis, ScriptOutputType.INTEGER, new String[] {entry(key)},
        Long.toString(delta), Long.toString(px)));
    return count;
  }

  @Override
  public Optional<String> putField(String key, String field, String value, Duration ttl) {
    checkName("key", key);
    checkName("field", field);
    Objects.requireNonNull(value, "value");
    long px = millis(ttl);
    String previous = call(key, () -> PUT_FIELD.run(redis, ScriptOutputType.VALUE, both(key),
        field, value, Long.toString(px), Integer.toString(maxFields)));
    return Optional.ofNullable(previous);
  }

  @Override
  public Optional<String> getField(String key, String field) {
    checkName("key", key);
    checkName("field", field);
    return Optional.ofNullable(call(key, () -> GET_FIELD.run(redis, ScriptOutputType.VALUE, both(key), field)));
  }

  @Override
  public Optional<String> deleteField(String key, String field) {
    checkName("key", key);
    checkName("field", field);
    return Optional.ofNullable(call(key, () -> DELETE_FIELD.run(redis, ScriptOutputType.VALUE, both(key), field)));
  }

  @Override
  public Map<String, String> fields(String key) {
    checkName("key", key);
    List<Object> flat = call(key, () -> FIELDS.run(redis, ScriptOutputType.MULTI, both(key)));
    Map<String, String> out = new HashMap<>();
    for (int i = 0; i + 1 < flat.size(); i += 2) {
      out.put((String) flat.get(i), (String) flat.get(i + 1));
    }
    return Map.copyOf(out);
  }

  /** Where a key's entry lives in Redis. */
  private String entry(String key) {
    return prefix + "kv:" + key;
  }

  /** The entry and its field-expiry set, the keys of every hash script. */
  private String[] both(String key) {
    return new String[] {entry(key), prefix + "kv-fx:" + key};
  }

  /** Runs one command, turning Redis errors into the contract's exceptions. */
  private <T> T call(String key, Supplier<T> command) {
    try {
      return command.get();
    } catch (RedisCommandExecutionException e) {
      String message = String.valueOf(e.getMessage());
      if (message.startsWith("WRONGTYPE")) {
        throw new IllegalStateException("key '" + key + "' holds the other kind of entry (" + message + ")", e);
      }
      if (message.startsWith("NOTCOUNTER")) {
        throw new IllegalStateException("key '" + key + "' holds a value that is not a counter, or it would overflow ("
            + message + ")", e);
      }
      if (message.startsWith("TOOMANY")) {
        throw new IllegalStateException("hash '" + key + "' already has the most fields allowed, " + maxFields, e);
      }
      throw new Unavailable("Redis at " + where + " failed a command: " + message, e);
    } catch (RedisException e) {
      throw new Unavailable("Redis at " + where + " is unavailable: " + e.getMessage(), e);
    }
  }

  private static long millis(Duration ttl) {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.compareTo(Duration.ofMillis(1)) < 0) {
      throw new IllegalArgumentException("ttl must be at least 1 ms but was " + ttl);
    }
    return ttl.compareTo(Duration.ofMillis(MAX_TTL_MILLIS)) > 0 ? MAX_TTL_MILLIS : ttl.toMillis();
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
