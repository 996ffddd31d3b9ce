package io.ultrachat.gateway.proxy;

import io.vertx.core.Future;
import java.util.concurrent.TimeUnit;

/** Waits for a Vert.x future from a test thread, bounded. */
final class Futures {
  private Futures() {}

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("future did not complete within 10 s: " + e, e);
    }
  }
}
