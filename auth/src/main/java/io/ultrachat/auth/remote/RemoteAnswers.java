package io.ultrachat.auth.remote;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * Answers of the remote Auth service, remembered for a short time, negative ones included.
 *
 * <p>Concurrency. Loads run on their own virtual thread and callers wait on a future, so
 * concurrent misses of one key make one call (single flight) and no HTTP call ever runs inside
 * the cache's map locks, where it would pin a carrier thread. A load that fails (the service is
 * unreachable) is not remembered: the next caller tries again. Time is the injected clock's.
 */
final class RemoteAnswers<K, V> {
  private static final ExecutorService LOADERS = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("auth-remote-", 0).factory());

  private final AsyncCache<K, V> cache;

  RemoteAnswers(Clock clock, Duration ttl, long maxSize) {
    Ticker ticker = () -> clock.millis() * 1_000_000L;
    this.cache = Caffeine.newBuilder().ticker(ticker).expireAfterWrite(ttl).maximumSize(maxSize).executor(Runnable::run).buildAsync();
  }

  /** The remembered answer for {@code key}, or the loader's, which is then remembered. Blocks while loading. */
  V get(K key, Function<K, V> loader) {
    CompletableFuture<V> answer = cache.get(key, (k, executor) -> CompletableFuture.supplyAsync(() -> loader.apply(k), LOADERS));
    try {
      return answer.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  void invalidateAll() {
    cache.synchronous().invalidateAll();
  }
}
