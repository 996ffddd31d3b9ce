package io.ultrachat.redis;

import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** The Redis the tests share (ULTRACHAT_TEST_REDIS_URL, else localhost), and helpers around it. */
final class TestRedis {
  private TestRedis() {}

  static String url() {
    return System.getenv().getOrDefault("ULTRACHAT_TEST_REDIS_URL", "redis://127.0.0.1:6379");
  }

  /** Keys under a prefix, so a test can check what it left in Redis. */
  static List<String> keys(RedisEndpoint endpoint, String prefix) {
    RedisCommands<String, String> redis = endpoint.text().sync();
    List<String> out = new ArrayList<>();
    ScanIterator.scan(redis, ScanArgs.Builder.matches(prefix + "*").limit(1000)).forEachRemaining(out::add);
    return out;
  }

  /** Removes every key under a prefix: a test's own keys on the shared server. */
  static void deleteKeys(RedisEndpoint endpoint, String prefix) {
    List<String> keys = keys(endpoint, prefix);
    if (!keys.isEmpty()) {
      endpoint.text().sync().unlink(keys.toArray(String[]::new));
    }
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
