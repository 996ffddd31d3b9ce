package io.ultrachat.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisScriptingCommands;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A Lua script run by its SHA-1 ({@code EVALSHA}), sent in full ({@code EVAL}, which also caches
 * it on the server) only when the server answers {@code NOSCRIPT}: after a restart, a failover or
 * a {@code SCRIPT FLUSH}. A script runs atomically, which is what makes each multi-command
 * operation atomic on its keys.
 */
final class LuaScript {
  private final String source;
  private final String sha;

  LuaScript(String source) {
    this.source = source;
    try {
      this.sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-1", e);
    }
  }

  @SafeVarargs
  final <K, V, T> T run(RedisScriptingCommands<K, V> commands, ScriptOutputType type, K[] keys, V... args) {
    try {
      return commands.evalsha(sha, type, keys, args);
    } catch (RedisNoScriptException notLoaded) {
      return commands.eval(source, type, keys, args);
    }
  }
}
